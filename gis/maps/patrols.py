"""The patrols map: reaches coloured by when they were last patrolled, and chosen tracks
with a time slider (folium Timeline over vendored leaflet.timeline; no CDN)."""

from __future__ import annotations

from typing import Any, cast

import folium
import geopandas as gpd
import pandas as pd
from folium.plugins import Timeline, TimelineSlider
from folium.utilities import JsCode

from gis.i18n import t
from gis.maps.base import SIMPLIFY_M, Backdrop, add_layer, base_map, finish, json_safe
from gis.maps.style import SYMBOLS, styler
from gis.maps.tooltips import tooltip
from gis.safe import html_text

#: Recency buckets, most recent first (colours: gis.maps.style.SYMBOLS).
RECENCY = ("recent", "month", "older", "never")
RECENCY_COLORS = {b: SYMBOLS[f"recency_{b}"].color for b in RECENCY}
TRACK_COLORS = {True: SYMBOLS["tracks_valid"].color, False: SYMBOLS["tracks_suspicious"].color}

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
    for bucket in RECENCY:
        part = reaches[reaches["recency"] == bucket].drop(columns="recency")
        if len(part):
            add_layer(
                m,
                folium.GeoJson(
                    json_safe(part),
                    name=f"{t('last_patrolled', lang)}: {t(f'recency_{bucket}', lang)}",
                    style_function=styler(f"recency_{bucket}"),
                    tooltip=tooltip(["reach_id", "last_patrol", "patrols", "length_m"], lang),
                ),
                f"recency_{bucket}",
            )
    if tracks is not None and len(tracks):
        for valid in (True, False):
            part = tracks[tracks["valid"] == valid]
            if len(part):
                key = "tracks_valid" if valid else "tracks_suspicious"
                add_layer(
                    m,
                    folium.GeoJson(
                        json_safe(part.drop(columns=["start", "end"])),
                        name=t(key, lang),
                        style_function=styler(key),
                        tooltip=tooltip(["patrol_id", "chief_id", "flags"], lang),
                    ),
                    key,
                )
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
            setattr(tl, "_rc_group", "watch")  # noqa: B010  # its group in the layer control
            tl.add_to(m)
            slider = TimelineSlider(
                auto_play=False,
                show_ticks=False,
                enable_keyboard_controls=True,
                date_options="YYYY-MM-DD HH:mm",
            )
            # the county's clock (Asia/Shanghai, UTC+8, no DST), not the browser's time zone
            slider.options["format_output"] = cast(  # folium's own default is a JsCode too
                Any,
                JsCode(
                    "function(date) { return moment(date).utcOffset(480)"
                    ".format('YYYY-MM-DD HH:mm'); }"
                ),
            )
            slider.add_timelines(tl).add_to(m)
        b = tracks.total_bounds
        m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    # every recency bucket is named, also one no reach falls in ("none never patrolled")
    extra = tuple(
        (f"recency_{b}", f"{t('last_patrolled', lang)}: {t(f'recency_{b}', lang)}") for b in RECENCY
    )
    # top right, under the collapsed layer control: the time slider runs along the bottom
    return finish(m, lang, extra=extra, position="topright")
