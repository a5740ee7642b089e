"""What a page shows, kept in its URL (``st.query_params``): the language, the page's
filters, its selection and the map's view, so a reload keeps them and a shared link opens
the same view.

A widget is seeded from the URL once per session (before it is drawn, through its
``key``) and writes its value back after every run; a value the page does not offer
(a stale or hand-typed link) is ignored, never an error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import streamlit as st

from gis.coords import gcj02_to_wgs84

LANG = "lang"
#: the map view's parameters (WGS84 degrees as Leaflet shows them, and the zoom level)
VIEW = ("lat", "lon", "zoom")
GCJ = "crs"  # "gcj02": the view was kept on the Gaode basemap, in its shifted degrees


def get(name: str, choices: Sequence[str] | None = None) -> str | None:
    """The URL's ``name`` if present (and one of ``choices`` when given), else None."""
    value = st.query_params.get(name)
    if value is None or (choices is not None and value not in choices):
        return None
    return value


def put(**values: object) -> None:
    """Write ``values`` into the URL (None or "" removes a parameter); unchanged ones are
    not written again."""
    for name, value in values.items():
        text = None if value is None else str(value)
        if not text:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != text:
            st.query_params[name] = text


def seed(key: str, name: str, choices: Sequence[str]) -> None:
    """Before the widget ``key`` is drawn: start it at the URL's ``name`` (first run of the
    session only; afterwards the widget's own state wins)."""
    seeded = f"_url_seeded_{key}"
    if seeded in st.session_state:
        return
    st.session_state[seeded] = True
    value = get(name, choices)
    if value is not None:
        st.session_state[key] = value


def language() -> str:
    """The language of this session: the sidebar switch, started from ``?lang=`` and written
    back, so a reload or a shared link keeps it."""
    names = {"zh": "中文", "en": "English"}
    seeded = "_url_seeded_lang"
    if seeded not in st.session_state:
        st.session_state[seeded] = True
        st.session_state["lang_switch"] = names[get(LANG, tuple(names)) or "zh"]
    choice = st.sidebar.radio(
        "语言 / Language", list(names.values()), horizontal=True, key="lang_switch"
    )
    lg = "en" if choice == "English" else "zh"
    put(**{LANG: lg})
    return lg


def view() -> tuple[tuple[float, float], int] | None:
    """The map view ``((lat, lon), zoom)`` the URL asks for, in CGCS2000 (a view kept on the
    Gaode basemap, ``crs=gcj02``, shifted back), or None (absent or not numbers)."""
    try:
        lat, lon, zoom = (float(st.query_params[k]) for k in VIEW)
    except (KeyError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (lat, lon, zoom)) or abs(lat) > 90 or abs(lon) > 180:
        return None
    if st.query_params.get(GCJ) == "gcj02":
        x, y = gcj02_to_wgs84(lon, lat)
        lon, lat = float(x), float(y)
    return (lat, lon), int(max(0, min(zoom, 22)))


def take_view() -> tuple[tuple[float, float], int] | None:
    """:func:`view`, then the view's parameters dropped from what the server holds: the map
    opens there once, then keeps its own view in the URL as the user moves it
    (:class:`gis.maps.chrome.ViewInUrl`, in the browser). Held here, a stale view would be
    written back over the map's own whenever the page changed another parameter."""
    linked = view()
    put(**dict.fromkeys((*VIEW, GCJ)))
    return linked
