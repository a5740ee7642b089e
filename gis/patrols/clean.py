"""Turn raw track points into patrols: parse, convert to CGCS2000, drop bad points with a
reason each, remove duplicates and GPS jumps, and split at time gaps.

A pure function over a frame of points (any number of files and patrols), vectorised so
a quarter of a county's tracks cleans in seconds. Raw points are never removed: each
keeps ``kept`` and, when dropped, ``reason``.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import pyproj

from gis import coords as coords_mod
from gis.crs import gk_epsg_for_lon
from gis.io.tables import parse_angle

LOCAL_TZ = "Asia/Shanghai"  # times without a zone are Beijing time, as Chinese apps record them
EARLIEST = pd.Timestamp(
    "2000-01-01", tz="UTC"
)  # before this, a device clock was not set (e.g. 1901)


@dataclass(frozen=True)
class CleanOptions:
    """Cleaning thresholds. Unknown keys are refused by :meth:`from_dict`."""

    coords: str = "wgs84"  # system the points were recorded in
    chief: str | None = None  # chief for points whose file names none
    swap_xy: bool = False  # the file has lat in the lon column and vice versa
    gap_minutes: float = 10.0  # a longer pause splits the track into segments
    new_patrol_hours: float = 3.0  # a longer pause starts a new patrol (tables without patrol ids)
    jump_speed_ms: float = 50.0  # a point reached faster than this and left as fast is a GPS jump

    @classmethod
    def from_dict(cls, values: dict) -> CleanOptions:
        unknown = set(values) - set(cls.__dataclass_fields__)
        if unknown:
            raise KeyError(
                f"unknown cleaning option(s) {sorted(unknown)}; valid: "
                f"{sorted(cls.__dataclass_fields__)}"
            )
        return cls(**values)


FIXES = {
    "bad_coordinate": "write decimal degrees or degrees-minutes-seconds",
    "out_of_range": "longitude must be within ±180 and latitude within ±90",
    "lon_lat_swapped": "the file has latitude where longitude belongs: import again with --swap-xy",
    "no_chief": "pass --chief ID, or add a 河长编号 column",
    "duplicate": "none needed: the app recorded the same fix twice",
    "time_out_of_order": "none needed: a point dated before the one it follows cannot be placed",
    "gps_jump": "none needed: a single fix far off the track (multipath, cold start)",
    "missing_time": "kept for coverage; export times to get duration and speed",
    "implausible_time": "kept for coverage; the device clock was wrong, so no duration or speed",
}
DROP_REASONS = (
    "bad_coordinate",
    "out_of_range",
    "lon_lat_swapped",
    "no_chief",
    "duplicate",
    "time_out_of_order",
    "gps_jump",
)
TIME_ISSUES = ("missing_time", "implausible_time")


@dataclass
class Cleaned:
    """Points (every raw point, with ``kept``/``reason``) and one row per patrol."""

    points: pd.DataFrame
    patrols: pd.DataFrame
    options: CleanOptions

    def counts(self) -> pd.DataFrame:
        """Points read, kept and dropped per file, with a column per reason."""
        p = self.points
        out = p.groupby("file").agg(read=("kept", "size"), kept=("kept", "sum"))
        out["dropped"] = out["read"] - out["kept"]
        reasons = p[p["reason"].notna()].groupby(["file", "reason"]).size().unstack(fill_value=0)
        return out.join(reasons).fillna(0).astype(int).reset_index()

    def issues(self) -> pd.DataFrame:
        """One row per point with a problem: file, track, point, reason, kept, fix."""
        p = self.points[self.points["reason"].notna()]
        out = p[["file", "track", "segment", "point", "reason", "kept"]].copy()
        out["fix"] = out["reason"].map(FIXES)
        return out.reset_index(drop=True)

    def to_json(self) -> dict:
        return {
            "options": asdict(self.options),
            "files": self.counts().to_dict("records"),
            "patrols": len(self.patrols),
        }


def clean(
    raw: pd.DataFrame, *, options: CleanOptions | None = None, now: pd.Timestamp | None = None
) -> Cleaned:
    """Clean raw points (see :func:`gis.patrols.read.read_tracks`) into patrols.

    Parameters
    ----------
    raw : DataFrame
        Raw points of one or many files.
    options : CleanOptions
    now : Timestamp, optional
        Times after this (plus a day) are implausible; defaults to the current time.
    """
    opt = options or CleanOptions()
    if opt.coords not in coords_mod.SYSTEMS:
        raise KeyError(
            f"unknown coordinate system '{opt.coords}'; valid: {', '.join(coords_mod.SYSTEMS)}"
        )
    p = raw.reset_index(drop=True).copy()
    p["reason"] = pd.Series(pd.NA, index=p.index, dtype=object)
    lon, lat = _numbers(p["lon"], p, "bad_coordinate"), _numbers(p["lat"], p, "bad_coordinate")
    if opt.swap_xy:
        lon, lat = lat, lon
    # swapped first: a Chinese latitude of 105 is also out of range, but swapping is the fix
    swapped = ~coords_mod.in_china(lon, lat) & coords_mod.in_china(lat, lon)
    _mark(p, swapped, "lon_lat_swapped")
    bad_range = (np.abs(lon) > 180) | (np.abs(lat) > 90)
    _mark(p, bad_range, "out_of_range")
    p["raw_lon"], p["raw_lat"] = lon, lat
    # a per-row system (mixed phone apps) wins over the option for the whole import
    given = p["coords"] if "coords" in p else pd.Series(None, index=p.index, dtype=object)
    p["coords"] = given.where(given.notna(), opt.coords).astype(str)
    wlon, wlat = lon.copy(), lat.copy()
    for system in p["coords"].unique():
        if system not in coords_mod.SYSTEMS:
            raise KeyError(
                f"unknown coordinate system '{system}'; valid: {', '.join(coords_mod.SYSTEMS)}"
            )
        m = (p["coords"] == system).to_numpy()
        wlon[m], wlat[m] = coords_mod.convert(lon[m], lat[m], src=system, dst="cgcs2000")
    p["lon"], p["lat"] = wlon, wlat
    p["chief"] = p["chief"].where(p["chief"].notna(), opt.chief) if opt.chief else p["chief"]
    _mark(p, p["chief"].isna().to_numpy(), "no_chief")
    p["time"], p["time_issue"] = _times(p["time_text"], now)
    _metric(p)
    p = _order_and_split(p, opt)
    return Cleaned(p, _patrol_table(p), opt)


def _numbers(col: pd.Series, p: pd.DataFrame, reason: str) -> np.ndarray:
    v = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
    for i in np.flatnonzero(np.isnan(v)):
        with contextlib.suppress(ValueError):
            v[i] = parse_angle(col.iloc[i])
    _mark(p, np.isnan(v), reason)
    return v


def _mark(p: pd.DataFrame, mask, reason: str) -> None:
    mask = np.asarray(mask) & p["reason"].isna().to_numpy()
    p.loc[mask, "reason"] = reason


_NAIVE = re.compile(r"(Z|[+-]\d\d:?\d\d)$")


def _times(text: pd.Series, now) -> tuple[pd.Series, pd.Series]:
    if isinstance(text.dtype, pd.DatetimeTZDtype):  # already parsed (e.g. GeoParquet)
        return _plausible(text.dt.tz_convert("UTC").astype("datetime64[ns, UTC]"), now)
    s = pd.Series(
        [
            None
            if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == ""
            else str(v).strip()
            for v in text
        ],
        index=text.index,
        dtype=object,
    )
    aware = pd.Series([v is not None and bool(_NAIVE.search(v)) for v in s], index=s.index)
    t = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns, UTC]")
    if aware.any():
        t[aware] = pd.to_datetime(s[aware], errors="coerce", utc=True, format="mixed")
    naive = s.notna() & ~aware
    if naive.any():
        local = pd.to_datetime(s[naive], errors="coerce", format="mixed")
        t[naive] = local.dt.tz_localize(LOCAL_TZ, ambiguous="NaT", nonexistent="NaT").dt.tz_convert(
            "UTC"
        )
    return _plausible(t, now)


def _plausible(t: pd.Series, now) -> tuple[pd.Series, pd.Series]:
    t = t.copy()
    now = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now).tz_convert("UTC")
    issue = pd.Series(pd.NA, index=t.index, dtype=object)
    issue[t.isna()] = "missing_time"
    bad = t.notna() & ((t < EARLIEST) | (t > now + pd.Timedelta(days=1)))
    issue[bad] = "implausible_time"
    t[bad] = pd.NaT
    return t, issue


def _metric(p: pd.DataFrame) -> None:
    ok = np.isfinite(p["lon"].to_numpy()) & np.isfinite(p["lat"].to_numpy())
    if not ok.any():
        p["x"], p["y"] = np.nan, np.nan
        return
    lon0 = float(np.median(p["lon"].to_numpy()[ok]))
    lat0 = float(np.median(p["lat"].to_numpy()[ok]))
    if coords_mod.in_china(lon0, lat0):
        epsg = gk_epsg_for_lon(lon0)
    else:  # foreign test tracks: measure in their UTM zone
        epsg = (32600 if lat0 >= 0 else 32700) + int((lon0 + 180) // 6) + 1
    tr = pyproj.Transformer.from_crs(4490, epsg, always_xy=True)
    p["x"], p["y"] = tr.transform(p["lon"].to_numpy(), p["lat"].to_numpy())
    p.attrs["metric_epsg"] = epsg


def _order_and_split(p: pd.DataFrame, opt: CleanOptions) -> pd.DataFrame:
    key = ["file", "track", "patrol_ref", "chief"]
    p["_k"] = p.groupby(key, dropna=False, sort=False).ngroup()
    p = p.sort_values(["_k", "segment", "point"], kind="stable").reset_index(drop=True)
    ok = p["reason"].isna().to_numpy().copy()
    t = p["time"].to_numpy(dtype="datetime64[ns]").astype("int64") / 1e9
    t[p["time"].isna().to_numpy()] = np.nan
    x, y, k = p["x"].to_numpy(), p["y"].to_numpy(), p["_k"].to_numpy()
    # duplicates: the same fix as the previous good point of the track
    prev = _prev_index(ok, k)
    has = prev >= 0
    pi = np.where(has, prev, 0)
    same_xy = has & (x == x[pi]) & (y == y[pi])
    same_t = has & ((t == t[pi]) | (np.isnan(t) & np.isnan(t[pi])))
    dup = ok & same_xy & same_t
    _mark(p, dup, "duplicate")
    ok &= ~dup
    # out of order: earlier than a good point already passed in the same track
    tt = np.where(ok & ~np.isnan(t), t, -np.inf)
    run = pd.Series(tt).groupby(k).cummax().to_numpy()
    before = np.r_[-np.inf, run[:-1]]
    before[np.r_[True, k[1:] != k[:-1]]] = -np.inf
    late = ok & ~np.isnan(t) & (t < before)
    _mark(p, late, "time_out_of_order")
    ok &= ~late
    # GPS jumps: one fix far off, reached and left faster than jump_speed (or >1 km without times)
    prev, nxt = _prev_index(ok, k), _next_index(ok, k)
    both = ok & (prev >= 0) & (nxt >= 0)
    pi, ni = np.where(both, prev, 0), np.where(both, nxt, 0)
    d_in = np.hypot(x - x[pi], y - y[pi])
    d_out = np.hypot(x[ni] - x, y[ni] - y)
    d_skip = np.hypot(x[ni] - x[pi], y[ni] - y[pi])
    with np.errstate(invalid="ignore", divide="ignore"):
        v_in = d_in / np.maximum(t - t[pi], 1.0)
        v_out = d_out / np.maximum(t[ni] - t, 1.0)
    fast = np.where(
        np.isnan(t) | np.isnan(t[pi]) | np.isnan(t[ni]),
        (d_in > 1000) & (d_out > 1000),
        (v_in > opt.jump_speed_ms) & (v_out > opt.jump_speed_ms),
    )
    jump = both & fast & (d_skip < 0.5 * np.minimum(d_in, d_out))
    # the first or last fix far from its only neighbour: a cold start or a last bad fix
    one = ok & ((prev >= 0) ^ (nxt >= 0))
    oi = np.where(prev >= 0, prev, np.where(nxt >= 0, nxt, 0))
    d_one = np.hypot(x - x[oi], y - y[oi])
    with np.errstate(invalid="ignore", divide="ignore"):
        v_one = d_one / np.maximum(np.abs(t - t[oi]), 1.0)
    jump |= one & (d_one > 300) & np.where(np.isnan(v_one), d_one > 1000, v_one > opt.jump_speed_ms)
    _mark(p, jump, "gps_jump")
    ok &= ~jump
    # patrols and segments: split at long pauses
    prev = _prev_index(ok, k)
    gap = np.where(prev >= 0, t - t[np.where(prev >= 0, prev, 0)], np.nan)
    new_patrol = (
        ok & (prev >= 0) & (gap > opt.new_patrol_hours * 3600) & p["patrol_ref"].isna().to_numpy()
    )
    new_seg = ok & (
        ((prev >= 0) & (gap > opt.gap_minutes * 60))
        | (p["segment"].to_numpy() != p["segment"].shift().to_numpy())
    )
    part = (pd.Series(new_patrol.astype(int)).groupby(k).cumsum()).to_numpy()
    p["_part"] = part
    p["seg"] = pd.Series(new_seg.astype(int)).groupby([k, part]).cumsum().to_numpy()
    # time problems keep the point (its position still counts) but are reported like drops
    p["kept"] = ok
    p["reason"] = p["reason"].where(p["reason"].notna(), p["time_issue"])
    return p.drop(columns="time_issue")


def _prev_index(ok: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Index of the previous good point of the same track, or -1."""
    idx = np.where(ok, np.arange(len(ok)), -1)
    last = np.maximum.accumulate(np.r_[-1, idx[:-1]]) if len(ok) else idx
    start = pd.Series(np.arange(len(k))).groupby(k).transform("min").to_numpy() if len(k) else k
    return np.where(last >= start, last, -1)


def _next_index(ok: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Index of the next good point of the same track, or -1."""
    n = len(ok)
    rev = _prev_index(ok[::-1], k[::-1])
    return np.where(rev >= 0, n - 1 - rev, -1)[::-1]


def _patrol_table(p: pd.DataFrame) -> pd.DataFrame:
    """One row per patrol (track part), and ``patrol_id`` written back onto the points."""
    g = p.groupby(["_k", "_part"], sort=True)
    first = g.first()
    k = p[p["kept"]].assign(_timed=lambda d: d["time"].notna())
    kept = k.groupby(["_k", "_part"])
    timed = kept["_timed"].agg(["sum", "mean"])
    tbl = pd.DataFrame(
        {
            "file": first["file"],
            "track": first["track"],
            "chief_id": first["chief"],
            "patrol_ref": first["patrol_ref"],
            "coords": first["coords"],
            "n_points": g.size(),
            "n_kept": kept.size(),
            "start": kept["time"].min(),
            "end": kept["time"].max(),
            # times are trusted when at least two and most kept points carry a plausible one
            "times_valid": (timed["sum"] >= 2) & (timed["mean"] >= 0.5),
        }
    ).reset_index()
    tbl["n_kept"] = tbl["n_kept"].fillna(0).astype(int)
    tbl["times_valid"] = tbl["times_valid"].fillna(False).astype(bool)
    tbl["patrol_id"] = [
        _patrol_id(ref, part, chief, start, track)
        for ref, part, chief, start, track in zip(
            tbl["patrol_ref"],
            tbl["_part"],
            tbl["chief_id"],
            tbl["start"],
            tbl["track"],
            strict=True,
        )
    ]
    dup = tbl["patrol_id"].duplicated(keep=False)
    tbl.loc[dup, "patrol_id"] = (
        tbl.loc[dup, "patrol_id"] + "-" + (tbl[dup].groupby("patrol_id").cumcount() + 1).astype(str)
    )
    ids = tbl.set_index(["_k", "_part"])["patrol_id"]
    p["patrol_id"] = ids.reindex(pd.MultiIndex.from_arrays([p["_k"], p["_part"]])).to_numpy()
    cols = [
        "patrol_id",
        "chief_id",
        "file",
        "track",
        "patrol_ref",
        "coords",
        "n_points",
        "n_kept",
        "start",
        "end",
        "times_valid",
    ]
    return tbl[cols]


def _patrol_id(ref, part, chief, start, track) -> str:
    if isinstance(ref, str) and ref and part == 0:
        return ref
    chief = chief if isinstance(chief, str) else "unknown"
    when = start.tz_convert(LOCAL_TZ).strftime("%Y%m%d%H%M") if pd.notna(start) else f"t{track}"
    return f"{chief}-{when}"
