"""Overview: the county inventory (as ``riverchief summary`` gives it) and the county map."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from gis import maps
from gis.i18n import t
from gis.inventory import SUMMARY_KEYS, summarize
from gis.store import GeoPackageStore
from ui.common import DATA, hillshade, lang, load_layers, load_meta, mtime


@st.cache_data(show_spinner=False)
def load_summary(path: str, mtime: float) -> dict:
    return summarize(GeoPackageStore(path))


def build_map(path: str, mt: float, lg: str):
    maps.use_offline_assets()
    hill, bounds = hillshade(path)
    return maps.county_map(load_layers(path, mt), lang=lg, hillshade=hill, hillshade_bounds=bounds)


lg, path, mt = lang(), str(DATA), mtime()
meta = load_meta(path, mt)
st.subheader(f"{meta.get('county_name', '')} {meta.get('county_code', '')} · {t('overview', lg)}")
summary = load_summary(path, mt)
left, right = st.columns([1, 2.2])
with left:
    st.markdown(f"**{t('inventory', lg)}**")
    table = pd.DataFrame(
        {t("item", lg): [SUMMARY_KEYS[k][0 if lg == "zh" else 1] for k in summary],
         t("value", lg): [f"{v:,}" if isinstance(v, int) else f"{v:,.1f}" for v in summary.values()]}
    )
    st.table(table.set_index(t("item", lg)))
with right:
    st.markdown(f"**{t('map', lg)}** — {t('layers_note', lg)}")
    st_folium(build_map(path, mt, lg), height=640, use_container_width=True, returned_objects=[], key="overview-map")
