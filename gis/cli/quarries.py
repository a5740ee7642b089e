"""``quarries``: sand-quarry compliance, every rule broken with the distance."""

from __future__ import annotations

import json

from gis.cli.common import iso_date, open_store, say

#: The commands of this module and their line in ``riverchief --help``.
COMMANDS = {"quarries": "sand-quarry compliance: every rule broken, with the distance"}


def cmd_quarries(args) -> int:
    """Check every quarry; write quarries and violations with ``--out``."""
    from gis import quarries
    from gis.io.findings import write_findings

    store = open_store(args.data)
    as_of = iso_date(args.as_of, "--as-of") if args.as_of else None  # before the long work
    say("quarries", "measuring along the channel from every structure ...")
    report = quarries.check_quarries(
        store,
        rule_overrides={"sand_mining_distances": args.rules} if args.rules else None,
        as_of=as_of,
        tolerance=args.tolerance,
    )
    if args.out:
        for f in write_findings(report.tables(), args.out):
            say("quarries", f"wrote {f}")
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0
    for q in report.quarries.itertuples():
        for v in q.violations:
            print(f"{q.quarry_id} {q.name}  {v['rule']}: {v['detail']}")
    s = report.summary()
    print(
        f"{s['quarries_with_violations']} of {s['quarries']} quarries break a rule "
        f"(rule set {report.rule_set})"
    )
    return 0


def register(sub, parents) -> None:
    """Add ``quarries`` to the ``riverchief`` subparsers."""
    from gis import quarries

    s = sub.add_parser(
        "quarries",
        parents=[parents.data, parents.out, parents.json],
        help=COMMANDS["quarries"],
    )
    s.add_argument("--rules", help="county CSV overriding sand_mining_distances")
    s.add_argument(
        "--as-of",
        help="judge permits and closures at this date, YYYY-MM-DD or 2026年7月1日 "
        "(default: the store's as_of)",
    )
    s.add_argument(
        "--tolerance",
        type=float,
        default=quarries.DEFAULT_TOLERANCE_M,
        help="max distance (m) from a quarry to its river",
    )
    s.set_defaults(func=cmd_quarries)
