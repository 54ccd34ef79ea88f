"""What weft links on, per kind: strong keys, blocking rules, comparisons, thresholds.

Defaults cover the canonical attributes (DESIGN §5.10). Generic attributes a spec declares (type
text, name, date, identifier, number, category) get a comparison by their type and, when they are
identifiers or dates, a blocking rule of their own; names and texts feed the MinHash LSH rule. So a
spec for data that is not Chinese (FEBRL) links without a hand-written model.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..specs import SourceSpec
from .comparisons import Comparison

__all__ = ["KindConfig", "LSHRule", "Rule", "default_config"]


@dataclass(frozen=True)
class Rule:
    """Mentions agreeing on every column become candidates. ``alternates`` are other column tuples
    whose keys live in the same space (a former name meets a current name)."""

    name: str
    columns: tuple[str, ...]
    alternates: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class LSHRule:
    """MinHash LSH over the q-gram shingles of the concatenated ``columns``: mentions sharing any
    band become candidates (Jaccard threshold ≈ (1/bands)^(1/rows))."""

    name: str
    columns: tuple[str, ...]
    q: int = 2
    bands: int = 16
    rows: int = 4
    seed: int = 1


@dataclass
class KindConfig:
    kind: str
    strong: tuple[str, ...] = ()  # validated identifiers: star edges, never all pairs
    cannot_link: str | None = None  # two different non-null values never share an identity
    # only values whose quality code (this column) is 0 (valid as given) make the constraint: a
    # repaired value may be a 15-digit number whose typo the upgrade sealed with a fresh check digit
    cannot_link_q: str | None = None
    # only values carried by at least this many mentions make the constraint: a house code without
    # a check character that appears once may be another code's typo
    cannot_link_min: int = 1
    deterministic: tuple[Rule, ...] = ()  # agreement links outright (still under cannot-link)
    rules: tuple[Rule, ...] = ()
    lsh: tuple[LSHRule, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    # (name comparison, date comparison) that check each mention against its strong key's owner
    verify: tuple[Comparison, ...] = ()
    verify_drop: tuple[str, ...] = ()  # columns nulled on a mention whose identifier is not its own
    # name -> coalesce(columns), or ("slice", column, start, stop) for a substring key
    derived: dict[str, tuple] = field(default_factory=dict)
    threshold: float = 0.95
    # a mention without a strong key whose two best candidate identities (which cannot merge) are
    # within this many bits of each other links to neither: a coin flip is not a match
    margin: float = 4.0
    # (attribute, levels, unless attribute, unless at least this level): pairs at these levels are
    # not linked however much else agrees — a birth date does not change, and blocking has made
    # the candidates so alike that the model's prior alone would wave them through
    vetoes: tuple[tuple[str, tuple[str, ...], str, str], ...] = ()
    # (attribute, levels): between two mentions that both lack a cannot-link key, these levels
    # veto the pair — a shared company name is not enough when neither side has its credit code
    keyless_vetoes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # (attribute, lowest level): a scored pair must agree on at least one of these; a shared name
    # alone, at city scale, is a coin flip however rare the name looks
    require_any: tuple[tuple[str, str], ...] = ()
    # mentions left alone are placed through their record's relations when the related identity's
    # other records name an identity whose mentions share this column's value
    place_alone_by: str | None = None
    block_cap: int = 1000  # larger blocks are not expanded all-pairs (reported)
    block_window: int = 20  # sorted-neighbourhood width inside an oversized block
    train_pairs: int = 1_000_000
    u_pairs: int = 500_000


_ADDRESS = ("addr_district", "addr_street", "addr_community", "addr_building_key", "addr_house_key")


def _person() -> KindConfig:
    return KindConfig(
        kind="person",
        strong=("id_number",),
        cannot_link="id_number",
        cannot_link_q="id_number_q",
        rules=(
            Rule("name_dob", ("name_key", "dob"), (("former_name_key", "dob"),)),
            Rule("name_phone", ("name_key", "phone")),
            Rule("pinyin_dob", ("name_pinyin_key", "dob")),
            Rule("id_body17", ("id_body17",)),
            Rule("id_key15", ("id_key15",)),
            # one typo or transposition leaves one half of the number intact
            Rule("pinyin_id_head", ("name_pinyin_key", "id_head")),
            Rule("pinyin_id_tail", ("name_pinyin_key", "id_tail")),
            Rule("pinyin_house", ("name_pinyin_key", "addr_house_key")),
            # a name alone: rare names link on their term frequency, shared ones stay ambiguous
            Rule("name", ("name_key",), (("former_name_key",),)),
            Rule("dob_house", ("dob", "addr_house_key")),
        ),
        comparisons=(
            Comparison("id_number", "id_number", ("id_cmp",)),
            Comparison("name", "person_name", ("name_key", "name_pinyin_key", "name_pinyin_alt", "former_name_key"),
                       tf="name_key"),
            Comparison("birth_date", "date", ("dob",)),
            Comparison("gender", "exact", ("sex",)),
            Comparison("phone", "phone", ("phone",)),
            Comparison("address", "address", _ADDRESS),
        ),
        verify=(Comparison("name", "person_name", ("name_key", "name_pinyin_key", "name_pinyin_alt", "former_name_key")),
                Comparison("birth_date", "date", ("birth_date",))),
        verify_drop=("id_number", "id_folded", "id_body17", "id_key15", "id_birth_date", "id_gender", "id_region"),
        derived={"dob": ("birth_date", "id_birth_date"), "id_cmp": ("id_number", "id_folded"),
                 "sex": ("gender", "id_gender"), "id_head": ("slice", "id_folded", 0, 9),
                 "id_tail": ("slice", "id_folded", 9, 18)},
        vetoes=(("birth_date", ("different", "same_year"), "id_number", "transposition"),
                ("name", ("different",), "id_number", "same_body")),
        require_any=(("id_number", "transposition"), ("birth_date", "within_days"), ("phone", "one_edit"),
                     ("address", "same_building")),
        threshold=0.95,
    )


def _entity() -> KindConfig:
    return KindConfig(
        kind="entity",
        strong=("uscc", "reg_no"),
        cannot_link="uscc",
        rules=(Rule("company_key", ("company_key",)), Rule("org_code", ("uscc_org_code",))),
        # near-duplicate core names only (Jaccard of bigrams ≳ 0.6): company keys catch the rest
        lsh=(LSHRule("name_lsh", ("company_core",), q=2, bands=4, rows=8),),
        comparisons=(
            Comparison("uscc", "exact", ("uscc",)),
            Comparison("name", "company_name", ("company_key", "name"), tf="company_key"),
            Comparison("reg_no", "exact", ("reg_no",)),
            Comparison("address", "address", _ADDRESS),
        ),
        keyless_vetoes=(("address", ("null", "different", "same_district")),),
        place_alone_by="company_key",
        threshold=0.95,
    )


def _house() -> KindConfig:
    return KindConfig(
        kind="house",
        strong=("house_code",),
        cannot_link="house_code",
        cannot_link_min=2,
        deterministic=(Rule("house_key", ("addr_house_key",)),),
        rules=(Rule("address", ("address",)),),
        comparisons=(
            Comparison("house_code", "exact", ("house_code",)),
            Comparison("address", "address", _ADDRESS),
        ),
        threshold=0.95,
    )


_DEFAULTS = {"person": _person, "entity": _entity, "house": _house}
_GENERIC_METHOD = {"text": "text", "name": "person_name", "date": "date", "identifier": "identifier",
                   "number": "number", "category": "exact"}


def default_config(kind: str, specs: list[SourceSpec] = ()) -> KindConfig:
    """The kind's defaults; for a kind whose specs declare only generic attributes (data that is not
    Chinese), a comparison per attribute by its type, a rule per identifier and date, and MinHash
    LSH over its names and texts.

    Generic attributes next to canonical ones (a school, a registration date, a household number)
    describe the record rather than the person and stay out of the model.
    """
    cfg = _DEFAULTS[kind]()
    fields = [f for spec in specs for m in spec.mentions if m.kind == kind for f in m.fields]
    if not fields or any(f.canonical for f in fields):
        return cfg
    generic: dict[str, str] = {}
    for f in fields:
        generic.setdefault(f.attribute, f.type)
    comps, rules, texts = [], [], []
    for attr, typ in generic.items():
        method = _GENERIC_METHOD[typ]
        if method == "person_name":
            cols = (f"{attr}_key", f"{attr}_pinyin_key", f"{attr}_pinyin_alt")
        else:
            cols = (attr,)
        comps.append(Comparison(attr, method, cols, tf=cols[0] if method in ("text", "person_name") else None))
        if typ in ("identifier", "date"):
            rules.append(Rule(attr, (attr,)))
        if typ in ("text", "name"):
            texts.append(cols[0])
    lsh = (LSHRule("text_lsh", tuple(texts), q=2, bands=20, rows=4),) if texts else ()
    return replace(cfg, strong=(), cannot_link=None, deterministic=(), comparisons=tuple(comps), rules=tuple(rules),
                   lsh=lsh, derived={})
