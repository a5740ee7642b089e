"""Step 3 of the demo: chiefs, their assignments, signboards, and planted defects.

Every defect planted here is recorded in the answer key by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.demo.landscape import cell_point
from gis.demo.names import COUNTY_POSTS, TOWNSHIP_POSTS, VILLAGE_POSTS, phone
from gis.demo.plan import (
    COUNTY_CODE,
    GK_EPSG,
    N_COUNTY_RIVERS,
    N_PATROLLERS,
    N_TOWNSHIP_BOARDS,
    N_TOWNSHIP_CHIEFS,
)


@dataclass
class Reach:
    """A river's stretch inside one admin unit, with its chainage range from the source."""

    rid: int
    unit: int
    length: float
    c0: float
    c1: float


def unit_reaches(lines: dict, units: list, min_len: float = 20.0) -> list[Reach]:
    """Every (river, unit) pair where the river runs at least ``min_len`` metres in the unit."""
    tree = shapely.STRtree(np.array(units, dtype=object))
    out = []
    for rid, line in lines.items():
        for u in tree.query(line, predicate="intersects"):
            part = line.intersection(units[u])
            if part.length < min_len:
                continue
            ends = [
                line.project(shapely.Point(c))
                for g in getattr(part, "geoms", [part])
                for c in (g.coords[0], g.coords[-1])
            ]
            out.append(Reach(rid, int(u), part.length, min(ends), max(ends)))
    return out


def allocate(total: int, weights: np.ndarray, caps: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Integer shares of ``total`` proportional to ``weights``, within [floor, caps]."""
    n = np.maximum(floor, np.minimum(caps, np.floor(total * weights / weights.sum()).astype(int)))
    while n.sum() != total:
        room = (n < caps) if n.sum() < total else (n > floor)
        if not room.any():
            raise ValueError("cannot allocate within the caps")
        score = (total * weights / weights.sum()) - n
        score = np.where(room, score if n.sum() < total else -score, -np.inf)
        i = int(np.argmax(score))
        n[i] += 1 if n.sum() < total else -1
    return n


def boundary_stretches(
    lines: dict, units: list, tol: float = 30.0, min_len: float = 300.0
) -> list[dict]:
    """River stretches running along the boundary between two units (界河)."""
    arr = np.array(units, dtype=object)
    outer = shapely.union_all(arr).boundary
    tree = shapely.STRtree(arr)
    out = []
    for rid, line in lines.items():
        cand = tree.query(line, predicate="dwithin", distance=tol)
        for i, a in enumerate(cand):
            for b in cand[i + 1 :]:
                edge = shapely.intersection(units[a].boundary, units[b].boundary)
                if edge.is_empty or edge.length < min_len:
                    continue
                edge = edge.difference(outer.buffer(1.0))
                along = line.intersection(edge.buffer(tol, cap_style="flat"))
                if along.length < min_len:
                    continue
                ends = [
                    line.project(shapely.Point(c))
                    for g in getattr(along, "geoms", [along])
                    for c in (g.coords[0], g.coords[-1])
                ]
                out.append(
                    {
                        "rid": rid,
                        "a": int(min(a, b)),
                        "b": int(max(a, b)),
                        "length": along.length,
                        "c0": min(ends),
                        "c1": max(ends),
                    }
                )
    return out


def build_people(
    land, rng, names, key, rids, code, rname, t_code, t_name, v_code, res_plan, county_rivers
):
    """Chiefs, assignments and signboards, with the planted defects."""
    chiefs, assign = [], []
    n_phone = iter(range(1, 10000))

    def chief(level, post, admin_code):
        cid = f"{COUNTY_CODE}C{len(chiefs) + 1:04d}"
        chiefs.append(
            {
                "chief_id": cid,
                "name": names.person(),
                "level": level,
                "post": post,
                "phone": phone(next(n_phone)),
                "admin_code": admin_code,
            }
        )
        return cid

    def assignment(cid, level, admin_code, rid=None, reservoir=None, c0=None, c1=None, shared=None):
        assign.append(
            {
                "assignment_id": f"{COUNTY_CODE}A{len(assign) + 1:05d}",
                "chief_id": cid,
                "level": level,
                "target_type": "reservoir" if reservoir else "river",
                "river_code": code[rid] if rid is not None else None,
                "reservoir_code": reservoir,
                "admin_code": admin_code,
                "shared_admin_code": shared,
                "from_m": None if c0 is None else round(c0, 1),
                "to_m": None if c1 is None else round(c1, 1),
            }
        )
        return assign[-1]

    # county: 24 leaders, one county river each
    posts = list(COUNTY_POSTS) + ["副县长"] * 24
    county_chief = {}
    for i, rid in enumerate(rids[:N_COUNTY_RIVERS]):
        county_chief[rid] = chief("county", posts[i], COUNTY_CODE)
        assignment(county_chief[rid], "county", COUNTY_CODE, rid)

    # township level: every river stretch in a township has a township chief
    t_reaches = unit_reaches(land.lines, land.townships)
    by_t: dict[int, list] = {}
    for r in t_reaches:
        by_t.setdefault(r.unit, []).append(r)
    n_t = len(land.townships)
    counts = np.array([len(by_t.get(t, [])) for t in range(n_t)])
    share = allocate(N_TOWNSHIP_CHIEFS, counts.astype(float), counts, np.minimum(3, counts))
    t_chiefs: dict[int, list[str]] = {}
    reach_chief: dict[tuple[int, int], str] = {}
    for t in range(n_t):
        t_chiefs[t] = [
            chief("township", f"{t_name[t]}{TOWNSHIP_POSTS[k % len(TOWNSHIP_POSTS)]}", t_code[t])
            for k in range(share[t])
        ]
        for k, r in enumerate(sorted(by_t.get(t, []), key=lambda r: -r.length)):
            cid = t_chiefs[t][k % share[t]]
            reach_chief[(r.rid, t)] = cid
    # planted: a township chief who has no reach (his stretches go to a colleague)
    t_orphan = int(np.argmax(share))
    orphan = t_chiefs[t_orphan][-1]
    for k, v in list(reach_chief.items()):
        if v == orphan:
            reach_chief[k] = t_chiefs[t_orphan][0]
    key.add("orphan_chief", "chiefs", ref_id=orphan, admin_code=t_code[t_orphan], level="township")
    # planted: unassigned township reaches, and one stretch given to a chief from another township
    long_reaches = sorted([r for r in t_reaches if r.length > 800], key=lambda r: (r.rid, r.unit))
    picks = rng.choice(len(long_reaches), 5, replace=False)
    for j, p in enumerate(picks):
        r = long_reaches[p]
        if j < 4:
            reach_chief.pop((r.rid, r.unit))
            key.add(
                "unassigned_reach",
                "assignments",
                river_code=code[r.rid],
                admin_code=t_code[r.unit],
                level="township",
                value=r.length,
            )
        else:
            other = (r.unit + 1) % n_t
            reach_chief[(r.rid, r.unit)] = t_chiefs[other][0]
            key.add(
                "outside_jurisdiction",
                "assignments",
                ref_id=t_chiefs[other][0],
                river_code=code[r.rid],
                admin_code=t_code[r.unit],
                level="township",
                detail=f"chief of {t_code[other]}",
            )
    for (rid, t), cid in sorted(reach_chief.items()):
        assignment(cid, "township", t_code[t], rid)

    # boundary rivers between townships: agreed shared reaches, except three planted
    stretches = boundary_stretches(land.lines, land.townships)
    unagreed = (
        set(rng.choice(len(stretches), min(3, len(stretches)), replace=False).tolist())
        if stretches
        else set()
    )
    for i, s in enumerate(stretches):
        if i in unagreed:
            key.add(
                "boundary_unagreed",
                "assignments",
                river_code=code[s["rid"]],
                admin_code=t_code[s["a"]],
                level="township",
                detail=f"{t_code[s['a']]}|{t_code[s['b']]}",
                value=s["length"],
            )
            continue
        cid = reach_chief.get((s["rid"], s["a"])) or t_chiefs[s["a"]][0]
        assignment(
            cid, "township", t_code[s["a"]], s["rid"], c0=s["c0"], c1=s["c1"], shared=t_code[s["b"]]
        )
        key.add(
            "boundary_agreed",
            "assignments",
            river_code=code[s["rid"]],
            admin_code=t_code[s["a"]],
            level="township",
            detail=f"{t_code[s['a']]}|{t_code[s['b']]}",
            value=s["length"],
        )

    # reservoirs: the township chiefs where the dam stands; two planted without a chief
    no_chief = set(rng.choice(len(res_plan), 2, replace=False).tolist())
    t_tree = shapely.STRtree(np.array(land.townships, dtype=object))
    res_chief = {}
    for i, r in enumerate(res_plan):
        dam = cell_point(land, r["dam_cell"])
        t = int(t_tree.query(dam, predicate="intersects")[0])
        if i in no_chief:
            key.add("reservoir_without_chief", "reservoirs", ref_id=r["code"], admin_code=t_code[t])
            continue
        res_chief[r["code"]] = t_chiefs[t][i % len(t_chiefs[t])]
        assignment(res_chief[r["code"]], "township", t_code[t], reservoir=r["code"])

    # village patrollers: every stretch in a village; long stretches shared by chainage
    v_reaches = unit_reaches(land.lines, land.villages)
    by_v: dict[int, list] = {}
    for r in v_reaches:
        by_v.setdefault(r.unit, []).append(r)
    n_v = len(land.villages)
    vcounts = np.array([len(by_v.get(v, [])) for v in range(n_v)], dtype=float)
    # a village with no river gets no patroller (he would have nothing to walk)
    vshare = allocate(
        N_PATROLLERS,
        np.maximum(vcounts, 1e-9),
        np.where(vcounts > 0, 12, 0),
        np.where(vcounts > 0, 1, 0),
    )
    # planted: one whole village stretch that nobody patrols
    drop_v = next(
        v for v in range(n_v) if len(by_v.get(v, [])) >= 2 and max(r.length for r in by_v[v]) > 600
    )
    drop_r = max(by_v[drop_v], key=lambda r: r.length)
    key.add(
        "unassigned_reach",
        "assignments",
        river_code=code[drop_r.rid],
        admin_code=v_code[drop_v],
        level="village",
        value=drop_r.length,
    )
    v_pieces = []  # per village: (rid, c0, c1, whole)
    for v in range(n_v):
        pieces = [
            (r.rid, r.c0, r.c1, True)
            for r in sorted(by_v.get(v, []), key=lambda r: -r.length)
            if r is not drop_r
        ]
        while pieces and len(pieces) < vshare[v]:
            pieces.sort(key=lambda p: -(p[2] - p[1]))
            rid, a, b, _ = pieces.pop(0)
            mid = (a + b) / 2
            pieces += [(rid, a, mid, False), (rid, mid, b, False)]
        v_pieces.append(pieces)
    hole_done = False
    v_pats: list[list[str]] = []
    for v in range(n_v):
        pats = [
            chief("village", VILLAGE_POSTS[k % len(VILLAGE_POSTS)], v_code[v])
            for k in range(vshare[v])
        ]
        v_pats.append(pats)
        for k, (rid, a, b, whole) in enumerate(v_pieces[v]):
            if not hole_done and not whole and b - a > 800:
                # planted: a chainage hole between two patrollers' ranges
                hole_done, gap_end = True, a + 0.3 * (b - a)
                key.add(
                    "hole",
                    "assignments",
                    river_code=code[rid],
                    admin_code=v_code[v],
                    level="village",
                    detail=f"{a:.1f}-{gap_end:.1f}",
                    value=gap_end - a,
                )
                a = gap_end
            assignment(
                pats[k % len(pats)],
                "village",
                v_code[v],
                rid,
                c0=None if whole else a,
                c1=None if whole else b,
            )
    # boundary streams between villages: every one has an agreed patroller
    for st in boundary_stretches(land.lines, land.villages):
        own, other = (st["a"], st["b"]) if v_pats[st["a"]] else (st["b"], st["a"])
        assignment(
            v_pats[own][0],
            "village",
            v_code[own],
            st["rid"],
            c0=st["c0"],
            c1=st["c1"],
            shared=v_code[other],
        )
        key.add(
            "boundary_agreed",
            "assignments",
            river_code=code[st["rid"]],
            admin_code=v_code[own],
            level="village",
            detail=f"{v_code[st['a']]}|{v_code[st['b']]}",
            value=st["length"],
        )
    # planted: the same village stretch given to a second patroller
    dup = next(a for a in assign if a["level"] == "village" and a["from_m"] is None)
    other = (
        next(
            c
            for c in chiefs
            if c["level"] == "village"
            and c["admin_code"] == dup["admin_code"]
            and c["chief_id"] != dup["chief_id"]
        )
        if sum(c["admin_code"] == dup["admin_code"] for c in chiefs) > 1
        else None
    )
    if other is None:
        other = {"chief_id": chief("village", "专职巡河员", dup["admin_code"])}
    d = assignment(
        other["chief_id"],
        "village",
        dup["admin_code"],
        next(r for r in rids if code[r] == dup["river_code"]),
    )
    key.add(
        "duplicate_assignment",
        "assignments",
        ref_id=d["assignment_id"],
        river_code=dup["river_code"],
        admin_code=dup["admin_code"],
        level="village",
        detail=f"{dup['chief_id']}|{other['chief_id']}",
    )

    # signboards: 24 county rivers + 9 medium reservoirs (33), and 469 by townships
    chief_by_id = {c["chief_id"]: c for c in chiefs}
    boards = []

    def board(placed_by, pt, cid, rid=None, reservoir=None, admin_code=None):
        c = chief_by_id[cid]
        boards.append(
            {
                "board_id": f"{COUNTY_CODE}P{len(boards) + 1:03d}",
                "placed_by": placed_by,
                "river_code": code[rid] if rid is not None else None,
                "reservoir_code": reservoir,
                "admin_code": admin_code,
                "chief_name": c["name"],
                "chief_phone": c["phone"],
                "geometry": pt,
            }
        )

    for rid in rids[:N_COUNTY_RIVERS]:
        line = land.lines[rid]
        board(
            "county",
            line.interpolate(line.length * 0.5),
            county_chief[rid],
            rid=rid,
            admin_code=COUNTY_CODE,
        )
    for r in res_plan:
        if r["scale"] == "medium":
            cid = res_chief.get(r["code"]) or next(iter(county_chief.values()))
            board(
                "county",
                r["poly"].exterior.interpolate(0)
                if r["poly"].geom_type == "Polygon"
                else r["poly"].centroid,
                cid,
                reservoir=r["code"],
                admin_code=COUNTY_CODE,
            )
    assigned = sorted(
        reach_chief, key=lambda k: -next(r.length for r in by_t[k[1]] if r.rid == k[0])
    )[:N_TOWNSHIP_BOARDS]
    replaced = set(rng.choice(len(assigned), 6, replace=False).tolist())
    for i, (rid, t) in enumerate(sorted(assigned)):
        r = next(x for x in by_t[t] if x.rid == rid)
        line = land.lines[rid]
        pt = line.interpolate((r.c0 + r.c1) / 2)
        if not land.townships[t].contains(pt):
            part = line.intersection(land.townships[t])
            pt = (
                part.interpolate(0.5, normalized=True)
                if part.geom_type == "LineString"
                else max(part.geoms, key=lambda g: g.length).interpolate(0.5, normalized=True)
            )
        board("township", pt, reach_chief[(rid, t)], rid=rid, admin_code=t_code[t])
        if i in replaced:
            boards[-1]["chief_name"] = names.person()
            boards[-1]["chief_phone"] = phone(9000 + i)
            key.add(
                "signboard_replaced_chief",
                "signboards",
                ref_id=boards[-1]["board_id"],
                river_code=code[rid],
                admin_code=t_code[t],
                detail=f"current chief {reach_chief[(rid, t)]}",
            )
    return {
        "chiefs": pd.DataFrame(chiefs),
        "assignments": pd.DataFrame(assign),
        "signboards": gpd.GeoDataFrame(boards, crs=GK_EPSG),
    }
