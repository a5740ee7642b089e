"""River Chief GIS — overview page: the county inventory and map (offline).

A thin face over the ``gis`` library: every figure comes from ``gis.inventory`` and
every map layer from ``gis.maps``. Run with ``riverchief app`` or ``streamlit run app.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from gis import datasets, maps
from gis.i18n import t
from gis.inventory import SUMMARY_KEYS, summarize
from gis.store import GeoPackageStore

DATA = Path(os.environ.get("RIVERCHIEF_DATA") or datasets.get_path("demo"))

st.set_page_config(page_title="河长制 GIS / River Chief GIS", layout="wide")
lang = "en" if st.sidebar.radio("语言 / Language", ["中文", "English"], horizontal=True) == "English" else "zh"
st.title(t("app_title", lang))

if not DATA.exists():
    st.error(t("no_data", lang) + str(DATA))
    st.info(t("no_data_fix", lang))
    st.stop()

mtime = DATA.stat().st_mtime
st.sidebar.caption(f"{t('data_file', lang)}: `{DATA.name}`")


@st.cache_data(show_spinner=False)
def load_summary(path: str, mtime: float) -> dict:
    # keyed on path and mtime: a re-import invalidates it, a rerun does not recompute
    return summarize(GeoPackageStore(path))


@st.cache_data(show_spinner=False)
def load_meta(path: str, mtime: float) -> dict:
    return GeoPackageStore(path).meta()


@st.cache_data(show_spinner=False)
def load_layers(path: str, mtime: float) -> dict:
    # the heavy part (read + simplify); the folium map itself is rebuilt every run,
    # identically (stable ids), because a folium element must not be rendered twice
    return maps.overview_layers(GeoPackageStore(path))


def build_map(path: str, mtime: float, lang: str):
    maps.use_offline_assets()
    hill = datasets.get_path("demo_hillshade") if Path(path).resolve() == datasets.get_path("demo").resolve() else None
    bounds = datasets.get_path("demo_hillshade_bounds") if hill else None
    return maps.county_map(load_layers(path, mtime), lang=lang, hillshade=hill, hillshade_bounds=bounds)


meta = load_meta(str(DATA), mtime)
st.subheader(f"{meta.get('county_name', '')} {meta.get('county_code', '')} · {t('overview', lang)}")
summary = load_summary(str(DATA), mtime)
left, right = st.columns([1, 2.2])
with left:
    st.markdown(f"**{t('inventory', lang)}**")
    table = pd.DataFrame(
        {t("item", lang): [SUMMARY_KEYS[k][0 if lang == "zh" else 1] for k in summary],
         t("value", lang): [f"{v:,}" if isinstance(v, int) else f"{v:,.1f}" for v in summary.values()]}
    )
    st.table(table.set_index(t("item", lang)))
with right:
    st.markdown(f"**{t('map', lang)}** — {t('layers_note', lang)}")
    st_folium(build_map(str(DATA), mtime, lang), height=640, use_container_width=True, returned_objects=[],
              key="overview-map")
