"""Problems (事件) as a group of points over any map: each a dot coloured by whether it was
handled on time, with its id, type, dates and status in words in the tooltip."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from gis import catalogue
from gis.i18n import label
from gis.maps.base import json_safe
from gis.maps.style import SYMBOLS

#: The codes of each event column shown, as words.
WORDS = {
    "event_type": catalogue.EVENT_TYPES,
    "source": catalogue.EVENT_SOURCES,
    "status": catalogue.EVENT_STATUS,
}
FIELDS = ("event_id", "event_type", "source", "reported_at", "deadline", "resolved_at", "status")


def event_group(
    events: gpd.GeoDataFrame, on_time: pd.Series, *, name: str, lang: str = "zh"
) -> folium.FeatureGroup:
    """``events`` (points, any CRS) as one feature group named ``name``; ``on_time`` by
    event_id: True green, False red, missing (not due) grey."""
    fg = folium.FeatureGroup(name=name)
    if events.empty:
        return fg
    g = events[[*FIELDS, "geometry"]].to_crs(4326).copy()
    for col, codes in WORDS.items():
        g[col] = [label(codes[v], lang) if v in codes else v for v in g[col]]
    for col in ("reported_at", "deadline", "resolved_at"):
        g[col] = pd.to_datetime(g[col], errors="coerce").dt.strftime("%Y-%m-%d %H:%M")
    ok = g["event_id"].map(on_time)
    colours = {True: SYMBOLS["tracks_valid"].color, False: SYMBOLS["tracks_suspicious"].color}
    g["_colour"] = [colours.get(v, "#777777") if isinstance(v, bool) else "#777777" for v in ok]
    layer = catalogue.get_layer("events")
    heads = [label((layer.field(f).zh, layer.field(f).en), lang) for f in FIELDS]
    folium.GeoJson(
        json_safe(g),
        marker=folium.CircleMarker(radius=7, weight=2, fill=True, fill_opacity=0.9),
        style_function=lambda f: {"color": "#ffffff", "fillColor": f["properties"]["_colour"]},
        tooltip=folium.GeoJsonTooltip(list(FIELDS), aliases=heads),
    ).add_to(fg)
    return fg
