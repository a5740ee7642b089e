"""Shared fixtures: paths to the shipped demo and to ../shared/realdata."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gis import datasets

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"


@pytest.fixture(autouse=True)
def cli_in_english(monkeypatch):
    """The command line speaks Chinese by default; the suite's message assertions read its
    English (``RIVERCHIEF_LANG=en``). Tests of the Chinese default delete the variable."""
    monkeypatch.setenv("RIVERCHIEF_LANG", "en")


@pytest.fixture(scope="session")
def realdata() -> Path:
    if not REALDATA.exists():
        pytest.skip(
            f"real test data not found at {REALDATA} (it sits beside the project in "
            "../shared/realdata)"
        )
    return REALDATA


@pytest.fixture(scope="session")
def demo_path() -> Path:
    return datasets.get_path("demo")


@pytest.fixture()
def demo_copy(tmp_path, demo_path) -> Path:
    """A private copy of the demo store that a test may change."""
    out = tmp_path / "county.gpkg"
    shutil.copy(demo_path, out)
    return out


@pytest.fixture(scope="session")
def demo_quarter(demo_path):
    """The simulated demo quarter (generated once, ~15 s) analysed for 2026-07-01..09-30:
    (report, assessment, answer key). Shared by the patrol and browser tests."""
    import datetime as dt

    from gis.demo import patrols as demo_patrols
    from gis.patrols import analyse
    from gis.store import GeoPackageStore

    path = demo_patrols.ensure()
    report, a = analyse(
        GeoPackageStore(demo_path), start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30), tracks=path
    )
    return report, a, demo_patrols.read(path)[1]


@pytest.fixture(scope="session")
def hostile_path(tmp_path_factory) -> Path:
    """The demo store with a hostile payload in every name and free-text field
    (tests/hostile_store.py), built once per session; do not change it."""
    from hostile_store import build  # tests/ is on sys.path (pytest prepends it)

    return build(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="session")
def partial_store(tmp_path_factory):
    """``partial_store(kind)``: the path of a partial or clean county store
    (tests/partial_stores.py: boundary_only, no_villages, no_townships, clean), built once
    per session on first use; do not change it."""
    from partial_stores import build  # tests/ is on sys.path (pytest prepends it)

    built: dict[str, Path] = {}

    def get(kind: str) -> Path:
        if kind not in built:
            built[kind] = build(tmp_path_factory.mktemp(kind), kind)
        return built[kind]

    return get


@pytest.fixture(scope="session")
def pg_url():
    """A PostGIS database for the tests (tests/pg_server.py): started here, stopped at the
    end; skipped with the reason when this machine has no PostgreSQL and PostGIS."""
    from pg_server import Server, why_not  # tests/ is on sys.path (pytest prepends it)

    if reason := why_not():
        pytest.skip(reason)
    server = Server()
    yield server.start()
    server.stop()


@pytest.fixture()
def pg_county(pg_url, request):
    """A PostGIS store URL of a county code no other test uses."""
    import zlib

    code = f"9{zlib.crc32(request.node.nodeid.encode()) % 100000:05d}"
    return f"{pg_url}&county={code}"
