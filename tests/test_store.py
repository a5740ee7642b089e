"""The county store: schema round-trips, atomic writes, CRS discipline.

Transactions are tested in test_store_tx.py.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, box

from gis import catalogue, store
from gis._errors import StoreError
from gis.store import GeoPackageStore

GEOMS = {
    "Point": Point(105.3, 30.3),
    "LineString": LineString([(105.3, 30.3), (105.31, 30.32)]),
    "MultiLineString": MultiLineString([[(105.3, 30.3), (105.31, 30.32)]]),
    "MultiPolygon": MultiPolygon([box(105.3, 30.3, 105.31, 30.31)]),
}


def _example(layer: catalogue.Layer) -> pd.DataFrame:
    row = {f.name: layer.example.get(f.name) for f in layer.fields}
    df = pd.DataFrame([row])
    if layer.geometry:
        return gpd.GeoDataFrame(df, geometry=[GEOMS[layer.geometry]], crs=4490)
    return df


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_layer_round_trips_its_example_row(tmp_path):
    s = GeoPackageStore(tmp_path / "c.gpkg")
    s.write({layer.name: _example(layer) for layer in catalogue.LAYERS})
    assert set(s.layers()) == set(catalogue.LAYER_NAMES)
    for layer in catalogue.LAYERS:
        back = s.read(layer.name)
        assert list(back.columns[: len(layer.fields)]) == layer.field_names
        for f in layer.fields:
            want = layer.example.get(f.name)
            got = back[f.name].iloc[0]
            if want is None:
                assert got is None or pd.isna(got), (layer.name, f.name)
            elif f.dtype == "float":
                assert got == pytest.approx(want), (layer.name, f.name)
            else:
                assert got == want, (layer.name, f.name)
        if layer.geometry:
            assert back.crs.to_epsg() == 4490
            assert back.geometry.iloc[0].equals_exact(GEOMS[layer.geometry], 1e-9)


def test_examples_use_valid_codes():
    for layer in catalogue.LAYERS:
        for f in layer.fields:
            v = layer.example.get(f.name)
            if f.codes and v is not None:
                assert v in f.codes, (layer.name, f.name, v)


def test_failed_write_leaves_file_byte_for_byte_unchanged(tmp_path, monkeypatch):
    path = tmp_path / "c.gpkg"
    s = GeoPackageStore(path)
    s.write({"chiefs": _example(catalogue.get_layer("chiefs"))})
    before = _sha(path)
    real = store._write_layer
    calls = []

    def flaky(p, name, df):
        calls.append(name)
        if len(calls) == 2:  # fail in the middle of a two-layer write
            raise OSError("disk full (simulated)")
        real(p, name, df)

    monkeypatch.setattr(store, "_write_layer", flaky)
    with pytest.raises(StoreError, match="unchanged"):
        s.write(
            {
                "rivers": _example(catalogue.get_layer("rivers")),
                "reservoirs": _example(catalogue.get_layer("reservoirs")),
            }
        )
    assert _sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.gpkg"]  # no temp file left behind
    assert s.layers() == ["chiefs"]


@pytest.mark.parametrize("kind", ["gpkg", "memory"])
def test_append_and_replace(tmp_path, kind):
    s = GeoPackageStore(tmp_path / "c.gpkg") if kind == "gpkg" else store.MemoryStore()
    one = _example(catalogue.get_layer("chiefs"))
    s.write({"chiefs": one})
    two = one.assign(chief_id="X2", name="李四")
    s.write({"chiefs": two}, mode="append")
    assert list(s.read("chiefs")["chief_id"]) == ["512099C001", "X2"]
    s.write({"chiefs": two}, mode="replace")
    assert list(s.read("chiefs")["chief_id"]) == ["X2"]


def test_refuses_other_crs_with_the_fix(tmp_path):
    s = GeoPackageStore(tmp_path / "c.gpkg")
    gk = _example(catalogue.get_layer("rivers")).to_crs(4544)
    with pytest.raises(StoreError, match=r"to_crs\(4490\)"):
        s.write({"rivers": gk})
    assert not (tmp_path / "c.gpkg").exists()


def test_missing_layer_reads_empty_with_schema(tmp_path):
    s = GeoPackageStore(tmp_path / "c.gpkg")
    df = s.read("quarries")
    assert len(df) == 0 and "has_weighbridge" in df.columns and df.crs.to_epsg() == 4490


def test_unknown_layer_lists_valid_names():
    with pytest.raises(KeyError, match="valid names: admin_units, rivers"):
        catalogue.get_layer("river")


@pytest.mark.parametrize("kind", ["gpkg", "memory"])
def test_meta_round_trip(tmp_path, kind):
    s = GeoPackageStore(tmp_path / "c.gpkg") if kind == "gpkg" else store.MemoryStore()
    s.write({"chiefs": _example(catalogue.get_layer("chiefs"))}, meta={"county_name": "示范县"})
    s.write({"chiefs": _example(catalogue.get_layer("chiefs"))}, meta={"as_of": "2026-10-01"})
    assert s.meta()["county_name"] == "示范县" and s.meta()["as_of"] == "2026-10-01"


def test_layers_readme_is_the_generated_catalogue():
    from gis.catalogue_doc import to_markdown

    text = (Path(__file__).resolve().parents[1] / "layers" / "README.md").read_text()
    assert text.strip() == to_markdown().strip(), (
        "regenerate: riverchief layers --markdown > layers/README.md"
    )
    for layer in catalogue.LAYERS:
        assert f"`{layer.name}`" in text, layer.name
        assert layer.zh in text, layer.zh
        for f in layer.fields:
            assert f"`{f.name}`" in text, (layer.name, f.name)


def test_memory_store_has_the_same_interface_and_checks(demo_path):
    import pytest

    from gis._errors import StoreError, UnknownNameError
    from gis.store import GeoPackageStore, MemoryStore

    demo = GeoPackageStore(demo_path)
    rivers = demo.read("rivers")
    mem = MemoryStore({"rivers": rivers}, meta={"county_code": "512099"})
    assert mem.layers() == ["rivers"] and mem.meta()["county_code"] == "512099"
    assert len(mem.read("rivers")) == 337 and mem.read("quarries").empty
    mem.write({"rivers": rivers.iloc[:10]}, mode="append")
    assert len(mem.read("rivers")) == 347
    with pytest.raises(StoreError, match="to_crs"):
        mem.write({"rivers": rivers.to_crs(4544)})
    with pytest.raises(UnknownNameError):
        mem.read("no_such_layer")
