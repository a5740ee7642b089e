"""Dates are read one strict way (gis.dates) wherever a user gives one: options, imported
rows, the quarry paperwork. Day-or-month-first text is refused, never compared as text."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from gis import InputError
from gis.cli import main
from gis.dates import FIX, parse_date, parse_datetime
from gis.io.importer import import_file
from gis.quarries import check_quarries
from gis.store import MemoryStore

JULY_1 = dt.date(2026, 7, 1)

ACCEPTED = [
    "2026-07-01",
    " 2026-07-01 ",
    "2026-7-1",
    "2026/7/1",
    "2026.07.01",
    "20260701",
    20260701,
    "2026年7月1日",
    "2026年07月01日",
    JULY_1,
    dt.datetime(2026, 7, 1, 9, 30),
    pd.Timestamp("2026-07-01"),
]
REFUSED = [
    "01/07/2026",  # 1 July in Beijing, 7 January in a US-set Excel
    "07/01/2026",
    "yesterday",
    "今天",
    "2026-13-01",
    "2026-02-30",
    "2026/7-1",  # two separators
    "26-07-01",  # two-digit year
    "46204",  # a spreadsheet serial number
    46204,
    "",
    None,
    pd.NaT,
    "2026-07-01 08:00",  # a time where a date is asked
]


@pytest.mark.parametrize("value", ACCEPTED, ids=repr)
def test_accepted_forms_are_the_first_of_july(value):
    assert parse_date(value) == JULY_1


@pytest.mark.parametrize("value", REFUSED, ids=repr)
def test_other_forms_are_refused_with_field_value_and_fix(value):
    with pytest.raises(InputError) as err:
        parse_date(value, field="--as-of")
    assert err.value.field == "--as-of"
    assert str(value) in err.value.reason
    assert err.value.fix == FIX and "2026-07-01" in str(err.value)


def test_datetimes():
    assert parse_datetime("2026-07-01 08:30") == pd.Timestamp("2026-07-01T08:30")
    assert parse_datetime("2026年7月1日 8:30:05") == pd.Timestamp("2026-07-01T08:30:05")
    assert parse_datetime("2026-07-01T08:30+08:00") == pd.Timestamp("2026-07-01T00:30Z")
    assert parse_datetime("2026-07-01") == pd.Timestamp("2026-07-01")
    for bad in ("01/07/2026 08:30", "2026-07-01 25:00", "2026-07-01 8h30", "now"):
        with pytest.raises(InputError, match="is not a date and time"):
            parse_datetime(bad, field="start_time")


# --- quarries: the judging date and the stored paperwork dates ---------------------------

GK = 4544


def _quarry_store(closure_date) -> MemoryStore:
    """One operating quarry whose closure was ordered on ``closure_date``."""
    river = LineString([(500000, 3400000), (500000, 3410000)])
    rivers = gpd.GeoDataFrame(
        [
            {
                "river_code": "R1",
                "name": "测试河",
                "management_level": "county",
                "in_register": True,
                "geometry": river,
            }
        ],
        crs=GK,
    ).to_crs(4490)
    q = {
        "quarry_id": "Q1",
        "name": "Q1",
        "status": "operating",
        "permit_no": "P1",
        "permit_valid_from": "2025-01-01",
        "permit_valid_to": "2027-12-31",
        "closure_date": closure_date,
        "has_weighbridge": True,
        "has_video": True,
        "river_code": "R1",
        "geometry": Point(500015, 3405000),
    }
    quarries = gpd.GeoDataFrame([q], crs=GK).to_crs(4490)
    return MemoryStore({"rivers": rivers, "quarries": quarries}, meta={"as_of": "2026-10-01"})


def _rules(report) -> list[str]:
    return [v["rule"] for v in report.quarries["violations"].iloc[0]]


def test_closure_is_judged_by_date_not_by_text():
    store = _quarry_store("2026-03-01")
    # as text, '2026年2月1日' sorts after '2026-03-01' and read the quarry as closed
    assert _rules(check_quarries(store, as_of="2026年2月1日")) == []
    assert _rules(check_quarries(store, as_of="2026-7-1")) == ["closed_still_operating"]
    assert check_quarries(store, as_of=JULY_1).as_of == "2026-07-01"


@pytest.mark.parametrize("as_of", ["01/07/2026", "yesterday"])
def test_quarries_refuse_a_date_they_would_compare_as_text(as_of):
    with pytest.raises(InputError, match="as_of"):
        check_quarries(_quarry_store("2026-03-01"), as_of=as_of)


def test_a_stored_date_that_is_no_date_is_refused_naming_the_quarry():
    with pytest.raises(InputError, match="closure_date of quarry Q1"):
        check_quarries(_quarry_store("01/03/2026"), as_of="2026-07-01")


@pytest.mark.parametrize("as_of", ["01/07/2026", "yesterday", "2026-13-01"])
def test_cli_quarries_as_of_refused(demo_path, capsys, as_of):
    assert main(["quarries", "--data", str(demo_path), "--as-of", as_of]) == 2
    err = capsys.readouterr().err
    assert f"'{as_of}' is not a date" in err and "2026-07-01" in err and "Traceback" not in err


def test_cli_patrols_period_refused(demo_path, capsys):
    argv = ["patrols", "report", "--data", str(demo_path), "--from", "07/01/2026"]
    assert main([*argv, "--to", "2026-09-30"]) == 2
    assert "'07/01/2026' is not a date" in capsys.readouterr().err


# --- the importer: a date it cannot read is a refused row, never a guess ------------------


def test_import_reads_dates_strictly(tmp_path):
    src = tmp_path / "q.csv"
    values = ["2026-07-01", "2026年7月1日", "2026-7-1", "20260701", "01/07/2026", "yesterday"]
    pd.DataFrame(
        {
            "quarry_id": [f"Q{i}" for i in range(len(values))],
            "name": "q",
            "status": "operating",
            "permit_valid_to": values,
            "has_weighbridge": "是",
            "has_video": "否",
            "lon": 105.3,
            "lat": 30.3,
        }
    ).to_csv(src, index=False)
    rep = import_file(src, "quarries", data=tmp_path / "s.gpkg")
    assert rep.accepted == 4
    assert [(p.row, p.field, p.reason, p.fix) for p in rep.rejected] == [
        (6, "permit_valid_to", "'01/07/2026' is not a date", FIX),
        (7, "permit_valid_to", "'yesterday' is not a date", FIX),
    ]
    from gis.store import GeoPackageStore

    stored = GeoPackageStore(tmp_path / "s.gpkg").read("quarries")["permit_valid_to"]
    assert stored.tolist() == ["2026-07-01"] * 4


def _date_fields():
    from gis import catalogue

    return [
        (layer.name, f)
        for layer in catalogue.LAYERS
        for f in layer.fields
        if f.dtype in ("date", "datetime")
    ]


@pytest.mark.parametrize(
    "layer,field", _date_fields(), ids=[f"{n}.{f.name}" for n, f in _date_fields()]
)
def test_every_date_field_of_the_catalogue_is_read_strictly(layer, field):
    from gis.io.validate import coerce

    day = "2026-07-01" if field.dtype == "date" else "2026-07-01T00:00:00"
    assert coerce(field, "2026年7月1日") == (day, None)
    assert coerce(field, dt.datetime(2026, 7, 1)) == (day, None)
    for bad in ("01/07/2026", "07/01/2026", "yesterday", "2026-13-01"):
        with pytest.raises(ValueError, match="is not a date"):
            coerce(field, bad)
