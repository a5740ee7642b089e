"""``assess``: the chiefs' scorecard (河长履职考核) of a period."""

from __future__ import annotations

import json

from gis.catalogue import CHIEF_LEVELS
from gis.cli.common import iso_date, open_store, pairs, say

#: The commands of this module and their line in ``riverchief --help``.
COMMANDS = {
    "assess": "chiefs' scorecard of a period (河长履职考核): patrols, problems, water quality, "
    "grade by level, with the evidence",
}
#: Patrol rule tables a county may override with --rule-table, beside the scorecard's own.
PATROL_TABLES = ("patrol_validity", "patrol_checks")


def cmd_assess(args) -> int:
    """Score every chief over ``--from``..``--to``; print grades by level, or the JSON."""
    from gis.assessment import GRADES, assess_chiefs
    from gis.assessment.bulletin import bulletin
    from gis.demo.patrols import quarter_for
    from gis.io.findings import write_findings
    from gis.patrols.io import tracks_for
    from gis.patrols.report import check_period

    start, end = iso_date(args.start, "--from"), iso_date(args.end, "--to")
    check_period(start, end)
    store = open_store(args.data)
    overrides = pairs(args.rule_table, "--rule-table")
    tracks = tracks_for(
        store,
        tracks=args.tracks
        or quarter_for(
            store, progress=lambda f: say("assess", f"simulating the demo quarter {f:.0%}")
        ),
    )
    say("assess", "judging the patrols, then the problems and the water quality (a minute) ...")
    card = assess_chiefs(store, start=start, end=end, tracks=tracks, rule_overrides=overrides)
    if args.level:
        card = card.of_level(args.level)
    if args.out:
        for f in write_findings(bulletin(card, "zh"), args.out):
            say("assess", f"wrote {f}")
    if args.json:
        print(json.dumps(card.to_json(), ensure_ascii=False, indent=2))
        return 0
    ch = card.chiefs
    print(f"{start} to {end}")
    for level, g in ch.groupby("level"):
        counts = "  ".join(f"{gr} {int((g['grade'] == gr).sum()):>4}" for gr in GRADES)
        print(f"  {level:<9} chiefs {len(g):>5}  mean {g['total'].mean():5.1f}  {counts}")
    capped = ch[ch["capped_by"].notna()]
    for r in capped.itertuples():
        print(f"  {r.chief_id} {r.name}: grade {r.grade}, veto by {r.capped_by}")
    print("fairness: r of the total with the workload index (normalised | unnormalised)")
    for r in card.fairness.itertuples():
        print(f"  {r.level:<9} chiefs {r.chiefs:>5}  r {r.r_index} | {r.r_index_plain}")
    return 0


def register(sub, parents) -> None:
    """Add ``assess`` to the ``riverchief`` subparsers."""
    from gis.assessment.scorecard import RULE_TABLES  # heavy: only when the parser is built

    z = sub.add_parser(
        "assess", parents=[parents.data, parents.out, parents.json], help=COMMANDS["assess"]
    )
    z.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    z.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    z.add_argument(
        "--rule-table",
        nargs="+",
        metavar="TABLE=CSV",
        help=f"county overrides: {', '.join((*RULE_TABLES, *PATROL_TABLES))}",
    )
    z.add_argument("--tracks", help="a track file instead of the store's patrols")
    z.add_argument("--level", choices=CHIEF_LEVELS, help="only the chiefs of this level")
    z.set_defaults(func=cmd_assess)
