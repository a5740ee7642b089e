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

from gis.demo import waters
from gis.demo.landscape import Landscape, build_landscape, cell_point
from gis.demo.names import NameMaker
from gis.demo.people import build_people
from gis.demo.plan import COUNTY_CODE, COUNTY_NAME, GK_EPSG, N_COUNTY_RIVERS, N_REGISTER, N_SOURCES
from gis.demo.quarries import place_quarries


@dataclass
class Demo:
    land: Landscape
    layers: dict[str, pd.DataFrame]


class _Key:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, kind: str, layer: str, **kw) -> None:
        self.rows.append(
            {"item_id": f"K{len(self.rows) + 1:04d}", "kind": kind, "layer": layer, **kw}
        )


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
        suffix = (
            "江"
            if i < 2
            else "河"
            if i < 40
            else str(rng.choice(["河", "溪", "沟"], p=[0.3, 0.4, 0.3]))
        )
        level = "county" if i < N_COUNTY_RIVERS else "township" if i < N_REGISTER else "village"
        parent = land.rivers[rid].parent
        rows.append(
            {
                "river_code": code[rid],
                "name": names.place(suffix),
                "management_level": level,
                "in_register": i < N_REGISTER,
                "flows_into": code[parent] if parent is not None else None,
                "geometry": land.lines[rid],
            }
        )
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
    admin_rows = [
        {
            "admin_code": COUNTY_CODE,
            "name": COUNTY_NAME,
            "level": "county",
            "parent_code": None,
            "geometry": land.county,
        }
    ]
    admin_rows += [
        {
            "admin_code": t_code[t],
            "name": t_name[t],
            "level": "township",
            "parent_code": COUNTY_CODE,
            "geometry": land.townships[t],
        }
        for t in range(n_t)
    ]
    admin_rows += [
        {
            "admin_code": v_code[v],
            "name": v_name[v],
            "level": "village",
            "parent_code": t_code[land.village_township[v]],
            "geometry": land.villages[v],
        }
        for v in range(len(v_code))
    ]
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
        res_rows.append(
            {
                "reservoir_code": rc,
                "name": r["name"],
                "scale": r["scale"],
                "storage_m3": r["storage_m3"],
                "normal_level_m": r["normal_level_m"],
                "river_code": code[r["rid"]],
                "geometry": r["poly"],
            }
        )
        line = land.lines[r["rid"]]
        dam_pt = line.interpolate(
            line.project(cell_point(land, r["dam_cell"]))
        )  # on the (smoothed) channel
        structures.append(
            {
                "structure_id": f"{COUNTY_CODE}D{i + 1:03d}",
                "kind": "dam",
                "name": r["name"] + "大坝",
                "river_code": code[r["rid"]],
                "geometry": dam_pt,
            }
        )
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
        if (
            not far_enough(pt)
            or any(r["poly"].distance(pt) < 1500 for r in res_plan)
            or not land.county.buffer(-800).contains(pt)
        ):
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
        src_rows.append(
            {
                "source_code": sc,
                "name": f"{t_name[t]}{'县城' if j == 0 else ''}水厂",
                "source_type": "river",
                "population_served": pop,
                "has_official_zone": has_zone,
                "supply_m3_per_day": round(pop * 0.2, -1),
                "river_code": code[rid],
                "reservoir_code": None,
                "geometry": pt,
                "_rid": rid,
                "_c": c,
            }
        )
        structures.append(
            {
                "structure_id": f"{COUNTY_CODE}I{n_src:03d}",
                "kind": "intake",
                "name": f"{t_name[t]}水厂取水口",
                "river_code": code[rid],
                "geometry": pt,
            }
        )
        if has_zone:
            l1, l2 = waters.official_zones("river", line=land.lines[rid], c=c)
            zone_rows += _zone_pair(sc, l1, l2)
    total, zoned = N_SOURCES["reservoir"]
    res_src = [r for r in res_plan if r["scale"] == "medium"] + [
        r for r in res_plan if r["scale"] == "small1"
    ]
    for j, r in enumerate(res_src[:total]):
        n_src += 1
        sc = f"{COUNTY_CODE}S{n_src:03d}"
        dam_pt = cell_point(land, r["dam_cell"])
        pt = (
            r["poly"].exterior.interpolate(r["poly"].exterior.project(dam_pt))
            if r["poly"].geom_type == "Polygon"
            else dam_pt
        )
        pt = shapely.Point(
            np.add(pt.coords[0], np.subtract(r["poly"].centroid.coords[0], pt.coords[0]) * 0.15)
        )
        if not r["poly"].contains(pt):
            pt = r["poly"].representative_point()
        pop = int(rng.integers(2000, 20000))
        has_zone = j < zoned
        src_rows.append(
            {
                "source_code": sc,
                "name": f"{r['name']}供水站",
                "source_type": "reservoir",
                "population_served": pop,
                "has_official_zone": has_zone,
                "supply_m3_per_day": round(pop * 0.2, -1),
                "river_code": None,
                "reservoir_code": r["code"],
                "geometry": pt,
            }
        )
        structures.append(
            {
                "structure_id": f"{COUNTY_CODE}I{n_src:03d}",
                "kind": "intake",
                "name": f"{r['name']}取水口",
                "river_code": code[r["rid"]],
                "geometry": pt,
            }
        )
        used_pts.append(pt)
        if has_zone:
            l1, l2 = waters.official_zones(
                "reservoir", reservoir=r["poly"], point=pt, scale=r["scale"]
            )
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
        src_rows.append(
            {
                "source_code": sc,
                "name": f"{t_name[t]}{wells}号水源井",
                "source_type": "groundwater",
                "population_served": pop,
                "has_official_zone": wells <= zoned,
                "supply_m3_per_day": round(pop * 0.15, -1),
                "river_code": None,
                "reservoir_code": None,
                "geometry": pt,
            }
        )
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
            cls = (
                "extra_large"
                if length > 1000
                else "large"
                if length > 100
                else "medium"
                if length > 30
                else "small"
            )
        structures.append(
            {
                "structure_id": f"{COUNTY_CODE}B{n_b:03d}",
                "kind": "bridge",
                "name": f"{rname[code[rid]]}{'铁路' if rail else ''}{n_b}号桥",
                "river_code": code[rid],
                "bridge_type": "rail" if rail else "road",
                "bridge_class": cls,
                "length_m": round(length, 0),
                "geometry": on_river(rid, c),
            }
        )
        placed_struct.append((rid, c, "bridge"))
    for kind, n, prefix, label in (
        ("sluice", 12, "Z", "水闸"),
        ("gauging_station", 4, "H", "水文站"),
        ("ferry", 6, "F", "渡口"),
    ):
        for k in range(n):
            rid = rids[int(rng.integers(0, 6 if kind != "sluice" else N_COUNTY_RIVERS))]
            c = float(rng.uniform(500, land.lines[rid].length - 500))
            structures.append(
                {
                    "structure_id": f"{COUNTY_CODE}{prefix}{k + 1:03d}",
                    "kind": kind,
                    "name": f"{rname[code[rid]]}{label}"
                    + (f"{k + 1}" if kind != "gauging_station" else ""),
                    "river_code": code[rid],
                    "geometry": on_river(rid, c),
                }
            )
            placed_struct.append((rid, c, kind))

    # --- quarries, mining zones, management ranges -------------------------------------
    quarries, mining = place_quarries(
        land, rng, rids, rank, code, rname, structures, sources, res_plan, zones_union, key
    )
    L["structures"] = gpd.GeoDataFrame(structures, crs=GK_EPSG)
    L["quarries"] = gpd.GeoDataFrame(quarries, crs=GK_EPSG)
    L["mining_zones"] = gpd.GeoDataFrame(mining, crs=GK_EPSG)
    L["management_ranges"] = gpd.GeoDataFrame(
        [
            {
                "range_id": f"{COUNTY_CODE}G{i + 1:03d}",
                "river_code": code[rid],
                "source": "示范县河道管理范围划界成果(虚构)",
                "geometry": land.lines[rid].buffer(40 + 60 * (rank[rid] < 6), cap_style="flat"),
            }
            for i, rid in enumerate(rids[:N_COUNTY_RIVERS])
        ],
        crs=GK_EPSG,
    )

    # --- people -----------------------------------------------------------------------
    L.update(
        build_people(
            land,
            rng,
            names,
            key,
            rids,
            code,
            rname,
            t_code,
            t_name,
            v_code,
            res_plan,
            county_rivers,
        )
    )
    L["answer_key"] = pd.DataFrame(key.rows)
    return Demo(land, L)


def _zone_pair(sc, l1, l2):
    return [
        {
            "zone_id": f"{sc}-L1",
            "source_code": sc,
            "level": "level1",
            "origin": "official",
            "rule": "county approval (demo)",
            "notes": None,
            "geometry": l1,
        },
        {
            "zone_id": f"{sc}-L2",
            "source_code": sc,
            "level": "level2",
            "origin": "official",
            "rule": "county approval (demo)",
            "notes": None,
            "geometry": l2,
        },
    ]
