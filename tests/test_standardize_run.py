"""`weft standardize` end to end: shipped specs over a generated city, rejects, CLI errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from weft.bench import specs_dir
from weft.bench.gen import generate
from weft.cli import main
from weft.linkage.specs import load_specs
from weft.linkage.standardize.run import standardize_sources

PERSONS = 1_500


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("city")
    generate(PERSONS, 4, out)
    return out


@pytest.fixture(scope="module")
def standardized(city, tmp_path_factory):
    out = tmp_path_factory.mktemp("std")
    specs = load_specs(sorted(specs_dir().glob("*.toml")), data_dir=city)
    return specs, standardize_sources(specs, out, batch_size=997)  # odd size: many partial batches


def test_every_row_becomes_one_mention_per_role(city, standardized):
    specs, result = standardized
    assert result.rejected == 0
    for spec in specs:
        dept = pq.read_table(spec.file)
        for kind in {m.kind for m in spec.mentions}:
            t = pq.read_table(result.out / kind / f"{spec.name}.parquet")
            roles = [m.role for m in spec.mentions if m.kind == kind]
            assert t.num_rows == dept.num_rows * len(roles)
            for role in roles:
                r = t.filter(pc.equal(t["role"], role))
                assert r["record_id"].to_pylist() == dept[spec.record_id].to_pylist(), (spec.name, role)
            assert set(t["source"].to_pylist()) == {spec.name}


def test_summary_counts_every_value(standardized):
    specs, result = standardized
    summary = json.loads((result.out / "summary.json").read_text(encoding="utf-8"))
    assert summary["rows"] == result.rows
    for spec in specs:
        s = summary["sources"][spec.name]
        for m in spec.mentions:
            for f in m.fields:
                c = s["mentions"][m.role]["fields"][f.attribute]
                assert c["valid"] + c["repaired"] + c["missing"] + sum(c["invalid"].values()) == s["rows"]


def test_person_columns_are_canonical(city, standardized):
    _, result = standardized
    t = pq.read_table(result.out / "person" / "gongan_renkou.parquet")
    for col in ("name", "name_q", "id_number", "id_number_q", "birth_date", "birth_date_q", "gender", "gender_q",
                "phone", "address", "address_q", "hukou_address", "hukou_address_q", "former_name", "ethnicity"):
        assert col in t.column_names, col
    truth = pq.read_table(city / "truth" / "persons.parquet")
    ments = pq.read_table(city / "truth" / "mentions.parquet")
    ments = ments.filter(pc.and_(pc.equal(ments["source"], "gongan_renkou"), pc.equal(ments["role"], "resident")))
    j = t.select(["record_id", "id_number", "id_number_q"]).join(ments.select(["record_id", "entity_id"]), "record_id").join(
        truth.select(["person_id", "id_number"]).rename_columns(["entity_id", "true_id"]), "entity_id")
    valid = j.filter(pc.equal(j["id_number_q"], 0))
    assert valid.num_rows > 0.9 * j.num_rows
    assert valid["id_number"].to_pylist() == valid["true_id"].to_pylist()
    assert t.schema.field("birth_date").type == pa.date32()


def test_csv_source_with_bad_rows(tmp_path):
    lines = ["编号,姓名,身份证", "1,张伟,440304200906151236", "2,王芳,x,多余", "3,李娜,11010519491231002x"]
    (tmp_path / "d.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "s.toml").write_text('[source]\nname = "d"\nfile = "d.csv"\nrecord_id = "编号"\n'
                                     '[[mention]]\nrole = "p"\nkind = "person"\nfields = { name = "姓名", id_number = "身份证" }\n',
                                     encoding="utf-8")
    r = standardize_sources(load_specs([tmp_path / "s.toml"]), tmp_path / "out")
    t = pq.read_table(tmp_path / "out" / "person" / "d.parquet")
    assert t["record_id"].to_pylist() == ["1", "3"]
    assert t["id_number"].to_pylist() == ["440304200906151236", "11010519491231002X"]
    assert t["id_number_q"].to_pylist() == [0, 1]
    rej = pq.read_table(tmp_path / "out" / "rejects.parquet").to_pylist()
    assert r.rejected == 1 and rej[0]["source"] == "d" and rej[0]["row"] == 3


def test_cli_errors_are_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[source]\nname = "x"\nfile = "x.parquet"\n[[mention]]\nrole = "p"\nkind = "alien"\nfields = { a = "b" }\n')
    assert main(["standardize", "--spec", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "mention[0].kind" in err and str(bad) in err
    assert main(["standardize", "--spec", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "o")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["standardize", "--spec", "generated", "--data", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    assert "no such data file" in capsys.readouterr().err


def test_cli_runs(city, tmp_path):
    out = tmp_path / "o"
    p = subprocess.run([sys.executable, "-m", "weft", "standardize", "--spec", "generated", "--data", str(city),
                        "--out", str(out), "--quiet"], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert "weft standardize:" in p.stdout and "gongan_renkou" in p.stdout
    assert (out / "summary.json").exists() and (out / "house" / "zhujian_zulin.parquet").exists()
