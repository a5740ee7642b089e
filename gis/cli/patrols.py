"""``patrols import``, ``patrols report`` and ``patrols demo``: patrol tracks and compliance."""

from __future__ import annotations

import json
from pathlib import Path

from gis import datasets
from gis.cli.common import (
    audit,
    iso_date,
    open_store,
    pairs,
    refuse_demo_write,
    say,
    with_fix,
)

#: The commands of this module and their line in ``riverchief --help``.
COMMANDS = {"patrols": "patrol tracks: import, and the compliance report"}


def rule_sets() -> list[str]:
    """The patrol validity rule sets the library ships (``--rules``)."""
    from gis import rules as rules_mod

    return sorted(set(rules_mod.load("patrol_validity")["rule_set"]))


def cmd_import(args) -> int:
    """Import track files, all or nothing per patrol; exit as the import result says."""
    from gis.patrols import import_tracks, network_from_store
    from gis.patrols.clean import CleanOptions

    if not args.dry_run:
        refuse_demo_write(args)
    store = open_store(args.data) if not args.dry_run or Path(args.data).exists() else None
    opt = CleanOptions(
        coords=args.coords, chief=args.chief, swap_xy=args.swap_xy, gap_minutes=args.gap_minutes
    )
    say("patrols", f"reading {len(args.files)} file(s) ...")
    net = network_from_store(store) if store is not None and not args.no_offset_check else None
    res = import_tracks(args.files, store, options=opt, net=net, write=not args.dry_run)
    if args.issues and res.cleaned is not None:
        from gis.io.findings import defuse_formulas

        defuse_formulas(res.cleaned.issues()).to_csv(args.issues, index=False, encoding="utf-8-sig")
        say("patrols", f"point issues written to {args.issues}")
    if args.json:
        print(json.dumps(res.to_json(), ensure_ascii=False, indent=2, default=str))
        return res.exit_code
    for e in res.file_errors:
        print(f"{e['file']}: " + with_fix(e["reason"], e["fix"]))
    for n in res.file_notes:
        print(f"{n['file']}: {n['note']}")
    if res.cleaned is not None:
        for r in res.cleaned.counts().to_dict("records"):
            extra = ", ".join(
                f"{k} {v}"
                for k, v in r.items()
                if k not in ("file", "read", "kept", "dropped") and v
            )
            print(
                f"{r['file']}: {r['read']} points read, {r['kept']} kept, {r['dropped']} dropped"
                + (f" ({extra})" if extra else "")
            )
    for r in res.refused_patrols:
        print(f"refused {r['patrol_id']}: " + with_fix(r["reason"], r["fix"]))
    for w in res.warnings:
        print(f"warning {w['patrol_id']}: " + with_fix(w["warning"], w["fix"]))
    if not args.dry_run and res.written:
        audit(
            args.data,
            "patrols_import",
            target="patrols",
            rows=res.written,
            detail=" ".join(map(str, args.files))[:500],
        )
    verb = "would write" if args.dry_run else "wrote"
    print(f"{verb} {res.written if not args.dry_run else 0} patrols into {args.data}")
    return res.exit_code


def cmd_report(args) -> int:
    """Compliance per chief, reach and township over ``--from``..``--to``."""
    from gis.demo.patrols import quarter_for
    from gis.io.findings import write_findings
    from gis.patrols import assess_patrols
    from gis.patrols.io import tracks_for
    from gis.patrols.report import check_period

    start, end = iso_date(args.start, "--from"), iso_date(args.end, "--to")
    check_period(start, end)  # before the demo quarter is simulated or anything assessed
    store = open_store(args.data)
    tracks = tracks_for(
        store,
        tracks=args.tracks
        or quarter_for(
            store, progress=lambda f: say("patrols", f"simulating the demo quarter {f:.0%}")
        ),
    )
    if tracks is not None and args.tracks is None:
        say("patrols", f"the demo store has no patrols: using the simulated demo quarter {tracks}")
    report = assess_patrols(
        store,
        start=start,
        end=end,
        rule_set=args.rules,
        tracks=tracks,
        progress=lambda m: say("patrols", f"{m} ..."),
        rule_overrides=pairs(args.rule_table, "--rule-table"),
    )
    a = report.assessment
    if report.chiefs["submitted"].sum() == 0 and a.patrols["start"].notna().any():
        from gis.patrols.clean import LOCAL_TZ

        local = a.patrols["start"].dt.tz_convert(LOCAL_TZ)
        say(
            "patrols",
            "warning: "
            + with_fix(
                f"no patrol started between {start} and {end}; the tracks run from "
                f"{local.min().date()} to {local.max().date()}",
                "choose --from/--to inside that range",
            ),
        )
    if args.out:
        for f in write_findings(report.tables(), args.out):
            say("patrols", f"wrote {f}")
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0
    ch = report.chiefs
    print(f"{start} to {end}, rule set {report.rule_set}")
    for level, g in ch.groupby("level"):
        print(
            f"  {level:<9} chiefs {len(g):>5}  compliant {int(g['compliant'].sum()):>5} "
            f"({g['compliant'].mean():.0%})  valid patrols {int(g['valid'].sum()):>6}"
        )
    print(
        f"  reaches never patrolled: {int(report.reaches['never_patrolled'].sum())} "
        f"of {len(report.reaches)}"
    )
    print(f"  suspicious patrols: {len(report.suspicious)}")
    return 0


def cmd_demo(args) -> int:
    """Simulate the demo county's quarter of patrols (kept unless ``--force``)."""
    from gis.demo import patrols as demo_patrols

    out = Path(args.out)
    if out.exists() and args.force:
        out.unlink()
    print(demo_patrols.ensure(out, progress=lambda f: say("patrols", f"simulating {f:.0%}")))
    return 0


def register(sub, parents) -> None:
    """Add ``patrols`` and its subcommands to the ``riverchief`` subparsers."""
    from gis import coords
    from gis.patrols.assess import DEFAULT_RULE_SET, RULE_TABLES
    from gis.patrols.clean import CleanOptions

    s = sub.add_parser("patrols", help=COMMANDS["patrols"])
    psub = s.add_subparsers(dest="patrols_command", required=True)
    z = psub.add_parser(
        "import",
        parents=[parents.data, parents.json],
        help="import GPX, KML, GeoJSON, CSV or XLSX tracks (all or nothing per patrol)",
    )
    z.add_argument("files", nargs="+", metavar="FILE")
    z.add_argument("--chief", help="chief id for tracks whose file names none")
    z.add_argument(
        "--coords",
        choices=coords.SYSTEMS,
        default=CleanOptions.coords,
        help="system the tracks were recorded in (Chinese phone apps: usually gcj02)",
    )
    z.add_argument("--swap-xy", action="store_true", help="the file has lat where lon belongs")
    z.add_argument(
        "--gap-minutes",
        type=float,
        default=CleanOptions.gap_minutes,
        help="a longer pause splits the track",
    )
    z.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")
    z.add_argument("--issues", help="write every point with a problem to this CSV")
    z.add_argument(
        "--no-offset-check", action="store_true", help="skip the GCJ-02/BD-09 offset check"
    )
    z.set_defaults(func=cmd_import)
    z = psub.add_parser(
        "report",
        parents=[parents.data, parents.out, parents.json],
        help="compliance per chief, reach and township; suspicious patrols",
    )
    z.add_argument(
        "--from",
        dest="start",
        required=True,
        help="first day, YYYY-MM-DD or 2026年7月1日 (Beijing time)",
    )
    z.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD or 2026年9月30日")
    z.add_argument(
        "--rules",
        default=DEFAULT_RULE_SET,
        help=f"patrol validity rule set: {', '.join(rule_sets())}",
    )
    z.add_argument(
        "--rule-table",
        nargs="+",
        metavar="TABLE=CSV",
        help=f"county overrides: {', '.join(RULE_TABLES)}",
    )
    z.add_argument(
        "--tracks",
        help="track file (GeoParquet of raw points, GPX, KML, GeoJSON, CSV, XLSX) "
        "instead of the store's patrols",
    )
    z.set_defaults(func=cmd_report)
    z = psub.add_parser(
        "demo", help="simulate the demo county's quarter of patrols (about 4 M points)"
    )
    z.add_argument("--out", default=str(datasets.get_path("demo_patrols")))
    z.add_argument("--force", action="store_true", help="simulate again even if the file exists")
    z.set_defaults(func=cmd_demo)
