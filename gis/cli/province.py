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


def cmd_gaps(args) -> int:
    """Gaps of every county; exit 1 when a county failed (the report says which)."""
    from gis.io.findings import write_findings
    from gis.province import county_stores, province_gaps

    lang = language(args.lang)
    counties = county_stores(args.stores)
    if args.out and Path(args.out).exists():
        for c in counties:
            if os.path.samefile(args.out, c.store):
                raise InputError(
                    code="output.is_the_store", params={"out": args.out, "data": c.store}
                )
    say("province", f"{len(counties)} counties, one task each ...")
    report = province_gaps(
        [c.store for c in counties],
        level=args.level,
        scheduler=args.scheduler,
        workers=args.workers,
        progress=show_progress,
    )
    if args.out:
        for f in write_findings(report.tables(lang), args.out):
            say("province", f"wrote {f}")
    if args.json:
        print(json.dumps(report.to_json(lang), ensure_ascii=False, indent=2))
    else:
        for c in report.to_json(lang)["counties"]:
            by = _levels(c["unassigned_length_m_by_level"])
            print(f"{c['county_code']} {c['county_name']}: {by}")
        print(f"all counties: {_levels(report.unassigned_length_m_by_level())}")
    for r in report.to_json(lang)["failed"]:
        print(f"failed: {r['store']}: {r['reason']}", file=sys.stderr)
    return 0 if report.complete else 1


def _levels(by: dict) -> str:
    return ", ".join(
        f"{lv} not checked" if m is None else f"{lv} {m / 1000:.2f} km" for lv, m in by.items()
    )


def register(sub, parents) -> None:
    """Add ``province gaps`` to the ``riverchief`` subparsers."""
    from gis.coverage import ALL_LEVELS, LEVELS
    from gis.province import DEFAULT_WORKERS

    p = sub.add_parser("province", help=COMMANDS["province"])
    verbs = p.add_subparsers(dest="verb", required=True)
    g = verbs.add_parser(
        "gaps",
        parents=[parents.out, parents.json],
        help="unassigned reaches and every coverage finding, per county and summed",
    )
    g.add_argument(
        "stores", nargs="+", metavar="STORE", help="county GeoPackages, or folders of them"
    )
    g.add_argument("--level", choices=[*LEVELS, ALL_LEVELS], default=ALL_LEVELS)
    g.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="a running dask scheduler (its workers must read the same paths); "
        "default: a local cluster on this machine",
    )
    g.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"processes of the local cluster (default {DEFAULT_WORKERS})",
    )
    g.set_defaults(func=cmd_gaps)
