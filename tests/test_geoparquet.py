"""GeoParquet exchange: a province file of reaches read back whole, by county and by window
gives exactly the rows plain geopandas filtering gives, and a county read touches only the
row groups of that county."""

from __future__ import annotations

import json
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pytest
import shapely

from gis import find_gaps
from gis._errors import InputError
from gis.io.geoparquet import read_geoparquet, write_geoparquet
from gis.store import GeoPackageStore

N_COUNTIES = 4
ROWS = 500  # per row group: a county's 1,454 village reaches fill three


@pytest.fixture(scope="module")
def province(demo_path, tmp_path_factory):
    """The demo's village reaches as four counties side by side (shifted 1.5° east each),
    written as one GeoParquet file: (path, the frame written)."""
    reaches = find_gaps(GeoPackageStore(demo_path), level="village").reaches.to_crs(4490)
    parts = []
    for i in range(N_COUNTIES):
        part = reaches.copy()
        part["county_code"] = f"5121{i:02d}"
        part["geometry"] = shapely.transform(
            part.geometry.values, lambda xy, i=i: xy + [1.5 * i, 0]
        )
        parts.append(part)
    frame = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=4490)
    frame = frame.sample(frac=1, random_state=1).reset_index(drop=True)  # written unsorted
    path = tmp_path_factory.mktemp("gpq") / "province.parquet"
    write_geoparquet(frame, path, row_group_rows=ROWS)
    return path, frame


def _key(df: pd.DataFrame) -> list[tuple]:
    return sorted(zip(df["county_code"], df["reach_id"], strict=True))


def test_a_full_read_gives_back_every_row_and_value(province):
    path, frame = province
    back = read_geoparquet(path)
    assert back.crs.to_epsg() == 4490 and len(back) == len(frame)
    both = frame.merge(
        back, on=["county_code", "reach_id"], suffixes=("", "_back"), validate="one_to_one"
    )
    assert len(both) == len(frame)
    assert (both["length_m"] == both["length_m_back"]).all()
    assert shapely.equals_exact(
        both.geometry.values, gpd.GeoSeries(both["geometry_back"]).values, tolerance=0
    ).all()


def test_a_county_read_is_that_county_and_skips_the_others(province):
    path, frame = province
    code = "512102"
    got = read_geoparquet(path, county_code=code)
    assert _key(got) == _key(frame[frame["county_code"] == code])
    meta = pq.ParquetFile(path).metadata
    col = meta.schema.names.index("county_code")
    hit = [
        g
        for g in range(meta.num_row_groups)
        if meta.row_group(g).column(col).statistics.min
        <= code
        <= meta.row_group(g).column(col).statistics.max
    ]
    rows = int((frame["county_code"] == code).sum())
    # sorted by county: its rows sit in as few row groups as they fill, plus one boundary
    assert len(hit) <= -(-rows // ROWS) + 1 < meta.num_row_groups


def test_a_window_read_is_every_row_whose_box_meets_it(province):
    path, frame = province
    x0, y0, x1, y1 = frame.total_bounds
    window = (x0 + 0.1, y0 + 0.1, x0 + 0.3, y0 + 0.25)
    got = read_geoparquet(path, bbox=window)
    b = frame.bounds  # the reference: plain geopandas on the frame written
    meets = (
        (b["minx"] <= window[2])
        & (b["maxx"] >= window[0])
        & (b["miny"] <= window[3])
        & (b["maxy"] >= window[1])
    )
    assert len(got) > 0 and _key(got) == _key(frame[meets])


def test_files_that_cannot_be_read_so_are_refused(tmp_path, province):
    text = tmp_path / "x.parquet"
    text.write_text("not parquet")
    plain = tmp_path / "plain.parquet"
    pd.DataFrame({"a": [1]}).to_parquet(plain)
    nocover = tmp_path / "nocover.parquet"
    gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(1, 1)], crs=4490).to_parquet(nocover)
    for path, kw, code in [
        (text, {}, "geoparquet.unreadable"),
        (plain, {}, "geoparquet.no_geo"),
        (nocover, {"county_code": "1"}, "geoparquet.no_county"),
        (nocover, {"bbox": (0, 0, 2, 2)}, "geoparquet.no_covering"),
    ]:
        with pytest.raises(InputError) as e:
            read_geoparquet(path, **kw)
        assert e.value.code == code and str(path) in str(e.value)
    assert len(read_geoparquet(nocover)) == 1  # a whole read needs no covering column


def test_gaps_out_parquet_writes_geoparquet_per_table(tmp_path):
    out = tmp_path / "g.parquet"
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "gis.cli",
            "gaps",
            "--level",
            "township",
            "--json",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    unassigned = read_geoparquet(tmp_path / "g.unassigned.parquet")
    assert len(unassigned) == len(json.loads(p.stdout)["unassigned"]) == 5
    assert pd.read_parquet(tmp_path / "g.by_township.parquet").shape[0] > 0


def test_rows_without_a_shape_are_kept(tmp_path):
    f = gpd.GeoDataFrame(
        {"county_code": ["2", "1", "1"], "n": [1, "x", None]},  # a mixed column, as registers
        geometry=[shapely.Point(1, 1), None, shapely.Point()],
        crs=4490,
    )
    back = read_geoparquet(write_geoparquet(f, tmp_path / "n.parquet"))
    assert back["county_code"].tolist() == ["1", "1", "2"]  # by county, shapes kept in order
    assert back.geometry.isna().sum() == 1 and back.geometry.is_empty.sum() == 1
    assert back["n"].tolist()[::2] == ["x", "1"] and pd.isna(back["n"][1])
