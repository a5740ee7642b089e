"""``init``: set up a county's own store from its boundary (code, name, Gauss-Krüger zone)."""

from __future__ import annotations

import json
from pathlib import Path

from gis.cli.common import say
from gis.cli.errors import language

#: The commands of this module and their line in ``riverchief --help``.
COMMANDS = {
    "init": "set up your county's store: its code, name and boundary (then import its data)"
}


def cmd_init(args) -> int:
    """Create the county store ``args.store``; print the report; ``--make-default`` writes the
    config file so that later commands use this store without ``--data``."""
    from gis import datasets
    from gis.audit import LOCAL_ROLE, os_user
    from gis.county import init_county

    report = init_county(
        args.store,
        code=args.code,
        name=args.name,
        boundary=args.boundary,
        crs=args.crs,
        encoding=args.encoding,
        source_layer=args.source_layer,
        audit={"who": os_user(), "role": LOCAL_ROLE},
    )
    config = datasets.write_config(args.store) if args.make_default else None
    if args.json:
        out = {**report.to_json(), "config": str(config) if config else None}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(report.format(language(args.lang)))
    if config:
        shown = (
            report.store
            if args.store.startswith(datasets.URL_SCHEMES)
            else Path(args.store).absolute()
        )
        say("init", f"default store is now {shown} (written to {config})")
    else:
        say(
            "init",
            f"use it with --data {report.store}, or set it as the default: --make-default "
            f"or {datasets.DATA_ENV}={report.store}",
        )
    return 0


def register(sub, parents) -> None:
    """Add ``init`` to the ``riverchief`` subparsers."""
    s = sub.add_parser("init", parents=[parents.json], help=COMMANDS["init"])
    s.add_argument(
        "store", metavar="STORE", help="the county GeoPackage to create, e.g. 西湖区.gpkg"
    )
    s.add_argument("--code", required=True, help="the county's six-digit code, e.g. 330106")
    s.add_argument("--name", required=True, help="the county's name, e.g. 西湖区")
    s.add_argument(
        "--boundary",
        required=True,
        metavar="FILE",
        help="the county outline: .shp, .zip (a zipped shapefile), .gpkg, .geojson or .kml",
    )
    s.add_argument("--crs", help="CRS when the file has none (no .prj), e.g. EPSG:4490")
    s.add_argument("--encoding", help="text encoding, e.g. GBK (detected when omitted)")
    s.add_argument("--source-layer", help="layer inside the file, when it has several")
    s.add_argument(
        "--make-default",
        action="store_true",
        help="write the config file so later commands use this store without --data",
    )
    s.set_defaults(func=cmd_init)
