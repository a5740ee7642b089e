"""Clipping imports to the county (issue 14, item 2): what lies outside is counted and
refused, lines across the boundary are cut, and only what is inside is measured.

The county is a 10 km square (tests/county_geometry.py); every expected length is worked
out by hand in metres.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPoint, Point, box

from gis.cli import main
from gis.crs import to_metric
from gis.inventory import summarize
from gis.io import clip
from gis.io.importer import import_file
from gis.store import GeoPackageStore
from tests.county_geometry import SIDE, X0, Y0, county_store, rivers, write_layer

MID = Y0 + SIDE / 2


def _lengths(store) -> dict[str, float]:
    r = to_metric(store.read("rivers"))
    return dict(zip(r["river_code"], r.length, strict=True))


def test_a_10_km_line_half_outside_keeps_the_5_km_inside(tmp_path):
    """Why: a provincial file was imported whole (91,347 km in one county's inventory)."""
    store = county_store(tmp_path / "c.gpkg")
    # from 5 km inside the west edge... no: from x = 5 km (inside) to x = 15 km (5 km beyond
    # the east edge at x = 10 km): 5 000 m inside
    src = write_layer(
        tmp_path / "r.gpkg", rivers(["R1"]), [LineString([(X0 + 5000, MID), (X0 + 15000, MID)])]
    )
    rep = import_file(src, "rivers", store=store)
    assert (rep.accepted, rep.outside, rep.clipped, rep.exit_code) == (1, 0, 1, 0)
    assert _lengths(store)["R1"] == pytest.approx(5000.0, abs=0.5)
    assert summarize(store)["river_length_km"] == 5.0


def test_a_provincial_file_puts_only_the_county_into_the_inventory(tmp_path):
    """Why: 2,143 rivers of a province landed in one county's inventory."""
    store = county_store(tmp_path / "c.gpkg")
    lines = [LineString([(X0 + 1000, Y0 + 1000 + i), (X0 + 3000, Y0 + 1000 + i)]) for i in (0, 1)]
    # eight rivers far away (50 km east), 2 km each
    lines += [
        LineString([(X0 + 50_000, Y0 + i * 100), (X0 + 52_000, Y0 + i * 100)]) for i in range(8)
    ]
    src = write_layer(tmp_path / "p.gpkg", rivers([f"R{i}" for i in range(10)]), lines)
    rep = import_file(src, "rivers", store=store)
    assert (rep.read, rep.accepted, rep.outside, rep.clipped) == (10, 2, 8, 0)
    assert [p.row for p in rep.rejected] == list(range(3, 11))
    assert all("outside the county" in p.reason and "--no-clip" in p.fix for p in rep.rejected)
    figures = summarize(store)
    assert (figures["rivers"], figures["river_length_km"]) == (2, 4.0)
    assert rep.exit_code == 0  # outside rows are the clip's outcome, not a fault of the file
    assert "8 rows wholly outside" in rep.format()
    rejects = pd.read_csv(rep.rejects_file, encoding="utf-8-sig")
    assert rejects["river_code"].tolist() == [f"R{i}" for i in range(2, 10)]


def test_a_point_outside_is_counted_and_refused_and_a_point_inside_kept(tmp_path):
    store = county_store(tmp_path / "c.gpkg")
    cols = {
        "source_code": ["S1", "S2"],
        "name": ["一号水厂", "二号水厂"],
        "source_type": ["river", "river"],
        "population_served": [100, 200],
        "has_official_zone": [True, True],
    }
    pts = [Point(X0 + 5000, MID), Point(X0 - 5000, MID)]  # the second 5 km west of the county
    rep = import_file(write_layer(tmp_path / "s.gpkg", cols, pts), "water_sources", store=store)
    assert (rep.accepted, rep.outside, rep.clipped) == (1, 1, 0)
    assert [(p.row, p.field) for p in rep.rejected] == [(2, "geometry")]  # feature 2
    assert store.read("water_sources")["source_code"].tolist() == ["S1"]


def test_a_border_river_on_the_far_bank_is_kept_whole(tmp_path):
    """A river 60 m outside the east edge, along it, is the border river: within the
    100 m border buffer of the rule table it is kept, not cut."""
    store = county_store(tmp_path / "c.gpkg")
    along = LineString([(X0 + SIDE + 60, Y0 + 1000), (X0 + SIDE + 60, Y0 + 9000)])
    wobble = LineString(
        [(X0 + SIDE - 40, Y0 + 1000), (X0 + SIDE + 40, Y0 + 5000), (X0 + SIDE - 40, Y0 + 9000)]
    )
    src = write_layer(tmp_path / "b.gpkg", rivers(["B1", "B2"]), [along, wobble])
    rep = import_file(src, "rivers", store=store)
    assert (rep.accepted, rep.outside, rep.clipped) == (2, 0, 0)
    got = _lengths(store)
    assert got["B1"] == pytest.approx(8000.0, abs=0.5)
    assert got["B2"] == pytest.approx(2 * (4000**2 + 80**2) ** 0.5, abs=0.5)


def test_the_border_buffer_is_a_rule_a_county_overrides(tmp_path, monkeypatch):
    table = clip.rules.load("import_clip")
    assert clip.border_buffer() == (100.0, "default:import_clip")
    assert table["source"].str.len().min() > 20  # every rule carries its source
    own = tmp_path / "clip.csv"
    own.write_text("name,value,unit,source\nborder_buffer,0,m,our survey\n", encoding="utf-8")
    monkeypatch.setenv(clip.ENV, str(own))
    store = county_store(tmp_path / "c.gpkg")
    along = LineString([(X0 + SIDE + 60, Y0 + 1000), (X0 + SIDE + 60, Y0 + 9000)])
    rep = import_file(
        write_layer(tmp_path / "b.gpkg", rivers(["B1"]), [along]), "rivers", store=store
    )
    assert (rep.accepted, rep.outside) == (0, 1)
    assert "border buffer 0 m" in rep.rejected[0].reason


def test_a_river_that_leaves_and_comes_back_is_one_multi_part_river(tmp_path):
    """Why: multi-part lines from clipping were refused with a misleading hint."""
    store = county_store(tmp_path / "c.gpkg")
    # in at x = 2 km, out through the north edge, 3 km outside, back in, to x = 8 km
    u = LineString(
        [
            (X0 + 2000, Y0 + 8000),
            (X0 + 4000, Y0 + 8000),
            (X0 + 4000, Y0 + 13000),
            (X0 + 6000, Y0 + 13000),
            (X0 + 6000, Y0 + 8000),
            (X0 + 8000, Y0 + 8000),
        ]
    )
    rep = import_file(write_layer(tmp_path / "u.gpkg", rivers(["U1"]), [u]), "rivers", store=store)
    assert (rep.accepted, rep.clipped, rep.rejected) == (1, 1, [])
    (geom,) = to_metric(store.read("rivers")).geometry
    assert geom.geom_type == "MultiLineString" and len(geom.geoms) == 2
    # 2 km + 2 km north to the edge on each side, 2 km + 2 km along y = 8 km
    assert geom.length == pytest.approx(4000 + 2 * 2000, abs=0.5)


def test_a_hand_clipped_multi_part_river_is_accepted(tmp_path):
    """Why: clipping by hand gave a MultiLineString that was refused ("Fix Geometries")."""
    store = county_store(tmp_path / "c.gpkg")
    two = MultiLineString(
        [[(X0 + 1000, MID), (X0 + 3000, MID)], [(X0 + 5000, MID), (X0 + 6000, MID)]]
    )
    rep = import_file(
        write_layer(tmp_path / "m.gpkg", rivers(["M1"]), [two]), "rivers", store=store
    )
    assert (rep.accepted, rep.rejected) == (1, [])
    assert _lengths(store)["M1"] == pytest.approx(3000.0, abs=0.5)


def test_broken_geometry_names_the_qgis_tool_that_fixes_it(tmp_path):
    store = county_store(tmp_path / "c.gpkg")
    cols = {
        "source_code": ["S1", "S2"],
        "name": ["一号水厂", "二号水厂"],
        "source_type": ["river", "river"],
        "population_served": [100, 200],
        "has_official_zone": [True, True],
    }
    geoms = [MultiPoint([(X0 + 100, MID), (X0 + 200, MID)]), LineString([(X0, MID), (X0 + 9, MID)])]
    src = tmp_path / "g.gpkg"
    gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries(geoms, crs=4543).to_crs(4490)).to_file(
        src, engine="pyogrio", geometry_type="Unknown"
    )
    rep = import_file(src, "water_sources", store=store)
    multi, line = rep.rejected
    assert "Multipart to Singleparts" in multi.fix and "多部件转单部件" in multi.fix
    assert "Fix Geometries" not in multi.fix and "Fix Geometries" not in line.fix
    assert "needs Point" in line.fix


def test_clip_off_keeps_every_row_as_read(tmp_path):
    store = county_store(tmp_path / "c.gpkg")
    src = write_layer(
        tmp_path / "r.gpkg", rivers(["R1"]), [LineString([(X0 + 5000, MID), (X0 + 15000, MID)])]
    )
    rep = import_file(src, "rivers", store=store, clip=False)
    assert (rep.accepted, rep.outside, rep.clipped) == (1, 0, 0)
    assert any("clipping turned off" in n for n in rep.notes)
    assert _lengths(store)["R1"] == pytest.approx(10_000.0, abs=0.5)


def test_a_store_without_a_county_boundary_says_it_did_not_clip(tmp_path):
    store = county_store(tmp_path / "c.gpkg", with_county=False)
    src = write_layer(
        tmp_path / "r.gpkg", rivers(["R1"]), [LineString([(X0 + 5000, MID), (X0 + 15000, MID)])]
    )
    rep = import_file(src, "rivers", store=store)
    assert rep.accepted == 1 and rep.outside == rep.clipped == 0
    assert any(
        "not clipped to the county: the store has no county boundary" in n for n in rep.notes
    )


def test_cli_no_clip_keeps_all_and_the_default_clips(tmp_path, capsys):
    county_store(tmp_path / "c.gpkg")
    far = [LineString([(X0 + 50_000, MID), (X0 + 52_000, MID)])]
    src = write_layer(tmp_path / "r.gpkg", rivers(["F1"]), far)
    data = str(tmp_path / "c.gpkg")
    assert main(["import", str(src), "--layer", "rivers", "--data", data, "--dry-run"]) == 0
    assert "1 rows wholly outside" in capsys.readouterr().out
    code = main(["import", str(src), "--layer", "rivers", "--data", data, "--no-clip", "--json"])
    assert code == 0
    assert GeoPackageStore(data).read("rivers")["river_code"].tolist() == ["F1"]


def test_county_reaches_of_a_river_outside_the_county_are_not_zero_length_gaps(tmp_path):
    """Why: ``gaps`` listed reaches with length_m 0.0 but to_m 5969 (rivers outside)."""
    from gis.reaches import county_reaches

    store = county_store(tmp_path / "c.gpkg")
    lines = [
        LineString([(X0 + 1000, MID), (X0 + 3000, MID)]),
        LineString([(X0 + 50_000, MID), (X0 + 55_969, MID)]),
    ]
    src = write_layer(tmp_path / "r.gpkg", rivers(["IN", "OUT"]), lines)
    import_file(src, "rivers", store=store, clip=False)  # kept on purpose
    reaches = county_reaches(store.read("rivers"), store.read("admin_units"))
    assert reaches["river_code"].tolist() == ["IN"]
    assert reaches["length_m"].iloc[0] == pytest.approx(2000.0, abs=0.5)
    assert shapely.get_num_geometries(reaches.geometry.values).tolist() == [1]


def test_a_corrected_county_outline_replaces_the_old_one_whole(tmp_path):
    """The county unit is the boundary itself: it is never clipped to the old one; the
    townships imported with it are."""
    store = county_store(tmp_path / "c.gpkg")
    bigger = box(X0 - 2000, Y0, X0 + SIDE, Y0 + SIDE)  # 2 km more to the west
    far = box(X0 + 50_000, Y0, X0 + 52_000, Y0 + 2000)
    cols = {
        "admin_code": ["512099", "512099101"],
        "name": ["示范县", "远镇"],
        "level": ["county", "township"],
        "parent_code": [None, "512099"],
    }
    src = write_layer(tmp_path / "a.gpkg", cols, [bigger, far])
    rep = import_file(src, "admin_units", store=store, mode="replace")
    assert (rep.accepted, rep.outside) == (1, 1)
    (area,) = to_metric(store.read("admin_units")).area
    assert area == pytest.approx(12_000 * 10_000, rel=1e-4)


def test_the_parts_of_a_cut_river_keep_its_direction_and_order(tmp_path):
    """Drawn from east to west (source at x = 8 km), the U of the river that leaves and
    comes back must still start at its source: the overlay reorders and reverses parts."""
    store = county_store(tmp_path / "c.gpkg")
    u = LineString(
        [
            (X0 + 8000, Y0 + 8000),
            (X0 + 6000, Y0 + 8000),
            (X0 + 6000, Y0 + 13000),
            (X0 + 4000, Y0 + 13000),
            (X0 + 4000, Y0 + 8000),
            (X0 + 2000, Y0 + 8000),
        ]
    )
    import_file(write_layer(tmp_path / "u.gpkg", rivers(["U1"]), [u]), "rivers", store=store)
    (geom,) = to_metric(store.read("rivers")).geometry
    first, second = geom.geoms
    assert first.coords[0] == pytest.approx((X0 + 8000, Y0 + 8000), abs=0.01)
    assert first.coords[-1] == pytest.approx((X0 + 6000, Y0 + 10000), abs=0.01)
    assert second.coords[0] == pytest.approx((X0 + 4000, Y0 + 10000), abs=0.01)
    assert second.coords[-1] == pytest.approx((X0 + 2000, Y0 + 8000), abs=0.01)
