"""Hostile and broken inputs (issue 12): every one is refused or rejected with a clear
InputError naming the file, the limit or the row, and the store is left unchanged.

The files are built here, small. Where the finding was about size, the limits of the
rule table are lowered through ``$RIVERCHIEF_IMPORT_LIMITS`` (the county override) so
the same code path is exercised on a file of a few kilobytes.
"""

from __future__ import annotations

import json
import struct
import zipfile

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import LineString, Point

from gis import rules
from gis._errors import InputError
from gis.io import archive, encoding, limits
from gis.io.importer import import_file
from gis.patrols.read import read_tracks
from gis.store import GeoPackageStore


@pytest.fixture()
def set_limits(tmp_path, monkeypatch):
    """Lower some import limits through a county override file."""

    def _set(**values: int) -> None:
        table = rules.load("import_limits")
        for k, v in values.items():
            assert k in set(table["name"]), k
            table.loc[table["name"] == k, "value"] = v
        path = tmp_path / "limits.csv"
        table.to_csv(path, index=False)
        monkeypatch.setenv(limits.ENV, str(path))

    return _set


def _register(n: int = 3, **extra) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_code": [f"A{i}" for i in range(n)],
            "名称": [f"甲{i}水厂" for i in range(n)],
            "source_type": ["river"] * n,
            "population_served": [100 + i for i in range(n)],
            "has_official_zone": ["是"] * n,
            "经度": [105.3 + i * 0.01 for i in range(n)],
            "纬度": [30.3] * n,
            **extra,
        }
    )


# --- XLSX without bounds --------------------------------------------------------------------


def _xlsx(tmp_path, name="r.xlsx", rows=3, merge=None, far=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    df = _register(rows)
    ws.append(list(df.columns))
    for r in df.itertuples(index=False):
        ws.append(list(r))
    if far:
        ws[far] = "far"
    if merge:
        ws.merge_cells(merge)
    path = tmp_path / name
    wb.save(path)
    return path


def test_xlsx_far_cell_is_refused_with_the_limit_and_the_fix(tmp_path):
    path = _xlsx(tmp_path, far="XFD1048576")  # the cell Excel cannot go beyond
    with pytest.raises(InputError) as err:
        import_file(path, "water_sources", data=tmp_path / "s.gpkg", dry_run=True)
    msg = str(err.value)
    assert (
        "r.xlsx" in msg
        and "cell XFD1048576" in msg
        and "16,384" in msg
        and "max_columns" in msg
        and "CSV" in msg
    )


def test_xlsx_far_cell_within_the_column_limit_reads_sparse(tmp_path):
    path = _xlsx(tmp_path, far="Z900000")  # far down, one cell: a row of its own, not 900,000 rows
    rep = import_file(path, "water_sources", data=tmp_path / "s.gpkg", dry_run=True)
    assert rep.read == 4 and rep.accepted == 3
    assert [p.row for p in rep.rejected] == [900000]


def _with_merge(path, ref: str) -> None:
    """Add a merged range to the sheet's XML directly (openpyxl would build every cell of it)."""
    buf = {}
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            buf[info.filename] = zf.read(info)
    sheet = "xl/worksheets/sheet1.xml"
    buf[sheet] = buf[sheet].replace(
        b"</sheetData>",
        f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode(),
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in buf.items():
            zf.writestr(name, data)


def test_xlsx_huge_merged_range_is_clipped_to_the_data(tmp_path):
    path = _xlsx(tmp_path, rows=3)
    _with_merge(path, "A3:XFD1048576")  # to the last cell of the sheet, as a hostile file does it
    rep = import_file(path, "water_sources", data=tmp_path / "s.gpkg", dry_run=True)
    # the merge covers the rows that hold data (3 and 4), clipped to the used columns: both take the
    # top-left value 'A1' everywhere and are rejected row by row -- read at once, not 17 billion
    # cells
    assert rep.read == 3 and rep.accepted == 1
    assert [p.row for p in rep.rejected] == [3, 4]


def test_xlsx_merged_township_cells_fill_the_rows_below(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    df = _register(3)
    ws.append(list(df.columns))
    for r in df.itertuples(index=False):
        ws.append(list(r))
    ws["C2"], ws["C3"], ws["C4"] = "river", None, None
    ws.merge_cells("C2:C4")  # 水源类型 merged over three rows, as registers do
    path = tmp_path / "v.xlsx"
    wb.save(path)
    rep = import_file(path, "water_sources", data=tmp_path / "s.gpkg")
    assert rep.accepted == 3
    assert (
        GeoPackageStore(tmp_path / "s.gpkg").read("water_sources")["source_type"].tolist()
        == ["river"] * 3
    )


@pytest.mark.parametrize(
    ("limit", "value", "rows"),
    [("max_rows", 50, 60), ("xlsx_max_cells", 300, 60), ("xlsx_max_part_bytes", 5000, 60)],
)
def test_xlsx_over_a_limit_is_refused_naming_it(tmp_path, set_limits, limit, value, rows):
    path = _xlsx(tmp_path, rows=rows)
    set_limits(**{limit: value})
    with pytest.raises(InputError) as err:
        import_file(path, "water_sources", data=tmp_path / "s.gpkg", dry_run=True)
    assert limit in str(err.value) and f"{value:,}" in str(err.value) and "Fix:" in str(err.value)


def test_xlsx_far_column_over_the_dense_cell_limit(tmp_path, set_limits):
    path = _xlsx(tmp_path, rows=40, far="ZZ2")  # 41 rows x 702 columns once the grid is dense
    set_limits(xlsx_max_cells=10_000)
    with pytest.raises(InputError, match="xlsx_max_cells"):
        import_file(path, "water_sources", data=tmp_path / "s.gpkg", dry_run=True)


# --- tracebacks that must be InputErrors ----------------------------------------------------


def test_zip_member_named_dot_is_refused(tmp_path):
    z = tmp_path / "dot.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr(".", "x")
        zf.writestr("a.csv", "lon,lat\n105,30\n")
    with pytest.raises(InputError, match="no file name"):
        import_file(z, "water_sources", data=tmp_path / "s.gpkg")


def test_zip_with_a_file_then_a_folder_of_the_same_name_is_refused(tmp_path):
    z = tmp_path / "ff.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a", "x")
        zf.writestr("a/b.csv", "lon,lat\n105,30\n")
    with pytest.raises(InputError, match="both as a file and as a folder"):
        import_file(z, "water_sources", data=tmp_path / "s.gpkg")


def test_zip_with_a_member_twice_is_refused(tmp_path):
    z = tmp_path / "dup.zip"
    # zipfile warns about the duplicate name it is told to write
    with pytest.warns(UserWarning), zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a.csv", "lon,lat\n105,30\n")
        zf.writestr("a.csv", "lon,lat\n1,2\n")
    with pytest.raises(InputError, match="archive holds 'a.csv' twice"):
        import_file(z, "water_sources", data=tmp_path / "s.gpkg")


def test_nan_and_infinite_coordinates_are_rejected_rows(tmp_path):
    csv = tmp_path / "nan.csv"
    _register(4).assign(经度=["nan", "inf", "-inf", "105.3"]).to_csv(csv, index=False)
    rep = import_file(csv, "water_sources", data=tmp_path / "s.gpkg")
    assert rep.accepted == 1
    assert [(p.row, p.field) for p in rep.rejected] == [(2, "lon"), (3, "lon"), (4, "lon")]
    assert all("not a finite number" in p.reason for p in rep.rejected)


def test_nan_vertex_in_a_vector_file_is_a_rejected_feature(tmp_path):
    g = gpd.GeoDataFrame(
        {
            "river_code": ["R1", "R2"],
            "name": ["甲河", "乙河"],
            "management_level": ["county"] * 2,
            "in_register": [True] * 2,
        },
        geometry=[
            LineString([(105.3, 30.3), (np.nan, 30.4), (105.5, 30.5)]),
            LineString([(105.3, 30.3), (105.4, 30.4)]),
        ],
        crs=4490,
    )
    path = tmp_path / "nan.gpkg"
    g.to_file(path)
    rep = import_file(path, "rivers", data=tmp_path / "s.gpkg")
    assert rep.accepted == 1 and [p.row for p in rep.rejected] == [1]
    assert "not finite" in rep.rejected[0].reason


def test_track_in_an_unknown_coordinate_system_is_refused(tmp_path):
    path = tmp_path / "t.geojson"
    line = [[11700000 + i * 50, 3500000 + i * 50] for i in range(5)]
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "LineString", "coordinates": line},
                    }
                ],
            }
        )
    )
    with pytest.raises(InputError, match="EPSG:3857.*not longitude/latitude"):
        read_tracks(path)
    csv = tmp_path / "metres.csv"  # no CRS at all, numbers in metres
    pd.DataFrame(
        {
            "时间": ["2026-07-01 08:00"] * 5,
            "经度": [c[0] for c in line],
            "纬度": [c[1] for c in line],
        }
    ).to_csv(csv)
    with pytest.raises(InputError, match="not longitude/latitude degrees"):
        read_tracks(csv)


def test_track_with_a_few_bad_points_is_still_read(tmp_path):
    csv = tmp_path / "ok.csv"
    pd.DataFrame({"经度": [105.3, 105.31, 1e308], "纬度": [30.3, 30.31, 30.3]}).to_csv(
        csv, index=False
    )
    df, _ = read_tracks(csv)
    assert len(df) == 3  # the cleaner drops the bad point with its reason, the file is not refused


def test_zones_delineate_on_a_store_without_sources_is_refused(tmp_path):
    from gis.zones import delineate

    store = GeoPackageStore(tmp_path / "s.gpkg")
    store.write(
        {
            "rivers": gpd.GeoDataFrame(
                {"river_code": ["R1"], "name": ["甲河"], "management_level": ["county"]},
                geometry=[LineString([(105.3, 30.3), (105.4, 30.4)])],
                crs=4490,
            )
        }
    )
    with pytest.raises(InputError, match="no water sources.*import"):
        delineate(store, missing=True)


# --- reserved and too many columns ----------------------------------------------------------


def test_reserved_and_twin_column_names_are_renamed_and_kept(tmp_path):
    csv = tmp_path / "cols.csv"
    _register(
        2, fid=["x", "y"], GEOM=["g1", "g2"], 备注=["a", "b"], select=[1, 2], order=[3, 4]
    ).assign(**{"备注 ": ["c", "d"]}).rename(columns={"备注 ": "Note"}).assign(
        note=["e", "f"]
    ).to_csv(csv, index=False)
    rep = import_file(csv, "water_sources", data=tmp_path / "s.gpkg")
    assert rep.accepted == 2, rep.format()
    assert any(
        "fid→fid_src" in n and "GEOM→GEOM_src" in n and "note→note_src" in n for n in rep.notes
    )
    got = GeoPackageStore(tmp_path / "s.gpkg").read("water_sources")
    assert got["fid_src"].tolist() == ["x", "y"] and got["GEOM_src"].tolist() == ["g1", "g2"]
    assert got["Note"].tolist() == ["c", "d"] and got["note_src"].tolist() == ["e", "f"]
    assert got["select"].tolist() == ["1", "2"] and got["order"].tolist() == [
        "3",
        "4",
    ]  # SQL words are quoted by GDAL


def test_fid_in_a_vector_file_is_kept_as_fid_src(tmp_path):
    g = gpd.GeoDataFrame(
        {
            "source_code": ["S1"],
            "name": ["甲"],
            "source_type": ["river"],
            "population_served": [1],
            "has_official_zone": [True],
            "fid": ["甲-1"],
        },
        geometry=[Point(105.3, 30.3)],
        crs=4490,
    )
    path = tmp_path / "f.geojson"
    g.to_file(path)
    rep = import_file(path, "water_sources", data=tmp_path / "s.gpkg")
    assert rep.accepted == 1
    assert GeoPackageStore(tmp_path / "s.gpkg").read("water_sources")["fid_src"].tolist() == [
        "甲-1"
    ]


def test_too_many_columns_are_refused_before_reading(tmp_path):
    csv = tmp_path / "wide.csv"
    extra = {f"c{i}": [i] * 3 for i in range(2100)}
    _register(3, **extra).to_csv(csv, index=False)
    store = tmp_path / "s.gpkg"
    with pytest.raises(InputError, match=r"columns in the header: 2,107 .*max_columns"):
        import_file(csv, "water_sources", data=store)
    assert not store.exists()
    huge = tmp_path / "million.csv"  # 2 MB of header: refused from the header line alone
    huge.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n" + "1," * 999_999 + "1\n")
    with pytest.raises(InputError, match="1,000,000 is over the limit"):
        import_file(huge, "water_sources", data=store)
    gj = tmp_path / "wide.geojson"
    props = {f"p{i}": i for i in range(1100)}
    gj.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": props,
                        "geometry": {"type": "Point", "coordinates": [105.3, 30.3]},
                    }
                ],
            }
        )
    )
    with pytest.raises(
        InputError,
        match=r"distinct property names in the file, at least: 1,1\d\d is over the limit",
    ):
        import_file(
            gj, "water_sources", data=store
        )  # counted from the text, before GDAL builds a schema
    gpkg = tmp_path / "wide.gpkg"  # a GeoPackage says its field count in its header
    gpd.GeoDataFrame(
        {f"p{i}": [i] for i in range(1100)}, geometry=[Point(105.3, 30.3)], crs=4490
    ).to_file(gpkg)
    with pytest.raises(InputError, match="fields in the layer: 1,100 is over the limit of 1,000"):
        import_file(gpkg, "water_sources", data=store)


# --- encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize("enc", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_utf16_csv_with_and_without_bom_is_read(tmp_path, enc):
    csv = tmp_path / "u.csv"
    csv.write_bytes(_register(2).to_csv(index=False).encode(enc))
    rep = import_file(csv, "water_sources", data=tmp_path / "s.gpkg")
    assert rep.accepted == 2, rep.format()
    assert GeoPackageStore(tmp_path / "s.gpkg").read("water_sources")["name"].tolist() == [
        "甲0水厂",
        "甲1水厂",
    ]


TRAD = [
    "臺北市自來水事業處直潭淨水場",
    "新店溪青潭堰取水口",
    "石門水庫後池堰",
    "翡翠水庫管理局取水塔",
]


def _ascii_register(names: list[str]) -> pd.DataFrame:
    n = len(names)
    return pd.DataFrame(
        {
            "source_code": [f"T{i}" for i in range(n)],
            "name": names,
            "source_type": ["river"] * n,
            "population_served": [1] * n,
            "has_official_zone": ["yes"] * n,
            "lon": [105.3 + i / 100 for i in range(n)],
            "lat": [30.3] * n,
        }
    )


def test_big5_register_is_decoded_not_garbled(tmp_path):
    csv = tmp_path / "b5.csv"
    csv.write_bytes(_ascii_register(TRAD).to_csv(index=False).encode("big5"))
    rep = import_file(csv, "water_sources", data=tmp_path / "s.gpkg")
    assert rep.accepted == 4 and any("cp950" in n for n in rep.notes)
    assert GeoPackageStore(tmp_path / "s.gpkg").read("water_sources")["name"].tolist() == TRAD


def test_unclear_gbk_or_big5_is_refused_with_the_fix(tmp_path):
    raw = (
        bytes.fromhex("b0a1b0a2") * 2
    )  # common characters both in GBK (啊阿) and in Big5: no clear evidence
    assert raw.decode("gbk") and raw.decode("big5")
    csv = tmp_path / "amb.csv"
    csv.write_bytes(_ascii_register(["x"]).to_csv(index=False).encode().replace(b"x", raw))
    store = tmp_path / "s.gpkg"
    with pytest.raises(InputError, match="encoding is unclear.*give the file's encoding"):
        import_file(csv, "water_sources", data=store)
    assert not store.exists()
    rep = import_file(csv, "water_sources", data=store, encoding="big5")
    assert GeoPackageStore(store).read("water_sources")["name"].tolist() == [raw.decode("big5")]
    assert rep.accepted == 1


def test_detect_bytes_on_known_texts():
    simp = "青龙镇第一水厂取水口管理处，巡河员每周巡查一次。张家港,洪泽湖,骆马湖,淮河,沂河,沭河"
    assert encoding.detect_bytes(simp.encode("gbk")) == "gb18030"
    assert encoding.detect_bytes("".join(TRAD).encode("big5")) == "cp950"
    assert encoding.detect_bytes("名称,经度\n".encode("utf-16-be")) == "utf-16-be"
    assert (
        encoding.detect_bytes("名称,经度".encode()[:-1]) == "utf-8"
    )  # cut inside the last character
    with pytest.raises(InputError, match="neither UTF-8"):
        encoding.detect_bytes(b"name\n\x80abc\xff")


# --- silent data loss -----------------------------------------------------------------------


def test_truncated_dbf_reports_promised_and_read_records(tmp_path):
    g = gpd.GeoDataFrame(
        {
            "source_code": [f"S{i:03d}" for i in range(50)],
            "name": ["甲"] * 50,
            "source_type": ["river"] * 50,
            "population_served": [1] * 50,
            "has_official_zone": [True] * 50,
        },
        geometry=[Point(105.3 + i / 1000, 30.3) for i in range(50)],
        crs=4490,
    )
    shp = tmp_path / "cut.shp"
    pyogrio.write_dataframe(g, shp)
    dbf = shp.with_suffix(".dbf")
    data = dbf.read_bytes()
    promised, header_len, record_len = struct.unpack("<IHH", data[4:12])
    assert promised == 50
    dbf.write_bytes(
        data[: header_len + 24 * record_len + record_len // 2]
    )  # 24 whole records and half of one
    rep = import_file(shp, "water_sources", data=tmp_path / "s.gpkg")
    assert rep.exit_code == 1 and rep.accepted == 24
    assert (
        "promises 50 records" in rep.lost
        and "24 were read" in rep.lost
        and "26 records are missing" in rep.lost
    )
    assert "DAMAGED FILE" in rep.format()


# --- size caps ------------------------------------------------------------------------------


def test_a_cell_over_the_text_limit_rejects_its_row_only(tmp_path):
    csv = tmp_path / "long.csv"
    _register(3).assign(名称=["甲", "乙" * 40_000, "丙"]).to_csv(csv, index=False)
    rep = import_file(csv, "water_sources", data=tmp_path / "s.gpkg")
    assert rep.accepted == 2 and [(p.row, p.field) for p in rep.rejected] == [(3, "名称")]
    assert "40,000 characters, over the limit of 32,767" in rep.rejected[0].reason
    rejects = pd.read_csv(rep.rejects_file)
    assert rejects["_row"].tolist() == [3] and rejects["_field"].tolist() == ["名称"]
    assert GeoPackageStore(tmp_path / "s.gpkg").read("water_sources")["name"].tolist() == [
        "甲",
        "丙",
    ]


def test_file_over_the_byte_limit_is_refused_before_reading(tmp_path, set_limits):
    csv = tmp_path / "big.csv"
    _register(50).to_csv(csv, index=False)
    set_limits(max_file_bytes=1000)
    with pytest.raises(
        InputError, match=r"bytes in the file: [\d,]+ is over the limit of 1,000 \(max_file_bytes"
    ):
        import_file(csv, "water_sources", data=tmp_path / "s.gpkg")


def test_csv_rows_over_the_limit_are_refused(tmp_path, set_limits):
    csv = tmp_path / "many.csv"
    _register(30).to_csv(csv, index=False)
    set_limits(max_rows=20)
    with pytest.raises(InputError, match="max_rows"):
        import_file(csv, "water_sources", data=tmp_path / "s.gpkg")


def _bomb(path, members: int, size: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(members):
            zf.writestr(f"part{i}.txt", b"\0" * size)


def test_zip_bomb_of_small_members_is_refused_before_extracting(tmp_path):
    z = tmp_path / "bomb.zip"
    _bomb(z, 3, 5_000_000)  # 15 MB from ~15 KB; no member alone is over 10 MB
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InputError, match="zip bomb"):
        archive.safe_extract(z, out)
    assert list(out.iterdir()) == []


def test_declared_sizes_over_the_cap_are_refused_before_extracting(tmp_path, set_limits):
    z = tmp_path / "big.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a.csv", "x" * 3000)
        zf.writestr("b.csv", "x" * 3000)
    set_limits(max_unpacked_bytes=5000)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InputError, match="more than 5000 bytes"):
        archive.safe_extract(z, out)
    assert list(out.iterdir()) == []


def test_a_member_lying_about_its_size_is_stopped_while_extracting(tmp_path):
    z = tmp_path / "liar.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.csv", "x" * 5000)
    data = bytearray(z.read_bytes())
    # declare 10 bytes in both the local header (offset 22) and the central directory entry
    # (offset 24)
    data[22:26] = struct.pack("<I", 10)
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = struct.pack("<I", 10)
    z.write_bytes(bytes(data))
    with pytest.raises(InputError, match="archive"):
        archive.safe_extract(z, tmp_path / "out")


def test_only_the_layer_is_extracted_from_an_archive(tmp_path):
    g = gpd.GeoDataFrame(
        {
            "source_code": ["S1"],
            "name": ["甲"],
            "source_type": ["river"],
            "population_served": [1],
            "has_official_zone": [True],
        },
        geometry=[Point(105.3, 30.3)],
        crs=4490,
    )
    pyogrio.write_dataframe(g, tmp_path / "src.shp")
    z = tmp_path / "layer.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for ext in ("shp", "shx", "dbf", "prj", "cpg"):
            zf.write(tmp_path / f"src.{ext}", f"d/src.{ext}")
        zf.writestr("d/readme.pdf", b"%PDF" + b"x" * 1000)
    out = tmp_path / "out"
    got = archive.extract_layer(z, out, {".shp", ".csv"})
    assert got == out / "d" / "src.shp"
    assert sorted(p.name for p in (out / "d").iterdir()) == [
        f"src.{e}" for e in ("cpg", "dbf", "prj", "shp", "shx")
    ]


# --- coordinates must be on the globe, even outside China -----------------------------------


def test_allow_outside_china_still_rejects_impossible_coordinates(tmp_path):
    csv = tmp_path / "far.csv"
    _register(3).assign(经度=[1e308, 2.35, 105.3], 纬度=[30.3, 48.85, 95.0]).to_csv(
        csv, index=False
    )
    store = tmp_path / "s.gpkg"
    rep = import_file(csv, "water_sources", data=store, allow_outside_china=True)
    assert rep.accepted == 1  # Paris is a real place abroad: accepted
    assert [(p.row, p.field) for p in rep.rejected] == [(2, "lon"), (4, "geometry")]
    assert (
        "outside -180..180" in rep.rejected[0].reason
        and "outside -90..90" in rep.rejected[1].reason
    )
    gj = tmp_path / "far.geojson"
    gpd.GeoDataFrame(
        {
            "source_code": ["G1"],
            "name": ["远"],
            "source_type": ["river"],
            "population_served": [1],
            "has_official_zone": [True],
        },
        geometry=[Point(1e308, 30.0)],
        crs=4490,
    ).to_file(gj)
    rep = import_file(gj, "water_sources", data=store, allow_outside_china=True)
    assert rep.accepted == 0 and "outside -180..180" in rep.rejected[0].reason
    assert len(GeoPackageStore(store).read("water_sources")) == 1


def test_rule_table_override_is_checked():
    table = rules.load("import_limits")
    assert {
        "max_rows",
        "max_columns",
        "max_cell_chars",
        "xlsx_max_cells",
        "max_unpacked_bytes",
    } <= set(table["name"])
    assert (table["source"].str.len() > 0).all()
    assert limits.current()["max_cell_chars"] == 32767
