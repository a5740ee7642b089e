"""``riverchief network`` (issue 15 item 6): the network of any store, as strict JSON or as
Chinese text, never an exception — the demo, partial stores, a store without rivers, and
rivers the engine cannot use."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from gis.cli import main
from gis.store import GeoPackageStore

KEYS = {
    "rivers",
    "line_kinds",
    "arcs",
    "nodes",
    "components",
    "outlets",
    "cycles",
    "strahler_max",
    "problems",
}


def _json(capsys, *argv) -> dict:
    assert main(["network", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out, parse_constant=lambda c: 1 / 0)


def test_demo_network_json(capsys, demo_path):
    d = _json(capsys, "--data", str(demo_path))
    assert set(d) == KEYS
    # the demo generator plants 337 rivers, one source each, and no cycle
    assert d["rivers"] == 337 and d["line_kinds"]["river"] == 337 and d["cycles"] == []
    assert d["arcs"] >= d["rivers"] and d["outlets"] == d["components"] >= 1
    assert d["strahler_max"] >= 2
    # each river basin leaving the county is a piece of its own: all problems are those (146
    # tributary ends overshooting their main river by micrometres were crossings before)
    assert [p["kind"] for p in d["problems"]] == ["disconnected_piece"] * (d["components"] - 1)


@pytest.mark.parametrize("kind", ["boundary_only", "no_villages", "no_townships", "clean"])
def test_partial_stores(capsys, partial_store, kind):
    d = _json(capsys, "--data", str(partial_store(kind)))
    assert set(d) == KEYS
    if kind == "boundary_only":  # no rivers at all: said so, nothing counted
        assert d["rivers"] == d["arcs"] == d["outlets"] == 0 and d["strahler_max"] is None
        assert [p["kind"] for p in d["problems"]] == ["no_rivers"]
    elif kind == "clean":  # one river
        assert (d["rivers"], d["arcs"], d["outlets"], d["strahler_max"]) == (1, 1, 1, 1)
        assert d["problems"] == []


def _store_with(tmp_path, demo_path, rivers: gpd.GeoDataFrame):
    meta = GeoPackageStore(demo_path).meta()
    path = tmp_path / "net.gpkg"
    keep = ("county_code", "county_name", "gk_epsg", "as_of", "crs")
    GeoPackageStore(path).write({"rivers": rivers}, meta={k: meta[k] for k in keep})
    return path


def test_braid_lake_connector_and_a_bad_line(capsys, tmp_path, demo_path):
    x, y = 105.3, 30.3  # degrees; about 100 m per 0.001
    line = lambda *c: LineString([(x + a / 1000, y + b / 1000) for a, b in c])  # noqa: E731
    rivers = gpd.GeoDataFrame(
        {
            "river_code": ["R1", "R2", "R3", "R4", "L1", "K1", "Z1"],
            "name": ["甲河", "甲河", "甲河", "甲河", "白湖", None, "坏线"],
            "management_level": ["county"] * 4 + [None, None, "village"],
            "in_register": [True] * 4 + [False, False, True],
            "line_kind": ["river"] * 4 + ["waterbody", "connector", None],
        },
        geometry=[
            line((0, 0), (10, 0)),
            line((10, 0), (20, 5), (30, 0)),  # round an island (a braid) ...
            line((10, 0), (20, -5), (30, 0)),
            line((30, 0), (40, 0)),
            line((40, 0), (50, 0)),  # ... then through a lake (its centre-line)
            line((50, 0), (60, 0)),  # and an unnamed connector out of it
            Point(x, y),  # not a line: a problem, not an exception
        ],
        crs=4490,
    )
    d = _json(capsys, "--data", str(_store_with(tmp_path, demo_path, rivers)))
    # the lake's line and the connector join the network but are not rivers; the point is
    # left out and reported
    assert d["rivers"] == 4
    assert d["line_kinds"] == {"river": 4, "waterbody": 1, "connector": 1, "coastline": 0}
    assert d["cycles"] == [{"arcs": [1, 2], "kind": "braid", "rivers": ["R2", "R3"]}]
    assert (d["arcs"], d["outlets"], d["components"], d["strahler_max"]) == (6, 1, 1, 1)
    assert [(p["kind"], p["river_code"]) for p in d["problems"]] == [("no_line", "Z1")]


def test_text_is_chinese_by_default(capsys, monkeypatch, demo_path):
    monkeypatch.delenv("RIVERCHIEF_LANG")
    assert main(["network", "--data", str(demo_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("河流(条)：337\n") and "最高 Strahler 河流级别：" in out
    assert main(["--lang", "en", "network", "--data", str(demo_path)]) == 0
    assert capsys.readouterr().out.startswith("Rivers: 337\n")
