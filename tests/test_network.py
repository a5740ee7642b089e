"""The river network engine against authoritative answers: USGS NHDPlus attributes,
and hand-made lines with known geometry."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from gis._errors import InputError
from gis.linref import Rivers, format_k, parse_k
from gis.network import build_network


def _nhd(realdata, name):
    g = gpd.read_file(realdata / "nhdplus" / name)
    if "Divergence" in g:
        g = g[g["Divergence"] != 9].reset_index(drop=True)  # 9 = coastline, not a flowline
    return g


@pytest.mark.parametrize("name", ["walker.gpkg", "new_hope.gpkg", "coastal_example.gpkg"])
def test_nhdplus_topology_order_and_ends(realdata, name):
    g = _nhd(realdata, name)
    net = build_network(g, main_path=g["Divergence"].to_numpy() == 1, split_tributaries=False)
    assert len(net.reversed_edges) == 0  # NHDPlus digitises every line downstream
    # Strahler order equals StreamOrde
    assert (net.strahler() == g["StreamOrde"].to_numpy()).all()
    # the next line downstream is the one DnHydroseq names (None where it leaves the extract)
    by_hydroseq = dict(zip(g["Hydroseq"], range(len(g)), strict=True))
    want = [by_hydroseq.get(h) for h in g["DnHydroseq"]]
    assert [net.next_downstream(e) for e in range(net.n)] == want
    # outlets are the terminal flowlines, and lines whose downstream line is outside the extract
    outlets = set(net.outlets().tolist())
    assert outlets == {e for e, w in enumerate(want) if w is None}
    assert set(np.nonzero(g["TerminalFl"].to_numpy() == 1)[0]) <= outlets
    assert set(net.headwaters().tolist()) == set(np.nonzero(g["StartFlag"].to_numpy() == 1)[0])


def test_nhdplus_arbolate_sum(realdata):
    # dendritic Walker Creek: total upstream length equals ArbolateSu within 1%
    g = _nhd(realdata, "walker.gpkg")
    net = build_network(g, split_tributaries=False)
    total = net.upstream_length(
        g["LENGTHKM"].to_numpy()
    )  # the file's lines are simplified: use LENGTHKM
    assert np.allclose(total, g["ArbolateSu"], rtol=0.01)
    assert len(net.outlets()) == 1 == int(g["TerminalFl"].sum())
    assert len(net.trace_upstream(int(net.outlets()[0]))) == len(g) - 1


@pytest.mark.parametrize("name", ["walker.gpkg", "new_hope.gpkg", "coastal_example.gpkg"])
def test_nhdplus_arbolate_sum_on_every_flowline(realdata, name):
    # ArbolateSu is each line plus every distinct line upstream: below a split too (new_hope
    # COMID 8893726 was 0.023 km against 193.882 km when a minor path started afresh)
    g = _nhd(realdata, name)  # coastlines (ArbolateSu -9999, not flowlines) are left out
    net = build_network(g, main_path=g["Divergence"].to_numpy() == 1, split_tributaries=False)
    total = net.upstream_length(g["LENGTHKM"].to_numpy())
    assert np.allclose(total, g["ArbolateSu"], rtol=0.01)
    if name == "new_hope.gpkg":
        e = int(np.nonzero(g["COMID"].to_numpy() == 8893726)[0][0])
        assert total[e] == pytest.approx(193.882, rel=1e-3)


@pytest.mark.parametrize("name", ["new_hope.gpkg", "coastal_example.gpkg"])
def test_nhdplus_braids_are_reported_and_upstream_length_needs_no_hint(realdata, name):
    g = gpd.read_file(realdata / "nhdplus" / name)  # coastlines in
    net = build_network(g, split_tributaries=False)  # no Divergence hint
    assert net.cycles and all(c.kind == "braid" for c in net.cycles)  # no way round
    # each braid holds a minor path of NHDPlus (Divergence 2): the other branch of its split
    minor = g["Divergence"].to_numpy() == 2
    assert all(minor[list(c.lines)].any() for c in net.cycles)
    flowline = g["ArbolateSu"].to_numpy() >= 0  # coastlines have none (-9999)
    total = net.upstream_length(g["LENGTHKM"].to_numpy())
    assert np.allclose(total[flowline], g["ArbolateSu"][flowline], rtol=0.01)


def test_diversions_are_handled_and_main_path_followed(realdata):
    g = gpd.read_file(realdata / "nhdplus" / "diversions.geojson")
    net = build_network(g, split_tributaries=False)  # not a tree: no crash, directions as drawn
    from_node = {}
    for i, v in enumerate(g["fromnode"]):
        from_node.setdefault(v, []).append(i)
    assert all(
        sorted(net.downstream(e)) == sorted(from_node.get(g["tonode"].iloc[e], []))
        for e in range(net.n)
    )
    assert len(net.main_downstream) == 16 and net.strahler().min() == 1
    hinted = build_network(g, main_path=g["divergence"].to_numpy() == 1, split_tributaries=False)
    for e in net.headwaters():
        path = hinted.trace_downstream(int(e))
        assert all(
            g["divergence"].iloc[p] != 2
            for p in path[1:]
            if len(hinted.upstream(p)) == 1 and len(hinted.downstream(hinted.upstream(p)[0])) > 1
        ), "the main path never takes a minor branch"
        assert hinted.next_downstream(path[-1]) is None


# --- hand-made networks -------------------------------------------------------------------


def _lines(*coords, crs=4544):
    return gpd.GeoDataFrame(
        {"river_code": [f"R{i}" for i in range(len(coords))]},
        geometry=[LineString(c) for c in coords],
        crs=crs,
    )


def test_line_digitised_upstream_is_detected():
    # a Y: two headwaters join and flow east; the second headwater is drawn backwards
    g = _lines(
        [(500000, 3400000), (501000, 3400000)],
        [(500000, 3401000), (501000, 3400000)][::-1],
        [(501000, 3400000), (503000, 3400000)],
    )
    net = build_network(g)
    assert net.reversed_edges.tolist() == [1]
    assert (net.issues["kind"] == "digitised_upstream").sum() == 1
    assert net.outlets().tolist() == [2] and sorted(net.headwaters().tolist()) == [0, 1]
    assert sorted(net.trace_upstream(2)) == [0, 1] and net.trace_downstream(1) == [1, 2]
    assert net.strahler().tolist() == [1, 1, 2]


def test_snapping_and_near_miss_and_crossing_reports():
    g = _lines(
        [(500000, 3400000), (501000, 3400000)],
        [(501000.4, 3400000.3), (502000, 3400000)],
        [(500500, 3400500), (500500, 3399990)],  # ends 10 m short of line 0: a near miss
        [(501500, 3400500), (501500, 3399500)],
    )  # crosses line 1 with no node
    net = build_network(g, snap_tolerance=1.0, near_miss=20.0)
    assert net.downstream(0) == [1]  # 0.5 m apart: snapped into one node
    kinds = net.issues["kind"].tolist()
    assert "near_miss" in kinds and "crossing_without_node" in kinds


def test_loop_is_reported_not_raised_and_zero_length_is_refused():
    ring = _lines([(0, 0), (1000, 0)], [(1000, 0), (1000, 1000)], [(1000, 1000), (0, 0)], crs=32648)
    net = build_network(ring)
    assert [(c.lines, c.kind) for c in net.cycles] == [((0, 1, 2), "loop")]
    assert sorted(net.topological_order()) == [0, 1, 2] and net.strahler().tolist() == [1, 1, 1]
    assert net.upstream_length([1, 2, 3]).tolist() == [6, 6, 6]
    with pytest.raises(InputError, match="zero length"):
        build_network(_lines([(500000, 3400000), (500000, 3400000)]))


def test_chainage_k_notation_locate_and_extract():
    assert (
        format_k(5064) == "K5+064"
        and format_k(0) == "K0+000"
        and format_k(12345.6, decimals=1) == "K12+345.6"
    )
    assert parse_k("K5+064") == 5064 and parse_k(" k12 + 345.5 ") == 12345.5
    with pytest.raises(InputError, match="K5\\+064"):
        parse_k("5.064 km")
    rivers = Rivers(_lines([(500000, 3400000), (503000, 3400000), (503000, 3404000)]))
    assert rivers.length("R0") == 7000
    loc = rivers.locate(Point(503030, 3401000))
    assert (loc.river_code, loc.chainage_m, loc.offset_m, loc.k) == ("R0", 4000, 30, "K4+000")
    part = rivers.extract("R0", 2500, 4500)
    assert (
        part.length == pytest.approx(2000)
        and part.coords[0] == (502500, 3400000)
        and part.coords[-1] == (503000, 3401500)
    )
    assert rivers.locate(Point(510000, 3400000), max_distance=50) is None
    with pytest.raises(InputError, match="outside river R0"):
        rivers.extract("R0", 0, 7100)


def test_demo_rivers_split_at_confluences_into_a_tree(demo_path):
    from gis.store import GeoPackageStore

    rivers = GeoPackageStore(demo_path).read("rivers")
    net = build_network(rivers)
    assert len(net.reversed_edges) == 0  # the generator digitises from source to mouth
    # pieces map back to rivers and cover each river exactly once
    pieces = net.lines.groupby("source_row").agg(
        first=("from_m", "min"), last=("to_m", "max"), n=("from_m", "size")
    )
    lengths = net.lines.groupby("source_row").geometry.apply(lambda s: s.length.sum())
    full = rivers.to_crs(4544).length.to_numpy()
    assert (
        np.allclose(pieces["first"], 0)
        and np.allclose(pieces["last"], full[pieces.index])
        and np.allclose(lengths, full[lengths.index])
    )
    # every tributary's last piece flows into a piece of the river it names
    codes = rivers["river_code"].to_numpy()
    for e in range(net.n):
        row = net.lines["source_row"].iloc[e]
        down = net.next_downstream(e)
        if down is None:
            assert net.lines["to_m"].iloc[e] == pytest.approx(full[row]) and pd.isna(
                rivers["flows_into"].iloc[row]
            )
        elif net.lines["source_row"].iloc[down] != row:
            assert codes[net.lines["source_row"].iloc[down]] == rivers["flows_into"].iloc[row]
    assert len(net.headwaters()) == 337  # one source per river


def test_dem_decides_flow_and_disconnected_pieces_are_reported():
    # drawn from the mouth up; a DEM rising to the east says the water flows west
    g = _lines([(503000, 3400000), (500000, 3400000)], [(510000, 3410000), (511000, 3410000)])
    net = build_network(g, dem=lambda x, y: (x - 500000) / 10.0)
    assert net.reversed_edges.tolist() == [1]  # line 0 is drawn east->west: with the flow
    assert net.outlets().tolist() == [0, 1]
    pieces = net.issues[net.issues["kind"] == "disconnected_piece"]
    assert pieces["edge"].tolist() == [1] and "1000 m" in pieces["detail"].iloc[0]


def test_reach_chainage_on_collinear_segments_by_hand():
    """A straight river drawn with many collinear vertices, cut by two townships at
    x = 1234.5: the cut is found on the right segment (not on its collinear neighbour)."""
    import geopandas as gpd
    from shapely.geometry import LineString, box

    from gis.reaches import segment

    crs = "EPSG:4544"
    river = gpd.GeoDataFrame(
        {"river_code": ["R1"], "name": ["直河"], "management_level": ["township"]},
        geometry=[LineString([(500_000 + x, 3_300_000) for x in range(0, 3001, 100)])],
        crs=crs,
    )
    admin = gpd.GeoDataFrame(
        {
            "admin_code": ["C", "T1", "T2"],
            "name": ["县", "甲镇", "乙镇"],
            "level": ["county", "township", "township"],
            "parent_code": [None, "C", "C"],
        },
        geometry=[
            box(499_000, 3_299_000, 504_000, 3_301_000),
            box(499_000, 3_299_000, 501_234.5, 3_301_000),
            box(501_234.5, 3_299_000, 504_000, 3_301_000),
        ],
        crs=crs,
    )
    reaches, _ = segment(river, admin, level="township")
    got = reaches[["admin_code", "from_m", "to_m"]].values.tolist()
    assert got == [["T1", 0.0, 1234.5], ["T2", 1234.5, 3000.0]]
    assert reaches.geometry.length.tolist() == pytest.approx([1234.5, 1765.5], abs=1e-6)


@pytest.mark.parametrize("marked", [2, 3])
def test_main_path_hint_follows_its_line_when_a_tributary_cuts_the_lines(marked):
    """``main_path`` has one entry per input line; cutting line 0 at a tributary's mouth
    shifts the edges, and the hint must still name the arm the user marked."""
    lines = gpd.GeoDataFrame(
        {"name": list("MTABO")},
        geometry=[
            LineString([(500000, 3350000), (502000, 3350000)]),
            LineString([(501000, 3351000), (501000, 3350000)]),  # ends on M: M is cut
            LineString([(502000, 3350000), (502500, 3350500), (503000, 3350000)]),
            LineString([(502000, 3350000), (502500, 3349400), (503000, 3350000)]),
            LineString([(503000, 3350000), (504000, 3350000)]),
        ],
        crs=4544,
    )
    net = build_network(lines, main_path=[i == marked for i in range(5)])
    assert net.n == 6
    (main,) = net.main_downstream.values()
    assert net.lines["source_row"].iloc[main] == marked


def test_main_path_of_the_wrong_length_is_refused():
    lines = gpd.GeoDataFrame(
        geometry=[LineString([(500000, 3350000), (502000, 3350000)])], crs=4544
    )
    with pytest.raises(InputError) as exc:
        build_network(lines, main_path=[True, False])
    assert exc.value.code == "network.main_path_length"
