"""``copy-store``: a county from a GeoPackage into PostGIS and back (or between any two)."""

from __future__ import annotations

from gis.cli.common import open_store, say

#: The commands of this module and their line in ``riverchief --help``.
COMMANDS = {
    "copy-store": "copy a county store: GeoPackage to PostGIS (postgresql://...?county=CODE) "
    "and back, losing nothing"
}


def cmd_copy(args) -> int:
    """Copy every layer and the county's facts from SRC into DST in one write."""
    from gis.store_pg import copy_store, open_data

    src = open_store(args.src, demo=False)
    counts = copy_store(src, open_data(args.dst), layers=args.layer)
    for name, n in counts.items():
        say("copy-store", f"{name}: {n} rows")
    print(f"copied {len(counts)} layers, {sum(counts.values())} rows")
    return 0


def register(sub, parents) -> None:
    """Add ``copy-store`` to the ``riverchief`` subparsers."""
    s = sub.add_parser("copy-store", help=COMMANDS["copy-store"])
    s.add_argument(
        "src", help="the county store to copy: FILE.gpkg or postgresql://...?county=CODE"
    )
    s.add_argument("dst", help="where to: FILE.gpkg or postgresql://...?county=CODE")
    s.add_argument("--layer", nargs="+", help="only these layers (default: every layer)")
    s.set_defaults(func=cmd_copy)
