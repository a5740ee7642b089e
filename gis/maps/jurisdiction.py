"""The jurisdiction map: every village-level reach (click one for its chiefs), with the
selected township's, village's, river's or chief's reaches highlighted."""

from __future__ import annotations

from collections.abc import Iterable

import folium
import geopandas as gpd
import pandas as pd

from gis.i18n import t
from gis.maps.base import (
    SIMPLIFY_M,
    Backdrop,
    add_layer,
    base_map,
    finish,
    json_safe,
    stable_ids,
)
from gis.maps.style import styler
from gis.safe import html_text


def reach_lines(reaches: gpd.GeoDataFrame, rivers: pd.DataFrame) -> gpd.GeoDataFrame:
    """Reaches (metric CRS) simplified in metres, in EPSG:4326, with river names; text
    HTML-escaped for the map (pick rows with :func:`lines_of`, not by comparing ids)."""
    names = dict(zip(rivers["river_code"], rivers["name"], strict=True))
    g = reaches[["reach_id", "river_code", "length_m", "geometry"]].copy()
    g["geometry"] = g.geometry.simplify(SIMPLIFY_M["rivers"], preserve_topology=True)
    g["river_name"] = g["river_code"].map(names)
    g["length_m"] = g["length_m"].round(0)
    return json_safe(g.to_crs(4326))


def lines_of(lines: gpd.GeoDataFrame, reach_ids: Iterable[str | None]) -> gpd.GeoDataFrame:
    """The rows of :func:`reach_lines` for these (unescaped) reach ids."""
    return lines[lines["reach_id"].isin({html_text(r) for r in reach_ids if r is not None})]


def _tooltip(lang: str) -> folium.GeoJsonTooltip:
    return folium.GeoJsonTooltip(
        ["reach_id", "river_name", "length_m"],
        aliases=[html_text(t(k, lang)) for k in ("reach_id", "river", "length_m")],
    )


def jurisdiction_map(
    layers: dict[str, gpd.GeoDataFrame],
    lines: gpd.GeoDataFrame,
    *,
    lang: str = "zh",
    backdrop: Backdrop | None = None,
) -> folium.Map:
    """The map that stays the same on every run: the county and all reaches, clickable.

    Parameters
    ----------
    layers : dict of GeoDataFrame
        From :func:`gis.maps.overview_layers`.
    lines : GeoDataFrame
        From :func:`reach_lines`.
    lang : {"zh", "en"}
        Language of layer names, tooltips and legend.
    backdrop : Backdrop, optional
        The offline basemap; none by default.
    """
    m = base_map(layers, lang=lang, backdrop=backdrop)
    add_layer(
        m,
        folium.GeoJson(
            lines,
            name=t("reaches", lang),
            style_function=styler("reaches"),
            tooltip=_tooltip(lang) if len(lines) else None,  # no fields to show on no reaches
        ),
        "reaches",
    )
    # the highlight comes later (selection_group), without rebuilding the map
    extra = (
        ("selected_reaches", t("selected_reaches", lang)),
        ("clicked_reach", t("clicked_reach", lang)),
    )
    return finish(m, lang, extra=extra)


def selection_group(
    lines: gpd.GeoDataFrame,
    selected_ids: Iterable[str | None],
    clicked_id: str | None,
    *,
    lang: str = "zh",
) -> folium.FeatureGroup:
    """The highlight, handed to st_folium as ``feature_group_to_add`` so the map itself is
    not rebuilt (no remount, no flicker) when the selection changes."""
    fg = folium.FeatureGroup(name=t("selected_reaches", lang))
    sel = lines_of(lines, selected_ids)
    if len(sel):
        folium.GeoJson(
            sel,
            style_function=styler("selected_reaches"),
            tooltip=_tooltip(lang),
        ).add_to(fg)
    hit = lines_of(lines, [clicked_id])
    if len(hit):
        folium.GeoJson(hit, style_function=styler("clicked_reach")).add_to(fg)
    return stable_ids(fg, prefix="sel")
