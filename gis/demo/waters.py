"""Step 2 of the demo: reservoirs behind dams, drinking-water sources and their zones."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.ops import substring

from gis.demo.landscape import Landscape

# (class, count, storage range m³): 9 medium + 92 small = 101 reservoirs (seed inventory)
RESERVOIR_PLAN = [
    ("medium", 9, (1.05e7, 2.5e7)),
    ("small1", 30, (1.2e6, 8e6)),
    ("small2", 62, (1.5e5, 9e5)),
]
MAX_DAM_HEIGHT = 60.0
MAX_CELLS = {"medium": 900, "small1": 120, "small2": 25}  # pool area in 1-ha cells


def upstream_lists(down: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CSR-style reverse of the D8 pointers: ups of j are order[start[j]:start[j+1]]."""
    valid = down >= 0
    src = np.nonzero(valid)[0]
    dst = down[valid]
    order = src[np.argsort(dst, kind="stable")]
    counts = np.bincount(dst, minlength=len(down))
    start = np.concatenate([[0], np.cumsum(counts)])
    return order, start


def upstream_below(dam: int, zmax: float, z: np.ndarray, ups) -> np.ndarray:
    """Cells draining to ``dam`` with elevation below ``zmax`` (a flooded valley).

    Elevations fall strictly downstream on the filled DEM, so this set is connected.
    """
    order, start = ups
    out, stack = [dam], [dam]
    while stack:
        c = stack.pop()
        for u in order[start[c] : start[c + 1]]:
            if z[u] < zmax:
                out.append(int(u))
                stack.append(int(u))
    return np.array(out)


def dam_height_for(storage: float, zs: np.ndarray, z0: float, cell_area: float) -> float | None:
    """Height above the dam foot whose pool holds ``storage`` m³ (bisection)."""

    def vol(h):
        d = z0 + h - zs
        return float(np.sum(d[d > 0]) * cell_area)

    if vol(MAX_DAM_HEIGHT) < storage:
        return None
    lo, hi = 0.5, MAX_DAM_HEIGHT
    for _ in range(40):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if vol(mid) < storage else (lo, mid)
    return hi


def place_reservoirs(L: Landscape, rng: np.random.Generator, county_rivers: set[int]) -> list[dict]:
    """Dam valleys on non-county rivers until the plan is met; pools never touch."""
    z = L.dem.ravel()
    acc = L.acc.ravel()
    ups = upstream_lists(L.down)
    cell_area = L.grid.cell**2
    border = _border_cells(L.mask)
    taken = np.zeros(z.size, bool)
    confluences = {r.cells[-1] for r in L.rivers.values() if r.parent is not None}
    cands = [
        (rid, i, c)
        for rid, r in L.rivers.items()
        if rid not in county_rivers
        for i, c in enumerate(r.cells[3:-3], start=3)
        if c not in confluences
    ]
    out = []
    for scale, count, (lo, hi) in RESERVOIR_PLAN:
        min_acc = {"medium": 900, "small1": 250, "small2": 100}[scale]
        pool = [x for x in cands if acc[x[2]] >= min_acc]
        rng.shuffle(pool)
        placed = 0
        for rid, pos, dam in pool:
            if placed == count:
                break
            if taken[dam]:
                continue
            target = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
            deep = upstream_below(dam, z[dam] + MAX_DAM_HEIGHT, z, ups)
            h = dam_height_for(target, z[deep], z[dam], cell_area)
            if h is None:
                continue
            flood = deep[z[deep] < z[dam] + h]
            if taken[flood].any() or border[flood].any() or len(flood) > MAX_CELLS[scale]:
                continue
            taken[_dilate(flood, L.mask.shape, 3)] = True
            out.append(
                {
                    "scale": scale,
                    "storage_m3": round(target, -3),
                    "rid": rid,
                    "dam_cell": dam,
                    "dam_pos": pos,
                    "normal_level_m": round(float(z[dam] + h), 1),
                    "cells": flood,
                }
            )
            placed += 1
        if placed < count:
            raise RuntimeError(f"could only place {placed} of {count} {scale} reservoirs")
    return out


def _border_cells(mask: np.ndarray) -> np.ndarray:
    p = np.pad(mask, 1, constant_values=False)
    inner = p[:-2, 1:-1] & p[2:, 1:-1] & p[1:-1, :-2] & p[1:-1, 2:]
    return (mask & ~inner).ravel()


def _dilate(cells: np.ndarray, shape, k: int) -> np.ndarray:
    rows, cols = np.unravel_index(cells, shape)
    rr = np.clip(rows[:, None] + np.arange(-k, k + 1)[None, :], 0, shape[0] - 1)
    cc = np.clip(cols[:, None] + np.arange(-k, k + 1)[None, :], 0, shape[1] - 1)
    return (rr[:, :, None] * shape[1] + cc[:, None, :]).ravel()


def cells_polygon(L: Landscape, cells: np.ndarray) -> shapely.Geometry:
    rows, cols = np.unravel_index(cells, L.mask.shape)
    x, y = L.grid.center(rows, cols)
    h = L.grid.cell / 2
    poly = shapely.coverage_union_all(shapely.box(x - h, y - h, x + h, y + h))
    # round the raster corners: a lake shore, not a staircase
    smooth = (
        poly.buffer(70, quad_segs=6).buffer(-90, quad_segs=6).buffer(20, quad_segs=6).simplify(10)
    )
    return smooth if not smooth.is_empty else poly


def river_zone(line, c: float, up: float, down: float, width: float):
    """Band of ``width`` around the stretch [c - up, c + down] (chainage from the source)."""
    a, b = max(0.0, c - up), min(line.length, c + down)
    return substring(line, a, b).buffer(width, quad_segs=8)


def official_zones(
    kind: str, *, line=None, c=None, reservoir=None, point: Point | None = None, scale=None
):
    """Level-1 and level-2 polygons for an official zone (simplified hand delineation).

    Official zones in the demo are drawn like county offices draw them: along the
    source's own river only, so a rule-based delineation (with tributaries) can differ.
    """
    if kind == "river":
        l1 = river_zone(line, c, 1000, 100, 50)
        l2 = river_zone(line, c, 3000, 300, 1000)
    elif kind == "reservoir":
        if scale in ("small1", "small2"):
            l1 = reservoir.buffer(200)
        else:
            l1 = reservoir.intersection(_intake(point).buffer(300)).buffer(200)
        l2 = reservoir.buffer(1000 if scale != "large" else 3000)
    else:
        point = _intake(point)
        l1 = point.buffer(50)
        l2 = point.buffer(300)
    return l1, l2.difference(l1)


def _intake(point: Point | None) -> Point:
    """The intake point a zone is drawn around; a zone that needs one cannot do without."""
    if point is None:
        raise ValueError("this kind of zone is drawn around the intake: give point=")
    return point
