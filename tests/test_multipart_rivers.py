"""Every analysis on a multi-part river (issue 14, item 3): a river clipped at the county
boundary, or built from arcs with a gap, is one row with a MultiLineString.

The river M1 of tests/county_geometry.py:multipart_store has two 3 km parts, x = 1–4 km
(west township) and x = 6–9 km (east township); every expected figure is worked out by hand.
"""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from gis.coverage import find_gaps
from gis.crs import to_metric
from gis.jurisdiction import find_jurisdiction
from gis.maps.county import county_map, overview_layers
from gis.network import build_network
from gis.patrols.network import network_from_store
from gis.quarries import check_quarries
from gis.reaches import county_reaches, segment
from gis.zones.delineate import delineate_zones
from tests.county_geometry import GK, X0, Y0, multipart_store


@pytest.fixture()
def store(tmp_path):
    return multipart_store(tmp_path / "m.gpkg")


def test_the_river_is_stored_as_one_multi_part_row(store):
    (geom,) = to_metric(store.read("rivers")).geometry
    assert geom.geom_type == "MultiLineString" and geom.length == pytest.approx(6000, abs=0.5)


def test_reaches_cut_each_part_in_its_own_township(store):
    reaches, _ = segment(store.read("rivers"), store.read("admin_units"), level="township")
    got = reaches[["admin_code", "from_m", "to_m", "length_m"]].values.tolist()
    # chainage runs through the gap: the second part starts 5 km from the source
    assert got == [["512099101", 0.0, 3000.0, 3000.0], ["512099102", 5000.0, 8000.0, 3000.0]]
    county = county_reaches(store.read("rivers"), store.read("admin_units"))
    assert county["length_m"].tolist() == [6000.0]


def test_gaps_finds_only_the_east_part_unassigned_at_township_level(store):
    cov = find_gaps(store)
    un = cov.tables()["unassigned"]
    township = un[un["level"] == "township"]
    assert township[["admin_code", "length_m"]].values.tolist() == [["512099102", 3000.0]]
    assert "county" not in set(un["level"])  # the county chief holds the whole river


def test_zones_walk_along_the_part_of_the_intake(store):
    """Level 1: 1000 m up and 100 m down of the intake at x = 3 km, 30 m half width plus
    50 m land each side (160 m); level 2: 2000 m more up (the part's source stops it after
    1000) and 200 m more down, 30 + 1000 m each side, less level 1."""
    zones = delineate_zones(store).tables()["zones"].to_crs(GK)
    by = dict(zip(zones["level"], zones.geometry, strict=True))
    assert by["level1"].bounds == pytest.approx(
        (X0 + 2000, Y0 + 4920, X0 + 3100, Y0 + 5080), abs=0.5
    )
    assert by["level1"].area == pytest.approx(1100 * 160, rel=1e-3)
    assert by["level2"].area == pytest.approx(2300 * 2060 - 1100 * 160, rel=1e-3)
    assert not any(g.contains(Point(X0 + 7000, Y0 + 5000)) for g in zones.geometry)


def test_quarries_check_a_quarry_on_the_second_part(store):
    """Why: the network kept only the longest part, so a bridge on the other part was not
    found and the quarry 300 m below it passed."""
    v = check_quarries(store, as_of="2026-07-01").tables()["violations"]
    assert v[["quarry_id", "rule", "ref", "distance_m"]].values.tolist() == [
        ["Q1", "bridge_downstream", "B1", 300.0]
    ]


def test_the_network_takes_a_multipart_river_whole(store):
    """Why: given the MultiLineString itself, build_network kept only the longest part."""
    rivers = store.read("rivers")
    net = build_network(rivers)
    assert len(net.lines) == 2 and sum(net.lines.length) == pytest.approx(6000, abs=0.5)
    assert net.lines["source_row"].tolist() == [0, 0]
    assert "multipart" not in set(net.issues["kind"])


def test_patrol_matching_network_has_a_reach_per_part(store):
    net = network_from_store(store)
    assert net.reaches["length_m"].tolist() == [3000.0, 3000.0]


def test_jurisdiction_reaches_and_chiefs_of_each_part(store):
    j = find_jurisdiction(store).tables()
    assert j["reaches"][["admin_code", "length_m"]].values.tolist() == [
        ["512099101001", 3000.0],
        ["512099102001", 3000.0],
    ]
    links = sorted(map(tuple, j["links"][["reach_id", "chief_id"]].values.tolist()))
    assert links == [("M1/V/0", "C1"), ("M1/V/0", "C2"), ("M1/V/5000", "C1")]


def test_the_county_map_draws_both_parts(store):
    html = county_map(overview_layers(store)).get_root().render()
    assert '"MultiLineString"' in html
