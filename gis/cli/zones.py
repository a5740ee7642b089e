"""``zones delineate`` and ``zones query``: drinking-water protection zones."""

from __future__ import annotations

import json
from pathlib import Path

from gis._errors import InputError
from gis.cli.common import audit, open_store, pairs, refuse_demo_write, say, with_fix

#: The commands of this module and their line in ``riverchief --help``.
COMMANDS = {"zones": "drinking-water protection zones: delineate proposals, query places"}


def cmd_delineate(args) -> int:
    """Propose zones by HJ 338-2018; save them with ``--write``; exit 1 when a source has a
    problem."""
    from gis.zones import delineate, write_proposals

    if args.write:
        refuse_demo_write(args)
    store = open_store(args.data)
    if not args.source and not args.missing:
        raise InputError(
            code="cli.which_sources", params={"options": "--source CODE ... / --missing"}
        )
    overrides = pairs(args.rules, "--rules")
    aquifers = (
        json.loads(Path(args.aquifers).read_text(encoding="utf-8")) if args.aquifers else None
    )
    say("zones", "walking the network from each intake ...")
    d = delineate(
        store,
        sources=args.source,
        missing=args.missing,
        rule_overrides=overrides,
        dem=args.dem,
        tolerance=args.tolerance,
        aquifers=aquifers,
        material=args.material,
    )
    if args.write and len(d.zones):
        n = write_proposals(store, d.zones)
        say("zones", f"saved {n} proposed zones into {args.data}")
        audit(args.data, "zones_write", target="protection_zones", rows=n)
    elif len(d.zones):
        say("zones", "nothing saved (add --write to save the proposals)")
    for p in d.problems:
        say("zones", f"{p['source_code']}: " + with_fix(p["reason"], p["fix"]))
    if args.json:
        print(json.dumps(d.to_json(), ensure_ascii=False, indent=2))
    else:
        for r in d.zones.itertuples():
            print(f"{r.source_code}  {r.level}  {r.area_m2 / 1e4:10.2f} ha  {r.notes or ''}")
    return 1 if d.problems else 0


def cmd_query(args) -> int:
    """Name the zones a point, or each feature of a file, falls in."""
    import geopandas as gpd
    from shapely.geometry import Point

    from gis.crs import STORAGE_EPSG
    from gis.zones.query import parse_point, read_places, zones_at

    store = open_store(args.data)
    if bool(args.point) == bool(args.layer):
        raise InputError(code="cli.give_one", params={"options": "--point LON,LAT / --layer FILE"})
    if args.point:
        x, y = parse_point(args.point)
        geoms = gpd.GeoSeries([Point(x, y)], crs=args.crs or STORAGE_EPSG)
    else:
        geoms = read_places(args.layer, crs=args.crs)
    found = zones_at(store, geoms)
    strip = [[{k: z[k] for k in ("source_code", "level", "origin")} for z in f] for f in found]
    if args.point:
        out = {"point": [x, y], "zones": strip[0]}
    else:
        out = {"features": [{"row": i + 1, "zones": z} for i, z in enumerate(strip)]}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for i, f in enumerate(found):
        where = args.point or f"feature {i + 1}"
        names = (
            ", ".join(f"{z['zone_id']} ({z['level']}, {z['origin']})" for z in f)
            or "in no protection zone"
        )
        print(f"{where}: {names}")
    return 0


def register(sub, parents) -> None:
    """Add ``zones`` and its subcommands to the ``riverchief`` subparsers."""
    from gis.zones.delineate import DEFAULT_TOLERANCE_M, ZONE_TABLES
    from gis.zones.well import DEFAULT_MATERIAL

    s = sub.add_parser("zones", help=COMMANDS["zones"])
    zsub = s.add_subparsers(dest="zones_command", required=True)
    z = zsub.add_parser(
        "delineate",
        parents=[parents.data, parents.json],
        help="propose zones by HJ 338-2018 (saved only with --write)",
    )
    z.add_argument("--source", nargs="+", metavar="CODE", help="source codes")
    z.add_argument("--missing", action="store_true", help="every source without an official zone")
    z.add_argument("--write", action="store_true", help="save the proposals into the store")
    z.add_argument(
        "--dem", help="DEM .npz: clip land at the watershed divide (demo: layers/demo/dem.npz)"
    )
    z.add_argument(
        "--rules",
        nargs="+",
        metavar="TABLE=CSV",
        help=f"county overrides of rule tables: {', '.join(ZONE_TABLES)}",
    )
    z.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE_M,
        help="max distance (m) from an intake to its river",
    )
    z.add_argument("--aquifers", help="JSON file: {source_code: {K, I, n}} for wells")
    z.add_argument(
        "--material", default=DEFAULT_MATERIAL, help="aquifer material for wells without K, I, n"
    )
    z.set_defaults(func=cmd_delineate)
    z = zsub.add_parser(
        "query",
        parents=[parents.data, parents.json],
        help="which zones a point or each feature of a file falls in",
    )
    z.add_argument("--point", help="LON,LAT (or X,Y in --crs)")
    z.add_argument("--layer", help="a GIS file of points, lines or polygons")
    z.add_argument("--crs", help="CRS of --point or of a file without one, e.g. EPSG:4544")
    z.set_defaults(func=cmd_query)
