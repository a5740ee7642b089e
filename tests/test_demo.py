"""The shipped demo county: the seed's inventory, sound hydrology, a clean tiling, and an
answer key that matches the data."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point

from gis import datasets
from gis.inventory import summarize
from gis.store import GeoPackageStore

SEED_INVENTORY = {  # ../shared/DOMAIN.md §2, from the county report in ../shared/seed
    "rivers": 337,
    "rivers_in_register": 71,
    "county_rivers": 24,
    "reservoirs": 101,
    "townships": 63,
    "chiefs_county": 24,
    "chiefs_township": 329,
    "patrollers_village": 1784,
    "water_sources": 72,
    "water_sources_with_zone": 53,
    "signboards": 502,
    "quarries_closed": 5,
    "weighbridges": 14,
    "video_systems": 14,
}
GK = 4544


@pytest.fixture(scope="module")
def demo():
    s = GeoPackageStore(datasets.get_path("demo"))
    return {
        name: s.read(name)
        for name in (
            "admin_units",
            "rivers",
            "reservoirs",
            "structures",
            "signboards",
            "chiefs",
            "assignments",
            "quarries",
            "mining_zones",
            "management_ranges",
            "protection_zones",
            "water_sources",
            "answer_key",
        )
    }


@pytest.fixture(scope="module")
def rivers_gk(demo):
    return demo["rivers"].to_crs(GK).set_index("river_code")


def test_summary_reproduces_the_seed_inventory():
    got = summarize(GeoPackageStore(datasets.get_path("demo")))
    assert {k: got[k] for k in SEED_INVENTORY} == SEED_INVENTORY


def test_summary_cli_json_keys_are_stable():
    p = subprocess.run(
        [sys.executable, "-m", "gis.cli", "summary", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(p.stdout)
    assert list(data) == [
        "rivers",
        "rivers_in_register",
        "county_rivers",
        "reservoirs",
        "townships",
        "villages",
        "chiefs_county",
        "chiefs_township",
        "patrollers_village",
        "water_sources",
        "water_sources_with_zone",
        "signboards",
        "quarries",
        "quarries_closed",
        "weighbridges",
        "video_systems",
        "river_length_km",
    ]
    assert {k: data[k] for k in SEED_INVENTORY} == SEED_INVENTORY


def test_signboards_split_33_county_469_township(demo):
    assert demo["signboards"]["placed_by"].value_counts().to_dict() == {
        "township": 469,
        "county": 33,
    }
    scales = demo["reservoirs"]["scale"].value_counts()
    assert scales.get("large", 0) + scales.get("medium", 0) == 33 - 24


def test_reservoir_scale_matches_storage(demo):
    bins = {
        "large": (1e8, np.inf),
        "medium": (1e7, 1e8),
        "small1": (1e6, 1e7),
        "small2": (1e5, 1e6),
    }
    for scale, storage in zip(
        demo["reservoirs"]["scale"], demo["reservoirs"]["storage_m3"], strict=True
    ):
        lo, hi = bins[scale]
        assert lo <= storage < hi


def test_every_river_drains_to_an_outlet_on_the_county_border(demo, rivers_gk):
    county = demo["admin_units"].query("level == 'county'").to_crs(GK).geometry.iloc[0]
    down = rivers_gk["flows_into"].to_dict()
    for code in rivers_gk.index:
        seen, c = set(), code
        while isinstance(down.get(c), str):
            assert c not in seen, f"loop at {c}"
            seen.add(c)
            parent = down[c]
            # a tributary's mouth lies on the river it flows into
            mouth = Point(rivers_gk.geometry[c].coords[-1])
            assert rivers_gk.geometry[parent].distance(mouth) < 0.01
            c = parent
        outlet = Point(rivers_gk.geometry[c].coords[-1])
        assert county.boundary.distance(outlet) < 150, f"{code} ends inside the county at {c}"


def test_no_lines_cross(rivers_gk):
    geoms = rivers_gk.geometry.values
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    for i, j in zip(left, right, strict=True):
        if i >= j:
            continue
        a, b = geoms[i], geoms[j]
        ends = shapely.MultiPoint([a.coords[0], a.coords[-1], b.coords[0], b.coords[-1]])
        touch = a.intersection(b)
        # rivers may only meet at a confluence: an end point of one of them (5 cm: the
        # store keeps 1e-7 degrees)
        assert touch.geom_type in ("Point", "MultiPoint") and ends.buffer(0.05).contains(touch), (
            rivers_gk.index[i],
            rivers_gk.index[j],
        )


def test_rivers_flow_downhill_on_the_dem(rivers_gk):
    dem = np.load(datasets.get_path("demo_dem"))
    z, x0, y0, cell = dem["dem"], float(dem["x0"]), float(dem["y0"]), float(dem["cell"])
    assert int(dem["epsg"]) == GK
    for code, line in rivers_gk.geometry.items():
        # the smoothed vertices stay within a quarter step of the D8 cell centres they
        # came from, so the nearest cell is a channel cell (the mouth was moved onto the parent)
        xy = np.asarray(line.coords)[:-1]
        prof = z[((y0 - xy[:, 1]) // cell).astype(int), ((xy[:, 0] - x0) // cell).astype(int)]
        assert np.diff(prof).max() <= 0.0, f"{code} climbs {np.diff(prof).max():.2f} m"
        end = Point(line.coords[-1])
        assert z[int((y0 - end.y) // cell), int((end.x - x0) // cell)] <= prof[0], code


def test_horton_bifurcation_ratio_is_natural(rivers_gk):
    from gis.demo.hydro import bifurcation_ratio

    counts = strahler_counts(rivers_gk)
    assert counts[1] == 337  # every river starts a first-order stream at its source
    assert 3.0 <= bifurcation_ratio(counts) <= 5.0 and max(counts) >= 4


def strahler_counts(rivers) -> dict[int, int]:
    """Strahler streams per order, from the shipped lines and flows_into alone."""
    g = rivers.geometry
    kids: dict[str, list[str]] = {}
    for code, parent in rivers["flows_into"].items():
        if isinstance(parent, str):
            kids.setdefault(parent, []).append(code)
    counts: dict[int, int] = {}

    def walk(code: str) -> int:
        line = g[code]
        order = 1
        counts[1] = counts.get(1, 0) + 1
        # confluences from the source down; equal orders meeting start a higher stream
        for _, k in sorted((line.project(Point(g[k].coords[-1])), k) for k in kids.get(code, [])):
            k_order = walk(k)
            if k_order == order:
                order += 1
                counts[order] = counts.get(order, 0) + 1
            elif k_order > order:
                order = k_order
        return order

    for code, parent in rivers["flows_into"].items():
        if not isinstance(parent, str):
            walk(code)
    return counts


def test_admin_units_tile_the_county(demo):
    a = demo["admin_units"].to_crs(GK)
    county = a[a.level == "county"].geometry.iloc[0]
    for level in ("township", "village"):
        units = a[a.level == level].geometry.values
        assert shapely.coverage_is_valid(units), f"{level}s overlap or have slivers"
        union = shapely.coverage_union_all(units)
        assert union.symmetric_difference(county).area < 1e-6 * county.area, f"{level}s leave gaps"
    towns = a[a.level == "township"].set_index("admin_code").geometry
    for _, v in a[a.level == "village"].iterrows():
        assert v["admin_code"][:9] == v["parent_code"]
        assert towns[v["parent_code"]].buffer(1.0).contains(v.geometry)
    assert (
        a["admin_code"].str.len().map({6: "county", 9: "township", 12: "village"}).tolist()
        == a["level"].tolist()
    )


def test_names_are_chinese_and_phones_fictitious(demo):
    assert demo["rivers"]["name"].str.match(r"^[\u4e00-\u9fff]+[江河溪沟]$").all()
    t = demo["admin_units"].query("level == 'township'")["name"]
    assert t.str.match(r"^[\u4e00-\u9fff]+[镇乡]$").all()
    assert demo["admin_units"].query("level == 'village'")["name"].str.endswith("村").all()
    assert demo["chiefs"]["phone"].str.match(r"^100-0000-\d{4}$").all()


# --- the answer key matches the data ------------------------------------------------


def _key(demo, kind):
    return demo["answer_key"][demo["answer_key"]["kind"] == kind]


def _covering(demo, river, admin, level):
    """Assignments of a river in a unit (boundary agreements cover only the shared stretch)."""
    a = demo["assignments"]
    return a[
        (a.river_code == river)
        & (a.admin_code == admin)
        & (a.level == level)
        & a.shared_admin_code.isna()
    ]


def test_key_unassigned_reaches_have_no_chief(demo, rivers_gk):
    rows = _key(demo, "unassigned_reach")
    assert set(rows["level"]) == {"township", "village"} and len(rows) == 5
    units = demo["admin_units"].to_crs(GK).set_index("admin_code").geometry
    for _, k in rows.iterrows():
        assert _covering(demo, k.river_code, k.admin_code, k.level).empty
        # the unassigned metres are part of the river's run inside the unit (their exact
        # length is recomputed by an independent overlay in tests/test_answer_key.py)
        line, unit = rivers_gk.geometry[k.river_code], units[k.admin_code]
        assert 0 < k.value <= line.intersection(unit.buffer(0.5)).length + 1


def test_key_chief_defects(demo):
    chiefs = demo["chiefs"].set_index("chief_id")
    a = demo["assignments"]
    orphan = _key(demo, "orphan_chief")["ref_id"].tolist()
    assert len(orphan) == 1 and orphan[0] in chiefs.index and orphan[0] not in set(a.chief_id)
    outside = _key(demo, "outside_jurisdiction").iloc[0]
    row = _covering(demo, outside.river_code, outside.admin_code, "township")
    assert (row.chief_id == outside.ref_id).any() and chiefs.loc[
        outside.ref_id, "admin_code"
    ] != outside.admin_code
    dup = _key(demo, "duplicate_assignment").iloc[0]
    both = _covering(demo, dup.river_code, dup.admin_code, "village")
    assert set(dup.detail.split("|")) <= set(both.chief_id) and both.from_m.isna().sum() >= 2


def test_key_boundary_reaches(demo, rivers_gk):
    towns = (
        demo["admin_units"].to_crs(GK).set_index("admin_code").geometry
    )  # township and village pairs
    agreed, unagreed = _key(demo, "boundary_agreed"), _key(demo, "boundary_unagreed")
    assert len(unagreed) == 3 and len(agreed) > 10
    a = demo["assignments"]
    for _, k in pd.concat([agreed, unagreed]).iterrows():
        left, right = k.detail.split("|")
        shared = towns[left].boundary.intersection(towns[right].boundary)
        along = rivers_gk.geometry[k.river_code].intersection(shared.buffer(30))  # within 30 m
        # runs along the common boundary for ~300 m or more (the stored 1e-7° precision
        # can split a shared edge at a few vertices, so allow some metres less)
        assert along.length >= 250
        deal = a[
            (a.river_code == k.river_code)
            & (a.shared_admin_code.notna())
            & (a.admin_code.isin([left, right]))
            & (a.shared_admin_code.isin([left, right]))
        ]
        assert deal.empty == (k.kind == "boundary_unagreed")


def test_key_signboards_and_reservoirs(demo):
    boards = demo["signboards"].set_index("board_id")
    chiefs = demo["chiefs"].set_index("chief_id")
    replaced = _key(demo, "signboard_replaced_chief")
    assert len(replaced) == 6
    for _, k in replaced.iterrows():
        current = chiefs.loc[k.detail.split()[-1]]
        assert (
            boards.loc[k.ref_id, "chief_name"] != current["name"]
            and boards.loc[k.ref_id, "chief_phone"] != current["phone"]
        )
    # all other township boards show the chief currently assigned to their reach
    a = demo["assignments"].merge(demo["chiefs"][["chief_id", "name", "phone"]], on="chief_id")
    ok = boards[(boards.placed_by == "township") & ~boards.index.isin(replaced.ref_id)]
    current = (
        a[a.level == "township"].groupby(["river_code", "admin_code"])[["name", "phone"]].agg(set)
    )
    for bid, b in ok.iterrows():
        assert b.chief_name in current.loc[(b.river_code, b.admin_code), "name"], bid
    without = set(_key(demo, "reservoir_without_chief")["ref_id"])
    covered = set(demo["assignments"]["reservoir_code"].dropna())
    assert len(without) == 2 and without.isdisjoint(covered)
    assert covered | without == set(demo["reservoirs"]["reservoir_code"])


def test_key_quarry_violations(demo, rivers_gk):
    q = demo["quarries"].to_crs(GK).set_index("quarry_id")
    s = demo["structures"].to_crs(GK).set_index("structure_id")
    rows = _key(demo, "quarry_violation")
    kinds = rows["detail"].str.split(":").str[0]
    assert set(kinds) == {
        "bridge_downstream",
        "dam_downstream",
        "intake_upstream",
        "gauging_station_downstream",
        "ferry_upstream",
        "prohibited_mining_zone",
        "protection_zone",
        "missing_weighbridge",
        "missing_video",
        "management_range_no_permit",
        "closed_still_operating",
    }
    zones = demo["mining_zones"].to_crs(GK)
    prot = demo["protection_zones"].to_crs(GK).set_index("zone_id")
    ranges = demo["management_ranges"].to_crs(GK)
    for _, k in rows.iterrows():
        kind, _, ref = k.detail.partition(":")
        pt = q.geometry[k.ref_id]
        if kind.endswith(("_upstream", "_downstream")):
            line = rivers_gk.geometry[k.river_code]
            offset = line.project(pt) - line.project(s.geometry[ref])  # chainage grows downstream
            assert abs(offset) == pytest.approx(k.value, abs=2.0)
            assert (offset > 0) == kind.endswith("_downstream")
        elif kind == "prohibited_mining_zone":
            assert zones[zones.kind == "prohibited"].contains(pt).any()
        elif kind == "protection_zone":
            assert prot.geometry[ref].contains(pt) and prot.loc[ref, "level"] == "level2"
        elif kind == "missing_weighbridge":
            assert not q.loc[k.ref_id, "has_weighbridge"]
        elif kind == "missing_video":
            assert not q.loc[k.ref_id, "has_video"]
        elif kind == "management_range_no_permit":
            assert pd.isna(q.loc[k.ref_id, "permit_no"]) and ranges.contains(pt).any()
        elif kind == "closed_still_operating":
            assert (
                pd.notna(q.loc[k.ref_id, "closure_date"])
                and q.loc[k.ref_id, "status"] == "operating"
            )
    # quarries not in the key break no zone rule
    clean = q[~q.index.isin(rows.ref_id)]
    assert not clean.geometry.apply(
        lambda p: prot.contains(p).any() or zones[zones.kind == "prohibited"].contains(p).any()
    ).any()


def test_generator_is_deterministic_and_matches_the_shipped_files(tmp_path):
    from gis.demo import generate

    fresh = GeoPackageStore(generate(seed=2024, out=tmp_path))
    shipped = GeoPackageStore(datasets.get_path("demo"))
    for name in (
        "rivers",
        "admin_units",
        "chiefs",
        "assignments",
        "answer_key",
        "quarries",
        "events",
        "event_steps",
    ):
        a, b = fresh.read(name), shipped.read(name)
        assert a.drop(columns="geometry", errors="ignore").equals(
            b.drop(columns="geometry", errors="ignore")
        ), name
        if "geometry" in a:
            assert a.geometry.geom_equals_exact(b.geometry, tolerance=1e-9).all(), name


def test_reservoirs_sit_on_their_river_behind_a_dam(demo, rivers_gk):
    res = demo["reservoirs"].to_crs(GK).set_index("reservoir_code")
    dams = demo["structures"].query("kind == 'dam'").to_crs(GK)
    assert len(dams) == len(res) == 101
    for _, dam in dams.iterrows():
        code = dam["structure_id"].replace("D", "K")
        river = rivers_gk.geometry[res.loc[code, "river_code"]]
        assert river.distance(dam.geometry) < 1.0  # the dam stands on the channel
        assert res.geometry[code].distance(dam.geometry) < 150  # at the foot of its pool
        assert river.intersection(res.geometry[code]).length > 50  # the river runs through the pool
