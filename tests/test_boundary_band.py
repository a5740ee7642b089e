"""界河: "within 30 m of the shared edge" is a true distance. A river that keeps 20 m from
a boundary round a bend is one boundary reach for as long as it is truly within 30 m,
measured against a densified reference (plain shapely distances, 0.1 m steps); flat caps
around the edge's two-point segments left a notch at every bend."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, box

from gis.reaches import segment

X0, Y0 = 500_000.0, 3_400_000.0  # GK zone of 105°E (EPSG:4544), as tests/test_coverage.py
TOL = 30.0


def _bent_county(turn_deg: float):
    """A 4 km county split in two townships by an edge that runs north to (2000, 2000),
    then turns right by ``turn_deg``; a river that crosses the edge and then keeps 20 m
    off the outside of the bend."""
    v = np.array([2000.0, 2000.0])
    a = math.radians(90.0 - turn_deg)  # heading after the turn (north is 90°)
    far = v + 6000.0 * np.array([math.cos(a), math.sin(a)])
    county = box(0, 0, 4000, 4000)
    edge = shapely.intersection(LineString([(2000, -10), tuple(v), tuple(far)]), county)
    halves = shapely.get_parts(shapely.ops.split(county, edge))
    outside = edge.offset_curve(20.0, join_style="round")  # left of a right turn: outside
    # keep well inside the county, then leave the edge at right angles, 300 m each way
    core = shapely.ops.substring(outside, 600.0, outside.length - 600.0)
    c = np.asarray(core.coords)

    def away(p, q, cross=False):
        d = (p - q) / np.linalg.norm(p - q)
        n = np.array([d[1], -d[0]])  # the side away from the edge
        n = n if LineString([tuple(p), tuple(p + n)]).distance(edge) > 19 else -n
        return p + (-300.0 if cross else 300.0) * n

    # it comes from the other township across the edge (a river meets both units), and
    # leaves on its own side
    river_xy = [tuple(away(c[0], c[1], cross=True)), *map(tuple, c), tuple(away(c[-1], c[-2]))]
    river = LineString(river_xy)
    shared_edge = shapely.intersection(halves[0].boundary, halves[1].boundary)
    return halves, river, shared_edge


def _gdf(geoms, crs=4544, **cols):
    g = gpd.GeoSeries(list(geoms), crs=crs).translate(X0, Y0)
    return gpd.GeoDataFrame(cols, geometry=g.to_crs(4490))


def _reference(river: LineString, edge, step: float = 0.1) -> float:
    """Length of the one stretch of ``river`` truly within TOL of ``edge`` (densified)."""
    s = np.arange(0.0, river.length + step, step)
    pts = shapely.line_interpolate_point(river, s)
    inside = shapely.distance(pts, edge) <= TOL
    idx = np.flatnonzero(inside)
    assert len(idx) and np.all(np.diff(idx) == 1), "one stretch within the band"
    return float(s[idx[-1]] - s[idx[0]])


@pytest.mark.parametrize("turn", [30.0, 90.0, 150.0])
def test_a_bend_is_one_boundary_reach_of_the_true_length(turn):
    halves, river, edge = _bent_county(turn)
    county = box(0, 0, 4000, 4000)
    admin = _gdf(
        [county, *halves],
        admin_code=["512099", "512099100", "512099101"],
        name=["测试县", "甲镇", "乙镇"],
        level=["county", "township", "township"],
        parent_code=[None, "512099", "512099"],
    )
    rivers = _gdf(
        [river],
        river_code=["R1"],
        name=["弯河"],
        management_level=["township"],
        in_register=[True],
    )
    reaches, _ = segment(rivers, admin, level="township", boundary_tolerance=TOL)
    shared = reaches[reaches["shared_admin_code"].notna()]
    assert len(shared) == 1, reaches[["from_m", "to_m", "admin_code", "shared_admin_code"]]
    assert shared["length_m"].iloc[0] == pytest.approx(_reference(river, edge), abs=0.5)


def test_demo_rivers_truly_within_30m_for_330m_are_boundary_reaches(demo_path):
    """R064 along 113|133 and R149 along 129|133 keep within 30 m for about 330 m (over
    the 300 m a boundary reach needs); the notched band counted 298.8 m."""
    from gis.store import GeoPackageStore

    store = GeoPackageStore(demo_path)
    admin = store.read("admin_units")
    rivers = store.read("rivers")
    reaches, _ = segment(rivers, admin, level="village")
    gk = admin.to_crs(4544).set_index("admin_code")
    for code, pair in (("512099R064", ("113", "133")), ("512099R149", ("129", "133"))):
        r = reaches[(reaches["river_code"] == code) & reaches["shared_admin_code"].notna()]
        hit = r[
            [
                {a[6:9], b[6:9]} == set(pair)
                for a, b in zip(r["admin_code"], r["shared_admin_code"], strict=True)
            ]
        ]
        assert len(hit) >= 1, (code, r[["admin_code", "shared_admin_code", "length_m"]])
        row = hit.iloc[0]
        line = rivers.to_crs(4544).set_index("river_code").geometry[code]
        edge = shapely.intersection(
            gk.geometry[row["admin_code"]].boundary, gk.geometry[row["shared_admin_code"]].boundary
        )
        piece = shapely.ops.substring(line, row["from_m"], row["to_m"])
        # every point of the reach is truly within 30 m of the shared edge ...
        pts = shapely.line_interpolate_point(piece, np.arange(0, piece.length, 0.5))
        assert shapely.distance(pts, edge).max() <= TOL + 0.01
        assert row["length_m"] == pytest.approx(330, abs=5)


def test_agreements_matching_no_boundary_reach_are_a_finding(tmp_path):
    """An agreement for a river that really follows the pair's edge matches its boundary
    reach; one for a river that never comes near that edge is listed, never ignored."""
    from test_coverage import _county

    from gis import find_gaps

    store = _county(
        tmp_path,
        # R0 runs 10 m east of the x=1000 edge for 2 km; R1 stays 1 km from any edge
        [[(500, 3800), (1010, 3300), (1010, 1300), (1600, 800)], [(1500, 3900), (1500, 100)]],
        assignments=[
            {
                "chief_id": "C1",
                "river_code": "R0",
                "admin_code": "512099100",
                "shared_admin_code": "512099101",
            },
            {
                "chief_id": "C2",
                "river_code": "R1",
                "admin_code": "512099101",
                "shared_admin_code": "512099102",
            },
        ],
    )
    gaps = find_gaps(store, level="township")
    got = gaps.agreements_unmatched
    assert got[
        ["assignment_id", "river_code", "admin_code", "shared_admin_code"]
    ].values.tolist() == [["A1", "R1", "512099101", "512099102"]]
    assert gaps.to_json()["agreements_unmatched"][0]["assignment_id"] == "A1"
    assert "agreements_unmatched" in gaps.tables()
