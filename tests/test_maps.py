"""The maps: built from local assets only, with every layer, under 5 MB; one backdrop
value for every builder; folium pointed at the vendored assets once, by the app."""

from __future__ import annotations

import base64
import inspect
import json
import math
import re
from pathlib import Path

import pytest
import shapely

from gis import datasets, maps
from gis.store import GeoPackageStore

ROOT = Path(__file__).resolve().parents[1]


def test_overview_map_is_offline_and_small(demo_path):
    maps.use_offline_assets()
    layers = maps.overview_layers(GeoPackageStore(demo_path))
    assert len(layers["rivers_county"]) == 24 and len(layers["admin_township"]) == 63
    m = maps.county_map(layers, backdrop=maps.Backdrop.for_store(demo_path))
    html = m.get_root().render()
    urls = set(re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html))
    assert not urls, f"remote assets: {urls}"
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert len(html.encode()) < 5 * 2**20
    # the same data gives the same JavaScript (no st_folium remount on rerun)
    again = maps.county_map(layers, backdrop=maps.Backdrop.for_store(demo_path)).get_root().render()
    assert again == html


def test_every_page_map_is_offline_and_under_5_mb(demo_path):
    import folium

    from gis.coverage import analyse
    from gis.jurisdiction import jurisdiction_of
    from gis.quarries import check_quarries

    store = GeoPackageStore(demo_path)
    maps.use_offline_assets()
    layers = maps.overview_layers(store)
    kw = {"backdrop": maps.Backdrop.for_store(demo_path)}
    j = jurisdiction_of(store)
    report = check_quarries(store)
    built = {
        "zones": maps.zone_map(layers, **kw),
        "gaps": maps.gaps_map(layers, analyse(store).unassigned, **kw),
        "quarries": maps.quarry_map(layers, store.read("quarries"), report.violations(), **kw),
        "jurisdiction": maps.jurisdiction_map(layers, maps.reach_lines(j.reaches, j.rivers), **kw),
    }
    for name, m in built.items():
        html = m.get_root().render()
        urls = set(re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html))
        assert not urls, (name, urls)
        assert len(html.encode()) < 5 * 2**20, name
        assert isinstance(m, folium.Map) and "rc-legend" in html, name
    html = built["zones"].get_root().render()
    assert "/app/static/vendor/leaflet.draw/leaflet.draw.js" in html  # the drawing tool, vendored


def test_backdrop_is_the_demo_hillshade_and_none_elsewhere(demo_path, demo_copy, tmp_path):
    import folium

    from gis import datasets

    backdrop = maps.Backdrop.for_store(demo_path)
    assert backdrop == maps.Backdrop(
        datasets.get_path("demo_hillshade"), datasets.get_path("demo_hillshade_bounds")
    )
    assert maps.Backdrop.for_store(str(demo_path)) == backdrop
    assert maps.Backdrop.for_store(demo_copy) is None  # no hillshade is shipped for another store
    layers = maps.overview_layers(GeoPackageStore(demo_path))

    def overlays(m):
        return [
            el for el in m._children.values() if isinstance(el, folium.raster_layers.ImageOverlay)
        ]

    drawn = overlays(maps.county_map(layers, backdrop=backdrop)) + overlays(
        maps.zone_map(layers, backdrop=backdrop)
    )
    # [[south, west], [north, east]] as the demo export wrote them, read independently
    bounds = json.loads(datasets.get_path("demo_hillshade_bounds").read_text())["bounds"]
    assert [o.bounds for o in drawn] == [bounds, bounds]
    assert drawn[0].url.startswith("data:image/png;base64,")
    assert not overlays(maps.county_map(layers)) and not overlays(
        maps.zone_map(layers, backdrop=None)
    )
    # a backdrop whose files are gone draws nothing (the map is still drawn)
    gone = maps.Backdrop(tmp_path / "hillshade.png", tmp_path / "hillshade.json")
    assert not overlays(maps.county_map(layers, backdrop=gone))


def test_a_published_backdrop_is_fetched_not_inlined(demo_path, tmp_path):
    """Published, the grey image is a file the server serves and the map names its URL
    (no base64 in the map); where the folder cannot be written the image stays inline."""
    layers = maps.overview_layers(GeoPackageStore(demo_path))
    inline = maps.Backdrop.for_store(demo_path)
    published = inline.publish(tmp_path / "cache", "/app/static/cache/")
    (name,) = [p.name for p in (tmp_path / "cache").iterdir()]
    assert published.url == f"/app/static/cache/{name}"
    written = (tmp_path / "cache" / name).read_bytes()
    grey = maps.base.grey_hillshade(datasets.get_path("demo_hillshade").read_bytes())
    assert written == grey and name.endswith(".png")
    html = maps.county_map(layers, backdrop=published).get_root().render()
    assert published.url in html and "data:image/png;base64," not in html
    heavy = maps.county_map(layers, backdrop=inline).get_root().render()
    assert len(heavy) - len(html) > 0.9 * len(base64.b64encode(grey))
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert inline.publish(blocked / "cache", "/x").url is None  # stays inline


def test_every_builder_takes_one_backdrop_and_the_base_is_public():
    builders = [
        maps.county_map,
        maps.zone_map,
        maps.gaps_map,
        maps.quarry_map,
        maps.jurisdiction_map,
        maps.patrol_map,
        maps.base_map,
    ]
    for build in builders:
        params = inspect.signature(build).parameters
        assert (
            params["backdrop"].default is None
            and params["backdrop"].kind is inspect.Parameter.KEYWORD_ONLY
        )
        assert not {"hillshade", "hillshade_bounds"} & set(params), build.__name__
    for name in (
        "base_map",
        "json_safe",
        "legend_rows",
        "Legend",
        "stable_ids",
        "view_of",
        "use_offline_assets",
    ):
        assert callable(getattr(maps, name)), name


def test_offline_assets_are_set_once_by_the_app_not_by_each_page(monkeypatch):
    """Pages no longer re-patch folium: app.py does it once, so a page's map (drawn after
    app.py ran) still loads Leaflet, Leaflet.draw and leaflet.timeline from /app/static."""
    import ast

    import folium
    from folium.plugins import Draw, Timeline
    from streamlit.testing.v1 import AppTest

    calls = {}
    for page in sorted((ROOT / "app_pages").glob("*.py")):
        names = {
            n.attr if isinstance(n, ast.Attribute) else n.id
            for n in ast.walk(ast.parse(page.read_text()))
            if isinstance(n, ast.Attribute | ast.Name)
        }
        calls[page.name] = "use_offline_assets" in names
    assert calls and not any(calls.values()), calls
    # folium's own CDN defaults, as a fresh process has them
    monkeypatch.setattr(
        folium.Map,
        "default_js",
        [("leaflet", "https://cdn.jsdelivr.net/npm/leaflet/dist/leaflet.js")],
    )
    monkeypatch.setattr(
        Draw, "default_js", [("leaflet_draw_js", "https://cdnjs.cloudflare.com/leaflet.draw.js")]
    )
    monkeypatch.setattr(
        Timeline, "default_js", [("timeline", "https://cdn.jsdelivr.net/leaflet.timeline.js")]
    )
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception, [e.message for e in at.exception]
    assert folium.Map.default_js == [("leaflet", "/app/static/vendor/leaflet/leaflet.js")]
    assert Draw.default_js == [
        ("leaflet_draw_js", "/app/static/vendor/leaflet.draw/leaflet.draw.js")
    ]
    assert (
        dict(Timeline.default_js)["timeline"]
        == "/app/static/vendor/leaflet.timeline/leaflet.timeline.js"
    )


# --- cartography (issue 16 item 1): labels, chrome, groups, one symbology table ---------------


def _controlled(m):
    from folium.map import Layer

    return [el for el in m._children.values() if isinstance(el, Layer) and el.control]


def _labels(m):
    return [el for el in m._children.values() if isinstance(el, maps.Labels)]


def test_labels_name_townships_villages_and_rivers_as_text(hostile_path):
    """Every township and village gets its name once, every named river once; the hostile
    names reach the page only as JSON text (set as textContent), never as markup."""
    from hostile_store import PAYLOADS

    store = GeoPackageStore(hostile_path)
    admin, rivers = store.read("admin_units"), store.read("rivers")
    maps.use_offline_assets()
    m = maps.county_map(maps.overview_layers(store))
    (labels,) = _labels(m)
    names = {k: [r[2] for r in rows] for k, rows in labels.rows.items()}
    # names back as their own text (json_safe's escaping undone once, not twice)
    assert sorted(names["township"]) == sorted(admin.loc[admin["level"] == "township", "name"])
    assert sorted(names["village"]) == sorted(admin.loc[admin["level"] == "village", "name"])
    major = rivers["management_level"].isin(["province", "city", "county"])
    assert sorted(names["river_major"]) == sorted(rivers.loc[major, "name"])
    assert sorted(names["river_minor"]) == sorted(rivers.loc[~major, "name"])
    assert any(p in n for n in names["township"] for p in PAYLOADS)
    # zooms as stated in the brief: townships from 11, villages from 13
    assert labels.min_zoom["township"] == 11 and labels.min_zoom["village"] == 13
    html = m.get_root().render()
    for raw in ("<img src=x", "<script>alert(2)", "</script><script>alert(4)"):
        assert raw not in html, raw
    assert "s.textContent = r[2]" in html and "innerHTML" not in html.split("var labels_")[1][:800]
    # a label sits inside its township (a representative point, not a centroid)
    tw = admin[admin["level"] == "township"].to_crs(4326).set_index("name")
    for lat, lon, name, _angle in labels.rows["township"][:10]:
        assert tw.geometry.loc[name].buffer(1e-4).contains(shapely.Point(lon, lat)), name


def test_river_label_follows_its_line():
    """A river running north-east is labelled at its middle, turned up to the right; one
    running west is not written upside down."""
    import geopandas as gpd

    from gis.maps.labels import label_points

    lines = [
        shapely.LineString([(105.0, 30.0), (105.1, 30.1)]),
        shapely.LineString([(105.2, 30.0), (105.1, 30.0)]),
    ]
    lay = {"rivers_county": gpd.GeoDataFrame({"name": ["甲江", "乙河"]}, geometry=lines, crs=4326)}
    pts = label_points(lay)
    assert pts.geometry.iloc[0].equals_exact(shapely.Point(105.05, 30.05), 1e-9)
    # screen angle of a 45° line in degrees: atan(dy / (dx cos(lat))) at 30.05° N
    expected = -math.degrees(math.atan2(0.1, 0.1 * math.cos(math.radians(30.05))))
    assert pts["angle"].iloc[0] == pytest.approx(expected, abs=0.1)
    assert pts["angle"].iloc[1] == 0.0


def test_map_chrome_metric_scale_north_arrow_fonts_and_smooth_grey_hillshade(demo_path):
    maps.use_offline_assets()
    layers = maps.overview_layers(GeoPackageStore(demo_path))
    m = maps.county_map(layers, backdrop=maps.Backdrop.for_store(demo_path))
    html = m.get_root().render()
    # one scale bar, metric only (folium's control_scale would add miles and feet)
    assert html.count("L.control.scale(") == 1 and "imperial: false" in html
    assert "L.control.scale()" not in html
    assert "rc-north" in html and "<svg" in json.loads(f'"{_js_string(html, "rc-north")}"')
    for face in ('"PingFang SC"', '"Microsoft YaHei"', '"Noto Sans CJK SC"', "sans-serif"):
        assert face in html, face
    # the hillshade: not pixelated, greyed, semi-transparent
    (overlay,) = [el for el in _controlled(m) if el.layer_name == "山体阴影(离线)"]
    assert overlay.pixelated is False and "image-rendering: pixelated" not in html
    assert 0 < overlay.options["opacity"] < 1 and "rc-hillshade" in (
        overlay.options.get("className"),
        overlay.options.get("class_name"),
    )
    assert "img.rc-hillshade { filter: grayscale(1)" in html


def _js_string(html, after):
    """The first JSON string literal after ``after`` in the page's script."""
    i = html.index(after)
    j = html.index('div.innerHTML = "', i) + len('div.innerHTML = "')
    return html[j : html.index('";', j)]


def test_layer_control_collapsed_and_grouped_on_every_map(demo_path):
    from gis.coverage import analyse
    from gis.jurisdiction import jurisdiction_of
    from gis.maps.chrome import GroupedLayerControl
    from gis.quarries import check_quarries

    store = GeoPackageStore(demo_path)
    maps.use_offline_assets()
    layers = maps.overview_layers(store)
    j = jurisdiction_of(store)
    built = {
        "county": maps.county_map(layers),
        "zones": maps.zone_map(layers),
        "gaps": maps.gaps_map(layers, analyse(store).unassigned),
        "quarries": maps.quarry_map(
            layers, store.read("quarries"), check_quarries(store).violations()
        ),
        "jurisdiction": maps.jurisdiction_map(layers, maps.reach_lines(j.reaches, j.rivers)),
    }
    for name, m in built.items():
        (ctl,) = [c for c in m._children.values() if isinstance(c, GroupedLayerControl)]
        assert ctl.options["collapsed"] is True, name
        html = m.get_root().render()
        assert '"collapsed": true' in html and '"collapsed": false' not in html, name
        groups = dict(ctl.grouped())
        assert list(groups)[0] == "base" and "water" in groups, name
        names = {g: [el.layer_name for el in els] for g, els in groups.items()}
        assert {"注记(镇乡、村、河流名称)", "镇乡界"} <= set(names["base"]), name
        assert "县管河流" in names["water"], name
        assert json.dumps("基础地理") in html and json.dumps("河湖") in html, name
    county = dict(
        (g, [el.layer_name for el in els])
        for g, els in [
            c for c in built["county"]._children.values() if isinstance(c, GroupedLayerControl)
        ][0].grouped()
    )
    assert list(county) == ["base", "water", "care", "watch"]
    assert county["care"] == ["二级保护区", "一级保护区", "河长公示牌"]
    assert county["watch"] == ["采砂场"] and "水库" in county["water"]
    assert "管护" in json.loads(f'"{_group_title(built["county"], "care")}"')


def _group_title(m, group):
    from gis.maps.style import GROUPS

    return json.dumps(GROUPS[group][0])[1:-1]


def test_legends_list_every_layer_in_words_with_distinct_colours(demo_path):
    """No two rows of one legend share a colour; every layer in the control (but the
    hillshade, the labels and the time slider) is in the legend; zones in words."""
    import geopandas as gpd

    from gis.coverage import analyse
    from gis.jurisdiction import jurisdiction_of
    from gis.maps.style import SYMBOLS
    from gis.quarries import check_quarries

    store = GeoPackageStore(demo_path)
    maps.use_offline_assets()
    layers = maps.overview_layers(store)
    j = jurisdiction_of(store)
    lines = maps.reach_lines(j.reaches, j.rivers)
    recency = gpd.GeoDataFrame(
        {
            "reach_id": ["a", "b", "c", "d"],
            "last_patrol": ["x"] * 4,
            "patrols": [1, 1, 1, 0],
            "length_m": [1.0] * 4,
            "recency": ["recent", "month", "older", "never"],
        },
        geometry=lines.geometry.iloc[:4].values,
        crs=4326,
    )
    built = {
        "county": maps.county_map(layers),
        "zones": maps.zone_map(layers, point=(105.2, 30.2)),
        "gaps": maps.gaps_map(layers, analyse(store).unassigned),
        "quarries": maps.quarry_map(
            layers, store.read("quarries"), check_quarries(store).violations()
        ),
        "jurisdiction": maps.jurisdiction_map(layers, lines),
        "patrols": maps.patrol_map(layers, recency),
    }
    skip = {"山体阴影(离线)", "注记(镇乡、村、河流名称)", "轨迹回放(时间滑块)"}
    for name, m in built.items():
        rows = maps.legend_of(m)
        colours = [c.upper() for c, _k, _w in rows]
        assert len(colours) == len(set(colours)), (name, rows)
        words = {w for _c, _k, w in rows}
        drawn = {el.layer_name for el in _controlled(m)} - skip
        assert drawn <= words, (name, drawn - words)
        html = m.get_root().render()
        assert "保护区 (1)" not in html and "保护区 (2)" not in html, name
    county_words = [w for _c, _k, w in maps.legend_of(built["county"])]
    assert "一级保护区" in county_words and "二级保护区" in county_words
    assert maps.zone_label("quasi", "zh") == "准保护区"
    # level-1 and level-2 zones are not the quarries' colour (they shared a red)
    quarry = {SYMBOLS[k].swatch() for k in ("quarries", "quarries_violating")}
    assert not quarry & {SYMBOLS[k].swatch() for k in ("zones_level1", "zones_level2")}
    # every symbol's colour is a hex colour, stated in the one table
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", s.swatch()) for s in SYMBOLS.values())


def test_online_basemap_says_so_when_its_tiles_fail_and_labels_move_with_gaode(demo_path):
    from gis.maps import basemaps

    maps.use_offline_assets()
    layers = maps.overview_layers(GeoPackageStore(demo_path))
    m = basemaps.apply_basemap(maps.county_map(layers, lang="en"), "osm")
    html = m.get_root().render()
    assert '"tileerror"' in html and json.dumps("The online basemap cannot be loaded")[:-1] in html
    assert "tileerror" not in maps.county_map(layers).get_root().render()  # offline: no note
    before = [list(r) for r in _labels(maps.county_map(layers))[0].rows["township"]]
    after = _labels(basemaps.apply_basemap(maps.county_map(layers), "gaode"))[0].rows["township"]
    lat, lon = basemaps.point_on(before[0][0], before[0][1], "gaode")
    assert after[0][:2] == pytest.approx([lat, lon], abs=1e-9)


def test_hillshade_is_grey_and_smoothed_not_blocky(demo_path):
    """The tinted demo hillshade (nearest 100 m cells, blocks of ~2 px) reaches the map
    grey (mode LA) with no hard step between neighbouring pixels inside the county."""
    import base64
    import io

    import numpy as np
    from PIL import Image

    from gis.maps.base import grey_hillshade

    block = np.kron(np.indices((8, 8)).sum(axis=0) % 2 * 255, np.ones((2, 2))).astype(np.uint8)
    rgba = np.dstack([block, block // 2, block // 3, np.full_like(block, 255)])
    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, "PNG")
    out = Image.open(io.BytesIO(grey_hillshade(buf.getvalue())))
    assert out.mode == "LA" and out.size == (16, 16)
    grey = np.asarray(out)[..., 0].astype(int)
    # the input steps by a full block's luminance between neighbours; the output by far less
    assert np.abs(np.diff(grey, axis=1)).max() < 0.5 * (0.299 * 255 + 0.587 * 127 + 0.114 * 85)
    backdrop = maps.Backdrop.for_store(demo_path)
    m = maps.county_map(maps.overview_layers(GeoPackageStore(demo_path)), backdrop=backdrop)
    (overlay,) = [el for el in _controlled(m) if el.layer_name == "山体阴影(离线)"]
    png = base64.b64decode(overlay.url.split(",", 1)[1])
    shown = Image.open(io.BytesIO(png))
    assert shown.mode == "LA" and shown.size == Image.open(backdrop.image).size


def test_chrome_and_groups_follow_the_language():
    """In English the headings, zone words and north letter are English; in Chinese 北."""
    import geopandas as gpd

    from gis.maps.chrome import NorthArrow

    none = gpd.GeoDataFrame({"name": []}, geometry=[], crs=4326)
    lay = {
        "admin_county": none,
        "admin_township": gpd.GeoDataFrame(
            {"name": ["云口镇"]}, geometry=[shapely.box(105.2, 30.2, 105.3, 30.3)], crs=4326
        ),
    }
    en = maps.base_map(lay, lang="en")
    en_html = maps.finish(en, "en").get_root().render()
    assert json.dumps("Base geography") in en_html and json.dumps("基础地理") not in en_html
    zh = maps.base_map(lay)
    zh_html = maps.finish(zh, "zh").get_root().render()
    assert json.dumps("基础地理") in zh_html

    def letter(m):
        (arrow,) = [c for c in m._children.values() if isinstance(c, NorthArrow)]
        return re.search(r">(\w)</text>", arrow.svg).group(1)

    assert (letter(en), letter(zh)) == ("N", "北")
    assert maps.zone_label("level1", "en") == "Protection zones (level 1)"
