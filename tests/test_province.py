"""Province runs on dask.distributed: six demo-derived counties on a LocalCluster of two
workers give exactly what each county gives alone, a killed worker changes nothing, and a
county that cannot be analysed is a finding of the report."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from gis import find_gaps
from gis._errors import InputError
from gis.province import county_gaps, county_stores, merge_gaps, province_gaps, run_counties
from gis.store import GeoPackageStore

N_COUNTIES = 6
LEVEL = "township"  # a second a county; the province code path is the same at every level


def _derive(demo: Path, out: Path, i: int) -> Path:
    """The demo county as county ``i``: its own code and name, and every sixth assignment
    (a different sixth in each county) struck out, so that no two counties agree."""
    shutil.copy(demo, out)
    con = sqlite3.connect(out)
    with con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'county_code'", (f"5121{i:02d}",))
        con.execute("UPDATE meta SET value = ? WHERE key = 'county_name'", (f"示范{i}县",))
        con.execute("DELETE FROM assignments WHERE fid % ? = ?", (N_COUNTIES, i))
    con.close()
    return out


@pytest.fixture(scope="module")
def counties(tmp_path_factory, demo_path) -> Path:
    folder = tmp_path_factory.mktemp("province")
    for i in range(N_COUNTIES):
        _derive(demo_path, folder / f"county{i}.gpkg", i)
    return folder


@pytest.fixture(scope="module")
def alone(counties) -> dict[str, dict]:
    """Each county run alone, in this process: the answer the province run must give."""
    return {
        GeoPackageStore(p).meta()["county_code"]: find_gaps(
            GeoPackageStore(p), level=LEVEL
        ).to_json()
        for p in sorted(counties.glob("*.gpkg"))
    }


@pytest.fixture(scope="module")
def report(counties):
    seen: list[tuple[int, int]] = []
    r = province_gaps(
        [counties], level=LEVEL, workers=2, progress=lambda d, n, s: seen.append((d, n))
    )
    r.progress_seen = seen  # type: ignore[attr-defined]
    return r


def test_each_county_is_what_it_gives_alone(report, alone):
    assert report.complete and list(report.county_json) == list(alone)
    for code, expected in alone.items():
        assert report.county_json[code] == expected, code
    townships = [j["unassigned_length_m_by_level"]["township"] for j in alone.values()]
    assert len(set(townships)) == N_COUNTIES  # the counties differ: a swap would be seen
    assert report.unassigned_length_m_by_level() == {
        "county": None,  # not asked for: never a 0
        "township": round(sum(townships), 1),
        "village": None,
    }
    assert report.progress_seen == [(d, N_COUNTIES) for d in range(1, N_COUNTIES + 1)]


def test_merged_tables_keep_every_row_with_its_county(report, alone):
    t = report.tables()
    assert len(t["counties"]) == N_COUNTIES and t["failed"].empty
    per_county = t["unassigned"].groupby("county_code").size().to_dict()
    assert per_county == {c: len(j["unassigned"]) for c, j in alone.items()}
    assert t["unassigned"].crs.to_epsg() == 4490
    assert set(t["by_township"]["county_code"]) == set(alone)


def _die_once(store: str, *, marker: str, level: str) -> dict:
    """County 2's first attempt kills its worker process, as an out-of-memory kill would."""
    if store.endswith("county2.gpkg") and not os.path.exists(marker):
        Path(marker).touch()
        os._exit(1)
    return county_gaps(store, level=level)


def test_a_killed_worker_is_rerun_and_nothing_changes(counties, alone, tmp_path):
    stores = [c.store for c in county_stores([counties])]
    marker = tmp_path / "killed"
    results = run_counties(_die_once, stores, workers=2, marker=str(marker), level=LEVEL)
    assert marker.exists()  # the worker did die
    assert [r["json"] for r in results] == list(alone.values())


def test_a_county_a_worker_cannot_read_is_a_finding_and_the_sums_say_so(counties, tmp_path, alone):
    bad = tmp_path / "bad"
    bad.mkdir()
    for p in sorted(counties.glob("*.gpkg"))[:2]:
        shutil.copy(p, bad / p.name)
    found = county_stores([bad])
    (bad / "county1.gpkg").unlink()  # as a remote worker that cannot see the file
    results = run_counties(county_gaps, [c.store for c in found], workers=1, level=LEVEL)
    r = merge_gaps(found, results, level=LEVEL)
    assert not r.complete
    assert list(r.county_json) == ["512100"] and r.county_json["512100"] == alone["512100"]
    j = r.to_json("zh")
    assert [(f["county_code"], f["code"]) for f in j["failed"]] == [("512101", "province.no_path")]
    assert "不存在" in j["failed"][0]["reason"]
    assert j["unassigned_length_m_by_level"]["township"] is None  # a partial sum is no sum
    assert len(r.tables("zh")["failed"]) == 1


def test_stores_are_refused_before_any_task(counties, tmp_path):
    twin = tmp_path / "twin.gpkg"
    shutil.copy(counties / "county0.gpkg", twin)
    with pytest.raises(InputError) as e:
        county_stores([counties / "county0.gpkg", twin])
    assert e.value.code == "province.duplicate_county" and "512100" in str(e.value)
    csv = tmp_path / "x.gpkg"
    csv.write_text("a,b\n1,2\n")
    with pytest.raises(InputError) as e:
        county_stores([csv])
    assert e.value.code == "cli.data_not_a_store"
    with pytest.raises(InputError) as e:
        county_stores([tmp_path / "missing"])
    assert e.value.code == "province.no_path"
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError) as e:
        county_stores([empty])
    assert e.value.code == "province.no_stores"


def test_cli_json_is_strict_and_progress_goes_to_stderr(counties, alone, tmp_path):
    out = tmp_path / "province.xlsx"
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "gis.cli",
            "province",
            "gaps",
            str(counties),
            "--level",
            LEVEL,
            "--json",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    assert [c["county_code"] for c in data["counties"]] == list(alone)
    assert data["complete"] and data["failed"] == []
    assert f"{N_COUNTIES}/{N_COUNTIES}" in p.stderr
    assert out.stat().st_size > 5_000
    bad = subprocess.run(
        [sys.executable, "-m", "gis.cli", "province", "gaps", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "nowhere" in bad.stderr


def test_zones_of_each_county_are_what_it_gives_alone(counties):
    from gis.province import province_zones
    from gis.zones.delineate import delineate_zones

    two = sorted(counties.glob("*.gpkg"))[:2]
    r = province_zones(two, missing=True, workers=2)
    assert r.complete
    for p in two:
        s = GeoPackageStore(p)
        assert r.county_json[s.meta()["county_code"]] == delineate_zones(s, missing=True).to_json()
    zones = r.tables()["zones"]
    assert len(zones) == sum(len(j["proposals"]) for j in r.county_json.values()) > 0
    assert zones.crs.to_epsg() == 4490 and set(zones["county_code"]) == {"512100", "512101"}


def test_a_worker_takes_its_share_of_the_cores(monkeypatch):
    from gis._parallel import THREADS_ENV, worker_count

    monkeypatch.setenv(THREADS_ENV, "1")  # as province_gaps sets it for each worker
    assert worker_count(None) == 1 and worker_count(3) == 3  # a named count still wins
    monkeypatch.setenv(THREADS_ENV, "")
    assert worker_count(None) >= 1


def _tracks(demo: Path, out: Path) -> Path:
    """Three walks of one village chief along his own stretch (a point every 10 m, 8 s)."""
    import datetime as dt

    import numpy as np
    import pandas as pd
    import pyproj

    s = GeoPackageStore(demo)
    a = s.read("assignments")
    row = a[(a["level"] == "village") & a["from_m"].notna()].iloc[0]
    line = s.read("rivers").set_index("river_code").to_crs(4544).geometry[row.river_code]
    rows = []
    for k, day in enumerate((6, 13, 20)):
        t0 = dt.datetime(2026, 7, day, 8, 0)
        for i, m in enumerate(np.arange(row.from_m, min(row.to_m, row.from_m + 1500), 10.0)):
            p = line.interpolate(m)
            rows.append(
                (row.chief_id, f"P{k}", (t0 + dt.timedelta(seconds=8 * i)).isoformat(), p.x, p.y)
            )
    df = pd.DataFrame(rows, columns=["河长编号", "巡河编号", "时间", "x", "y"])
    df["经度"], df["纬度"] = pyproj.Transformer.from_crs(4544, 4490, always_xy=True).transform(
        df["x"].to_numpy(), df["y"].to_numpy()
    )
    df.drop(columns=["x", "y"]).to_csv(out, index=False)
    return out


def test_patrols_and_scorecards_of_each_county_are_what_it_gives_alone(
    counties, demo_path, tmp_path
):
    import datetime as dt

    from gis.assessment import assess_chiefs
    from gis.patrols import assess_patrols, import_tracks
    from gis.patrols.clean import CleanOptions
    from gis.province import province_assess, province_patrols

    tracks = _tracks(demo_path, tmp_path / "tracks.csv")
    stores = []
    for i in range(2):
        p = tmp_path / f"county{i}.gpkg"
        shutil.copy(counties / f"county{i}.gpkg", p)
        import_tracks([tracks], GeoPackageStore(p), options=CleanOptions(coords="cgcs2000"))
        stores.append(p)
    bare = tmp_path / "county2.gpkg"  # no patrols: a failed county, never a county of zeros
    shutil.copy(counties / "county2.gpkg", bare)
    period = {"start": dt.date(2026, 7, 1), "end": dt.date(2026, 9, 30)}
    patrols = province_patrols([*stores, bare], workers=2, **period)
    assert [f["county_code"] for f in patrols.failures()] == ["512102"]
    assess = province_assess(stores, workers=2, **period)
    assert assess.complete
    for p in stores:
        s = GeoPackageStore(p)
        code = s.meta()["county_code"]
        assert patrols.county_json[code] == assess_patrols(s, **period).to_json()
        assert assess.county_json[code] == assess_chiefs(s, **period).to_json()
    assert set(assess.tables()["chiefs"]["county_code"]) == {"512100", "512101"}


def test_workers_start_under_a_host_that_replaced_the_main_script(counties):
    """Streamlit (here its AppTest) puts a script of its own in ``__main__``, which spawned
    workers would re-run and fail on; the province run must not depend on it."""
    from streamlit.testing.v1 import AppTest

    def page():
        import streamlit as st

        st.write("a page")

    AppTest.from_function(page).run()
    r = province_gaps([counties / "county0.gpkg"], level=LEVEL, workers=1)
    assert r.complete and list(r.county_json) == ["512100"]
