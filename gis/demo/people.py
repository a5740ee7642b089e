"""Step 3 of the demo: chiefs, their assignments, signboards, and planted defects.

Every defect planted here is recorded in the answer key by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.demo.context import County
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
                along = line.intersection(edge.buffer(tol))  # within tol: a true distance
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


def build_people(c: County) -> dict[str, pd.DataFrame]:
    """Chiefs, assignments and signboards, with the planted defects."""
    ro = _Roster(c)
    county_chief = _county_chiefs(ro)
    t_reaches, by_t, t_chiefs, reach_chief = _township_chiefs(ro)
    _plant_unassigned(ro, t_reaches, t_chiefs, reach_chief)
    for (rid, t), cid in sorted(reach_chief.items()):
        ro.assignment(cid, "township", c.t_code[t], rid)
    _township_boundaries(ro, t_chiefs, reach_chief)
    res_chief = _reservoir_chiefs(ro, t_chiefs)
    v_pats = _village_patrollers(ro)
    _village_boundaries(ro, v_pats)
    _plant_duplicate(ro)
    boards = _Boards(ro)
    boards.county(county_chief, res_chief)
    boards.township(by_t, reach_chief)
    return {
        "chiefs": pd.DataFrame(ro.chiefs),
        "assignments": pd.DataFrame(ro.assign),
        "signboards": gpd.GeoDataFrame(boards.rows, crs=GK_EPSG),
    }


class _Roster:
    """Chiefs and their assignments, in the order they are appointed."""

    def __init__(self, c: County) -> None:
        self.c = c
        self.chiefs: list[dict] = []
        self.assign: list[dict] = []
        self._phones = iter(range(1, 10000))

    def chief(self, level, post, admin_code) -> str:
        """Appoint a chief; the new chief_id."""
        cid = f"{COUNTY_CODE}C{len(self.chiefs) + 1:04d}"
        self.chiefs.append(
            {
                "chief_id": cid,
                "name": self.c.names.person(),
                "level": level,
                "post": post,
                "phone": phone(next(self._phones)),
                "admin_code": admin_code,
            }
        )
        return cid

    def assignment(
        self, cid, level, admin_code, rid=None, reservoir=None, c0=None, c1=None, shared=None
    ) -> dict:
        """Give a chief a river (or its stretch c0..c1) or a reservoir; the new row."""
        code = self.c.code
        self.assign.append(
            {
                "assignment_id": f"{COUNTY_CODE}A{len(self.assign) + 1:05d}",
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
        return self.assign[-1]


def _county_chiefs(ro: _Roster) -> dict[int, str]:
    """County: 24 leaders, one county river each; river id -> chief_id."""
    posts = list(COUNTY_POSTS) + ["副县长"] * 24
    county_chief = {}
    for i, rid in enumerate(ro.c.rids[:N_COUNTY_RIVERS]):
        county_chief[rid] = ro.chief("county", posts[i], COUNTY_CODE)
        ro.assignment(county_chief[rid], "county", COUNTY_CODE, rid)
    return county_chief


def _township_chiefs(ro: _Roster) -> tuple[list[Reach], dict, dict, dict]:
    """Township level: every river stretch in a township has a township chief.

    Returns the stretches, the stretches by township, the chiefs by township and the chief of each
    (river, township); planted: a chief who has no stretch (his go to a colleague).
    """
    c = ro.c
    t_reaches = unit_reaches(c.land.lines, c.land.townships)
    by_t: dict[int, list] = {}
    for r in t_reaches:
        by_t.setdefault(r.unit, []).append(r)
    n_t = len(c.land.townships)
    counts = np.array([len(by_t.get(t, [])) for t in range(n_t)])
    share = allocate(N_TOWNSHIP_CHIEFS, counts.astype(float), counts, np.minimum(3, counts))
    t_chiefs: dict[int, list[str]] = {}
    reach_chief: dict[tuple[int, int], str] = {}
    for t in range(n_t):
        t_chiefs[t] = [
            ro.chief(
                "township", f"{c.t_name[t]}{TOWNSHIP_POSTS[k % len(TOWNSHIP_POSTS)]}", c.t_code[t]
            )
            for k in range(share[t])
        ]
        for k, r in enumerate(sorted(by_t.get(t, []), key=lambda r: -r.length)):
            cid = t_chiefs[t][k % share[t]]
            reach_chief[(r.rid, t)] = cid
    # planted: a township chief who has no reach (his stretches go to a colleague)
    t_orphan = int(np.argmax(share))
    orphan = t_chiefs[t_orphan][-1]
    for rt, v in list(reach_chief.items()):
        if v == orphan:
            reach_chief[rt] = t_chiefs[t_orphan][0]
    c.key.add(
        "orphan_chief", "chiefs", ref_id=orphan, admin_code=c.t_code[t_orphan], level="township"
    )
    return t_reaches, by_t, t_chiefs, reach_chief


def _plant_unassigned(
    ro: _Roster, t_reaches: list[Reach], t_chiefs: dict, reach_chief: dict
) -> None:
    """Planted: unassigned township reaches, and one stretch given to a chief from another
    township."""
    c = ro.c
    code, t_code, n_t = c.code, c.t_code, len(c.land.townships)
    long_reaches = sorted([r for r in t_reaches if r.length > 800], key=lambda r: (r.rid, r.unit))
    picks = c.rng.choice(len(long_reaches), 5, replace=False)
    for j, p in enumerate(picks):
        r = long_reaches[p]
        if j < 4:
            reach_chief.pop((r.rid, r.unit))
            c.key.add(
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
            c.key.add(
                "outside_jurisdiction",
                "assignments",
                ref_id=t_chiefs[other][0],
                river_code=code[r.rid],
                admin_code=t_code[r.unit],
                level="township",
                detail=f"chief of {t_code[other]}",
            )


def _township_boundaries(ro: _Roster, t_chiefs: dict, reach_chief: dict) -> None:
    """Boundary rivers between townships: agreed shared reaches, except three planted."""
    c = ro.c
    code, t_code = c.code, c.t_code
    stretches = boundary_stretches(c.land.lines, c.land.townships)
    unagreed = (
        set(c.rng.choice(len(stretches), min(3, len(stretches)), replace=False).tolist())
        if stretches
        else set()
    )
    for i, s in enumerate(stretches):
        if i in unagreed:
            c.key.add(
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
        ro.assignment(
            cid, "township", t_code[s["a"]], s["rid"], c0=s["c0"], c1=s["c1"], shared=t_code[s["b"]]
        )
        c.key.add(
            "boundary_agreed",
            "assignments",
            river_code=code[s["rid"]],
            admin_code=t_code[s["a"]],
            level="township",
            detail=f"{t_code[s['a']]}|{t_code[s['b']]}",
            value=s["length"],
        )


def _reservoir_chiefs(ro: _Roster, t_chiefs: dict) -> dict[str, str]:
    """Reservoirs: the township chiefs where the dam stands; two planted without a chief."""
    c = ro.c
    land, t_code = c.land, c.t_code
    no_chief = set(c.rng.choice(len(c.res_plan), 2, replace=False).tolist())
    t_tree = shapely.STRtree(np.array(land.townships, dtype=object))
    res_chief = {}
    for i, r in enumerate(c.res_plan):
        dam = cell_point(land, r["dam_cell"])
        t = int(t_tree.query(dam, predicate="intersects")[0])
        if i in no_chief:
            c.key.add(
                "reservoir_without_chief", "reservoirs", ref_id=r["code"], admin_code=t_code[t]
            )
            continue
        res_chief[r["code"]] = t_chiefs[t][i % len(t_chiefs[t])]
        ro.assignment(res_chief[r["code"]], "township", t_code[t], reservoir=r["code"])
    return res_chief


def _village_patrollers(ro: _Roster) -> list[list[str]]:
    """Village patrollers: every stretch in a village; long stretches shared by chainage.

    Planted: one whole village stretch nobody patrols, and a chainage hole between two
    patrollers' ranges. Returns the patrollers of each village.
    """
    c = ro.c
    v_pieces, vshare = _village_pieces(c)
    hole_done = False
    v_pats: list[list[str]] = []
    for v in range(len(c.land.villages)):
        pats = [
            ro.chief("village", VILLAGE_POSTS[k % len(VILLAGE_POSTS)], c.v_code[v])
            for k in range(vshare[v])
        ]
        v_pats.append(pats)
        for k, (rid, a, b, whole) in enumerate(v_pieces[v]):
            if not hole_done and not whole and b - a > 800:
                hole_done, a = True, _plant_hole(c, v, rid, a, b)
            ro.assignment(
                pats[k % len(pats)],
                "village",
                c.v_code[v],
                rid,
                c0=None if whole else a,
                c1=None if whole else b,
            )
    return v_pats


def _village_pieces(c: County) -> tuple[list[list[tuple]], np.ndarray]:
    """Each village's stretches cut until each patroller has one, ``(rid, c0, c1, whole)``,
    and the number of patrollers per village; one stretch is planted unassigned."""
    v_reaches = unit_reaches(c.land.lines, c.land.villages)
    by_v: dict[int, list] = {}
    for r in v_reaches:
        by_v.setdefault(r.unit, []).append(r)
    n_v = len(c.land.villages)
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
    c.key.add(
        "unassigned_reach",
        "assignments",
        river_code=c.code[drop_r.rid],
        admin_code=c.v_code[drop_v],
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
    return v_pieces, vshare


def _plant_hole(c: County, v: int, rid: int, a: float, b: float) -> float:
    """Planted: a chainage hole at the start of stretch a..b; the new start."""
    gap_end = a + 0.3 * (b - a)
    c.key.add(
        "hole",
        "assignments",
        river_code=c.code[rid],
        admin_code=c.v_code[v],
        level="village",
        detail=f"{a:.1f}-{gap_end:.1f}",
        value=gap_end - a,
    )
    return gap_end


def _village_boundaries(ro: _Roster, v_pats: list[list[str]]) -> None:
    """Boundary streams between villages: every one has an agreed patroller."""
    c = ro.c
    v_code = c.v_code
    for st in boundary_stretches(c.land.lines, c.land.villages):
        own, other = (st["a"], st["b"]) if v_pats[st["a"]] else (st["b"], st["a"])
        ro.assignment(
            v_pats[own][0],
            "village",
            v_code[own],
            st["rid"],
            c0=st["c0"],
            c1=st["c1"],
            shared=v_code[other],
        )
        c.key.add(
            "boundary_agreed",
            "assignments",
            river_code=c.code[st["rid"]],
            admin_code=v_code[own],
            level="village",
            detail=f"{v_code[st['a']]}|{v_code[st['b']]}",
            value=st["length"],
        )


def _plant_duplicate(ro: _Roster) -> None:
    """Planted: the same village stretch given to a second patroller."""
    c, chiefs = ro.c, ro.chiefs
    dup = next(a for a in ro.assign if a["level"] == "village" and a["from_m"] is None)
    other = (
        next(
            ch
            for ch in chiefs
            if ch["level"] == "village"
            and ch["admin_code"] == dup["admin_code"]
            and ch["chief_id"] != dup["chief_id"]
        )
        if sum(ch["admin_code"] == dup["admin_code"] for ch in chiefs) > 1
        else None
    )
    if other is None:
        other = {"chief_id": ro.chief("village", "专职巡河员", dup["admin_code"])}
    d = ro.assignment(
        other["chief_id"],
        "village",
        dup["admin_code"],
        next(r for r in c.rids if c.code[r] == dup["river_code"]),
    )
    c.key.add(
        "duplicate_assignment",
        "assignments",
        ref_id=d["assignment_id"],
        river_code=dup["river_code"],
        admin_code=dup["admin_code"],
        level="village",
        detail=f"{dup['chief_id']}|{other['chief_id']}",
    )


class _Boards:
    """Signboards: 24 county rivers + 9 medium reservoirs (33), and 469 by townships."""

    def __init__(self, ro: _Roster) -> None:
        self.c = ro.c
        self.chief_by_id = {ch["chief_id"]: ch for ch in ro.chiefs}
        self.rows: list[dict] = []

    def board(self, placed_by, pt, cid, rid=None, reservoir=None, admin_code=None) -> None:
        """Put up one board naming chief ``cid``."""
        ch = self.chief_by_id[cid]
        self.rows.append(
            {
                "board_id": f"{COUNTY_CODE}P{len(self.rows) + 1:03d}",
                "placed_by": placed_by,
                "river_code": self.c.code[rid] if rid is not None else None,
                "reservoir_code": reservoir,
                "admin_code": admin_code,
                "chief_name": ch["name"],
                "chief_phone": ch["phone"],
                "geometry": pt,
            }
        )

    def county(self, county_chief: dict, res_chief: dict) -> None:
        """One board mid-river on each county river, one on each medium reservoir."""
        land = self.c.land
        for rid in self.c.rids[:N_COUNTY_RIVERS]:
            line = land.lines[rid]
            self.board(
                "county",
                line.interpolate(line.length * 0.5),
                county_chief[rid],
                rid=rid,
                admin_code=COUNTY_CODE,
            )
        for r in self.c.res_plan:
            if r["scale"] == "medium":
                cid = res_chief.get(r["code"]) or next(iter(county_chief.values()))
                self.board(
                    "county",
                    r["poly"].exterior.interpolate(0)
                    if r["poly"].geom_type == "Polygon"
                    else r["poly"].centroid,
                    cid,
                    reservoir=r["code"],
                    admin_code=COUNTY_CODE,
                )

    def township(self, by_t: dict, reach_chief: dict) -> None:
        """Boards on the longest township stretches; planted: six still show a former chief."""
        c = self.c
        land, code, t_code = c.land, c.code, c.t_code
        assigned = sorted(
            reach_chief, key=lambda k: -next(r.length for r in by_t[k[1]] if r.rid == k[0])
        )[:N_TOWNSHIP_BOARDS]
        replaced = set(c.rng.choice(len(assigned), 6, replace=False).tolist())
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
            self.board("township", pt, reach_chief[(rid, t)], rid=rid, admin_code=t_code[t])
            if i in replaced:
                self.rows[-1]["chief_name"] = c.names.person()
                self.rows[-1]["chief_phone"] = phone(9000 + i)
                c.key.add(
                    "signboard_replaced_chief",
                    "signboards",
                    ref_id=self.rows[-1]["board_id"],
                    river_code=code[rid],
                    admin_code=t_code[t],
                    detail=f"current chief {reach_chief[(rid, t)]}",
                )
