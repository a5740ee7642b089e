"""The patrols page's lists and highlights: the reaches never patrolled in the period
(drawn thick and listed), the patrol tables with their problems first, and one fixed
colour per chief level for the charts (the same in both languages)."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from gis.catalogue import CHIEF_LEVELS
from gis.i18n import t
from gis.safe import html_text

#: one colour per chief level, by code (Okabe-Ito, colour-blind safe): a level keeps its
#: colour whatever the language or the levels present
LEVEL_COLOURS = dict(
    zip(CHIEF_LEVELS, ("#0072b2", "#009e73", "#e69f00", "#cc79a7", "#56b4e9"), strict=True)
)
NEVER_COLOUR = "#d55e00"


def level_colours(levels) -> list[str]:
    """The colours of ``levels`` (codes), in their order, for ``st.bar_chart(color=)``."""
    return [LEVEL_COLOURS[lv] for lv in levels]


def never_rows(reaches: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """The reaches never patrolled in the period, as a table in ``lang``."""
    never = reaches[reaches["never_patrolled"]].sort_values("length_m", ascending=False)
    return pd.DataFrame(
        {
            t("reach_id", lang): never["reach_id"],
            t("township", lang): [names.get(c, c) for c in never["township_code"]],
            t("length_m", lang): never["length_m"].round(0).astype(int),
        }
    )


def never_group(reach_gdf: gpd.GeoDataFrame, never_ids, lang: str) -> folium.FeatureGroup:
    """The never-patrolled reaches drawn thick over the map, so a short one is seen."""
    fg = folium.FeatureGroup(name=t("reaches_never_patrolled", lang))
    hit = reach_gdf[reach_gdf["reach_id"].isin(set(never_ids))]
    if len(hit):
        hit = hit[["reach_id", "geometry"]].to_crs(4326)
        hit["reach_id"] = [html_text(r) for r in hit["reach_id"]]  # tooltips are HTML
        folium.GeoJson(
            hit.to_json(),
            style_function=lambda _f: {"color": NEVER_COLOUR, "weight": 9, "opacity": 0.85},
            tooltip=folium.GeoJsonTooltip(["reach_id"], aliases=[t("reach_id", lang)]),
        ).add_to(fg)
    return fg
