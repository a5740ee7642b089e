"""What patrols are matched against: the village-level reaches, their index, and each
chief's assigned stretches as intervals along those reaches."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from gis import kept
from gis.admin_codes import ABOVE_COUNTY
from gis.patrols.match import ReachIndex, build_index
from gis.reaches import segment
from gis.store import Store

#: Levels whose chiefs hold a whole river inside the county (no polygons cut it).
WHOLE_RIVER_LEVELS = (*ABOVE_COUNTY, "county")


@dataclass
class PatrolNetwork:
    """Reaches (metric CRS, row order = index order), their index, and assignments."""

    reaches: gpd.GeoDataFrame
    index: ReachIndex
    assigned: pd.DataFrame  # chief_id, reach (row), lo, hi: along-reach metres
    reservoirs: (
        gpd.GeoSeries
    )  # per chief_id: union of the reservoirs the chief is assigned (metric)
    chiefs: pd.DataFrame  # chief_id, name, level, admin_code, township_code, has_assignment
    admin_names: dict  # admin_code -> name, for reports

    @property
    def crs(self):
        return self.reaches.crs


def network_from_store(store: Store, *, tolerance: float = 50.0) -> PatrolNetwork:
    """Build the matching network of a county store (segments the rivers at village level,
    once per store version: the reaches are kept beside the store, see :mod:`gis.kept`)."""
    admin = store.read("admin_units")
    reaches = kept.kept_frame(
        store,
        "village_reaches",
        [],
        lambda: segment(store.read("rivers"), admin, level="village")[0].reset_index(drop=True),
        geo=True,
    )
    return network_of(
        reaches,
        store.read("assignments"),
        store.read("chiefs"),
        admin=admin,
        reservoirs=store.read("reservoirs"),
        tolerance=tolerance,
    )


def network_of(
    reaches, assignments, chiefs, *, admin, reservoirs, tolerance: float = 50.0
) -> PatrolNetwork:
    """The same from frames (a partition of a province works too)."""
    ch = chief_table(chiefs, assignments, admin)
    res = reservoirs.to_crs(reaches.crs).set_index("reservoir_code").geometry
    ra = assignments[assignments["target_type"] == "reservoir"]
    chief_res = ra.groupby("chief_id")["reservoir_code"].apply(
        lambda codes: res.reindex(codes).dropna().union_all()
    )
    return PatrolNetwork(
        reaches,
        build_index(reaches, tolerance=tolerance),
        assigned_intervals(reaches, assignments),
        gpd.GeoSeries(chief_res, crs=reaches.crs),
        ch,
        dict(zip(admin["admin_code"], admin["name"], strict=True)),
    )


def chief_table(chiefs, assignments, admin) -> pd.DataFrame:
    """``chief_id, name, level, admin_code, has_assignment, township_code`` of each chief
    (the township a village chief's village belongs to; None for county chiefs)."""
    parent = dict(zip(admin["admin_code"], admin["parent_code"], strict=True))
    level = dict(zip(admin["admin_code"], admin["level"], strict=True))
    ch = chiefs[["chief_id", "name", "level", "admin_code"]].copy()
    ch["has_assignment"] = ch["chief_id"].isin(assignments["chief_id"])
    ch["township_code"] = [
        c if level.get(c) == "township" else parent.get(c) if level.get(c) == "village" else None
        for c in ch["admin_code"]
    ]
    return ch


def assigned_intervals(reaches: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    """Each chief's river assignments as (reach row, lo, hi) along the village reaches.

    A province, city or county assignment covers the river; a township one the village
    reaches of the township; a village one the reaches of the village (both sides of a
    shared reach).
    ``from_m``/``to_m`` (chainage from the source) clip the stretch.
    """
    a = assignments[assignments["target_type"] == "river"]
    r = pd.DataFrame(
        {
            "reach": np.arange(len(reaches)),
            "river_code": reaches["river_code"].to_numpy(),
            "admin_code": reaches["admin_code"].to_numpy(),
            "shared": reaches["shared_admin_code"].to_numpy(),
            "township_code": reaches["township_code"].to_numpy(),
            "r0": reaches["from_m"].to_numpy(dtype=float),
            "r1": reaches["to_m"].to_numpy(dtype=float),
        }
    )
    m = a.merge(r, on="river_code", suffixes=("", "_r"))
    own = np.select(
        # a province, city or county chief holds the whole river inside the county
        [m["level"].isin(WHOLE_RIVER_LEVELS), m["level"] == "township"],
        [True, m["township_code"] == m["admin_code"]],
        (m["admin_code_r"] == m["admin_code"]) | (m["shared"] == m["admin_code"]),
    )
    m = m[own.astype(bool)]
    lo = np.maximum(m["from_m"].astype(float).fillna(-np.inf), m["r0"]) - m["r0"]
    hi = np.minimum(m["to_m"].astype(float).fillna(np.inf), m["r1"]) - m["r0"]
    out = pd.DataFrame(
        {
            "chief_id": m["chief_id"].to_numpy(),
            "reach": m["reach"].to_numpy(),
            "lo": lo.to_numpy(),
            "hi": hi.to_numpy(),
        }
    )
    out = out[out["hi"] - out["lo"] > 1.0]
    return merge_intervals(out, ["chief_id", "reach"])


def merge_intervals(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Union of [lo, hi] intervals within each key group (vectorised)."""
    if df.empty:
        return df.reset_index(drop=True)
    d = df.sort_values(keys + ["lo"], kind="stable").reset_index(drop=True)
    grp = d.groupby(keys, sort=False).ngroup().to_numpy()
    hi_run = pd.Series(d["hi"].to_numpy()).groupby(grp).cummax().to_numpy()
    prev_hi = np.r_[-np.inf, hi_run[:-1]]
    new = np.r_[True, grp[1:] != grp[:-1]] | (d["lo"].to_numpy() > prev_hi)
    block = np.cumsum(new)
    out = d.groupby(block, sort=False).agg({**{k: "first" for k in keys}, "lo": "min", "hi": "max"})
    return out.reset_index(drop=True)
