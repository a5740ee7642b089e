"""A lake's line or a connector (``rivers.line_kind``) joins the network but is no river:
no analysis asks it for a chief or counts its length, and an assignment naming it is not
a typo. Why: after the merge, the dashboard counted connectors as river length, the
jurisdiction page showed them as reaches without chiefs, and gaps called an assignment to
a lake line "no river has the code … (a typo?)"."""

from __future__ import annotations

import pytest

from gis.coverage import find_gaps
from gis.dashboard import county_figures
from gis.inventory import summarize
from gis.jurisdiction import find_jurisdiction
from gis.store import GeoPackageStore, MemoryStore


@pytest.fixture(scope="module")
def demo_with_lines(demo_path):
    """The demo with its first river a lake's line and its last 60 village rivers connectors."""
    demo = GeoPackageStore(demo_path)
    layers = {name: demo.read(name) for name in demo.layers()}
    rivers = layers["rivers"].copy()
    kinds = ["river"] * len(rivers)
    kinds[0] = "waterbody"
    village = [i for i, lv in enumerate(rivers["management_level"]) if lv == "village"][-60:]
    for i in village:
        kinds[i] = "connector"
    layers["rivers"] = rivers.assign(line_kind=kinds)
    return MemoryStore(layers, meta=demo.meta()), rivers.iloc[[0, *village]]["river_code"]


def test_the_dashboard_measures_rivers_as_the_inventory_does(demo_with_lines):
    store, _ = demo_with_lines
    length = next(
        f for f in county_figures(store, patrols=False).figures if f.key == "river_length_km"
    )
    assert length.detail["rivers"] == summarize(store)["rivers"] == 337 - 61
    assert length.value == pytest.approx(summarize(store)["river_length_km"], abs=0.2)


def test_jurisdiction_has_no_reach_on_a_line_that_is_no_river(demo_with_lines):
    store, not_rivers = demo_with_lines
    j = find_jurisdiction(store)
    assert not set(j.reaches["river_code"]) & set(not_rivers)


def test_an_assignment_to_a_lake_line_is_no_typo(demo_with_lines):
    store, not_rivers = demo_with_lines
    gaps = find_gaps(store)
    assert not set(gaps.unknown_codes["code"]) & set(not_rivers)
    assert not set(gaps.zero_coverage["river_code"]) & set(not_rivers)
