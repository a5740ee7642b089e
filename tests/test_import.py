"""The importer on hostile files the tests build, and on real public data.

Every bad input must give an error that names the file, row and field, say why and
what to do, and leave the store exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import LineString, Point, Polygon

from gis._errors import CRSError, InputError
from gis.io.importer import import_file
from gis.store import GeoPackageStore


def _sha(p) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _sources(n=3, x0=105.30) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "source_code": [f"S{i:03d}" for i in range(n)],
            "name": [f"青龙镇{i}号水厂" for i in range(n)],
            "source_type": ["river"] * n,
            "population_served": [1000 + i for i in range(n)],
            "has_official_zone": [True] * n,
        },
        geometry=[Point(x0 + i * 0.01, 30.3) for i in range(n)],
        crs=4490,
    )


def test_gbk_shapefile_without_cpg_decodes(tmp_path):
    shp = tmp_path / "gbk.shp"
    pyogrio.write_dataframe(_sources(), shp, encoding="GBK")
    shp.with_suffix(".cpg").unlink()
    assert "青龙".encode("gbk") in shp.with_suffix(".dbf").read_bytes()  # really GBK on disk
    rep = import_file(shp, "water_sources", data=tmp_path / "s.gpkg")
    assert rep.exit_code == 0 and rep.accepted == 3
    assert any("GBK" in n for n in rep.notes)
    names = GeoPackageStore(tmp_path / "s.gpkg").read("water_sources")["name"].tolist()
    assert names == ["青龙镇0号水厂", "青龙镇1号水厂", "青龙镇2号水厂"]


def test_missing_prj_is_refused_with_guidance_then_accepted_with_crs(tmp_path):
    shp = tmp_path / "noprj.shp"
    pyogrio.write_dataframe(_sources(), shp)
    shp.with_suffix(".prj").unlink()
    store = tmp_path / "s.gpkg"
    with pytest.raises(CRSError) as err:
        import_file(shp, "water_sources", data=store)
    msg = str(err.value)
    assert "noprj.shp" in msg and "no CRS" in msg and "EPSG:4490" in msg and "give the CRS" in msg
    assert err.value.code == "input.crs_missing" and "--" not in msg  # the CLI adds its flag
    assert not store.exists()
    rep = import_file(shp, "water_sources", data=store, crs="EPSG:4490")
    assert rep.accepted == 3


def test_zone_prefixed_gauss_kruger_gets_a_specific_hint(tmp_path):
    g = _sources().to_crs(4523)  # CGCS2000 GK zone 35, eastings 35xxxxxx
    shp = tmp_path / "gk.shp"
    pyogrio.write_dataframe(g, shp)
    shp.with_suffix(".prj").unlink()
    with pytest.raises(CRSError, match="EPSG:4523"):
        import_file(shp, "water_sources", data=tmp_path / "s.gpkg")


def test_csv_with_swapped_lon_lat_is_detected(tmp_path, demo_copy):
    csv = tmp_path / "sources.csv"
    pd.DataFrame(
        {
            "source_code": ["A1", "A2"],
            "名称": ["甲水厂", "乙水厂"],
            "source_type": ["河流型", "river"],
            "population_served": [1200, 3400],
            "has_official_zone": ["是", "否"],
            "经度": [30.31, 30.32],
            "纬度": [105.21, 105.22],
        }
    ).to_csv(csv, index=False)
    before = _sha(demo_copy)
    rep = import_file(csv, "water_sources", data=demo_copy)
    assert rep.accepted == 0 and len(rep.rejected) == 2 and rep.exit_code == 1
    assert [p.row for p in rep.rejected] == [2, 3]  # spreadsheet row numbers
    assert all("swapped" in p.reason and p.code == "row.swapped" for p in rep.rejected)
    assert all(p.fix.endswith("say that the file has latitude first") for p in rep.rejected)
    assert _sha(demo_copy) == before
    rejects = pd.read_csv(rep.rejects_file)
    assert list(rejects["_row"]) == [2, 3] and rejects["_reason"].str.contains("swapped").all()
    rep = import_file(csv, "water_sources", data=demo_copy, swap_xy=True)
    assert rep.accepted == 2
    got = GeoPackageStore(demo_copy).read("water_sources").set_index("source_code").loc["A1"]
    assert (got.geometry.x, got.geometry.y) == pytest.approx((105.21, 30.31))
    assert got["source_type"] == "river" and got["has_official_zone"] == True  # noqa: E712 (pandas boolean)


def test_self_intersecting_polygon_is_repaired_and_reported(tmp_path):
    bowtie = Polygon([(105.0, 30.0), (105.1, 30.1), (105.1, 30.0), (105.0, 30.1)])
    assert not bowtie.is_valid
    g = gpd.GeoDataFrame({"range_id": ["G1"], "river_code": ["R1"]}, geometry=[bowtie], crs=4490)
    path = tmp_path / "ranges.geojson"
    g.to_file(path)
    rep = import_file(path, "management_ranges", data=tmp_path / "s.gpkg")
    assert rep.accepted == 1 and len(rep.repaired) == 1
    assert "Self-intersection" in rep.repaired[0].reason and rep.repaired[0].row == 1
    stored = GeoPackageStore(tmp_path / "s.gpkg").read("management_ranges").geometry.iloc[0]
    assert stored.is_valid and len(stored.geoms) == 2
    assert stored.area == pytest.approx(0.005)  # two triangles of 0.0025 square degrees each


def test_truncated_shapefile_keeps_what_was_readable(tmp_path):
    shp = tmp_path / "cut.shp"
    pyogrio.write_dataframe(_sources(50), shp)
    data = shp.read_bytes()
    shp.write_bytes(data[: len(data) // 2])
    rep = import_file(shp, "water_sources", data=tmp_path / "s.gpkg")
    assert rep.exit_code == 1
    assert rep.accepted + len(rep.rejected) == 50
    assert 0 < rep.accepted < 50
    assert all("truncated" in p.reason for p in rep.rejected)
    assert len(GeoPackageStore(tmp_path / "s.gpkg").read("water_sources")) == rep.accepted


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg"])
def test_truncated_files_are_reported_and_store_unchanged(tmp_path, demo_copy, suffix):
    path = tmp_path / f"cut{suffix}"
    _sources(50).to_file(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = _sha(demo_copy)
    with pytest.raises(InputError) as err:
        import_file(path, "water_sources", data=demo_copy)
    assert f"cut{suffix}" in str(err.value) and "Fix:" in str(err.value)
    assert _sha(demo_copy) == before


@pytest.mark.parametrize("name", ["empty.csv", "empty.geojson", "empty.shp", "empty.xlsx"])
def test_empty_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        import_file(path, "water_sources", data=tmp_path / "s.gpkg")


def test_no_store_given_is_a_refusal_that_says_what_to_pass(tmp_path):
    """Neither ``store=`` nor ``data=``: an InputError naming the fix, not a TypeError."""
    path = tmp_path / "s.csv"
    path.write_text("name,lon,lat\nA,105.3,30.3\n", encoding="utf-8")
    with pytest.raises(InputError, match="no county store given") as err:
        import_file(path, "water_sources")
    assert "data=" in str(err.value)
    assert list(tmp_path.iterdir()) == [path]  # nothing written anywhere


def test_zip_with_parent_paths_is_refused(tmp_path, demo_copy):
    z = tmp_path / "evil.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("ok/rivers.geojson", "{}")
        zf.writestr("../../escaped.txt", "gotcha")
    before = _sha(demo_copy)
    with pytest.raises(InputError, match="path traversal"):
        import_file(z, "rivers", data=demo_copy)
    assert (
        not (tmp_path.parent / "escaped.txt").exists() and not (tmp_path / "escaped.txt").exists()
    )
    assert _sha(demo_copy) == before


def test_zip_bigger_than_the_cap_is_refused(tmp_path):
    from gis.io import archive

    z = tmp_path / "big.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.csv", "x" * 5000)
    with pytest.raises(InputError, match="more than 1000 bytes"):
        archive.safe_extract(z, tmp_path / "out", max_bytes=1000)


def test_zipped_shapefile_imports(tmp_path):
    pyogrio.write_dataframe(_sources(), tmp_path / "src.shp", encoding="GBK")
    z = tmp_path / "src.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for ext in ("shp", "shx", "dbf", "prj"):  # no .cpg: encoding must be detected
            zf.write(tmp_path / f"src.{ext}", f"data/src.{ext}")
    rep = import_file(z, "water_sources", data=tmp_path / "s.gpkg")
    assert rep.accepted == 3 and rep.file.endswith("src.zip!src.shp")
    assert (
        GeoPackageStore(tmp_path / "s.gpkg").read("water_sources")["name"].iloc[0]
        == "青龙镇0号水厂"
    )


def test_register_xlsx_with_merged_headers_dms_and_ocr_digits(tmp_path, demo_copy):
    store = GeoPackageStore(demo_copy)
    towns = store.read("admin_units").query("level == 'township'").sort_values("admin_code")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["示范县河长名录（2026年）"])
    ws.merge_cells("A1:E1")
    ws.append(["姓名", "职务", "联系电话", "乡镇", "级别"])
    ws.append(["赵一", "镇长", "100-0000-7001", towns["name"].iloc[0], "镇级"])
    ws.append(["钱二", "副镇长", "100-0000-7002", towns["name"].iloc[1], "镇乡级"])
    ws.append([None, None, None, None, None])
    ws.append(["孙三", "副镇长", "100-0000-7003", "不存在乡", "镇级"])
    path = tmp_path / "register.xlsx"
    wb.save(path)
    n_before = len(store.read("chiefs"))
    rep = import_file(path, "chiefs", data=demo_copy)
    assert rep.accepted == 2 and len(rep.rejected) == 1
    bad = rep.rejected[0]
    assert (bad.row, bad.field) == (6, "admin_code") and "不存在乡" in bad.reason
    chiefs = store.read("chiefs")
    assert len(chiefs) == n_before + 2
    new = chiefs.tail(2)
    assert list(new["admin_code"]) == list(towns["admin_code"].iloc[:2])
    assert list(new["level"]) == ["township", "township"]

    # a point register in degrees-minutes-seconds with OCR look-alike digits
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        [
            "source_code",
            "名称",
            "source_type",
            "population_served",
            "has_official_zone",
            "经度",
            "纬度",
        ]
    )
    ws.append(["X1", "甲水厂", "地下水型", "IOl0", "否", "105°18′36″", "30°18′00″N"])
    path = tmp_path / "dms.xlsx"
    wb.save(path)
    rep = import_file(path, "water_sources", data=demo_copy)
    assert rep.accepted == 1 and any("OCR" in p.reason for p in rep.repaired)
    row = store.read("water_sources").set_index("source_code").loc["X1"]
    assert row["population_served"] == 1010
    assert (row.geometry.x, row.geometry.y) == pytest.approx((105.31, 30.3))


def test_bad_values_are_rejected_row_by_row(tmp_path):
    csv = tmp_path / "q.csv"
    pd.DataFrame(
        {
            "quarry_id": ["Q1", "Q2", "Q2", "Q4"],
            "name": ["a", "b", "c", "d"],
            "status": ["operating", "挖沙中", "closed", "closed"],
            "has_weighbridge": ["是", "是", "maybe", "否"],
            "has_video": ["否"] * 4,
            "lon": [105.3] * 4,
            "lat": [30.3] * 4,
        }
    ).to_csv(csv, index=False)
    rep = import_file(csv, "quarries", data=tmp_path / "s.gpkg")
    assert rep.accepted == 2  # Q1 and Q4
    # the first problem of each row is reported: row 4 is also a duplicate id
    assert {(p.row, p.field) for p in rep.rejected} == {(3, "status"), (4, "has_weighbridge")}
    assert all(p.fix for p in rep.rejected)


# --- real public data ------------------------------------------------------------------


def test_nhdplus_walker_with_independent_answers(realdata, tmp_path):
    src = realdata / "nhdplus" / "walker.gpkg"
    raw = gpd.read_file(src)
    blank = raw["GNIS_NAME"].map(
        lambda v: v is None or not str(v).strip()
    )  # NHDPlus writes " " for no name
    unnamed = int(blank.sum())
    assert unnamed == 33
    store = tmp_path / "us.gpkg"
    kw = dict(
        data=store,
        field_map={"COMID": "river_code", "GNIS_NAME": "name"},
        defaults={"management_level": "village", "in_register": "否"},
    )
    rep = import_file(src, "rivers", **kw)  # US data: refused as outside China
    assert rep.accepted == 0 and len(rep.rejected) == 62
    assert any("outside China" in p.reason for p in rep.rejected)
    rep = import_file(src, "rivers", allow_outside_china=True, **kw)
    # unnamed lines are kept as unnamed connectors (issue 15), not refused
    assert rep.read == 62 and rep.rejected == [] and rep.accepted == 62
    assert sum(p.field == "line_kind" for p in rep.repaired) == unnamed
    got = GeoPackageStore(store).read("rivers")
    assert (got["line_kind"] == "connector").sum() == unnamed
    got = got[got["line_kind"].isna()]
    named = raw[~blank]
    # walker.gpkg's lines are simplified (shorter than LENGTHKM), so compare with the
    # geodesic length of the source geometries on the ellipsoid: import must not distort them
    from pyproj import Geod

    geod = Geod(ellps="GRS80")
    want = sum(geod.geometry_length(g) for g in named.geometry) / 1000
    got_km = sum(geod.geometry_length(g) for g in got.geometry) / 1000
    assert got_km == pytest.approx(want, rel=1e-4)
    assert set(got["river_code"]) == set(named["COMID"].astype(int).astype(str))


def test_nhdplus_unknown_datum_multilinestrings(realdata, tmp_path):
    src = realdata / "nhdplus" / "new_hope.gpkg"
    rep = import_file(
        src,
        "rivers",
        data=tmp_path / "us.gpkg",
        allow_outside_china=True,
        field_map={"COMID": "river_code"},
        defaults={"name": "unnamed", "management_level": "village", "in_register": "否"},
    )
    assert rep.read == 746
    assert any("datum" in n and "not named" in n for n in rep.notes)
    assert rep.accepted + len(rep.rejected) == 746 and rep.accepted >= 740
    raw = gpd.read_file(src)
    got = GeoPackageStore(tmp_path / "us.gpkg").read("rivers")
    kept = raw[raw["COMID"].astype(str).isin(got["river_code"])]
    utm = got.estimate_utm_crs()
    assert got.to_crs(utm).length.sum() / 1000 == pytest.approx(kept["LENGTHKM"].sum(), rel=0.01)


def test_gpx_tracks_into_patrols(realdata, tmp_path):
    src = realdata / "gpx" / "cerknicko-jezero.gpx"
    rep = import_file(
        src,
        "patrols",
        data=tmp_path / "p.gpkg",
        allow_outside_china=True,
        defaults={"chief_id": "C1"},
    )
    empty = gpd.read_file(src, layer="tracks").geometry.is_empty
    assert (
        rep.read == 8 and rep.accepted == 8 - int(empty.sum()) == 7
    )  # the first track has no points
    assert [p.row for p in rep.rejected] == [1] and "no geometry" in rep.rejected[0].reason
    pts = import_file(
        src,
        "patrol_points",
        data=tmp_path / "p.gpkg",
        allow_outside_china=True,
        source_layer="track_points",
        field_map={"track_fid": "patrol_id", "track_seg_point_id": "seq"},
    )
    assert pts.accepted == 296


def test_cli_exit_codes_and_messages(tmp_path):
    shp = tmp_path / "noprj.shp"
    pyogrio.write_dataframe(_sources(), shp)
    shp.with_suffix(".prj").unlink()
    run = [
        sys.executable,
        "-m",
        "gis.cli",
        "import",
        str(shp),
        "--layer",
        "water_sources",
        "--data",
        str(tmp_path / "s.gpkg"),
    ]
    p = subprocess.run(run, capture_output=True, text=True)
    assert p.returncode == 2 and "Traceback" not in p.stderr and "--crs" in p.stderr
    p = subprocess.run(run + ["--crs", "EPSG:4490", "--json"], capture_output=True, text=True)
    assert p.returncode == 0 and json.loads(p.stdout)["accepted"] == 3
    p = subprocess.run(
        run + ["--crs", "EPSG:4490"], capture_output=True, text=True
    )  # same ids again
    assert p.returncode == 1 and "already exists" in p.stdout


def test_lines_are_not_points(tmp_path):
    g = gpd.GeoDataFrame(
        {
            "source_code": ["L1"],
            "name": ["x"],
            "source_type": ["river"],
            "population_served": [1000],
            "has_official_zone": [False],
        },
        geometry=[LineString([(105.3, 30.3), (105.4, 30.4)])],
        crs=4490,
    )
    g.to_file(tmp_path / "l.geojson")
    rep = import_file(tmp_path / "l.geojson", "water_sources", data=tmp_path / "s.gpkg")
    assert rep.rejected[0].reason == "geometry is LineString; layer needs Point"


def test_damaged_geopackage_is_salvaged_record_by_record(tmp_path):
    import sqlite3

    path = tmp_path / "damaged.gpkg"
    _sources(10).to_file(path, layer="src")
    con = sqlite3.connect(path)
    for (name,) in con.execute("select name from sqlite_master where type='trigger'").fetchall():
        con.execute(f'drop trigger "{name}"')  # the rtree triggers need SpatiaLite functions
    con.execute(
        "update src set name = CAST(X'FFFE41' AS TEXT) where fid = 7"
    )  # not UTF-8: bulk read fails
    con.execute(
        "update src set geom = X'4750000100000000DEADBEEF' where fid = 4"
    )  # a broken geometry blob
    con.commit()
    con.close()
    with pytest.raises(UnicodeDecodeError):
        pyogrio.read_dataframe(path)
    rep = import_file(path, "water_sources", data=tmp_path / "s.gpkg")
    assert any(
        "salvaging record by record" in n and getattr(n, "code", "") == "note.salvaging_encoding"
        for n in rep.notes
    )
    assert rep.read == 10 and rep.accepted == 8
    assert [(p.row, p.field) for p in rep.rejected] == [(4, "geometry"), (7, "name")]
    got = GeoPackageStore(tmp_path / "s.gpkg").read("water_sources")["source_code"].tolist()
    assert got == [
        "S000",
        "S001",
        "S002",
        "S004",
        "S005",
        "S007",
        "S008",
        "S009",
    ]  # fid = row, S-codes count from 0


def test_kml_points(tmp_path):
    kml = tmp_path / "boards.kml"
    kml.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>P1</name><ExtendedData><Data name="placed_by"><value>township</value></Data>
<Data name="chief_name"><value>王建国</value></Data><Data name="chief_phone"><value>100-0000-0001</value></Data></ExtendedData>
<Point><coordinates>105.3000,30.3000,0</coordinates></Point></Placemark>
<Placemark><name>P2</name><ExtendedData><Data name="placed_by"><value>镇乡</value></Data>
<Data name="chief_name"><value>李华</value></Data><Data name="chief_phone"><value>100-0000-0002</value></Data></ExtendedData>
<Point><coordinates>30.3100,105.3100,0</coordinates></Point></Placemark>
</Document></kml>""",  # noqa: E501 -- KML as Google Earth writes it
        encoding="utf-8",
    )
    rep = import_file(kml, "signboards", data=tmp_path / "s.gpkg", field_map={"Name": "board_id"})
    assert rep.accepted == 1 and rep.rejected[0].row == 2 and "swapped" in rep.rejected[0].reason
    got = GeoPackageStore(tmp_path / "s.gpkg").read("signboards").iloc[0]
    assert (got.board_id, got.chief_name, got.geometry.x, got.geometry.y) == (
        "P1",
        "王建国",
        105.3,
        30.3,
    )


def test_dry_run_reports_like_an_import_and_writes_nothing(tmp_path, demo_copy):
    csv = tmp_path / "sources.csv"
    pd.DataFrame(
        {
            "source_code": ["A1", "A2", "A3"],
            "名称": ["甲水厂", "乙水厂", "丙水厂"],
            "source_type": ["river"] * 3,
            "population_served": [1200, 3400, 900],
            "has_official_zone": ["否"] * 3,
            "经度": [105.31, 30.32, 105.33],
            "纬度": [30.21, 105.22, 30.23],
        }
    ).to_csv(csv, index=False)
    before = _sha(demo_copy)
    dry = import_file(
        csv, "water_sources", data=demo_copy, dry_run=True, rejects=tmp_path / "r.csv"
    )
    assert (dry.read, dry.accepted, [p.row for p in dry.rejected], dry.written) == (
        3,
        2,
        [3],
        False,
    )
    assert "dry run" in " ".join(dry.notes) and _sha(demo_copy) == before
    real = import_file(csv, "water_sources", data=demo_copy, rejects=tmp_path / "r.csv")
    assert (real.accepted, len(real.rejected), real.written) == (2, 1, True)
    assert len(GeoPackageStore(demo_copy).read("water_sources")) == 72 + 2


def test_export_every_layer(tmp_path, demo_path):
    from gis.io.findings import export_store

    store = GeoPackageStore(demo_path)
    (xlsx,) = export_store(store, tmp_path / "county.xlsx")
    sheets = pd.read_excel(xlsx, sheet_name=None)
    for name in ("rivers", "chiefs", "assignments", "signboards"):
        assert len(sheets[name]) == len(store.read(name)), name
    assert len(sheets["rivers"]) == 337 and len(sheets["signboards"]) == 502  # the seed's inventory
    full = store.read("rivers").geometry.to_wkt()
    rivers = sheets["rivers"]
    long = (
        full.str.len() > 32767
    )  # an Excel cell holds no more: left out and said so, never cut short
    assert long.sum() == 1 and (rivers["wkt"].fillna("") == "").eq(long).all()
    assert rivers.loc[long, "wkt_note"].str.contains("GeoPackage").all()
    assert (rivers.loc[~long, "wkt"] == full[~long]).all()
    csvs = export_store(store, tmp_path / "county.csv", layers=["reservoirs", "chiefs"])
    assert [f.name for f in csvs] == ["county.reservoirs.csv", "county.chiefs.csv"]
    assert len(pd.read_csv(csvs[0])) == 101
    with pytest.raises(KeyError, match="rivers"):
        export_store(store, tmp_path / "x.csv", layers=["river"])
    (masked,) = export_store(
        store, tmp_path / "masked.gpkg", layers=["chiefs", "signboards"], mask_phones=True
    )
    chiefs = GeoPackageStore(masked).read("chiefs")
    assert chiefs["phone"].str.fullmatch(r"100-\*{4}-\d{4}").all() and len(chiefs) == 2137
    assert (
        GeoPackageStore(masked)
        .read("signboards")["chief_phone"]
        .str.contains("****", regex=False)
        .all()
    )


def test_downloads_are_the_file_or_a_zip_of_the_csvs(tmp_path, demo_path):
    import io
    import zipfile

    from gis.io.findings import as_download, export_store

    store = GeoPackageStore(demo_path)
    data = as_download(
        lambda out: export_store(store, out, layers=["reservoirs", "chiefs"]), "county.csv"
    )
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert sorted(z.namelist()) == ["county.chiefs.csv", "county.reservoirs.csv"]
        assert (
            len(pd.read_csv(z.open("county.chiefs.csv"))) == 2137
        )  # 24 + 329 + 1784, the seed's chiefs
    xlsx = as_download(lambda out: export_store(store, out, layers=["reservoirs"]), "county.xlsx")
    assert len(pd.read_excel(io.BytesIO(xlsx), sheet_name="reservoirs")) == 101


def test_a_dry_run_against_the_shipped_demo_writes_nothing_beside_it(tmp_path, monkeypatch):
    """Why: the rejects of a check against the demo went into its folder (site-packages when
    installed); they go to the working folder instead."""
    from pathlib import Path

    from gis import datasets

    monkeypatch.chdir(tmp_path)
    demo = datasets.get_path("demo")
    before = sorted(p.name for p in demo.parent.rglob("*"))
    csv = tmp_path / "boards.csv"
    csv.write_text(
        "board_id,placed_by,chief_name,chief_phone,lon,lat\nB1,county,王平,13812345678,30.3,105.3\n"
    )
    rep = import_file(csv, "signboards", data=demo, dry_run=True)
    assert rep.rejected and Path(rep.rejects_file).parent == tmp_path / "rejects"
    assert sorted(p.name for p in demo.parent.rglob("*")) == before
