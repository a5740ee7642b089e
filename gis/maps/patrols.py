"""The patrols map: reaches coloured by when they were last patrolled, and chosen tracks
with a time slider (folium Timeline over vendored leaflet.timeline; no CDN)."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
from folium.plugins import Timeline, TimelineSlider
from folium.utilities import JsCode

from gis.i18n import t
from gis.maps.base import (
    RIVER_STYLE,
    SIMPLIFY_M,
    Backdrop,
    Legend,
    base_map,
    json_safe,
    legend_rows,
    stable_ids,
)
from gis.safe import html_text

RECENCY_COLORS = {"recent": "#1a9850", "month": "#91cf60", "older": "#fc8d59", "never": "#d73027"}
TRACK_COLORS = {True: "#2166ac", False: "#c51b7d"}  # valid, suspicious

# tracks without usable times (times_invalid) stay on the static layer only
_STYLE = JsCode(
    "function(f) { return {color: f.properties.valid == 'True' ? '"
    + TRACK_COLORS[True]
    + "' : '"
    + TRACK_COLORS[False]
    + "', weight: 5, opacity: 0.95}; }"
)
_INTERVAL = JsCode(
    "function(f) { if (f.properties.start == null) return false; "
    "return {start: f.properties.start, end: f.properties.end}; }"
)


def reach_layer(
    reaches: gpd.GeoDataFrame, table: pd.DataFrame, buckets: pd.Series
) -> gpd.GeoDataFrame:
    """Reach lines (metric ``reaches``) joined to the report's ``table`` rows and recency
    ``buckets``, simplified in metres and put in EPSG:4326 for the map."""
    g = reaches[["reach_id", "geometry"]].copy()
    g["geometry"] = g.geometry.simplify(SIMPLIFY_M["rivers"], preserve_topology=True)
    g = g.to_crs(4326)
    g["last_patrol"] = table["last_patrol"].to_numpy()
    g["patrols"] = table["patrols"].to_numpy()
    g["length_m"] = table["length_m"].round(0).to_numpy()
    g["recency"] = buckets.to_numpy()
    return g


def patrol_map(
    layers: dict[str, gpd.GeoDataFrame],
    reaches: gpd.GeoDataFrame,
    tracks: gpd.GeoDataFrame | None = None,
    *,
    lang: str = "zh",
    backdrop: Backdrop | None = None,
) -> folium.Map:
    """Reaches by recency (from :func:`reach_layer`) over the county, and ``tracks`` (from
    :func:`gis.patrols.lines.track_pieces`) drawn whole and on a time slider.

    Parameters
    ----------
    layers : dict of GeoDataFrame
        From :func:`gis.maps.overview_layers`.
    reaches : GeoDataFrame
        From :func:`reach_layer`.
    tracks : GeoDataFrame, optional
        Track pieces in EPSG:4326 with ``valid``, ``start`` and ``end`` (ms since the epoch).
    lang : {"zh", "en"}
        Language of layer names and legend.
    backdrop : Backdrop, optional
        The offline basemap; none by default.
    """
    m = base_map(layers, lang=lang, backdrop=backdrop)
    for bucket, color in RECENCY_COLORS.items():
        part = reaches[reaches["recency"] == bucket].drop(columns="recency")
        if len(part):
            folium.GeoJson(
                json_safe(part),
                name=f"{t('last_patrolled', lang)}: {t(f'recency_{bucket}', lang)}",
                style_function=lambda _f, c=color: {"color": c, "weight": 4, "opacity": 0.85},
                tooltip=folium.GeoJsonTooltip(["reach_id", "last_patrol", "patrols", "length_m"]),
            ).add_to(m)
    if tracks is not None and len(tracks):
        for valid, color in TRACK_COLORS.items():
            part = tracks[tracks["valid"] == valid]
            if len(part):
                label = t("tracks_valid" if valid else "tracks_suspicious", lang)
                folium.GeoJson(
                    json_safe(part.drop(columns=["start", "end"])),
                    name=label,
                    style_function=lambda _f, c=color: {"color": c, "weight": 2, "opacity": 0.35},
                    tooltip=folium.GeoJsonTooltip(["patrol_id", "chief_id", "flags"]),
                ).add_to(m)
        timed = tracks[tracks["start"].notna()]
        if len(timed):
            data = timed.__geo_interface__
            for f in data[
                "features"
            ]:  # plain ints for JSON, the rest as escaped text (as json_safe)
                f["properties"] = {
                    k: (int(v) if k in ("start", "end") else html_text(v))
                    for k, v in f["properties"].items()
                }
            tl = Timeline(data, get_interval=_INTERVAL, style=_STYLE)
            tl.layer_name = t("time_slider", lang)  # the layer control's label
            tl.add_to(m)
            TimelineSlider(
                auto_play=False,
                show_ticks=False,
                enable_keyboard_controls=True,
                date_options="YYYY-MM-DD HH:mm",
            ).add_timelines(tl).add_to(m)
        b = tracks.total_bounds
        m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    folium.LayerControl(collapsed=True).add_to(
        m
    )  # eleven layers: open on demand, keep the map visible
    rows = [
        (c, "line", f"{t('last_patrolled', lang)}: {t(f'recency_{k}', lang)}")
        for k, c in RECENCY_COLORS.items()
    ]
    rows += [
        (TRACK_COLORS[True], "line", t("tracks_valid", lang)),
        (TRACK_COLORS[False], "line", t("tracks_suspicious", lang)),
        (RIVER_STYLE["county"][0], "line", t("rivers_county", lang)),
    ]
    m.add_child(Legend(legend_rows(rows, lang), position="bottomright"))
    return stable_ids(m)
