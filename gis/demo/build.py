"""Assemble the demo county (示范县) and its answer key, in the GK zone (metres).

The result is a dict of frames keyed by catalogue layer name, in EPSG:4544, plus the
DEM. :mod:`gis.demo.export` writes it to a GeoPackage in EPSG:4490.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from gis.demo import waters
from gis.demo.appeals import build_appeals
from gis.demo.context import AnswerKey, County, as_stored
from gis.demo.events import build_events
from gis.demo.landscape import Landscape, build_landscape, cell_point
from gis.demo.names import NameMaker
from gis.demo.people import build_people
from gis.demo.plan import COUNTY_CODE, COUNTY_NAME, GK_EPSG, N_COUNTY_RIVERS, N_REGISTER, N_SOURCES
from gis.demo.plans import build_plans
from gis.demo.quarries import place_quarries
from gis.demo.sections import build_sections


@dataclass
class Demo:
    land: Landscape
    layers: dict[str, pd.DataFrame]


def build(seed: int = 2024) -> Demo:
    rng = np.random.default_rng(seed)
    land = build_landscape(rng)
    names = NameMaker(rng)
    rids = sorted(land.lines, key=lambda r: -land.lines[r].length)
    c = County(
        land,
        rng,
        names,
        AnswerKey(),
        rids,
        code={rid: f"{COUNTY_CODE}R{i + 1:03d}" for i, rid in enumerate(rids)},
        rank={rid: i for i, rid in enumerate(rids)},
        county_rivers=set(rids[:N_COUNTY_RIVERS]),
    )
    L: dict[str, pd.DataFrame] = {}
    L["rivers"] = _rivers(c)
    L["admin_units"] = _admin_units(c)
    township_of = _township_finder(land)
    structures: list[dict] = []
    L["reservoirs"] = _reservoirs(c, structures)
    sources = _Sources()
    _river_intakes(c, sources, structures, township_of)
    _reservoir_sources(c, sources, structures)
    _wells(c, sources, township_of)
    water_sources = gpd.GeoDataFrame(sources.rows, crs=GK_EPSG)
    L["water_sources"] = water_sources.drop(columns=["_rid", "_c"])
    L["protection_zones"] = gpd.GeoDataFrame(sources.zones, crs=GK_EPSG)
    zones_union = shapely.union_all(np.array(L["protection_zones"].geometry, dtype=object))
    _bridges(c, structures)
    _river_works(c, structures)
    quarries, mining = place_quarries(c, structures, water_sources, zones_union)
    L["structures"] = gpd.GeoDataFrame(structures, crs=GK_EPSG)
    L["quarries"] = gpd.GeoDataFrame(quarries, crs=GK_EPSG)
    L["mining_zones"] = gpd.GeoDataFrame(mining, crs=GK_EPSG)
    L["management_ranges"] = _management_ranges(c)
    L.update(build_people(c))
    L["plan_items"] = build_plans(L["rivers"], L["chiefs"], L["assignments"], c.key, seed)
    L["monitoring_sections"], L["section_measurements"] = build_sections(
        L["rivers"], L["admin_units"], c.key, seed=seed
    )
    L["events"], L["event_steps"] = build_events(L, c.key, seed=seed)
    L["appeals"] = build_appeals(L["chiefs"], L["assignments"], c.key, seed=seed)
    _measure_unassigned(L, c.key)
    L["answer_key"] = pd.DataFrame(c.key.rows)
    return Demo(land, L)


def _measure_unassigned(L: dict[str, pd.DataFrame], key: AnswerKey) -> None:
    """The metres each planted unassigned reach has in the finished data. A planted reach is
    the river's whole stretch in the unit; a 界河 band along the unit's edge, or a chief of
    a neighbouring unit holding part of it, leaves less than that without a chief.
    tests/test_answer_key.py recomputes every value with an independent overlay."""
    from gis.coverage import find_gaps
    from gis.store import MemoryStore

    names = ("rivers", "admin_units", "assignments", "chiefs", "reservoirs", "signboards")
    # as the GeoPackage will hold them: the rounding of stored coordinates moves a 界河
    # band's ends, and with them what is left without a chief
    store = MemoryStore({n: as_stored(L[n]) for n in names})
    found = find_gaps(store).unassigned
    metres = found.groupby(["river_code", "admin_code", "level"])["length_m"].sum()
    for row in key.rows:
        if row["kind"] == "unassigned_reach":
            row["value"] = float(metres[(row["river_code"], row["admin_code"], row["level"])])


def _rivers(c: County) -> gpd.GeoDataFrame:
    """The rivers layer, longest first; sets ``c.rname``."""
    land, rng = c.land, c.rng
    rows = []
    for rid in c.rids:
        i = c.rank[rid]
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
                "river_code": c.code[rid],
                "name": c.names.place(suffix),
                "management_level": level,
                "in_register": i < N_REGISTER,
                "flows_into": c.code[parent] if parent is not None else None,
                "geometry": land.lines[rid],
            }
        )
    rivers = gpd.GeoDataFrame(rows, crs=GK_EPSG)
    c.rname = dict(zip(rivers.river_code, rivers.name, strict=True))
    return rivers


def _admin_units(c: County) -> gpd.GeoDataFrame:
    """County, townships (镇 or 乡) and villages; sets ``c.t_code``, ``c.t_name``, ``c.v_code``."""
    land, names = c.land, c.names
    n_t = len(land.townships)
    t_is_town = c.rng.permutation(n_t) < 40
    t_code, t_name, v_code, v_name = c.t_code, c.t_name, c.v_code, []
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
    return gpd.GeoDataFrame(admin_rows, crs=GK_EPSG)


def _township_finder(land: Landscape) -> Callable[[Point], int]:
    """The township a point lies in (the nearest one for a point outside them all)."""
    t_tree = shapely.STRtree(np.array(land.townships, dtype=object))

    def township_of(pt) -> int:
        hits = t_tree.query(pt, predicate="intersects")
        return int(hits[0]) if len(hits) else int(t_tree.nearest(pt))

    return township_of


def _reservoirs(c: County, structures: list[dict]) -> gpd.GeoDataFrame:
    """The reservoirs layer, each dam into ``structures``; sets ``c.res_plan``."""
    land, code = c.land, c.code
    c.res_plan = waters.place_reservoirs(land, c.rng, c.county_rivers)
    res_rows = []
    for i, r in enumerate(c.res_plan):
        rc = f"{COUNTY_CODE}K{i + 1:03d}"
        r["code"] = rc
        r["poly"] = waters.cells_polygon(land, r["cells"])
        r["name"] = c.names.place("水库")
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
    return gpd.GeoDataFrame(res_rows, crs=GK_EPSG)


@dataclass
class _Sources:
    """Drinking-water sources and their official zones as they are placed."""

    rows: list[dict] = field(default_factory=list)
    zones: list[dict] = field(default_factory=list)
    used_pts: list[Point] = field(default_factory=list)
    n: int = 0  # sources so far: the number in the next source code

    def far_enough(self, pt, d=2500.0) -> bool:
        return all(pt.distance(p) >= d for p in self.used_pts)

    def next_code(self) -> str:
        self.n += 1
        return f"{COUNTY_CODE}S{self.n:03d}"


def _river_intakes(c: County, s: _Sources, structures: list[dict], township_of) -> None:
    """River intakes on county and township rivers, away from reservoirs and each other."""
    land, rng = c.land, c.rng
    big = [rid for rid in c.rids[:N_REGISTER]]
    total, zoned = N_SOURCES["river"]
    tries = 0
    river_src: list[tuple[int, float, Point]] = []
    while len(river_src) < total:
        tries += 1
        rid = big[int(rng.integers(len(big)))]
        line = land.lines[rid]
        if line.length < 4000:
            continue
        ch = float(rng.uniform(3200, line.length - 400)) if line.length > 3700 else line.length / 2
        pt = line.interpolate(ch)
        if (
            not s.far_enough(pt)
            or any(r["poly"].distance(pt) < 1500 for r in c.res_plan)
            or not land.county.buffer(-800).contains(pt)
        ):
            if tries > 20000:
                raise RuntimeError("cannot place river intakes")
            continue
        s.used_pts.append(pt)
        river_src.append((rid, ch, pt))
    for j, (rid, ch, pt) in enumerate(river_src):
        sc = s.next_code()
        t = township_of(pt)
        pop = 65000 if j == 0 else int(rng.integers(3000, 30000))
        has_zone = j < zoned
        s.rows.append(
            {
                "source_code": sc,
                "name": f"{c.t_name[t]}{'县城' if j == 0 else ''}水厂",
                "source_type": "river",
                "population_served": pop,
                "has_official_zone": has_zone,
                "supply_m3_per_day": round(pop * 0.2, -1),
                "river_code": c.code[rid],
                "reservoir_code": None,
                "geometry": pt,
                "_rid": rid,
                "_c": ch,
            }
        )
        structures.append(
            {
                "structure_id": f"{COUNTY_CODE}I{s.n:03d}",
                "kind": "intake",
                "name": f"{c.t_name[t]}水厂取水口",
                "river_code": c.code[rid],
                "geometry": pt,
            }
        )
        if has_zone:
            l1, l2 = waters.official_zones("river", line=land.lines[rid], c=ch)
            s.zones += _zone_pair(sc, l1, l2)


def _reservoir_sources(c: County, s: _Sources, structures: list[dict]) -> None:
    """Supply stations on the medium reservoirs, then the larger small ones."""
    total, zoned = N_SOURCES["reservoir"]
    res_src = [r for r in c.res_plan if r["scale"] == "medium"] + [
        r for r in c.res_plan if r["scale"] == "small1"
    ]
    for j, r in enumerate(res_src[:total]):
        sc = s.next_code()
        dam_pt = cell_point(c.land, r["dam_cell"])
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
        pop = int(c.rng.integers(2000, 20000))
        has_zone = j < zoned
        s.rows.append(
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
                "structure_id": f"{COUNTY_CODE}I{s.n:03d}",
                "kind": "intake",
                "name": f"{r['name']}取水口",
                "river_code": c.code[r["rid"]],
                "geometry": pt,
            }
        )
        s.used_pts.append(pt)
        if has_zone:
            l1, l2 = waters.official_zones(
                "reservoir", reservoir=r["poly"], point=pt, scale=r["scale"]
            )
            s.zones += _zone_pair(sc, l1, l2)


def _wells(c: County, s: _Sources, township_of) -> None:
    """Groundwater wells inside the county, away from rivers, reservoirs and other sources."""
    land, rng = c.land, c.rng
    total, zoned = N_SOURCES["groundwater"]
    all_rivers = shapely.union_all(np.array(list(land.lines.values()), dtype=object))
    inner = land.county.buffer(-1000)
    x0, y0, x1, y1 = inner.bounds
    wells = 0
    while wells < total:
        pt = Point(rng.uniform(x0, x1), rng.uniform(y0, y1))
        if not inner.contains(pt) or pt.distance(all_rivers) < 400 or not s.far_enough(pt, 2000):
            continue
        if any(r["poly"].distance(pt) < 1500 for r in c.res_plan):
            continue
        s.used_pts.append(pt)
        wells += 1
        sc = s.next_code()
        t = township_of(pt)
        pop = int(rng.integers(1000, 3500))
        s.rows.append(
            {
                "source_code": sc,
                "name": f"{c.t_name[t]}{wells}号水源井",
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
            s.zones += _zone_pair(sc, l1, l2)


def _bridges(c: County, structures: list[dict]) -> None:
    """45 bridges, every ninth a railway bridge; the class follows the length."""
    rng, rids = c.rng, c.rids
    for i in range(45):
        n_b = i + 1
        rid = rids[int(rng.integers(0, 40 if i < 30 else N_REGISTER))]
        line = c.land.lines[rid]
        ch = float(rng.uniform(200, line.length - 200))
        rail = i % 9 == 4
        length = float(rng.uniform(40, 120) if c.rank[rid] > 10 else rng.uniform(120, 900))
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
                "name": f"{c.rname[c.code[rid]]}{'铁路' if rail else ''}{n_b}号桥",
                "river_code": c.code[rid],
                "bridge_type": "rail" if rail else "road",
                "bridge_class": cls,
                "length_m": round(length, 0),
                "geometry": line.interpolate(ch),
            }
        )


def _river_works(c: County, structures: list[dict]) -> None:
    """Sluices, gauging stations and ferries on the larger rivers."""
    rng, rids = c.rng, c.rids
    for kind, n, prefix, label in (
        ("sluice", 12, "Z", "水闸"),
        ("gauging_station", 4, "H", "水文站"),
        ("ferry", 6, "F", "渡口"),
    ):
        for k in range(n):
            rid = rids[int(rng.integers(0, 6 if kind != "sluice" else N_COUNTY_RIVERS))]
            ch = float(rng.uniform(500, c.land.lines[rid].length - 500))
            structures.append(
                {
                    "structure_id": f"{COUNTY_CODE}{prefix}{k + 1:03d}",
                    "kind": kind,
                    "name": f"{c.rname[c.code[rid]]}{label}"
                    + (f"{k + 1}" if kind != "gauging_station" else ""),
                    "river_code": c.code[rid],
                    "geometry": c.land.lines[rid].interpolate(ch),
                }
            )


def _management_ranges(c: County) -> gpd.GeoDataFrame:
    """The management range (河道管理范围) of each county river: a flat-capped band."""
    return gpd.GeoDataFrame(
        [
            {
                "range_id": f"{COUNTY_CODE}G{i + 1:03d}",
                "river_code": c.code[rid],
                "source": "示范县河道管理范围划界成果(虚构)",
                "geometry": c.land.lines[rid].buffer(40 + 60 * (c.rank[rid] < 6), cap_style="flat"),
            }
            for i, rid in enumerate(c.rids[:N_COUNTY_RIVERS])
        ],
        crs=GK_EPSG,
    )


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
