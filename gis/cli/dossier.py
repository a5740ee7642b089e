"""``dossier``: the per-river archive (一河一档) as HTML or PDF, one river or all."""

from __future__ import annotations

import json
from pathlib import Path

from gis.cli.common import iso_date, open_store, say
from gis.cli.errors import language

#: The commands of this module and their line in ``riverchief --help``.
COMMANDS = {
    "dossier": "per-river archive (一河一档): chiefs, points, zones, quarries, gaps, plan, "
    "as HTML or PDF; --all for every river",
    "map": "a printed map sheet (title, legend, scale bar, north arrow, CGCS2000 ticks) of the "
    "county, a township or a river, as PDF or PNG",
}


def _patrols(args, store):
    """The patrol report of ``--from``..``--to`` when asked for (minutes), else None."""
    if not (args.start or args.end):
        return None
    from gis.demo.patrols import quarter_for
    from gis.patrols import assess_patrols
    from gis.patrols.io import tracks_for
    from gis.patrols.report import check_period

    start, end = iso_date(args.start or "", "--from"), iso_date(args.end or "", "--to")
    check_period(start, end)
    tracks = tracks_for(store, tracks=args.tracks or quarter_for(store))
    say("dossier", "judging the patrol tracks of the period (minutes for a county) ...")
    return assess_patrols(
        store, start=start, end=end, tracks=tracks, progress=lambda m: say("dossier", m)
    )


def cmd_dossier(args) -> int:
    """Write one river's archive (``RIVER --out x.html|x.pdf``) or every river's (``--all``)."""
    from gis._errors import InputError
    from gis.dossier import county_context, river_dossier, write_dossier, write_dossiers
    from gis.dossier.river import resolve_river

    store = open_store(args.data)
    lang = language(args.lang)
    as_of = iso_date(args.as_of, "--as-of") if args.as_of else None
    if not args.all:  # a wrong river is refused before the minutes of analysis
        if not args.river:
            raise InputError(code="cli.dossier_river")
        args.river = resolve_river(store.read("rivers"), args.river)
    say("dossier", "running the county's analyses ...")
    county = county_context(store, as_of=as_of, patrols=_patrols(args, store))
    if args.all:
        folder = Path(args.out or "dossiers")
        fmt = ".pdf" if args.pdf else ".html"
        written = write_dossiers(
            store,
            folder,
            fmt=fmt,
            lang=lang,
            staff=args.staff,
            county=county,
            progress=lambda i, n, code: say("dossier", f"{i}/{n} {code}"),
        )
        say("dossier", f"wrote {len(written)} archives and index.html into {folder}")
        return 0
    if args.json:
        d = river_dossier(store, args.river, staff=args.staff, county=county)
        print(json.dumps(d.to_json(), ensure_ascii=False, indent=2, allow_nan=False))
        if not args.out:
            return 0
    out = Path(args.out or f"{args.river}.html")
    write_dossier(store, args.river, out, lang=lang, staff=args.staff, county=county)
    say("dossier", f"wrote {out}")
    return 0


def cmd_map(args) -> int:
    """Compose and print one map sheet."""
    from gis.dossier.printmap import compose_map, parse_bbox, write_map

    store = open_store(args.data)
    if args.atlas:
        from gis.dossier.printmap import compose_atlas

        atlas = compose_atlas(
            store,
            paper=args.paper,
            orientation=args.orientation,
            lang=language(args.lang),
            progress=lambda i, n: say("map", f"{i}/{n} sheets"),
        )
        say("map", f"wrote {write_map(atlas, Path(args.out))}")
        return 0
    scope, target = (
        ("river", args.river)
        if args.river
        else ("township", args.township)
        if args.township
        else ("view", None)
        if args.bbox
        else ("county", None)
    )
    sheet = compose_map(
        store,
        scope=scope,
        target=target,
        bbox=parse_bbox(args.bbox) if args.bbox else None,
        paper=args.paper,
        orientation=args.orientation,
        lang=language(args.lang),
        title=args.title,
    )
    say("map", f"wrote {write_map(sheet, Path(args.out))}")
    return 0


def register(sub, parents) -> None:
    """Add ``dossier`` and ``map`` to the ``riverchief`` subparsers."""
    from gis.dossier.paper import ORIENTATIONS, PAPERS

    s = sub.add_parser("dossier", parents=[parents.data, parents.json], help=COMMANDS["dossier"])
    s.add_argument("river", nargs="?", help="river code, or a name only one river has")
    s.add_argument(
        "--out",
        help="FILE.html or FILE.pdf (default RIVER.html); with --all, a folder "
        "(default ./dossiers)",
    )
    s.add_argument("--all", action="store_true", help="every river of the county, and an index")
    s.add_argument("--pdf", action="store_true", help="with --all: PDF files instead of HTML")
    s.add_argument(
        "--staff", action="store_true", help="show phones unmasked (for staff; masked by default)"
    )
    s.add_argument(
        "--as-of",
        help="the day the archive is made for, YYYY-MM-DD (default: the store's as_of, "
        "else today): plan items past their deadline are overdue",
    )
    s.add_argument("--from", dest="start", help="patrol period start, YYYY-MM-DD (with --to)")
    s.add_argument("--to", dest="end", help="patrol period end, YYYY-MM-DD")
    s.add_argument("--tracks", help="a track file to judge instead of the store's patrols")
    s.set_defaults(func=cmd_dossier)
    m = sub.add_parser("map", parents=[parents.data], help=COMMANDS["map"])
    which = m.add_mutually_exclusive_group()
    which.add_argument("--river", help="a river code, or a name only one river has")
    which.add_argument("--township", help="a township code, or a name only one township has")
    which.add_argument("--county", action="store_true", help="the whole county (the default)")
    which.add_argument(
        "--bbox", help="an extent W,S,E,N in decimal degrees, CGCS2000 (the app's 打印此视图)"
    )
    which.add_argument(
        "--atlas",
        action="store_true",
        help="the county atlas: the county's sheet and one per township, in one file",
    )
    m.add_argument("--out", required=True, help="FILE.pdf, FILE.png or FILE.html")
    m.add_argument("--paper", choices=tuple(PAPERS), default="A4")
    m.add_argument("--orientation", choices=ORIENTATIONS, default="landscape")
    m.add_argument("--title", help="the sheet's title (default: the name and kind of map)")
    m.set_defaults(func=cmd_map)
