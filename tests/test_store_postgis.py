"""The PostGIS store for many offices: a county moved in and back loses nothing, analyses
read it as they read the file, ten writers at once lose nothing, an office writes only its
own county (checked by the server), and addresses that cannot work are refused clearly."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import subprocess
import sys

import pandas.testing as pdt
import pytest

from gis import find_gaps
from gis._errors import StoreError
from gis.store import GeoPackageStore
from gis.store_pg import PostGISStore, grant_office

DEMO_CODE = "512099"


def _cli(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gis.cli", *argv], capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def demo_in_pg(pg_url, demo_path, tmp_path_factory):
    """The demo county copied into PostGIS by the command line (with an extra column)."""
    src = tmp_path_factory.mktemp("pg") / "demo.gpkg"
    shutil.copy(demo_path, src)
    url = f"{pg_url}&county={DEMO_CODE}"
    p = _cli("copy-store", str(src), url)
    assert p.returncode == 0, p.stderr
    return src, url


def test_a_county_moved_into_postgis_and_back_loses_nothing(demo_in_pg, tmp_path):
    src, url = demo_in_pg
    back = tmp_path / "back.gpkg"
    p = _cli("copy-store", url, str(back))
    assert p.returncode == 0, p.stderr
    a, b = GeoPackageStore(src), GeoPackageStore(back)
    assert b.layers() == a.layers()
    for name in a.layers():
        pdt.assert_frame_equal(b.read(name), a.read(name), check_dtype=True, obj=name)
    drop = {"revision"}  # each store counts its own writes
    assert {k: v for k, v in b.meta().items() if k not in drop} == {
        k: v for k, v in a.meta().items() if k not in drop
    }


def test_analyses_read_postgis_as_they_read_the_file(demo_in_pg):
    src, url = demo_in_pg
    want = find_gaps(GeoPackageStore(src), level="township").to_json()
    assert find_gaps(PostGISStore(url), level="township").to_json() == want
    p = _cli("gaps", "--data", url, "--level", "township", "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == want


def _writer(url: str, tag: str, rivers_pickle: bytes) -> None:
    import pickle

    rivers = pickle.loads(rivers_pickle)
    store = PostGISStore(url)
    for batch in range(4):
        part = rivers.iloc[batch * 5 : (batch + 1) * 5].copy()
        part["river_code"] = [f"{tag}-{batch}-{i}" for i in range(len(part))]
        store.write({"rivers": part}, mode="append")


def test_ten_writers_at_once_lose_nothing(pg_url, demo_path):
    import pickle

    rivers = pickle.dumps(GeoPackageStore(demo_path).read("rivers").head(20))
    counties = [f"7000{i}" for i in range(5)]
    jobs = [
        (f"{pg_url}&county={c}", f"{c}w{w}", rivers) for c in counties for w in range(2)
    ]  # five counties, two offices writing into each at once
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=job) for job in jobs]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * len(procs)
    for c in counties:
        store = PostGISStore(f"{pg_url}&county={c}")
        codes = set(store.read("rivers")["river_code"])
        want = {f"{c}w{w}-{b}-{i}" for w in range(2) for b in range(4) for i in range(5)}
        assert codes == want, c
        assert store.meta()["revision"] == "8"  # eight writes, each counted once


def test_an_office_writes_only_its_own_county(pg_url, demo_path):
    rivers = GeoPackageStore(demo_path).read("rivers").head(3)
    own, other = f"{pg_url}&county=710001", f"{pg_url}&county=710002"
    PostGISStore(other).write({"rivers": rivers})  # the city's data for another county
    grant_office(own, "office_710001", password="s3cret")
    as_office = own.replace("user=riverchief", "user=office_710001")
    PostGISStore(as_office).write({"rivers": rivers})
    assert len(PostGISStore(as_office).read("rivers")) == 3
    intruder = PostGISStore(other.replace("user=riverchief", "user=office_710001"))
    assert len(intruder.read("rivers")) == 3  # the office reads every county
    with pytest.raises(StoreError) as e:
        intruder.write({"rivers": rivers.head(1)})
    assert e.value.code == "store.pg_failed" and "row-level security" in str(e.value)
    assert len(PostGISStore(other).read("rivers")) == 3  # rolled back: nothing deleted


def test_addresses_that_cannot_work_are_refused_clearly(pg_url):
    with pytest.raises(StoreError) as e:
        PostGISStore(pg_url)  # no county
    assert e.value.code == "store.pg_no_county"
    bad = "postgresql://clerk:hunter2@127.0.0.1:1/none?county=512099&connect_timeout=2"
    with pytest.raises(StoreError) as e:
        PostGISStore(bad).read("rivers")
    assert e.value.code == "store.pg_unreachable" and "hunter2" not in str(e.value)
    p = _cli("gaps", "--data", bad)
    assert p.returncode == 2 and "Traceback" not in p.stderr and "hunter2" not in p.stderr
    with pytest.raises(StoreError) as e:
        PostGISStore(f"{pg_url}&county=512099").write(
            {}, meta={"county_code": "512100"}
        )  # one county's facts never land on another
    assert e.value.code == "store.copy_other_county"


def test_a_province_run_reads_every_county_a_database_holds(pg_url, demo_path, tmp_path):
    import psycopg
    from test_province import _derive

    from gis.province import province_gaps
    from gis.store_pg import copy_store

    with psycopg.connect(pg_url, autocommit=True) as c:
        c.execute("CREATE DATABASE province_test")
    url = pg_url.replace("/riverchief_test?", "/province_test?") + "&password=not-shown"
    alone = {}
    for i in range(2):
        f = _derive(demo_path, tmp_path / f"c{i}.gpkg", i)
        code = GeoPackageStore(f).meta()["county_code"]
        copy_store(GeoPackageStore(f), PostGISStore(f"{url}&county={code}"))
        alone[code] = find_gaps(GeoPackageStore(f), level="township").to_json()
    r = province_gaps([url], level="township", workers=1)  # no county=: every county in it
    assert r.complete and r.county_json == alone
    j = r.to_json()
    assert [c["county_code"] for c in j["counties"]] == sorted(alone)
    assert "not-shown" not in json.dumps(j) and "password=***" in j["counties"][0]["store"]


WALK = [  # the README's "your own county" walkthrough, store named last (--data, or init's)
    ["import", "examples/your_county/乡镇界.geojson", "--layer", "admin_units"],
    ["import", "examples/your_county/村界.geojson", "--layer", "admin_units"],
    ["import", "examples/your_county/河流弧段.zip", "--layer", "rivers", "--crs", "EPSG:4490"],
    [
        "import",
        "examples/your_county/河长名录.xlsx",
        "--layer",
        "chiefs",
        "--default",
        "admin_code=130999",
    ],
    [
        "import",
        "examples/your_county/河长责任.csv",
        "--layer",
        "assignments",
        "--default",
        "admin_code=130999",
    ],
    ["import", "examples/your_county/饮用水水源.csv", "--layer", "water_sources"],
]


def test_the_readme_walkthrough_into_postgis_ends_as_into_the_file(pg_url, tmp_path):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    walk = [[str(root / a) if a.startswith("examples/") else a for a in argv] for argv in WALK]
    gpkg, url = str(tmp_path / "沃克县.gpkg"), f"{pg_url}&county=130999"
    results = {}
    for store in (gpkg, url):
        init = [
            "init",
            store,
            "--code",
            "130999",
            "--name",
            "沃克县",
            "--boundary",
            str(root / "examples/your_county/县界.geojson"),
        ]
        p = subprocess.run(
            [sys.executable, "-m", "gis.cli", *init], capture_output=True, text=True, cwd=tmp_path
        )
        assert p.returncode == 0, p.stderr
        codes = []
        for argv in walk:
            p = subprocess.run(
                [sys.executable, "-m", "gis.cli", *argv, "--data", store],
                capture_output=True,
                text=True,
                cwd=tmp_path,
            )
            assert "Traceback" not in p.stderr, p.stderr
            codes.append(p.returncode)
        out = {}
        for cmd in (["summary"], ["gaps"]):
            p = subprocess.run(
                [sys.executable, "-m", "gis.cli", *cmd, "--json", "--data", store],
                capture_output=True,
                text=True,
                cwd=tmp_path,
            )
            assert p.returncode == 0, p.stderr
            out[cmd[0]] = json.loads(p.stdout)
        results[store] = (codes, out)
    assert results[url] == results[gpkg]  # the same exit codes (rows refused) and findings
    assert not [*root.glob("postgresql*"), *tmp_path.glob("postgresql*")]  # never a file


def test_grant_office_from_the_command_line(pg_url, demo_path):
    rivers = GeoPackageStore(demo_path).read("rivers").head(2)
    own = f"{pg_url}&county=710003"
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "gis.cli",
            "grant-office",
            "office_710003",
            "--data",
            own,
            "--password-stdin",
        ],
        input="s3cret\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0 and "office_710003" in p.stdout and "s3cret" not in p.stdout
    office = PostGISStore(own.replace("user=riverchief", "user=office_710003"))
    office.write({"rivers": rivers})
    assert len(office.read("rivers")) == 2
    elsewhere = PostGISStore(
        f"{pg_url}&county=710004".replace("user=riverchief", "user=office_710003")
    )
    with pytest.raises(StoreError):
        elsewhere.write({"rivers": rivers})
