"""The ``weft`` command line.

User mistakes (a bad path, a bad option, a bad config) print one line ``weft: error: …`` and exit
with status 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__

__all__ = ["main", "UsageError"]


class UsageError(Exception):
    """A mistake the user can fix: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of usage + message
        raise UsageError(f"{self.prog}: error: {message} (see --help)")


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"must be in [0, 2**63): {text!r}")
    return value


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0: {text!r}")
    return value


def _spec_arguments(p: argparse.ArgumentParser) -> None:
    """--spec, --data and --out, shared by the commands that read department files."""
    p.add_argument("--spec", action="append", required=True, metavar="PATH",
                   help="a spec file, a folder of *.toml specs, or 'generated' (repeatable)")
    p.add_argument("--data", type=Path, metavar="DIR", help="resolve the specs' relative file paths here "
                   "(default: next to each spec)")
    p.add_argument("--out", type=Path, required=True, help="output directory (must be empty unless --force)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="weft",
        description="weft: identity resolution for city government records "
        "(persons, legal entities, houses).",
    )
    parser.add_argument("--version", action="version", version=f"weft {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    g = sub.add_parser(
        "generate",
        help="write a synthetic city: department files, ground truth, exam registrations",
        description="Generate a synthetic Shenzhen: truth persons, companies and houses, the department "
        "files that describe them (with realistic corruption), 中考 registrations and the ground truth. "
        "Same seed, same files.",
    )
    g.add_argument("--persons", type=_positive_int, default=10_000, help="number of residents (default 10,000)")
    g.add_argument("--seed", type=_seed, default=1, help="random seed (default 1)")
    g.add_argument("--out", type=Path, required=True, help="output directory (created; must be empty unless --force)")
    g.add_argument("--corruption", type=Path, metavar="TOML", help="override corruption rates (see README)")
    g.add_argument("--corruption-scale", type=_scale, default=1.0, metavar="X",
                   help="multiply every corruption rate by X (0 = clean data; default 1)")
    g.add_argument("--chunk-size", type=_positive_int, default=None, metavar="N",
                   help="persons generated per batch; bounds memory (default 100,000)")
    g.add_argument("--force", action="store_true", help="replace the generator's files in a non-empty --out")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    g.set_defaults(func=_cmd_generate)

    s = sub.add_parser(
        "standardize",
        help="read department files through source specs; write standardized mentions",
        description="Read department files through their source specs (TOML) and write, per source and kind, "
        "the standardized mentions (canonical columns, quality codes, derived keys) as Parquet, "
        "plus rejects.parquet and summary.json. --spec may name a folder of specs; "
        "'--spec generated' uses the specs shipped for `weft generate` output.",
    )
    _spec_arguments(s)
    s.add_argument("--batch-size", type=_positive_int, default=None, metavar="N", help="rows per batch (default 65,536)")
    s.add_argument("--force", action="store_true", help="write into a non-empty --out")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.set_defaults(func=_cmd_standardize)

    lk = sub.add_parser(
        "link",
        help="link department files into person, entity and house identities",
        description="Standardize the sources (or reuse --standardized), block, compare, score (Fellegi-Sunter, "
        "m by EM, u from random pairs) and cluster under cannot-link constraints. Writes assignments.parquet, "
        "golden_<kind>.parquet, relations.parquet, evidence_<kind>.parquet, model_<kind>.json and report.json. "
        "--plan prints what a run would do (pairs per rule, blocking recall with --truth, estimated time).",
    )
    _spec_arguments(lk)
    lk.add_argument("--standardized", type=Path, metavar="DIR",
                    help="reuse a `weft standardize` output instead of standardizing again")
    lk.add_argument("--kinds", default="person,entity,house", metavar="K,K",
                    help="kinds to link (default person,entity,house)")
    lk.add_argument("--model", action="append", default=[], metavar="KIND=JSON",
                    help="score KIND with saved parameters (a model_<kind>.json of an earlier run) instead of training")
    lk.add_argument("--survivorship", default="trust,frequency,recency", metavar="C,C",
                    help="golden-record criteria in order (default trust,frequency,recency)")
    lk.add_argument("--plan", action="store_true", help="print the blocking plan and estimated time; link nothing")
    lk.add_argument("--truth", type=Path, metavar="DIR", help="with --plan: truth/ folder for blocking recall")
    lk.add_argument("--seed", type=_seed, default=1, help="seed for u and EM sampling (default 1)")
    lk.add_argument("--force", action="store_true", help="write into a non-empty --out")
    lk.add_argument("--quiet", action="store_true", help="no progress output")
    lk.set_defaults(func=_cmd_link)

    ev = sub.add_parser(
        "evaluate",
        help="score a link run against ground truth (pairwise and B-cubed, worst errors)",
        description="Compare a `weft link` output with truth mentions (source, record_id, role, kind, entity_id): "
        "pairwise and B-cubed precision, recall and F1 per kind, and the worst false merges and misses.",
    )
    ev.add_argument("--run", type=Path, required=True, metavar="DIR", help="a `weft link` output directory")
    ev.add_argument("--truth", type=Path, required=True, metavar="DIR",
                    help="the generator's truth/ folder, or a mentions Parquet file")
    ev.add_argument("--json", type=Path, metavar="FILE", help="also write the full evaluation as JSON")
    ev.set_defaults(func=_cmd_evaluate)
    return parser


def _load_specs_checked(args):
    from weft.linkage.specs import SpecError, load_specs

    paths = _spec_paths(args.spec)
    if args.data is not None and not args.data.is_dir():
        raise UsageError(f"--data: not a directory: {args.data}")
    try:
        specs = load_specs(paths, data_dir=args.data)
    except SpecError as e:
        raise UsageError(str(e)) from None
    return specs


def _cmd_link(args) -> int:
    import json
    import time

    from weft.linkage.link import Model, default_config, link, load_mentions
    from weft.linkage.link.plan import format_plan, plan_kind
    from weft.linkage.readers import ReadError
    from weft.linkage.specs import KINDS, SpecError

    specs = _load_specs_checked(args)
    kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
    bad = [k for k in kinds if k not in KINDS]
    if bad or not kinds:
        raise UsageError(f"--kinds: unknown kind {bad[0] if bad else ''!r} (known: {', '.join(KINDS)})")
    survivorship = tuple(c.strip() for c in args.survivorship.split(",") if c.strip())
    from weft.linkage.link.outputs import CRITERIA

    if not survivorship or any(c not in CRITERIA for c in survivorship):
        raise UsageError(f"--survivorship: criteria are {', '.join(CRITERIA)}")
    models = {}
    for item in args.model:
        kind, _, path = item.partition("=")
        if kind not in KINDS or not path:
            raise UsageError(f"--model: expected KIND=PATH with KIND one of {', '.join(KINDS)}, got {item!r}")
        try:
            models[kind] = Model.load(path)
        except ValueError as e:
            raise UsageError(f"--model: {e}") from None
        if models[kind].kind != kind:
            raise UsageError(f"--model: {path} holds a {models[kind].kind} model, not {kind}")
    if args.standardized is not None and not args.standardized.is_dir():
        raise UsageError(f"--standardized: not a directory: {args.standardized}")
    if args.standardized is None:
        missing = [s for s in specs if not s.file.exists()]
        if missing:
            raise UsageError(f"{missing[0].spec_path}: source.file: no such data file: {missing[0].file}")
    out = args.out
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not args.force)):
        raise UsageError(f"--out: {out} is not an empty directory (use --force)")
    if args.truth is not None and not args.truth.exists():
        raise UsageError(f"--truth: no such file or folder: {args.truth}")

    t0 = time.perf_counter()

    def progress(stage: str) -> None:
        if not args.quiet:
            print(f"[{time.perf_counter() - t0:7.1f} s] {stage}", file=sys.stderr, flush=True)

    try:
        if args.plan:
            std = args.standardized
            if std is None:
                from weft.linkage.standardize.run import standardize_sources

                std = out / "standardized"
                progress("standardize (kept for the run: pass --standardized " + str(std) + ")")
                standardize_sources(specs, std)
            plans = []
            for kind in kinds:
                progress(f"{kind}: plan")
                table = load_mentions(std, kind, [s.name for s in specs])
                if table.num_rows:
                    plans.append(plan_kind(table, default_config(kind, specs), args.truth))
            out.mkdir(parents=True, exist_ok=True)
            (out / "plan.json").write_text(json.dumps(plans, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            print(format_plan(plans))
            return 0
        from weft.linkage.memory import retain_freed_memory

        retain_freed_memory()  # a batch run: reuse freed memory rather than fault fresh pages in
        result = link(specs, out, standardized=args.standardized, kinds=kinds, models=models,
                      survivorship=survivorship, progress=progress, seed=args.seed)
    except (SpecError, ReadError) as e:
        raise UsageError(str(e)) from None
    print(format_link_summary(result))
    return 0


def format_link_summary(r) -> str:
    rep = r.report
    lines = [f"weft link: {len(rep['sources'])} sources -> {r.out}",
             f"  time: {r.seconds:.1f} s, peak RSS {r.peak_rss_mb:,.0f} MB"]
    for kind, k in rep["kinds"].items():
        lines.append(f"  {kind}: {k['mentions']:,} mentions -> {rep['identities'][kind]:,} identities "
                     f"({k['strong_edges']:,} strong edges, {k['candidate_pairs']:,} pairs scored, "
                     f"{k['pairs_above_threshold']:,} above threshold, {k['refused_by_cannot_link']:,} refused by cannot-link)")
    if rep.get("relations"):
        lines.append("  relations: " + ", ".join(f"{k} {v:,}" for k, v in rep["relations"].items()))
    lines.append(f"  files: assignments.parquet, golden_<kind>.parquet, relations.parquet, evidence_<kind>.parquet, "
                 f"model_<kind>.json, report.json")
    return "\n".join(lines)


def _cmd_evaluate(args) -> int:
    import json

    from weft.linkage.link import evaluate, format_evaluation

    if not args.run.is_dir():
        raise UsageError(f"--run: not a directory: {args.run}")
    try:
        res = evaluate(args.run, args.truth)
    except FileNotFoundError as e:
        raise UsageError(str(e)) from None
    print(format_evaluation(res))
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


def _cmd_generate(args) -> int:
    from weft.bench.gen import CorruptionConfig, ConfigError, generate
    from weft.bench.gen.generate import DEFAULT_CHUNK

    if args.corruption is not None:
        if not args.corruption.is_file():
            raise UsageError(f"--corruption: no such file: {args.corruption}")
        try:
            config = CorruptionConfig.from_toml(args.corruption, scale=args.corruption_scale)
        except ConfigError as e:
            raise UsageError(str(e)) from None
    else:
        config = CorruptionConfig(scale=args.corruption_scale)
    out = args.out
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out: not a directory: {out}")
    if out.is_dir() and any(out.iterdir()) and not args.force:
        raise UsageError(f"--out: {out} is not empty (use --force to replace the generator's files)")
    bar = None
    if not args.quiet:
        from tqdm import tqdm

        bar = tqdm(total=args.persons, unit="persons", unit_scale=True, desc="generate", dynamic_ncols=True)
    done = [0]

    def progress(persons_done: int, records: int) -> None:
        if bar is not None:
            bar.update(persons_done - done[0])
            bar.set_postfix(records=f"{records:,}", refresh=False)
        done[0] = persons_done

    try:
        result = generate(args.persons, args.seed, out, config, chunk_size=args.chunk_size or DEFAULT_CHUNK,
                          progress=progress, overwrite=args.force)
    except FileExistsError as e:
        raise UsageError(f"--out: {e}") from None
    except PermissionError as e:
        raise UsageError(f"--out: cannot write: {e.filename or out}") from None
    finally:
        if bar is not None:
            bar.close()
    print(format_summary(result))
    return 0


def _spec_paths(items: list[str]) -> list[Path]:
    paths: list[Path] = []
    for item in items:
        if item == "generated":
            from weft.bench import specs_dir

            item = str(specs_dir())
        p = Path(item)
        if p.is_dir():
            found = sorted(p.glob("*.toml"))
            if not found:
                raise UsageError(f"--spec: no *.toml specs in {p}")
            paths.extend(found)
        elif p.is_file():
            paths.append(p)
        else:
            raise UsageError(f"--spec: no such file or folder: {p}")
    return paths


def _cmd_standardize(args) -> int:
    from weft.linkage.readers import DEFAULT_BATCH, ReadError
    from weft.linkage.specs import SpecError
    from weft.linkage.standardize.run import standardize_sources

    specs = _load_specs_checked(args)
    missing = [s for s in specs if not s.file.exists()]
    if missing:
        raise UsageError(f"{missing[0].spec_path}: source.file: no such data file: {missing[0].file}")
    out = args.out
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not args.force)):
        raise UsageError(f"--out: {out} is not an empty directory (use --force)")
    total = _rows_known(specs)
    bar = None
    if not args.quiet:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="rows", unit_scale=True, desc="standardize", dynamic_ncols=True)
    try:
        result = standardize_sources(specs, out, batch_size=args.batch_size or DEFAULT_BATCH,
                                     progress=bar.update if bar is not None else None)
    except SpecError as e:
        raise UsageError(str(e)) from None
    except ReadError as e:
        raise UsageError(str(e)) from None
    finally:
        if bar is not None:
            bar.close()
    print(format_standardize_summary(result))
    return 0


def _rows_known(specs) -> int | None:
    """Row count for the progress bar where the files say it cheaply (Parquet footers)."""
    import pyarrow.parquet as pq

    total = 0
    for s in specs:
        if s.format != "parquet":
            return None
        try:
            total += pq.ParquetFile(s.file).metadata.num_rows
        except Exception:  # noqa: BLE001 - the reader reports unreadable files properly
            return None
    return total


def format_standardize_summary(r) -> str:
    lines = [f"weft standardize: {r.rows:,} rows, {r.mentions:,} mentions, {r.rejected:,} rejected rows -> {r.out}",
             f"  time: {r.seconds:.1f} s ({r.rows_per_second:,.0f} rows/s), peak RSS {r.peak_rss_mb:,.0f} MB"]
    for name, s in r.summary.items():
        lines.append(f"  {name} ({s['rows']:,} rows, {s['rejected']:,} rejected)")
        for role, m in s["mentions"].items():
            parts = []
            for attr, f in m["fields"].items():
                n = f["valid"] + f["repaired"] + f["missing"] + sum(f["invalid"].values())
                bad = sum(f["invalid"].values())
                parts.append(f"{attr} {100 * (f['valid'] + f['repaired']) / n:.1f}%ok" + (f"/{bad}bad" if bad else "") if n else attr)
            lines.append(f"    {role:<18} " + ", ".join(parts))
    lines.append(f"  files: {r.out}/<kind>/<source>.parquet, {r.out}/rejects.parquet, {r.out}/summary.json")
    return "\n".join(lines)


def format_summary(r) -> str:
    from weft.bench.gen.generate import EXAM_SOURCE
    from weft.bench.gen.departments import SOURCES

    titles = {s.name: f"{s.department} {s.title}" for s in SOURCES}
    total = sum(v for k, v in r.records.items() if k != EXAM_SOURCE)
    lines = [
        f"weft generate: {r.persons:,} persons -> {r.out}",
        f"  truth: {r.truth['persons']:,} persons, {r.truth['companies']:,} companies, {r.truth['houses']:,} houses",
        f"  department records: {total:,} ({total / r.persons:.2f} per person)",
    ]
    for name, n in r.records.items():
        if name != EXAM_SOURCE:
            lines.append(f"    {name:<18} {n:>12,}  {titles.get(name, '')}")
    lines.append(f"  中考 registrations: {r.records.get(EXAM_SOURCE, 0):,}")
    lines.append(f"  time: {r.seconds:.1f} s ({r.persons_per_second:,.0f} persons/s), peak RSS {r.peak_rss_mb:,.0f} MB")
    lines.append(f"  files: {r.out}/departments/*.parquet, {r.out}/exam/, {r.out}/truth/, {r.out}/manifest.json")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        return args.func(args)
    except UsageError as e:
        msg = str(e)
        print(msg if msg.startswith("weft") else f"weft: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("weft: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
