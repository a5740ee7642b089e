"""``dashboard``: the county's key figures (the app's home page), each with its page."""

from __future__ import annotations

import json

from gis.cli.common import iso_date, open_store, say
from gis.cli.errors import language

#: The commands of this module and their line in ``riverchief --help``.
COMMANDS = {
    "dashboard": "key figures: coverage, unassigned km, patrol compliance, quarry violations, "
    "sources without a zone"
}


def cmd_dashboard(args) -> int:
    """Print the key figures; a figure that could not be computed says why, never 0."""
    from gis.dashboard import county_figures
    from gis.i18n import t

    store = open_store(args.data)
    as_of = iso_date(args.as_of, "--as-of") if args.as_of else None  # before the long work
    if args.tracks or (not args.no_patrols and "patrol_points" in store.layers()):
        say("dashboard", "judging the patrol tracks (minutes for a quarter of a county) ...")
    d = county_figures(store, as_of=as_of, tracks=args.tracks, patrols=not args.no_patrols)
    if args.json:
        print(json.dumps(d.to_json(), ensure_ascii=False, indent=2, allow_nan=False))
        return 0
    lg = language(args.lang)
    for f in d.figures:
        name = t(f"dashboard.{f.key}", lg)
        label = f"{t(f'level_{f.level}', lg)} · {name}" if f.level else name
        if f.value is None:
            why = f.reason if lg == "en" else t(f"dashboard.help_{f.status}", lg)
            shown = t(f"dashboard.status_{f.status}", lg) + (
                "" if f.status == "not_computed" and lg != "en" else f" ({why})"
            )
        else:
            shown = f"{f.value}{'%' if f.unit == '%' else ''}"
        print(f"  {label}: {shown}    [{f.page}]")
    print(t("dashboard.as_of", lg).format(d=d.as_of))
    return 0


def register(sub, parents) -> None:
    """Add ``dashboard`` to the ``riverchief`` subparsers."""
    s = sub.add_parser(
        "dashboard", parents=[parents.data, parents.json], help=COMMANDS["dashboard"]
    )
    s.add_argument(
        "--as-of",
        help="judge quarries and count patrols up to this date, YYYY-MM-DD "
        "(default: the store's as_of)",
    )
    s.add_argument("--tracks", help="a track file to judge instead of the store's patrols")
    s.add_argument(
        "--no-patrols",
        action="store_true",
        help="do not judge patrols (minutes for a county's quarter): compliance not computed",
    )
    s.set_defaults(func=cmd_dashboard)
