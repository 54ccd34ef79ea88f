"""`weft link` and `weft evaluate`: hand-built records with exact expected identities, a generated
city end to end, the model file, capped blocks, bad input, and the metrics against a naive count."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from weft.bench import specs_dir
from weft.bench.gen import generate
from weft.linkage.link import Model, default_config, evaluate, link, scores
from weft.linkage.link.model import patterns, train
from weft.linkage.specs import load_specs

from weft.cli import main

from . import naive

# --------------------------------------------------------------------------- hand-built records


def _ric(body: str) -> str:
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * x for c, x in zip(body, w)) % 11]


A = _ric("44030419900101123")  # 王建国, 1990-01-01
B1 = _ric("44030420100505123")  # twin 李一鸣
B2 = _ric("44030420100505124")  # twin 李一凡: same birth date, address, phone; another number
C = _ric("11010519751212001")  # 陈晓东


def test_ids_are_valid():
    for v in (A, B1, B2, C):
        assert naive.ric_is_valid(v)


HUKOU = """记录号,姓名,身份证号,性别,出生日期,手机,住址
H1,王建国,{A},男,1990-01-01,13800138000,深圳市南山区粤海街道科技园社区科苑路8号3栋1203
H2,李一鸣,{B1},男,2010-05-05,13900139000,深圳市福田区莲花街道景华社区景田路1号2栋501
H3,李一凡,{B2},女,2010-05-05,13900139000,深圳市福田区莲花街道景华社区景田路1号2栋501
H4,陈晓东,{C},男,1975-12-12,13700137000,深圳市罗湖区东门街道立新社区立新路5号6栋302
"""

# Another department: A without a number, A with a one-digit typo, the twins again, C with A's
# number (a relative's, typed into the wrong form), and a stranger.
SHEBAO = """流水号,姓名,证件号码,性别,出生日期,联系电话,地址
S1,王建国,,男,1990-01-01,13800138000,南山区粤海街道科技园社区科苑路8号3栋1203室
S2,王建国,{A_typo},男,19900101,13800138000,
S3,李一鸣,{B1},男,2010/05/05,,
S4,李一凡,{B2},女,2010-05-05,,福田区景田路1号2栋501
S5,陈晓东,{A},男,1975-12-12,13700137000,深圳市罗湖区东门街道立新路5号6栋302
S6,赵无关,,女,1988-08-08,13600136000,深圳市宝安区西乡街道
"""

EXPECTED = [{"hukou:H1", "shebao:S1", "shebao:S2"}, {"hukou:H2", "shebao:S3"}, {"hukou:H3", "shebao:S4"},
            {"hukou:H4", "shebao:S5"}, {"shebao:S6"}]


def _spec(name: str, file: str, rid: str, cols: dict, trust: int = 1) -> str:
    fields = ", ".join(f'{k} = "{v}"' for k, v in cols.items())
    return f"""[source]
name = "{name}"
department = "test"
file = "{file}"
record_id = "{rid}"
trust = {trust}

[[mention]]
role = "resident"
kind = "person"
fields = {{ {fields} }}

[[mention]]
role = "home"
kind = "house"
fields = {{ address = "{cols['address']}" }}

[[relation]]
type = "resides_at"
from = "resident"
to = "home"
"""


@pytest.fixture(scope="module")
def hand(tmp_path_factory) -> tuple[Path, list]:
    d = tmp_path_factory.mktemp("hand")
    a_typo = A[:10] + str((int(A[10]) + 1) % 10) + A[11:]
    (d / "hukou.csv").write_text(HUKOU.format(A=A, B1=B1, B2=B2, C=C), encoding="utf-8")
    (d / "shebao.csv").write_text(SHEBAO.format(A=A, A_typo=a_typo, B1=B1, B2=B2), encoding="utf-8")
    (d / "hukou.toml").write_text(_spec("hukou", "hukou.csv", "记录号", {
        "name": "姓名", "id_number": "身份证号", "gender": "性别", "birth_date": "出生日期", "phone": "手机",
        "address": "住址"}, trust=3), encoding="utf-8")
    (d / "shebao.toml").write_text(_spec("shebao", "shebao.csv", "流水号", {
        "name": "姓名", "id_number": "证件号码", "gender": "性别", "birth_date": "出生日期", "phone": "联系电话",
        "address": "地址"}), encoding="utf-8")
    specs = load_specs([d / "hukou.toml", d / "shebao.toml"])
    return d, specs


def _clusters(out: Path, kind: str) -> list[set]:
    a = pq.read_table(out / "assignments.parquet")
    a = a.filter(pc.equal(a["kind"], kind)).to_pylist()
    groups: dict = {}
    for r in a:
        groups.setdefault(r["identity_id"], set()).add(f"{r['source']}:{r['record_id']}")
    return sorted(groups.values(), key=lambda s: sorted(s))


@pytest.fixture(scope="module")
def hand_run(hand, tmp_path_factory):
    _, specs = hand
    out = tmp_path_factory.mktemp("hand_out")
    res = link(specs, out, kinds=("person", "house"))
    return out, res


def test_hand_built_persons_exact(hand_run):
    out, _ = hand_run
    assert _clusters(out, "person") == sorted(EXPECTED, key=lambda s: sorted(s))


def test_twins_never_merge_and_foreign_number_is_caught(hand_run):
    out, res = hand_run
    rep = res.report["kinds"]["person"]
    assert rep["not_own_identifier"] == 1  # S5 carries A's number
    clusters = _clusters(out, "person")
    assert not any({"hukou:H2", "hukou:H3"} <= c for c in clusters)


def test_evidence_explains_each_scored_link(hand_run):
    out, _ = hand_run
    ev = pq.read_table(out / "evidence_person.parquet").to_pylist()
    links = {frozenset((f"{e['left_source']}:{e['left_record_id']}", f"{e['right_source']}:{e['right_record_id']}"))
             for e in ev if not e["refused"]}
    assert frozenset(("hukou:H1", "shebao:S1")) in links or frozenset(("shebao:S1", "shebao:S2")) in links
    for e in ev:
        weights = [v for k, v in e.items() if k.endswith("_weight")]
        assert all(np.isfinite(weights))
        assert e["rule"]


def test_relations_and_golden_records(hand_run):
    out, _ = hand_run
    rel = pq.read_table(out / "relations.parquet").to_pylist()
    assert {r["relation"] for r in rel} == {"resides_at"}
    a = {(r["source"], r["record_id"], r["kind"]): r["identity_id"] for r in pq.read_table(out / "assignments.parquet").to_pylist()}
    h1 = next(r for r in rel if r["from_id"] == a[("hukou", "H1", "person")])
    assert h1["to_id"] == a[("hukou", "H1", "house")] == a[("shebao", "S1", "house")]
    # S2's address is blank: its house is placed through its resident, who lives at H1's house
    assert a[("shebao", "S2", "house")] == h1["to_id"]
    assert set(h1["sources"]) == {"hukou", "shebao"} and h1["records"] == 3
    g = {r["identity_id"]: r for r in pq.read_table(out / "golden_person.parquet").to_pylist()}
    wang = g[a[("hukou", "H1", "person")]]
    assert wang["name"] == "王建国" and wang["id_number"] == A and wang["mentions"] == 3
    # trust: the hukou office (trust 3) wins the address over social insurance's room suffix
    assert wang["address"] == "广东省深圳市南山区粤海街道科技园社区科苑路8号3栋1203"


def test_model_file_round_trip_and_reuse(hand_run, hand, tmp_path):
    out, res = hand_run
    path = out / "model_person.json"
    m = Model.load(path)
    d = json.loads(path.read_text(encoding="utf-8"))
    assert d["version"] == 1 and d["kind"] == "person" and d["comparisons"][0]["levels"][0]["level"] == "null"
    assert [c.name for c in m.comparisons] == [c.name for c in res.kinds["person"].model.comparisons]
    again = link(hand[1], tmp_path, kinds=("person",), models={"person": m})
    assert _clusters(tmp_path, "person") == _clusters(out, "person")
    assert "person: train (u, EM)" not in [s["stage"] for s in again.report["stages"]]
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "weft-fellegi-sunter", "version": 99}', encoding="utf-8")
    with pytest.raises(ValueError, match="version 99"):
        Model.load(bad)


def test_cli_link_plan_and_evaluate(hand, tmp_path, capsys):
    d, _ = hand
    spec_args = ["--spec", str(d / "hukou.toml"), "--spec", str(d / "shebao.toml")]
    assert main(["link", *spec_args, "--out", str(tmp_path / "plan"), "--plan", "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "rule name_dob" in text and "candidate pairs" in text
    assert main(["link", *spec_args, "--out", str(tmp_path / "run"), "--kinds", "person", "--quiet"]) == 0
    assert "identities" in capsys.readouterr().out
    assert main(["link", *spec_args, "--out", str(tmp_path / "run"), "--quiet"]) == 2  # not empty
    assert main(["link", *spec_args, "--out", str(tmp_path / "x"), "--kinds", "people"]) == 2
    assert main(["link", *spec_args, "--out", str(tmp_path / "x"), "--model", "person"]) == 2
    err = capsys.readouterr().err
    assert err.count("weft: error:") == 3
    assert main(["evaluate", "--run", str(tmp_path / "nope"), "--truth", str(tmp_path)]) == 2


def test_bad_spec_fails_before_reading(tmp_path, capsys):
    p = tmp_path / "bad.toml"
    p.write_text('[source]\nname = "x"\nfile = "x.csv"\n[[mention]]\nrole = "r"\nkind = "alien"\nfields = {}\n',
                 encoding="utf-8")
    assert main(["link", "--spec", str(p), "--out", str(tmp_path / "o")]) == 2
    assert "bad.toml" in capsys.readouterr().err


def test_bad_rows_are_rejected_and_the_rest_linked(hand, tmp_path):
    d, _ = hand
    rows = SHEBAO.format(A=A, A_typo=A, B1=B1, B2=B2).splitlines()
    rows.insert(3, 'S9,too,many,fields,in,this,row,to,read')
    (tmp_path / "shebao.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "shebao.toml").write_text((d / "shebao.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "hukou.toml").write_text((d / "hukou.toml").read_text(encoding="utf-8").replace(
        'file = "hukou.csv"', f'file = "{d / "hukou.csv"}"'), encoding="utf-8")
    specs = load_specs([tmp_path / "hukou.toml", tmp_path / "shebao.toml"])
    res = link(specs, tmp_path / "out", kinds=("person",))
    rej = pq.read_table(tmp_path / "out" / "standardized" / "rejects.parquet")
    assert rej.num_rows >= 1 and res.report["standardize"]["rejected"] == rej.num_rows
    a = pq.read_table(tmp_path / "out" / "assignments.parquet")
    assert {"H1", "H4", "S1", "S6"} <= set(a["record_id"].to_pylist())


# --------------------------------------------------------------------------- a generated city


@pytest.fixture(scope="module")
def city_run(tmp_path_factory):
    city = tmp_path_factory.mktemp("city")
    generate(3_000, 11, city)
    specs = load_specs(sorted(specs_dir().glob("*.toml")), data_dir=city)
    out = tmp_path_factory.mktemp("link")
    res = link(specs, out)
    return city, out, res


def test_city_accuracy(city_run):
    city, out, _ = city_run
    ev = evaluate(out, city / "truth")
    assert ev["with_truth"] == ev["assignments"]
    person = ev["kinds"]["person"]["pairwise"]
    assert person["precision"] >= 0.999 and person["recall"] >= 0.99, person
    for kind in ("entity", "house"):
        assert ev["kinds"][kind]["pairwise"]["f1"] >= 0.95, (kind, ev["kinds"][kind]["pairwise"])


def test_city_outputs_are_complete(city_run):
    city, out, res = city_run
    a = pq.read_table(out / "assignments.parquet")
    truth = pq.read_table(city / "truth" / "mentions.parquet")
    assert a.num_rows == truth.num_rows
    assert a["identity_id"].null_count == 0
    for kind, prefix in (("person", "P"), ("entity", "E"), ("house", "H")):
        ids = a.filter(pc.equal(a["kind"], kind))["identity_id"]
        assert pc.all(pc.starts_with(ids, prefix)).as_py()
        g = pq.read_table(out / f"golden_{kind}.parquet")
        assert g.num_rows == len(set(ids.to_pylist())) == res.report["identities"][kind]
        assert sum(g["mentions"].to_pylist()) == len(ids)
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {s["stage"] for s in rep["stages"]} >= {"standardize", "person: blocking", "person: cluster", "relations"}
    assert all(s["seconds"] >= 0 and s["peak_rss_mb"] > 0 for s in rep["stages"])
    rel = pq.read_table(out / "relations.parquet")
    assert {"guardian_of", "resides_at", "legal_rep_of", "insured_by"} <= set(rel["relation"].to_pylist())
    # relations join identities of the right kinds
    kinds = dict(zip(a["identity_id"].to_pylist(), a["kind"].to_pylist()))
    for r in rel.slice(0, 500).to_pylist():
        assert kinds[r["from_id"]] == r["from_kind"] and kinds[r["to_id"]] == r["to_kind"]


def test_concurrent_run_equals_serial(city_run, tmp_path):
    """Kinds linked on a worker thread and golden records built beside relations change nothing."""
    city, out, res = city_run
    assert res.report["concurrent"]  # (omp or tbb here; the serial path is what workqueue gets)
    specs = load_specs(sorted(specs_dir().glob("*.toml")), data_dir=city)
    serial = link(specs, tmp_path, standardized=out / "standardized", concurrent=False)
    assert not serial.report["concurrent"]
    for name in ("assignments", "relations", "golden_person", "golden_entity", "golden_house",
                 "evidence_person", "evidence_entity", "evidence_house"):
        a, b = pq.read_table(out / f"{name}.parquet"), pq.read_table(tmp_path / f"{name}.parquet")
        assert a.equals(b), name
    # (the serial run drew persons' training sample from blocking's groups, the other from its own)
    for kind in ("person", "entity", "house"):
        assert (out / f"model_{kind}.json").read_text() == (tmp_path / f"model_{kind}.json").read_text()
    assert "person: train (u, EM)" in [s["stage"] for s in res.report["stages"]]
    assert "person: train (EM)" in [s["stage"] for s in serial.report["stages"]]
    for run, side_by_side in ((res, True), (serial, False)):
        starts = {s["stage"]: s["start_s"] for s in run.report["stages"]}
        assert (starts["entity: load"] < starts["person: cluster"]) == side_by_side
    assert res.report["kinds_side_by_side"] and not serial.report["kinds_side_by_side"]


def test_kinds_one_after_another_then_outputs_side_by_side(city_run, tmp_path, monkeypatch):
    """A city too big for the kinds side by side: linked one after another (the first kind's
    golden records built beside the third kind's linking, the assignments and the smaller kinds' golden
    records beside relations, the largest left after them), the same files."""
    from weft.linkage.link import run as R

    city, out, res = city_run
    monkeypatch.setattr(R, "_side_by_side_fits", lambda mentions: False)
    specs = load_specs(sorted(specs_dir().glob("*.toml")), data_dir=city)
    one = link(specs, tmp_path, standardized=out / "standardized")
    assert one.report["concurrent"] and not one.report["kinds_side_by_side"]
    assert "concurrent_skipped" in one.report
    starts = {s["stage"]: s["start_s"] for s in one.report["stages"]}
    assert starts["entity: load"] > starts["person: cluster"]
    # the first kind's golden records start once the second is linked, before the third is
    assert starts["entity: cluster"] < starts["person: golden records"] < starts["house: cluster"]
    # the assignments and the smaller kind's golden records go to the worker before relations (when
    # it starts them is its own affair); the larger kind's are built here after relations
    sizes = one.report["mentions_per_kind"]
    large = max(("entity", "house"), key=sizes.get)
    rel = next(s for s in one.report["stages"] if s["stage"] == "relations")
    assert starts[f"{large}: golden records"] >= rel["start_s"] + rel["seconds"]
    for name in ("assignments", "relations", "golden_person", "golden_entity", "golden_house"):
        assert pq.read_table(out / f"{name}.parquet").equals(pq.read_table(tmp_path / f"{name}.parquet")), name


def _same_feature(a, b) -> bool:
    if hasattr(a, "codes"):  # CodePoints
        return all(np.array_equal(x, y) for x, y in ((a.codes, b.codes), (a.offsets, b.offsets), (a.valid, b.valid)))
    if isinstance(a, tuple):
        return all(np.array_equal(x, y) for x, y in zip(a, b))
    return np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


@pytest.mark.parametrize("kind", ["person", "entity", "house"])
def test_features_built_part_by_part_equal_the_whole_table(city_run, kind):
    """Mentions read in small parts, each turned into arrays and dropped, give the arrays a
    Features over the whole table gives (codes, code points, sets, days, LSH bands, counts)."""
    from weft.linkage.link.features import Features
    from weft.linkage.link.blocking import verify_strong
    from weft.linkage.link.run import (_derive, _drop_foreign, count_mentions, feature_requests, iter_mentions,
                                       load_mentions, prepare)

    _, out, _ = city_run
    std = out / "standardized"
    cfg = default_config(kind)
    table = load_mentions(std, kind)
    if cfg.verify:  # identifiers that are someone else's are dropped before anything else is read
        foreign = verify_strong(Features(table), cfg, cfg.cannot_link)
        assert foreign.any()
        table = _drop_foreign(table, foreign, cfg.verify_drop)
    whole = Features(table)
    _derive(whole, cfg)
    n = count_mentions(std, kind)
    assert n == whole.n
    prep = prepare(lambda cols: iter_mentions(std, kind, None, cols, rows=997), n, cfg)
    parts = prep.feats
    assert parts.n == whole.n and parts.table.num_rows == whole.n
    req = feature_requests(cfg)
    assert kind == "house" or any(r[0] in ("strings", "sets", "bands") for r in req)
    for r in sorted(req, key=str):
        whole.fetch(r)
        assert _same_feature(whole._cache[r], parts._cache[r]), r
    for col in {r[1] for r in req if r[0] == "codes"}:
        assert np.array_equal(whole.counts(col)[1:].sum(), parts.counts(col)[1:].sum()), col
        # numbering may differ; the partition into equal values may not
        codes = parts.codes(col)  # stacked numbering: ascending hash order, 0 for null
        uniq, inv = np.unique(codes, return_inverse=True)
        assert np.array_equal(parts.dense(col), inv.reshape(-1) + (0 if len(uniq) and uniq[0] == 0 else 1)), col
        pairs = set(zip(whole.dense(col).tolist(), parts.dense(col).tolist()))
        assert len(pairs) == len(set(whole.dense(col).tolist())) == len(set(parts.dense(col).tolist())), col
        assert all(parts.has(col) == whole.has(col) for col in req if isinstance(col, str))
    for c in ("source", "record_id", "role", "kind"):
        assert parts.table.column(c).cast(pa.string()).equals(whole.table.column(c).cast(pa.string()))


@pytest.mark.parametrize("kind", ["person", "entity"])
def test_parts_read_on_two_threads_equal_one(city_run, tmp_path, kind):
    """Parts read as runs of row groups (or slices of a large one), every other part read and
    computed on a helper thread, give the arrays of one thread reading batches: same rows, same
    foreign identifiers dropped, same features, same key columns."""
    from concurrent.futures import ThreadPoolExecutor

    from weft.core._jit import one_kernel_thread
    from weft.linkage.link.run import count_mentions, iter_mentions, iter_parts, prepare

    _, out, _ = city_run
    std = out / "standardized"
    small = tmp_path / kind
    small.mkdir()
    for f in sorted((std / kind).glob("*.parquet")):  # row groups of 500: runs of them make parts
        pq.write_table(pq.read_table(f), small / f.name, row_group_size=500)
    cfg = default_config(kind)
    n = count_mentions(std, kind)
    one = prepare(lambda cols: iter_mentions(std, kind, None, cols, rows=1_200), n, cfg)
    with ThreadPoolExecutor(1, initializer=one_kernel_thread) as helper:
        for rows in (1_200, 300):  # 300: each row group read in slices
            parts = list(iter_parts(tmp_path, kind, None, None, rows=rows))
            assert len(parts) > 3 and any(map(callable, parts)) and all(map(callable, parts)) == (rows > 500)
            two = prepare(lambda cols: iter_parts(tmp_path, kind, None, cols, rows=rows), n, cfg, helper=helper)
            assert one.report == two.report
            assert np.array_equal(one.empty, two.empty)
            assert (one.check is None) == (two.check is None)
            if one.check is not None:
                assert np.array_equal(one.check, two.check)
            assert set(one.feats._cache) == set(two.feats._cache)
            for r in one.feats._cache:
                assert _same_feature(one.feats._cache[r], two.feats._cache[r]), r
            for c in one.feats.table.column_names:
                assert one.feats.table.column(c).cast(pa.string()).equals(two.feats.table.column(c).cast(pa.string())), c


def test_stacked_features_answer_only_what_was_fetched():
    from weft.linkage.link.features import Features, Stacker

    t = pa.table({"name": ["a", "b", None], "phone": ["1", None, "1"]})
    parts = [Features(t.slice(0, 2)), Features(t.slice(2))]
    for f in parts:
        f.fetch(("codes", "name"))
    f = Features.stack(parts)
    assert np.array_equal(f.codes("name"), Features(t).codes("name"))
    assert f.has("phone") and not f.has("nothing")
    with pytest.raises(KeyError, match="phone"):
        f.codes("phone")
    assert not f.codes("nothing").any()  # a column no part had reads as null
    with pytest.raises(ValueError, match="rows"):
        Stacker(5).finish()
    st = Stacker(3)
    a, b = Features(t.slice(0, 2)), Features(t.slice(2))
    a.fetch(("codes", "name"))
    st.add(a)
    with pytest.raises(ValueError, match="different features"):
        st.add(b)


def test_oversized_block_is_capped_and_reported(city_run):
    _, out, _ = city_run
    from weft.linkage.link import link_kind, load_mentions

    table = load_mentions(out / "standardized", "person")
    # 4,000 extra mentions sharing one name and birth date: a pathological block
    extra = table.slice(0, 1).select(["source", "record_id", "role", "kind", "name", "name_key", "name_pinyin_key",
                                      "birth_date"])
    n = 4000
    big = pa.table({c: pa.array([extra[c][0].as_py()] * n, extra[c].type) for c in extra.column_names})
    big = big.set_column(1, "record_id", pa.array([f"X{i}" for i in range(n)]))
    t = pa.concat_tables([table, big], promote_options="permissive")
    cfg = default_config("person")
    res = link_kind(t, cfg)
    rules = {r["rule"]: r for r in res.report["blocking"]}
    assert rules["name_dob"]["oversized_blocks"] >= 1
    assert rules["name_dob"]["largest_blocks"][0]["size"] >= n
    assert rules["name_dob"]["pairs_in_blocks"] < n * cfg.block_window * 3  # windowed, not n²/2


# --------------------------------------------------------------------------- metrics and EM


def test_scores_match_naive_pair_count():
    rng = np.random.default_rng(5)
    for _ in range(30):
        n = int(rng.integers(1, 60))
        pred = rng.integers(0, max(1, n // 3), n)
        true = rng.integers(0, max(1, n // 4), n)
        got = scores(pred, true)
        want = naive.link_pairwise(pred.tolist(), true.tolist())
        for k in ("precision", "recall", "f1"):
            assert got["pairwise"][k] == pytest.approx(want[k])
        b3 = naive.link_bcubed(pred.tolist(), true.tolist())
        for k in ("precision", "recall"):
            assert got["bcubed"][k] == pytest.approx(b3[k])


def test_patterns_match_unique():
    rng = np.random.default_rng(2)
    g = rng.integers(0, 6, (5000, 5)).astype(np.uint8)
    pats, counts = patterns(g)
    want, wc = np.unique(g, axis=0, return_counts=True)
    assert np.array_equal(pats, want) and np.array_equal(counts, wc)


def test_em_recovers_m_and_prior():
    from weft.linkage.link.comparisons import Comparison

    rng = np.random.default_rng(0)
    comps = [Comparison(f"a{i}", "exact", (f"a{i}",)) for i in range(4)]
    m_true = np.array([0.0, 0.05, 0.95])
    u_true = np.array([0.0, 0.9, 0.1])
    n, lam = 200_000, 0.2
    match = rng.random(n) < lam
    gamma = np.empty((n, 4), np.uint8)
    for j in range(4):
        p = np.where(match, m_true[2], u_true[2])
        gamma[:, j] = np.where(rng.random(n) < p, 2, 1)
    model = train("person", comps, gamma, [u_true.copy() for _ in comps])
    assert model.prior == pytest.approx(lam, abs=0.01)
    for m in model.m:
        assert m[2] == pytest.approx(0.95, abs=0.01)
    _, prob = model.score(model.weights(gamma))
    assert ((prob > 0.5) == match).mean() > 0.99


@pytest.mark.parametrize("with_tf", [False, True])
def test_one_pass_scores_match_the_per_attribute_weights(with_tf):
    from weft.core.score import fs_scores
    from weft.linkage.link.comparisons import Comparison
    from weft.linkage.link.model import Model

    rng = np.random.default_rng(7)
    comps = [Comparison("name", "exact", ("a",)), Comparison("dob", "date", ("b",)),
             Comparison("sex", "exact", ("c",))]
    m = [np.array([0.0, 0.1, 0.9]), np.array([0.0, 0.02, 0.03, 0.05, 0.1, 0.8]), np.array([0.0, 1e-9, 1.0])]
    u = [np.array([0.0, 0.99, 0.01]), np.array([0.0, 0.9, 0.01, 0.04, 0.04, 0.01]), np.array([0.0, 0.5, 0.5])]
    model = Model("person", comps, m, u, prior=0.001)
    n, mentions = 20_000, 500
    gamma = np.stack([rng.integers(0, len(x), n) for x in m], axis=1).astype(np.uint8)
    left = rng.integers(0, mentions, n)
    tf = None
    if with_tf:  # value codes per mention, frequency per code (code 0: no value)
        codes = rng.integers(0, 40, mentions)
        freq = np.concatenate([[0.0], rng.dirichlet(np.ones(39))])
        tf = [(codes, freq), None, None]
    want_w = model.weights(gamma, None if tf is None else [freq[codes[left]], None, None])
    want_total, want_prob = model.score(want_w, 0.01)
    total, prob = model.score_levels(gamma, 0.01, tf, left)
    np.testing.assert_allclose(total, want_total, rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(prob, want_prob, rtol=1e-6, atol=1e-7)
    # and against the formula, pair by pair
    lw = model.level_weights()
    for p in rng.integers(0, n, 200):
        w = model.prior_weight(0.01) + sum(
            (np.log2(max(m[0][2], 1e-6) / max(freq[codes[left[p]]], 1e-6)) if with_tf and j == 0 and gamma[p, j] == 2
             else lw[j][gamma[p, j]]) for j in range(3))
        assert total[p] == pytest.approx(w, abs=1e-4)
        assert prob[p] == pytest.approx(1 / (1 + 2.0 ** -min(max(w, -60), 60)), abs=1e-6)
    with pytest.raises(ValueError):
        fs_scores(gamma[:, :2], lw, 0.0)
    with pytest.raises(ValueError):
        fs_scores(np.full((1, 3), 9, np.uint8), lw, 0.0)
    with pytest.raises(ValueError):
        fs_scores(gamma, lw, 0.0, [(np.zeros(3, np.int64), np.zeros(1, np.float32)), None, None])  # no left
    assert [len(x) for x in fs_scores(gamma[:0], lw, 0.0)] == [0, 0]


def test_naive_pairs_reference_sane():
    # the reference itself: two identical labelings are perfect
    lab = [0, 0, 1, 2, 2, 2]
    assert naive.link_pairwise(lab, lab) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert len(list(itertools.combinations(range(6), 2))) == 15


def test_golden_survivorship_orders():
    from weft.linkage.link.outputs import golden_records

    t = pa.table({
        "source": ["a", "b", "b", "a", "c"],
        "name": ["张三", "張三", "張三", None, "李四"],
        "registered_on": pa.array([1, 5, 2, 9, 3], pa.int32()).cast(pa.date32()),
    })
    ids = pa.array(["P1", "P1", "P1", "P1", "P2"])
    trust = {"a": 3, "b": 1, "c": 1}
    by_trust = golden_records(t, ids, "person", trust, ("trust", "frequency", "recency")).to_pylist()
    assert [r["name"] for r in by_trust] == ["张三", "李四"]
    assert by_trust[0]["mentions"] == 4 and by_trust[0]["sources"] == ["a", "b"]
    assert golden_records(t, ids, "person", trust, ("frequency", "trust")).column("name").to_pylist() == ["張三", "李四"]
    # recency: the latest record carrying a value is row 1 (day 5): 張三; row 3 (day 9) has no name
    assert golden_records(t, ids, "person", trust, ("recency",)).column("name").to_pylist() == ["張三", "李四"]
    with pytest.raises(ValueError, match="survivorship"):
        golden_records(t, ids, "person", trust, ("loudest",))


@pytest.mark.parametrize("packed", [True, False])
def test_relations_match_reference_on_random_assignments(tmp_path, monkeypatch, packed):
    from weft.linkage.link import outputs
    from weft.linkage.link.outputs import relations
    from weft.linkage.specs import MentionSpec, RelationSpec, SourceSpec

    def spec(name, roles, rels):
        return SourceSpec(name, "dept", tmp_path / f"{name}.csv", "csv", "id", "utf-8", 1,
                          tuple(MentionSpec(r, k, ()) for r, k in roles), tuple(RelationSpec(*x) for x in rels),
                          tmp_path / f"{name}.toml")

    specs = [spec("zeta", [("kid", "person"), ("parent", "person"), ("home", "house")],
                  [("guardian_of", "parent", "kid"), ("resides_at", "kid", "home")]),
             spec("alpha", [("kid", "person"), ("home", "house")], [("resides_at", "kid", "home")]),
             spec("mid", [("boss", "person")], [])]
    if not packed:  # keys too wide for one uint64 (a city far past Shenzhen's): two, lexsorted
        monkeypatch.setattr(outputs, "_PACKED_MAX", 0)
    rng = np.random.default_rng(5)
    rows = []
    for _ in range(3000):
        s = specs[rng.integers(0, 3)]
        m = s.mentions[rng.integers(0, len(s.mentions))]
        rec = None if rng.random() < 0.02 else f"r{rng.integers(0, 400)}"
        ident = None if rng.random() < 0.02 else f"{m.kind[0]}{rng.integers(0, 60):03d}"
        rows.append((s.name, rec, m.role, ident))
    assign = pa.table({"source": [r[0] for r in rows], "record_id": [r[1] for r in rows],
                       "role": [r[2] for r in rows], "kind": ["x"] * len(rows),
                       "identity_id": [r[3] for r in rows]})
    got = relations(assign, specs)
    want = naive.relation_edges(rows, specs)
    assert len(want) > 500 and any(len(w[5]) > 1 for w in want) and any(w[6] > 1 for w in want)
    assert any(w[2] is None for w in want)
    cols = ["relation", "from_kind", "from_id", "to_kind", "to_id", "sources", "records"]
    assert list(zip(*(got.column(c).to_pylist() for c in cols))) == want
    # two chunks, shuffled: the same edges
    perm = rng.permutation(len(rows))
    shuffled = assign.take(pa.array(perm))
    chunked = pa.concat_tables([shuffled.slice(0, 1000), shuffled.slice(1000)])
    assert relations(chunked, specs).equals(got)
    assert relations(assign.slice(0, 0), specs).num_rows == 0


@pytest.mark.parametrize("seed", range(6))
def test_place_by_relations_matches_reference(seed):
    from types import SimpleNamespace as NS

    from weft.linkage.link.outputs import infer_from_relations

    rng = np.random.default_rng(seed)
    specs = [NS(name=s, mentions=[NS(role="resident", kind="person"), NS(role="home", kind="house"),
                                  NS(role="owner", kind="person")],
                relations=[NS(type="resides_at", from_role="resident", to_role="home"),
                           NS(type="owns", from_role="owner", to_role="home")])
             for s in ("lease", "permit")]

    def mentions(m, kind, roles, ids):
        rec = [f"R{x}" if x >= 0 else None for x in rng.integers(-2, 40, m)]
        return pa.table({"source": rng.choice(["lease", "permit", "other"], m).tolist(),
                         "record_id": rec, "role": rng.choice(roles, m).tolist(), "kind": [kind] * m,
                         "identity_id": [f"{ids}{x:02d}" for x in rng.integers(0, 12, m)]})

    linked = mentions(300, "person", ["resident", "owner"], "P")
    assign = mentions(200, "house", ["home"], "H")
    if seed == 5:  # null identities on the linked side are skipped
        linked = linked.set_column(4, "identity_id", pa.array([None] * 20 + linked["identity_id"].to_pylist()[20:]))
    empty = rng.random(200) < 0.3
    lonely = rng.random(200) < 0.3
    check = rng.integers(0, 3, 200).astype(np.uint64)
    got, placed = infer_from_relations(assign, empty, linked, specs, "house", lonely, check)
    want, want_placed = naive.place_by_relations(assign, empty, linked, specs, "house", lonely, check)
    assert placed == want_placed and placed > 0
    assert got.to_pylist() == want
    got, placed = infer_from_relations(assign, empty, linked, specs, "house")
    assert (got.to_pylist(), placed) == naive.place_by_relations(assign, empty, linked, specs, "house")


def test_identity_codes_sort_like_their_ids():
    from weft.linkage.link.run import IdNames

    rng = np.random.default_rng(3)
    labels = {}
    for kind, n in (("person", 1_200_000), ("house", 50), ("entity", 7)):
        lab = np.arange(n)
        lab[1:] = np.minimum(lab[1:], rng.integers(0, n, n - 1))  # each points at itself or an earlier row
        lab = np.minimum.accumulate(lab[::-1])[::-1] if kind == "entity" else lab
        labels[kind] = lab
    idn = IdNames(labels)
    codes = np.concatenate([idn.dense[k] for k in labels])
    names = idn(codes).to_pylist()
    # code order is string order, equal codes are equal strings, and the widths are per kind
    o = np.argsort(codes, kind="stable")
    assert [names[i] for i in o] == sorted(names)
    assert len(set(names)) == len(np.unique(codes)) == idn.size
    assert names[0] == "P0000001" and names[len(labels["person"])] == "H000001" and names[-len(labels["entity"])] == "E000001"
    for kind in labels:
        assert idn.names(kind).to_pylist() == idn(np.arange(idn.size)).to_pylist()[
            idn.offset[kind]:idn.offset[kind] + idn.spec[kind][1]]
    assert idn(np.array([-1, idn.offset["house"]])).to_pylist() == [None, "H000001"]


def test_record_codes_equal_exactly_when_source_and_record_are():
    from weft.linkage.link.outputs import record_codes

    rng = np.random.default_rng(8)
    tables = []
    for n in (500, 300, 0):
        src = rng.integers(-1, 3, n).astype(np.int16)  # shuffled: no source is one run of rows
        rec = pa.array([None if rng.random() < 0.05 else f"r{rng.integers(0, 60)}" for _ in range(n)], pa.string())
        tables.append((src, rec))
    tables.append((np.full(40, 2, np.int16), pa.array([f"r{i}" for i in range(40)])))  # one run: read in place
    got = record_codes([s for s, _ in tables], [r for _, r in tables], 3)
    flat = [(int(s), r) for (src, rec), _ in zip(tables, got) for s, r in zip(src, rec.to_pylist())]
    codes = np.concatenate(got)
    assert all((c == -1) == (s < 0 or r is None) for c, (s, r) in zip(codes, flat))
    seen = {}
    for c, key in zip(codes, flat):
        if c >= 0:
            assert seen.setdefault(key, c) == c
    assert len(set(seen.values())) == len(seen)


def test_golden_hashes_and_takes_chunk_by_chunk():
    """Golden records read a column in the chunks it was read in: its hashes and its survivors'
    values must be those of the column made one array (empty chunks, nulls, large strings)."""
    from weft.linkage.arrow import hash_strings
    from weft.linkage.link.outputs import _hashes, _take

    rng = np.random.default_rng(4)
    words = ["北京", "深圳市南山区", "", None, "a", "路 12 号"]
    sizes = [0, 5, 1, 0, 40, 17]
    for typ in (pa.string(), pa.large_string()):
        chunks = [pa.array([words[i] for i in rng.integers(0, len(words), k)], typ) for k in sizes]
        col = pa.chunked_array(chunks, typ)
        one = col.combine_chunks()
        assert np.array_equal(_hashes(col), hash_strings(one))
        pick = rng.integers(-1, len(one), 30)
        pick[:3] = [-1, 0, len(one) - 1]
        want = one.take(pa.array(pick, mask=pick < 0))
        assert _take(col, pick).equals(want) and _take(one, pick).equals(want)


def test_stacked_short_rows_widen_or_fall_back_to_code_points():
    """Packed rows of parts join as wide as the widest part; a part too long to pack turns the
    whole column back into code points, equal to the whole table's."""
    from weft.core.compare import SHORT_MAX
    from weft.linkage.link.features import Features

    for values in (["110", None, "", "12345678", "张三"], ["1", None, "9" * (SHORT_MAX + 1), "22", ""]):
        t = pa.table({"id": pa.array(values, pa.string())})
        whole = Features(t).short("id")
        parts = [Features(t.slice(0, 2)), Features(t.slice(2, 1)), Features(t.slice(3))]
        for f in parts:
            f.fetch(("short", "id"))
        got = Features.stack(parts).short("id")
        assert isinstance(got, np.ndarray) == (len(values[2]) <= SHORT_MAX)
        assert _same_feature(whole, got), values


def test_text_levels_vs_rapidfuzz():
    """Company names and generic text: null, different, Jaro-Winkler >= 0.80, >= 0.92, exact."""
    from rapidfuzz.distance import JaroWinkler

    from weft.linkage.link.comparisons import Comparison, compute_levels
    from weft.linkage.link.features import Features

    rng = np.random.default_rng(2)
    words = ["深圳市腾讯计算机系统有限公司", "深圳市腾讯计算机系统公司", "腾讯科技", "华为技术有限公司",
             "华为技术有限责任公司", "abcdefgh", "abcdefgx", "dixon", "dicksonx", "", None]
    values = [words[i] for i in rng.integers(0, len(words), 400)]
    feats = Features(pa.table({"key": pa.array(values, pa.string())}))
    left, right = rng.integers(0, 400, 5000), rng.integers(0, 400, 5000)
    for method in ("company_name", "text"):
        got = compute_levels(feats, [Comparison("n", method, ("key",))], left, right)[:, 0]

        def level(a, b):
            if a is None or b is None:
                return 0
            if a == b:
                return 4
            jw = np.float32(JaroWinkler.similarity(a, b))
            return 3 if jw >= np.float32(0.92) else (2 if jw >= np.float32(0.80) else 1)
        want = [level(values[a], values[b]) for a, b in zip(left, right)]
        assert got.tolist() == want
        assert set(want) == {0, 1, 2, 3, 4}
