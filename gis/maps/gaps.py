"""The coverage-gap map: reaches with no chief, coloured by the level that lacks one."""

from __future__ import annotations

import folium
import geopandas as gpd

from gis.admin_codes import ABOVE_COUNTY
from gis.catalogue import CHIEF_LEVELS
from gis.i18n import t
from gis.maps.base import Backdrop, add_layer, base_map, finish, json_safe
from gis.maps.style import SYMBOLS, styler
from gis.maps.tooltips import tooltip, worded

#: Unassigned reaches by the level that lacks a chief (colours: gis.maps.style.SYMBOLS).
GAP_LEVELS = CHIEF_LEVELS
GAP_COLORS = {lv: SYMBOLS[f"unassigned_{lv}"].color for lv in GAP_LEVELS}


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
    for level in GAP_LEVELS:
        part = unassigned[unassigned["level"] == level]
        if len(part):
            g = json_safe(
                part.to_crs(4326)[["reach_id", "river_name", "level", "length_m", "geometry"]]
            )
            add_layer(
                m,
                folium.GeoJson(
                    worded(g, lang),
                    name=f"{t('unassigned', lang)} · {t(f'level_{level}', lang)}",
                    style_function=styler(f"unassigned_{level}"),
                    tooltip=tooltip(["reach_id", "river_name", "level", "length_m"], lang),
                ),
                f"unassigned_{level}",
            )
    # a level at the county or below with no gap is named too: "none unassigned" is news
    extra = tuple(
        (f"unassigned_{lv}", f"{t('unassigned', lang)} · {t(f'level_{lv}', lang)}")
        for lv in GAP_LEVELS
        if lv not in ABOVE_COUNTY
    )
    return finish(m, lang, extra=extra)
