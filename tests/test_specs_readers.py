"""Source specs fail early and clearly; readers stream Parquet, Arrow IPC and CSV with row rejects."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq
import pytest

from weft.linkage.readers import ReadError, read_batches
from weft.linkage.specs import SpecError, load_spec, load_specs

SPECS = Path(__file__).resolve().parent.parent / "bench" / "specs"

GOOD = """
[source]
name = "demo"
file = "data.{ext}"
record_id = "编号"

[[mention]]
role = "p"
kind = "person"
fields = {{ name = "姓名", id_number = "身份证", birth_date = {{ column = "生日", formats = ["%Y%m%d"] }}, note = {{ column = "备注", type = "text" }} }}
"""

ROWS = {"编号": ["a1", "a2", "a3"], "姓名": ["张伟", "王芳", None], "身份证": ["440304200906151236", "x", ""],
        "生日": ["20090615", "1990-01-01", None], "备注": ["一", "二", "三"]}


def _spec(tmp_path: Path, text: str, name="s.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_shipped_specs_load():
    specs = load_specs(sorted(SPECS.glob("*.toml")), data_dir="/nowhere")
    assert {s.name for s in specs} >= {"gongan_renkou", "juzhuzheng", "shebao_canbao", "jiaoyu_xueji",
                                       "weijian_jiuzhen", "zhujian_zulin", "shichang_qiye", "minzheng_hunyin",
                                       "exam_registration"}
    j = next(s for s in specs if s.name == "jiaoyu_xueji")
    assert [m.role for m in j.mentions] == ["student", "guardian", "residence"]
    assert j.relations[0].type == "guardian_of"
    assert str(j.file) == "/nowhere/departments/jiaoyu_xueji.parquet"


@pytest.mark.parametrize("mutate, key, message", [
    (lambda t: t.replace('name = "demo"', 'name = "de mo"'), "source.name", "ASCII"),
    (lambda t: t.replace('kind = "person"', 'kind = "persn"'), "mention[0].kind", "unknown kind"),
    (lambda t: t.replace('note = {{ column = "备注", type = "text" }}', 'note = "备注"'), "mention[0].fields.note", "give it a type"),
    (lambda t: t.replace('type = "text"', 'type = "txt"'), "mention[0].fields.note.type", "unknown type"),
    (lambda t: t.replace('formats = ["%Y%m%d"]', 'formats = ["yyyymmdd"]'), "mention[0].fields.birth_date.formats", "unknown format"),
    (lambda t: t.replace('record_id = "编号"', 'record_id = "编号"\ncolour = 1'), "source.colour", "unknown key"),
    (lambda t: t + '\n[[relation]]\ntype = "guardian_of"\nfrom = "p"\nto = "q"\n', "relation[0].to", "no mention"),
    (lambda t: t + '\n[[mention]]\nrole = "p"\nkind = "house"\nfields = {{ address = "备注" }}\n', "mention[1].role", "appears twice"),
    (lambda t: t.replace('birth_date = {{ column = "生日", formats = ["%Y%m%d"] }}', 'birth_date = {{ column = "生日", type = "date" }}'), "mention[0].fields.birth_date.type", "canonical"),
    (lambda t: t.replace('file = "data.{ext}"', 'file = "data.xyz"'), "source.format", "cannot tell"),
    (lambda t: "[source\nname=", "(toml)", ""),
])
def test_bad_specs_name_file_and_key(tmp_path, mutate, key, message):
    text = mutate(GOOD).replace("{{", "{").replace("}}", "}").replace("{ext}", "parquet")
    p = _spec(tmp_path, text)
    with pytest.raises(SpecError) as e:
        load_spec(p)
    assert str(p) in str(e.value) and key in str(e.value) and message in str(e.value)


def test_duplicate_source_names(tmp_path):
    text = GOOD.replace("{{", "{").replace("}}", "}").replace("{ext}", "parquet")
    a, b = _spec(tmp_path, text, "a.toml"), _spec(tmp_path, text, "b.toml")
    with pytest.raises(SpecError, match="also the name in"):
        load_specs([a, b])


def _write(tmp_path: Path, ext: str) -> Path:
    table = pa.table(ROWS)
    path = tmp_path / f"data.{ext}"
    if ext == "parquet":
        pq.write_table(table, path, row_group_size=2)
    elif ext == "arrow":
        with ipc.new_file(path, table.schema) as w:
            for b in table.to_batches(max_chunksize=2):
                w.write_batch(b)
    return path


@pytest.mark.parametrize("ext", ["parquet", "arrow"])
def test_columnar_readers(tmp_path, ext):
    _write(tmp_path, ext)
    spec = load_spec(_spec(tmp_path, GOOD.replace("{{", "{").replace("}}", "}").replace("{ext}", ext)))
    rejects = []
    batches = list(read_batches(spec, rejects, batch_size=2))
    t = pa.Table.from_batches(batches)
    assert t.column_names == ["编号", "姓名", "身份证", "生日", "备注"]
    assert t.to_pydict() == ROWS and not rejects
    assert all(b.num_rows <= 2 for b in batches)


def test_missing_column_is_a_spec_error_before_reading(tmp_path):
    _write(tmp_path, "parquet")
    spec = load_spec(_spec(tmp_path, GOOD.replace("{{", "{").replace("}}", "}").replace("{ext}", "parquet").replace('"备注"', '"附注"')))
    with pytest.raises(SpecError, match=r"mention\[0\]\.fields\.note: column '附注' not in data.parquet"):
        read_batches(spec, [])


def test_unreadable_file(tmp_path):
    (tmp_path / "data.parquet").write_bytes(b"not parquet at all")
    spec = load_spec(_spec(tmp_path, GOOD.replace("{{", "{").replace("}}", "}").replace("{ext}", "parquet")))
    with pytest.raises(ReadError, match="data.parquet: cannot read as Parquet"):
        read_batches(spec, [])
    (tmp_path / "data.parquet").unlink()
    with pytest.raises(ReadError, match="no such data file"):
        read_batches(spec, [])


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_csv_bad_rows_are_rejected_and_the_rest_go_on(tmp_path, encoding):
    lines = ["编号,姓名,身份证,生日,备注", "a1,张伟,440304200906151236,20090615,一",
             "a2,王芳,x,1990-01-01,二,多余", "a3,李娜,,,三", "a4,赵敏,1,2", "a5,鍾漢良,2,3,四"]
    data = ("\n".join(lines) + "\n").encode(encoding)
    (tmp_path / "data.csv").write_bytes(data)
    text = GOOD.replace("{{", "{").replace("}}", "}").replace("{ext}", "csv")
    text = text.replace('record_id = "编号"', f'record_id = "编号"\nencoding = "{encoding}"')
    spec = load_spec(_spec(tmp_path, text))
    rejects = []
    t = pa.Table.from_batches(list(read_batches(spec, rejects)))
    assert t["编号"].to_pylist() == ["a1", "a3", "a5"]
    assert t["姓名"].to_pylist() == ["张伟", "李娜", "鍾漢良"]
    assert sorted(r.row for r in rejects) == [3, 5]
    assert all("fields where the header has 5" in r.reason and r.source == "demo" for r in rejects)


def test_csv_invalid_bytes_reject_one_row(tmp_path):
    good = "编号,姓名,身份证,生日,备注\na1,张伟,1,2,一\n".encode()
    (tmp_path / "data.csv").write_bytes(good + b"a2,\xff\xfe,1,2,x\n" + "a3,王芳,1,2,三\n".encode())
    spec = load_spec(_spec(tmp_path, GOOD.replace("{{", "{").replace("}}", "}").replace("{ext}", "csv")))
    rejects = []
    t = pa.Table.from_batches(list(read_batches(spec, rejects)))
    assert t["编号"].to_pylist() == ["a1", "a3"]
    assert len(rejects) == 1 and rejects[0].field == "姓名" and "UTF-8" in rejects[0].reason

    gb = "编号,姓名,身份证,生日,备注\na1,张伟,1,2,一\n".encode("gb18030") + b"a2,\x81\x20,1,2,x\n" + "a3,王芳,1,2,三\n".encode("gb18030")
    (tmp_path / "data.csv").write_bytes(gb)
    text = GOOD.replace("{{", "{").replace("}}", "}").replace("{ext}", "csv").replace('record_id = "编号"', 'record_id = "编号"\nencoding = "gb18030"')
    spec = load_spec(_spec(tmp_path, text))
    rejects = []
    t = pa.Table.from_batches(list(read_batches(spec, rejects)))
    assert t["编号"].to_pylist() == ["a1", "a3"]
    assert rejects[0].row == 3 and "gb18030" in rejects[0].reason
