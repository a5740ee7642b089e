"""Protection zones: hand-computed fixtures (HJ 338-2018 rules), demo proposals, queries."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from gis import rules
from gis._errors import InputError, UnknownNameError
from gis.channel import Channel
from gis.cli import main
from gis.network import build_network
from gis.store import GeoPackageStore
from gis.zones import (
    delineate,
    reservoir_zones,
    river_zones,
    well_radius,
    well_zones,
    write_proposals,
)
from gis.zones.query import (
    ZoneIndex,
    inside_zone,
    overlapping_zones,
    sources_without_zone,
    zones_at,
)

GK = 4544  # CGCS2000 GK zone, CM 105°E: coordinates below are metres
X, Y = 500000.0, 3400000.0
HW = 20.0  # channel half-width used by the fixtures


def channel_of(*lines) -> Channel:
    return Channel(build_network(gpd.GeoDataFrame(geometry=list(lines), crs=GK)))


def distances():
    return rules.load("river_zone_distances")


def test_straight_river_zones_match_analytic_areas():
    ch = channel_of(LineString([(X, Y), (X, Y + 10000)]))
    intake = ch.locate(Point(X + 5, Y + 5000), tolerance=50)
    z = river_zones(ch, intake, distances(), lambda e: HW)
    # level 1 water: 1000 m up + 100 m down, 2·HW wide
    assert z["level1"]["water"].area == pytest.approx(1100 * 2 * HW, rel=0.005)
    _, y0, _, y1 = z["level1"]["water"].bounds
    assert (y0, y1) == (pytest.approx(Y + 4000), pytest.approx(Y + 5100))
    assert z["level1"]["land"].area == pytest.approx(1100 * 2 * 50, rel=0.005)
    # level 2 water: 1000→3000 m up and 100→300 m down
    assert z["level2"]["water"].area == pytest.approx(2200 * 2 * HW, rel=0.005)
    total2 = 3300 * 2 * (HW + 1000) - 1100 * 2 * (HW + 50)
    assert (z["level2"]["water"].area + z["level2"]["land"].area) == pytest.approx(
        total2, rel=0.005
    )
    assert z["level2"]["water"].intersection(z["level1"]["water"]).area == pytest.approx(0, abs=1)
    assert not z["level1"]["stops"] and not z["level2"]["stops"]


def test_y_confluence_level1_goes_400m_up_both_branches():
    main_river = LineString([(X, Y), (X, Y + 10000)])
    tributary = LineString([(X - 2000, Y + 4400), (X, Y + 4400)])  # joins 600 m above the intake
    ch = channel_of(main_river, tributary)
    intake = ch.locate(Point(X, Y + 5000), tolerance=50)
    walk = ch.upstream(intake, start_m=0, end_m=1000)
    by_edge = {}
    for e, a, b in walk.pieces:
        by_edge.setdefault(ch.net.lines.geometry.iloc[e].bounds, 0.0)
        by_edge[ch.net.lines.geometry.iloc[e].bounds] += b - a
    lengths = sorted(by_edge.values())
    assert lengths == [pytest.approx(400), pytest.approx(400), pytest.approx(600)]
    z = river_zones(ch, intake, distances(), lambda e: HW)
    assert z["level1"]["lines"].length == pytest.approx(100 + 600 + 400 + 400)
    # the tributary's level 1 stretch ends 400 m up it
    assert z["level1"]["water"].bounds[0] == pytest.approx(X - 400 - 0, abs=HW + 1)


def test_intake_below_source_stops_and_records_it():
    ch = channel_of(LineString([(X, Y), (X, Y + 10000)]))
    intake = ch.locate(Point(X, Y + 300), tolerance=50)
    z = river_zones(ch, intake, distances(), lambda e: HW)
    stops = z["level1"]["stops"]
    assert [s["kind"] for s in stops] == ["source"]
    assert stops[0]["walked_m"] == pytest.approx(300)
    assert z["level1"]["lines"].length == pytest.approx(300 + 100)
    # and the walk at the county border is named as such
    border = box(X - 5000, Y + 200, X + 5000, Y + 20000)
    ch2 = Channel(ch.net, border=border)
    z2 = river_zones(ch2, ch2.locate(Point(X, Y + 300), tolerance=50), distances(), lambda e: HW)
    assert z2["level1"]["stops"][0]["kind"] == "county_border"


def reservoir_rule(scale):
    return rules.row(rules.load("reservoir_zones"), "scale", scale)


def test_small_reservoir_all_water_is_level1_with_200m_land():
    water = box(X, Y, X + 1000, Y + 500)
    z = reservoir_zones(water, Point(X + 500, Y), reservoir_rule("small2"))
    assert z["level1"]["water"].area == pytest.approx(500_000)
    assert z["level1"]["land"].area == pytest.approx(3000 * 200 + math.pi * 200**2, rel=0.005)
    assert z["level2"]["water"].area == pytest.approx(0)
    # no catchment given: a 2000 m band stands in, and the notes say so
    assert z["level2"]["land"].area == pytest.approx(
        3000 * 1800 + math.pi * (2000**2 - 200**2), rel=0.005
    )
    assert "band stands in" in z["level2"]["notes"][0]
    catchment = box(X - 3000, Y - 3000, X + 3000, Y + 3000)
    zc = reservoir_zones(water, Point(X + 500, Y), reservoir_rule("small1"), catchment=catchment)
    assert zc["level2"]["land"].area == pytest.approx(
        6000**2 - 500_000 - zc["level1"]["land"].area, rel=0.001
    )


def test_medium_reservoir_300m_around_shore_intake():
    water = box(X - 1000, Y, X + 1000, Y + 1000)
    z = reservoir_zones(water, Point(X, Y), reservoir_rule("medium"))
    assert z["level1"]["water"].area == pytest.approx(math.pi * 300**2 / 2, rel=0.005)
    # land within 200 m of the half disc's diameter: a 600×200 strip and two quarter discs
    assert z["level1"]["land"].area == pytest.approx(600 * 200 + math.pi * 200**2 / 2, rel=0.005)
    assert z["level2"]["water"].area == pytest.approx(2_000_000 - math.pi * 300**2 / 2, rel=0.005)


def test_large_reservoir_level2_water_is_2000m_beyond_level1():
    water = box(X - 5000, Y, X + 5000, Y + 5000)
    z = reservoir_zones(water, Point(X, Y), reservoir_rule("large"))
    assert z["level1"]["water"].area == pytest.approx(math.pi * 500**2 / 2, rel=0.005)
    # half disc of 2500 m, less level 1
    assert z["level2"]["water"].area == pytest.approx(math.pi * (2500**2 - 500**2) / 2, rel=0.005)


def test_well_radius_formula_and_zones():
    # R = α·K·I·T/n = 1.5 × 50 m/d × 0.002 × 100 d / 0.2 = 75 m
    assert well_radius(K=50, I=0.002, n=0.2, T=100, alpha=1.5) == pytest.approx(75.0)
    z = well_zones(Point(X, Y), {"level1": 75.0, "level2": 750.0})
    assert z["level1"]["land"].area == pytest.approx(math.pi * 75**2, rel=0.005)
    assert z["level2"]["land"].area == pytest.approx(math.pi * (750**2 - 75**2), rel=0.005)
    with pytest.raises(InputError, match="porosity"):
        well_radius(K=50, I=0.002, n=20, T=100, alpha=1.5)


def test_demo_missing_proposes_exactly_the_19_unzoned_sources(demo_path):
    store = GeoPackageStore(demo_path)
    src = store.read("water_sources")
    unzoned = set(src.loc[~src["has_official_zone"].astype(bool), "source_code"])
    assert len(unzoned) == 19
    d = delineate(store, missing=True)
    assert not d.problems
    assert set(d.zones["source_code"]) == unzoned
    assert sorted(d.zones["level"].value_counts().to_dict().items()) == [
        ("level1", 19),
        ("level2", 19),
    ]
    assert (d.zones["origin"] == "proposed").all()
    # river proposals: level 1 water is 1100 m of channel at the rule's half-width (no branch in 1
    # km)
    river = d.zones[
        d.zones["rule"].str.startswith("default:river_zone_distances")
        & (d.zones["level"] == "level1")
    ]
    assert len(river) == 7
    widths = rules.load("channel_half_width").set_index("management_level")["half_width_m"]
    assert (river["water_area_m2"] >= 1100 * 2 * widths.min() * 0.99).all()
    # level 1 and level 2 of a source never overlap
    gk = d.zones.to_crs(GK)
    for code, g in gk.groupby("source_code"):
        l1, l2 = g[g.level == "level1"].geometry.iloc[0], g[g.level == "level2"].geometry.iloc[0]
        assert l1.intersection(l2).area < 1.0, code


def test_write_proposals_keeps_official_zones(demo_copy):
    store = GeoPackageStore(demo_copy)
    before = store.read("protection_zones")
    d = delineate(store, sources=["512099S067"])
    assert write_proposals(store, d.zones) == 2
    write_proposals(store, d.zones)  # again: replaces, does not duplicate
    after = store.read("protection_zones")
    assert len(after) == len(before) + 2
    official = after[after.origin == "official"].sort_values("zone_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(
        official.drop(columns="geometry"),
        before.sort_values("zone_id").reset_index(drop=True).drop(columns="geometry"),
    )
    assert sources_without_zone(store).set_index("source_code").loc["512099S067", "has_proposal"]


def test_bad_input_gives_clear_messages(demo_path, demo_copy):
    store = GeoPackageStore(demo_path)
    with pytest.raises(UnknownNameError, match="512099S999"):
        delineate(store, sources=["512099S999"])
    # an intake moved 2 km off its river is reported, not drawn
    moved = GeoPackageStore(demo_copy)
    src = moved.read("water_sources")
    i = src.index[src.source_code == "512099S022"][0]
    g = src.to_crs(GK)
    g.loc[i, "geometry"] = Point(g.geometry.loc[i].x + 2000, g.geometry.loc[i].y)
    moved.write({"water_sources": g.to_crs(4490)})
    d = delineate(moved, sources=["512099S022"])
    assert d.zones.empty
    assert (
        d.problems[0]["source_code"] == "512099S022"
        and "more than the tolerance" in d.problems[0]["reason"]
    )


def test_zones_query_cli_json(demo_path, capsys):
    store = GeoPackageStore(demo_path)
    q7 = store.read("quarries").set_index("quarry_id").geometry.loc["512099Q007"]
    assert (
        main(["zones", "query", "--data", str(demo_path), "--point", f"{q7.x},{q7.y}", "--json"])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["point"] == [pytest.approx(q7.x), pytest.approx(q7.y)]
    assert out["zones"] == [{"source_code": "512099S001", "level": "level2", "origin": "official"}]
    # in no zone: an empty list
    q12 = store.read("quarries").set_index("quarry_id").geometry.loc["512099Q012"]
    assert (
        main(["zones", "query", "--data", str(demo_path), "--point", f"{q12.x},{q12.y}", "--json"])
        == 0
    )
    assert json.loads(capsys.readouterr().out)["zones"] == []
    # GK coordinates with --crs give the same answer
    gk = gpd.GeoSeries([q7], crs=4490).to_crs(GK).iloc[0]
    assert (
        main(
            [
                "zones",
                "query",
                "--data",
                str(demo_path),
                "--point",
                f"{gk.x},{gk.y}",
                "--crs",
                "EPSG:4544",
                "--json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["zones"][0]["source_code"] == "512099S001"


@pytest.mark.parametrize(
    "point, message",
    [
        ("105.3;30.2", "is not a point"),
        ("100.0,30.0", "outside the county"),
        ("30.25,105.35", "swapped"),
    ],
)
def test_zones_query_bad_points(demo_path, capsys, point, message):
    assert main(["zones", "query", "--data", str(demo_path), "--point", point]) == 2
    assert message in capsys.readouterr().err


def test_inside_zone_and_overlaps(demo_path):
    store = GeoPackageStore(demo_path)
    inside = inside_zone(store, "512099S001-L2")
    assert "512099Q007" in set(inside["quarries"]["quarry_id"])
    assert "512099S001" not in set(
        inside["water_sources"]["source_code"]
    )  # its intake is in level 1
    assert len(inside["villages"]) >= 1
    # every official zone pair of one source is excluded; pairs listed are of different sources
    ov = overlapping_zones(store)
    assert (ov["source_a"] != ov["source_b"]).all()
    with pytest.raises(UnknownNameError):
        inside_zone(store, "nope")


def test_zone_index_equals_sjoin():
    rng = np.random.default_rng(1)
    polys = [
        Point(rng.uniform(0, 10000), rng.uniform(0, 10000)).buffer(rng.uniform(200, 2000))
        for _ in range(40)
    ]
    polys.append(box(0, 0, 3000, 3000).difference(box(1000, 1000, 2000, 2000)))  # a hole
    zones = gpd.GeoDataFrame({"zone_id": range(len(polys))}, geometry=polys, crs=GK)
    x, y = rng.uniform(-500, 10500, 50_000), rng.uniform(-500, 10500, 50_000)
    x[:3], y[:3] = (
        [1000, 1500, 3000],
        [1500, 1500, 100],
    )  # on a hole's edge, in a hole, on the outer edge
    p, z = ZoneIndex(zones, cells=64).classify(x, y)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=GK)
    j = gpd.sjoin(pts, zones, predicate="intersects")
    ref = sorted(zip(j.index, j.index_right, strict=True))
    assert list(zip(p.tolist(), z.tolist(), strict=True)) == ref
    assert 1 not in p[z == len(polys) - 1]  # the point in the hole is in no ring zone


def test_zones_at_needs_a_crs(demo_path):
    with pytest.raises(InputError, match="no CRS"):
        zones_at(GeoPackageStore(demo_path), gpd.GeoSeries([Point(105.3, 30.2)]))


def test_zones_delineate_cli_json_and_write(demo_copy, capsys):
    assert main(["zones", "delineate", "--data", str(demo_copy), "--missing", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["proposals"]) == 38
    assert set(out["proposals"][0]) == {"source_code", "level", "area_m2", "rule", "notes"}
    assert (
        len(GeoPackageStore(demo_copy).read("protection_zones")) == 106
    )  # nothing saved without --write
    assert (
        main(["zones", "delineate", "--data", str(demo_copy), "--source", "512099S070", "--write"])
        == 0
    )
    zones = GeoPackageStore(demo_copy).read("protection_zones")
    assert sorted(zones.loc[zones.origin == "proposed", "zone_id"]) == [
        "512099S070-L1-proposed",
        "512099S070-L2-proposed",
    ]
    capsys.readouterr()
    assert main(["zones", "delineate", "--data", str(demo_copy), "--source", "512099S999"]) == 2
    assert "unknown source code '512099S999'" in capsys.readouterr().err


def test_zones_query_cli_layer_file(demo_path, tmp_path, capsys):
    store = GeoPackageStore(demo_path)
    q = store.read("quarries").set_index("quarry_id").loc[["512099Q007", "512099Q012"]]
    path = tmp_path / "sites.geojson"
    q.reset_index()[["quarry_id", "geometry"]].to_file(path, driver="GeoJSON")
    assert main(["zones", "query", "--data", str(demo_path), "--layer", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [f["row"] for f in out["features"]] == [1, 2]
    assert (
        out["features"][0]["zones"][0]["source_code"] == "512099S001"
        and out["features"][1]["zones"] == []
    )


def test_dem_keeps_land_inside_the_catchment(demo_path, tmp_path):
    from gis import datasets
    from gis.dem import Dem

    store = GeoPackageStore(demo_path)
    dem = Dem.load(datasets.get_path("demo_dem"))
    plain = delineate(store, sources=["512099S022", "512099S049"]).zones.set_index("zone_id")
    clipped = delineate(store, sources=["512099S022", "512099S049"], dem=dem).zones.set_index(
        "zone_id"
    )
    river_l2 = "512099S022-L2-proposed"
    # same channel, less land: the band stops at the divide
    assert clipped.loc[river_l2, "water_area_m2"] == pytest.approx(
        plain.loc[river_l2, "water_area_m2"]
    )
    assert clipped.loc[river_l2, "land_area_m2"] < plain.loc[river_l2, "land_area_m2"]
    assert "watershed divide" in clipped.loc[river_l2, "notes"]
    # a small reservoir's level 2 land is its catchment: all of it drains to the reservoir
    assert "upstream catchment" in clipped.loc["512099S049-L2-proposed", "notes"]
    assert "band stands in" in plain.loc["512099S049-L2-proposed", "notes"]
    # a 3×3 DEM draining to its centre: the centre's catchment is all nine 100 m cells
    z = np.array([[3, 2, 3], [2, 1, 2], [3, 2, 3]], dtype=float)
    from gis.dem import Grid

    bowl = Dem(z, np.ones_like(z, dtype=bool), Grid(0.0, 300.0, 100.0, z.shape), GK)
    assert bowl.catchment([150.0], [150.0]).area == pytest.approx(9 * 100**2)
    assert bowl.catchment([50.0], [250.0]).area == pytest.approx(100**2)
    bad = tmp_path / "bad_dem.npz"
    np.savez(bad, dem=np.zeros((2, 2)))
    with pytest.raises(InputError, match="lacks"):
        Dem.load(bad)


def test_read_places_from_a_zipped_shapefile_and_without_a_crs(demo_path, tmp_path):
    import zipfile

    from gis.zones.query import read_places

    q = (
        GeoPackageStore(demo_path)
        .read("quarries")
        .set_index("quarry_id")
        .loc[["512099Q007", "512099Q012"]]
    )
    shp = tmp_path / "sites.shp"
    q.reset_index()[["quarry_id", "geometry"]].to_file(shp)
    with zipfile.ZipFile(tmp_path / "sites.zip", "w") as z:
        for f in tmp_path.glob("sites.*"):
            if f.suffix != ".zip":
                z.write(f, f.name)
    places = read_places(tmp_path / "sites.zip")
    found = zones_at(GeoPackageStore(demo_path), places)
    assert [z["zone_id"] for z in found[0]] == ["512099S001-L2"] and found[1] == []
    shp.with_suffix(".prj").unlink()
    with pytest.raises(InputError, match=r"sites.shp.*no CRS.*give the CRS"):
        read_places(shp)
    assert read_places(shp, crs="EPSG:4490").crs.to_epsg() == 4490
    (tmp_path / "empty.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(InputError, match="no features"):
        read_places(tmp_path / "empty.geojson")
