"""River Chief GIS — the Streamlit app (offline): language switch and page navigation.

A thin face over the ``gis`` library; each page lives in ``app_pages/`` and holds no
analysis logic. Run with ``riverchief app`` or ``streamlit run app.py``.
"""

from __future__ import annotations

import streamlit as st

from gis._errors import RiverChiefError
from gis.county import can_init
from gis.i18n import county_title, t
from gis.maps import use_offline_assets
from gis.maps.basemaps import BASEMAPS
from gis.safe import md_text
from gis.store_pg import open_data
from ui import urlstate
from ui.chrome import chrome_css, locale_script
from ui.common import (
    DATA,
    DATA_ERROR,
    DATA_KEY,
    DATA_NAME,
    HIT_KEY,
    ON_POSTGIS,
    load_meta,
    mtime,
    show_error,
    staff_login,
)
from ui.printing import print_button
from ui.search_box import sidebar_search

#: Pages without the sidebar's search: the home page has its own, the others draw no map
NO_SIDEBAR_SEARCH = ("", "home", "overview", "data", "print", "setup", "dossier")

st.set_page_config(page_title="河长制 GIS / River Chief GIS", layout="wide")
use_offline_assets()  # every page's maps load Leaflet from /app/static, never a CDN
st.session_state["lang"] = urlstate.language()  # ?lang=zh|en: kept on reload and in links
lang = st.session_state["lang"]
st.html(chrome_css(lang))  # Streamlit's own English widget texts, in the user's words
st.html(locale_script(lang), unsafe_allow_javascript=True)  # the calendar in the user's words
if DATA_ERROR is not None:
    st.title(t("app_title", lang))
    show_error(DATA_ERROR, lang)
    st.stop()
try:
    if ON_POSTGIS:  # the database's refusal (unreachable, no such county) says why
        if not open_data(DATA_KEY).exists():
            st.title(t("app_title", lang))
            st.error(t("no_data_postgis", lang) + md_text(DATA_NAME))
            st.info(t("no_data_postgis_fix", lang))
            st.stop()
        not_set_up = False
    else:
        if DATA.exists():
            mtime()  # the store's version: its refusal of a file that is no GeoPackage says why
        not_set_up = can_init(DATA)
except RiverChiefError as exc:  # not a GeoPackage, unreadable: said, never a traceback
    st.title(t("app_title", lang))
    show_error(exc, lang)
    st.stop()
setup = st.Page("app_pages/setup.py", title=t("page_setup", lang), url_path="setup")
if not_set_up:  # `streamlit run app.py` on a store not set up yet: set it up here
    st.title(t("app_title", lang))
    if not DATA.exists():
        st.error(t("no_data", lang) + md_text(DATA_NAME))
        st.info(t("no_data_fix", lang))
    staff_login(lang)
    st.navigation([setup]).run()
    st.stop()
# the county's name heads every page (a store that names none: its file name, 未命名)
county = county_title(load_meta(DATA_KEY, mtime()), DATA_NAME, lang)
st.title(f"{md_text(county)} · {t('app_title', lang)}")
st.sidebar.caption(f"{t('data_file', lang)}: {md_text(DATA_NAME)}")
st.session_state["basemap"] = st.sidebar.selectbox(
    t("basemap", lang), BASEMAPS, format_func=lambda b: t(f"basemap_{b}", lang)
)
staff_login(lang)
print_button(lang)

pages = [
    st.Page("app_pages/overview.py", title=t("overview", lang), url_path="home", default=True),
    # the root page is served at "/"; /overview (a link, a bookmark) opens the same page
    st.Page(
        "app_pages/overview.py", title=t("overview", lang), url_path="overview", visibility="hidden"
    ),
    st.Page(
        "app_pages/jurisdiction.py", title=t("page_jurisdiction", lang), url_path="jurisdiction"
    ),
    st.Page("app_pages/gaps.py", title=t("page_gaps", lang), url_path="gaps"),
    st.Page("app_pages/zones.py", title=t("page_zones", lang), url_path="zones"),
    st.Page("app_pages/quarries.py", title=t("page_quarries", lang), url_path="quarries"),
    st.Page("app_pages/patrols.py", title=t("page_patrols", lang), url_path="patrols"),
    st.Page("app_pages/assess.py", title=t("assess.page", lang), url_path="assess"),
    st.Page("app_pages/dossier.py", title=t("dossier.title", lang), url_path="dossier"),
    st.Page("app_pages/data.py", title=t("page_data", lang), url_path="data"),
    # opened by a map's 打印此视图 button with the extent on screen (?bbox=)
    st.Page(
        "app_pages/print_view.py",
        title=t("dossier.print_page", lang),
        url_path="print",
        visibility="hidden",
    ),
    setup,
]
page = st.navigation(pages)
st.session_state[HIT_KEY] = None  # a hit picked on another page is not drawn on this one
try:
    if page.url_path not in NO_SIDEBAR_SEARCH:
        sidebar_search(lang)  # the hit is drawn on the page's map
    page.run()
except RiverChiefError as exc:
    show_error(exc, lang)  # a refusal on any page (an unreadable store ...), never a traceback
