"""``gaps``: the coverage analysis (reaches with no chief, holes, mismatches, signboards)."""

from __future__ import annotations

import json

from gis import coverage
from gis.cli.common import open_store, say
from gis.io.findings import write_findings

#: The findings counted in the plain-text summary, in the order printed.
COUNTED = (
    "holes",
    "mismatches",
    "duplicates",
    "orphan_chiefs",
    "reservoirs_without_chief",
    "boundary_reaches_unagreed",
    "signboard_issues",
)


def cmd_gaps(args) -> int:
    """Run the coverage analysis; write the findings with ``--out``."""
    store = open_store(args.data, fix="pass --data PATH.gpkg")
    say("gaps", "cutting rivers into reaches and checking every assignment ...")
    cov = coverage.analyse(store, level=args.level)
    if args.out:
        for f in write_findings(cov.tables(), args.out):
            say("gaps", f"wrote {f}")
    if args.json:
        print(json.dumps(cov.to_json(), ensure_ascii=False, indent=2))
        return 0
    by = cov.unassigned_length_m_by_level()
    print(
        f"unassigned reaches: {len(cov.unassigned)}  ("
        + ", ".join(f"{k} {v / 1000:.2f} km" for k, v in by.items())
        + ")"
    )
    for name in COUNTED:
        print(f"{name}: {len(getattr(cov, name))}")
    return 0


def register(sub, parents) -> None:
    """Add ``gaps`` to the ``riverchief`` subparsers."""
    s = sub.add_parser(
        "gaps",
        parents=[parents.data, parents.out, parents.json],
        help="coverage analysis: reaches with no chief, holes, mismatches, signboards",
    )
    s.add_argument(
        "--level", choices=[*coverage.LEVELS, coverage.ALL_LEVELS], default=coverage.ALL_LEVELS
    )
    s.set_defaults(func=cmd_gaps)
