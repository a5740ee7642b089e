"""``summary``, ``layers``, ``export`` and ``search``: read the county store and the catalogue."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from gis import catalogue
from gis.cli.common import open_store, say
from gis.cli.errors import language
from gis.i18n import county_title

#: The commands of this module and their line in ``riverchief --help``.
COMMANDS = {
    "summary": "county inventory computed from the data",
    "layers": "list the layer catalogue, or one layer's fields",
    "export": "export the county store: FILE.gpkg (a copy), FILE.xlsx (sheets) or FILE.csv",
    "search": "find rivers, townships, villages, chiefs and reservoirs by name or code",
}


def cmd_summary(args) -> int:
    """Print the county inventory computed from the data."""
    from gis.inventory import SUMMARY_KEYS, summarize

    store = open_store(args.data)
    result = summarize(store)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    title = county_title(store.meta(), Path(args.data).name, language(args.lang))
    print(f"{title}  ({args.data})")
    for k, v in result.items():
        zh, en = SUMMARY_KEYS[k]
        print(f"  {zh:<16}{en:<34}{v:>10}")
    return 0


def cmd_layers(args) -> int:
    """List the layer catalogue, one layer's fields, or the whole catalogue as Markdown."""
    if args.markdown:
        from gis.catalogue_doc import to_markdown

        print(to_markdown())
        return 0
    layers = [catalogue.get_layer(args.name)] if args.name else catalogue.LAYERS
    for layer in layers:
        print(f"{layer.name} ({layer.geometry or 'table'}): {layer.zh} / {layer.en}")
        if args.name:
            for f in layer.fields:
                codes = f" [{', '.join(f.codes)}]" if f.codes else ""
                need = "required" if f.required else "optional"
                print(f"  {f.name:<22}{f.dtype:<9}{need:<10}{f.zh} / {f.en}{codes}")
    return 0


def cmd_export(args) -> int:
    """Write the store as a GeoPackage copy, XLSX sheets or CSV files."""
    from gis.io.findings import export_store

    for f in export_store(open_store(args.data), args.out, layers=args.layers):
        say("export", f"wrote {f}")
    return 0


def cmd_search(args) -> int:
    """Find features by name or code; exit 1 when nothing is found."""
    from gis import search

    found = search.search_features(
        open_store(args.data), args.text, kinds=args.kind or search.KINDS, limit=args.limit
    )
    rows = found.to_json()["hits"]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(f"{r['kind']:<10}{r['code']:<14}{r['name'] or '':<10}{r['detail'] or ''}")
    print(f"{len(rows)} found", file=sys.stderr)
    return 0 if rows else 1


def register(sub, parents) -> None:
    """Add the commands of this module to the ``riverchief`` subparsers."""
    from gis import search

    s = sub.add_parser(
        "summary",
        parents=[parents.data, parents.json],
        help=COMMANDS["summary"],
    )
    s.set_defaults(func=cmd_summary)

    s = sub.add_parser("layers", help=COMMANDS["layers"])
    s.add_argument("name", nargs="?")
    s.add_argument(
        "--markdown", action="store_true", help="print the bilingual catalogue (layers/README.md)"
    )
    s.set_defaults(func=cmd_layers)

    s = sub.add_parser(
        "export",
        parents=[parents.data],
        help=COMMANDS["export"],
    )
    s.add_argument("out")
    s.add_argument("--layers", nargs="+", metavar="NAME", help="only these layers (default: all)")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser(
        "search",
        parents=[parents.data, parents.json],
        help=COMMANDS["search"],
    )
    s.add_argument("text")
    s.add_argument("--kind", nargs="+", choices=search.KINDS)
    s.add_argument("--limit", type=int, default=search.DEFAULT_LIMIT)
    s.set_defaults(func=cmd_search)
