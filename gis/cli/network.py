"""``network``: the county's river network — counts, cycles, highest order, problems."""

from __future__ import annotations

import json

from gis.cli.common import open_store
from gis.cli.errors import language

#: The commands of this module and their line in ``riverchief --help``.
COMMANDS = {"network": "the river network: arcs, nodes, outlets, cycles, orders, problems"}
TEXT_PROBLEMS = 50  # the text output lists this many problems, then a count


def cmd_network(args) -> int:
    """Describe the network of the store's rivers; ``--json`` for every detail."""
    from gis.i18n import t
    from gis.river_network import COUNTS, describe

    d = describe(open_store(args.data))
    if args.json:
        print(json.dumps(d, ensure_ascii=False, indent=2))
        return 0
    lang = language(getattr(args, "lang", None))
    sep = "：" if lang == "zh" else ": "
    for key in COUNTS:
        value = "-" if d[key] is None else d[key]
        print(f"{t('network.' + key, lang)}{sep}{value}")
    print(f"{t('network.cycles', lang)}{sep}{len(d['cycles'])}")
    for c in d["cycles"]:
        print(f"  {t('network.' + c['kind'], lang)}: {', '.join(c['rivers']) or '-'}")
    print(f"{t('network.problems', lang)}{sep}{len(d['problems'])}")
    for p in d["problems"][:TEXT_PROBLEMS]:
        where = f" ({p['lon']}, {p['lat']})" if p["lon"] is not None else ""
        print(f"  {t('network.' + p['kind'], lang)} {p['river_code'] or ''}{where}")
    if len(d["problems"]) > TEXT_PROBLEMS:
        print(f"  … {len(d['problems']) - TEXT_PROBLEMS}")
    return 0


def register(sub, parents) -> None:
    """Add ``network`` to the ``riverchief`` subparsers."""
    s = sub.add_parser("network", parents=[parents.data, parents.json], help=COMMANDS["network"])
    s.set_defaults(func=cmd_network)
