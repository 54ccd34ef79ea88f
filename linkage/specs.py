"""Source specs: what a department file's columns mean (DESIGN §6).

A spec is TOML. It names the file and its format, the record-id column, and the mentions each row
carries (kind, role, attribute -> column with parser options), plus the relations between them.
A bad spec fails here, before any data is read, with the file and the key that is wrong.

.. code-block:: toml

    [source]
    name = "jiaoyu_xueji"            # unique; part of every record key
    department = "教育"
    file = "departments/jiaoyu_xueji.parquet"   # relative to --data, else to this spec
    record_id = "记录号"              # omitted: the row number
    trust = 2                        # which source wins a golden-record field (higher wins)

    [[mention]]
    role = "student"
    kind = "person"
    fields = { name = "学生姓名", id_number = "身份证件号", birth_date = { column = "出生日期", formats = ["%Y年%m月%d日"] } }

    [[mention]]
    role = "school"                  # attributes beyond the canonical ones take a generic type
    kind = "entity"
    fields = { school_name = { column = "学校名称", type = "text" } }
    # field options: formats = ["%Y%m%d"] (dates), future = true (dates that may lie ahead),
    # codes = { "男" = "M" } (category code tables)

    [[relation]]
    type = "guardian_of"
    from = "guardian"
    to = "student"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "SpecError",
    "FieldSpec",
    "MentionSpec",
    "RelationSpec",
    "SourceSpec",
    "load_spec",
    "load_specs",
    "CANONICAL",
    "GENERIC_TYPES",
    "KINDS",
    "RELATION_TYPES",
]

KINDS = ("person", "entity", "house")
# canonical attributes per kind (DESIGN §5.10) and the standardizer type each one uses
CANONICAL: dict[str, dict[str, str]] = {
    "person": {"name": "person_name", "id_number": "id_number", "birth_date": "date", "gender": "gender",
               "phone": "phone", "address": "address", "hukou_address": "address"},
    "entity": {"uscc": "uscc", "org_code": "org_code", "reg_no": "reg_no", "name": "company_name",
               "address": "address"},
    "house": {"house_code": "house_code", "address": "address"},
}
GENERIC_TYPES = ("text", "name", "date", "identifier", "number", "category")
RELATION_TYPES = ("guardian_of", "resides_at", "rents", "owns", "insured_by", "employed_by", "legal_rep_of",
                  "registered_at", "spouse_of", "landlord_of")
FORMATS = ("parquet", "csv", "arrow")
_FIELD_OPTIONS = {"column", "type", "formats", "codes", "future"}


class SpecError(ValueError):
    """A spec that cannot be used; the message names the file and the key."""

    def __init__(self, path: str | Path, key: str, message: str):
        self.path, self.key = str(path), key
        super().__init__(f"{path}: {key}: {message}")


@dataclass(frozen=True)
class FieldSpec:
    attribute: str  # canonical name, or a custom attribute name
    column: str  # the department's column
    type: str  # standardizer type (see CANONICAL) or a generic type
    formats: tuple[str, ...] = ()  # date formats (strptime style), tried in order
    codes: tuple[tuple[str, str], ...] = ()  # category code table: raw -> canonical
    future: bool = False  # dates that may lie ahead of today (expiry dates, lease ends)

    @property
    def canonical(self) -> bool:
        return self.type not in GENERIC_TYPES


@dataclass(frozen=True)
class MentionSpec:
    role: str
    kind: str
    fields: tuple[FieldSpec, ...]

    def field(self, attribute: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.attribute == attribute), None)


@dataclass(frozen=True)
class RelationSpec:
    type: str
    from_role: str
    to_role: str


@dataclass(frozen=True)
class SourceSpec:
    name: str
    department: str
    file: Path
    format: str
    record_id: str | None
    encoding: str
    trust: int
    mentions: tuple[MentionSpec, ...]
    relations: tuple[RelationSpec, ...]
    spec_path: Path
    delimiter: str = ","

    def columns(self) -> list[str]:
        """Every file column the spec reads, record id first, without duplicates."""
        cols = [self.record_id] if self.record_id else []
        for m in self.mentions:
            for f in m.fields:
                if f.column not in cols:
                    cols.append(f.column)
        return cols


def _need(table: dict, key: str, path, where: str, kind=str):
    if key not in table:
        raise SpecError(path, f"{where}.{key}", "missing")
    value = table[key]
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        raise SpecError(path, f"{where}.{key}", f"must be a non-empty {kind.__name__}, got {value!r}")
    return value


def _unknown(table: dict, allowed: set[str], path, where: str) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise SpecError(path, f"{where}.{extra[0]}", f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _field(attribute: str, value, kind: str, path, where: str) -> FieldSpec:
    key = f"{where}.{attribute}"
    canonical = CANONICAL[kind].get(attribute)
    if isinstance(value, str):
        options = {"column": value}
    elif isinstance(value, dict):
        options = value
        _unknown(options, _FIELD_OPTIONS, path, key)
    else:
        raise SpecError(path, key, f"must be a column name or a table, got {value!r}")
    column = _need(options, "column", path, key)
    typ = options.get("type")
    if canonical is None:
        if typ is None:
            raise SpecError(path, key, f"not a canonical {kind} attribute ({', '.join(CANONICAL[kind])}); "
                                       f"give it a type: {', '.join(GENERIC_TYPES)}")
        if typ not in GENERIC_TYPES:
            raise SpecError(path, f"{key}.type", f"unknown type {typ!r} (known: {', '.join(GENERIC_TYPES)})")
    elif typ is not None:
        raise SpecError(path, f"{key}.type", f"{attribute!r} is canonical; its type is fixed ({canonical})")
    typ = typ or canonical
    formats = options.get("formats", ())
    if isinstance(formats, str):
        formats = (formats,)
    from .standardize.dates import FORMATS as DATE_FORMATS

    if not isinstance(formats, (list, tuple)) or not all(isinstance(f, str) for f in formats):
        raise SpecError(path, f"{key}.formats", "must be a list of date format names like '%Y%m%d'")
    unknown = [f for f in formats if f not in DATE_FORMATS]
    if unknown:
        raise SpecError(path, f"{key}.formats", f"unknown format {unknown[0]!r} (known: {', '.join(DATE_FORMATS)})")
    if formats and typ != "date":
        raise SpecError(path, f"{key}.formats", f"only date fields take formats ({attribute} is {typ})")
    codes = options.get("codes", {})
    if not isinstance(codes, dict) or not all(isinstance(v, str) for v in codes.values()):
        raise SpecError(path, f"{key}.codes", "must be a table of raw value = canonical value (strings)")
    if codes and typ not in ("category", "gender"):
        raise SpecError(path, f"{key}.codes", "only category and gender fields take a code table")
    future = options.get("future", False)
    if not isinstance(future, bool):
        raise SpecError(path, f"{key}.future", f"must be true or false, got {future!r}")
    if future and typ != "date":
        raise SpecError(path, f"{key}.future", f"only date fields take future ({attribute} is {typ})")
    return FieldSpec(attribute, column, typ, tuple(formats), tuple((str(k), v) for k, v in codes.items()), future)


def load_spec(path: str | Path, data_dir: str | Path | None = None) -> SourceSpec:
    """Parse and validate one spec. ``data_dir`` resolves a relative ``file`` (default: the spec's folder)."""
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(path, "(file)", "no such spec file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise SpecError(path, "(file)", str(e)) from None
    except tomllib.TOMLDecodeError as e:
        raise SpecError(path, "(toml)", str(e)) from None
    _unknown(doc, {"source", "mention", "relation"}, path, "")
    src = doc.get("source")
    if not isinstance(src, dict):
        raise SpecError(path, "source", "missing [source] table")
    _unknown(src, {"name", "department", "file", "format", "record_id", "encoding", "trust", "delimiter"}, path, "source")
    name = _need(src, "name", path, "source")
    if not name.replace("_", "").isalnum() or not name.isascii():
        raise SpecError(path, "source.name", f"use ASCII letters, digits and _ only, got {name!r}")
    file = Path(_need(src, "file", path, "source"))
    if not file.is_absolute():
        file = Path(data_dir) / file if data_dir is not None else path.parent / file
    fmt = src.get("format") or {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".txt": "csv",
                                ".arrow": "arrow", ".feather": "arrow", ".ipc": "arrow"}.get(file.suffix.lower())
    if fmt not in FORMATS:
        raise SpecError(path, "source.format", f"cannot tell the format of {file.name}; set format to one of {', '.join(FORMATS)}")
    encoding = src.get("encoding", "utf-8")
    if encoding.lower().replace("-", "") not in ("utf8", "gb18030", "gbk", "gb2312"):
        raise SpecError(path, "source.encoding", f"{encoding!r}: use utf-8 or gb18030")
    trust = src.get("trust", 1)
    if not isinstance(trust, int):
        raise SpecError(path, "source.trust", f"must be an integer, got {trust!r}")
    record_id = src.get("record_id")
    if record_id is not None and not isinstance(record_id, str):
        raise SpecError(path, "source.record_id", f"must be a column name, got {record_id!r}")

    mentions_doc = doc.get("mention")
    if not isinstance(mentions_doc, list) or not mentions_doc:
        raise SpecError(path, "mention", "at least one [[mention]] is needed")
    mentions, roles = [], set()
    for i, m in enumerate(mentions_doc):
        where = f"mention[{i}]"
        if not isinstance(m, dict):
            raise SpecError(path, where, "must be a table")
        _unknown(m, {"role", "kind", "fields"}, path, where)
        role = _need(m, "role", path, where)
        kind = _need(m, "kind", path, where)
        if kind not in KINDS:
            raise SpecError(path, f"{where}.kind", f"unknown kind {kind!r} (known: {', '.join(KINDS)})")
        if role in roles:
            raise SpecError(path, f"{where}.role", f"role {role!r} appears twice")
        roles.add(role)
        fields_doc = m.get("fields")
        if not isinstance(fields_doc, dict) or not fields_doc:
            raise SpecError(path, f"{where}.fields", "must map at least one attribute to a column")
        fields = tuple(_field(a, v, kind, path, f"{where}.fields") for a, v in fields_doc.items())
        mentions.append(MentionSpec(role, kind, fields))
    relations = []
    for i, r in enumerate(doc.get("relation", [])):
        where = f"relation[{i}]"
        _unknown(r, {"type", "from", "to"}, path, where)
        typ = _need(r, "type", path, where)
        if typ not in RELATION_TYPES:
            raise SpecError(path, f"{where}.type", f"unknown relation {typ!r} (known: {', '.join(RELATION_TYPES)})")
        for end in ("from", "to"):
            if _need(r, end, path, where) not in roles:
                raise SpecError(path, f"{where}.{end}", f"no mention with role {r[end]!r}")
        relations.append(RelationSpec(typ, r["from"], r["to"]))
    return SourceSpec(
        name=name,
        department=src.get("department", ""),
        file=file,
        format=fmt,
        record_id=record_id,
        encoding=encoding,
        trust=trust,
        mentions=tuple(mentions),
        relations=tuple(relations),
        spec_path=path,
        delimiter=src.get("delimiter", ","),
    )


def load_specs(paths, data_dir=None) -> list[SourceSpec]:
    """Load several specs; source names must be unique."""
    specs = [load_spec(p, data_dir) for p in paths]
    seen: dict[str, Path] = {}
    for s in specs:
        if s.name in seen:
            raise SpecError(s.spec_path, "source.name", f"{s.name!r} is also the name in {seen[s.name]}")
        seen[s.name] = s.spec_path
    return specs
