"""Assemble the demo county (示范县) and its answer key, in the GK zone (metres).

The result is a dict of frames keyed by catalogue layer name, in EPSG:4544, plus the
DEM. :mod:`gis.demo.export` writes it to a GeoPackage in EPSG:4490.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point
from shapely.ops import substring

from gis import rules
from gis.demo import people, waters
from gis.demo.landscape import Landscape, build_landscape
from gis.demo.names import COUNTY_POSTS, TOWNSHIP_POSTS, VILLAGE_POSTS, NameMaker, phone

GK_EPSG = 4544
COUNTY_CODE, COUNTY_NAME = "512099", "示范县"
N_REGISTER, N_COUNTY_RIVERS = 71, 24
N_TOWNSHIP_CHIEFS, N_PATROLLERS = 329, 1784
N_SOURCES = {"river": (28, 21), "reservoir": (26, 20), "groundwater": (18, 12)}  # (total, with zone)
N_TOWNSHIP_BOARDS = 469
AS_OF = "2026-10-01"


@dataclass
class Demo:
    land: Landscape
    layers: dict[str, pd.DataFrame]


class _Key:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, kind: str, layer: str, **kw) -> None:
        self.rows.append({"item_id": f"K{len(self.rows) + 1:04d}", "kind": kind, "layer": layer, **kw})


def build(seed: int = 2024) -> Demo:
    rng = np.random.default_rng(seed)
    land = build_landscape(rng)
    names = NameMaker(rng)
    key = _Key()
    L: dict[str, pd.DataFrame] = {}

    # --- rivers ---------------------------------------------------------------------
    rids = sorted(land.lines, key=lambda r: -land.lines[r].length)
    code = {rid: f"{COUNTY_CODE}R{i + 1:03d}" for i, rid in enumerate(rids)}
    rank = {rid: i for i, rid in enumerate(rids)}
    county_rivers = set(rids[:N_COUNTY_RIVERS])
    rows = []
    for rid in rids:
        i = rank[rid]
        suffix = "江" if i < 2 else "河" if i < 40 else str(rng.choice(["河", "溪", "沟"], p=[0.3, 0.4, 0.3]))
        level = "county" if i < N_COUNTY_RIVERS else "township" if i < N_REGISTER else "village"
        parent = land.rivers[rid].parent
        rows.append({"river_code": code[rid], "name": names.place(suffix), "management_level": level,
                     "in_register": i < N_REGISTER, "flows_into": code[parent] if parent is not None else None,
                     "geometry": land.lines[rid]})
    rivers = gpd.GeoDataFrame(rows, crs=GK_EPSG)
    L["rivers"] = rivers
    rname = dict(zip(rivers.river_code, rivers.name, strict=True))

    # --- admin units --------------------------------------------------------------
    n_t = len(land.townships)
    t_is_town = rng.permutation(n_t) < 40
    t_code, t_name, v_code, v_name = [], [], [], []
    towns = iter(range(100, 200))
    xiang = iter(range(200, 300))
    for t in range(n_t):
        t_code.append(f"{COUNTY_CODE}{next(towns) if t_is_town[t] else next(xiang):03d}")
        t_name.append(names.place("镇" if t_is_town[t] else "乡"))
    per_t: dict[int, int] = {}
    for t in land.village_township:
        per_t[t] = per_t.get(t, 0) + 1
        v_code.append(f"{t_code[t]}{200 + per_t[t]:03d}")
        v_name.append(names.place("村"))
    admin_rows = [{"admin_code": COUNTY_CODE, "name": COUNTY_NAME, "level": "county", "parent_code": None, "geometry": land.county}]
    admin_rows += [{"admin_code": t_code[t], "name": t_name[t], "level": "township", "parent_code": COUNTY_CODE,
                    "geometry": land.townships[t]} for t in range(n_t)]
    admin_rows += [{"admin_code": v_code[v], "name": v_name[v], "level": "village",
                    "parent_code": t_code[land.village_township[v]], "geometry": land.villages[v]} for v in range(len(v_code))]
    L["admin_units"] = gpd.GeoDataFrame(admin_rows, crs=GK_EPSG)
    t_tree = shapely.STRtree(np.array(land.townships, dtype=object))

    def township_of(pt) -> int:
        hits = t_tree.query(pt, predicate="intersects")
        return int(hits[0]) if len(hits) else int(t_tree.nearest(pt))

    # --- reservoirs and dams ------------------------------------------------------------
    res_plan = waters.place_reservoirs(land, rng, county_rivers)
    res_rows, structures = [], []
    for i, r in enumerate(res_plan):
        rc = f"{COUNTY_CODE}K{i + 1:03d}"
        r["code"] = rc
        r["poly"] = waters.cells_polygon(land, r["cells"])
        r["name"] = names.place("水库")
        res_rows.append({"reservoir_code": rc, "name": r["name"], "scale": r["scale"], "storage_m3": r["storage_m3"],
                         "normal_level_m": r["normal_level_m"], "river_code": code[r["rid"]], "geometry": r["poly"]})
        line = land.lines[r["rid"]]
        dam_pt = line.interpolate(line.project(_cell_point(land, r["dam_cell"])))  # on the (smoothed) channel
        structures.append({"structure_id": f"{COUNTY_CODE}D{i + 1:03d}", "kind": "dam", "name": r["name"] + "大坝",
                           "river_code": code[r["rid"]], "geometry": dam_pt})
    L["reservoirs"] = gpd.GeoDataFrame(res_rows, crs=GK_EPSG)

    # --- drinking-water sources and official zones ----------------------------------
    src_rows, zone_rows = [], []
    used_pts: list[Point] = []
    n_src = 0

    def far_enough(pt, d=2500.0):
        return all(pt.distance(p) >= d for p in used_pts)

    # river intakes on county and township rivers, away from reservoirs and each other
    big = [rid for rid in rids[:N_REGISTER]]
    total, zoned = N_SOURCES["river"]
    tries = 0
    river_src = []
    while len(river_src) < total:
        tries += 1
        rid = big[int(rng.integers(len(big)))]
        line = land.lines[rid]
        if line.length < 4000:
            continue
        c = float(rng.uniform(3200, line.length - 400)) if line.length > 3700 else line.length / 2
        pt = line.interpolate(c)
        if not far_enough(pt) or any(r["poly"].distance(pt) < 1500 for r in res_plan) or not land.county.buffer(-800).contains(pt):
            if tries > 20000:
                raise RuntimeError("cannot place river intakes")
            continue
        used_pts.append(pt)
        river_src.append((rid, c, pt))
    for j, (rid, c, pt) in enumerate(river_src):
        n_src += 1
        sc = f"{COUNTY_CODE}S{n_src:03d}"
        t = township_of(pt)
        pop = 65000 if j == 0 else int(rng.integers(3000, 30000))
        has_zone = j < zoned
        src_rows.append({"source_code": sc, "name": f"{t_name[t]}{'县城' if j == 0 else ''}水厂", "source_type": "river",
                         "population_served": pop, "has_official_zone": has_zone, "supply_m3_per_day": round(pop * 0.2, -1),
                         "river_code": code[rid], "reservoir_code": None, "geometry": pt, "_rid": rid, "_c": c})
        structures.append({"structure_id": f"{COUNTY_CODE}I{n_src:03d}", "kind": "intake", "name": f"{t_name[t]}水厂取水口",
                           "river_code": code[rid], "geometry": pt})
        if has_zone:
            l1, l2 = waters.official_zones("river", line=land.lines[rid], c=c)
            zone_rows += _zone_pair(sc, l1, l2)
    total, zoned = N_SOURCES["reservoir"]
    res_src = [r for r in res_plan if r["scale"] == "medium"] + [r for r in res_plan if r["scale"] == "small1"]
    for j, r in enumerate(res_src[:total]):
        n_src += 1
        sc = f"{COUNTY_CODE}S{n_src:03d}"
        dam_pt = _cell_point(land, r["dam_cell"])
        pt = r["poly"].exterior.interpolate(r["poly"].exterior.project(dam_pt)) if r["poly"].geom_type == "Polygon" else dam_pt
        pt = shapely.Point(np.add(pt.coords[0], np.subtract(r["poly"].centroid.coords[0], pt.coords[0]) * 0.15))
        if not r["poly"].contains(pt):
            pt = r["poly"].representative_point()
        pop = int(rng.integers(2000, 20000))
        has_zone = j < zoned
        src_rows.append({"source_code": sc, "name": f"{r['name']}供水站", "source_type": "reservoir", "population_served": pop,
                         "has_official_zone": has_zone, "supply_m3_per_day": round(pop * 0.2, -1), "river_code": None,
                         "reservoir_code": r["code"], "geometry": pt})
        structures.append({"structure_id": f"{COUNTY_CODE}I{n_src:03d}", "kind": "intake", "name": f"{r['name']}取水口",
                           "river_code": code[r["rid"]], "geometry": pt})
        used_pts.append(pt)
        if has_zone:
            l1, l2 = waters.official_zones("reservoir", reservoir=r["poly"], point=pt, scale=r["scale"])
            zone_rows += _zone_pair(sc, l1, l2)
    total, zoned = N_SOURCES["groundwater"]
    all_rivers = shapely.union_all(np.array(list(land.lines.values()), dtype=object))
    inner = land.county.buffer(-1000)
    x0, y0, x1, y1 = inner.bounds
    wells = 0
    while wells < total:
        pt = Point(rng.uniform(x0, x1), rng.uniform(y0, y1))
        if not inner.contains(pt) or pt.distance(all_rivers) < 400 or not far_enough(pt, 2000):
            continue
        if any(r["poly"].distance(pt) < 1500 for r in res_plan):
            continue
        used_pts.append(pt)
        wells += 1
        n_src += 1
        sc = f"{COUNTY_CODE}S{n_src:03d}"
        t = township_of(pt)
        pop = int(rng.integers(1000, 3500))
        src_rows.append({"source_code": sc, "name": f"{t_name[t]}{wells}号水源井", "source_type": "groundwater",
                         "population_served": pop, "has_official_zone": wells <= zoned, "supply_m3_per_day": round(pop * 0.15, -1),
                         "river_code": None, "reservoir_code": None, "geometry": pt})
        if wells <= zoned:
            l1, l2 = waters.official_zones("groundwater", point=pt)
            zone_rows += _zone_pair(sc, l1, l2)
    sources = gpd.GeoDataFrame(src_rows, crs=GK_EPSG)
    L["water_sources"] = sources.drop(columns=["_rid", "_c"])
    L["protection_zones"] = gpd.GeoDataFrame(zone_rows, crs=GK_EPSG)
    zones_union = shapely.union_all(np.array(L["protection_zones"].geometry, dtype=object))

    # --- bridges, sluices, gauging stations, ferries -----------------------------------
    def on_river(rid, c):
        return land.lines[rid].interpolate(c)

    placed_struct: list[tuple[int, float, str]] = []  # (rid, chainage, kind)
    for i in range(45):
        n_b = i + 1
        rid = rids[int(rng.integers(0, 40 if i < 30 else N_REGISTER))]
        line = land.lines[rid]
        c = float(rng.uniform(200, line.length - 200))
        rail = i % 9 == 4
        length = float(rng.uniform(40, 120) if rank[rid] > 10 else rng.uniform(120, 900))
        if rail:
            cls = None
        else:
            cls = "extra_large" if length > 1000 else "large" if length > 100 else "medium" if length > 30 else "small"
        structures.append({"structure_id": f"{COUNTY_CODE}B{n_b:03d}", "kind": "bridge",
                           "name": f"{rname[code[rid]]}{'铁路' if rail else ''}{n_b}号桥", "river_code": code[rid],
                           "bridge_type": "rail" if rail else "road", "bridge_class": cls, "length_m": round(length, 0),
                           "geometry": on_river(rid, c)})
        placed_struct.append((rid, c, "bridge"))
    for kind, n, prefix, label in (("sluice", 12, "Z", "水闸"), ("gauging_station", 4, "H", "水文站"), ("ferry", 6, "F", "渡口")):
        for k in range(n):
            rid = rids[int(rng.integers(0, 6 if kind != "sluice" else N_COUNTY_RIVERS))]
            c = float(rng.uniform(500, land.lines[rid].length - 500))
            structures.append({"structure_id": f"{COUNTY_CODE}{prefix}{k + 1:03d}", "kind": kind,
                               "name": f"{rname[code[rid]]}{label}" + (f"{k + 1}" if kind != "gauging_station" else ""),
                               "river_code": code[rid], "geometry": on_river(rid, c)})
            placed_struct.append((rid, c, kind))

    # --- quarries, mining zones, management ranges -------------------------------------
    quarries, mining = _quarries(land, rng, rids, rank, code, rname, structures, sources, res_plan, zones_union, key)
    L["structures"] = gpd.GeoDataFrame(structures, crs=GK_EPSG)
    L["quarries"] = gpd.GeoDataFrame(quarries, crs=GK_EPSG)
    L["mining_zones"] = gpd.GeoDataFrame(mining, crs=GK_EPSG)
    L["management_ranges"] = gpd.GeoDataFrame(
        [{"range_id": f"{COUNTY_CODE}G{i + 1:03d}", "river_code": code[rid], "source": "示范县河道管理范围划界成果(虚构)",
          "geometry": land.lines[rid].buffer(40 + 60 * (rank[rid] < 6), cap_style="flat")} for i, rid in enumerate(rids[:N_COUNTY_RIVERS])],
        crs=GK_EPSG)

    # --- people -----------------------------------------------------------------------
    L.update(_people(land, rng, names, key, rids, code, rname, t_code, t_name, v_code, res_plan, county_rivers))
    L["answer_key"] = pd.DataFrame(key.rows)
    return Demo(land, L)


def _zone_pair(sc, l1, l2):
    return [{"zone_id": f"{sc}-L1", "source_code": sc, "level": "level1", "origin": "official",
             "rule": "county approval (demo)", "notes": None, "geometry": l1},
            {"zone_id": f"{sc}-L2", "source_code": sc, "level": "level2", "origin": "official",
             "rule": "county approval (demo)", "notes": None, "geometry": l2}]


def _cell_point(land: Landscape, cell: int) -> Point:
    r, c = np.unravel_index(cell, land.mask.shape)
    x, y = land.grid.center(r, c)
    return Point(float(x), float(y))


def _flow_offset(land, a: tuple[int, float], b: tuple[int, float]) -> float | None:
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


def _quarries(land, rng, rids, rank, code, rname, structures, sources, res_plan, zones_union, key):
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
            off = _flow_offset(land, at, (rid, c))
            if off is not None and -up - margin <= off <= down + margin:
                return False
        return True

    def bank(rid, c, side=1.0):
        """A point 15 m off the centreline: quarries work the bank or a bar, not the thalweg."""
        line = land.lines[rid]
        p0, p1 = line.interpolate(max(c - 5, 0)), line.interpolate(min(c + 5, line.length))
        dx, dy = p1.x - p0.x, p1.y - p0.y
        n = np.hypot(dx, dy) or 1.0
        return Point(line.interpolate(c).x - side * 15 * dy / n, line.interpolate(c).y + side * 15 * dx / n)

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
        row = {"quarry_id": qid, "name": f"{rname[code[rid]]}{len(rows) + 1}号砂场", "river_code": code[rid],
               "permit_no": None, "permit_valid_from": None, "permit_valid_to": None, "closure_date": None,
               "has_weighbridge": False, "has_video": False, "status": "operating", "geometry": pt, "_rid": rid, "_c": c}
        row.update(kw)
        rows.append(row)
        return row

    def licensed(i):
        return {"permit_no": f"川(示范)采砂许字(2025)第{i:03d}号", "permit_valid_from": "2025-03-01",
                "permit_valid_to": "2027-02-28", "has_weighbridge": True, "has_video": True}

    def zone(kind, rid, c0, c1, season=True):
        line = land.lines[rid]
        a, b = max(0.0, c0), min(line.length, c1)
        mining.append({"zone_id": f"{COUNTY_CODE}M{len(mining) + 1:03d}", "kind": kind, "river_code": code[rid],
                       "from_m": round(a, 0), "to_m": round(b, 0),
                       "closed_season_start": "06-01" if season else None, "closed_season_end": "09-30" if season else None,
                       "geometry": substring(line, a, b).buffer(80, cap_style="flat")})

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
            if clean(pt, rid, c, except_id=s["structure_id"]) and all(pt.distance(q["geometry"]) > 1500 for q in rows):
                q = add(rid, c, pt, **licensed(len(rows) + 1))
                zone("permitted", rid, c - 400, c + 400)
                key.add("quarry_violation", "quarries", ref_id=q["quarry_id"], river_code=code[rid],
                        detail=f"{rule}:{s['structure_id']}", value=abs(offset))
                return
        raise RuntimeError(f"cannot plant a quarry near a {kind}")

    near_structure("bridge", 400.0, "bridge_downstream", lambda s: s["bridge_type"] == "road" and s["bridge_class"] in ("medium", "small"))
    near_structure("dam", 1200.0, "dam_downstream")
    near_structure("intake", -600.0, "intake_upstream",
                   lambda s: s["structure_id"][-3:] in {r["source_code"][-3:] for _, r in sources.iterrows() if r["source_type"] == "river" and not r["has_official_zone"]})
    near_structure("gauging_station", 1500.0, "gauging_station_downstream")
    near_structure("ferry", -150.0, "ferry_upstream")
    # inside a prohibited mining zone
    rid, c, pt = clean_spot(county_pool)
    q = add(rid, c, pt, **licensed(len(rows) + 1))
    zone("prohibited", rid, c - 500, c + 500, season=False)
    key.add("quarry_violation", "quarries", ref_id=q["quarry_id"], river_code=code[rid], detail="prohibited_mining_zone", value=0.0)
    # inside a level-2 protection zone: 2 km upstream of a zoned river intake
    for _, s in sources[(sources.source_type == "river") & sources.has_official_zone].iterrows():
        rid, c = s["_rid"], s["_c"] - 2000
        pt = bank(rid, c)
        if c > 300 and clean(pt, rid, c, zones=False) and all(pt.distance(qq["geometry"]) > 1500 for qq in rows):
            q = add(rid, c, pt, **licensed(len(rows) + 1))
            zone("permitted", rid, c - 300, c + 300)
            key.add("quarry_violation", "quarries", ref_id=q["quarry_id"], river_code=code[rid],
                    detail=f"protection_zone:{s['source_code']}-L2", value=0.0)
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
            key.add("quarry_violation", "quarries", ref_id=q["quarry_id"], river_code=code[rid], detail="missing_weighbridge")
        if k in (2, 3):
            q["has_video"] = False
            key.add("quarry_violation", "quarries", ref_id=q["quarry_id"], river_code=code[rid], detail="missing_video")
    # two unlicensed pits inside a county river's management range (the seed's two filed cases)
    for _ in range(2):
        rid, c, pt = clean_spot(county_pool)
        q = add(rid, c, pt, status="unlicensed")
        key.add("quarry_violation", "quarries", ref_id=q["quarry_id"], river_code=code[rid], detail="management_range_no_permit")
    # five closed by order; one still reports operating
    for k in range(5):
        rid, c, pt = clean_spot(township_pool)
        q = add(rid, c, pt, permit_no=f"川(示范)采砂许字(2021)第{k + 1:03d}号", permit_valid_from="2021-03-01",
                permit_valid_to="2024-02-29", closure_date="2024-06-30", status="operating" if k == 0 else "closed")
        if k == 0:
            key.add("quarry_violation", "quarries", ref_id=q["quarry_id"], river_code=code[rid], detail="closed_still_operating")
    # a few reserved and prohibited stretches elsewhere in the sand plan
    for kind in ("reserved", "reserved", "prohibited"):
        rid, c, _ = clean_spot(county_pool)
        zone(kind, rid, c - 600, c + 600, season=False)
    for q in rows:
        q.pop("_rid"), q.pop("_c")
    return rows, mining


def _people(land, rng, names, key, rids, code, rname, t_code, t_name, v_code, res_plan, county_rivers):
    """Chiefs, assignments and signboards, with the planted defects."""
    chiefs, assign = [], []
    n_phone = iter(range(1, 10000))

    def chief(level, post, admin_code):
        cid = f"{COUNTY_CODE}C{len(chiefs) + 1:04d}"
        chiefs.append({"chief_id": cid, "name": names.person(), "level": level, "post": post,
                       "phone": phone(next(n_phone)), "admin_code": admin_code})
        return cid

    def assignment(cid, level, admin_code, rid=None, reservoir=None, c0=None, c1=None, shared=None):
        assign.append({"assignment_id": f"{COUNTY_CODE}A{len(assign) + 1:05d}", "chief_id": cid, "level": level,
                       "target_type": "reservoir" if reservoir else "river", "river_code": code[rid] if rid is not None else None,
                       "reservoir_code": reservoir, "admin_code": admin_code, "shared_admin_code": shared,
                       "from_m": None if c0 is None else round(c0, 1), "to_m": None if c1 is None else round(c1, 1)})
        return assign[-1]

    # county: 24 leaders, one county river each
    posts = list(COUNTY_POSTS) + ["副县长"] * 24
    county_chief = {}
    for i, rid in enumerate(rids[:N_COUNTY_RIVERS]):
        county_chief[rid] = chief("county", posts[i], COUNTY_CODE)
        assignment(county_chief[rid], "county", COUNTY_CODE, rid)

    # township level: every river stretch in a township has a township chief
    t_reaches = people.unit_reaches(land.lines, land.townships)
    by_t: dict[int, list] = {}
    for r in t_reaches:
        by_t.setdefault(r.unit, []).append(r)
    n_t = len(land.townships)
    counts = np.array([len(by_t.get(t, [])) for t in range(n_t)])
    share = people.allocate(N_TOWNSHIP_CHIEFS, counts.astype(float), counts, np.minimum(3, counts))
    t_chiefs: dict[int, list[str]] = {}
    reach_chief: dict[tuple[int, int], str] = {}
    for t in range(n_t):
        t_chiefs[t] = [chief("township", f"{t_name[t]}{TOWNSHIP_POSTS[k % len(TOWNSHIP_POSTS)]}", t_code[t]) for k in range(share[t])]
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
            key.add("unassigned_reach", "assignments", river_code=code[r.rid], admin_code=t_code[r.unit], level="township", value=r.length)
        else:
            other = (r.unit + 1) % n_t
            reach_chief[(r.rid, r.unit)] = t_chiefs[other][0]
            key.add("outside_jurisdiction", "assignments", ref_id=t_chiefs[other][0], river_code=code[r.rid],
                    admin_code=t_code[r.unit], level="township", detail=f"chief of {t_code[other]}")
    for (rid, t), cid in sorted(reach_chief.items()):
        assignment(cid, "township", t_code[t], rid)

    # boundary rivers between townships: agreed shared reaches, except three planted
    stretches = people.boundary_stretches(land.lines, land.townships)
    unagreed = set(rng.choice(len(stretches), min(3, len(stretches)), replace=False).tolist()) if stretches else set()
    for i, s in enumerate(stretches):
        if i in unagreed:
            key.add("boundary_unagreed", "assignments", river_code=code[s["rid"]], admin_code=t_code[s["a"]], level="township",
                    detail=f"{t_code[s['a']]}|{t_code[s['b']]}", value=s["length"])
            continue
        cid = reach_chief.get((s["rid"], s["a"])) or t_chiefs[s["a"]][0]
        assignment(cid, "township", t_code[s["a"]], s["rid"], c0=s["c0"], c1=s["c1"], shared=t_code[s["b"]])
        key.add("boundary_agreed", "assignments", river_code=code[s["rid"]], admin_code=t_code[s["a"]], level="township",
                detail=f"{t_code[s['a']]}|{t_code[s['b']]}", value=s["length"])

    # reservoirs: the township chiefs where the dam stands; two planted without a chief
    no_chief = set(rng.choice(len(res_plan), 2, replace=False).tolist())
    t_tree = shapely.STRtree(np.array(land.townships, dtype=object))
    res_chief = {}
    for i, r in enumerate(res_plan):
        dam = _cell_point(land, r["dam_cell"])
        t = int(t_tree.query(dam, predicate="intersects")[0])
        if i in no_chief:
            key.add("reservoir_without_chief", "reservoirs", ref_id=r["code"], admin_code=t_code[t])
            continue
        res_chief[r["code"]] = t_chiefs[t][i % len(t_chiefs[t])]
        assignment(res_chief[r["code"]], "township", t_code[t], reservoir=r["code"])

    # village patrollers: every stretch in a village; long stretches shared by chainage
    v_reaches = people.unit_reaches(land.lines, land.villages)
    by_v: dict[int, list] = {}
    for r in v_reaches:
        by_v.setdefault(r.unit, []).append(r)
    n_v = len(land.villages)
    vcounts = np.array([len(by_v.get(v, [])) for v in range(n_v)], dtype=float)
    vshare = people.allocate(N_PATROLLERS, np.maximum(vcounts, 0.5), np.where(vcounts > 0, 12, 1), np.where(vcounts > 0, 1, 1))
    # planted: one whole village stretch that nobody patrols
    drop_v = next(v for v in range(n_v) if len(by_v.get(v, [])) >= 2 and max(r.length for r in by_v[v]) > 600)
    drop_r = max(by_v[drop_v], key=lambda r: r.length)
    key.add("unassigned_reach", "assignments", river_code=code[drop_r.rid], admin_code=v_code[drop_v], level="village", value=drop_r.length)
    v_pieces = []  # per village: (rid, c0, c1, whole)
    for v in range(n_v):
        pieces = [(r.rid, r.c0, r.c1, True) for r in sorted(by_v.get(v, []), key=lambda r: -r.length) if r is not drop_r]
        while pieces and len(pieces) < vshare[v]:
            pieces.sort(key=lambda p: -(p[2] - p[1]))
            rid, a, b, _ = pieces.pop(0)
            mid = (a + b) / 2
            pieces += [(rid, a, mid, False), (rid, mid, b, False)]
        v_pieces.append(pieces)
    hole_done = False
    for v in range(n_v):
        pats = [chief("village", VILLAGE_POSTS[k % len(VILLAGE_POSTS)], v_code[v]) for k in range(vshare[v])]
        for k, (rid, a, b, whole) in enumerate(v_pieces[v]):
            if not hole_done and not whole and b - a > 800:
                # planted: a chainage hole between two patrollers' ranges
                hole_done, gap_end = True, a + 0.3 * (b - a)
                key.add("hole", "assignments", river_code=code[rid], admin_code=v_code[v], level="village",
                        detail=f"{a:.1f}-{gap_end:.1f}", value=gap_end - a)
                a = gap_end
            assignment(pats[k % len(pats)], "village", v_code[v], rid, c0=None if whole else a, c1=None if whole else b)
    # planted: the same village stretch given to a second patroller
    dup = next(a for a in assign if a["level"] == "village" and a["from_m"] is None)
    other = next(c for c in chiefs if c["level"] == "village" and c["admin_code"] == dup["admin_code"] and c["chief_id"] != dup["chief_id"]) \
        if sum(c["admin_code"] == dup["admin_code"] for c in chiefs) > 1 else None
    if other is None:
        other = {"chief_id": chief("village", "专职巡河员", dup["admin_code"])}
    d = assignment(other["chief_id"], "village", dup["admin_code"], next(r for r in rids if code[r] == dup["river_code"]))
    key.add("duplicate_assignment", "assignments", ref_id=d["assignment_id"], river_code=dup["river_code"],
            admin_code=dup["admin_code"], level="village", detail=f"{dup['chief_id']}|{other['chief_id']}")

    # signboards: 24 county rivers + 9 medium reservoirs (33), and 469 by townships
    chief_by_id = {c["chief_id"]: c for c in chiefs}
    boards = []

    def board(placed_by, pt, cid, rid=None, reservoir=None, admin_code=None):
        c = chief_by_id[cid]
        boards.append({"board_id": f"{COUNTY_CODE}P{len(boards) + 1:03d}", "placed_by": placed_by,
                       "river_code": code[rid] if rid is not None else None, "reservoir_code": reservoir,
                       "admin_code": admin_code, "chief_name": c["name"], "chief_phone": c["phone"], "geometry": pt})

    for rid in rids[:N_COUNTY_RIVERS]:
        line = land.lines[rid]
        board("county", line.interpolate(line.length * 0.5), county_chief[rid], rid=rid, admin_code=COUNTY_CODE)
    for r in res_plan:
        if r["scale"] == "medium":
            cid = res_chief.get(r["code"]) or next(iter(county_chief.values()))
            board("county", r["poly"].exterior.interpolate(0) if r["poly"].geom_type == "Polygon" else r["poly"].centroid,
                  cid, reservoir=r["code"], admin_code=COUNTY_CODE)
    assigned = sorted(reach_chief, key=lambda k: -next(r.length for r in by_t[k[1]] if r.rid == k[0]))[:N_TOWNSHIP_BOARDS]
    replaced = set(rng.choice(len(assigned), 6, replace=False).tolist())
    for i, (rid, t) in enumerate(sorted(assigned)):
        r = next(x for x in by_t[t] if x.rid == rid)
        line = land.lines[rid]
        pt = line.interpolate((r.c0 + r.c1) / 2)
        if not land.townships[t].contains(pt):
            part = line.intersection(land.townships[t])
            pt = part.interpolate(0.5, normalized=True) if part.geom_type == "LineString" else max(part.geoms, key=lambda g: g.length).interpolate(0.5, normalized=True)
        board("township", pt, reach_chief[(rid, t)], rid=rid, admin_code=t_code[t])
        if i in replaced:
            boards[-1]["chief_name"] = names.person()
            boards[-1]["chief_phone"] = phone(9000 + i)
            key.add("signboard_replaced_chief", "signboards", ref_id=boards[-1]["board_id"], river_code=code[rid],
                    admin_code=t_code[t], detail=f"current chief {reach_chief[(rid, t)]}")
    return {"chiefs": pd.DataFrame(chiefs), "assignments": pd.DataFrame(assign),
            "signboards": gpd.GeoDataFrame(boards, crs=GK_EPSG)}
