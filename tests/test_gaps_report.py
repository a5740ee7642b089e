"""The gaps page's findings placed on the map, filtered by township, and its report: XLSX
sheets named in Chinese, names beside codes, code values as words, a per-township sheet,
geometry only in the GeoPackage."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from gis.coverage import find_gaps
from gis.io.findings import write_findings
from gis.store import GeoPackageStore
from ui.gaps_findings import KINDS, in_township, place_rows, readable, report_tables


@pytest.fixture(scope="module")
def placed(demo_path):
    store = GeoPackageStore(demo_path)
    cov = find_gaps(store)
    admin = store.read("admin_units")
    names = dict(zip(admin["admin_code"], admin["name"], strict=True))
    return cov, place_rows(cov.tables(), cov.reaches, store), names


def test_every_finding_row_is_placed_in_a_township(placed):
    cov, rows, _names = placed
    for kind in KINDS:
        assert len(rows[kind]) == len(cov.tables()[kind]), kind
        assert rows[kind].crs.to_epsg() == 4490
        assert rows[kind].geometry.notna().all(), kind  # the demo's rows all name a place
    # a reach's township is the reach's own (independently: the analysis's column)
    u = cov.unassigned
    assert list(rows["unassigned"]["township_code"]) == list(u["township_code"])


def test_township_filter_keeps_only_its_rows(placed):
    _cov, rows, _names = placed
    fu = in_township(rows["zero_coverage"], "512099103")
    assert len(fu) == 2 and set(fu["township_code"]) == {"512099103"}
    assert len(in_township(rows["zero_coverage"], None)) == len(rows["zero_coverage"])


def test_xlsx_report_in_chinese_with_names_and_no_geometry(placed, tmp_path):
    cov, rows, names = placed
    sheets = report_tables(rows, cov.by_township, names, "zh")
    out = tmp_path / "gaps.xlsx"
    write_findings(sheets, out)
    wb = openpyxl.load_workbook(out)
    assert "无河长河段" in wb.sheetnames and "分镇乡统计" in wb.sheetnames
    assert all(not any(c.isascii() and c.isalpha() for c in s) for s in wb.sheetnames)
    gaps = pd.read_excel(out, sheet_name="无河长河段")
    assert (
        "geometry" not in gaps.columns
        and not gaps.astype(str).apply(lambda c: c.str.contains("LINESTRING")).any().any()
    )
    assert {"河段编号", "镇乡", "级别"} <= set(gaps.columns)
    assert set(gaps["级别"]) <= {"县级", "镇乡级", "村级"}  # words, not codes
    town = cov.unassigned["township_code"].iloc[0]
    assert names[town] in set(gaps["镇乡"])  # the township's name, not its code
    by_town = pd.read_excel(out, sheet_name="分镇乡统计")
    assert len(by_town) == len(cov.by_township)


def test_english_report_reads_english(placed):
    cov, rows, names = placed
    sheets = report_tables(rows, cov.by_township, names, "en")
    assert "Unassigned reaches" in sheets and "By township" in sheets
    m = readable(rows["mismatches"], names, "en")
    assert "Kind" in m.columns and "outside_jurisdiction" not in set(m["Kind"])
