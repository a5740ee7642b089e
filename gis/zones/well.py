"""Groundwater sources: circles whose radius comes from travel time (HJ 338-2018)."""

from __future__ import annotations

import pandas as pd
from shapely.geometry import Point

from gis import rules
from gis._errors import InputError
from gis.zones.river import QUAD_SEGS

DEFAULT_MATERIAL = "medium_sand"  # aquifer of a well without K, I, n


def well_radius(*, K: float, I: float, n: float, T: float, alpha: float) -> float:  # noqa: E741, N803
    """R = α·K·I·T/n in metres: K in m/d, I and n dimensionless, T in days."""
    for name, v in (("K", K), ("I", I), ("n", n), ("T", T), ("alpha", alpha)):
        if not v > 0:
            raise InputError(
                code="aquifer.not_positive", field=name, params={"name": name, "value": v}
            )
    if n > 1:
        raise InputError(code="aquifer.porosity", field="n", params={"value": n})
    return alpha * K * I * T / n


def well_radii(
    travel: pd.DataFrame,
    empirical: pd.DataFrame,
    *,
    aquifer: dict | None = None,
    material: str = DEFAULT_MATERIAL,
) -> tuple[dict[str, float], str]:
    """Radius per level and how it was found: from K, I, n when ``aquifer`` gives them,
    else from the empirical table for ``material``."""
    if aquifer:
        t = travel.set_index("level")
        radii = {
            lv: well_radius(
                K=float(aquifer["K"]),
                I=float(aquifer["I"]),
                n=float(aquifer["n"]),
                T=float(t.loc[lv, "travel_time_d"]),
                alpha=float(t.loc[lv, "alpha"]),
            )
            for lv in ("level1", "level2")
        }
        how = f"R = α·K·I·T/n with K={aquifer['K']} m/d, I={aquifer['I']}, n={aquifer['n']}"
        return radii, how
    row = rules.row(empirical, "material", material)
    return (
        {"level1": float(row["level1_m"]), "level2": float(row["level2_m"])},
        f"aquifer parameters unknown: empirical radius for {material}",
    )


def well_zones(point: Point, radii: dict[str, float]) -> dict[str, dict]:
    l1 = point.buffer(radii["level1"], quad_segs=QUAD_SEGS)
    l2 = point.buffer(radii["level2"], quad_segs=QUAD_SEGS).difference(l1)
    empty = l1.difference(l1)
    return {"level1": {"water": empty, "land": l1}, "level2": {"water": empty, "land": l2}}
