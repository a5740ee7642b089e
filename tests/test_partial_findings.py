"""What the library finds on partial counties (issue 14 item 7): a zero is "checked, none",
never "not checked". Stores: tests/partial_stores.py via the ``partial_store`` fixture."""

from __future__ import annotations

import folium

from gis.coverage import find_gaps
from gis.jurisdiction import find_jurisdiction
from gis.maps import county_map, overview_layers
from gis.store import GeoPackageStore, MemoryStore

LAYERS = ("admin_units", "rivers", "reservoirs", "chiefs", "assignments")


def test_a_county_without_rivers_checked_no_level(partial_store):
    cov = find_gaps(GeoPackageStore(partial_store("boundary_only")))
    rows = cov.not_checked.set_index("level")["reason"].to_dict()
    assert rows == {
        "county": "not checked: no rivers in the county store",  # it has its outline
        "township": "not checked: no township polygons in the county store",
        "village": "not checked: no village polygons in the county store",
    }


def test_units_of_a_level_without_polygons_are_not_called_typos(partial_store):
    """No village polygons: the register's 2,112 village assignments name villages the
    store cannot know; they are not checked (said in not_checked), not 2,112 typos. A typo
    at a level the store has polygons for is still found."""
    store = GeoPackageStore(partial_store("no_villages"))
    assert find_gaps(store).unknown_codes.empty
    tables = {n: store.read(n) for n in LAYERS}
    a = tables["assignments"]
    typo = a.index[a["level"] == "township"][0]
    a.loc[typo, "admin_code"] = "512099999"
    cov = find_gaps(MemoryStore(tables))
    assert cov.unknown_codes[["assignment_id", "field", "code"]].values.tolist() == [
        [a.at[typo, "assignment_id"], "admin_code", "512099999"]
    ]


def test_county_chiefs_are_found_without_township_polygons(partial_store, demo_path):
    """A village's parent township is missing: its county is still found (the code's
    first six digits), so the county chief of 黄沟江 is on its reaches."""
    a = GeoPackageStore(demo_path).read("assignments")
    county_chiefs = set(a[(a["level"] == "county") & (a["river_code"] == "512099R001")].chief_id)
    assert county_chiefs == {"512099C0001"}
    j = find_jurisdiction(GeoPackageStore(partial_store("no_townships")))
    assert j.cut_level == "village"
    card = j.card("512099R001/V/0")
    assert {c["chief_id"] for c in card["chiefs"] if c["level"] == "county"} == county_chiefs
    assert card["levels_without_chief"] == ["township"]


def test_a_boundary_only_map_draws_the_county_outline(partial_store):
    m = county_map(overview_layers(GeoPackageStore(partial_store("boundary_only"))))
    names = [c.layer_name for c in m._children.values() if isinstance(c, folium.GeoJson)]
    assert names == ["县界"]  # and no empty township layer in the layer control
    html = m.get_root().render()
    assert "imperial: false" in html  # metres only, no miles
    assert "L.control.scale()" not in html
