"""Step 4 of the demo: sand quarries and the sand plan, with one planted violation of
every rule kind (recorded in the answer key)."""

from __future__ import annotations

import numpy as np
from shapely.geometry import Point
from shapely.ops import substring

from gis import rules
from gis.demo.context import County
from gis.demo.plan import COUNTY_CODE, N_COUNTY_RIVERS, N_REGISTER


def flow_offset(land, a: tuple[int, float], b: tuple[int, float]) -> float | None:
    """Metres along the channel from point ``a`` down to ``b`` (negative if b is upstream
    of a); None when neither lies downstream of the other."""
    for src, dst, sign in ((a, b, 1.0), (b, a, -1.0)):
        rid, c = src
        walked = 0.0
        while rid is not None:
            if rid == dst[0] and dst[1] >= c:
                return sign * (walked + dst[1] - c)
            line = land.lines[rid]
            walked += line.length - c
            parent = land.rivers[rid].parent
            if parent is None:
                break
            c = land.lines[parent].project(Point(line.coords[-1]))
            rid = parent
    return None


def place_quarries(
    c: County, structures: list[dict], sources, zones_union
) -> tuple[list[dict], list[dict]]:
    """23 quarries: 5 with closure orders, 2 unlicensed, 16 licensed; violations planted.

    Returns the quarries and the sand plan's mining zones, as rows.
    """
    w = _Sandworks(c, structures, zones_union)
    _plant_near_structures(w, sources)
    _plant_prohibited(w)
    _plant_in_protection_zone(w, sources)
    _licensed_quarries(w)
    _unlicensed_pits(w)
    _closed_quarries(w)
    # a few reserved and prohibited stretches elsewhere in the sand plan
    for kind in ("reserved", "reserved", "prohibited"):
        rid, ch, _ = w.clean_spot(w.county_pool)
        w.zone(kind, rid, ch - 600, ch + 600, season=False)
    for q in w.rows:
        q.pop("_rid"), q.pop("_c")
    return w.rows, w.mining


def _licence(i: int) -> dict:
    """The permit fields of licensed quarry ``i``."""
    return {
        "permit_no": f"川(示范)采砂许字(2025)第{i:03d}号",
        "permit_valid_from": "2025-03-01",
        "permit_valid_to": "2027-02-28",
        "has_weighbridge": True,
        "has_video": True,
    }


class _Sandworks:
    """Quarries and mining zones as they are placed, and the rules that say where is clean."""

    def __init__(self, c: County, structures: list[dict], zones_union) -> None:
        self.c = c
        self.structures = structures
        self.zones_union = zones_union
        self.rows: list[dict] = []
        self.mining: list[dict] = []
        self.county_pool = c.rids[:N_COUNTY_RIVERS]
        self.township_pool = c.rids[N_COUNTY_RIVERS:N_REGISTER]
        table = rules.load("sand_mining_distances")
        by_code = {c.code[r]: r for r in c.rids}
        self.ruled = []
        for s in structures:
            d = rules.sand_mining_distance(table, s)
            if d is not None and s.get("river_code") in by_code:
                rid = by_code[s["river_code"]]
                self.ruled.append((s, d, (rid, c.land.lines[rid].project(s["geometry"]))))

    def clean(self, pt, rid, c, except_id=None, margin=150.0, zones=True) -> bool:
        """No prohibited distance of any structure (along the channel) and no zone applies."""
        if zones and self.zones_union.distance(pt) < margin:
            return False
        for s, (up, down), at in self.ruled:
            if s["structure_id"] == except_id:
                continue
            off = flow_offset(self.c.land, at, (rid, c))
            if off is not None and -up - margin <= off <= down + margin:
                return False
        return True

    def bank(self, rid, c, side=1.0) -> Point:
        """A point 15 m off the centreline: quarries work the bank or a bar, not the thalweg."""
        line = self.c.land.lines[rid]
        p0, p1 = line.interpolate(max(c - 5, 0)), line.interpolate(min(c + 5, line.length))
        dx, dy = p1.x - p0.x, p1.y - p0.y
        n = np.hypot(dx, dy) or 1.0
        return Point(
            line.interpolate(c).x - side * 15 * dy / n, line.interpolate(c).y + side * 15 * dx / n
        )

    def far_from_quarries(self, pt) -> bool:
        return all(pt.distance(q["geometry"]) > 1500 for q in self.rows)

    def clean_spot(self, pool):
        """A random clean bank point on a river of ``pool``: (rid, chainage, point)."""
        rng = self.c.rng
        for _ in range(20000):
            rid = pool[int(rng.integers(len(pool)))]
            line = self.c.land.lines[rid]
            if line.length < 1500:
                continue
            c = float(rng.uniform(500, line.length - 500))
            pt = self.bank(rid, c)
            if self.clean(pt, rid, c) and self.far_from_quarries(pt):
                return rid, c, pt
        raise RuntimeError("no clean quarry site left")

    def add(self, rid, c, pt, **kw) -> dict:
        """A new quarry row (operating, no permit unless ``kw`` says otherwise)."""
        rows, code = self.rows, self.c.code
        qid = f"{COUNTY_CODE}Q{len(rows) + 1:03d}"
        row = {
            "quarry_id": qid,
            "name": f"{self.c.rname[code[rid]]}{len(rows) + 1}号砂场",
            "river_code": code[rid],
            "permit_no": None,
            "permit_valid_from": None,
            "permit_valid_to": None,
            "closure_date": None,
            "has_weighbridge": False,
            "has_video": False,
            "status": "operating",
            "geometry": pt,
            "_rid": rid,
            "_c": c,
        }
        row.update(kw)
        rows.append(row)
        return row

    def add_licensed(self, rid, c, pt) -> dict:
        return self.add(rid, c, pt, **_licence(len(self.rows) + 1))

    def zone(self, kind, rid, c0, c1, season=True) -> None:
        """A mining zone of the sand plan over chainage c0..c1 of a river."""
        line = self.c.land.lines[rid]
        a, b = max(0.0, c0), min(line.length, c1)
        self.mining.append(
            {
                "zone_id": f"{COUNTY_CODE}M{len(self.mining) + 1:03d}",
                "kind": kind,
                "river_code": self.c.code[rid],
                "from_m": round(a, 0),
                "to_m": round(b, 0),
                "closed_season_start": "06-01" if season else None,
                "closed_season_end": "09-30" if season else None,
                "geometry": substring(line, a, b).buffer(80, cap_style="flat"),
            }
        )

    def violation(self, q: dict, rid, detail: str, value: float | None = None) -> None:
        """Record a planted quarry violation in the answer key."""
        kw = {} if value is None else {"value": value}
        self.c.key.add(
            "quarry_violation",
            "quarries",
            ref_id=q["quarry_id"],
            river_code=self.c.code[rid],
            detail=detail,
            **kw,
        )

    def near_structure(self, kind, offset, rule, pred=lambda s: True) -> None:
        """Planted: a licensed quarry ``offset`` m along the channel from a structure."""
        c = self.c
        cands = [s for s in self.structures if s["kind"] == kind and pred(s)]
        c.rng.shuffle(cands)
        for s in cands:
            rid = next(r for r in c.rids if c.code[r] == s["river_code"])
            line = c.land.lines[rid]
            ch = line.project(s["geometry"]) + offset
            if not 300 < ch < line.length - 300:
                continue
            pt = self.bank(rid, ch)
            if self.clean(pt, rid, ch, except_id=s["structure_id"]) and self.far_from_quarries(pt):
                q = self.add_licensed(rid, ch, pt)
                self.zone("permitted", rid, ch - 400, ch + 400)
                self.violation(q, rid, f"{rule}:{s['structure_id']}", abs(offset))
                return
        raise RuntimeError(f"cannot plant a quarry near a {kind}")


def _plant_near_structures(w: _Sandworks, sources) -> None:
    """Planted location violations, one licensed quarry each."""
    w.near_structure(
        "bridge",
        400.0,
        "bridge_downstream",
        lambda s: s["bridge_type"] == "road" and s["bridge_class"] in ("medium", "small"),
    )
    w.near_structure("dam", 1200.0, "dam_downstream")
    w.near_structure(
        "intake",
        -600.0,
        "intake_upstream",
        lambda s: (
            s["structure_id"][-3:]
            in {
                r["source_code"][-3:]
                for _, r in sources.iterrows()
                if r["source_type"] == "river" and not r["has_official_zone"]
            }
        ),
    )
    w.near_structure("gauging_station", 1500.0, "gauging_station_downstream")
    w.near_structure("ferry", -150.0, "ferry_upstream")


def _plant_prohibited(w: _Sandworks) -> None:
    """Planted: a licensed quarry inside a prohibited mining zone."""
    rid, ch, pt = w.clean_spot(w.county_pool)
    q = w.add_licensed(rid, ch, pt)
    w.zone("prohibited", rid, ch - 500, ch + 500, season=False)
    w.violation(q, rid, "prohibited_mining_zone", 0.0)


def _plant_in_protection_zone(w: _Sandworks, sources) -> None:
    """Planted: a quarry in a level-2 protection zone, 2 km upstream of a zoned river intake."""
    for _, s in sources[(sources.source_type == "river") & sources.has_official_zone].iterrows():
        rid, ch = s["_rid"], s["_c"] - 2000
        pt = w.bank(rid, ch)
        if ch > 300 and w.clean(pt, rid, ch, zones=False) and w.far_from_quarries(pt):
            q = w.add_licensed(rid, ch, pt)
            w.zone("permitted", rid, ch - 300, ch + 300)
            w.violation(q, rid, f"protection_zone:{s['source_code']}-L2", 0.0)
            return
    raise RuntimeError("cannot plant a quarry in a protection zone")


def _licensed_quarries(w: _Sandworks) -> None:
    """Clean licensed quarries; two lack a weighbridge and two others lack video."""
    for k in range(9):
        rid, ch, pt = w.clean_spot(w.county_pool)
        q = w.add_licensed(rid, ch, pt)
        w.zone("permitted", rid, ch - 400, ch + 400)
        if k in (0, 1):
            q["has_weighbridge"] = False
            w.violation(q, rid, "missing_weighbridge")
        if k in (2, 3):
            q["has_video"] = False
            w.violation(q, rid, "missing_video")


def _unlicensed_pits(w: _Sandworks) -> None:
    """Two unlicensed pits inside a county river's management range (the seed's two filed
    cases)."""
    for _ in range(2):
        rid, ch, pt = w.clean_spot(w.county_pool)
        q = w.add(rid, ch, pt, status="unlicensed")
        w.violation(q, rid, "management_range_no_permit")


def _closed_quarries(w: _Sandworks) -> None:
    """Five closed by order; one still reports operating."""
    for k in range(5):
        rid, ch, pt = w.clean_spot(w.township_pool)
        q = w.add(
            rid,
            ch,
            pt,
            permit_no=f"川(示范)采砂许字(2021)第{k + 1:03d}号",
            permit_valid_from="2021-03-01",
            permit_valid_to="2024-02-29",
            closure_date="2024-06-30",
            status="operating" if k == 0 else "closed",
        )
        if k == 0:
            w.violation(q, rid, "closed_still_operating")
