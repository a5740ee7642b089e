"""The chiefs' scorecard (河长履职考核) at province scale: ``gis.assessment.scorecard.score``
on a synthetic quarter of 150 counties built in memory, against plain pandas in the same run.

    .venv/bin/python benchmarks/bench_assess_province.py [--counties 150] [--profile]

The province (seeded numpy, 2026-07-01..2026-09-30; every figure scales with ``--counties``):
per county 300 rivers of 2-8 reaches (4 % of reaches on a township boundary), 15-20
townships, one county chief for each 10 rivers (all their reaches), one township chief per
township (every reach of it), the rest village chiefs (one or two stretches inside reaches of
their township; 0.3 % hold nothing): 320,000 chiefs in 150 counties. 2.5 M patrols (97 %
valid) with 1-2 visits each on the chief's own stretches, 100,000 problems (a handful major),
15 monitoring sections per county measured monthly, a signboard per river and per river and
township, 60 一河一策 tasks per county; no appeals.

Reference in the same run: the plain-pandas backbone of the patrol indicators, patrols per
chief (``groupby("chief_id").size()``) plus the join of the valid patrols' visits with the
assignments on (chief, reach) that track coverage needs; the ratio is score ÷ reference.
Time is wall time (``time.perf_counter``). Memory is resident memory (the inputs hold Arrow
strings, which tracemalloc does not see): a thread samples /proc/self/statm every 10 ms, and
each step's peak is its maximum RSS minus the RSS when it started; the process's maximum RSS
(``ru_maxrss``) is printed too. ``--profile`` runs score once more under cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import os
import platform
import pstats
import resource
import threading
import time

import numpy as np
import pandas as pd

from gis import catalogue, rules
from gis.assessment import scorecard
from gis.assessment.inputs import Inputs
from gis.patrols.report import required_patrols

START, END = dt.date(2026, 7, 1), dt.date(2026, 9, 30)
#: The quarter in UTC (Beijing days 2026-07-01..09-30)
T0, T1 = pd.Timestamp("2026-06-30 16:00", tz="UTC"), pd.Timestamp("2026-09-30 16:00", tz="UTC")
COUNTIES = 150
CHIEFS, PATROLS, EVENTS = 320_000, 2_500_000, 100_000  # at 150 counties
RIVERS, RIVERS_PER_COUNTY_CHIEF, SECTIONS, PLAN_ITEMS = 300, 10, 15, 60  # per county
#: Mean patrols of a chief of each level before his own diligence (village: the rest)
PATROL_WEIGHT = {"county": 1.5, "township": 4.0, "village": 8.0}
FLAGS = np.array(
    [
        "vehicle_speed",
        "stationary",
        "off_river",
        "too_short",
        "duplicate",
        "off_river;too_short",
        "vehicle_speed;teleport",
    ],
    dtype=object,
)
CLASSES = np.array(list(catalogue.WATER_CLASSES), dtype=object)
PAGE = os.sysconf("SC_PAGE_SIZE")


class RssPeak:
    """Peak resident memory while a ``with`` block runs, above the RSS it started at."""

    def __init__(self, every: float = 0.01) -> None:
        self.every, self.start, self.peak = every, 0, 0
        self._stop = threading.Event()

    @staticmethod
    def rss() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * PAGE

    def _watch(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, self.rss())

    def __enter__(self) -> RssPeak:
        gc.collect()
        self.start = self.peak = self.rss()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())

    @property
    def mib(self) -> float:
        return (self.peak - self.start) / 2**20


def county_network(rng, c: int, n_chiefs: int) -> dict:
    """One county: its reaches, townships and chiefs (as levels and admin codes) and their
    stretches (chief number within the county, reach number within the county, lo, hi)."""
    code = f"{410000 + 100 * (c // 20 + 1) + c % 20 + 1}"
    n_t = int(rng.integers(15, 21))
    towns = np.array([f"{code}{101 + k:03d}" for k in range(n_t)], dtype=object)
    per_river = rng.integers(2, 9, RIVERS)
    river = np.repeat(np.arange(RIVERS), per_river)
    length = rng.uniform(300, 3000, len(river)).round(1)
    first = np.r_[0, np.cumsum(per_river)[:-1]]
    from_m = np.cumsum(length) - length
    from_m -= np.repeat(from_m[first], per_river)
    town = np.where(rng.random(len(river)) < 0.2, rng.integers(0, n_t, len(river)), river % n_t)
    shared = np.where(
        rng.random(len(river)) < 0.04, towns[(town + rng.integers(1, n_t, len(river))) % n_t], None
    )
    n_c = -(-RIVERS // RIVERS_PER_COUNTY_CHIEF)
    n_v = n_chiefs - n_c - n_t
    v_town = rng.integers(0, n_t, n_v)
    seq = pd.Series(v_town).groupby(v_town).cumcount().to_numpy() + 1
    v_code = [f"{towns[t]}{s:03d}" for t, s in zip(v_town, seq, strict=True)]
    reaches = np.arange(len(river))
    # county chiefs: every reach of their ten rivers; township chiefs: every reach of theirs
    upper_chief = np.r_[river // RIVERS_PER_COUNTY_CHIEF, n_c + town]
    upper_reach = np.r_[reaches, reaches]
    # village chiefs: one or two stretches inside reaches of their township (0.3 % none)
    pieces = np.where(rng.random(n_v) < 0.003, 0, 1 + (rng.random(n_v) < 0.3))
    v_chief = np.repeat(np.arange(n_v), pieces)
    by_town = np.argsort(town, kind="stable")
    t_first = np.searchsorted(town[by_town], np.arange(n_t))
    t_count = np.bincount(town, minlength=n_t)
    pick = (rng.random(len(v_chief)) * t_count[v_town[v_chief]]).astype(int)
    v_reach = by_town[t_first[v_town[v_chief]] + pick]
    lo = rng.uniform(0, 0.6, len(v_chief)) * length[v_reach]
    hi = lo + rng.uniform(0.1, 0.4, len(v_chief)) * length[v_reach]
    return {
        "code": code,
        "towns": towns,
        "reaches": pd.DataFrame(
            {
                "river_code": [f"{code}R{r:03d}" for r in river],
                "from_m": from_m.round(1),
                "shared_admin_code": shared,
            }
        ),
        "town": town,
        "river": river,
        "length": length,
        "level": ["county"] * n_c + ["township"] * n_t + ["village"] * n_v,
        "admin_code": [code] * n_c + list(towns) + v_code,
        "township_code": [None] * n_c + list(towns) + list(towns[v_town]),
        "assigned": pd.DataFrame(
            {
                "chief": np.r_[upper_chief, n_c + n_t + v_chief],
                "reach": np.r_[upper_reach, v_reach],
                "lo": np.r_[np.zeros(len(upper_reach)), lo.round(1)],
                "hi": np.r_[length[upper_reach], np.minimum(hi, length[v_reach]).round(1)],
            }
        ),
    }


def build_network(rng, counties: int) -> tuple[list[dict], pd.DataFrame, pd.DataFrame]:
    """Every county; the chiefs (without ``valid``) and the assignments of the province."""
    total = round(CHIEFS * counties / COUNTIES)
    sizes = np.full(counties, total // counties)
    sizes[: total % counties] += 1
    parts, chief0, reach0 = [], 0, 0
    for c in range(counties):
        p = county_network(rng, c, int(sizes[c]))
        p["chief0"], p["reach0"] = chief0, reach0
        p["assigned"]["chief"] += chief0
        p["assigned"]["reach"] += reach0
        chief0 += len(p["level"])
        reach0 += len(p["reaches"])
        parts.append(p)
    n = chief0
    freq = rules.load("patrol_frequency")
    owed = {lv: required_patrols(lv, START, END, freq) for lv in catalogue.CHIEF_LEVELS}
    level = [lv for p in parts for lv in p["level"]]
    chiefs = pd.DataFrame(
        {
            "chief_id": [f"HZ{i:07d}" for i in range(n)],
            "name": [f"河长{i}" for i in range(n)],
            "phone": [f"139{i:08d}" for i in range(n)],
            "level": level,
            "admin_code": [a for p in parts for a in p["admin_code"]],
            "township_code": [t for p in parts for t in p["township_code"]],
            "required": [owed[lv] for lv in level],
        }
    )
    assigned = pd.concat([p["assigned"] for p in parts], ignore_index=True)
    return parts, chiefs, assigned


def build_patrols(rng, chiefs, assigned, counties):
    """Patrols (chief drawn by level and diligence; 97 % valid) and 1-2 visits each on
    sub-stretches of the chief's own assignments."""
    n_p = round(PATROLS * counties / COUNTIES)
    n = len(chiefs)
    held = np.bincount(assigned["chief"].to_numpy(), minlength=n)
    w = chiefs["level"].map(PATROL_WEIGHT).to_numpy() * rng.gamma(4.0, 0.25, n) * (held > 0)
    chief = rng.choice(n, size=n_p, p=w / w.sum())
    valid = rng.random(n_p) < 0.97
    span = (T1 - T0).value
    start = pd.to_datetime(T0.value + rng.integers(0, span, n_p), utc=True)
    ids = chiefs["chief_id"].to_numpy()
    patrols = pd.DataFrame(
        {
            "row": np.arange(n_p),
            "chief_id": ids[chief],
            "patrol_id": [f"P{i:08d}" for i in range(n_p)],
            "start": start,
            "valid": valid,
            "distance_m": rng.gamma(4.0, 800.0, n_p).round(1),
            "flags": np.where(valid, "", FLAGS[rng.integers(0, len(FLAGS), n_p)]),
        }
    )
    a = assigned.sort_values("chief", kind="stable")
    a_first = np.searchsorted(a["chief"].to_numpy(), np.arange(n))
    row = np.sort(np.r_[np.arange(n_p), np.flatnonzero(rng.random(n_p) < 0.4)])
    k = a_first[chief[row]] + (rng.random(len(row)) * held[chief[row]]).astype(int)
    alo, ahi = a["lo"].to_numpy()[k], a["hi"].to_numpy()[k]
    lo = alo + rng.uniform(0, 0.7, len(row)) * (ahi - alo)
    visits = pd.DataFrame(
        {
            "row": row,
            "reach": a["reach"].to_numpy()[k],
            "lo": lo.round(1),
            "hi": (lo + rng.uniform(0.1, 0.6, len(row)) * (ahi - alo)).round(1),
        }
    )
    return patrols, visits


def build_events(rng, chiefs, held, counties) -> pd.DataFrame:
    """Problems on the chiefs' watch, some reported before the quarter (backlog); about one
    in 5,000 major, a few chiefs with two."""
    n_e = round(EVENTS * counties / COUNTIES)
    ids = chiefs["chief_id"].to_numpy()[held > 0]
    chief = ids[rng.integers(0, len(ids), n_e)]
    source = rng.choice(list(catalogue.EVENT_SOURCES), n_e, p=[0.4, 0.3, 0.2, 0.1])
    severity = np.full(n_e, "general", dtype=object)
    major = rng.choice(n_e, max(2, n_e // 5000), replace=False)
    severity[major] = "major"
    chief[major[1::3]] = chief[major[::3]][: len(major[1::3])]  # a few chiefs with two
    t0 = pd.Timestamp("2026-06-01").value
    reported = pd.to_datetime(
        t0 + rng.integers(0, pd.Timestamp("2026-10-01").value - t0, n_e)
    ).floor("min")
    deadline = reported + pd.to_timedelta(rng.choice([3, 7, 15, 30], n_e), unit="D")
    took = pd.to_timedelta(rng.exponential(8 * 86400, n_e).round(), unit="s")
    resolved = pd.Series(reported + took).where(
        (rng.random(n_e) < 0.85) & (reported + took < pd.Timestamp("2026-10-01"))
    )
    done = resolved.notna().to_numpy()
    status = np.where(
        done,
        rng.choice(["resolved", "archived"], n_e),
        rng.choice(["registered", "assigned", "accepted", "returned"], n_e),
    )
    return pd.DataFrame(
        {
            "event_id": [f"E{i:07d}" for i in range(n_e)],
            "source": source,
            "severity": severity,
            "chief_id": chief,
            "reporter": np.where(source == "patrol", chief, None),
            "reported_at": reported,
            "deadline": deadline,
            "resolved_at": resolved.to_numpy(),
            "status": status,
            "event_type": rng.choice(list(catalogue.EVENT_TYPES), n_e),
        }
    )


def build_water(rng, parts) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monitoring sections (a fifth on a township boundary, a fifth without a base year)
    and three monthly measurements each, around the target class."""
    rows = []
    for p in parts:
        r = rng.integers(0, RIVERS, SECTIONS)
        ends = pd.Series(p["length"]).groupby(p["river"]).sum().to_numpy()
        t = p["towns"]
        up, down = rng.integers(0, len(t), SECTIONS), rng.integers(1, len(t), SECTIONS)
        edge = rng.random(SECTIONS) < 0.2
        target = rng.integers(1, 4, SECTIONS)
        base = np.clip(target + rng.integers(-1, 2, SECTIONS), 0, len(CLASSES) - 1)
        rows.append(
            pd.DataFrame(
                {
                    "river_code": [f"{p['code']}R{x:03d}" for x in r],
                    "chainage_m": (rng.random(SECTIONS) * ends[r]).round(1),
                    "target_class": CLASSES[target],
                    "base_class": np.where(rng.random(SECTIONS) < 0.2, None, CLASSES[base]),
                    "upstream_admin": np.where(edge, t[up], None),
                    "downstream_admin": np.where(edge, t[(up + down) % len(t)], None),
                }
            )
        )
    sections = pd.concat(rows, ignore_index=True)
    sections.insert(0, "section_id", [f"S{i:06d}" for i in range(len(sections))])
    months = ["2026-07-01", "2026-08-01", "2026-09-01"]
    sec = np.repeat(np.arange(len(sections)), len(months))
    target = pd.Series(sections["target_class"]).map({c: i for i, c in enumerate(CLASSES)})
    cls = np.clip(target.to_numpy()[sec] + rng.integers(-1, 2, len(sec)), 0, len(CLASSES) - 1)
    measurements = pd.DataFrame(
        {
            "measurement_id": [f"M{i:07d}" for i in range(len(sec))],
            "section_id": sections["section_id"].to_numpy()[sec],
            "month": np.tile(months, len(sections)),
            "water_class": CLASSES[cls],
        }
    )
    return sections, measurements


def build_boards_and_plans(rng, parts, chiefs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A county board per river and a township board per river and township (85 % showing
    the chief in office); 一河一策 tasks due around the quarter, 30 % river-wide."""
    name, phone = chiefs["name"].to_numpy(), chiefs["phone"].to_numpy()
    boards, plans = [], []
    for p in parts:
        code, towns, n_c = p["code"], p["towns"], -(-RIVERS // RIVERS_PER_COUNTY_CHIEF)
        pairs = pd.DataFrame({"river": p["river"], "town": p["town"]}).drop_duplicates()
        river = np.r_[np.arange(RIVERS), pairs["river"].to_numpy()]
        town = np.r_[np.full(RIVERS, -1), pairs["town"].to_numpy()]
        chief = p["chief0"] + np.where(town < 0, river // RIVERS_PER_COUNTY_CHIEF, n_c + town)
        current = rng.random(len(river)) < 0.85
        boards.append(
            pd.DataFrame(
                {
                    "placed_by": np.where(town < 0, "county", "township"),
                    "river_code": [f"{code}R{r:03d}" for r in river],
                    "reservoir_code": None,
                    "admin_code": np.where(town < 0, code, towns[np.maximum(town, 0)]),
                    "chief_name": np.where(current, name[chief], "前任河长"),
                    "chief_phone": np.where(current, phone[chief], "13800000000"),
                }
            )
        )
        r = rng.integers(0, RIVERS, PLAN_ITEMS)
        due = pd.Timestamp("2026-06-15") + pd.to_timedelta(rng.integers(0, 120, PLAN_ITEMS), "D")
        late = pd.to_timedelta(rng.integers(-40, 20, PLAN_ITEMS), "D")
        plans.append(
            pd.DataFrame(
                {
                    "river_code": [f"{code}R{x:03d}" for x in r],
                    "admin_code": np.where(
                        rng.random(PLAN_ITEMS) < 0.3,
                        None,
                        towns[rng.integers(0, len(towns), PLAN_ITEMS)],
                    ),
                    "text": "清理河道垃圾",
                    "deadline": due.strftime("%Y-%m-%d"),
                    "completed_on": np.where(
                        rng.random(PLAN_ITEMS) < 0.7, (due + late).strftime("%Y-%m-%d"), None
                    ),
                }
            )
        )
    boards_df = pd.concat(boards, ignore_index=True)
    boards_df.insert(0, "board_id", [f"B{i:07d}" for i in range(len(boards_df))])
    plans_df = pd.concat(plans, ignore_index=True)
    plans_df.insert(0, "item_id", [f"T{i:06d}" for i in range(len(plans_df))])
    return boards_df, plans_df


def build_inputs(counties: int, seed: int = 19) -> Inputs:
    rng = np.random.default_rng(seed)
    parts, chiefs, assigned = build_network(rng, counties)
    patrols, visits = build_patrols(rng, chiefs, assigned, counties)
    ok = patrols.loc[patrols["valid"], "chief_id"].value_counts()
    chiefs["valid"] = chiefs["chief_id"].map(ok).fillna(0).astype(int)
    held = np.bincount(assigned["chief"].to_numpy(), minlength=len(chiefs))
    sections, measurements = build_water(rng, parts)
    boards, plans = build_boards_and_plans(rng, parts, chiefs)
    assigned = pd.DataFrame(
        {
            "chief_id": chiefs["chief_id"].to_numpy()[assigned["chief"].to_numpy()],
            "reach": assigned["reach"].to_numpy(),
            "lo": assigned["lo"].to_numpy(),
            "hi": assigned["hi"].to_numpy(),
        }
    )
    names = {t: f"{t[-3:]}镇" for p in parts for t in p["towns"]}
    return Inputs(
        start=START,
        end=END,
        chiefs=chiefs,
        patrols=patrols,
        visits=visits,
        assigned=assigned,
        reaches=pd.concat([p["reaches"] for p in parts], ignore_index=True),
        frequency=rules.load("patrol_frequency"),
        events=build_events(rng, chiefs, held, counties),
        sections=sections,
        measurements=measurements,
        signboards=boards,
        plan_items=plans,
        appeals=None,
        admin_names=names,
    )


def reference(inp: Inputs) -> tuple[pd.Series, pd.DataFrame]:
    """Plain pandas: patrols per chief, and the valid patrols' visits joined to the
    chiefs' assignments on (chief, reach)."""
    per_chief = inp.patrols.groupby("chief_id").size()
    rows = inp.patrols.loc[inp.patrols["valid"], ["row", "chief_id"]]
    joined = inp.visits.merge(rows, on="row").merge(inp.assigned, on=["chief_id", "reach"])
    return per_chief, joined


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counties", type=int, default=COUNTIES, help="counties (default 150)")
    ap.add_argument("--profile", action="store_true", help="score once more under cProfile")
    args = ap.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, python "
        f"{platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}"
    )
    t = time.perf_counter()
    with RssPeak() as mem:
        inp = build_inputs(args.counties)
    print(
        f"inputs ({args.counties} counties): {len(inp.chiefs):,} chiefs "
        f"({inp.chiefs['level'].value_counts().to_dict()}), {len(inp.reaches):,} reaches, "
        f"{len(inp.assigned):,} assignments, {len(inp.patrols):,} patrols, "
        f"{len(inp.visits):,} visits, {len(inp.events):,} events, {len(inp.sections):,} "
        f"sections, {len(inp.signboards):,} boards, {len(inp.plan_items):,} plan tasks"
    )
    print(f"build inputs: {time.perf_counter() - t:.1f} s, peak +{mem.mib:,.0f} MiB RSS")
    tables = scorecard.load_rules()

    best = np.inf
    for _ in range(3):
        t = time.perf_counter()
        with RssPeak() as ref_mem:
            per_chief, joined = reference(inp)
        best = min(best, time.perf_counter() - t)
    print(
        f"reference (patrols per chief + visits ⋈ assignments, {len(joined):,} rows), "
        f"best of 3: {best:.2f} s, peak +{ref_mem.mib:,.0f} MiB RSS"
    )
    del per_chief, joined

    t = time.perf_counter()
    with RssPeak() as mem:
        card = scorecard.score(inp, tables)
    took = time.perf_counter() - t
    grades = card.chiefs["grade"].value_counts(dropna=False).to_dict()
    print(
        f"score(): {took:.1f} s, peak +{mem.mib:,.0f} MiB RSS; {len(card.chiefs):,} chiefs, "
        f"{len(card.indicators):,} indicator rows, {len(card.by_township):,} townships, "
        f"vetoed {int(card.chiefs['capped_by'].notna().sum())}; grades {grades}"
    )
    print(
        f"ratio score / reference: {took / best:.1f}x; goal score < 30 s: "
        f"{'met' if took < 30 else 'NOT met'}"
    )
    print(
        f"process peak RSS (ru_maxrss): "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB"
    )
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(scorecard.score, inp, tables)
        stats = pstats.Stats(prof).sort_stats("cumulative")
        stats.print_stats(r"gis/assessment", 30)
        stats.sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
