"""Coverage analysis: hand-made counties with known answers, and the demo's answer key."""

from __future__ import annotations

import json
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, box

from gis import datasets
from gis.coverage import CoverageRules, analyse
from gis.reaches import segment
from gis.store import GeoPackageStore

X0, Y0 = 500_000.0, 3_400_000.0  # CGCS2000 GK CM 105°E (EPSG:4544), Sichuan


def _gk(geoms):
    return gpd.GeoSeries([g for g in geoms], crs=4544).translate(X0, Y0).to_crs(4490)


def _county(
    tmp_path, river_lines, *, assignments=(), towns=((0, 1000), (1000, 2500), (2500, 4000))
):
    """A 4 km × 4 km county cut into vertical township strips, in a real store."""
    admin = gpd.GeoDataFrame(
        {
            "admin_code": ["512099"] + [f"512099{100 + i}" for i in range(len(towns))],
            "name": ["测试县"] + [f"第{i + 1}镇" for i in range(len(towns))],
            "level": ["county"] + ["township"] * len(towns),
            "parent_code": [None] + ["512099"] * len(towns),
        },
        geometry=_gk([box(0, 0, 4000, 4000)] + [box(a, 0, b, 4000) for a, b in towns]),
    )
    rivers = gpd.GeoDataFrame(
        {
            "river_code": [f"R{i}" for i in range(len(river_lines))],
            "name": [f"测试{i}河" for i in range(len(river_lines))],
            "management_level": ["township"] * len(river_lines),
            "in_register": [True] * len(river_lines),
        },
        geometry=_gk([LineString(c) for c in river_lines]),
    )
    chiefs = pd.DataFrame(
        {
            "chief_id": ["C1", "C2", "C3", "C4"],
            "name": ["甲", "乙", "丙", "丁"],
            "level": ["township"] * 4,
            "post": ["镇长"] * 4,
            "phone": ["100-0000-0001"] * 4,
            "admin_code": ["512099100", "512099101", "512099101", "512099102"],
        }
    )
    rows = [
        {"assignment_id": f"A{i}", "target_type": "river", "level": "township", **a}
        for i, a in enumerate(assignments)
    ]
    store = GeoPackageStore(tmp_path / "test.gpkg")
    store.write(
        {
            "admin_units": admin,
            "rivers": rivers,
            "chiefs": chiefs,
            "assignments": pd.DataFrame(
                rows,
                columns=[
                    "assignment_id",
                    "chief_id",
                    "level",
                    "target_type",
                    "river_code",
                    "admin_code",
                    "shared_admin_code",
                    "from_m",
                    "to_m",
                ],
            ),
        }
    )
    return store


def test_straight_river_through_three_townships(tmp_path):
    store = _county(tmp_path, [[(100, 500), (3900, 500)]])
    reaches, slivers = segment(store.read("rivers"), store.read("admin_units"), level="township")
    assert reaches["admin_code"].tolist() == ["512099100", "512099101", "512099102"]
    assert reaches["length_m"].round().tolist() == [900, 1500, 1400]  # to the metre
    assert reaches["from_m"].round().tolist() == [0, 900, 2400] and reaches[
        "to_m"
    ].round().tolist() == [900, 2400, 3800]
    assert reaches["shared_admin_code"].isna().all() and slivers.empty
    assert reaches["reach_id"].is_unique


def test_river_along_a_boundary_is_one_shared_reach(tmp_path):
    # comes in from the west, runs 10 m east of the x=1000 boundary for 2 km, leaves to the east
    store = _county(tmp_path, [[(500, 3800), (1010, 3300), (1010, 1300), (1600, 800)]])
    reaches, _ = segment(store.read("rivers"), store.read("admin_units"), level="township")
    shared = reaches[reaches["shared_admin_code"].notna()]
    assert len(shared) == 1
    assert {shared["admin_code"].iloc[0], shared["shared_admin_code"].iloc[0]} == {
        "512099100",
        "512099101",
    }
    # 2000 m along the edge, plus the approach legs while they are within 30 m of it
    assert 2000 <= shared["length_m"].iloc[0] <= 2000 + 2 * 30 * 2**0.5 * 1.01
    assert len(reaches) == 3  # west bank, the shared reach, east side: no slivers


def test_river_crossing_the_same_boundary_three_times(tmp_path):
    store = _county(tmp_path, [[(500, 3500), (1500, 3000), (500, 2000), (1500, 1000)]])
    reaches, _ = segment(store.read("rivers"), store.read("admin_units"), level="township")
    assert reaches["admin_code"].tolist() == ["512099100", "512099101", "512099100", "512099101"]
    # the boundary x=1000 halves every leg; legs are 1118.03 m, then 1414.21 m twice
    leg1, leg2 = (1000**2 + 500**2) ** 0.5, 2**0.5 * 1000
    expected = [leg1 / 2, leg1 / 2 + leg2 / 2, leg2, leg2 / 2]
    assert reaches["length_m"].tolist() == pytest.approx(expected, abs=0.01)


def _two_towns(line):
    """Two townships split at x = 1000, and one river, drawn straight in GK (no reprojection,
    so the river lies exactly on the boundary where it is drawn on it)."""
    crs = 4544
    admin = gpd.GeoDataFrame(
        {
            "admin_code": ["C", "T1", "T2"],
            "level": ["county", "township", "township"],
            "parent_code": [None, "C", "C"],
        },
        geometry=gpd.GeoSeries(
            [box(0, 0, 2000, 4000), box(0, 0, 1000, 4000), box(1000, 0, 2000, 4000)]
        ).translate(X0, Y0),
        crs=crs,
    )
    river = gpd.GeoDataFrame(
        {"river_code": ["R1"]},
        geometry=gpd.GeoSeries([LineString(line)]).translate(X0, Y0),
        crs=crs,
    )
    return segment(river, admin, level="township")[0][
        ["admin_code", "from_m", "to_m"]
    ].values.tolist()


def test_river_touching_a_boundary_stays_in_its_unit():
    # from the east it runs 200 m exactly on the boundary (too short for a shared reach:
    # 260 m within 30 m of it) and back: both townships hold that stretch, the stretch
    # before goes on, so one reach, not a 200 m piece of the neighbour
    assert _two_towns([(1500, 3000), (1000, 3000), (1000, 2800), (1500, 2800)]) == [
        ["T2", 0.0, 1200.0]
    ]


def test_river_starting_on_a_boundary_goes_to_the_lower_code():
    # it starts on the boundary (no stretch before): the tie goes to the lower code,
    # whatever order the index found the townships in
    assert _two_towns([(1000, 3000), (1000, 2800), (1500, 2800)]) == [
        ["T1", 0.0, 200.0],
        ["T2", 200.0, 700.0],
    ]


def test_segment_partitions_give_the_same_reaches(demo_path):
    # rivers are cut in runs on threads; one run or many must not change a single reach
    store = GeoPackageStore(demo_path)
    rivers, admin = store.read("rivers"), store.read("admin_units")
    one, s_one = segment(rivers, admin, level="village", workers=1)
    many, s_many = segment(rivers, admin, level="village", workers=4)
    pd.testing.assert_frame_equal(
        pd.DataFrame(one.drop(columns="geometry")), pd.DataFrame(many.drop(columns="geometry"))
    )
    assert one.geometry.geom_equals_exact(many.geometry, 0).all()
    pd.testing.assert_frame_equal(s_one, s_many)
    # and a county's rivers given alone equal the same rivers in the whole
    part, _ = segment(rivers.iloc[100:140], admin, level="village")
    pd.testing.assert_frame_equal(
        pd.DataFrame(part.drop(columns="geometry")),
        pd.DataFrame(
            one[one["river_code"].isin(rivers["river_code"].iloc[100:140])].drop(columns="geometry")
        ).reset_index(drop=True),
    )


def test_chainage_range_assignments_leave_a_350_m_hole(tmp_path):
    store = _county(
        tmp_path,
        [[(100, 500), (3900, 500)]],
        assignments=[
            {"chief_id": "C1", "river_code": "R0", "admin_code": "512099100"},
            {
                "chief_id": "C2",
                "river_code": "R0",
                "admin_code": "512099101",
                "from_m": 900,
                "to_m": 1500,
            },
            {
                "chief_id": "C3",
                "river_code": "R0",
                "admin_code": "512099101",
                "from_m": 1850,
                "to_m": 2400,
            },
            {
                "chief_id": "C1",
                "river_code": "R0",
                "admin_code": "512099102",
            },  # a chief from the first township
        ],
    )
    cov = analyse(store)
    assert cov.unassigned.empty
    assert cov.holes[["admin_code", "from_m", "to_m", "length_m"]].values.tolist() == [
        ["512099101", 1500.0, 1850.0, 350.0]
    ]
    assert cov.mismatches[["chief_id", "kind"]].values.tolist() == [["C1", "outside_jurisdiction"]]
    assert cov.orphan_chiefs["chief_id"].tolist() == ["C4"]
    town = cov.by_township.set_index("township_code")
    assert (
        town.loc["512099101", "river_length_km"] == 1.5
        and town.loc["512099100", "assigned_pct_township"] == 100.0
    )


def test_unknown_rule_is_refused():
    with pytest.raises(KeyError, match="valid"):
        CoverageRules.from_dict({"hole_min": 10})


# --- the demo county: exactly the planted defects --------------------------------------


@pytest.fixture(scope="module")
def demo_cov():
    store = GeoPackageStore(datasets.get_path("demo"))
    return analyse(store), store.read("answer_key")


def _key(key, kind):
    return key[key["kind"] == kind]


def test_demo_findings_equal_the_answer_key(demo_cov):
    cov, key = demo_cov
    want = {
        (k.river_code, k.admin_code, k.level) for k in _key(key, "unassigned_reach").itertuples()
    }
    assert {(r.river_code, r.admin_code, r.level) for r in cov.unassigned.itertuples()} == want
    hole = _key(key, "hole").iloc[0]
    assert cov.holes[["river_code", "admin_code"]].values.tolist() == [
        [hole.river_code, hole.admin_code]
    ]
    lo, hi = map(float, hole.detail.split("-"))
    assert (cov.holes["from_m"].iloc[0], cov.holes["to_m"].iloc[0]) == pytest.approx(
        (lo, hi), abs=1.0
    )
    want = {
        (k.river_code, frozenset(k.detail.split("|")))
        for k in _key(key, "boundary_unagreed").itertuples()
    }
    got = {
        (r.river_code, frozenset((r.admin_code, r.shared_admin_code)))
        for r in cov.boundary_reaches_unagreed.itertuples()
    }
    assert got == want
    want = {
        (k.river_code, k.admin_code, frozenset(k.detail.split("|")))
        for k in _key(key, "duplicate_assignment").itertuples()
    }
    assert {
        (d.river_code, d.admin_code, frozenset(d.chief_ids.split("|")))
        for d in cov.duplicates.itertuples()
    } == want
    chiefs = (
        GeoPackageStore(datasets.get_path("demo")).read("assignments").set_index("assignment_id")
    )
    got = {
        (m.chief_id, chiefs.loc[m.assignment_id, "admin_code"]) for m in cov.mismatches.itertuples()
    }
    assert got == {(k.ref_id, k.admin_code) for k in _key(key, "outside_jurisdiction").itertuples()}
    assert set(cov.orphan_chiefs["chief_id"]) == set(_key(key, "orphan_chief")["ref_id"])
    assert set(cov.reservoirs_without_chief["reservoir_code"]) == set(
        _key(key, "reservoir_without_chief")["ref_id"]
    )
    assert set(cov.signboard_issues["board_id"]) == set(
        _key(key, "signboard_replaced_chief")["ref_id"]
    )
    assert (cov.signboard_issues["kind"] == "stale_chief").all()


def test_demo_summary_by_township(demo_cov):
    cov, _ = demo_cov
    t = cov.by_township
    assert len(t) == 63
    assert t["unassigned_km_township"].sum() == pytest.approx(
        cov.unassigned_length_m_by_level()["township"] / 1000, abs=0.05
    )
    assert t["river_length_km"].sum() == pytest.approx(
        1069.4, abs=1.0
    )  # every metre of river is in some township


def test_gaps_cli_json_and_three_formats(tmp_path):
    run = [sys.executable, "-m", "gis.cli", "gaps", "--level", "township"]
    p = subprocess.run(
        run + ["--json", "--out", str(tmp_path / "g.xlsx")],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(p.stdout)
    assert list(data) == [
        "unassigned",
        "unassigned_length_m_by_level",
        "holes",
        "mismatches",
        "duplicates",
        "orphan_chiefs",
        "reservoirs_without_chief",
        "boundary_reaches_unagreed",
        "signboard_issues",
        "by_township",
        "not_checked",
        "agreements_unmatched",
        "unknown_codes",
        "zero_coverage",
        "level_mismatches",
    ]
    assert set(data["unassigned"][0]) == {
        "reach_id",
        "river_code",
        "river_name",
        "level",
        "admin_code",
        "length_m",
    }
    # village reaches were not asked for: not checked, so null, never 0
    assert len(data["unassigned"]) == 5 and data["unassigned_length_m_by_level"]["village"] is None
    sheets = pd.read_excel(tmp_path / "g.xlsx", sheet_name=None)
    assert len(sheets["unassigned"]) == 5 and len(sheets["boundary_reaches_unagreed"]) == 3
    subprocess.run(run + ["--out", str(tmp_path / "g.gpkg")], capture_output=True, check=True)
    layer = gpd.read_file(tmp_path / "g.gpkg", layer="unassigned")
    assert len(layer) == 5 and layer.crs.to_epsg() == 4490
    subprocess.run(run + ["--out", str(tmp_path / "g.csv")], capture_output=True, check=True)
    assert len(pd.read_csv(tmp_path / "g.unassigned.csv")) == 5
