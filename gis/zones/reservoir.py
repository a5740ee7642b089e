"""Lake- and reservoir-type sources: zones by scale class (HJ 338-2018)."""

from __future__ import annotations

import pandas as pd
import shapely
from shapely.geometry import Point
from shapely.ops import nearest_points

from gis.zones.river import QUAD_SEGS


def reservoir_zones(water, intake: Point, rule: pd.Series, *, catchment=None) -> dict[str, dict]:
    """Level 1 and level 2 zones of a reservoir source (metric CRS).

    Parameters
    ----------
    water : Polygon
        The water surface at the normal level.
    intake : Point
        The intake.
    rule : Series
        The ``reservoir_zones`` row of the reservoir's scale class.
    catchment : geometry, optional
        The reservoir's upstream catchment, used where the rule's level 2 land is
        ``catchment``; without it the rule's band width stands in (noted).
    """
    notes: list[str] = []
    if rule["level1_water"] == "all":
        water1 = water
    else:
        water1 = water.intersection(
            intake.buffer(float(rule["level1_radius_m"]), quad_segs=QUAD_SEGS)
        )
        if water1.is_empty:
            notes.append(
                "intake is not on the water surface; level 1 water taken around the nearest shore "
                "point"
            )
            near = nearest_points(water, intake)[0]
            water1 = water.intersection(
                near.buffer(float(rule["level1_radius_m"]), quad_segs=QUAD_SEGS)
            )
    land1 = water1.buffer(float(rule["level1_land_m"]), quad_segs=QUAD_SEGS).difference(water)
    if rule["level2_water"] == "radial":
        water2 = water.intersection(
            water1.buffer(float(rule["level2_radius_m"]), quad_segs=QUAD_SEGS)
        ).difference(water1)
    else:
        water2 = water.difference(water1)
    inner = shapely.union_all([water, land1])
    if rule["level2_land"] == "catchment" and catchment is not None:
        land2 = catchment.difference(inner)
        notes.append("level 2 land is the upstream catchment")
    else:
        if rule["level2_land"] == "catchment":
            notes.append(
                f"no DEM or catchment given: a {float(rule['level2_land_m']):.0f} m band stands "
                "in for the catchment"
            )
        land2 = (
            shapely.union_all([water1, water2])
            .buffer(float(rule["level2_land_m"]), quad_segs=QUAD_SEGS)
            .difference(inner)
        )
    return {
        "level1": {"water": water1, "land": land1, "notes": notes},
        "level2": {"water": water2, "land": land2, "notes": list(notes)},
    }
