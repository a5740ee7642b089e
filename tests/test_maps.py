"""The overview map: built from local assets only, with every layer, under 5 MB."""

from __future__ import annotations

import re

from gis import datasets, maps
from gis.store import GeoPackageStore


def test_overview_map_is_offline_and_small(demo_path):
    maps.use_offline_assets()
    layers = maps.overview_layers(GeoPackageStore(demo_path))
    assert len(layers["rivers_county"]) == 24 and len(layers["admin_township"]) == 63
    m = maps.county_map(layers, hillshade=datasets.get_path("demo_hillshade"),
                        hillshade_bounds=datasets.get_path("demo_hillshade_bounds"))
    html = m.get_root().render()
    urls = set(re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html))
    assert not urls, f"remote assets: {urls}"
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert len(html.encode()) < 5 * 2**20
    # the same data gives the same JavaScript (no st_folium remount on rerun)
    again = maps.county_map(layers, hillshade=datasets.get_path("demo_hillshade"),
                            hillshade_bounds=datasets.get_path("demo_hillshade_bounds")).get_root().render()
    assert again == html


def test_every_page_map_is_offline_and_under_5_mb(demo_path):
    import folium

    from gis.coverage import analyse
    from gis.jurisdiction import jurisdiction_of
    from gis.jurisdiction_map import jurisdiction_map, reach_lines
    from gis.quarries import check_quarries

    store = GeoPackageStore(demo_path)
    maps.use_offline_assets()
    layers = maps.overview_layers(store)
    kw = {"hillshade": datasets.get_path("demo_hillshade"), "hillshade_bounds": datasets.get_path("demo_hillshade_bounds")}
    j = jurisdiction_of(store)
    report = check_quarries(store)
    built = {
        "zones": maps.zone_map(layers, **kw),
        "gaps": maps.gaps_map(layers, analyse(store).unassigned, **kw),
        "quarries": maps.quarry_map(layers, store.read("quarries"), report.violations(), **kw),
        "jurisdiction": jurisdiction_map(layers, reach_lines(j.reaches, j.rivers), **kw),
    }
    for name, m in built.items():
        html = m.get_root().render()
        urls = set(re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html))
        assert not urls, (name, urls)
        assert len(html.encode()) < 5 * 2**20, name
        assert isinstance(m, folium.Map) and "rc-legend" in html, name
    html = built["zones"].get_root().render()
    assert "/app/static/vendor/leaflet.draw/leaflet.draw.js" in html  # the drawing tool, vendored
