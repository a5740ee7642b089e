"""The maps: built from local assets only, with every layer, under 5 MB; one backdrop
value for every builder; folium pointed at the vendored assets once, by the app."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

from gis import maps
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
