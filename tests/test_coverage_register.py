"""Gaps finds register errors (issue 14, item 8): assignments to codes the store lacks,
assignments covering 0 m, chiefs assigned at a level other than their own."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from openpyxl import load_workbook

from gis import find_gaps
from gis.coverage import REGISTER_TABLES
from gis.io.findings import write_findings
from gis.store import GeoPackageStore


@pytest.fixture(scope="module")
def demo_gaps(demo_path):
    return find_gaps(GeoPackageStore(demo_path))


def _assignment(aid, chief, level, river, unit, **extra) -> dict:
    return {
        "assignment_id": aid,
        "chief_id": chief,
        "level": level,
        "target_type": "reservoir" if extra.get("reservoir_code") else "river",
        "river_code": river,
        "admin_code": unit,
        **extra,
    }


def test_demo_register_has_no_unknown_codes_or_level_mismatches(demo_gaps):
    assert demo_gaps.unknown_codes.empty and demo_gaps.level_mismatches.empty
    assert list(demo_gaps.unknown_codes.columns)[:3] == ["assignment_id", "chief_id", "chief_name"]


def test_demo_assignments_covering_0_m_have_no_reach_in_their_unit(demo_gaps, demo_path):
    zero, reaches = demo_gaps.zero_coverage, demo_gaps.reaches
    # of the river assignments: 27 village (one, A02535, an agreement the true 30 m band
    # finds no boundary reach for), 3 township
    assert len(zero) == 30
    assert zero["level"].value_counts().to_dict() == {"village": 27, "township": 3}
    # 长岩溪 (R138) has township reaches only in 512099130 and 512099203, none in 梅沟乡
    row = zero.set_index("assignment_id").loc["512099A00208"]
    assert (row["river_name"], row["unit_name"], row["chief_name"]) == ("长岩溪", "梅沟乡", "戴健")
    held = reaches[(reaches["river_code"] == "512099R138") & (reaches["level"] == "township")]
    assert set(held["admin_code"]) == {"512099130", "512099203"}
    spans = GeoPackageStore(demo_path).read("assignments").set_index("assignment_id")
    for r in zero.itertuples():  # independently: no reach of that level, river and unit
        lo, hi = spans.loc[r.assignment_id, ["from_m", "to_m"]].astype(float).fillna(0).tolist()
        hi = hi or float("inf")
        same = reaches[(reaches["river_code"] == r.river_code) & (reaches["level"] == r.level)]
        inside = same[
            ((same["admin_code"] == r.admin_code) | (same["shared_admin_code"] == r.admin_code))
            & (same["to_m"] > lo + 1)
            & (same["from_m"] < hi - 1)
        ]
        assert inside.empty, r.assignment_id


def test_typos_wrong_units_and_wrong_levels_are_findings_with_names(demo_copy):
    store = GeoPackageStore(demo_copy)
    chiefs = store.read("chiefs")
    new_chief = chiefs[chiefs["chief_id"] == "512099C0031"].copy()  # 唐燕, 云口镇
    new_chief["chief_id"], new_chief["name"] = "512099C9001", "新河长"
    rows = [
        # the new chief's only assignment has a typo'd river code
        _assignment("Q1", "512099C9001", "township", "512099R999", "512099100"),
        _assignment("Q2", "512099C0031", "township", "512099R031", "512099999"),
        # a county chief (董丽) holding a township assignment
        _assignment("Q3", "512099C0001", "township", "512099R031", "512099100"),
        # 长岩溪 never enters 云口镇
        _assignment("Q4", "512099C0031", "township", "512099R138", "512099100"),
        _assignment("Q5", "512099C0031", "township", None, "512099100", reservoir_code="X9"),
    ]
    store.write({"chiefs": new_chief, "assignments": pd.DataFrame(rows)}, mode="append")
    cov = find_gaps(store)
    unknown = cov.unknown_codes.set_index("assignment_id")
    assert sorted(zip(unknown.index, unknown["field"], unknown["code"], strict=True)) == [
        ("Q1", "river_code", "512099R999"),
        ("Q2", "admin_code", "512099999"),
        ("Q5", "reservoir_code", "X9"),
    ]
    assert unknown.loc["Q1", "chief_name"] == "新河长"
    assert "512099C9001" not in set(cov.orphan_chiefs["chief_id"])  # what the typo hid
    lv = cov.level_mismatches.set_index("assignment_id")
    assert list(lv.index) == ["Q3"]
    assert lv.loc[
        "Q3", ["chief_name", "chief_level", "level", "target_name", "unit_name"]
    ].tolist() == [
        "董丽",
        "county",
        "township",
        "玉台河",
        "云口镇",
    ]
    zero = cov.zero_coverage.set_index("assignment_id")
    assert "Q4" in zero.index and "Q1" not in zero.index and "Q2" not in zero.index
    assert (zero.loc["Q4", "river_name"], zero.loc["Q4", "unit_name"]) == ("长岩溪", "云口镇")
    js = cov.to_json()
    assert [r["assignment_id"] for r in js["level_mismatches"]] == ["Q3"]
    assert set(REGISTER_TABLES) <= set(cov.tables())


def test_clean_county_register_tables_are_empty_and_export(partial_store, tmp_path):
    cov = find_gaps(GeoPackageStore(partial_store("clean")))
    for name in REGISTER_TABLES:
        assert getattr(cov, name).empty, name
        assert cov.to_json()[name] == []
    out = tmp_path / "gaps.xlsx"
    write_findings(cov.tables(), out)
    assert set(REGISTER_TABLES) <= set(load_workbook(out, read_only=True).sheetnames)


def test_gaps_cli_prints_register_errors(demo_path):
    p = subprocess.run(
        [sys.executable, "-m", "gis.cli", "gaps", "--data", str(demo_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "zero_coverage: 30" in p.stdout and "unknown_codes: 0" in p.stdout
    assert "chief_name=戴健" in p.stdout


def test_gaps_page_counts_the_register_errors():
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    page = Path(__file__).resolve().parents[1] / "app_pages" / "gaps.py"
    at = AppTest.from_file(str(page), default_timeout=120)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    kinds = at.radio[0].options  # each finding kind offered with its count
    assert "覆盖 0 米的责任 (30)" in kinds and "责任表中不存在的编码 (0)" in kinds
