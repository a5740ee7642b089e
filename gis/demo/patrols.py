"""A simulated quarter of patrols for the demo county, with planted fakes and an answer key.

Patrollers walk their assigned reaches (there and back within the stretch) at 1.0-1.5 m/s,
sampled every 5-10 s with correlated GPS noise of 3-15 m. Some phones record GCJ-02; some
tracks have a GPS jump or a pause. Planted fakes: car speed, stationary, off-river,
duplicate (a track submitted again a week later) and too short. Deterministic by seed.
The tracks are generated on demand (about 4 M points) rather than shipped.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
import shapely.ops
from scipy.signal import lfilter

from gis import coords as coords_mod
from gis import datasets
from gis.patrols.columns import RAW_COLUMNS
from gis.patrols.network import PatrolNetwork, network_from_store
from gis.patrols.read import read_tracks
from gis.store import GeoPackageStore

QUARTER_START = "2026-07-01"  # Q3 2026: the last full quarter before today
WEEKS = 13
FAKES = ("vehicle_speed", "stationary", "off_river", "duplicate", "too_short")
WALK_KM = {"village": (1.4, 2.8), "township": (2.0, 4.5), "county": (3.0, 6.0)}
PLAN = {
    "village": ("week", 13, 0.80),
    "township": ("month", 3, 0.85),
    "county": ("quarter", 1, 0.9),
}


#: What the demo's planted chiefs do on patrol, by the answer-key kind that names them
#: (:mod:`gis.demo.roles` picks them at build time; :func:`ensure` reads them back from the
#: store's key, so the quarter and the key agree).
PLANTED_PATROLS = {
    "assess_lazy_chief": "lazy",  # patrols only in LAZY_WEEKS
    "assess_fake_patroller": "faker",  # patrols every period, most of them faked
    "assess_polluted_river": "full",  # patrols every period, never faked
    "assess_overdue_handler": "full",
    "assess_major_incident": "full",
}
LAZY_WEEKS = (2, 8)  # the only weeks (0-based) the lazy chief patrols: 2 of the 13 required
FAKER_KINDS = ("vehicle_speed", "stationary", "off_river")  # cycled; every fourth one genuine
SEED = 20260701
#: Bumped when the simulator draws other patrols, so a cached quarter is made again
#: (2: reservoir chiefs and chiefs of a few metres of river patrol too).
SIMULATOR = 2


@dataclass
class Quarter:
    """The quarter's patrols before they are walked: who patrols when, where, which are fake.

    ``plans[i]`` is ``(chief_id, level, start)`` of the patrol ``ref(i)``; ``by_chief`` holds
    each chief's stretches as (river number, lo, hi, weight) arrays, chainage along
    ``lines[river number]`` (a stretch under 600 m widened to 600 m: people walk on past
    its ends); a patrol walks one stretch, picked by weight.
    """

    river_codes: list[str]
    lines: np.ndarray
    by_chief: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]
    chiefs: pd.DataFrame
    plans: list[tuple[str, str, pd.Timestamp]]
    fakes: dict[int, str]
    gcj_phone: set[str]

    @staticmethod
    def ref(i: int) -> str:
        """The ``patrol_ref`` of ``plans[i]``."""
        return f"DP{i + 1:06d}"


def plan_quarter(
    reaches: pd.DataFrame,
    assigned: pd.DataFrame,
    chiefs: pd.DataFrame,
    rivers: gpd.GeoDataFrame,
    *,
    rng: np.random.Generator,
    per_fake: int = 8,
    planted: Mapping[str, str] | None = None,
) -> Quarter:
    """Draw the quarter's plan from ``rng`` (the first draws of :func:`simulate`).

    ``reaches``, ``assigned`` and ``chiefs`` as in :class:`gis.patrols.network.PatrolNetwork`;
    ``planted`` maps chief_id to a role of :data:`PLANTED_PATROLS`.
    """
    planted = planted or {}
    # walks are laid out on the whole river (chainage), so a patroller whose stretch is
    # short walks on past its ends, as people do, instead of pacing a few metres
    rv = rivers.to_crs(reaches.crs).set_index("river_code")
    river_line = rv.geometry
    codes = reaches["river_code"].to_numpy()
    r0 = reaches["from_m"].to_numpy(dtype=float)
    a = assigned[assigned["hi"] - assigned["lo"] >= 50].copy()
    a["river"] = codes[a["reach"].to_numpy()]
    a["lo"] = a["lo"] + r0[a["reach"].to_numpy()]
    a["hi"] = a["hi"] + r0[a["reach"].to_numpy()]
    rlen = river_line.length.reindex(a["river"]).to_numpy()
    mid = ((a["lo"] + a["hi"]) / 2).to_numpy()
    short = ((a["hi"] - a["lo"]) < 600).to_numpy()
    a.loc[short, "lo"] = np.maximum(0, mid - 300)[short]
    a.loc[short, "hi"] = np.minimum(rlen, mid + 300)[short]
    river_no = {c: i for i, c in enumerate(river_line.index)}
    by_chief = {
        c: (
            g["river"].map(river_no).to_numpy(),
            g["lo"].to_numpy(),
            g["hi"].to_numpy(),
            (g["hi"] - g["lo"]).to_numpy() / (g["hi"] - g["lo"]).sum(),
        )
        for c, g in a.groupby("chief_id")
    }
    chiefs = chiefs[chiefs["chief_id"].isin(by_chief)].sort_values("chief_id")
    town_rate = {
        t: rng.uniform(0.75, 1.0) for t in sorted(chiefs["township_code"].dropna().unique())
    }
    gcj_phone = set(chiefs["chief_id"][rng.random(len(chiefs)) < 0.2])
    plans = _plans(rng, chiefs, town_rate, planted)
    # the random fakes fall on chiefs without a planted role, so each role stays clean
    free = np.array([i for i, p in enumerate(plans) if p[0] not in planted])
    fakes = {}
    fake_idx = rng.choice(free, size=per_fake * len(FAKES), replace=False)
    for j, i in enumerate(fake_idx):
        fakes[int(i)] = FAKES[j // per_fake]
    k = 0
    for i, p in enumerate(plans):
        if planted.get(p[0]) == "faker":
            if k % 4 != 3:
                fakes[i] = FAKER_KINDS[k % 4]
            k += 1
    return Quarter(
        list(river_line.index),
        river_line.to_numpy(),
        by_chief,
        chiefs,
        plans,
        fakes,
        gcj_phone,
    )


def simulate(
    net: PatrolNetwork,
    rivers: gpd.GeoDataFrame,
    *,
    seed: int = SEED,
    per_fake: int = 8,
    planted: Mapping[str, str] | None = None,
    progress: Callable[[float], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Raw points of a quarter of patrols (as :func:`gis.patrols.read.read_tracks` gives them)
    and the answer key (patrol_ref, kind).

    ``planted`` maps chief_id to a role of :data:`PLANTED_PATROLS` (see :func:`planted_roles`).
    """
    rng = np.random.default_rng(seed)
    q = plan_quarter(
        net.reaches, net.assigned, net.chiefs, rivers, rng=rng, per_fake=per_fake, planted=planted
    )
    by_chief, plans, fakes, lines, gcj_phone = q.by_chief, q.plans, q.fakes, q.lines, q.gcj_phone
    parts: dict[str, list] = {
        k: [] for k in ("track", "reach", "along", "dx", "dy", "secs", "start")
    }
    key: list = []
    first_of: dict[str, int] = {}
    copies = []  # (track number, original track number)
    for i, (chief, level, start) in enumerate(plans):
        kind = fakes.get(i)
        if kind == "duplicate" and chief in first_of:
            copies.append((i + 1, first_of[chief]))
            key.append((f"DP{i + 1:06d}", chief, kind, f"DP{first_of[chief]:06d}"))
            continue
        if kind == "duplicate":  # nothing to copy yet for this chief: plant a too-short one instead
            kind = "too_short"
        reach, lo, hi, w = by_chief[chief]
        pick = int(rng.choice(len(w), p=w))
        along, secs = _walk(rng, level, lo[pick], hi[pick], kind)
        d = _noise(rng, len(along))
        if kind == "off_river":
            ang = rng.uniform(0, 2 * np.pi)
            d += 1500 * np.array([np.cos(ang), np.sin(ang)])
        keep = np.ones(len(along), bool)
        if kind is None and rng.random() < 0.05:  # a single GPS jump, for the cleaner to remove
            d[int(rng.integers(1, len(d) - 1)), 0] += rng.uniform(400, 900)
        if kind is None and rng.random() < 0.10:  # a short signal loss
            j = int(rng.integers(0, max(1, len(along) - 20)))
            keep[j : j + int(rng.integers(8, 20))] = False
        n = int(keep.sum())
        for name, v in (
            ("track", np.full(n, i + 1)),
            ("reach", np.full(n, int(reach[pick]))),
            ("along", along[keep]),
            ("dx", d[keep, 0]),
            ("dy", d[keep, 1]),
            ("secs", secs[keep]),
            ("start", np.full(n, start.tz_convert("UTC").value)),
        ):
            parts[name].append(v)
        if kind:
            key.append((f"DP{i + 1:06d}", chief, kind, None))
        else:
            first_of.setdefault(chief, i + 1)
        if progress and i % 1000 == 0:
            progress(0.8 * i / len(plans))
    a = {k: np.concatenate(v) for k, v in parts.items()}
    xy = points_along(lines, a["reach"], a["along"])
    pts = pd.DataFrame(
        {
            "track": a["track"],
            "x": xy[:, 0] + a["dx"],
            "y": xy[:, 1] + a["dy"],
            "time": a["start"] + (a["secs"] * 1e9).astype(np.int64),
        }
    )
    if copies:
        pts = _with_copies(pts, copies)
    # the chiefs the plan above leaves out, drawn after it from their own stream so the
    # river patrols (and the events found on them) stay as they were
    more, extra = _unplanned(q, net, rng=np.random.default_rng([seed, 2]), first=len(plans) + 1)
    plans = [*plans, *extra]
    pts = pd.concat([pts, more], ignore_index=True)
    tr = pts["track"].to_numpy()
    chief_of = np.array([c for c, _, _ in plans], dtype=object)
    pts["chief"] = chief_of[tr - 1]
    refs = np.array([None] + [Quarter.ref(t) for t in range(len(plans))], dtype=object)
    pts["patrol_ref"] = refs[tr]
    pts["time_text"] = pd.to_datetime(pts["time"], utc=True)
    pts["coords"] = np.where(pd.Series(pts["chief"]).isin(gcj_phone), "gcj02", "wgs84")
    lon, lat = pyproj.Transformer.from_crs(net.crs, 4490, always_xy=True).transform(
        pts["x"].to_numpy(), pts["y"].to_numpy()
    )
    g = pts["coords"].to_numpy() == "gcj02"
    glon, glat = coords_mod.wgs84_to_gcj02(lon[g], lat[g])
    lon[g], lat[g] = glon, glat
    pts["lon"], pts["lat"] = np.round(lon, 7), np.round(lat, 7)  # what a phone app stores
    pts["point"] = pts.groupby("track").cumcount() + 1
    pts["file"], pts["segment"], pts["track_name"] = "demo-quarter", 1, None
    answer = pd.DataFrame(key, columns=["patrol_ref", "chief_id", "kind", "copy_of"])
    if progress:
        progress(1.0)
    return pts[[*RAW_COLUMNS, "coords"]], answer


def _plans(
    rng: np.random.Generator, chiefs: pd.DataFrame, town_rate: dict, planted: Mapping[str, str]
) -> list[tuple]:
    """The patrols each chief makes in the quarter: ``(chief, level, start time)``."""
    t0 = pd.Timestamp(QUARTER_START, tz="Asia/Shanghai")
    plans = []
    for c in chiefs.itertuples():
        period, n, base = PLAN[c.level]
        rate = (
            base
            if c.level == "county"
            else min(0.995, town_rate.get(c.township_code, base) + (base - 0.8))
        )
        days = {"week": 7, "month": 30, "quarter": 88}[period]
        role = planted.get(c.chief_id)
        for i in range(n):
            made = rng.random() < rate or i == 0 and c.level == "county"
            if role == "lazy":
                made = i in LAZY_WEEKS
            elif role is not None:
                made = True
            if made:
                day = i * days + int(rng.integers(0, days - 1))
                plans.append(
                    (
                        c.chief_id,
                        c.level,
                        t0 + pd.Timedelta(days=day, hours=float(rng.uniform(8, 17))),
                    )
                )
    return plans


def _unplanned(
    q: Quarter, net: PatrolNetwork, *, rng: np.random.Generator, first: int
) -> tuple[pd.DataFrame, list[tuple]]:
    """Patrols of the chiefs :func:`plan_quarter` has no stretch for: a reservoir's chief
    walks its shore, a chief holding only a few metres of river walks 600 m around them.
    Genuine patrols, at each level's cadence (:data:`PLAN`); track numbers from ``first``."""
    rings = {
        c: shapely.get_exterior_ring(max(shapely.get_parts(g), key=lambda p: p.area))
        for c, g in net.reservoirs.items()
        if g is not None and not g.is_empty
    }
    a = net.assigned[~net.assigned["chief_id"].isin(q.by_chief)]
    river_no = {code: i for i, code in enumerate(q.river_codes)}
    tiny = {}
    for c, g in a.groupby("chief_id"):
        r = int(g["reach"].iloc[0])
        line = q.lines[river_no[net.reaches["river_code"].iloc[r]]]  # the whole river
        mid = float(net.reaches["from_m"].iloc[r]) + float(g["lo"].iloc[0] + g["hi"].iloc[0]) / 2
        tiny[c] = shapely.ops.substring(line, max(0.0, mid - 300), min(line.length, mid + 300))
    targets = {**tiny, **rings}  # a chief of both walks the reservoir
    chiefs = net.chiefs[
        net.chiefs["chief_id"].isin(targets) & ~net.chiefs["chief_id"].isin(q.by_chief)
    ].sort_values("chief_id")
    plans = _plans(rng, chiefs, {}, {})
    rows = []
    for i, (chief, level, start) in enumerate(plans):
        line = targets[chief]
        along, secs = _walk(rng, level, 0.0, float(line.length), None)
        xy = shapely.get_coordinates(shapely.line_interpolate_point(line, along))
        xy = xy + _noise(rng, len(along))
        rows.append(
            pd.DataFrame(
                {
                    "track": first + i,
                    "x": xy[:, 0],
                    "y": xy[:, 1],
                    "time": start.tz_convert("UTC").value + (secs * 1e9).astype(np.int64),
                }
            )
        )
    return (pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()), plans


def _with_copies(pts: pd.DataFrame, copies: list[tuple[int, int]]) -> pd.DataFrame:
    """Duplicates: the same points as the original track, submitted a week later."""
    by_track = pts.groupby("track").indices
    dup = []
    for new, orig in copies:
        c = pts.iloc[by_track[orig]].copy()
        c["track"], c["time"] = new, c["time"] + 7 * 86400 * 10**9
        dup.append(c)
    return pd.concat([pts, *dup], ignore_index=True).sort_values(
        ["track"], kind="stable", ignore_index=True
    )


def points_along(lines, which: np.ndarray, along: np.ndarray) -> np.ndarray:
    """Points at ``along`` metres on ``lines[which]``, vectorised over cumulative vertex
    distances (shapely's interpolate walks the line once per point)."""
    xy, owner = shapely.get_coordinates(lines, return_index=True)
    step = np.r_[0.0, np.hypot(*np.diff(xy, axis=0).T)]
    step[np.r_[True, owner[1:] != owner[:-1]]] = 0.0
    cum = np.cumsum(step)
    first = np.r_[0, np.flatnonzero(owner[1:] != owner[:-1]) + 1]
    length = np.r_[cum[first[1:] - 1], cum[-1]] - cum[first]
    # lay the lines end to end with a gap, so one sorted array serves every line
    offset = np.r_[0.0, np.cumsum(length + 1.0)[:-1]]
    key = cum - cum[first][owner] + offset[owner]
    q = offset[which] + np.clip(along, 0.0, length[which])
    j = np.clip(
        np.searchsorted(key, q, side="right"),
        first[which] + 1,
        np.r_[first[1:], len(key)][which] - 1,
    )
    seg = key[j] - key[j - 1]
    f = np.where(seg > 0, (q - key[j - 1]) / np.where(seg > 0, seg, 1.0), 0.0)[:, None]
    return xy[j - 1] + f * (xy[j] - xy[j - 1])


def _walk(rng, level: str, lo: float, hi: float, kind: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Along-reach positions and seconds from the start of one patrol."""
    span = hi - lo
    if kind == "stationary":
        n = int(rng.integers(200, 300))
        dt = rng.uniform(5, 10, n)
        return np.full(n, lo + rng.uniform(0, span)), np.r_[0, np.cumsum(dt[1:])]
    length = {"too_short": rng.uniform(150, 350)}.get(
        kind or "", rng.uniform(*WALK_KM[level]) * 1000
    )
    speed = rng.uniform(8, 14) if kind == "vehicle_speed" else rng.uniform(1.0, 1.5)
    if kind == "vehicle_speed":
        length = rng.uniform(5000, 9000)
    n = max(3, int(length / (speed * 7.5)))
    dt = rng.uniform(5, 10, n)
    secs = np.r_[0, np.cumsum(dt[1:])]
    s = rng.uniform(0, span) + speed * secs * rng.uniform(0.9, 1.1)
    tri = np.abs((s % (2 * span)) - span)  # there and back within the stretch
    return lo + (span - tri), secs


def _noise(rng, n: int) -> np.ndarray:
    """Correlated GPS error: AR(1) with a stationary sigma of 3-15 m."""
    sigma = rng.uniform(3, 15)
    rho = 0.95
    e = rng.normal(0, sigma * np.sqrt(1 - rho * rho), (n, 2))
    e[0] = rng.normal(0, sigma, 2)
    return lfilter([1.0], [1.0, -rho], e, axis=0)


def write(points: pd.DataFrame, answer: pd.DataFrame, path) -> None:
    """Save the raw points as GeoParquet (geometry = the recorded lon/lat) and the key beside it."""
    gdf = gpd.GeoDataFrame(
        points, geometry=gpd.points_from_xy(points["lon"], points["lat"]), crs=4490
    )
    gdf.to_parquet(path, compression="zstd", index=False)
    answer.to_csv(_key_path(path), index=False)


def read(path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The raw points (read as any track file, :func:`gis.patrols.read.read_tracks`) and
    the answer key written beside them by :func:`write`."""
    pts = read_tracks(path)[0]
    return pts, pd.read_csv(_key_path(path), keep_default_na=False).replace({"": None})


def planted_roles(store) -> dict[str, str]:
    """chief_id -> patrol role (:data:`PLANTED_PATROLS`) of the chiefs the store's answer
    key names; empty for a store without one."""
    if "answer_key" not in store.layers():
        return {}
    key = store.read("answer_key")
    key = key[key["kind"].isin(PLANTED_PATROLS)]
    return {str(r): PLANTED_PATROLS[k] for r, k in zip(key["ref_id"], key["kind"], strict=True)}


def _key_path(path):
    p = Path(path)
    return p.with_name(p.stem + "_answer_key.csv")


def _made_for(store) -> str:
    """What a track file was simulated from: the demo's generator and its planted chiefs
    (a regenerated demo plants others, and its old quarter would contradict its key)."""
    meta = store.meta()
    made = {"generator": meta.get("generator"), "as_of": meta.get("as_of"), "sim": SIMULATOR}
    return json.dumps({**made, "planted": planted_roles(store)}, sort_keys=True)


def ensure(path=None, *, store=None, progress: Callable[[float], None] | None = None):
    """The demo quarter's track file, generated (about 30 s) if it is not there yet or was
    made for another build of the demo."""
    path = Path(path or datasets.get_path("demo_patrols"))
    store = store or GeoPackageStore(datasets.get_path("demo"))
    made_for = _made_for(store)
    stamp = path.with_name(path.stem + "_made_for.json")
    if (
        path.exists()
        and _key_path(path).exists()
        and stamp.exists()
        and stamp.read_text(encoding="utf-8") == made_for
    ):
        return path
    pts, key = simulate(
        network_from_store(store),
        store.read("rivers"),
        planted=planted_roles(store),
        progress=progress,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # temp names of this process and thread: the app's server and a test (or two pages)
    # may make the same quarter at once, and one's rename must not take the other's file;
    # both write the same deterministic quarter, so whichever lands last is the same
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    write(pts, key, tmp)
    _key_path(tmp).replace(_key_path(path))
    tmp.replace(path)
    stamp_tmp = stamp.with_name(f"{stamp.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    stamp_tmp.write_text(made_for, encoding="utf-8")
    stamp_tmp.replace(stamp)
    return path


def quarter_for(store, *, progress: Callable[[float], None] | None = None):
    """The simulated quarter when ``store`` is the demo county's store without imported
    patrols (generated on first use, see :func:`ensure`), else ``None``.

    For the faces (CLI, app): the analysis itself takes whatever ``tracks`` it is given.
    """

    path = Path(getattr(store, "path", ""))
    if (
        not path.exists()
        or path.resolve() != datasets.get_path("demo").resolve()
        or "patrol_points" in store.layers()
    ):
        return None
    return ensure(store=store, progress=progress)
