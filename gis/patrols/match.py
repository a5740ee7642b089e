"""Match GPS points to the nearest reach within a tolerance: a grid index and a compiled kernel.

The index is plain arrays (picklable), and :func:`match_points` is a pure function over a
partition of points, so a province can run partition by partition on dask.

The point-to-segment distance repeats GEOS's formula operation for operation, so the
result is the same nearest reach that ``geopandas.sjoin_nearest`` finds (the benchmark
checks every point). Ties (a point equally near two reaches, e.g. at a confluence) go to
the reach with the lower row number.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from numba import njit, prange

MAX_CELLS = 60_000_000  # grid cells at most (240 MB of int32 offsets): a province at ~100 m cells


@dataclass(frozen=True)
class ReachIndex:
    """Segments of every reach, bucketed on a square grid (CSR: ``start`` into ``items``).

    ``items`` holds a copy of each segment per cell it may serve (ax, ay, bx, by, start
    along the reach in m), so a lookup reads one contiguous block: random reads of
    separate coordinate arrays cost more than the arithmetic.
    """

    items: np.ndarray  # (n, 5) float64: ax, ay, bx, by, m0
    item_reach: np.ndarray  # int32 row number of the reach
    x0: float
    y0: float
    cell: float
    nx: int
    ny: int
    start: np.ndarray
    tolerance: float
    crs: object = None

    @property
    def n_cells(self) -> int:
        return self.nx * self.ny


def build_index(
    reaches: gpd.GeoDataFrame, *, tolerance: float = 50.0, cell: float | None = None
) -> ReachIndex:
    """Index the reach lines (a metric CRS) for matching within ``tolerance`` metres.

    Parameters
    ----------
    reaches : GeoDataFrame
        LineString reaches in a metric CRS; the row order decides ties.
    tolerance : float
        Largest point-to-reach distance that counts as a match (m).
    cell : float, optional
        Grid cell size (m); defaults to the tolerance, or larger when the extent would
        need more than :data:`MAX_CELLS` cells.
    """
    if reaches.crs is not None and not reaches.crs.is_projected:
        raise ValueError("reaches are in degrees; project them first with gis.crs.to_metric()")
    geoms = reaches.geometry.values
    if cell is None:  # the tolerance, unless a province-sized extent would need too many cells
        x0_, y0_, x1_, y1_ = reaches.total_bounds if len(reaches) else (0, 0, 1, 1)
        cell = max(
            tolerance,
            float(np.sqrt((x1_ - x0_ + 2 * tolerance) * (y1_ - y0_ + 2 * tolerance) / MAX_CELLS)),
        )
    cell = float(cell)
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    same = owner[1:] == owner[:-1]  # a segment joins two consecutive vertices of one line
    a, b, seg_reach = coords[:-1][same], coords[1:][same], owner[:-1][same].astype(np.int32)
    seg_len = np.hypot(b[:, 0] - a[:, 0], b[:, 1] - a[:, 1])
    cum = np.cumsum(seg_len)
    first = np.r_[True, seg_reach[1:] != seg_reach[:-1]]
    base = np.maximum.accumulate(np.where(first, cum - seg_len, 0.0))
    seg_m0 = cum - seg_len - base
    lo = np.minimum(a, b) - tolerance
    hi = np.maximum(a, b) + tolerance
    x0, y0 = lo[:, 0].min() if len(lo) else 0.0, lo[:, 1].min() if len(lo) else 0.0
    nx = int(np.ceil((hi[:, 0].max() - x0) / cell)) + 1 if len(hi) else 1
    ny = int(np.ceil((hi[:, 1].max() - y0) / cell)) + 1 if len(hi) else 1
    ix0, iy0 = (
        ((lo[:, 0] - x0) // cell).astype(np.int64),
        ((lo[:, 1] - y0) // cell).astype(np.int64),
    )
    ix1, iy1 = (
        ((hi[:, 0] - x0) // cell).astype(np.int64),
        ((hi[:, 1] - y0) // cell).astype(np.int64),
    )
    wx, wy = ix1 - ix0 + 1, iy1 - iy0 + 1
    counts = wx * wy
    seg = np.repeat(np.arange(len(a), dtype=np.int32), counts)
    k = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    cx = ix0[seg] + k % wx[seg]
    cy = iy0[seg] + k // wx[seg]
    cells = cy * nx + cx
    order = seg[np.argsort(cells, kind="stable")]
    start = np.bincount(cells + 1, minlength=nx * ny + 1)
    # int32 offsets halve the largest array (one per cell) whenever the items allow it
    start = np.cumsum(start, dtype=np.int64).astype(np.int32 if len(cells) < 2**31 else np.int64)
    items = np.column_stack([a[order], b[order], seg_m0[order]])
    return ReachIndex(
        items,
        seg_reach[order],
        float(x0),
        float(y0),
        cell,
        nx,
        ny,
        start,
        float(tolerance),
        reaches.crs,
    )


def match_points(
    x: np.ndarray, y: np.ndarray, index: ReachIndex
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest reach of each point within the index's tolerance.

    Parameters
    ----------
    x, y : arrays
        Point coordinates in the index's metric CRS.
    index : ReachIndex

    Returns
    -------
    reach : int32 array
        Row number of the nearest reach, -1 where none is within the tolerance.
    distance : float array
        Distance to that reach (m); NaN where unmatched.
    along : float array
        Distance along the reach from its start to the nearest point (m).
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    y = np.ascontiguousarray(y, dtype=np.float64)
    n = len(x)
    reach = np.empty(n, dtype=np.int32)
    dist = np.empty(n, dtype=np.float64)
    along = np.empty(n, dtype=np.float64)
    _match(
        x,
        y,
        index.x0,
        index.y0,
        index.cell,
        index.nx,
        index.ny,
        index.start,
        index.items,
        index.item_reach,
        index.tolerance,
        reach,
        dist,
        along,
    )
    return reach, dist, along


@njit(parallel=True, cache=True, nogil=True)
def _match(  # noqa: PLR0913 -- a compiled kernel takes flat arrays and scalars, no objects
    px, py, x0, y0, cell, nx, ny, start, items, item_reach, tol, out_reach, out_dist, out_along
):  # pragma: no cover - compiled
    for i in prange(px.shape[0]):
        out_reach[i] = -1
        out_dist[i] = np.nan
        out_along[i] = np.nan
        fx = (px[i] - x0) / cell
        fy = (py[i] - y0) / cell
        if not (fx >= 0.0 and fy >= 0.0 and fx < nx and fy < ny):  # also catches NaN
            continue
        c = int(fy) * nx + int(fx)
        best = np.inf
        best_r = -1
        best_m = 0.0
        for k in range(start[c], start[c + 1]):
            d, r, ln = _point_segment(
                px[i], py[i], items[k, 0], items[k, 1], items[k, 2], items[k, 3]
            )
            rr = item_reach[k]
            if d < best or (d == best and rr < best_r):
                best = d
                best_r = rr
                best_m = items[k, 4] + min(max(r, 0.0), 1.0) * ln
        if best <= tol:
            out_reach[i] = best_r
            out_dist[i] = best
            out_along[i] = best_m


@njit(inline="always", cache=True)
def _point_segment(x, y, ax, ay, bx, by):  # pragma: no cover - compiled
    # GEOS Distance::pointToSegment, step for step, so results match shapely's bit for bit.
    if ax == bx and ay == by:
        return np.sqrt((x - ax) * (x - ax) + (y - ay) * (y - ay)), 0.0, 0.0
    len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay)
    r = ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / len2
    ln = np.sqrt(len2)
    if r <= 0.0:
        return np.sqrt((x - ax) * (x - ax) + (y - ay) * (y - ay)), r, ln
    if r >= 1.0:
        return np.sqrt((x - bx) * (x - bx) + (y - by) * (y - by)), r, ln
    s = ((ay - y) * (bx - ax) - (ax - x) * (by - ay)) / len2
    return abs(s) * ln, r, ln
