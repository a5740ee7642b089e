"""Shared fixtures: paths to the shipped demo and to ../shared/realdata."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gis import datasets

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def realdata() -> Path:
    if not REALDATA.exists():
        pytest.skip(f"real test data not found at {REALDATA} (it sits beside the project in ../shared/realdata)")
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
