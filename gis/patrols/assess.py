"""Per-patrol measures, coverage of the chief's assigned reaches, and suspicion flags.

Pure functions over cleaned points and a :class:`~gis.patrols.network.PatrolNetwork`;
every threshold comes from the rule tables ``patrol_validity`` and ``patrol_checks``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyproj
import shapely

from gis import _deprecation
from gis import rules as rules_mod
from gis.patrols.clean import Cleaned
from gis.patrols.match import match_points
from gis.patrols.network import PatrolNetwork, merge_intervals

FLAGS = (
    "times_invalid",
    "too_short",
    "vehicle_speed",
    "stationary",
    "off_river",
    "duplicate",
    "teleport",
)
DEFAULT_RULE_SET = "guangzhou"
#: The rule tables a county may override (``rule_overrides``) in a patrol assessment.
RULE_TABLES = ("patrol_validity", "patrol_checks", "patrol_frequency")


@dataclass
class Assessment:
    """``patrols``: one row per patrol with measures, ``flags`` and ``valid``;
    ``visits``: covered metres per (patrol, reach); ``points``: kept points with their match."""

    patrols: pd.DataFrame
    visits: pd.DataFrame
    points: pd.DataFrame
    rule_set: str
    checks: dict


def checks_table(override=None) -> dict:
    """The suspicious-patrol thresholds as {check: value}."""
    t = rules_mod.load("patrol_checks", override=override)
    return {c: float(v) for c, v in zip(t["check"], t["value"], strict=True)}


def validity_rules(rule_set: str = DEFAULT_RULE_SET, *, override=None) -> pd.DataFrame:
    """Minimum minutes and km by level for the named rule set."""
    t = rules_mod.load("patrol_validity", override=override)
    sets = sorted(set(t["rule_set"]))
    if rule_set not in sets:
        raise rules_mod.UnknownNameError("patrol rule set", rule_set, sets)
    return t[t["rule_set"] == rule_set].set_index("level")


def assess(
    cleaned: Cleaned,
    net: PatrolNetwork | None,
    *,
    rule_set: str = DEFAULT_RULE_SET,
    rule_overrides: Mapping[str, Path | str] | None = None,
    validity_override=None,
    checks_override=None,
) -> Assessment:
    """Measure, match and flag every patrol in ``cleaned``.

    With ``net=None`` (tracks without a county store) only the track's own measures and
    flags are computed: no coverage, and no off-river check. ``rule_overrides`` maps
    ``patrol_validity`` and ``patrol_checks`` to county CSVs (other tables are not used
    here); ``validity_override`` and ``checks_override`` are its deprecated forms.
    """
    ov = _deprecation.fold_override(
        rule_overrides,
        func="assess",
        old="validity_override",
        table="patrol_validity",
        value=validity_override,
    )
    ov = _deprecation.fold_override(
        ov, func="assess", old="checks_override", table="patrol_checks", value=checks_override
    )
    chk = checks_table(ov.get("patrol_checks"))
    valid_rules = validity_rules(rule_set, override=ov.get("patrol_validity"))
    k = cleaned.points[cleaned.points["kept"]].reset_index(drop=True)
    if net is None:  # tracks alone (no county store): measures and track-only flags
        x, y = k["x"].to_numpy(), k["y"].to_numpy()
        reach, dist, along = (
            np.full(len(k), -1, np.int32),
            np.full(len(k), np.nan),
            np.full(len(k), np.nan),
        )
    else:
        tr = pyproj.Transformer.from_crs(4490, net.crs, always_xy=True)
        x, y = tr.transform(k["lon"].to_numpy(), k["lat"].to_numpy())
        reach, dist, along = match_points(x, y, net.index)
    codes, uniq = pd.factorize(k["patrol_id"])
    pt = pd.DataFrame(
        {
            "patrol": codes,
            "patrol_id": k["patrol_id"].to_numpy(),
            "chief_id": k["chief"].to_numpy(),
            "seg": k["seg"].to_numpy(),
            "x": x,
            "y": y,
            "reach": reach,
            "dist": dist,
            "along": along,
            "t": _seconds(k["time"]),
        }
    )
    pt["on_target"] = _on_target(pt, net, chk["match_tolerance"]) if net is not None else False
    m = _measures(pt, len(uniq), chk)
    visits = _coverage(pt, chk["match_tolerance"])
    patrols = cleaned.patrols.set_index("patrol_id").loc[uniq].reset_index()
    for col, values in m.items():
        patrols[col] = values
    if net is None:
        for col in ("covered_assigned_m", "assigned_m", "covered_share"):
            patrols[col] = np.nan
        patrols["reaches_visited"], patrols["has_target"] = 0, False
        for col in ("level", "name", "township_code"):
            patrols[col] = None
    else:
        patrols = _covered_share(patrols, visits, net)
        patrols["has_target"] = patrols["assigned_m"].notna() | patrols["chief_id"].isin(
            net.reservoirs.index
        )
        patrols = patrols.merge(
            net.chiefs[["chief_id", "level", "name", "township_code"]], on="chief_id", how="left"
        )
    patrols["duration_s"] = patrols["duration_s"].where(patrols["times_valid"])
    patrols["mean_speed_ms"] = patrols["mean_speed_ms"].where(patrols["times_valid"])
    _flag(patrols, valid_rules, chk)
    visits["reach_id"] = (
        net.reaches["reach_id"].to_numpy()[visits["reach"].to_numpy()] if net is not None else None
    )
    visits["patrol_id"] = uniq[visits["patrol"].to_numpy()]
    return Assessment(patrols, visits, pt, rule_set, chk)


def _seconds(t: pd.Series) -> np.ndarray:
    s = t.to_numpy(dtype="datetime64[ns]").astype("int64") / 1e9
    s[t.isna().to_numpy()] = np.nan
    return s


def _on_target(pt: pd.DataFrame, net: PatrolNetwork, tol: float) -> np.ndarray:
    """Whether each point is on a river the chief is assigned to, or near an assigned reservoir.

    The river, not only the chief's own stretch: a patroller who walks on past the village
    border along the same river is patrolling, not faking; coverage of the assigned stretch
    is measured separately (``covered_share``).
    """
    codes = net.reaches["river_code"].to_numpy()
    a = net.assigned
    key = pd.MultiIndex.from_arrays([a["chief_id"], codes[a["reach"].to_numpy()]]).unique()
    r = pt["reach"].to_numpy()
    river = np.where(r >= 0, codes[np.maximum(r, 0)], None)
    on = pd.MultiIndex.from_arrays([pt["chief_id"], river]).isin(key) & (r >= 0)
    near_res = pt["chief_id"].isin(net.reservoirs.index).to_numpy()
    if near_res.any():
        geoms = net.reservoirs.reindex(pt.loc[near_res, "chief_id"]).to_numpy()
        pts = shapely.points(pt.loc[near_res, "x"].to_numpy(), pt.loc[near_res, "y"].to_numpy())
        on[near_res] |= shapely.dwithin(pts, geoms, tol)
    return on


def _measures(pt: pd.DataFrame, n: int, chk: dict) -> dict:
    p, seg, x, y, t = (pt[c].to_numpy() for c in ("patrol", "seg", "x", "y", "t"))
    same = p[1:] == p[:-1]
    same_seg = same & (seg[1:] == seg[:-1])
    step = np.hypot(np.diff(x), np.diff(y))
    dt = np.diff(t)
    timed = same_seg & np.isfinite(dt)
    distance = np.bincount(p[1:][same_seg], step[same_seg], minlength=n)
    moving = np.bincount(p[1:][timed], dt[timed], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        speed = np.where(dt > 0, step / dt, np.inf)
    jump = (
        same & (step > chk["teleport_min_m"]) & (~np.isfinite(dt) | (speed > chk["teleport_speed"]))
    )
    g = pt.groupby("patrol", sort=True)
    cx, cy = g["x"].transform("median").to_numpy(), g["y"].transform("median").to_numpy()
    radius = (
        pd.Series(np.hypot(x - cx, y - cy)).groupby(p).quantile(0.95).reindex(range(n)).to_numpy()
    )
    t0, t1 = g["t"].min().reindex(range(n)).to_numpy(), g["t"].max().reindex(range(n)).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_speed = np.where(moving > 0, distance / moving, np.nan)
    return {
        "distance_m": distance,
        "duration_s": t1 - t0,
        "mean_speed_ms": mean_speed,
        "radius_m": radius,
        "teleports": np.bincount(p[1:][jump], minlength=n),
        "on_target_share": g["on_target"].mean().reindex(range(n)).to_numpy(),
        "fingerprint": _fingerprint(p, x, y, n),
    }


def _fingerprint(p: np.ndarray, x: np.ndarray, y: np.ndarray, n: int) -> np.ndarray:
    """A hash of the point sequence at 1 m: a track submitted twice has the same one."""
    xi, yi = (
        np.round(x).astype(np.int64).astype(np.uint64),
        np.round(y).astype(np.int64).astype(np.uint64),
    )
    first = np.r_[0, np.flatnonzero(p[1:] != p[:-1]) + 1]
    pos = (np.arange(len(p)) - np.repeat(first, np.diff(np.r_[first, len(p)]))).astype(np.uint64)
    with np.errstate(over="ignore"):
        h = (xi * np.uint64(73856093)) ^ (yi * np.uint64(19349663)) ^ (pos * np.uint64(83492791))
        h = h * np.uint64(0x9E3779B97F4A7C15)
    out = np.zeros(n, dtype=np.uint64)
    np.bitwise_xor.at(out, p, h)
    return out


def _coverage(pt: pd.DataFrame, tol: float) -> pd.DataFrame:
    """Covered metres per (patrol, reach): along-reach spans between consecutive points
    on the same reach, merged. A span longer than the walk between the points plus twice
    the tolerance (a meander cut across) does not count."""
    p, seg, r, al, x, y = (pt[c].to_numpy() for c in ("patrol", "seg", "reach", "along", "x", "y"))
    ok = (p[1:] == p[:-1]) & (seg[1:] == seg[:-1]) & (r[1:] == r[:-1]) & (r[1:] >= 0)
    walk = np.hypot(np.diff(x), np.diff(y))
    d_al = np.abs(np.diff(al))
    ok &= d_al <= walk + 2 * tol
    spans = pd.DataFrame(
        {
            "patrol": p[1:][ok],
            "reach": r[1:][ok],
            "lo": np.minimum(al[1:], al[:-1])[ok],
            "hi": np.maximum(al[1:], al[:-1])[ok],
        }
    )
    merged = merge_intervals(spans, ["patrol", "reach"])
    merged["covered_m"] = merged["hi"] - merged["lo"]
    return merged


def _covered_share(patrols: pd.DataFrame, visits: pd.DataFrame, net: PatrolNetwork) -> pd.DataFrame:
    """Metres of the chief's assigned reaches covered, and the share of all assigned metres."""
    v = visits.assign(chief_id=patrols["chief_id"].to_numpy()[visits["patrol"].to_numpy()])
    a = net.assigned.rename(columns={"lo": "alo", "hi": "ahi"})
    m = v.merge(a, on=["chief_id", "reach"])
    m["overlap"] = (np.minimum(m["hi"], m["ahi"]) - np.maximum(m["lo"], m["alo"])).clip(lower=0)
    covered = m.groupby("patrol")["overlap"].sum()
    total = (net.assigned["hi"] - net.assigned["lo"]).groupby(net.assigned["chief_id"]).sum()
    patrols["covered_assigned_m"] = covered.reindex(range(len(patrols))).fillna(0.0).to_numpy()
    patrols["assigned_m"] = total.reindex(patrols["chief_id"]).to_numpy()
    patrols["covered_share"] = patrols["covered_assigned_m"] / patrols["assigned_m"]
    patrols["reaches_visited"] = (
        visits.groupby("patrol")["reach"]
        .nunique()
        .reindex(range(len(patrols)))
        .fillna(0)
        .astype(int)
        .to_numpy()
    )
    return patrols


def _flag(p: pd.DataFrame, valid_rules: pd.DataFrame, chk: dict) -> None:
    min_min = p["level"].map(valid_rules["min_minutes"]).astype(float).fillna(0)
    min_km = p["level"].map(valid_rules["min_km"]).astype(float).fillna(0)
    f = pd.DataFrame(index=p.index)
    f["times_invalid"] = ~p["times_valid"]
    f["too_short"] = (p["duration_s"] < min_min * 60) | (p["distance_m"] < min_km * 1000)
    f["vehicle_speed"] = p["mean_speed_ms"] > chk["vehicle_speed"]
    f["stationary"] = p["radius_m"] < chk["stationary_radius"]
    f["off_river"] = p["has_target"] & (p["on_target_share"] < chk["off_river_share"])
    order = p.sort_values(["start", "patrol_id"]).index
    first = p.loc[order].groupby(["fingerprint", "n_kept"])["patrol_id"].transform("first")
    f["duplicate"] = (first != p.loc[order, "patrol_id"]).reindex(p.index)
    p["duplicate_of"] = first.where(f["duplicate"].loc[order]).reindex(p.index)
    f["teleport"] = p["teleports"] > 0
    fv = f[list(FLAGS)].fillna(False).to_numpy(dtype=bool)
    p["flags"] = [[name for name, on in zip(FLAGS, row, strict=True) if on] for row in fv]
    p["valid"] = p["flags"].map(len) == 0
    del p["fingerprint"]
