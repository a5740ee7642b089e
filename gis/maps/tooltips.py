"""Map tooltips in the user's words: field names as labels (never raw column names) and
code values (``level1``, ``operating``, ``river`` ...) as the catalogue's words."""

from __future__ import annotations

from collections.abc import Sequence

import folium
import geopandas as gpd

from gis import catalogue
from gis.i18n import COLUMN_LABELS, LABELS, label
from gis.safe import html_text

#: tooltip fields beyond the findings' columns (gis.i18n.COLUMN_LABELS)
FIELD_LABELS: dict[str, tuple[str, str]] = {
    **COLUMN_LABELS,
    "zone_id": LABELS["zone_id"],
    "source_code": LABELS["source_code"],
    "source_type": LABELS["source_type"],
    "quarry_id": ("采砂场编号", "Quarry"),
    "status": LABELS["status"],
    "rules": ("违反规则", "Rules broken"),
    "area_m2": ("面积(m²)", "Area (m²)"),
    "patrol_id": ("巡河记录", "Patrol"),
    "flags": LABELS["flags"],
    "last_patrol": ("最近巡河", "Last patrol"),
    "patrols": ("巡河次数", "Patrols"),
    "structure_id": ("编号", "ID"),
    "kind": ("类型", "Kind"),
    "placed_by": ("设立单位", "Placed by"),
    "population_served": ("供水人口", "Population served"),
}
#: columns holding a catalogue code, by the code lists that word them
CODE_COLUMNS: dict[str, dict[str, tuple[str, str]]] = {
    "level": {**catalogue.LEVELS, **catalogue.ZONE_LEVELS},
    "management_level": catalogue.LEVELS,
    "status": catalogue.QUARRY_STATUS,
    "source_type": catalogue.SOURCE_TYPES,
    "scale": catalogue.RESERVOIR_SCALES,
    "origin": catalogue.ZONE_ORIGINS,
    "kind": catalogue.STRUCTURE_KINDS,
}


def tooltip(fields: Sequence[str], lang: str) -> folium.GeoJsonTooltip:
    """A tooltip of ``fields`` labelled in ``lang`` (a field without a label keeps its name)."""
    return folium.GeoJsonTooltip(
        list(fields),
        aliases=[
            html_text(label(FIELD_LABELS[f], lang)) if f in FIELD_LABELS else f for f in fields
        ],
    )


def worded(gdf: gpd.GeoDataFrame, lang: str) -> gpd.GeoDataFrame:
    """``gdf`` with its code columns (:data:`CODE_COLUMNS`) as words in ``lang``."""
    cols = [c for c in CODE_COLUMNS if c in gdf.columns]
    if not cols:
        return gdf
    out = gdf.copy()
    for c in cols:
        codes = CODE_COLUMNS[c]
        out[c] = [label(codes[v], lang) if isinstance(v, str) and v in codes else v for v in out[c]]
    return out
