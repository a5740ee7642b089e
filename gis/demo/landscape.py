"""Step 1 of the demo: terrain, rivers, townships and villages, in the GK zone (metres)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.ops import substring

from gis.demo import admin, hydro, terrain
from gis.demo.terrain import Grid

CELL = 100.0
SHAPE = (500, 540)
# Grid origin (top-left) in EPSG:4544 (CGCS2000 GK CM 105°E): the Sichuan basin near 30.3°N.
ORIGIN = (506_000.0, 3_382_000.0)
N_RIVERS, N_TOWNSHIPS = 337, 63
CHANNEL_CELLS = 100  # 1 km² of catchment starts a channel


@dataclass
class Landscape:
    grid: Grid
    mask: np.ndarray
    dem: np.ndarray  # depression-filled, metres
    acc: np.ndarray
    down: np.ndarray
    rivers: dict[int, hydro.RiverCells]
    lines: dict[int, LineString]
    county: shapely.Geometry
    townships: list[shapely.Geometry]
    villages: list[shapely.Geometry]
    village_township: list[int]


def county_mask(rng: np.random.Generator) -> np.ndarray:
    ny, nx = SHAPE
    yy, xx = np.mgrid[0:ny, 0:nx]
    th = np.arctan2(yy - ny / 2, xx - nx / 2)
    r = np.hypot(yy - ny / 2, xx - nx / 2)
    ph = rng.uniform(0, 2 * np.pi, 4)
    radius = 215 * (
        1
        + 0.12 * np.cos(2 * th + ph[0])
        + 0.07 * np.cos(3 * th + ph[1])
        + 0.05 * np.cos(5 * th + ph[2])
        + 0.03 * np.cos(7 * th + ph[3])
    )
    return r < radius


def make_terrain(rng: np.random.Generator, mask: np.ndarray) -> np.ndarray:
    ny, nx = SHAPE
    yy, xx = np.mgrid[0:ny, 0:nx]
    # hills of the basin: 650 m in the north-west falling to ~350 m in the south-east
    trend = 650 - 180 * (xx / nx) - 120 * (yy / ny)
    return trend + 90 * terrain.fractal_surface(SHAPE, rng, beta=2.4)


def chaikin(coords: np.ndarray, n: int = 2) -> np.ndarray:
    """Corner-cutting smoothing that keeps both end points."""
    for _ in range(n):
        if len(coords) < 3:
            return coords
        q = 0.75 * coords[:-1] + 0.25 * coords[1:]
        r = 0.25 * coords[:-1] + 0.75 * coords[1:]
        mid = np.empty((2 * len(q), 2))
        mid[0::2], mid[1::2] = q, r
        coords = np.vstack([coords[0], mid[1:-1], coords[-1]])
    return coords


def river_lines(grid: Grid, rivers: dict[int, hydro.RiverCells]) -> dict[int, LineString]:
    """Smooth each river and make every tributary end exactly on its parent."""
    ny, nx = grid.shape
    lines: dict[int, LineString] = {}
    # parents before children: a tributary's end is fitted to its parent's final line
    order = sorted(rivers, key=lambda rid: _depth(rivers, rid))
    for rid in order:
        r = rivers[rid]
        rows, cols = np.unravel_index(np.array(r.cells), (ny, nx))
        x, y = grid.center(rows, cols)
        line = LineString(chaikin(np.column_stack([x, y])))
        if r.parent is not None:
            parent = lines[r.parent]
            end = parent.interpolate(parent.project(Point(line.coords[-1])))
            coords = list(line.coords)[:-1] + [end.coords[0]]
            line = LineString(coords)
            hit = line.intersection(parent)
            first = min((line.project(p) for p in _points(hit)), default=line.length)
            if first < line.length - 1e-6:
                line = substring(line, 0, first)
        lines[rid] = line
    return lines


def _depth(rivers, rid) -> int:
    d = 0
    while rivers[rid].parent is not None:
        rid = rivers[rid].parent
        d += 1
    return d


def _points(geom) -> list[Point]:
    if geom.is_empty:
        return []
    parts = getattr(geom, "geoms", [geom])
    pts: list[Point] = []
    for g in parts:
        pts.extend(Point(c) for c in g.coords)
    return pts


def build_landscape(rng: np.random.Generator) -> Landscape:
    grid = Grid(ORIGIN[0], ORIGIN[1], CELL, SHAPE)
    mask = county_mask(rng)
    raw = make_terrain(rng, mask)
    dem = terrain.breach_depressions(raw, mask)
    direction = terrain.uncross_diagonals(terrain.d8_directions(dem, mask), dem)
    down = terrain.downstream_index(direction)
    acc = terrain.accumulation(dem, down, mask)
    rivers = hydro.extract_rivers(acc, down, CHANNEL_CELLS)
    rivers = hydro.prune_rivers(rivers, N_RIVERS, lambda r: len(r.cells))
    lines = river_lines(grid, rivers)

    # Townships: big rivers are costly to cross, so some boundaries follow them.
    flat_acc = acc.ravel()
    river_cells = np.array(sorted({c for r in rivers.values() for c in r.cells[:-1]}))
    # a rough cost surface makes boundaries wander like real ones, not Voronoi lines
    barrier = np.exp(0.8 * terrain.fractal_surface(SHAPE, rng, beta=2.0)) - 0.5
    big = river_cells[flat_acc[river_cells] >= 3000]
    barrier.ravel()[big] = 60.0
    inside = np.nonzero(mask.ravel())[0]
    seeds = admin.spread_seeds(inside, N_TOWNSHIPS, rng, SHAPE)
    t_label = admin.grow_regions(mask, seeds, barrier)

    # Villages grow inside each township; mid-size streams are their barriers.
    v_barrier = barrier.copy()
    v_barrier.ravel()[river_cells[flat_acc[river_cells] >= 600]] = 30.0
    v_label = np.full(SHAPE, -1)
    village_township: list[int] = []
    for t in range(N_TOWNSHIPS):
        tmask = t_label == t
        cells = np.nonzero(tmask.ravel())[0]
        k = int(np.clip(round(len(cells) / 360 + rng.normal(0, 0.8)), 3, 10))
        vseeds = admin.spread_seeds(cells, k, rng, SHAPE)
        lab = admin.grow_regions(tmask, vseeds, v_barrier)
        base = len(village_township)
        v_label[tmask] = lab[tmask] + base
        village_township.extend([t] * k)
    n_v = len(village_township)
    raw_v = [admin.largest_part(g) for g in admin.label_polygons(v_label, grid, n_v)]
    # coverage-simplify the villages; townships and county dissolve from them, so all nest
    villages = list(shapely.coverage_simplify(np.array(raw_v, dtype=object), 45.0))
    villages = _snap_to_rivers(
        villages, [lines[rid] for rid in lines if flat_acc[rivers[rid].cells[-1]] >= 600]
    )
    vt = np.array(village_township)
    townships = [
        shapely.coverage_union_all(np.array(villages, dtype=object)[vt == t])
        for t in range(N_TOWNSHIPS)
    ]
    county = shapely.coverage_union_all(np.array(townships, dtype=object))
    return Landscape(
        grid, mask, dem, acc, down, rivers, lines, county, townships, villages, village_township
    )


def _snap_to_rivers(polys: list, rivers: list[LineString], tol: float = 70.0) -> list:
    """Pull unit boundaries that run beside a river onto the river line (界河).

    Works on the shared linework, where each edge exists once: every vertex within
    ``tol`` of a river moves to its nearest point on it. Polygonizing the moved edges
    again keeps the tiling gap- and overlap-free by construction.
    """
    edges = shapely.line_merge(
        shapely.union_all(np.array([p.boundary for p in polys], dtype=object))
    )
    refs = np.array(rivers, dtype=object)
    tree = shapely.STRtree(refs)
    moved = []
    for e in getattr(edges, "geoms", [edges]):
        e = shapely.segmentize(e, 20.0)
        pts = shapely.points(shapely.get_coordinates(e))
        near, dist = tree.query_nearest(
            pts, max_distance=tol, return_distance=True, all_matches=False
        )
        coords = shapely.get_coordinates(e)
        for (pi, ri), _ in zip(near.T, dist, strict=True):
            coords[pi] = shapely.get_coordinates(refs[ri].interpolate(refs[ri].project(pts[pi])))[0]
        moved.append(LineString(coords))
    noded = shapely.union_all(np.array(moved, dtype=object))
    faces = list(shapely.polygonize(list(getattr(noded, "geoms", [noded]))).geoms)
    ptree = shapely.STRtree(np.array(polys, dtype=object))
    owned: list[list] = [[] for _ in polys]
    for f in faces:
        cand = ptree.query(f)
        best = max(cand, key=lambda i: polys[i].intersection(f).area)
        owned[best].append(f)
    # drop the 20 m vertices the snapping needed; a coverage simplify keeps shared edges shared
    snapped = list(
        shapely.coverage_simplify(
            np.array([shapely.union_all(fs) for fs in owned], dtype=object), 6.0
        )
    )
    if shapely.coverage_is_valid(np.array(snapped, dtype=object)) and all(
        not s.is_empty for s in snapped
    ):
        return snapped
    warnings.warn(
        "snapping boundaries to rivers broke the coverage; kept unsnapped boundaries", stacklevel=2
    )
    return polys


def _polygonal(g):
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in getattr(g, "geoms", []) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def cell_point(land: Landscape, cell: int) -> Point:
    """Centre of a flat cell index, in the GK zone."""
    r, c = np.unravel_index(cell, land.mask.shape)
    x, y = land.grid.center(r, c)
    return Point(float(x), float(y))
