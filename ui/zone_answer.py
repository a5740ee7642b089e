"""The zones page's answer: the zones a place lies in, in words (source name, level,
origin), drawn highlighted on the map, and what lies inside each zone, conflicts first as
alerts (a quarry inside a drinking-water protection zone is one)."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from gis import catalogue
from gis.i18n import label, t
from gis.safe import md_frame, md_text

#: layers whose rows inside a zone are a conflict with it (said as an alert, not a list)
CONFLICT_LAYERS = ("quarries",)


def code_word(codes: dict[str, tuple[str, str]], value, lang: str) -> str:
    """A catalogue code (``river``, ``level2``, ``official``) in the user's words."""
    return label(codes[value], lang) if value in codes else value


def zones_table(found: list[dict], source_names: dict[str, str], lang: str) -> pd.DataFrame:
    """One row per zone: its id, its source's name and code, level and origin in words."""
    return pd.DataFrame(
        [
            {
                t("zone_id", lang): z["zone_id"],
                t("name", lang): source_names.get(z["source_code"], ""),
                t("source_code", lang): z["source_code"],
                t("level", lang): code_word(catalogue.ZONE_LEVELS, z["level"], lang),
                t("origin", lang): code_word(catalogue.ZONE_ORIGINS, z["origin"], lang),
            }
            for z in found
        ]
    )


def zones_group(zones: gpd.GeoDataFrame, ids: list[str], lang: str) -> folium.FeatureGroup:
    """The zones ``ids`` outlined thick over the map (the answer to a place query)."""
    fg = folium.FeatureGroup(name=t("inside_zone", lang))
    hit = zones[zones["zone_id"].isin(ids)]
    if len(hit):
        folium.GeoJson(
            hit[["geometry"]].to_crs(4326).to_json(),
            style_function=lambda _f: {
                "color": "#e69f00",
                "weight": 5,
                "fillColor": "#e69f00",
                "fillOpacity": 0.2,
            },
            interactive=False,  # a highlight: what lies inside stays hoverable
        ).add_to(fg)
    return fg


def show_contents(zone: dict, contents: dict[str, pd.DataFrame], source_name: str, lang: str):
    """What lies inside one zone: conflicts as warnings, the rest as open lists."""
    level = code_word(catalogue.ZONE_LEVELS, zone["level"], lang)
    title = f"{md_text(source_name or zone['source_code'])} · {level} ({md_text(zone['zone_id'])})"
    st.markdown(f"**{t('inside_zone', lang)}: {title}**")
    for k, v in contents.items():
        if not len(v):
            continue
        key = v.columns[0]
        names = v["name"] if "name" in v.columns else v.get("chief_name", v[key])
        items = "、".join(
            f"{md_text(n)} ({md_text(c)})" for n, c in zip(names, v[key], strict=True)
        )
        if k in CONFLICT_LAYERS:
            st.warning(f"{t('zone_conflict', lang).format(what=t(k, lang), zone=level)}: {items}")
        else:
            st.markdown(f"- **{t(k, lang)}** ({len(v)}): {items}")
    if not any(len(v) for v in contents.values()):
        st.caption(t("none_found", lang))


def show_zones(found: list[dict], source_names: dict[str, str], lang: str) -> None:
    """The zones table (the place's answer)."""
    st.table(md_frame(zones_table(found, source_names, lang)).set_index(t("zone_id", lang)))
