"""``quarries``: sand-quarry compliance, every rule broken with the distance."""

from __future__ import annotations

import json

from gis import quarries
from gis.cli.common import open_store, say
from gis.io.findings import write_findings


def cmd_quarries(args) -> int:
    """Check every quarry; write quarries and violations with ``--out``."""
    store = open_store(args.data)
    say("quarries", "measuring along the channel from every structure ...")
    report = quarries.check_quarries(
        store, rule_override=args.rules, as_of=args.as_of, tolerance=args.tolerance
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
    s = sub.add_parser(
        "quarries",
        parents=[parents.data, parents.out, parents.json],
        help="sand-quarry compliance: every rule broken, with the distance",
    )
    s.add_argument("--rules", help="county CSV overriding sand_mining_distances")
    s.add_argument(
        "--as-of", help="judge permits and closures at this ISO date (default: the store's as_of)"
    )
    s.add_argument(
        "--tolerance",
        type=float,
        default=quarries.DEFAULT_TOLERANCE_M,
        help="max distance (m) from a quarry to its river",
    )
    s.set_defaults(func=cmd_quarries)
