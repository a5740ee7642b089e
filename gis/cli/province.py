"""``province gaps``: one analysis over many county stores on dask.distributed."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from gis._errors import InputError
from gis.cli.common import say
from gis.cli.errors import language

#: The commands of this module and their line in ``riverchief --help``.
COMMANDS = {"province": "a city's or province's counties at once (one dask task per county): gaps"}
BAR_WIDTH = 30


def show_progress(done: int, total: int, store: str) -> None:
    """A text progress bar on stderr, one line per county finished."""
    filled = BAR_WIDTH * done // total
    bar = "#" * filled + "." * (BAR_WIDTH - filled)
    say("province", f"[{bar}] {done}/{total} {Path(store).name}")


def _stores(args):
    """The county stores, refused before any task; the output must not be one of them."""
    from gis.province import county_stores

    counties = county_stores(args.stores)
    if args.out and Path(args.out).exists():
        for c in counties:
            if os.path.samefile(args.out, c.store):
                raise InputError(
                    code="output.is_the_store", params={"out": args.out, "data": c.store}
                )
    say("province", f"{len(counties)} counties, one task each ...")
    return [c.store for c in counties]


def _run(args, verb, **options):
    """``verb`` (a ``gis.province`` function) over the command's stores and cluster options."""
    return verb(
        _stores(args),
        scheduler=args.scheduler,
        workers=args.workers,
        progress=show_progress,
        **options,
    )


def _period(args) -> dict:
    from gis.cli.common import iso_date

    return {"start": iso_date(args.start, "--from"), "end": iso_date(args.end, "--to")}


def _finish(args, report, lines) -> int:
    """Write, print (JSON or ``lines``), list the failed counties; exit 1 if any failed."""
    from gis.io.findings import write_findings

    lang = language(args.lang)
    if args.out:
        for f in write_findings(report.tables(lang), args.out):
            say("province", f"wrote {f}")
    found = report.to_json(lang)
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
    else:
        for line in lines(found):
            print(line)
    for r in found["failed"]:
        print(f"failed: {r['store']}: {r['reason']}", file=sys.stderr)
    return 0 if report.complete else 1


def cmd_gaps(args) -> int:
    """Gaps of every county; exit 1 when a county failed (the report says which)."""
    from gis.province import province_gaps

    report = _run(args, province_gaps, level=args.level)

    def lines(found):
        for c in found["counties"]:
            by = _levels(c["unassigned_length_m_by_level"])
            yield f"{c['county_code']} {c['county_name']}: {by}"
        yield f"all counties: {_levels(found['unassigned_length_m_by_level'])}"

    return _finish(args, report, lines)


def cmd_zones(args) -> int:
    """Zone proposals of every county; exit 1 when a county failed."""
    from gis.province import province_zones

    report = _run(args, province_zones, missing=args.missing)

    def lines(found):
        for c in found["counties"]:
            n = c["findings"]
            yield (
                f"{c['county_code']} {c['county_name']}: {n.get('proposals', 0)} zones proposed, "
                f"{n.get('problems', 0)} sources without a zone"
            )

    return _finish(args, report, lines)


def cmd_patrols(args) -> int:
    """Patrol compliance of every county from its stored patrols; exit 1 when one failed."""
    from gis.province import province_patrols

    report = _run(args, province_patrols, **_period(args))

    def lines(found):
        for c in found["counties"]:
            j = report.county_json[c["county_code"]]
            ok = sum(1 for r in j["chiefs"] if r["compliant"])
            yield (
                f"{c['county_code']} {c['county_name']}: {ok} of {len(j['chiefs'])} chiefs "
                f"compliant, {len(j['reaches_never_patrolled'])} reaches never patrolled, "
                f"{len(j['suspicious'])} suspicious patrols"
            )

    return _finish(args, report, lines)


def cmd_assess(args) -> int:
    """The chiefs' scorecard of every county; exit 1 when one failed."""
    from collections import Counter

    from gis.province import province_assess

    report = _run(args, province_assess, **_period(args))

    def lines(found):
        for c in found["counties"]:
            grades = Counter(r["grade"] for r in report.county_json[c["county_code"]]["chiefs"])
            shown = ", ".join(f"{g} {n}" for g, n in sorted(grades.items(), key=str))
            yield f"{c['county_code']} {c['county_name']}: {shown}"

    return _finish(args, report, lines)


def _levels(by: dict) -> str:
    return ", ".join(
        f"{lv} not checked" if m is None else f"{lv} {m / 1000:.2f} km" for lv, m in by.items()
    )


def register(sub, parents) -> None:
    """Add ``province gaps|zones|patrols|assess`` to the ``riverchief`` subparsers."""
    from gis.coverage import ALL_LEVELS, LEVELS

    p = sub.add_parser("province", help=COMMANDS["province"])
    verbs = p.add_subparsers(dest="verb", required=True)
    g = verbs.add_parser(
        "gaps",
        parents=[parents.out, parents.json],
        help="unassigned reaches and every coverage finding, per county and summed",
    )
    _common(g)
    g.add_argument("--level", choices=[*LEVELS, ALL_LEVELS], default=ALL_LEVELS)
    g.set_defaults(func=cmd_gaps)
    z = verbs.add_parser(
        "zones",
        parents=[parents.out, parents.json],
        help="propose drinking-water protection zones in every county",
    )
    _common(z)
    z.add_argument("--missing", action="store_true", help="only sources without an official zone")
    z.set_defaults(func=cmd_zones)
    for verb, text, func in (
        ("patrols", "patrol compliance of every county from the patrols it holds", cmd_patrols),
        ("assess", "the chiefs' scorecard of every county (河长履职考核)", cmd_assess),
    ):
        v = verbs.add_parser(verb, parents=[parents.out, parents.json], help=text)
        _common(v)
        v.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        v.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        v.set_defaults(func=func)


def _common(v) -> None:
    from gis.province import DEFAULT_WORKERS

    v.add_argument(
        "stores",
        nargs="+",
        metavar="STORE",
        help="county GeoPackages, folders of them, or postgresql:// databases (every county)",
    )
    v.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="a running dask scheduler (its workers must read the same paths); "
        "default: a local cluster on this machine",
    )
    v.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"processes of the local cluster (default {DEFAULT_WORKERS})",
    )
