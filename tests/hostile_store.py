"""A county store whose every name and free-text field carries a hostile payload.

The demo store, copied, with script, HTML, Markdown images and links, Streamlit
directives, LaTeX and template syntax appended to the names (rivers, townships, villages,
reservoirs, sources, structures, quarries, chiefs, signboards), the chiefs' posts, the
zones' rules and notes, the permits, the ranges' sources and the county name. Codes stay
as they are: they are join keys, and a payload there would test the joins, not escaping.
A page that escapes shows every payload as text; one that does not runs script, or asks
203.0.113.9 (TEST-NET-3, never routed) for an image.
"""

from __future__ import annotations

import shutil
import zlib
from pathlib import Path

from gis import datasets
from gis.store import GeoPackageStore

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    "![](http://203.0.113.9/x.png)",
    "[link](http://203.0.113.9/)",
    ":red[红]",
    "$x^2$",
    "**粗**",
    "\"';alert(3)//",
    "</script><script>alert(4)</script>",
    "{{7*7}}",
    " http://203.0.113.9/bare.png :smile: "
    "a@203.0.113.9.cn",  # linkified after parsing, if let through
]

#: The hostile county name: every payload kind at once, shown in the overview's heading.
COUNTY_NAME = (
    "示范县<img src=x onerror=alert(1)>![](http://203.0.113.9/x.png):red[红]$x^2$**粗**&lt;"
)

#: A hostile file name too (the sidebar shows it, the patrols page quotes its path).
FILE_NAME = "县[l](http:__203.0.113.9_)<b>粗<_b>$x^2$.gpkg"

#: (layer, column) pairs of names and free text; names get a payload chosen by the name
#: itself, so a chief's name and the signboard naming that chief stay equal.
TEXT_FIELDS = {
    "rivers": ["name"],
    "admin_units": ["name"],
    "reservoirs": ["name"],
    "water_sources": ["name"],
    "structures": ["name"],
    "quarries": ["name", "permit_no"],
    "chiefs": ["name", "post"],
    "signboards": ["chief_name"],
    "protection_zones": ["rule", "notes"],
    "management_ranges": ["source"],
}


def hostile(value, row: int) -> str:
    """``value`` with a payload appended (picked by the value, or by ``row`` if missing)."""
    if value is None or value != value:
        return PAYLOADS[row % len(PAYLOADS)]
    return f"{value}{PAYLOADS[zlib.crc32(str(value).encode()) % len(PAYLOADS)]}"


def build(directory: Path) -> Path:
    """Write the hostile store into ``directory``; return its path."""
    out = Path(directory) / FILE_NAME
    shutil.copy(datasets.get_path("demo"), out)
    store = GeoPackageStore(out)
    tables = {}
    for layer, cols in TEXT_FIELDS.items():
        df = store.read(layer)
        for col in cols:
            df[col] = [hostile(v, i) for i, v in enumerate(df[col])]
        tables[layer] = df
    store.write(tables, meta={"county_name": COUNTY_NAME})
    return out
