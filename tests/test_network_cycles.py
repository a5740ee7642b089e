"""Networks that are not trees (issue 15): braids, a lake drawn as a ring, a canal between
two basins. Each builds, orders and traces without an exception; cycles are reported, and
orders and upstream lengths (NHDPlus ArbolateSu: each line plus every distinct line above)
are the ones worked out by hand in the comments."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString

from gis.network import Cycle, build_network

X0, Y0 = 500_000, 3_400_000  # in the demo's Gauss-Krüger zone (EPSG:4544)


def _lines(named: dict[str, list[tuple[float, float]]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": list(named)},
        geometry=[LineString([(X0 + x, Y0 + y) for x, y in c]) for c in named.values()],
        crs=4544,
    )


def _by_name(g, values) -> dict[str, float]:
    return dict(zip(g["name"], np.asarray(values).tolist(), strict=True))


def test_braid_split_then_rejoin():
    # H1, H2 meet (order 2) and flow on as A, which splits round an island: B1 straight
    # on (the main path), B2 a side arm; they rejoin as C; tributary T joins; D to the outlet
    g = _lines(
        {
            "H1": [(0, 1000), (1000, 0)],
            "H2": [(0, -1000), (1000, 0)],
            "A": [(1000, 0), (3000, 0)],
            "B1": [(3000, 0), (5000, 0)],
            "B2": [(3000, 0), (4000, 1000), (5000, 0)],
            "C": [(5000, 0), (6000, 0)],
            "T": [(6000, 1000), (6000, 0)],
            "D": [(6000, 0), (8000, 0)],
        }
    )
    net = build_network(g)
    assert net.cycles == [Cycle((3, 4), "braid")]
    # the side arm keeps the order of the line it leaves and does not count where it rejoins
    assert _by_name(g, net.strahler()) == dict(H1=1, H2=1, A=2, B1=2, B2=2, C=2, T=1, D=2)
    km = [1, 1, 2, 3, 4, 1, 5, 1]
    # B2 carries A and the headwaters (8 km; it was 4 km when a side arm started afresh);
    # C counts the lines above the split once: 1+1+2 + 3+4 + 1
    assert _by_name(g, net.upstream_length(km)) == dict(
        H1=1, H2=1, A=4, B1=7, B2=8, C=12, T=5, D=18
    )
    assert net.trace_downstream(0) == [0, 2, 3, 5, 7]
    assert sorted(net.trace_upstream(7)) == [0, 1, 2, 3, 4, 5, 6]
    assert net.outlets().tolist() == [7]


def test_two_islands_in_a_row_are_two_braids():
    g = _lines(
        {
            "A": [(0, 0), (1000, 0)],
            "N1": [(1000, 0), (1500, 300), (2000, 0)],
            "S1": [(1000, 0), (1500, -300), (2000, 0)],
            "N2": [(2000, 0), (2500, 300), (3000, 0)],
            "S2": [(2000, 0), (2500, -300), (3000, 0)],
            "B": [(3000, 0), (4000, 0)],
        }
    )
    net = build_network(g)
    assert net.cycles == [Cycle((1, 2), "braid"), Cycle((3, 4), "braid")]
    assert net.upstream_length([1, 2, 2, 3, 3, 1]).tolist() == [1, 3, 3, 8, 8, 12]


def test_lake_on_the_line_drawn_as_a_ring():
    # I1, I2 meet and flow on as I into a lake at P; its shore is drawn as a ring, north
    # P->Q and south Q->P (the water can go round: a loop); O leaves the lake at Q
    g = _lines(
        {
            "I1": [(0, 1000), (1000, 0)],
            "I2": [(0, -1000), (1000, 0)],
            "I": [(1000, 0), (2000, 0)],
            "N": [(2000, 0), (2500, 800), (3500, 800), (4000, 0)],
            "S": [(4000, 0), (3500, -800), (2500, -800), (2000, 0)],
            "O": [(4000, 0), (6000, 0)],
        }
    )
    net = build_network(g)
    assert len(net.reversed_edges) == 0
    assert net.cycles == [Cycle((3, 4), "loop")]
    # the ring is one node: it takes order 2 from I and hands it on to O
    assert _by_name(g, net.strahler()) == dict(I1=1, I2=1, I=2, N=2, S=2, O=2)
    # each shore line is upstream of the other: both carry the whole lake and all above
    km = [1, 1, 1, 3, 3, 2]
    assert _by_name(g, net.upstream_length(km)) == dict(I1=1, I2=1, I=3, N=9, S=9, O=11)
    order = net.topological_order()
    assert order.index(2) < order.index(3) < order.index(5) and order.index(4) < order.index(5)
    assert net.trace_downstream(0) == [0, 2, 3, 5]  # the main path leaves the lake
    assert sorted(net.trace_upstream(5)) == [0, 1, 2, 3, 4]
    assert net.outlets().tolist() == [5]


def test_lake_drawn_as_one_closed_line():
    # I flows into a lake at P, drawn as one closed line from P round to P; O leaves at P
    g = _lines(
        {
            "I": [(0, 0), (1000, 0)],
            "L": [(1000, 0), (1500, 800), (2500, 0), (1500, -800), (1000, 0)],
            "O": [(1000, 0), (3000, 0)],
        }
    )
    net = build_network(g, split_tributaries=False)
    assert net.cycles == [Cycle((1,), "loop")]
    assert net.strahler().tolist() == [1, 1, 1]
    assert net.upstream_length([1, 4, 2]).tolist() == [1, 5, 7]
    assert net.trace_downstream(0) == [0, 2]
    assert sorted(net.trace_upstream(2)) == [0, 1]


@pytest.mark.parametrize("both_ways", [False, True])
def test_canal_joining_two_basins(both_ways):
    # basin A: A1 -> A2 -> sea; basin B: B1 -> B2 -> sea; canal K from the foot of A1 to
    # the foot of B1; drawn both ways (K and K2), the water can go round between basins
    lines = {
        "A1": [(0, 0), (2000, 0)],
        "A2": [(2000, 0), (4000, 0)],
        "B1": [(0, -3000), (2000, -3000)],
        "B2": [(2000, -3000), (4000, -3000)],
        "K": [(2000, 0), (2100, -1500), (2000, -3000)],
    }
    if both_ways:
        lines["K2"] = [(2000, -3000), (1900, -1500), (2000, 0)]
    g = _lines(lines)
    # one way, the lines form a tree with two outlets, which the topology alone would turn
    # towards one outlet: a DEM falling east and south says how the water runs
    dem = None if both_ways else (lambda x, y: -(x - X0) + (y - Y0) * 1e-3)
    net = build_network(g, dem=dem)
    assert len(net.reversed_edges) == 0
    assert sorted(net.outlets().tolist()) == [1, 3]
    assert net.strahler().tolist() == [1] * len(g)  # the canal is a minor path: counts nowhere
    km = [3, 2, 5, 1, 4] + ([4] if both_ways else [])
    got = _by_name(g, net.upstream_length(km))
    if both_ways:
        assert net.cycles == [Cycle((4, 5), "loop")]
        # K and K2 reach each other: each carries both canals and both basins' heads
        assert got == dict(A1=3, A2=2 + 3 + 8 + 5, B1=5, B2=1 + 5 + 8 + 3, K=16, K2=16)
    else:
        assert net.cycles == []
        # the canal carries A1 (it was 4 km: a minor path started afresh)
        assert got == dict(A1=3, A2=5, B1=5, B2=1 + 5 + 7, K=7)
    assert net.trace_downstream(0) == [0, 1]  # the main path stays in its basin
    assert net.trace_downstream(2) == [2, 3]
    assert 0 in net.trace_upstream(3)  # basin A drains partly into B through the canal
