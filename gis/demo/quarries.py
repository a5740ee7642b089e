"""Step 4 of the demo: sand quarries and the sand plan, with one planted violation of
every rule kind (recorded in the answer key)."""

from __future__ import annotations

import numpy as np
from shapely.geometry import Point
from shapely.ops import substring

from gis import rules
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
    land, rng, rids, rank, code, rname, structures, sources, res_plan, zones_union, key
):
    """23 quarries: 5 with closure orders, 2 unlicensed, 16 licensed; violations planted."""
    table = rules.load("sand_mining_distances")
    by_code = {code[r]: r for r in rids}
    ruled = []
    for s in structures:
        d = rules.sand_mining_distance(table, s)
        if d is not None and s.get("river_code") in by_code:
            rid = by_code[s["river_code"]]
            ruled.append((s, d, (rid, land.lines[rid].project(s["geometry"]))))

    def clean(pt, rid, c, except_id=None, margin=150.0, zones=True):
        """No prohibited distance of any structure (along the channel) and no zone applies."""
        if zones and zones_union.distance(pt) < margin:
            return False
        for s, (up, down), at in ruled:
            if s["structure_id"] == except_id:
                continue
            off = flow_offset(land, at, (rid, c))
            if off is not None and -up - margin <= off <= down + margin:
                return False
        return True

    def bank(rid, c, side=1.0):
        """A point 15 m off the centreline: quarries work the bank or a bar, not the thalweg."""
        line = land.lines[rid]
        p0, p1 = line.interpolate(max(c - 5, 0)), line.interpolate(min(c + 5, line.length))
        dx, dy = p1.x - p0.x, p1.y - p0.y
        n = np.hypot(dx, dy) or 1.0
        return Point(
            line.interpolate(c).x - side * 15 * dy / n, line.interpolate(c).y + side * 15 * dx / n
        )

    def clean_spot(pool):
        for _ in range(20000):
            rid = pool[int(rng.integers(len(pool)))]
            line = land.lines[rid]
            if line.length < 1500:
                continue
            c = float(rng.uniform(500, line.length - 500))
            pt = bank(rid, c)
            if clean(pt, rid, c) and all(pt.distance(q["geometry"]) > 1500 for q in rows):
                return rid, c, pt
        raise RuntimeError("no clean quarry site left")

    rows: list[dict] = []
    mining: list[dict] = []
    county_pool = rids[:N_COUNTY_RIVERS]
    township_pool = rids[N_COUNTY_RIVERS:N_REGISTER]

    def add(rid, c, pt, **kw):
        qid = f"{COUNTY_CODE}Q{len(rows) + 1:03d}"
        row = {
            "quarry_id": qid,
            "name": f"{rname[code[rid]]}{len(rows) + 1}号砂场",
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

    def licensed(i):
        return {
            "permit_no": f"川(示范)采砂许字(2025)第{i:03d}号",
            "permit_valid_from": "2025-03-01",
            "permit_valid_to": "2027-02-28",
            "has_weighbridge": True,
            "has_video": True,
        }

    def zone(kind, rid, c0, c1, season=True):
        line = land.lines[rid]
        a, b = max(0.0, c0), min(line.length, c1)
        mining.append(
            {
                "zone_id": f"{COUNTY_CODE}M{len(mining) + 1:03d}",
                "kind": kind,
                "river_code": code[rid],
                "from_m": round(a, 0),
                "to_m": round(b, 0),
                "closed_season_start": "06-01" if season else None,
                "closed_season_end": "09-30" if season else None,
                "geometry": substring(line, a, b).buffer(80, cap_style="flat"),
            }
        )

    # planted location violations, one licensed quarry each
    def near_structure(kind, offset, rule, pred=lambda s: True):
        cands = [s for s in structures if s["kind"] == kind and pred(s)]
        rng.shuffle(cands)
        for s in cands:
            rid = next(r for r in rids if code[r] == s["river_code"])
            line = land.lines[rid]
            c = line.project(s["geometry"]) + offset
            if not 300 < c < line.length - 300:
                continue
            pt = bank(rid, c)
            if clean(pt, rid, c, except_id=s["structure_id"]) and all(
                pt.distance(q["geometry"]) > 1500 for q in rows
            ):
                q = add(rid, c, pt, **licensed(len(rows) + 1))
                zone("permitted", rid, c - 400, c + 400)
                key.add(
                    "quarry_violation",
                    "quarries",
                    ref_id=q["quarry_id"],
                    river_code=code[rid],
                    detail=f"{rule}:{s['structure_id']}",
                    value=abs(offset),
                )
                return
        raise RuntimeError(f"cannot plant a quarry near a {kind}")

    near_structure(
        "bridge",
        400.0,
        "bridge_downstream",
        lambda s: s["bridge_type"] == "road" and s["bridge_class"] in ("medium", "small"),
    )
    near_structure("dam", 1200.0, "dam_downstream")
    near_structure(
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
    near_structure("gauging_station", 1500.0, "gauging_station_downstream")
    near_structure("ferry", -150.0, "ferry_upstream")
    # inside a prohibited mining zone
    rid, c, pt = clean_spot(county_pool)
    q = add(rid, c, pt, **licensed(len(rows) + 1))
    zone("prohibited", rid, c - 500, c + 500, season=False)
    key.add(
        "quarry_violation",
        "quarries",
        ref_id=q["quarry_id"],
        river_code=code[rid],
        detail="prohibited_mining_zone",
        value=0.0,
    )
    # inside a level-2 protection zone: 2 km upstream of a zoned river intake
    for _, s in sources[(sources.source_type == "river") & sources.has_official_zone].iterrows():
        rid, c = s["_rid"], s["_c"] - 2000
        pt = bank(rid, c)
        if (
            c > 300
            and clean(pt, rid, c, zones=False)
            and all(pt.distance(qq["geometry"]) > 1500 for qq in rows)
        ):
            q = add(rid, c, pt, **licensed(len(rows) + 1))
            zone("permitted", rid, c - 300, c + 300)
            key.add(
                "quarry_violation",
                "quarries",
                ref_id=q["quarry_id"],
                river_code=code[rid],
                detail=f"protection_zone:{s['source_code']}-L2",
                value=0.0,
            )
            break
    else:
        raise RuntimeError("cannot plant a quarry in a protection zone")
    # clean licensed quarries; two lack a weighbridge and two others lack video
    for k in range(9):
        rid, c, pt = clean_spot(county_pool)
        q = add(rid, c, pt, **licensed(len(rows) + 1))
        zone("permitted", rid, c - 400, c + 400)
        if k in (0, 1):
            q["has_weighbridge"] = False
            key.add(
                "quarry_violation",
                "quarries",
                ref_id=q["quarry_id"],
                river_code=code[rid],
                detail="missing_weighbridge",
            )
        if k in (2, 3):
            q["has_video"] = False
            key.add(
                "quarry_violation",
                "quarries",
                ref_id=q["quarry_id"],
                river_code=code[rid],
                detail="missing_video",
            )
    # two unlicensed pits inside a county river's management range (the seed's two filed cases)
    for _ in range(2):
        rid, c, pt = clean_spot(county_pool)
        q = add(rid, c, pt, status="unlicensed")
        key.add(
            "quarry_violation",
            "quarries",
            ref_id=q["quarry_id"],
            river_code=code[rid],
            detail="management_range_no_permit",
        )
    # five closed by order; one still reports operating
    for k in range(5):
        rid, c, pt = clean_spot(township_pool)
        q = add(
            rid,
            c,
            pt,
            permit_no=f"川(示范)采砂许字(2021)第{k + 1:03d}号",
            permit_valid_from="2021-03-01",
            permit_valid_to="2024-02-29",
            closure_date="2024-06-30",
            status="operating" if k == 0 else "closed",
        )
        if k == 0:
            key.add(
                "quarry_violation",
                "quarries",
                ref_id=q["quarry_id"],
                river_code=code[rid],
                detail="closed_still_operating",
            )
    # a few reserved and prohibited stretches elsewhere in the sand plan
    for kind in ("reserved", "reserved", "prohibited"):
        rid, c, _ = clean_spot(county_pool)
        zone(kind, rid, c - 600, c + 600, season=False)
    for q in rows:
        q.pop("_rid"), q.pop("_c")
    return rows, mining
