"""The Store protocol, held alike by the GeoPackage, Memory and PostGIS stores: every demo
layer comes back as written, appends and replaces, facts and versions, windows, and a
refused write that changes nothing."""

from __future__ import annotations

import zlib

import geopandas as gpd
import pandas as pd
import pandas.testing as pdt
import pytest
import shapely

from gis._errors import StoreError
from gis.store import GeoPackageStore, MemoryStore

KINDS = ("gpkg", "memory", "postgis")


@pytest.fixture(params=KINDS)
def new_store(request, tmp_path):
    """``new_store()``: an empty store of this kind, of a county no other test uses."""
    code = f"8{zlib.crc32(request.node.nodeid.encode()) % 100000:05d}"

    def make():
        if request.param == "gpkg":
            return GeoPackageStore(tmp_path / f"{code}.gpkg")
        if request.param == "memory":
            return MemoryStore()
        from gis.store_pg import PostGISStore

        return PostGISStore(f"{request.getfixturevalue('pg_url')}&county={code}")

    make.code = code  # type: ignore[attr-defined]
    return make


@pytest.fixture(scope="module")
def demo_layers(demo_path) -> dict[str, pd.DataFrame]:
    s = GeoPackageStore(demo_path)
    return {n: s.read(n) for n in s.layers()}


def test_every_demo_layer_comes_back_as_written(new_store, demo_layers):
    store = new_store()
    store.write(demo_layers, meta={"county_code": new_store.code, "county_name": "示范县"})
    assert store.layers() == list(demo_layers)
    for name, frame in demo_layers.items():
        pdt.assert_frame_equal(store.read(name), frame, check_dtype=True, obj=name)
    assert store.meta()["county_code"] == new_store.code
    assert len(store.read("patrols")) == 0  # a layer not held reads empty, with its columns


def test_append_replace_facts_and_versions(new_store, demo_layers):
    rivers = demo_layers["rivers"]
    store = new_store()
    seen = {store.version()}
    store.write({"rivers": rivers.head(3)}, meta={"county_code": new_store.code})
    seen.add(store.version())
    store.write({"rivers": rivers.iloc[3:5]}, mode="append", meta={"as_of": "2026-12-01"})
    seen.add(store.version())
    assert store.read("rivers")["river_code"].tolist() == rivers["river_code"].head(5).tolist()
    store.write({"rivers": rivers.iloc[[7]]})
    seen.add(store.version())
    assert store.read("rivers")["river_code"].tolist() == [rivers["river_code"].iloc[7]]
    assert len(seen) == 4  # every write a new version
    meta = store.meta()
    assert meta["county_code"] == new_store.code and meta["as_of"] == "2026-12-01"


def test_a_window_reads_every_river_inside_it(new_store, demo_layers):
    rivers = demo_layers["rivers"]
    store = new_store()
    store.write({"rivers": rivers})
    x0, y0, x1, y1 = rivers.total_bounds
    window = (x0 + 0.25 * (x1 - x0), y0 + 0.25 * (y1 - y0), x0 + 0.5 * (x1 - x0), y1)
    got = set(store.read("rivers", bbox=window)["river_code"])
    box = shapely.box(*window)
    inside = set(rivers.loc[rivers.intersects(box), "river_code"])  # plain geopandas
    near = set(rivers.loc[rivers.envelope.intersects(box), "river_code"])
    assert inside and inside <= got <= near


def test_a_refused_write_changes_nothing(new_store, demo_layers):
    store = new_store()
    store.write({"rivers": demo_layers["rivers"].head(4)}, meta={"county_code": new_store.code})
    before = (store.read("rivers"), store.layers(), store.version())
    wrong = demo_layers["admin_units"].to_crs(4326)  # refused: not CGCS2000
    with pytest.raises(StoreError):
        store.write({"rivers": demo_layers["rivers"], "admin_units": wrong})
    pdt.assert_frame_equal(store.read("rivers"), before[0])
    assert (store.layers(), store.version()) == before[1:]


def test_other_columns_and_blank_shapes_are_kept(new_store, demo_layers):
    rivers = demo_layers["rivers"].head(3).copy()
    rivers["note"] = [None, None, "x"]  # columns the catalogue lacks, the first blank first
    rivers["remark"] = ["有 '引号' 与 <b>", None, "第三"]
    rivers.loc[rivers.index[1], "geometry"] = None
    rivers = gpd.GeoDataFrame(rivers, geometry="geometry", crs=4490)
    store = new_store()
    store.write({"rivers": rivers})
    back = store.read("rivers")
    assert back["remark"].tolist() == rivers["remark"].tolist()
    assert back["note"].isna().tolist() == [True, True, False] and back["note"].iloc[2] == "x"
    cols = list(back.columns)
    assert cols.index("note") < cols.index("remark")  # in the order written
    assert back.geometry.isna().tolist() == [False, True, False]
