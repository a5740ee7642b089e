"""Overview: the county inventory (as ``riverchief summary`` gives it) and the county map."""

from __future__ import annotations

import folium
import pandas as pd
import streamlit as st

from gis import maps
from gis.auth import UNMASKED_READ
from gis.i18n import county_title, t
from gis.inventory import summarize
from gis.privacy import mask_frame
from gis.safe import md_text
from gis.search import find, search_index
from gis.store import GeoPackageStore
from ui.common import DATA, backdrop, lang, load_layers, load_meta, may, mtime, show_map


@st.cache_data(show_spinner=False)
def load_summary(path: str, mtime: float) -> dict:
    return summarize(GeoPackageStore(path))


@st.cache_data(show_spinner=False)
def load_index(path: str, mtime: float):
    return search_index(GeoPackageStore(path))


def highlight(hit) -> folium.FeatureGroup:
    """The chosen search hit, drawn over the map (fed to st_folium, so no remount)."""
    fg = folium.FeatureGroup(name="search")
    g = maps.json_safe(hit.to_crs(4326)[["kind", "code", "name", "geometry"]])
    folium.GeoJson(
        g,
        style_function=lambda _f: {
            "color": "#ff00ff",
            "weight": 6,
            "fillColor": "#ff00ff",
            "fillOpacity": 0.15,
        },
        tooltip=folium.GeoJsonTooltip(["name", "code"]),
    ).add_to(fg)
    return maps.stable_ids(fg, prefix="hit")


def build_map(path: str, mt: float, lg: str):
    return maps.county_map(load_layers(path, mt), lang=lg, backdrop=backdrop(path))


lg, path, mt = lang(), str(DATA), mtime()
meta = load_meta(path, mt)
st.subheader(f"{md_text(county_title(meta, DATA.name, lg))} · {t('overview', lg)}")
summary = load_summary(path, mt)
left, right = st.columns([1, 2.2])
with left:
    st.markdown(f"**{t('inventory', lg)}**")
    table = pd.DataFrame(
        {
            t("item", lg): [t(f"summary.{k}", lg) for k in summary],
            t("value", lg): [
                f"{v:,}" if isinstance(v, int) else f"{v:,.1f}" for v in summary.values()
            ],
        }
    )
    st.table(table.set_index(t("item", lg)))
    query = st.text_input(t("search", lg), placeholder=t("search_hint", lg))
    chosen = None
    if query.strip():
        hits = find(load_index(path, mt), query)
        if not may(UNMASKED_READ):  # a chief's post or name may hold a number
            hits = mask_frame(hits)
        if hits.empty:
            st.info(t("search_none", lg))
        else:
            st.dataframe(
                pd.DataFrame(
                    {
                        t("kind", lg): [
                            t(f"by_{k}" if k != "reservoir" else "reservoirs", lg)
                            for k in hits["kind"]
                        ],
                        t("name", lg): hits["name"],
                        t("code", lg): hits["code"],
                        t("detail", lg): [
                            t(f"level_{d}", lg) if k == "river" else d
                            for k, d in zip(hits["kind"], hits["detail"], strict=True)
                        ],
                    }
                ),
                hide_index=True,
                height=min(400, 38 + 35 * len(hits)),
            )
            pick = st.selectbox(
                t("show_on_map", lg),
                range(len(hits)),
                format_func=lambda i: f"{hits['name'].iloc[i]} {hits['code'].iloc[i]}",
            )
            chosen = hits.iloc[[pick]]
with right:
    st.markdown(f"**{t('map', lg)}** — {t('layers_note', lg)}")
    view = (
        maps.view_of(chosen.to_crs(4326))
        if chosen is not None and chosen.geometry.notna().all()
        else None
    )
    show_map(
        build_map(path, mt, lg),
        height=640,
        key="overview-map",
        feature_group_to_add=highlight(chosen) if view else None,
        center=view[0] if view else None,
        zoom=view[1] if view else None,
    )
