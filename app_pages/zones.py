"""Protection zones: zones by level, which zones a place falls in (typed or clicked),
the sources without a zone, and a proposed zone for a chosen source."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st
from shapely.geometry import Point
from streamlit_folium import st_folium

from gis import crs as crs_mod
from gis import maps
from gis._errors import RiverChiefError
from gis.i18n import t
from gis.store import GeoPackageStore
from gis.zones import delineate
from gis.zones.query import parse_point, sources_without_zone, zones_at
from ui.common import DATA, hillshade, lang, load_layers, mtime

SYSTEMS = {"CGCS2000 / WGS84": None, "GCJ-02 (高德/腾讯)": crs_mod.gcj02_to_wgs84,
           "BD-09 (百度)": lambda x, y: crs_mod.gcj02_to_wgs84(*crs_mod.bd09_to_gcj02(x, y))}


@st.cache_data(show_spinner=False)
def load_unzoned(path: str, mtime: float) -> pd.DataFrame:
    return pd.DataFrame(sources_without_zone(GeoPackageStore(path)).drop(columns="geometry"))


@st.cache_data(show_spinner=False)
def load_proposal(path: str, mtime: float, source: str) -> gpd.GeoDataFrame:
    return delineate(GeoPackageStore(path), sources=[source]).zones


@st.cache_data(show_spinner=False)
def query(path: str, mtime: float, lon: float, lat: float) -> list[dict]:
    return zones_at(GeoPackageStore(path), gpd.GeoSeries([Point(lon, lat)], crs=4490))[0]


lg, path, mt = lang(), str(DATA), mtime()
st.subheader(t("page_zones", lg))
unzoned = load_unzoned(path, mt)

left, right = st.columns([1.4, 1])
with right:
    st.markdown(f"**{t('query', lg)}** — {t('query_help', lg)}")
    with st.form("zone-query"):
        text = st.text_input(t("coords", lg), placeholder="105.35,30.21")
        system = st.selectbox(t("coord_system", lg), list(SYSTEMS))
        if st.form_submit_button(t("query", lg)) and text:
            try:
                x, y = parse_point(text)
                convert = SYSTEMS[system]
                st.session_state["zone_point"] = convert(x, y) if convert else (x, y)
            except RiverChiefError as exc:
                st.warning(str(exc))
    point = st.session_state.get("zone_point")
    if point:
        try:
            found = query(path, mt, *point)
            st.caption(f"{point[0]:.6f}, {point[1]:.6f} (CGCS2000)")
            if found:
                st.table(pd.DataFrame([{t("zone_id", lg): z["zone_id"], t("source_code", lg): z["source_code"],
                                        t("level", lg): z["level"], t("origin", lg): z["origin"]} for z in found]))
            else:
                st.info(t("in_no_zone", lg))
        except RiverChiefError as exc:
            st.warning(str(exc))
    st.markdown(f"**{t('no_zone_sources', lg)}** ({len(unzoned)})")
    st.table(unzoned[["source_code", "name", "source_type"]].rename(columns={
        "source_code": t("source_code", lg), "name": t("name", lg), "source_type": t("source_type", lg)}).set_index(t("source_code", lg)))

with left:
    chosen = st.selectbox(t("propose_for", lg), ["—"] + unzoned["source_code"].tolist())
    proposal = load_proposal(path, mt, chosen) if chosen != "—" else None
    maps.use_offline_assets()
    hill, bounds = hillshade(path)
    m = maps.zone_map(load_layers(path, mt), proposal=proposal, point=point, lang=lg, hillshade=hill, hillshade_bounds=bounds)
    out = st_folium(m, height=620, use_container_width=True, returned_objects=["last_clicked"], key="zone-map")
    click = (out or {}).get("last_clicked")
    if click and (click["lng"], click["lat"]) != st.session_state.get("zone_click"):
        st.session_state["zone_click"] = (click["lng"], click["lat"])
        st.session_state["zone_point"] = (click["lng"], click["lat"])
        st.rerun()
    if proposal is not None and len(proposal):
        st.table(pd.DataFrame({t("zone_id", lg): proposal["zone_id"], t("level", lg): proposal["level"],
                               t("area_ha", lg): [f"{a / 1e4:,.2f}" for a in proposal["area_m2"]],
                               t("notes", lg): proposal["notes"].fillna("")}).set_index(t("zone_id", lg)))
