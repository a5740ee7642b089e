"""Step 3 of the demo: chiefs, their assignments, signboards, and planted defects.

Every defect planted here is recorded in the answer key by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely


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
            ends = [line.project(shapely.Point(c)) for g in getattr(part, "geoms", [part]) for c in (g.coords[0], g.coords[-1])]
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


def boundary_stretches(lines: dict, units: list, tol: float = 30.0, min_len: float = 300.0) -> list[dict]:
    """River stretches running along the boundary between two units (界河)."""
    arr = np.array(units, dtype=object)
    outer = shapely.union_all(arr).boundary
    tree = shapely.STRtree(arr)
    out = []
    for rid, line in lines.items():
        cand = tree.query(line, predicate="dwithin", distance=tol)
        for i, a in enumerate(cand):
            for b in cand[i + 1:]:
                edge = shapely.intersection(units[a].boundary, units[b].boundary)
                if edge.is_empty or edge.length < min_len:
                    continue
                edge = edge.difference(outer.buffer(1.0))
                along = line.intersection(edge.buffer(tol, cap_style="flat"))
                if along.length < min_len:
                    continue
                ends = [line.project(shapely.Point(c)) for g in getattr(along, "geoms", [along]) for c in (g.coords[0], g.coords[-1])]
                out.append({"rid": rid, "a": int(min(a, b)), "b": int(max(a, b)), "length": along.length,
                            "c0": min(ends), "c1": max(ends)})
    return out
