"""Patrol tracks as lines, for maps and exports: whole tracks, or pieces stamped with
time for a slider that draws each walk as it happened."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from gis.patrols.assess import Assessment

# the colour buckets of "last patrolled", in days before the period's last day
RECENCY = (("recent", 7), ("month", 30), ("older", None), ("never", None))


def track_pieces(a: Assessment, patrol_ids, crs, *, pieces: int = 12) -> gpd.GeoDataFrame:
    """The tracks of ``patrol_ids`` cut into about ``pieces`` pieces each, in EPSG:4326.

    Each piece carries ``start`` (its first point's time, ms since the epoch, as
    leaflet.timeline wants) and ``end`` (the patrol's last time), so a time slider shows
    a walk growing and then staying drawn. Track segments (pauses) are never joined.
    ``crs`` is the metric CRS of ``a.points`` (the network's).
    """
    rows = a.patrols.index[a.patrols["patrol_id"].isin(list(patrol_ids))]
    pt = a.points[a.points["patrol"].isin(rows)].sort_values(["patrol", "t"], kind="stable")
    cols = ["patrol_id", "chief_id", "valid", "flags", "start", "end", "geometry"]
    if pt.empty:
        return gpd.GeoDataFrame(columns=cols, geometry="geometry", crs=4326)
    lon, lat = pyproj.Transformer.from_crs(crs, 4326, always_xy=True).transform(
        pt["x"].to_numpy(), pt["y"].to_numpy()
    )
    pt = pt.assign(lon=lon, lat=lat)
    out = []
    for p, g in pt.groupby("patrol", sort=True):
        meta = a.patrols.loc[p]
        t = g["t"].to_numpy()
        end = np.nanmax(t) if np.isfinite(t).any() else np.nan
        for _, s in g.groupby("seg", sort=True):
            if len(s) < 2:
                continue
            step = max(1, -(-len(s) // pieces))
            for i in range(0, len(s) - 1, step):
                part = s.iloc[i : i + step + 1]  # overlap one point: pieces join up
                if len(part) < 2:
                    continue
                out.append(
                    {
                        "patrol_id": meta["patrol_id"],
                        "chief_id": meta["chief_id"],
                        "valid": bool(meta["valid"]),
                        "flags": ";".join(meta["flags"]),
                        "start": _ms(part["t"].iloc[0]),
                        "end": _ms(end),
                        "geometry": shapely.linestrings(
                            part["lon"].to_numpy(), part["lat"].to_numpy()
                        ),
                    }
                )
    return gpd.GeoDataFrame(out, columns=cols, geometry="geometry", crs=4326)


def _ms(seconds: float) -> int | None:
    return None if not np.isfinite(seconds) else int(round(seconds * 1000))


def recency(reaches: pd.DataFrame, end: dt.date) -> pd.Series:
    """Each reach's bucket of :data:`RECENCY`: days from its last patrol to ``end``."""
    last = pd.to_datetime(reaches["last_patrol"])
    days = (pd.Timestamp(end) - last).dt.days
    out = pd.Series("older", index=reaches.index)
    out[days <= 30] = "month"
    out[days <= 7] = "recent"
    out[last.isna()] = "never"
    return out
