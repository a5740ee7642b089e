"""``copy-store``: a county from a GeoPackage into PostGIS and back (or between any two);
``grant-office``: a county office's database role."""

from __future__ import annotations

import sys

from gis.cli.common import open_store, say

#: The commands of this module and their line in ``riverchief --help``.
COMMANDS = {
    "copy-store": "copy a county store: GeoPackage to PostGIS (postgresql://...?county=CODE) "
    "and back, losing nothing",
    "grant-office": "a county office's PostGIS role: reads every county, writes only its own",
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


def cmd_grant(args) -> int:
    """Create (or update) the office role of the county named by ``--data``."""
    import getpass

    from gis.store_pg import display_name, grant_office

    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n") or None
    elif sys.stdin.isatty():
        password = getpass.getpass(f"password for {args.role} (if the role is new): ") or None
    grant_office(args.data, args.role, password=password)
    print(f"{args.role}: reads every county, writes only {display_name(args.data)}")
    return 0


def register(sub, parents) -> None:
    """Add ``copy-store`` and ``grant-office`` to the ``riverchief`` subparsers."""
    s = sub.add_parser("copy-store", help=COMMANDS["copy-store"])
    s.add_argument(
        "src", help="the county store to copy: FILE.gpkg or postgresql://...?county=CODE"
    )
    s.add_argument("dst", help="where to: FILE.gpkg or postgresql://...?county=CODE")
    s.add_argument("--layer", nargs="+", help="only these layers (default: every layer)")
    s.set_defaults(func=cmd_copy)
    # --data: the office's county in the database, postgresql://...?county=CODE, connected
    # as the database's owner
    g = sub.add_parser("grant-office", parents=[parents.data], help=COMMANDS["grant-office"])
    g.add_argument("role", help="the office's login role (created when missing)")
    g.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the new role's password from standard input (else asked when a terminal)",
    )
    g.set_defaults(func=cmd_grant)
