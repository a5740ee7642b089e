"""Water-quality monitoring sections of the demo county and their monthly classes for Q3 2026
(issue 17), with the planted breaches in the answer key.

Drawn from their own random stream (``[seed, 17]``) so that no other demo layer changes.
Boundary sections sit where a county river crosses from one township into another.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from gis import catalogue
from gis.demo.context import AnswerKey

MONTHS = ("2026-07-01", "2026-08-01", "2026-09-01")  # Q3 2026, as the demo patrols
BASE_YEAR = 2025
N_RIVERS = 6  # county rivers that carry sections
N_BOUNDARY = 3
N_BREACH = 2  # sections planted worse than target
_CLASSES = list(catalogue.WATER_CLASSES)  # best -> worst


def build_sections(
    rivers: gpd.GeoDataFrame, admin: gpd.GeoDataFrame, key: AnswerKey, *, seed: int
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Sections (Point layer) and their monthly measurements; breaches go into ``key``."""
    rng = np.random.default_rng([seed, 17])
    towns = admin[admin["level"] == "township"].reset_index(drop=True)
    rv = rivers.sort_values("river_code").head(N_RIVERS)  # R001.. are the county rivers
    rows: list[dict] = []
    for river_code, line in zip(rv["river_code"], rv.geometry, strict=True):
        for at in _crossings(line, towns):
            row = _row(line, river_code, at, towns, boundary=True)
            both = row["upstream_admin"] and row["downstream_admin"]
            if both and row["upstream_admin"] != row["downstream_admin"]:
                if sum(r["upstream_admin"] is not None for r in rows) < N_BOUNDARY:
                    rows.append(row)
                break
        for share in (0.25, 0.9):
            rows.append(_row(line, river_code, share * line.length, towns, boundary=False))
    for i, r in enumerate(rows):
        r["section_id"] = f"S{i + 1:02d}"
        r["kind"] = "national" if i == 0 else "provincial" if i < 3 else "county"
        r["target_class"] = "II" if r["kind"] == "national" else "III"
        r["base_year"] = BASE_YEAR
        r["base_class"] = _CLASSES[_CLASSES.index(r["target_class"]) + int(rng.integers(0, 2))]
        r["name"] = f"{r['river_code'][-4:]}-{i + 1}号断面"
    # breaches away from township edges, so one village holds each; the first is worse than
    # target every month (the polluted river of gis/demo/roles.py)
    inland = [i for i, r in enumerate(rows) if r["upstream_admin"] is None]
    breach = [int(i) for i in rng.choice(inland, size=N_BREACH, replace=False)]
    measurements = []
    for i, r in enumerate(rows):
        t = _CLASSES.index(r["target_class"])
        worse = 0
        for month in MONTHS:
            # a breach is at or up to two classes worse; the others at target or one better
            if i == breach[0]:
                c = t + 1 + int(rng.integers(0, 2))
            elif i in breach:
                c = t + int(rng.integers(0, 3))
            else:
                c = t - int(rng.integers(0, 2))
            worse += c > t
            measurements.append(
                {
                    "measurement_id": f"{r['section_id']}-{month[:7]}",
                    "section_id": r["section_id"],
                    "month": month,
                    "water_class": _CLASSES[min(c, len(_CLASSES) - 1)],
                }
            )
        if worse:
            key.add(
                "assess_section_breach",
                "monitoring_sections",
                ref_id=r["section_id"],
                river_code=r["river_code"],
                value=float(worse),
                detail=f"target {r['target_class']}",
            )
    sections = gpd.GeoDataFrame(rows, geometry="geometry", crs=rivers.crs)
    cols = [f.name for f in catalogue.get_layer("monitoring_sections").fields]
    return sections[[*cols, "geometry"]], pd.DataFrame(measurements)


def _crossings(line, towns: gpd.GeoDataFrame) -> list[float]:
    """Chainages where ``line`` passes from one township into another (away from its ends)."""
    out = []
    for geom in towns.geometry.boundary:
        hit = line.intersection(geom)
        for p in getattr(hit, "geoms", [hit]):
            if isinstance(p, Point):
                at = line.project(p)
                if 200 < at < line.length - 200:
                    out.append(at)
    return sorted(set(round(a, 3) for a in out))


def _row(line, river_code: str, at: float, towns: gpd.GeoDataFrame, *, boundary: bool) -> dict:
    up = down = None
    if boundary:
        up = _town(line.interpolate(at - 60), towns)
        down = _town(line.interpolate(at + 60), towns)
    return {
        "river_code": river_code,
        "chainage_m": float(at),
        "upstream_admin": up,
        "downstream_admin": down,
        "geometry": line.interpolate(at),
    }


def _town(p: Point, towns: gpd.GeoDataFrame) -> str | None:
    hit = towns[towns.contains(p)]
    return str(hit["admin_code"].iloc[0]) if len(hit) == 1 else None
