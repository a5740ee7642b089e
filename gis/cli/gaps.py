"""``gaps``: the coverage analysis (reaches with no chief, holes, mismatches, signboards)."""

from __future__ import annotations

import json

from gis.cli.common import open_store, say

#: The commands of this module and their line in ``riverchief --help``.
COMMANDS = {"gaps": "coverage analysis: reaches with no chief, holes, mismatches, signboards"}

#: The findings counted in the plain-text summary, in the order printed.
COUNTED = (
    "unknown_codes",
    "zero_coverage",
    "level_mismatches",
    "holes",
    "mismatches",
    "duplicates",
    "orphan_chiefs",
    "reservoirs_without_chief",
    "boundary_reaches_unagreed",
    "agreements_unmatched",
    "signboard_issues",
)


def cmd_gaps(args) -> int:
    """Run the coverage analysis; write the findings with ``--out``."""
    from gis import coverage
    from gis.io.findings import write_findings

    store = open_store(args.data, demo=False)
    say("gaps", "cutting rivers into reaches and checking every assignment ...")
    cov = coverage.find_gaps(store, level=args.level)
    if args.out:
        for f in write_findings(cov.tables(), args.out):
            say("gaps", f"wrote {f}")
    if args.json:
        print(json.dumps(cov.to_json(), ensure_ascii=False, indent=2))
        return 0
    by = cov.unassigned_length_m_by_level()
    unchecked = set(cov.not_checked["level"])
    print(
        f"unassigned reaches: {len(cov.unassigned)}  ("
        + ", ".join(
            f"{k} not checked" if k in unchecked or v is None else f"{k} {v / 1000:.2f} km"
            for k, v in by.items()
        )
        + ")"
    )
    for name in COUNTED:
        print(f"{name}: {len(getattr(cov, name))}")
    for name in coverage.REGISTER_TABLES:  # register errors with names, not only codes
        for r in getattr(cov, name).head(20).to_dict("records"):
            print(f"  {name}: " + ", ".join(f"{k}={v}" for k, v in r.items() if v == v))
    for r in cov.not_checked.itertuples():
        print(f"{r.level}: {r.reason}. Fix: {r.fix}")
    return 0


def register(sub, parents) -> None:
    """Add ``gaps`` to the ``riverchief`` subparsers."""
    from gis import coverage

    s = sub.add_parser(
        "gaps",
        parents=[parents.data, parents.out, parents.json],
        help=COMMANDS["gaps"],
    )
    s.add_argument(
        "--level", choices=[*coverage.LEVELS, coverage.ALL_LEVELS], default=coverage.ALL_LEVELS
    )
    s.set_defaults(func=cmd_gaps)
