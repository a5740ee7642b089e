"""Townships and villages that tile the county, with some boundaries along rivers.

Each unit grows from a seed cell by multi-source Dijkstra on the grid. Crossing a large
channel is expensive, so boundaries tend to follow rivers, as real ones do (界河).
The label raster is turned into a polygon coverage, simplified as a coverage (so
neighbours keep sharing edges exactly), and villages dissolve into townships.
"""

from __future__ import annotations

import numpy as np
import shapely
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from gis.demo.terrain import Grid


def spread_seeds(cells: np.ndarray, k: int, rng: np.random.Generator, shape) -> np.ndarray:
    """Farthest-point sampling of ``k`` seed cells among ``cells`` (flat indices)."""
    rows, cols = np.unravel_index(cells, shape)
    pts = np.column_stack([rows, cols]).astype(float)
    first = int(rng.integers(len(cells)))
    chosen = [first]
    dist = np.hypot(*(pts - pts[first]).T)
    for _ in range(k - 1):
        # a little jitter so the layout is not a perfect lattice
        nxt = int(np.argmax(dist * rng.uniform(0.85, 1.0, len(dist))))
        chosen.append(nxt)
        dist = np.minimum(dist, np.hypot(*(pts - pts[nxt]).T))
    return cells[np.array(chosen)]


def grow_regions(mask: np.ndarray, seeds: np.ndarray, barrier: np.ndarray) -> np.ndarray:
    """Label every mask cell with the index of its nearest seed (cost-distance)."""
    ny, nx = mask.shape
    idx = np.arange(ny * nx).reshape(ny, nx)
    cost = 1.0 + barrier
    rows, cols, w = [], [], []
    for a, b in ((idx[:, :-1], idx[:, 1:]), (idx[:-1, :], idx[1:, :])):
        ok = mask.ravel()[a.ravel()] & mask.ravel()[b.ravel()]
        ai, bi = a.ravel()[ok], b.ravel()[ok]
        rows.append(ai)
        cols.append(bi)
        w.append((cost.ravel()[ai] + cost.ravel()[bi]) / 2)
    g = sparse.coo_matrix(
        (np.concatenate(w), (np.concatenate(rows), np.concatenate(cols))), shape=(ny * nx, ny * nx)
    ).tocsr()
    _, _, sources = dijkstra(
        g, directed=False, indices=seeds, min_only=True, return_predecessors=True
    )
    label = np.full(ny * nx, -1)
    lookup = {int(s): i for i, s in enumerate(seeds)}
    valid = sources >= 0
    label[valid] = [lookup[int(s)] for s in sources[valid]]
    return label.reshape(ny, nx)


def label_polygons(label: np.ndarray, grid: Grid, n: int) -> list[shapely.Geometry]:
    """One polygon per label from the union of its cells."""
    rows, cols = np.nonzero(label >= 0)
    x, y = grid.center(rows, cols)
    h = grid.cell / 2
    boxes = shapely.box(x - h, y - h, x + h, y + h)
    labs = label[rows, cols]
    order = np.argsort(labs, kind="stable")
    splits = np.searchsorted(labs[order], np.arange(n + 1))
    return [shapely.coverage_union_all(boxes[order[splits[i] : splits[i + 1]]]) for i in range(n)]


def largest_part(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep the largest polygon of a multipolygon (grid unions can leave stray cells)."""
    if geom.geom_type == "MultiPolygon":
        return max(geom.geoms, key=lambda g: g.area)
    return geom
