"""Rivers from arcs (issue 14, item 3): real hydrography is one feature per stretch between
junctions. Arcs of one code, or of one name that join, are one river; nothing is guessed.

Hand geometry in metres in the county's GK zone (tests/county_geometry.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely.geometry import LineString

from gis.crs import to_metric
from gis.io.arcs import JOIN_TOLERANCE_M
from gis.io.importer import import_file
from tests.county_geometry import X0, Y0, county_store, rivers, write_layer

A, B, C, D = (
    (X0 + 1000, Y0 + 5000),
    (X0 + 3000, Y0 + 5000),
    (X0 + 6000, Y0 + 5000),
    (X0 + 9000, Y0 + 5000),
)


def _import(tmp_path, columns, lines, **kw):
    store = county_store(tmp_path / "c.gpkg")
    rep = import_file(
        write_layer(tmp_path / "arcs.gpkg", columns, lines), "rivers", store=store, **kw
    )
    return rep, to_metric(store.read("rivers"))


def test_two_arcs_of_one_code_become_one_line(tmp_path):
    rep, got = _import(
        tmp_path, rivers(["R1", "R1"], ["清江", "清江"]), [LineString([A, B]), LineString([B, C])]
    )
    assert (rep.read, rep.accepted, rep.rejected) == (2, 1, [])
    assert "2 arcs became 1 rivers" in " ".join(rep.notes)
    (geom,) = got.geometry
    assert geom.geom_type == "LineString" and geom.length == pytest.approx(5000.0, abs=0.5)
    assert geom.coords[0] == pytest.approx(A, abs=0.01)  # the source stays the start


def test_arcs_in_any_file_order_chain_from_the_source(tmp_path):
    lines = [LineString([C, D]), LineString([A, B]), LineString([B, C])]
    rep, got = _import(tmp_path, rivers(["R1"] * 3, ["清江"] * 3), lines)
    (geom,) = got.geometry
    assert geom.geom_type == "LineString" and geom.length == pytest.approx(8000.0, abs=0.5)
    assert geom.coords[0] == pytest.approx(A, abs=0.01)
    assert geom.coords[-1] == pytest.approx(D, abs=0.01)


def test_a_braid_stays_one_river_with_several_parts(tmp_path):
    north = LineString([B, (X0 + 4500, Y0 + 6000), C])  # two channels between B and C
    south = LineString([B, (X0 + 4500, Y0 + 4000), C])
    lines = [LineString([A, B]), north, south, LineString([C, D])]
    rep, got = _import(tmp_path, rivers(["R1"] * 4, ["清江"] * 4), lines)
    assert (rep.accepted, rep.rejected) == (1, [])
    (geom,) = got.geometry
    assert geom.geom_type == "MultiLineString"
    assert geom.length == pytest.approx(2000 + 3000 + 2 * 2 * (1500**2 + 1000**2) ** 0.5, abs=0.5)


def test_arcs_without_a_code_join_by_name_when_they_touch(tmp_path):
    cols = rivers(["x"] * 3, ["清江", "清江", "白沙河"])
    del cols["river_code"]
    far = LineString([(X0 + 1000, Y0 + 8000), (X0 + 3000, Y0 + 8000)])
    rep, got = _import(tmp_path, cols, [LineString([A, B]), LineString([B, C]), far])
    assert (rep.read, rep.accepted) == (3, 2)
    by_name = dict(zip(got["name"], got.length, strict=True))
    assert by_name == pytest.approx({"清江": 5000.0, "白沙河": 2000.0}, abs=0.5)


def test_end_points_within_the_tolerance_join_and_beyond_it_do_not(tmp_path):
    assert JOIN_TOLERANCE_M == 1.0  # stated once, in gis.io.arcs
    near = (B[0] + 0.5, B[1])
    cols = rivers(["x"] * 2, ["清江"] * 2)
    del cols["river_code"]
    rep, got = _import(tmp_path, cols, [LineString([A, B]), LineString([near, C])])
    assert rep.accepted == 1 and len(got) == 1
    (tmp_path / "gap").mkdir()
    gap = (B[0] + 5, B[1])
    rep, got = _import(tmp_path / "gap", cols, [LineString([A, B]), LineString([gap, C])])
    assert rep.accepted == 2 and len(got) == 2


def test_one_name_not_joined_and_no_code_are_two_rivers_with_a_note(tmp_path):
    """Two streams called 小溪 that never meet are not merged (nor silently one of them)."""
    cols = rivers(["x"] * 2, ["小溪", "小溪"])
    del cols["river_code"]
    other = LineString([(X0 + 1000, Y0 + 8000), (X0 + 3000, Y0 + 8000)])
    rep, got = _import(tmp_path, cols, [LineString([A, B]), other])
    assert (rep.accepted, rep.rejected) == (2, [])
    assert got["river_code"].nunique() == 2
    note = next(n for n in rep.notes if "小溪" in n)
    assert "2 groups of arcs that do not join" in note and "different rivers" in note


def test_same_name_different_codes_stay_separate_even_when_touching(tmp_path):
    rep, got = _import(
        tmp_path, rivers(["R1", "R2"], ["清江", "清江"]), [LineString([A, B]), LineString([B, C])]
    )
    assert rep.accepted == 2 and sorted(got["river_code"]) == ["R1", "R2"]
    assert not any("arcs became" in n for n in rep.notes)


def test_arcs_that_disagree_on_a_field_refuse_the_river_naming_every_arc(tmp_path):
    cols = rivers(["R1", "R1", "R2"], ["清江", "清江", "白沙河"])
    cols["management_level"] = ["county", "township", "county"]
    other = LineString([(X0 + 1000, Y0 + 8000), (X0 + 3000, Y0 + 8000)])
    rep, got = _import(tmp_path, cols, [LineString([A, B]), LineString([B, C]), other])
    assert got["river_code"].tolist() == ["R2"]
    assert [(p.row, p.field) for p in rep.rejected] == [
        (1, "management_level"),
        (2, "management_level"),
    ]
    assert all("arcs 1, 2" in p.reason and "county, township" in p.reason for p in rep.rejected)
    assert rep.exit_code == 1


def test_arcs_are_merged_before_clipping_so_a_river_leaving_and_returning_is_one_row(tmp_path):
    out_and_back = [
        LineString([A, (X0 + 3000, Y0 + 12_000)]),  # leaves through the north edge
        LineString([(X0 + 3000, Y0 + 12_000), (X0 + 6000, Y0 + 12_000)]),  # wholly outside
        LineString([(X0 + 6000, Y0 + 12_000), C]),  # comes back
    ]
    rep, got = _import(tmp_path, rivers(["R1"] * 3, ["清江"] * 3), out_and_back)
    assert (rep.accepted, rep.outside, rep.clipped) == (1, 0, 1)
    (geom,) = got.geometry
    assert geom.geom_type == "MultiLineString" and len(geom.geoms) == 2


def test_a_river_with_a_refused_arc_is_refused_whole(tmp_path):
    cols = rivers(["R1", "R1", "R2"], ["清江", "清江", "白沙河"])
    cols["management_level"] = ["county", "no such level", "county"]
    other = LineString([(X0 + 1000, Y0 + 8000), (X0 + 3000, Y0 + 8000)])
    rep, got = _import(tmp_path, cols, [LineString([A, B]), LineString([B, C]), other])
    assert got["river_code"].tolist() == ["R2"]
    first, second = rep.rejected
    assert (first.row, first.field) == (1, "river_code")
    assert "an arc (2) of river R1 was refused" in first.reason
    assert (second.row, second.field) == (2, "management_level")


def test_the_parts_of_a_braided_river_run_from_the_source(tmp_path):
    north = LineString([B, (X0 + 4500, Y0 + 6000), C])
    south = LineString([B, (X0 + 4500, Y0 + 4000), C])
    lines = [LineString([C, D]), south, LineString([A, B]), north]  # file order scrambled
    _, got = _import(tmp_path, rivers(["R1"] * 4, ["清江"] * 4), lines)
    (geom,) = got.geometry
    starts = [p.coords[0] for p in geom.geoms]
    assert starts[0] == pytest.approx(A, abs=0.01)  # the source first
    assert starts[-1] == pytest.approx(C, abs=0.01)  # the stretch below the braid last


def test_a_river_wholly_outside_lists_every_arc_as_refused(tmp_path):
    """Why: a merged river refused as outside listed only its first arc; the other arcs
    were neither imported nor in the rejects file."""
    far = [(X0 + 60_000 + i * 2000, Y0 + 5000) for i in range(4)]  # 60 km east of the county
    lines = [LineString([A, B]), *(LineString(far[i : i + 2]) for i in range(3))]
    rep, got = _import(
        tmp_path, rivers(["R1", "R9", "R9", "R9"], ["清江", "远河", "远河", "远河"]), lines
    )
    assert got["river_code"].tolist() == ["R1"]
    assert [(p.row, p.code) for p in rep.rejected] == [
        (r, "import.outside_county")
        for r in (2, 3, 4)  # features counted from 1
    ]
    assert rep.accepted + len(rep.rejected) == rep.read  # every row read is accounted for
    refused = Path(rep.rejects_file).read_text(encoding="utf-8-sig").splitlines()
    assert len(refused) == 1 + 3  # the header and the three arcs
