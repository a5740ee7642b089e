"""The per-column (vectorised) validation gives the same outcomes as the row-by-row one.

``tests/data/import_outcomes/*.json`` were written by the row-by-row importer (commit c8c5da9)
from the same generated files: rows accepted (read back from the store), rows rejected
with row, field, reason and fix, repairs, notes, and the rejects CSV byte for byte. Regenerate
only on purpose: ``python tests/test_import_speed_outcomes.py --write`` (with the code whose
outcomes are the reference).
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import LineString, MultiPoint, Point

from gis import catalogue, datasets
from gis.io import importer
from gis.io.importer import import_file, report_json
from gis.io.validate import PLAIN_NUMBER, coerce, coerce_column, plain_numbers
from gis.store import GeoPackageStore

EXPECTED = Path(__file__).parent / "data" / "import_outcomes"

# (source_code, name, source_type, population, has_zone, supply, lon, lat, river name, extra)
_SOURCE_ROWS = [
    ("N001", "甲水厂", "river", "1200", "是", "300.5", "105.30", "30.30", "黄沟江", "a"),
    ("N002", " 乙水厂 ", "河流型", "1,500", "否", "", "105.31", "30.31", "", "b"),
    ("N003", "丙水厂", "reservoir", "1O0", "yes", "12", "105°18′30″", "30°18′", "新浦江", ""),
    ("N004", "", "river", "100", "是", "1", "105.32", "30.32", "", ""),  # required name empty
    ("N005", "戊水厂", "lake", "100", "是", "1", "105.33", "30.33", "", ""),  # not in the code list
    ("N006", "己水厂", "river", "12.5", "是", "1", "105.34", "30.34", "", ""),  # not whole
    ("N007", "庚水厂", "river", "abc", "是", "1", "105.35", "30.35", "", ""),  # not a number
    ("N008", "辛水厂", "river", "100", "maybe", "1", "105.36", "30.36", "", ""),  # not yes/no
    ("N009", "壬水厂", "river", "100", "是", "inf", "105.37", "30.37", "", ""),  # not finite
    ("N010", "癸水厂", "river", "100", "是", "1", "东经", "30.38", "", ""),  # bad lon
    ("N011", "子水厂", "river", "100", "是", "1", "105.39", "", "", ""),  # empty lat
    ("N012", "丑水厂", "river", "100", "是", "1", "30.40", "105.40", "", ""),  # swapped
    ("N013", "寅水厂", "river", "100", "是", "1", "10.0", "60.0", "", ""),  # outside China
    ("N001", "卯水厂", "river", "100", "是", "1", "105.41", "30.41", "", ""),  # duplicate id
    (
        "512099S001",
        "辰水厂",
        "river",
        "100",
        "是",
        "1",
        "105.42",
        "30.42",
        "",
        "",
    ),  # id in the store
    ("", "巳水厂", "river", "100", "是", "1", "105.43", "30.43", "", ""),  # empty id
    (
        "N017",
        "午水厂",
        "groundwater",
        "",
        "是",
        "1",
        "105.44",
        "30.44",
        "",
        "",
    ),  # required int empty
    (
        "N018",
        "未水厂",
        "地下水型",
        "-0",
        "FALSE",
        "-1.25e3",
        " 105.45 ",
        "30.45",
        "无名河",
        "",
    ),  # unknown river
    ("N019", "申水厂", "river", "100", "", "1", "105.46", "30.46", "", ""),  # required bool empty
    (
        "N020",
        "",
        "lake",
        "x",
        "maybe",
        "y",
        "bad",
        "30.47",
        "",
        "",
    ),  # many problems: the first wins
    ("N021", "酉水厂", "Reservoir", "7", "√", "0.1", "105 27 30 E", "30 28 N", "", ""),
    ("N022", "戌水厂", "river", "12345678901234567", "是", "1e2", "105.48", "30.48", "", ""),
    ("N023", "亥水厂", "river", "nan", "是", "1", "105.49", "30.49", "", ""),
    ("N024", "  ", "river", "100", "是", "1", "105.50", "30.50", "", ""),  # blank name
    ("N025", "水厂25", "river", "100", "是", "1", "105.5", "30.5", "", "z"),
]
_COLUMNS = [
    "source_code",
    "name",
    "source_type",
    "population_served",
    "has_official_zone",
    "supply_m3_per_day",
    "lon",
    "lat",
    "河流名称",
    "备注",
]


def _csv(folder: Path) -> Path:
    out = folder / "mixed.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(_COLUMNS)
        w.writerows(_SOURCE_ROWS * 2)  # the repeat makes every id a duplicate the second time
    return out


def _xlsx(folder: Path) -> Path:
    """Typed cells as Excel stores them: numbers, booleans, blanks, text."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        [
            "source_code",
            "name",
            "source_type",
            "population_served",
            "has_official_zone",
            "supply_m3_per_day",
            "经度",
            "纬度",
        ]
    )
    rows = [
        ("X001", "甲", "river", 1200, True, 300.5, 105.3, 30.3),
        ("X002", "乙", "湖库型", 1500.0, False, None, 105.31, 30.31),
        ("X003", "丙", "river", 12.5, 1, 7, "105°18′30″", 30.3),
        ("X004", "丁", "river", True, "是", 1, 105.32, 30.32),
        ("X005", None, "river", 100, 0, "1,000", 105.33, 30.33),
        (512099.0, "戊", "river", 100, "否", 1, 30.3, 105.3),
        ("X007", "己", 3, 100, "否", 1, 105.34, None),
        ("X008", "庚", "river", "1 000", "否", float("nan"), 105.35, 30.35),
        ("X009", "辛", "river", 100, "否", 1, 105.36, 30.36),
        ("X009", "壬", "river", 100, "否", 1, 105.37, 30.37),
    ]
    for r in rows:
        ws.append(list(r))
    out = folder / "typed.xlsx"
    wb.save(out)
    return out


def _gpkg(folder: Path) -> Path:
    """Geometries a point layer must fit: multipoints, lines, empty, missing, out of range."""
    geoms = [
        Point(105.3, 30.3),
        MultiPoint([(105.31, 30.31)]),
        MultiPoint([(105.3, 30.3), (105.4, 30.4)]),
        LineString([(105.3, 30.3), (105.4, 30.4)]),
        Point(),
        None,
        Point(30.3, 105.3),
        Point(2, 48),
        Point(105.33, 30.33),
        Point(105.34, 30.34),
    ]
    n = len(geoms)
    gdf = gpd.GeoDataFrame(
        {
            "source_code": [f"G{i:03d}" for i in range(n)],
            "name": [f"站{i}" for i in range(n)],
            "source_type": ["river"] * (n - 1) + ["canal"],
            "population_served": [100 * i for i in range(n)],
            "has_official_zone": [i % 2 == 0 for i in range(n)],
            "built": pd.to_datetime([f"2020-01-0{1 + i % 9}" for i in range(n)]),
            "depth": [0.5 * i for i in range(n)],
        },
        geometry=geoms,
        crs=4490,
    )
    out = folder / "geoms.gpkg"
    pyogrio.write_dataframe(gdf, out, geometry_type="Unknown")
    return out


def _chiefs(folder: Path) -> Path:
    """A table without ids (they are assigned) whose admin units are given by name."""
    out = folder / "chiefs.csv"
    pd.DataFrame(
        {
            "姓名": ["甲", "乙", "丙", "丁", "戊"],
            "level": ["村级", "township", "镇乡级", "乡", "省级"],
            "职务": ["村主任", "镇长", "", "副镇长", "书记"],
            "乡镇": ["花阳乡", "云口镇", "云口镇", "无此镇", ""],
            "村": ["", "", "", "", ""],
            "联系电话": ["13800000000", "", "0838-1234567", "x", "1"],
        }
    ).to_csv(out, index=False)
    return out


CASES = {
    "mixed_csv": (_csv, "water_sources"),
    "typed_xlsx": (_xlsx, "water_sources"),
    "geoms_gpkg": (_gpkg, "water_sources"),
    "chiefs_csv": (_chiefs, "chiefs"),
}


def outcome(case: str, folder: Path) -> dict:
    """Everything an import of ``case`` decides, with the folder's path taken out."""
    make, layer = CASES[case]
    src = make(folder)
    store = folder / "county.gpkg"
    shutil.copy(datasets.get_path("demo"), store)
    before = len(GeoPackageStore(store).read(layer))
    rep = import_file(src, layer, data=store)
    assert json.loads(report_json(rep)) == json.loads(
        json.dumps(rep.to_dict(), ensure_ascii=False, default=str)
    )
    text = json.dumps(rep.to_dict(), ensure_ascii=False, default=str).replace(str(folder), "<tmp>")
    rejects = Path(rep.rejects_file).read_text(encoding="utf-8-sig") if rep.rejects_file else None
    frame = GeoPackageStore(store).read(layer).iloc[before:]
    if isinstance(frame, gpd.GeoDataFrame):
        frame = pd.DataFrame(frame).assign(geometry=frame.geometry.to_wkt())
    return {
        "report": json.loads(text),
        "format": rep.format().replace(str(folder), "<tmp>"),
        "rejects_csv": rejects,
        "accepted": json.loads(frame.to_json(orient="split", index=False, date_format="iso")),
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_outcomes_are_those_of_the_row_by_row_importer(case, tmp_path):
    expected = json.loads((EXPECTED / f"{case}.json").read_text(encoding="utf-8"))
    got = outcome(case, tmp_path)
    assert got["report"] == expected["report"]
    assert got["rejects_csv"] == expected["rejects_csv"]
    assert got["accepted"] == expected["accepted"]
    assert got["format"] == expected["format"]


def test_the_reference_files_hold_rejections_of_every_kind():
    """Guard against a reference that silently stopped covering the cases."""
    mixed = json.loads((EXPECTED / "mixed_csv.json").read_text(encoding="utf-8"))["report"]
    fields = {p["field"] for p in mixed["rejected"]}
    assert {
        "lon",
        "lat",
        "geometry",
        "name",
        "source_type",
        "population_served",
        "has_official_zone",
        "supply_m3_per_day",
        "source_code",
        "river_code",
    } <= fields
    assert mixed["read"] == 2 * len(_SOURCE_ROWS) == mixed["accepted"] + len(mixed["rejected"])
    geoms = json.loads((EXPECTED / "geoms_gpkg.json").read_text(encoding="utf-8"))["report"]
    assert {p["field"] for p in geoms["rejected"]} >= {"geometry", "source_type"} and geoms[
        "repaired"
    ] == []
    assert {"mixed_csv", "typed_xlsx", "geoms_gpkg", "chiefs_csv"} == {
        p.stem for p in EXPECTED.glob("*.json")
    }


# --- large files: every row accounted for -----------------------------------------------

_KINDS = ("lon", "geometry", "name", "source_type")  # the field each kind of bad row is rejected on


def _many(path: Path, n: int, bad_every: int) -> Path:
    """``n`` sources; row i (0-based) is bad when i % bad_every == 0.

    Of kind (i // bad_every) % 4.
    """
    i = np.arange(n)
    df = pd.DataFrame(
        {
            "source_code": [f"M{k:06d}" for k in i],
            "name": [f"水厂{k}" for k in i],
            "source_type": "river",
            "population_served": (i % 900 + 100).astype(str),
            "has_official_zone": "是",
            "lon": (105.2 + (i % 1000) * 1e-4).astype(str),
            "lat": (30.2 + (i % 997) * 1e-4).astype(str),
        }
    )
    bad = i % bad_every == 0
    kind = (i // bad_every) % 4
    df.loc[bad & (kind == 0), "lon"] = "东经"
    df.loc[bad & (kind == 1), "lat"] = "60.5"
    df.loc[bad & (kind == 2), "name"] = ""
    df.loc[bad & (kind == 3), "source_type"] = "lake"
    df.to_csv(path, index=False)
    return path


def test_ten_thousand_rejected_rows_are_all_in_the_rejects_file(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "_CHUNK", 999)  # written in 11 batches, the last one short
    n = 10_000
    rep = import_file(_many(tmp_path / "bad.csv", n, 1), "water_sources", data=tmp_path / "s.gpkg")
    assert (rep.read, rep.accepted, len(rep.rejected), rep.written) == (n, 0, n, False)
    out = pd.read_csv(rep.rejects_file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(out) == n
    assert out["_row"].astype(int).tolist() == list(range(2, n + 2))  # row 1 is the header
    assert out["_field"].tolist() == [_KINDS[k % 4] for k in range(n)]
    assert (out["_reason"] != "").all() and (out["_fix"] != "").all()
    assert out["source_code"].tolist() == [f"M{k:06d}" for k in range(n)]  # the row as read
    assert (
        out.loc[0, "lon"] == "东经"
        and out.loc[1, "lat"] == "60.5"
        and out.loc[3, "source_type"] == "lake"
    )
    text = rep.format()
    assert len(text.splitlines()) < 60 and "9950 more rejected rows" in text
    assert len(rep.to_dict()["rejected"]) == n
    assert json.loads(report_json(rep)) == json.loads(
        json.dumps(rep.to_dict(), ensure_ascii=False, default=str)
    )


def test_accepted_plus_rejected_is_read(tmp_path, demo_copy):
    n = 10_000
    before = len(GeoPackageStore(demo_copy).read("water_sources"))
    # the points fill the demo's bounding box, not its outline: clipping is counted in
    # tests/test_import_clip.py, this test counts the validation's rows
    rep = import_file(
        _many(tmp_path / "half.csv", n, 3), "water_sources", data=demo_copy, clip=False
    )
    bad = [k for k in range(n) if k % 3 == 0]
    assert rep.read == n and len(rep.rejected) == len(bad) and rep.accepted == n - len(bad)
    assert [p.row for p in rep.rejected] == [k + 2 for k in bad]
    stored = GeoPackageStore(demo_copy).read("water_sources")
    assert len(stored) == before + rep.accepted
    assert stored["source_code"].iloc[before:].tolist() == [f"M{k:06d}" for k in range(n) if k % 3]


# --- the column helpers agree with the one-value functions -------------------------------

_ODD_VALUES = [
    "1",
    "-0",
    "+5",
    "1.5",
    "12.0",
    "1e3",
    "1,000",
    "1O0",
    " 7 ",
    "",
    "  ",
    "abc",
    "nan",
    "inf",
    "9" * 400,
    "12345678901234567",
    "9007199254740993",
    "是",
    "否",
    "yes",
    "maybe",
    "TRUE",
    "2026-03-01",
    "2026年3月1日",
    "2026/3/1",
    "-5",
    "river",
    "河流型",
    "Reservoir",
    "lake",
    "县级",
    "村",
    "0.1",
    "00012",
    "1.",
    ".5",
    "１２",
    "٣",
    None,
    float("nan"),
    1,
    0,
    True,
    False,
    1.5,
    512099.0,
    np.int64(3),
    np.float64("nan"),
    np.float64(2.5),
    pd.Timestamp("2020-01-01"),
    10**30,
    float("inf"),
    [1],
]


@pytest.mark.parametrize("storage", ["object", "str"])
def test_coerce_column_gives_what_coerce_gives_value_by_value(storage):
    rng = np.random.default_rng(3)
    for f in [f for layer in catalogue.LAYERS for f in layer.fields]:
        pool = (
            _ODD_VALUES
            if storage == "object"
            else [v for v in _ODD_VALUES if isinstance(v, str) or v is None]
        )
        values = [pool[k] for k in rng.integers(0, len(pool), 300)]
        column = pd.Series(values, dtype=object if storage == "object" else "str")
        out, errors, notes = coerce_column(f, column)
        for i, v in enumerate(column.tolist()):
            try:
                val, note = coerce(f, v)
                err = None
            except ValueError as exc:
                val, note, err = None, None, str(exc)
            assert (out[i], type(out[i]), notes.get(i), errors.get(i)) == (
                val,
                type(val),
                note,
                err,
            ), (f.name, v)


def test_plain_numbers_are_read_as_float_reads_them():
    rng = np.random.default_rng(5)
    digits = "0123456789"
    text = [
        "".join(rng.choice(list(digits), rng.integers(1, 25)))
        + "."
        + "".join(rng.choice(list(digits), rng.integers(1, 30)))
        for _ in range(20_000)
    ]
    text += [
        "9007199254740993",
        "1.00000000000000011102230246251565404236316680908203125",
        "-0",
        "+1.5",
        "2.4703282292062327",
        "1.",
        ".5",
        " 1",
        "1e5",
        "abc",
        "１２",
        None,
    ]
    for column in (pd.Series(text, dtype="str"), pd.Series(text, dtype=object)):
        pos, nums = plain_numbers(column)
        expected = [
            (i, float(v))
            for i, v in enumerate(text)
            if v is not None and re.fullmatch(PLAIN_NUMBER, v)
        ]
        assert pos.tolist() == [i for i, _ in expected] and nums.tolist() == [
            x for _, x in expected
        ]


def test_a_negative_year_is_a_rejected_date_not_a_traceback(tmp_path):
    csv_path = tmp_path / "q.csv"
    pd.DataFrame(
        {
            "quarry_id": ["Q1", "Q2"],
            "name": ["a", "b"],
            "status": ["operating"] * 2,
            "permit_valid_from": ["2025-01-01", "-5"],
            "has_weighbridge": ["是"] * 2,
            "has_video": ["否"] * 2,
            "lon": [105.3] * 2,
            "lat": [30.3] * 2,
        }
    ).to_csv(csv_path, index=False)
    rep = import_file(csv_path, "quarries", data=tmp_path / "s.gpkg")
    assert rep.accepted == 1
    assert [(p.row, p.field, p.reason) for p in rep.rejected] == [
        (3, "permit_valid_from", "'-5' is not a date")
    ]


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    import tempfile

    EXPECTED.mkdir(parents=True, exist_ok=True)
    for name in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            res = outcome(name, Path(tmp))
        (EXPECTED / f"{name}.json").write_text(
            json.dumps(res, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        print(
            name, len(res["report"]["rejected"]), "rejected,", res["report"]["accepted"], "accepted"
        )
