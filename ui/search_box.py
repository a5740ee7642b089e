"""Search on every page with a map: rivers, townships, villages, chiefs and reservoirs by
name or code (:mod:`gis.search`). The hit picked is kept for the session and drawn on the
page's map, framed on it (:func:`ui.common.show_map`); the home page lists the hits in a
table beside its own box.
"""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from gis.auth import UNMASKED_READ
from gis.i18n import t
from gis.privacy import mask_frame
from gis.search import find, search_index
from gis.store_pg import open_data
from ui.common import DATA_KEY, HIT_KEY, may, mtime


@st.cache_data(show_spinner=False)
def load_index(path: str, mtime: str) -> gpd.GeoDataFrame:
    return search_index(open_data(path))


def hits_for(query: str) -> gpd.GeoDataFrame:
    """The store's hits for ``query``; a chief's post or name may hold a number: masked
    for visitors."""
    hits = find(load_index(DATA_KEY, mtime()), query)
    return hits if may(UNMASKED_READ) else mask_frame(hits)


def hit_label(hits: gpd.GeoDataFrame, i: int) -> str:
    return f"{hits['name'].iloc[i]} {hits['code'].iloc[i]}"


def sidebar_search(lg: str) -> None:
    """The sidebar's box: the hit picked (or None) goes to ``st.session_state[HIT_KEY]``."""
    query = st.sidebar.text_input(t("search", lg), placeholder=t("search_hint", lg), key="side_q")
    st.session_state[HIT_KEY] = None
    if not query.strip():
        return
    hits = hits_for(query)
    if hits.empty:
        st.sidebar.info(t("search_none", lg))
        return
    pick = st.sidebar.selectbox(
        t("show_on_map", lg), range(len(hits)), format_func=lambda i: hit_label(hits, i)
    )
    st.session_state[HIT_KEY] = hits.iloc[[pick]]
