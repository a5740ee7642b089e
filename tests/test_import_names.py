"""Names to codes, never guessed (issue 14, item 5): registers written the way a 河长办
writes them (tests/data/registers: an XLSX with merged title rows and Chinese headers, an
assignments CSV), imported into a copy of the demo county with a second 黄沟江 and a second
富池村, as real counties have."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from gis import catalogue
from gis.io import import_file
from gis.io.validate import coerce, map_columns
from gis.store import GeoPackageStore

REGISTERS = Path(__file__).parent / "data" / "registers"
CHIEFS = REGISTERS / "河长名录.xlsx"
ASSIGNMENTS = REGISTERS / "河长责任.csv"


@pytest.fixture()
def county(demo_copy) -> GeoPackageStore:
    """The demo copy with a second river named 黄沟江 (another arc, another code) and a
    second village named 富池村 (in 和田镇; the first is in 云口镇)."""
    store = GeoPackageStore(demo_copy)
    rivers, admin = store.read("rivers"), store.read("admin_units")
    arc = rivers[rivers["river_code"] == "512099R001"].copy()
    arc["river_code"] = "512099R901"
    village = admin[admin["admin_code"] == "512099101201"].copy()  # 东滩村 in 和田镇
    village["admin_code"], village["name"] = "512099101299", "富池村"
    store.write({"rivers": arc, "admin_units": village}, mode="append")
    return store


def _by_row(report) -> dict[int, object]:
    return {p.row: p for p in report.rejected}


def test_chiefs_register_keeps_ids_and_resolves_units_without_guessing(county):
    report = import_file(CHIEFS, "chiefs", store=county)
    chiefs = county.read("chiefs").set_index("chief_id")
    # the office's own ids (河长编号) are kept: no C00001…
    assert {"X001", "X002", "X003", "X005", "X007"} <= set(chiefs.index)
    assert not any(c.startswith("C0") for c in chiefs.index)
    got = chiefs.loc[["X001", "X002", "X003", "X005", "X007"], ["level", "admin_code"]]
    assert got.to_dict("index") == {
        "X001": {"level": "county", "admin_code": "512099"},
        # a 行政区划代码 column filled for other rows does not turn off the 乡镇 look-up
        "X002": {"level": "township", "admin_code": "512099100"},
        "X003": {"level": "village", "admin_code": "512099100201"},
        "X005": {"level": "township", "admin_code": "512099101"},  # 街道 is township level
        "X007": {"level": "county", "admin_code": "512099"},  # 区级 is county level
    }
    rejected = _by_row(report)  # the header is row 3 (two merged title rows above it)
    assert sorted(rejected) == [7, 9, 11]
    # 东滩村 is in 和田镇, not in the given 云口镇: refused, never silently overriding
    assert rejected[7].field == "admin_code"
    assert "东滩村" in rejected[7].reason and "512099101201" in rejected[7].reason
    # a 村级 chief with only a 乡镇: the township's 9-digit code does not fit the level
    assert rejected[9].field == "level" and "9 digits" in rejected[9].reason
    # two villages named 富池村 and no 乡镇: both candidates named, the fix is the code
    assert "512099100201" in rejected[11].reason and "512099101299" in rejected[11].reason
    assert "code" in rejected[11].fix
    assert "X004" not in chiefs.index and "X008" not in chiefs.index
    rejects = pd.read_csv(report.rejects_file, encoding="utf-8-sig")
    assert rejects["_reason"].notna().all() and rejects["_fix"].notna().all()


def test_a_default_admin_code_fills_only_rows_without_names(county):
    import_file(CHIEFS, "chiefs", store=county, defaults={"admin_code": "512099"})
    chiefs = county.read("chiefs").set_index("chief_id")
    assert chiefs.loc["X002", "admin_code"] == "512099100"  # not filed under the county
    assert chiefs.loc["X003", "admin_code"] == "512099100201"


def test_assignments_refuse_a_river_name_that_two_rivers_share(county):
    report = import_file(ASSIGNMENTS, "assignments", store=county)
    rows = county.read("assignments").set_index("assignment_id")
    got = rows.loc[["Z001", "Z003", "Z004"], ["chief_id", "level", "river_code", "admin_code"]]
    assert got.to_dict("index") == {
        "Z001": {
            "chief_id": "X002",
            "level": "township",
            "river_code": "512099R031",
            "admin_code": "512099100",
        },
        "Z003": {
            "chief_id": "X001",
            "level": "county",
            "river_code": "512099R002",
            "admin_code": "512099",
        },
        "Z004": {
            "chief_id": "X003",
            "level": "village",
            "river_code": "512099R032",
            "admin_code": "512099100201",
        },
    }
    assert set(rows.loc[["Z001", "Z003"], "target_type"]) == {"river"}
    rejected = _by_row(report)
    assert sorted(rejected) == [3, 6]
    # 黄沟江 is two rivers here: refused with both codes, never given to the last one
    assert rejected[3].field == "river_code"
    assert "512099R001" in rejected[3].reason and "512099R901" in rejected[3].reason
    assert "河流编码" in rejected[3].fix
    assert "无名河" in rejected[6].reason


def test_assignments_refuse_a_chief_name_two_chiefs_share(county):
    chiefs = county.read("chiefs")
    twin = chiefs[chiefs["chief_id"] == "512099C0031"].copy()  # 唐燕, 云口镇
    twin["chief_id"], twin["admin_code"] = "512099C9999", "512099101"
    county.write({"chiefs": twin}, mode="append")
    csv = "编号,河长姓名,级别,对象类型,河流编码,行政区划\n"
    csv += "Y1,唐燕,township,river,512099R031,\nY2,唐燕,township,river,512099R031,512099100\n"
    path = Path(county.path).parent / "by_name.csv"
    path.write_text(csv, encoding="utf-8")
    report = import_file(path, "assignments", store=county, dry_run=True)
    rejected = _by_row(report)
    assert list(rejected) == [2]
    assert "512099C0031" in rejected[2].reason and "512099C9999" in rejected[2].reason
    assert report.accepted == 1  # Y2: the unit tells the two 唐燕 apart


def test_every_catalogue_label_is_a_header():
    """Every label the catalogue prints (layers/README.md, ``riverchief layers``), Chinese
    and English, is read as its field's header in that layer."""
    for layer in catalogue.LAYERS:
        for f in layer.fields:
            for label in {f.zh, f.en, f.en.upper()}:
                df, _ = map_columns(pd.DataFrame({label: ["x"]}), layer, {})
                assert list(df.columns) == [f.name], (layer.name, label, list(df.columns))
    sources = catalogue.get_layer("water_sources")
    labels = catalogue.header_labels(sources)
    assert {"水源名称", "水源类型", "供水人口", "已划定保护区"} <= set(labels)
    assert catalogue.header_labels(catalogue.get_layer("admin_units"))["上级代码"] == "parent_code"


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("省级", "province"),
        ("地市级", "city"),
        ("区级", "county"),
        ("街道", "township"),
        ("街道级", "township"),
    ],
)
def test_city_level_words_are_chief_levels(word, code):
    assert coerce(catalogue.get_layer("chiefs").field("level"), word) == (code, None)


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("省", "province"),
        ("地级市", "city"),
        ("区", "county"),
        ("县", "county"),
        ("县级市", "county"),
        ("镇", "township"),
        ("乡", "township"),
        ("街道", "township"),
        ("村", "village"),
        ("社区", "village"),
    ],
)
def test_unit_kinds_are_admin_levels(word, code):
    assert coerce(catalogue.get_layer("admin_units").field("level"), word) == (code, None)


def test_a_level_that_contradicts_the_code_length_is_refused(county, tmp_path):
    path = tmp_path / "chiefs.csv"
    path.write_text(
        "河长编号,姓名,级别,职务,行政区划代码\n"
        "K1,甲,镇级,镇长,512099100\n"
        "K2,乙,镇级,镇长,512099100201\n"
        "K3,丙,村级,巡河员,512099100201\n",
        encoding="utf-8",
    )
    report = import_file(path, "chiefs", store=county, dry_run=True)
    assert [(p.row, p.field) for p in report.rejected] == [(3, "level")]
    assert "12 digits (a village code)" in report.rejected[0].reason


def test_city_level_is_decided_by_the_unit_code(county, tmp_path):
    """In a county-level city the register says 市级 for county level: 市级 with the county's
    code is county level, with a prefecture code (XXYY00) city level (tests/test_five_levels.py
    holds the refusals)."""
    path = tmp_path / "chiefs.csv"
    path.write_text(
        "河长编号,姓名,级别,职务,行政区划代码\nK1,甲,市级,市长,512099\nK2,乙,市级,市长,512000\n",
        encoding="utf-8",
    )
    import_file(path, "chiefs", store=county)
    chiefs = county.read("chiefs").set_index("chief_id")
    assert chiefs.loc[["K1", "K2"], "level"].tolist() == ["county", "city"]


def test_riverchief_import_with_a_default_county_code(county):
    """Through the command line: ``--default admin_code=`` fills only rows without names."""
    run = [sys.executable, "-m", "gis.cli", "import", str(CHIEFS), "--layer", "chiefs"]
    run += ["--data", str(county.path), "--default", "admin_code=512099"]
    p = subprocess.run(run, capture_output=True, text=True)
    assert p.returncode == 1, p.stderr  # rows were refused: the exit code says so
    assert "REJECTED row 7" in p.stdout and "REJECTED row 11" in p.stdout
    chiefs = GeoPackageStore(county.path).read("chiefs").set_index("chief_id")
    assert chiefs.loc["X002", "admin_code"] == "512099100"
    assert chiefs.loc["X001", "admin_code"] == "512099"
