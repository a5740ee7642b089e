"""Folium maps of the county, built only from local assets (no CDN, no tiles by default).

One module per map over a shared :mod:`gis.maps.base`; :mod:`gis.maps.basemaps` puts
optional online tiles under a finished map. Call :func:`use_offline_assets` once at
start-up, build the layers once per store version with :func:`overview_layers`, the
:class:`Backdrop` once per store, and the maps afresh on every run.
Nothing here imports streamlit.
"""

from __future__ import annotations

from gis.maps import basemaps
from gis.maps.base import (
    STATIC_URL,
    Backdrop,
    Legend,
    add_layer,
    base_map,
    finish,
    highlight,
    json_safe,
    legend_of,
    legend_rows,
    located,
    stable_ids,
    use_offline_assets,
    view_of,
)
from gis.maps.county import county_map, overview_layers
from gis.maps.gaps import gaps_map
from gis.maps.jurisdiction import jurisdiction_map, lines_of, reach_lines, selection_group
from gis.maps.labels import Labels, label_points
from gis.maps.patrols import patrol_map, reach_layer
from gis.maps.quarries import quarry_map
from gis.maps.style import SYMBOLS, Symbol, zone_label
from gis.maps.zones import query_point_group, zone_map

__all__ = [
    "STATIC_URL",
    "Backdrop",
    "Labels",
    "Legend",
    "SYMBOLS",
    "Symbol",
    "add_layer",
    "base_map",
    "basemaps",
    "county_map",
    "gaps_map",
    "finish",
    "highlight",
    "json_safe",
    "jurisdiction_map",
    "label_points",
    "legend_of",
    "legend_rows",
    "lines_of",
    "located",
    "overview_layers",
    "patrol_map",
    "quarry_map",
    "query_point_group",
    "reach_layer",
    "reach_lines",
    "selection_group",
    "stable_ids",
    "use_offline_assets",
    "view_of",
    "zone_label",
    "zone_map",
]
