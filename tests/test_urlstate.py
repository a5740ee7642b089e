"""The map view a link carries (ui.urlstate): read in CGCS2000 whatever basemap wrote it,
used once, and nonsense ignored."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gis.coords import wgs84_to_gcj02

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from ui import urlstate
st.session_state["seen"] = urlstate.take_view()
st.session_state["left"] = dict(st.query_params)
"""


def _run(params: dict[str, str]) -> AppTest:
    at = AppTest.from_string(SCRIPT)
    at.query_params.update(params)
    return at.run()


def test_a_view_kept_on_the_gaode_basemap_is_read_back_unshifted():
    lon, lat = 105.35, 30.21  # a place in Sichuan (CGCS2000)
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert abs(glon - lon) > 1e-3  # the shift is real there (hundreds of metres)
    at = _run({"lat": f"{float(glat):.7f}", "lon": f"{float(glon):.7f}", "zoom": "14",
               "crs": "gcj02", "lang": "zh"})  # fmt: skip
    (got_lat, got_lon), zoom = at.session_state["seen"]
    assert abs(got_lat - lat) < 1e-6 and abs(got_lon - lon) < 1e-6 and zoom == 14
    assert at.session_state["left"] == {"lang": "zh"}  # used once: the map keeps it from here


def test_a_plain_view_is_taken_as_it_is():
    at = _run({"lat": "30.21", "lon": "105.35", "zoom": "30"})
    assert at.session_state["seen"] == ((30.21, 105.35), 22)  # the zoom held to Leaflet's


@pytest.mark.parametrize(
    "params",
    [
        {"lat": "nan", "lon": "105", "zoom": "12"},
        {"lat": "95", "lon": "105", "zoom": "12"},
        {"lat": "30", "lon": "x", "zoom": "12"},
        {"lat": "30", "lon": "105"},
        {},
    ],
)
def test_nonsense_is_ignored_never_an_error(params):
    at = _run(params)
    assert not at.exception and at.session_state["seen"] is None
