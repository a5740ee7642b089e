"""River Chief GIS — the Streamlit app (offline): language switch and page navigation.

A thin face over the ``gis`` library; each page lives in ``app_pages/`` and holds no
analysis logic. Run with ``riverchief app`` or ``streamlit run app.py``.
"""

from __future__ import annotations

import streamlit as st

from gis._errors import RiverChiefError
from gis.i18n import t
from gis.maps import use_offline_assets
from gis.maps.basemaps import BASEMAPS
from gis.safe import md_text
from ui.common import DATA, show_error, staff_login

st.set_page_config(page_title="河长制 GIS / River Chief GIS", layout="wide")
use_offline_assets()  # every page's maps load Leaflet from /app/static, never a CDN
st.session_state["lang"] = (
    "en"
    if st.sidebar.radio("语言 / Language", ["中文", "English"], horizontal=True) == "English"
    else "zh"
)
lang = st.session_state["lang"]
st.title(t("app_title", lang))

if not DATA.exists():
    st.error(t("no_data", lang) + md_text(DATA))
    st.info(t("no_data_fix", lang))
    st.stop()
st.sidebar.caption(f"{t('data_file', lang)}: {md_text(DATA.name)}")
st.session_state["basemap"] = st.sidebar.selectbox(
    t("basemap", lang), BASEMAPS, format_func=lambda b: t(f"basemap_{b}", lang)
)
staff_login(lang)

pages = [
    st.Page("app_pages/overview.py", title=t("overview", lang), url_path="overview", default=True),
    st.Page(
        "app_pages/jurisdiction.py", title=t("page_jurisdiction", lang), url_path="jurisdiction"
    ),
    st.Page("app_pages/gaps.py", title=t("page_gaps", lang), url_path="gaps"),
    st.Page("app_pages/zones.py", title=t("page_zones", lang), url_path="zones"),
    st.Page("app_pages/quarries.py", title=t("page_quarries", lang), url_path="quarries"),
    st.Page("app_pages/patrols.py", title=t("page_patrols", lang), url_path="patrols"),
    st.Page("app_pages/data.py", title=t("page_data", lang), url_path="data"),
]
try:
    st.navigation(pages).run()
except RiverChiefError as exc:
    show_error(exc, lang)  # a refusal on any page (an unreadable store ...), never a traceback
