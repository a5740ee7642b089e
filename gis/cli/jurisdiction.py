"""``jurisdiction``: who answers for each reach, selected by township, village, river or chief."""

from __future__ import annotations

import json
import sys

from gis._errors import InputError
from gis.cli.common import open_store, say

#: The commands of this module and their line in ``riverchief --help``.
COMMANDS = {
    "jurisdiction": "who answers for each reach: select by township, village, river or chief"
}

#: Help of each ``--<by>`` option, one per :data:`gis.jurisdiction.SELECT_BY`.
_HELP = {
    "township": "township code or unique name",
    "village": "village code or unique name",
    "river": "river code or unique name",
    "chief": "chief id or unique name",
}


def _print_card(card: dict) -> None:
    print(
        f"{card['reach_id']}  {card['river_name'] or ''} {card['chainage']}  "
        f"{card['length_m']:,.0f} m  "
        f"{card['township'] or ''} {card['village'] or ''}"
        + (f" / {card['shared_with']}" if card["shared_with"] else "")
    )
    for c in card["chiefs"]:
        print(f"  {c['level']:<9}{c['name'] or '':<6}{c['post'] or '':<16}{c['phone'] or ''}")
    for lv in card["levels_without_chief"]:
        print(f"  {lv:<9}NO CHIEF")
    for b in card["signboards"]:
        print(
            f"  signboard {b['board_id']} {b['distance_m']:,.0f} m away: "
            f"{b['chief_name']} {b['chief_phone'] or ''}"
        )


def cmd_jurisdiction(args) -> int:
    """One reach's card (``--reach``), or the reaches of one township, village, river or chief."""
    from gis import jurisdiction

    options = ", ".join(f"--{by}" for by in jurisdiction.SELECT_BY)
    picks = [(by, getattr(args, by)) for by in jurisdiction.SELECT_BY if getattr(args, by)]
    if len(picks) > 1:
        raise InputError(code="cli.only_one_of", params={"options": options})
    j = jurisdiction.find_jurisdiction(open_store(args.data))
    if j.cut_level != "village":  # said plainly: a coarser cut, or none, is not a full answer
        cut = f"reaches are cut by {j.cut_level}" if j.cut_level else "no reaches can be cut"
        say("jurisdiction", f"the county store has no village polygons: {cut}")
    if args.reach:
        card = j.card(args.reach, staff=args.show_phones)
        if args.json:
            print(json.dumps(card, ensure_ascii=False, indent=2))
        else:
            _print_card(card)
        return 0
    if not picks:
        *first, last = (f"--{by}" for by in jurisdiction.SELECT_BY)
        raise InputError(
            code="cli.pick",
            params={"options": f"{', '.join(first)} / {last}", "reach": "--reach ID"},
        )
    by, value = picks[0]
    rows = j.summary(j.select(by, value))
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(
            f"{r['reach_id']:<22}{r['river_name'] or '':<8}{r['chainage']:<20}"
            f"{r['length_m']:>9,.0f} m  "
            + " / ".join(f"{lv}: {', '.join(r[lv]) or '-'}" for lv in j.levels)
        )
    print(
        f"{len(rows)} reaches, {sum(r['length_m'] for r in rows) / 1000:,.2f} km", file=sys.stderr
    )
    return 0


def register(sub, parents) -> None:
    """Add ``jurisdiction`` to the ``riverchief`` subparsers."""
    from gis import jurisdiction

    s = sub.add_parser(
        "jurisdiction",
        parents=[parents.data, parents.json],
        help=COMMANDS["jurisdiction"],
    )
    for by in jurisdiction.SELECT_BY:
        s.add_argument(f"--{by}", help=_HELP.get(by))
    s.add_argument("--reach", help="one reach id: its chiefs, chainage and signboards")
    s.add_argument("--show-phones", action="store_true", help="print phone numbers unmasked")
    s.set_defaults(func=cmd_jurisdiction)
