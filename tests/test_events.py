"""The demo's water-quality sections (issue 17): on their rivers at their chainage, boundary
sections on the shared edge of their two townships, breaches keyed exactly."""

from __future__ import annotations

import pytest
import shapely

from gis import catalogue
from gis.store import GeoPackageStore


@pytest.fixture(scope="module")
def demo(demo_path):
    store = GeoPackageStore(demo_path)
    if "monitoring_sections" not in store.layers() or store.read("monitoring_sections").empty:
        pytest.skip("demo without sections: regenerate it (riverchief demo)")
    return store


def test_sections_lie_on_their_rivers_at_their_chainage(demo):
    sections = demo.read("monitoring_sections")
    rivers = demo.read("rivers").to_crs(sections.crs).set_index("river_code")
    assert len(sections) >= 10
    for s in sections.itertuples():
        line = rivers.loc[s.river_code].geometry
        assert s.geometry.distance(line.interpolate(s.chainage_m)) <= 1.0, s.section_id
    assert set(sections["kind"]) >= {"national", "provincial", "county"}


def test_boundary_sections_lie_on_the_shared_edge_of_their_two_units(demo):
    sections = demo.read("monitoring_sections")
    admin = demo.read("admin_units").to_crs(sections.crs).set_index("admin_code")
    boundary = sections[sections["upstream_admin"].notna()]
    assert 2 <= len(boundary) <= 3
    for s in boundary.itertuples():
        assert s.upstream_admin != s.downstream_admin
        a, b = admin.loc[s.upstream_admin].geometry, admin.loc[s.downstream_admin].geometry
        edge = shapely.intersection(a.boundary, b.boundary)
        assert not edge.is_empty
        assert s.geometry.distance(edge) <= 30.0, s.section_id


def test_breaches_are_exactly_the_keyed_sections(demo):
    sections = demo.read("monitoring_sections").set_index("section_id")
    rows = demo.read("section_measurements")
    order = list(catalogue.WATER_CLASSES)
    assert set(rows["section_id"]) == set(sections.index)
    assert sorted(set(str(m)[:10] for m in rows["month"])) == [
        "2026-07-01",
        "2026-08-01",
        "2026-09-01",
    ]
    worse = {}
    for r in rows.itertuples():
        target = sections.loc[r.section_id, "target_class"]
        if order.index(r.water_class) > order.index(target):
            worse[r.section_id] = worse.get(r.section_id, 0) + 1
    key = demo.read("answer_key")
    key = key[key["kind"] == "assess_section_breach"]
    assert dict(zip(key["ref_id"], key["value"].astype(int), strict=True)) == worse
    assert worse  # planted
