"""Untrusted text is escaped once on its way into HTML (maps) and Markdown (pages)."""

from __future__ import annotations

import html
import re
import string

import folium
import geopandas as gpd
import pandas as pd
import pytest
import shapely
from hostile_store import COUNTY_NAME, PAYLOADS

from gis import maps
from gis.safe import JOINER, html_text, md_frame, md_text
from gis.store import GeoPackageStore

TEXTS = PAYLOADS + [
    COUNTY_NAME,
    "示范县",
    "a_b*c",
    "1. item",
    "# h",
    "> q",
    "- li",
    "---",
    "a|b",
    "x\\y",
    "&amp;",
    "`code`",
    ":material/home:",
    "~~s~~",
    "<!-- c -->",
    "http://203.0.113.9/",
    "a@b.cn",
    "K1+234",
    "",
    string.punctuation,
    "WWW.x.cn",
    "河:smile::100:",
]

# CommonMark: a backslash before any ASCII punctuation shows that character, nothing else
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _text_nodes(markdown: str) -> str:
    """The text CommonMark gives for ``markdown`` made only of escapes and plain text."""
    return _UNESCAPE.sub(r"\1", markdown)


def _shown(markdown: str) -> str:
    """What the reader sees: the text, without the invisible word joiners."""
    return _text_nodes(markdown).replace(JOINER, "")


@pytest.mark.parametrize("text", TEXTS)
def test_md_text_shows_the_text_itself(text):
    out = md_text(text)
    assert _shown(out) == text
    # no Markdown-active character is left bare: each one is a backslash escape
    bare = re.sub(r"\\[!-/:-@\[-`{-~]", "", out)
    assert not set(bare) & set("\\`*_[](){}<>#+-.!|~$:&=@^"), (text, out)
    # and no pattern Streamlit links or swaps after parsing: bare URLs, www., e-mail, emoji codes
    assert not re.search(r"(?i)https?://|www\.|[-.\w+]@|:[\w+-]+:", _text_nodes(out)), (text, out)


@pytest.mark.parametrize("text", TEXTS)
def test_html_text_shows_the_text_itself(text):
    out = html_text(text)
    assert html.unescape(out) == text and not set(out) & set("<>\"'")


def test_missing_values_are_empty_text():
    assert html_text(None) == md_text(None) == md_text(float("nan")) == html_text(pd.NA) == ""
    assert md_text(12.5) == "12\\.5" and html_text(3) == "3"


def test_md_frame_escapes_cells_index_and_headers_not_numbers():
    df = pd.DataFrame(
        {"名称": ["**粗**", None], "n": [1, 2], "<h>": ["a", "b"]}, index=["[x](y)", "z"]
    )
    out = md_frame(df)
    assert (
        out["名称"].iloc[0] == "\\*\\*粗\\*\\*"
        and pd.isna(out["名称"].iloc[1])
        and out["n"].tolist() == [1, 2]
    )
    assert list(out.index) == ["\\[x\\]\\(y\\)", "z"] and list(out.columns) == [
        "名称",
        "n",
        "\\<h\\>",
    ]
    assert df["名称"].iloc[0] == "**粗**"  # the input is not changed
    assert isinstance(
        md_frame(pd.DataFrame({"a": ["x"]})).index, pd.RangeIndex
    )  # st.table hides it


def test_json_safe_escapes_every_string_property_once():
    gdf = gpd.GeoDataFrame(
        {"name": PAYLOADS, "n": range(len(PAYLOADS)), "none": [None] * len(PAYLOADS)},
        geometry=[shapely.Point(105, 30)] * len(PAYLOADS),
        crs=4326,
    )
    out = maps.json_safe(gdf)
    assert out["name"].tolist() == [html.escape(p, quote=True) for p in PAYLOADS]
    assert [html.unescape(v) for v in out["name"]] == PAYLOADS  # once: no "&amp;lt;"
    assert out["n"].tolist() == [str(i) for i in range(len(PAYLOADS))] and out["none"].isna().all()


def _layers_of(m):
    """Every GeoJSON-like layer (GeoJson, Timeline) and every layer name under ``m``."""
    from folium.plugins import Timeline

    found, names = [], []

    def walk(el):
        if isinstance(el, (folium.GeoJson, Timeline)):
            found.append(el)
        if getattr(el, "layer_name", None) and isinstance(el, folium.map.Layer):
            names.append(el.layer_name)
        for c in el._children.values():
            walk(c)

    walk(m)
    return found, names


def _props(layer) -> list:
    return [
        v for f in layer.data["features"] for v in f["properties"].values() if isinstance(v, str)
    ]


@pytest.fixture(scope="module")
def hostile_maps(hostile_path):
    """Every map the app draws, built on the hostile store."""
    from gis.coverage import analyse
    from gis.jurisdiction import jurisdiction_of
    from gis.maps import jurisdiction_map, lines_of, patrol_map, reach_lines, selection_group
    from gis.quarries import check_quarries
    from gis.zones import delineate

    store = GeoPackageStore(hostile_path)
    maps.use_offline_assets()
    layers = maps.overview_layers(store)
    j = jurisdiction_of(store)
    lines = reach_lines(j.reaches, j.rivers)
    rid = j.reaches["reach_id"].iloc[0]
    assert len(lines_of(lines, [rid])) == 1  # ids still select their lines
    q = check_quarries(store)
    src = store.read("water_sources")
    unzoned = src.loc[~src["has_official_zone"].astype(bool), "source_code"].iloc[0]
    reaches = lines[["reach_id", "geometry"]].assign(
        last_patrol=None, patrols="0", length_m="1", recency="never"
    )
    tracks = gpd.GeoDataFrame(
        {
            "patrol_id": ["P<b>1</b>"],
            "chief_id": [PAYLOADS[0]],
            "valid": [True],
            "flags": [PAYLOADS[1]],
            "start": [1_750_000_000_000],
            "end": [1_750_000_600_000],
        },
        geometry=[shapely.LineString([(105.3, 30.2), (105.31, 30.21)])],
        crs=4326,
    )
    return {
        "county": maps.county_map(layers),
        "zones": maps.zone_map(layers, proposal=delineate(store, sources=[unzoned]).zones),
        "gaps": maps.gaps_map(layers, analyse(store).unassigned),
        "quarries": maps.quarry_map(layers, q.quarries.drop(columns="violations"), q.violations()),
        "jurisdiction": jurisdiction_map(layers, lines),
        "selection": selection_group(lines, lines["reach_id"].tolist()[:5], rid),
        "patrols": patrol_map(layers, reaches, tracks),
    }


def test_every_map_layer_of_a_hostile_store_carries_escaped_text(hostile_maps):
    seen = set()
    for name, m in hostile_maps.items():
        layers, layer_names = _layers_of(m)
        assert layers, name
        for layer in layers:
            for v in _props(layer):
                assert not set(v) & set("<>\"'"), (name, v)  # HTML-escaped: shown as text
                assert "&amp;lt;" not in v and "&amp;amp;" not in v, (name, v)  # not twice
                seen.add(html.unescape(v))
        for n in layer_names:
            assert not set(n) & set("<>\"'"), (name, n)
    # escaped, not deleted: the payloads are there, as text, in the tooltips' data
    for p in PAYLOADS:
        assert any(v.endswith(p) for v in seen), p


def test_patrol_time_slider_keeps_reading_its_properties(hostile_maps):
    from folium.plugins import Timeline

    tl = [el for el in _layers_of(hostile_maps["patrols"])[0] if isinstance(el, Timeline)]
    props = tl[0].data["features"][0]["properties"]
    # the slider's style reads valid == 'True' and the interval start/end as numbers
    assert props["valid"] == "True" and props["start"] == 1_750_000_000_000
    assert props["flags"] == html.escape(PAYLOADS[1], quote=True)


def test_legend_and_layer_names_are_escaped_once():
    m = folium.Map(tiles=None)
    folium.GeoJson({"type": "FeatureCollection", "features": []}, name="a<b>&c").add_to(m)
    maps.stable_ids(m)
    maps.stable_ids(m)  # a second pass does not escape again
    assert [n for n in _layers_of(m)[1] if "a" in n] == ["a&lt;b&gt;&amp;c"]
    assert "x&lt;img src=y&gt;" in maps.legend_rows([("#000", "dot", "x<img src=y>")], "zh")
