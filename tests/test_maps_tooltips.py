"""Every map's tooltips are labelled in the user's language (never a raw column name) and
show code values as words."""

from __future__ import annotations

import json
import re

import pytest

from gis import maps
from gis.coverage import find_gaps
from gis.maps.tooltips import FIELD_LABELS, worded
from gis.quarries import check_quarries
from gis.store import GeoPackageStore

ALIASES = re.compile(r"let fields = (\[[^\]]*\]);\s*let aliases = (\[[^\]]*\]);")


@pytest.fixture(scope="module")
def built(demo_path):
    store = GeoPackageStore(demo_path)
    layers = maps.overview_layers(store)
    unassigned = find_gaps(store).unassigned
    return {
        lang: {
            "county": maps.county_map(layers, lang=lang),
            "gaps": maps.gaps_map(layers, unassigned, lang=lang),
            "zones": maps.zone_map(layers, lang=lang),
            "quarries": maps.quarry_map(
                layers, store.read("quarries"), check_quarries(store).violations(), lang=lang
            ),
        }
        for lang in ("zh", "en")
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_tooltip_field_has_a_label(built, lang):
    for name, m in built[lang].items():
        html = m.get_root().render()
        pairs = ALIASES.findall(html)
        assert pairs, name  # the map has tooltips at all
        for fields, aliases in pairs:
            fields, aliases = json.loads(fields), json.loads(aliases)
            raw = [f for f, a in zip(fields, aliases, strict=True) if f == a]
            assert not raw, f"{name}: raw field names in a tooltip: {raw}"
            if lang == "zh":  # the labels are the catalogue's Chinese words
                assert all(re.search(r"[\u4e00-\u9fff]", a) for a in aliases), (name, aliases)


def test_code_values_become_words():
    import geopandas as gpd
    from shapely.geometry import Point

    g = gpd.GeoDataFrame(
        {"level": ["level1", "county"], "status": ["operating", "closed"]},
        geometry=[Point(0, 0), Point(1, 1)],
        crs=4326,
    )
    zh = worded(g, "zh")
    assert list(zh["level"]) == ["一级保护区", "县级"]
    assert list(zh["status"])[0] != "operating" and list(worded(g, "en")["status"]) == [
        "operating",
        "closed",
    ]
    assert "reach_id" in FIELD_LABELS
