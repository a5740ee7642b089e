"""County stores that are partial or clean, as real counties' stores are (issue 14 item 7).

- ``boundary_only``: a county that has imported its outline and nothing else;
- ``no_villages``: the demo without village polygons (many counties have only townships);
- ``no_townships``: the demo without township polygons;
- ``clean``: a small county (one township, two villages, one river) whose register is
  complete, so every findings table of ``gaps`` is empty.

Built by :func:`build` (conftest.py: once per session); tests must not change them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, box

from gis import datasets
from gis.store import GeoPackageStore

KINDS = ("boundary_only", "no_villages", "no_townships", "clean")

#: The clean county, in Gauss-Krüger metres (CGCS2000 zone 35, near 105°E 30.7°N).
GK = 4544
CLEAN_META = {
    "county_code": "512098",
    "county_name": "净县",
    "gk_epsg": str(GK),
    "as_of": "2026-10-01",
    "crs": "EPSG:4490",
}
CLEAN_RIVER_M = 18000.0  # the one river's length, all of it inside village 512098100001


def _demo_meta() -> dict:
    meta = GeoPackageStore(datasets.get_path("demo")).meta()
    return {k: meta[k] for k in ("county_code", "county_name", "gk_epsg", "as_of", "crs")}


def _demo_copy(path: Path, drop_level: str) -> Path:
    shutil.copy(datasets.get_path("demo"), path)
    store = GeoPackageStore(path)
    units = store.read("admin_units")
    store.write({"admin_units": units[units["level"] != drop_level]})
    return path


def _boundary_only(path: Path) -> Path:
    units = GeoPackageStore(datasets.get_path("demo")).read("admin_units")
    GeoPackageStore(path).write(
        {"admin_units": units[units["level"] == "county"]}, meta=_demo_meta()
    )
    return path


def _clean(path: Path) -> Path:
    county, town = CLEAN_META["county_code"], CLEAN_META["county_code"] + "100"
    west, east = town + "001", town + "002"
    units = gpd.GeoDataFrame(
        {
            "admin_code": [county, town, west, east],
            "name": ["净县", "清镇", "东村", "西村"],
            "level": ["county", "township", "village", "village"],
            "parent_code": [None, county, town, town],
        },
        geometry=[
            box(490000, 3390000, 510000, 3410000),
            box(490000, 3390000, 510000, 3410000),
            box(490000, 3390000, 500000, 3410000),
            box(500000, 3390000, 510000, 3410000),
        ],
        crs=GK,
    )
    rivers = gpd.GeoDataFrame(
        {
            "river_code": [county + "R001"],
            "name": ["清河"],
            "management_level": ["county"],
            "in_register": [True],
            "flows_into": [None],
        },
        geometry=[LineString([(495000, 3409000), (495000, 3409000 - CLEAN_RIVER_M)])],
        crs=GK,
    )
    levels = [("county", county), ("township", town), ("village", west)]
    chiefs = pd.DataFrame(
        {
            "chief_id": [f"{county}C{i + 1:04d}" for i in range(3)],
            "name": ["甲", "乙", "丙"],
            "level": [lv for lv, _ in levels],
            "post": ["县长", "镇长", "村主任"],
            "phone": ["100-0000-0001", "100-0000-0002", "100-0000-0003"],
            "admin_code": [code for _, code in levels],
        }
    )
    assignments = pd.DataFrame(
        {
            "assignment_id": [f"{county}A{i + 1:05d}" for i in range(3)],
            "chief_id": chiefs["chief_id"],
            "level": chiefs["level"],
            "target_type": "river",
            "river_code": county + "R001",
            "reservoir_code": None,
            "admin_code": chiefs["admin_code"],
            "shared_admin_code": None,
            "from_m": None,
            "to_m": None,
        }
    )
    GeoPackageStore(path).write(
        {
            "admin_units": units.to_crs(4490),
            "rivers": rivers.to_crs(4490),
            "chiefs": chiefs,
            "assignments": assignments,
        },
        meta=CLEAN_META,
    )
    return path


def build(directory: Path, kind: str) -> Path:
    """Write the store ``kind`` (one of :data:`KINDS`) into ``directory``; return its path."""
    path = Path(directory) / f"{kind}.gpkg"
    if kind == "boundary_only":
        return _boundary_only(path)
    if kind == "no_villages":
        return _demo_copy(path, "village")
    if kind == "no_townships":
        return _demo_copy(path, "township")
    if kind == "clean":
        return _clean(path)
    raise ValueError(f"unknown partial store '{kind}'; valid: {', '.join(KINDS)}")
