"""The coverage-gap map: reaches with no chief, coloured by the level that lacks one."""

from __future__ import annotations

import folium
import geopandas as gpd

from gis.admin_codes import ABOVE_COUNTY
from gis.i18n import t
from gis.maps.base import (
    RIVER_STYLE,
    TOWNSHIP_COLOR,
    Backdrop,
    Legend,
    base_map,
    json_safe,
    legend_rows,
    stable_ids,
)

GAP_COLORS = {
    "province": "#67000d",
    "city": "#a50f15",
    "county": "#e31a1c",
    "township": "#ff7f00",
    "village": "#984ea3",
}


def gaps_map(
    layers: dict[str, gpd.GeoDataFrame],
    unassigned: gpd.GeoDataFrame,
    *,
    lang: str = "zh",
    backdrop: Backdrop | None = None,
) -> folium.Map:
    """Reaches with no chief, coloured by the level that lacks one, over the rivers.

    Parameters
    ----------
    layers : dict of GeoDataFrame
        From :func:`gis.maps.overview_layers`.
    unassigned : GeoDataFrame
        :attr:`gis.coverage.Coverage.unassigned` (any CRS).
    lang : {"zh", "en"}
        Language of layer names and legend.
    backdrop : Backdrop, optional
        The offline basemap; none by default.
    """
    m = base_map(layers, lang=lang, backdrop=backdrop)
    for level, color in GAP_COLORS.items():
        part = unassigned[unassigned["level"] == level]
        if len(part):
            g = json_safe(
                part.to_crs(4326)[["reach_id", "river_name", "level", "length_m", "geometry"]]
            )
            folium.GeoJson(
                g,
                name=f"{t('unassigned', lang)} · {t(f'level_{level}', lang)}",
                style_function=lambda _f, c=color: {"color": c, "weight": 7, "opacity": 0.9},
                tooltip=folium.GeoJsonTooltip(["reach_id", "river_name", "level", "length_m"]),
            ).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    rows = [
        (c, "line", f"{t('unassigned', lang)} · {t(f'level_{lv}', lang)}")
        for lv, c in GAP_COLORS.items()
        if lv not in ABOVE_COUNTY or (unassigned["level"] == lv).any()
    ]
    rows += [
        (RIVER_STYLE["county"][0], "line", t("rivers_county", lang)),
        (TOWNSHIP_COLOR, "line", t("townships", lang)),
    ]
    m.add_child(Legend(legend_rows(rows, lang)))
    return stable_ids(m)
