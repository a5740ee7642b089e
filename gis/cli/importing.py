"""``import``: one file into one layer, with a row-by-row validation report."""

from __future__ import annotations

from gis import catalogue
from gis.cli.common import pairs, refuse_demo_write

#: The commands of this module and their line in ``riverchief --help``.
COMMANDS = {
    "import": "import a file into a layer, with a row-by-row validation report "
    "(the --data store is created if it does not exist)"
}


def importable_layers() -> list[str]:
    """Layers a user may import into (the system layers are written by the program only)."""
    return [n for n in catalogue.LAYER_NAMES if n not in catalogue.SYSTEM_LAYERS]


def cmd_import(args) -> int:
    """Import ``args.file``; the exit code is the report's (0 all rows, 1 some refused)."""
    from gis.audit import LOCAL_ROLE, os_user
    from gis.cli.errors import ROW_HINTS
    from gis.io import importer

    if not args.dry_run:
        refuse_demo_write(args)
    report = importer.import_file(
        args.file,
        args.layer,
        data=args.data,
        crs=args.crs,
        encoding=args.encoding,
        field_map=pairs(args.field_map, "--field-map"),
        defaults=pairs(args.default, "--default"),
        mode=args.mode,
        swap_xy=args.swap_xy,
        allow_outside_china=args.allow_outside_china,
        source_layer=args.source_layer,
        rejects=args.rejects,
        dry_run=args.dry_run,
        clip=not args.no_clip,
        audit={"who": os_user(), "role": LOCAL_ROLE, "detail": str(args.file)},
    )
    print(report.json_text() if args.json else report.format(ROW_HINTS))
    if report.written:  # the app's first visit reads these instead of computing them
        from gis.cli.common import say
        from gis.store_pg import open_data
        from gis.warm import keep_results

        say("import", "computing what the app's pages read first (kept beside the store)")
        for line in keep_results(open_data(args.data)):
            say("import", f"not kept now (the page computes it when visited): {line}")
    return report.exit_code


def register(sub, parents) -> None:
    """Add ``import`` to the ``riverchief`` subparsers."""
    from gis.io import importer

    s = sub.add_parser(
        "import",
        parents=[parents.data, parents.json],
        help=COMMANDS["import"],
    )
    s.add_argument("file")
    layers = importable_layers()
    s.add_argument(
        "--layer",
        required=True,
        choices=layers,
        metavar="NAME",
        help=f"target layer: {', '.join(layers)}",
    )
    s.add_argument("--crs", help="CRS when the file has none, e.g. EPSG:4490")
    s.add_argument("--encoding", help="text encoding, e.g. GBK (detected when omitted)")
    s.add_argument(
        "--field-map",
        nargs="+",
        metavar="SRC=DST",
        help="map source columns to layer fields; SRC= (nothing after =) leaves a column out",
    )
    s.add_argument(
        "--default",
        nargs="+",
        metavar="FIELD=VALUE",
        help="value for a field the file lacks, and for its empty cells; for a code "
        "(admin_code, river_code, reservoir_code, chief_id) only the rows its names left empty",
    )
    s.add_argument("--mode", choices=importer.MODES, default=importer.MODES[0])
    s.add_argument("--swap-xy", action="store_true", help="the file has lat where lon belongs")
    s.add_argument(
        "--allow-outside-china", action="store_true", help="accept foreign reference data"
    )
    s.add_argument("--source-layer", help="layer or sheet inside the file")
    s.add_argument("--rejects", help="where to write rejected rows (CSV)")
    s.add_argument(
        "--dry-run", action="store_true", help="check and report only; the store is not changed"
    )
    s.add_argument(
        "--no-clip",
        action="store_true",
        help="keep rows outside the county boundary (by default layers with geometry are "
        "clipped to it: rows wholly outside are refused and counted, rows across it are cut)",
    )
    s.set_defaults(func=cmd_import)
