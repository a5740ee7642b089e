"""Every app page on the hostile store (tests/hostile_store.py), under AppTest: data
reaches Markdown (headings, text, captions, alerts, expanders, st.table cells) only
escaped, and shows as its own text. The browser test walks the same store in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from app_data import app_data
from hostile_store import COUNTY_NAME, PAYLOADS
from streamlit.testing.v1 import AppTest

from gis.safe import md_text

ROOT = Path(__file__).resolve().parents[1]
# the payloads' Markdown-active parts: none may reach Markdown unescaped
RAW = [
    "<img",
    "<script",
    "</script",
    "![](",
    "](http",
    ":red[",
    "$x^2$",
    "**粗**",
    "://",
    ":smile:",
    "a@",
]


def _plain(markdown: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")


def _markdown_texts(at: AppTest) -> list[str]:
    """The Markdown source of everything on the page that Streamlit renders as Markdown."""
    out = []
    for kind in (
        "markdown",
        "caption",
        "subheader",
        "header",
        "title",
        "error",
        "warning",
        "info",
        "success",
    ):
        out += [e.value for e in at.get(kind)]
    out += [e.label for e in at.get("expander")] + [e.label for e in at.get("metric")]
    for tbl in at.get("table"):
        df = tbl.value
        out += [str(v) for v in df.to_numpy().ravel() if isinstance(v, str)]
        out += [str(v) for v in df.index if isinstance(v, str)] + [str(c) for c in df.columns]
    return out


@pytest.fixture()
def hostile_app(hostile_path, monkeypatch):

    app_data(monkeypatch, hostile_path)  # pages read ui.common.DATA at each run

    def run(page: str, **state) -> AppTest:
        at = AppTest.from_file(str(ROOT / page), default_timeout=180)
        at.session_state["lang"] = "zh"
        for k, v in state.items():
            at.session_state[k] = v
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return run


def _assert_escaped(at: AppTest) -> list[str]:
    texts = _markdown_texts(at)
    for s in texts:
        bare = re.sub(r"\\[!-/:-@\[-`{-~]", "\x00", s)  # escaped characters out of the way
        for raw in RAW:
            assert raw not in bare, (raw, s)
    return texts


def test_overview_heading_shows_the_county_name_as_text(hostile_app):
    at = hostile_app("app_pages/overview.py")
    _assert_escaped(at)
    heading = at.subheader[0].value
    assert md_text(COUNTY_NAME) in heading and _plain(heading).startswith(COUNTY_NAME + " 512099")


def test_jurisdiction_card_and_tables_escape_names(hostile_app, hostile_path):
    from gis.jurisdiction import jurisdiction_of
    from gis.store import GeoPackageStore

    at = hostile_app("app_pages/jurisdiction.py", juris_reach="512099R001/V/837")
    texts = _assert_escaped(at)
    card = jurisdiction_of(GeoPackageStore(hostile_path)).card("512099R001/V/837")
    shown = [_plain(t) for t in texts]
    assert any(card["river_name"] in t for t in shown)  # the hostile river name, as text
    assert {c["name"] for c in card["chiefs"]} <= set(shown) and any(
        p in card["river_name"] for p in PAYLOADS
    )


@pytest.mark.parametrize(
    "page",
    [
        "app_pages/gaps.py",
        "app_pages/quarries.py",
        "app_pages/zones.py",
        "app_pages/patrols.py",
        "app_pages/data.py",
    ],
)
def test_page_shows_data_only_escaped(hostile_app, page):
    texts = [_plain(t) for t in _assert_escaped(hostile_app(page))]
    if page.endswith(("gaps.py", "quarries.py", "zones.py")):  # tables of names: payloads as text
        assert sum(any(p in t for t in texts) for p in PAYLOADS) >= 3, page
    if page.endswith("patrols.py"):  # no patrols in this store: the refusal quotes the hostile path
        assert any("县[l](http:__203.0.113.9_)<b>粗<_b>$x^2$.gpkg" in t for t in texts)


def test_zone_query_answer_escapes_names(hostile_app, hostile_path):
    from shapely.geometry import Point

    from gis.store import GeoPackageStore

    q7 = (
        GeoPackageStore(hostile_path)
        .read("quarries")
        .set_index("quarry_id")
        .geometry.loc["512099Q007"]
    )
    at = hostile_app("app_pages/zones.py", zone_place=Point(q7.x, q7.y))
    texts = _assert_escaped(at)
    # what lies inside the zone: the quarry as an alert, the rest as lists, all escaped
    assert at.warning and any("512099Q007" in _plain(w.value) for w in at.warning)
    assert any("512099S001-L2" in _plain(t) for t in texts)
    assert isinstance(at.table[0].value, pd.DataFrame)
