"""Problems on the demo county's rivers in Q3 2026 and how each was handled (issue 17), with
the planted chiefs of :mod:`gis.demo.roles` and the answer key.

Found on patrol (巡河发现): the demo's patrols are simulated on demand from the written
GeoPackage (:mod:`gis.demo.patrols`); the build runs the same simulation on the network of
what the file will hold (the same draws), so an event found on a patrol lies beside the
river where that patrol's track went, reported minutes after the track passed there. Fakes
find nothing. Public complaints (群众投诉),
inspections (督查暗访) and cases passed down (上级交办) fall anywhere on the assigned rivers.

Each event goes 登记 → 交办 → 承办 → 办结 → 归档; a few are sent back on review (审核退回)
and resolved again. Most are resolved before their deadline; the overdue handler's are not,
nor are a few others. Nothing happens after the data's date (``AS_OF``): later steps are
left out and the event stays open. Times are Beijing time, ISO text without offset.
Which events are overdue, and every other key value, is computed from what was generated.
A random stream of its own (``[seed, 17, 2]``), so no other layer changes.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import Point

from gis import coords
from gis.demo.context import AnswerKey, as_stored
from gis.demo.patrols import PLANTED_PATROLS, SEED, Quarter, plan_quarter, simulate
from gis.demo.plan import AS_OF
from gis.demo.roles import KINDS, choose_roles, holders, stretches
from gis.patrols.network import network_of
from gis.reaches import segment

P_FIND = {"village": 0.08, "township": 0.15, "county": 0.3}  # a patrol finds a problem
N_OTHER = {"public": 150, "inspection": 45, "higher": 12}
N_RANDOM_OVERDUE = 6  # overdue events of ordinary chiefs (the last one still open)
STUCK_DAYS = 40  # how late the open one would be resolved: after the data's date
FORCED_FINDS = (1, 6)  # the patrols of a diligent planted chief that find a problem
RETURNED_SHARE = 0.04  # sent back on review, then resolved again in time
HANDLER_COMPLAINTS = 4  # public complaints on the overdue handler's river
TYPES = (
    "garbage",
    "dumping",
    "occupation",
    "illegal_building",
    "illegal_mining",
    "outfall",
    "water_quality",
    "signboard",
    "other",
)
TYPE_WEIGHTS = {
    "patrol": (0.36, 0.18, 0.1, 0.05, 0.03, 0.07, 0.05, 0.1, 0.06),
    "public": (0.3, 0.2, 0.1, 0.08, 0.07, 0.1, 0.12, 0.0, 0.03),
    "inspection": (0.15, 0.2, 0.2, 0.15, 0.1, 0.1, 0.05, 0.05, 0.0),
    "higher": (0.0, 0.1, 0.3, 0.2, 0.2, 0.2, 0.0, 0.0, 0.0),
}
#: handling time allowed, days (a county's practice; the assessment reads the deadline field)
DEADLINE_DAYS = {
    "garbage": 3,
    "dumping": 7,
    "occupation": 30,
    "illegal_building": 30,
    "illegal_mining": 15,
    "outfall": 15,
    "water_quality": 5,
    "signboard": 7,
    "other": 7,
}
UNIT = {  # who handles each type: {v} village, {t} township
    "garbage": "{v}村民委员会",
    "dumping": "{t}人民政府",
    "occupation": "{t}人民政府",
    "illegal_building": "{t}人民政府",
    "illegal_mining": "县水利局",
    "outfall": "市生态环境局示范县分局",
    "water_quality": "市生态环境局示范县分局",
    "signboard": "县河长制办公室",
    "other": "{t}人民政府",
}
TEXT = {
    "garbage": "河岸及水面有生活垃圾约{n}处",
    "dumping": "河道管理范围内堆放建筑垃圾约{n}立方米",
    "occupation": "河道管理范围内圈占种植约{n}平方米",
    "illegal_building": "河道管理范围内新建简易棚房约{n}平方米",
    "illegal_mining": "河床有无证采砂痕迹约{n}立方米",
    "outfall": "发现未登记排污口1处，有污水直排入河",
    "water_quality": "约{n}米河段河水发黑发臭",
    "signboard": "河长公示牌信息未更新或破损",
    "other": "河道内设有拦河网具{n}处",
}
PUBLIC = ("群众（12345热线）", "群众（微信公众号）", "群众（来信）")
REPORTER = {"inspection": "县河长办督查组", "higher": "市河长办交办"}
OFFICE = "县河长制办公室"
MAJOR_TEXT = "突发水污染：上游养殖场废水直排，约{n}米河段出现死鱼"


def build_events(
    layers: dict[str, pd.DataFrame], key: AnswerKey, *, seed: int
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """``events`` (Point layer) and ``event_steps`` of the demo quarter; planted chiefs and
    overdue events go into ``key``.

    ``layers`` are the demo's frames so far (metric CRS): rivers, admin_units, chiefs,
    assignments, monitoring_sections, section_measurements.
    """
    # the simulator walks the patrols on the network of the written file
    # (gis.patrols.network.network_from_store): build that network from what the file will
    # hold, or the plans, and so the patrol_refs, differ
    stored = {n: as_stored(layers[n]) for n in ("rivers", "admin_units", "reservoirs")}
    reaches = segment(stored["rivers"], stored["admin_units"], level="village")[0]
    net = network_of(
        reaches.reset_index(drop=True),
        layers["assignments"],
        layers["chiefs"],
        admin=stored["admin_units"],
        reservoirs=stored["reservoirs"],
    )
    rivers, admin = stored["rivers"].to_crs(net.crs), stored["admin_units"].to_crs(net.crs)
    s = stretches(net.reaches, net.assigned, net.chiefs)
    roles, section = choose_roles(
        s,
        sections=layers["monitoring_sections"],
        measurements=layers["section_measurements"],
        key_rows=key.rows,
        seed=seed,
    )
    planted = {c: PLANTED_PATROLS[KINDS[r]] for r, c in roles.items()}
    q = plan_quarter(
        net.reaches,
        net.assigned,
        net.chiefs,
        rivers,
        rng=np.random.default_rng(SEED),
        planted=planted,
    )
    # the quarter itself (what `ensure` writes later, the same draws): a find lies where
    # its patrol's track went, at the time it was there
    points, _ = simulate(net, stored["rivers"], planted=planted)
    tracks = _tracks(points, net.crs)
    g = _Gen(np.random.default_rng([seed, 17, 2]), q, s, rivers, admin, roles, tracks)
    g.patrol_events()
    g.other_events()
    events, steps = g.handle()
    _key(key, roles, section, q, events, layers)
    return events, steps


def _tracks(points: pd.DataFrame, crs) -> dict[str, tuple[np.ndarray, pd.DatetimeIndex]]:
    """Each simulated patrol's points in ``crs`` (a GCJ-02 phone's shift undone) and their
    Beijing times, naive as the events' times."""
    lon = points["lon"].to_numpy(dtype=float).copy()
    lat = points["lat"].to_numpy(dtype=float).copy()
    gcj = (points["coords"] == "gcj02").to_numpy()
    lon[gcj], lat[gcj] = coords.gcj02_to_wgs84(lon[gcj], lat[gcj])
    x, y = pyproj.Transformer.from_crs(4490, crs, always_xy=True).transform(lon, lat)
    when = pd.DatetimeIndex(points["time_text"]).tz_convert("Asia/Shanghai").tz_localize(None)
    out = {}
    for ref, idx in pd.Series(np.arange(len(points))).groupby(points["patrol_ref"].to_numpy()):
        i = idx.to_numpy()
        out[str(ref)] = (np.column_stack([x[i], y[i]]), when[i])
    return out


class _Gen:
    """The events as they are drawn: places, reports, then handling."""

    def __init__(  # noqa: PLR0913 -- the build's frames, each read here
        self, rng, q: Quarter, s, rivers, admin, roles: dict[str, str], tracks
    ) -> None:
        self.rng, self.q, self.roles, self.tracks = rng, q, roles, tracks
        self.s = s
        self.line = rivers.set_index("river_code").geometry
        self.crs = rivers.crs
        self.village = s[s["level"] == "village"].reset_index(drop=True)
        self.admin = admin.set_index("admin_code")
        units = admin[admin["level"] == "village"].reset_index(drop=True)
        self.units, self.tree = units, shapely.STRtree(np.array(units.geometry, dtype=object))
        self.rows: list[dict] = []
        names = self.admin["name"]
        self.chief_unit = {  # the reporting chief's desk: 青龙村河长
            c: f"{names[a]}河长" for c, a in zip(s["chief_id"], s["admin_code"], strict=True)
        }

    # -- reports -----------------------------------------------------------------------------

    def patrol_events(self) -> None:
        q, rng = self.q, self.rng
        forced = {c for r, c in self.roles.items() if r in ("polluted", "handler", "major")}
        nth: dict[str, int] = {}
        for i, (chief, level, _start) in enumerate(q.plans):
            found = rng.random() < P_FIND[level]
            nth[chief] = nth.get(chief, 0) + 1
            if chief in forced and nth[chief] in FORCED_FINDS:
                found = True  # a diligent chief's patrols find something now and then
            if i in q.fakes or not found:
                continue
            xy, times = self.tracks[q.ref(i)]
            j = int(rng.integers(len(xy)))  # where on the walk it was seen
            here = Point(xy[j])
            rivers = {q.river_codes[int(r)] for r in q.by_chief[chief][0]}
            code = min(sorted(rivers), key=lambda c: self.line[c].distance(here))
            when = times[j] + pd.Timedelta(minutes=float(rng.uniform(2, 15)))
            at = float(self.line[code].project(here))
            self._add("patrol", code, at, when, reporter=chief, patrol_id=q.ref(i))

    def other_events(self) -> None:
        rng, v = self.rng, self.village
        w = (v["hi"] - v["lo"]).to_numpy()
        w = w / w.sum()
        for source, n in N_OTHER.items():
            for _ in range(n):
                row = v.iloc[int(rng.choice(len(v), p=w))]
                self._add(source, row.river_code, float(rng.uniform(row.lo, row.hi)), self._when())
        mine = v[v["chief_id"] == self.roles["handler"]]
        for j in range(HANDLER_COMPLAINTS):
            row = mine.iloc[j % len(mine)]
            at = float(rng.uniform(row.lo, row.hi))
            self._add("public", row.river_code, at, self._when())
        mine = v[v["chief_id"] == self.roles["major"]].iloc[0]
        at = float(rng.uniform(mine.lo, mine.hi))
        self._add("public", mine.river_code, at, self._when(), major=True)

    def _when(self) -> pd.Timestamp:
        day = int(self.rng.integers(0, 92))
        hours = float(self.rng.uniform(8, 20))
        return pd.Timestamp("2026-07-01") + pd.Timedelta(days=day, hours=hours)

    def _add(self, source, code, at, when, *, reporter=None, patrol_id=None, major=False):
        rng = self.rng
        kind = "water_quality" if major else str(rng.choice(TYPES, p=TYPE_WEIGHTS[source]))
        line = self.line[code]
        at = min(max(at, 1.0), line.length - 1.0)
        p = line.interpolate(at)
        a, b = line.interpolate(at - 1.0), line.interpolate(at + 1.0)
        dx, dy = b.x - a.x, b.y - a.y
        norm = np.hypot(dx, dy) or 1.0
        off = float(rng.uniform(3, 30)) * (1 if rng.random() < 0.5 else -1)
        pt = Point(p.x - dy / norm * off, p.y + dx / norm * off)
        vil = self._village_of(pt)
        town = self.admin.loc[vil, "parent_code"]
        held = holders(self.village, code, at)
        chief = reporter if reporter in set(held["chief_id"]) else None
        if chief is None:
            same = held[held["admin_code"] == vil]
            pick = same if len(same) else held
            chief = min(pick["chief_id"]) if len(pick) else reporter
        n = int(rng.integers(2, 60)) * (10 if major else 1)
        self.rows.append(
            {
                "event_type": kind,
                "source": source,
                "severity": "major" if major else "general",
                "river_code": code,
                "chainage_m": round(at, 1),
                "admin_code": vil,
                "chief_id": chief,
                "reporter": reporter
                or (str(rng.choice(PUBLIC)) if source == "public" else REPORTER[source]),
                "patrol_id": patrol_id,
                "reported_at": when.floor("min"),
                "handling_unit": UNIT[kind].format(
                    v=self.admin.loc[vil, "name"], t=self.admin.loc[town, "name"]
                ),
                "description": (MAJOR_TEXT if major else TEXT[kind]).format(n=n),
                "geometry": pt,
            }
        )

    def _village_of(self, pt: Point) -> str:
        hits = self.tree.query(pt, predicate="intersects")
        i = int(hits[0]) if len(hits) else int(self.tree.nearest(pt))
        return str(self.units["admin_code"].iloc[i])

    # -- handling ----------------------------------------------------------------------------

    def handle(self) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
        rng = self.rng
        ev = pd.DataFrame(self.rows).sort_values("reported_at", kind="stable", ignore_index=True)
        month = ev["reported_at"].dt.strftime("%Y%m")
        ev["event_id"] = "EV" + month + (ev.groupby(month).cumcount() + 1).map("{:04d}".format)
        ev["deadline"] = ev["reported_at"] + pd.to_timedelta(
            ev["event_type"].map(DEADLINE_DAYS), unit="D"
        )
        planted = set(self.roles.values())
        ordinary = np.flatnonzero(~ev["chief_id"].isin(planted).to_numpy())
        late = set(rng.choice(ordinary, size=N_RANDOM_OVERDUE - 1, replace=False).tolist())
        # one more, due within the quarter and still open at the data's date
        cutoff = pd.Timestamp(AS_OF)
        due = ev["deadline"].iloc[ordinary]
        window = (due < cutoff) & (due > cutoff - pd.Timedelta(days=STUCK_DAYS - 1))
        stuck = int(rng.choice(sorted(set(ordinary[window.to_numpy()]) - late)))
        late.add(stuck)
        # the handler resolves the first event in time, the rest late, every other one of
        # those sent back on review as well
        mine = np.flatnonzero((ev["chief_id"] == self.roles["handler"]).to_numpy())
        late |= set(mine[1:].tolist())
        sent_back = set(mine[1::2].tolist())
        steps, status, resolved = [], [], []
        for i, e in enumerate(ev.itertuples()):
            back = i in sent_back or (i not in late and rng.random() < RETURNED_SHARE)
            rows = self._steps(e, late=i in late, back=back, stuck=i == stuck)
            rows = [r for r in rows if r[1] < cutoff]  # nothing happens after the data's date
            last_fix = None
            for st, t, _, _ in rows:
                last_fix = t if st == "resolved" else None if st == "returned" else last_fix
            status.append(rows[-1][0])
            resolved.append(last_fix)
            for n, (st, t, unit, note) in enumerate(rows, start=1):
                steps.append(
                    {
                        "step_id": f"{e.event_id}-{n}",
                        "event_id": e.event_id,
                        "status": st,
                        "time": _iso(t),
                        "unit": unit,
                        "note": note,
                    }
                )
        ev["status"], ev["resolved_at"] = status, resolved
        for col in ("reported_at", "deadline", "resolved_at"):
            ev[col] = ev[col].map(lambda t: None if t is None or pd.isna(t) else _iso(t))
        events = gpd.GeoDataFrame(ev, geometry="geometry", crs=self.crs)
        cols = [
            "event_id",
            "event_type",
            "source",
            "severity",
            "river_code",
            "chainage_m",
            "admin_code",
            "chief_id",
            "reporter",
            "patrol_id",
            "reported_at",
            "deadline",
            "status",
            "resolved_at",
            "handling_unit",
            "description",
        ]
        return events[[*cols, "geometry"]], pd.DataFrame(steps)

    def _steps(self, e, *, late: bool, back: bool, stuck: bool) -> list[tuple]:
        """``(status, time, unit, note)`` of one event, in time order."""
        rng = self.rng
        h = lambda lo, hi: pd.Timedelta(hours=float(rng.uniform(lo, hi)))  # noqa: E731
        t0 = e.reported_at
        who = self.chief_unit[e.reporter] if e.source == "patrol" else e.reporter
        t1 = t0 + h(0.5, 12)
        t2 = t1 + h(1, 24)
        span = e.deadline - t2
        out = [
            ("registered", t0, who, None),
            ("assigned", t1, OFFICE, "请按时限办理"),
            ("accepted", t2, e.handling_unit, None),
        ]
        if late:  # resolved (the first time, too) after the deadline
            t3 = e.deadline + (pd.Timedelta(days=STUCK_DAYS) if stuck else h(24, 24 * 12))
        else:
            t3 = t2 + span * float(rng.uniform(0.15, 0.45 if back else 0.9))
        out.append(("resolved", t3, e.handling_unit, "已整改"))
        if back:
            t4 = t3 + h(4, 24)
            out.append(("returned", t4, OFFICE, "整改不到位，退回重办"))
            t3 = t4 + (h(24, 24 * 6) if late else (e.deadline - t4) * float(rng.uniform(0.2, 0.8)))
            out.append(("resolved", t3, e.handling_unit, "已重新整改"))
        out.append(("archived", t3 + h(12, 72), OFFICE, "审核通过，归档"))
        return out


def _iso(t: pd.Timestamp) -> str:
    return pd.Timestamp(t).floor("min").isoformat()


def _key(key: AnswerKey, roles: dict[str, str], section: str, q: Quarter, events, layers) -> None:
    """Planted chiefs and overdue events, each value computed from what was generated."""
    cutoff = pd.Timestamp(AS_OF)
    deadline = pd.to_datetime(events["deadline"])
    done = pd.to_datetime(events["resolved_at"])
    overdue = (done > deadline) | (done.isna() & (deadline < cutoff))
    level_of = layers["chiefs"].set_index("chief_id")
    made = pd.Series([p[0] for p in q.plans]).value_counts()
    faked = pd.Series([q.plans[i][0] for i in q.fakes]).value_counts()

    def chief_row(role: str, value: float, detail: str, **kw) -> None:
        c = roles[role]
        key.add(
            KINDS[role],
            "chiefs",
            ref_id=c,
            admin_code=level_of.loc[c, "admin_code"],
            level=level_of.loc[c, "level"],
            value=float(value),
            detail=detail,
            **kw,
        )

    sec = layers["monitoring_sections"].set_index("section_id").loc[section]
    meas = layers["section_measurements"]
    mine = events["chief_id"] == roles["handler"]
    months = int((meas["section_id"] == section).sum())
    chief_row(
        "polluted",
        months,
        f"section {section} worse than target in all {months} months",
        river_code=sec["river_code"],
    )
    chief_row("lazy", made.get(roles["lazy"], 0), "patrols made in the quarter (13 weeks)")
    chief_row(
        "faker",
        faked.get(roles["faker"], 0),
        f"faked patrols of {made.get(roles['faker'], 0)} made",
    )
    chief_row("handler", int((overdue & mine).sum()), f"overdue events of {int(mine.sum())}")
    major = events[(events["severity"] == "major") & (events["chief_id"] == roles["major"])]
    chief_row("major", len(major), f"major incident {major['event_id'].iloc[0]}")
    late = (done.fillna(cutoff) - deadline).dt.total_seconds() / 86400
    for e, days in zip(events[overdue].itertuples(), late[overdue], strict=True):
        key.add(
            "assess_event_overdue",
            "events",
            ref_id=e.event_id,
            river_code=e.river_code,
            admin_code=e.admin_code,
            value=round(float(days), 2),
            detail=f"chief {e.chief_id}; {'resolved late' if e.resolved_at else 'still open'}",
        )
