"""Reaches (分级分段): each river cut at admin boundaries, with shared boundary reaches.

A pure function over GeoDataFrames: rivers of one basin or county in, reaches out, so a
province can be processed partition by partition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from numpy.typing import NDArray

from gis import _reach_kernels as kernels
from gis._parallel import map_threads, worker_count
from gis.crs import metric_crs

REACH_COLUMNS = [
    "reach_id",
    "river_code",
    "level",
    "admin_code",
    "shared_admin_code",
    "county_code",
    "township_code",
    "from_m",
    "to_m",
    "length_m",
    "geometry",
]
SLIVER_COLUMNS = ["river_code", "admin_code", "from_m", "to_m", "merged_into"]


def segment(
    rivers: gpd.GeoDataFrame,
    admin: gpd.GeoDataFrame,
    *,
    level: str,
    boundary_tolerance: float = 30.0,
    min_boundary_m: float = 300.0,
    sliver_m: float = 20.0,
    workers: int | None = None,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Cut rivers into reaches at the boundaries of the admin units of ``level``.

    Each river's reaches depend only on that river and the units it meets, so any
    partition of ``rivers`` (with the same ``admin``) gives the same reaches as the whole:
    a province can run partition by partition (e.g. ``dask_geopandas`` ``map_partitions``).

    Parameters
    ----------
    rivers : GeoDataFrame
        The ``rivers`` layer; chainage runs from each line's start (the source).
    admin : GeoDataFrame
        The ``admin_units`` layer (all levels; ``level`` selects the units used).
    level : {"township", "village"}
        Which units cut the rivers.
    boundary_tolerance : float
        A river within this distance (m) of the boundary between two units, for at least
        ``min_boundary_m``, is a boundary river (界河): one shared reach listing both units,
        not alternating slivers.
    sliver_m : float
        Pieces shorter than this are merged into the longer neighbour and reported.
    workers : int, optional
        Threads, each on a run of rivers (GEOS and the compiled kernels release the GIL);
        default one per core. Use 1 inside a scheduler that already runs a task per core.

    Returns
    -------
    reaches : GeoDataFrame (metric CRS)
        Columns :data:`REACH_COLUMNS`; ``shared_admin_code`` is set on boundary reaches.
    slivers : DataFrame
        The merged slivers: river_code, admin_code, from_m, to_m, merged_into.

    Examples
    --------
    Two 1 km square townships side by side (metres in EPSG:4544); river R1 crosses
    both, R2 runs 900 m along their shared edge:

    >>> from shapely.geometry import LineString, box
    >>> X, Y = 500_000, 3_350_000
    >>> admin = gpd.GeoDataFrame(
    ...     {"admin_code": ["512099", "512099001", "512099002"],
    ...      "level": ["county", "township", "township"],
    ...      "parent_code": [None, "512099", "512099"]},
    ...     geometry=[box(X, Y, X + 2000, Y + 1000), box(X, Y, X + 1000, Y + 1000),
    ...               box(X + 1000, Y, X + 2000, Y + 1000)], crs=4544)
    >>> rivers = gpd.GeoDataFrame({"river_code": ["R1", "R2"]}, geometry=[
    ...     LineString([(X + 100, Y + 500), (X + 1900, Y + 500)]),
    ...     LineString([(X + 1000, Y + 950), (X + 1000, Y + 50)])], crs=4544)
    >>> reaches, slivers = segment(rivers, admin, level="township")
    >>> cols = ["reach_id", "admin_code", "shared_admin_code", "from_m", "to_m"]
    >>> print(reaches[cols].to_string(index=False, na_rep="-"))
    reach_id admin_code shared_admin_code from_m  to_m
      R1/T/0  512099001                 -    0.0 900.0
    R1/T/900  512099002                 -  900.0 1800.0
      R2/T/0  512099001         512099002    0.0 900.0
    >>> len(slivers)
    0
    """
    crs = metric_crs(admin)
    units = _in(admin[admin["level"] == level], crs, workers).reset_index(drop=True)
    lines = _in(rivers, crs, workers).reset_index(drop=True)
    ugeo = np.asarray(units.geometry.values)
    tree = shapely.STRtree(ugeo)
    up = _ancestors(admin)
    rings = _segments(shapely.boundary(ugeo))
    args = (
        units["admin_code"].to_numpy(),
        ugeo,
        tree,
        rings,
        up,
        level,
        _Lengths(boundary_tolerance, min_boundary_m, sliver_m),
    )
    parts = map_threads(
        lambda sl: _segment_part(lines.iloc[sl], *args), lines_partition(lines, workers), workers
    )
    reaches = pd.concat([r for r, _ in parts], ignore_index=True) if parts else None
    reaches = gpd.GeoDataFrame(
        reaches if reaches is not None else pd.DataFrame(columns=REACH_COLUMNS),
        columns=REACH_COLUMNS,
        geometry="geometry",
        crs=crs,
    )
    slivers = (
        pd.concat([v for _, v in parts], ignore_index=True)
        if parts
        else pd.DataFrame(columns=SLIVER_COLUMNS)
    )
    return reaches, slivers


def lines_partition(lines: gpd.GeoDataFrame, workers: int | None) -> list[slice]:
    """Contiguous runs of rivers with about equal vertex counts, a few per thread (rivers in
    one run mostly share units, so few shared edges are computed twice).

    Parameters
    ----------
    lines : GeoDataFrame
        The rivers.
    workers : int or None
        Threads; one per core by default.

    Returns
    -------
    list of slice
        Row ranges covering every river once; one slice for one worker or few rivers.
    """
    n = worker_count(workers)
    if n == 1 or len(lines) < 64:
        return [slice(0, len(lines))]
    cum = np.cumsum(shapely.get_num_coordinates(np.asarray(lines.geometry.values)))
    cuts = np.searchsorted(cum, np.linspace(0, cum[-1], 4 * n + 1)[1:-1])
    bounds = np.unique(np.concatenate([[0], cuts, [len(lines)]]))
    return [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


@dataclass(frozen=True)
class _Lengths:
    """The lengths (m) of :func:`segment` that decide boundary rivers and slivers."""

    tol: float  # boundary_tolerance
    min_len: float  # min_boundary_m
    sliver_m: float


def _segment_part(
    lines: gpd.GeoDataFrame,
    codes: NDArray[Any],
    ugeo: NDArray[Any],
    tree: shapely.STRtree,
    rings: tuple[NDArray[Any], NDArray[Any]],
    up: dict[str, dict[str, str]],
    level: str,
    lengths: _Lengths,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`segment` on some rivers (labels, pairs and kernels are local to the part)."""
    tol, min_len, sliver_m = lengths.tol, lengths.min_len, lengths.sliver_m
    lgeo = np.asarray(lines.geometry.values)
    river = _River(lgeo)
    ri, ui = tree.query(lgeo, predicate="intersects")  # every (river, unit) that meet
    pieces = [
        _pieces(river, ri, ui, shapely.intersection(lgeo[ri], ugeo[ui]), shared=False),
        _boundary_pieces(river, ri, ui, ugeo, rings, tol, min_len, len(ugeo)),
    ]
    pr, plo, phi, pshared, plabel = (np.concatenate(c) for c in zip(*pieces, strict=True))
    order = np.argsort(pr, kind="stable")  # by river
    pr, plo, phi, pshared, plabel = pr[order], plo[order], phi[order], pshared[order], plabel[order]
    poff = np.searchsorted(pr, np.arange(len(lgeo) + 1))
    # a label is a unit (its index) or a unit pair (n_units + pair index); codes per label
    code, other = river.label_codes(codes)
    rank = np.lexsort(
        (
            np.array(["" if o is None else o for o in other], dtype=object).astype(str),
            code.astype(str),
        )
    ).argsort()
    (sr, sa, sb, sl), (vr, vl, va, vb, vi) = kernels.resolve(
        poff, plo, phi, pshared, plabel, rank, shapely.length(lgeo), float(sliver_m)
    )
    xy, count = kernels.slices(river.xy, river.off, river.cum, river.step, sr, sa, sb)
    geoms = (
        shapely.linestrings(xy, indices=np.repeat(np.arange(len(sr)), np.diff(count)))
        if len(sr)
        else np.array([], dtype=object)
    )
    rcode = lines["river_code"].to_numpy()
    acode = code[sl]
    township = (
        acode
        if level == "township"
        else np.array([up.get(c, {}).get("township") for c in acode], dtype=object)
    )
    rounded = [
        (round(a, 2), round(b, 2), round(b - a, 2))
        for a, b in zip(sa.tolist(), sb.tolist(), strict=True)
    ]
    reaches = pd.DataFrame(
        {
            "reach_id": [
                f"{r}/{level[0].upper()}/{a:.0f}" for r, a in zip(rcode[sr], sa, strict=True)
            ],
            "river_code": rcode[sr],
            "level": level,
            "admin_code": acode,
            "shared_admin_code": other[sl],
            "county_code": np.array([up.get(c, {}).get("county") for c in acode], dtype=object),
            "township_code": township,
            "from_m": [r[0] for r in rounded],
            "to_m": [r[1] for r in rounded],
            "length_m": [r[2] for r in rounded],
            "geometry": geoms,
        },
        columns=REACH_COLUMNS,
    )
    slivers = pd.DataFrame(
        {
            "river_code": rcode[vr],
            "admin_code": code[vl],
            "from_m": va,
            "to_m": vb,
            "merged_into": code[vi],
        },
        columns=SLIVER_COLUMNS,
    )
    return reaches, slivers


class _River:
    """Every river's vertices, chainage at each vertex and a per-river sort for look-ups."""

    def __init__(self, lines: np.ndarray) -> None:
        self.lines = lines
        xy, owner = shapely.get_coordinates(lines, return_index=True)
        self.xy = np.ascontiguousarray(xy)
        self.off = np.searchsorted(owner, np.arange(len(lines) + 1))
        self.cum, self.step = kernels.chainage_table(self.xy, self.off)
        self.order = np.lexsort((xy[:, 1], xy[:, 0], owner))
        self.labels: list[tuple[int, int]] = []  # unit pairs behind boundary labels

    def ends(
        self, xy: np.ndarray, first: np.ndarray, last: np.ndarray, owner: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Chainage range (low, high) of each piece ``xy[first[i]:last[i] + 1]`` of river
        ``owner[i]``."""
        at = [
            kernels.locate_ends(
                self.xy, self.order, self.off, self.cum, self.step, owner, xy[p], xy[q]
            )
            for p, q in ((first, first + 1), (last, last - 1))
        ]
        for k, pick in enumerate((first, last)):
            lost = np.isnan(at[k])
            if (
                lost.any()
            ):  # no river vertex beside it: mostly crumbs of a boundary snapped onto the river
                at[k][lost] = kernels.project(
                    self.xy, self.off, self.cum, self.step, owner[lost], xy[pick[lost]]
                )
        return np.minimum(at[0], at[1]), np.maximum(at[0], at[1])

    def label_codes(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """admin_code and shared_admin_code of every label (units, then unit pairs)."""
        pairs = [tuple(sorted((codes[a], codes[b]))) for a, b in self.labels]
        code = np.concatenate([codes.astype(object), np.array([p[0] for p in pairs], dtype=object)])
        other = np.concatenate(
            [np.full(len(codes), None, dtype=object), np.array([p[1] for p in pairs], dtype=object)]
        )
        return code, other


def _pieces(
    river: _River,
    ri: NDArray[Any],
    label: NDArray[Any],
    geoms: NDArray[Any],
    *,
    shared: bool,
    river_of: NDArray[Any] | None = None,
) -> tuple[NDArray[Any], ...]:
    """(ri, from, to, shared, label) arrays for every line part of ``geoms[i]``, which lies
    on river ``ri[i]`` (or ``river_of[ri[i]]``)."""
    xy, start, k = _line_parts(geoms)
    first, last = start[:-1], start[1:] - 1
    part, same = _part_of(start)
    seg = np.hypot(*np.diff(xy, axis=0).T)[same] if len(xy) else np.zeros(0)
    length = (
        np.bincount(part[:-1][same], weights=seg, minlength=len(first))
        if len(xy)
        else np.zeros(len(first))
    )
    keep = (last > first) & (length > 0)
    first, last, k = first[keep], last[keep], k[keep]
    lo, hi = river.ends(xy, first, last, ri[k] if river_of is None else river_of[ri[k]])
    return ri[k], lo, hi, np.full(len(k), shared), np.asarray(label)[k].astype(np.int64)


def _line_parts(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The LineString parts of each geometry as coordinates (CSR ``start``) and the index
    of the geometry each came from; other parts (points of a touch) are left out. Read as
    ragged arrays: no Python object per part."""
    t = shapely.get_type_id(geoms)
    lines = np.flatnonzero(((t == 1) | (t == 5)) & ~shapely.is_empty(geoms))
    coll = np.flatnonzero(t == 7)
    xs, starts, owners, base = [], [], [], 0
    if len(lines):
        kind, xy, offsets = shapely.to_ragged_array(geoms[lines])
        if kind == shapely.GeometryType.LINESTRING:
            part_start, part_owner = offsets[0], np.arange(len(lines))
        else:
            part_start = offsets[0]
            part_owner = np.repeat(np.arange(len(lines)), np.diff(offsets[1]))
        xs.append(xy)
        starts.append(part_start[:-1])
        owners.append(lines[part_owner])
        base = len(xy)
    if len(coll):
        parts, k = shapely.get_parts(geoms[coll], return_index=True)
        ok = shapely.get_type_id(parts) == 1
        xy, idx = shapely.get_coordinates(parts[ok], return_index=True)
        xs.append(xy)
        starts.append(base + np.searchsorted(idx, np.arange(ok.sum())))
        owners.append(coll[k[ok]])
    if not xs:
        return np.zeros((0, 2)), np.zeros(1, np.int64), np.zeros(0, np.int64)
    xy = np.ascontiguousarray(np.concatenate(xs))
    start = np.concatenate([*[s.astype(np.int64) for s in starts], [len(xy)]])
    return xy, start, np.concatenate(owners).astype(np.int64)


def _boundary_pieces(  # noqa: PLR0913 -- the part's arrays, passed on as they are
    river: _River,
    ri: NDArray[Any],
    ui: NDArray[Any],
    ugeo: NDArray[Any],
    rings: tuple[NDArray[Any], NDArray[Any]],
    tol: float,
    min_len: float,
    n_units: int,
) -> tuple[NDArray[Any], ...]:
    """Stretches that run along the shared edge of two units both met by the river."""
    # every pair of units met by the same river, in the order the river met them
    start = np.searchsorted(ri, np.arange(len(river.lines) + 1))
    k = np.diff(start)
    cr = np.repeat(np.arange(len(k)), k * (k - 1) // 2)
    i, j = _pairs(start, k)
    ca, cb = ui[i], ui[j]
    empty = (
        np.zeros(0, np.int64),
        np.zeros(0),
        np.zeros(0),
        np.zeros(0, bool),
        np.zeros(0, np.int64),
    )
    key = np.minimum(ca, cb) * n_units + np.maximum(ca, cb)
    # only units that touch share an edge: test the unique pairs, boxes first
    upair, back = np.unique(key, return_inverse=True)
    pa, pb = upair // n_units, upair % n_units
    ba, bb = shapely.bounds(ugeo[pa]), shapely.bounds(ugeo[pb])
    touch = (
        (ba[:, 0] <= bb[:, 2])
        & (bb[:, 0] <= ba[:, 2])
        & (ba[:, 1] <= bb[:, 3])
        & (bb[:, 1] <= ba[:, 3])
    )
    touch[touch] = shapely.intersects(ugeo[pa[touch]], ugeo[pb[touch]])
    touch = touch[back]
    cr, ca, cb, key = cr[touch], ca[touch], cb[touch], key[touch]
    # the shared edge lies on a's boundary inside b's box: a river not near that part of a's
    # boundary for min_len cannot follow the edge, so that edge is never computed for it
    box = shapely.bounds(ugeo[cb]) + np.array([-tol, -tol, tol, tol])
    near = (
        kernels.near_ring(
            river.xy, river.off, river.step, cr, ca, np.ascontiguousarray(box), *rings, float(tol)
        )
        >= min_len
    )
    cr, ca, cb, key = cr[near], ca[near], cb[near], key[near]
    if not len(cr):
        return empty
    keys, first, inv = np.unique(key, return_index=True, return_inverse=True)
    edges = shapely.intersection(
        shapely.boundary(ugeo[ca[first]]), shapely.boundary(ugeo[cb[first]])
    )
    long = ~shapely.is_empty(edges) & (shapely.length(edges) >= min_len)
    base = n_units + len(river.labels)
    river.labels.extend(zip(ca[first].tolist(), cb[first].tolist(), strict=True))
    eoff, eseg = _segments(edges)
    # "within tol of the shared edge" is a true distance: the compiled kernel clips the
    # river to one capsule per edge segment, whose union is the round-capped, round-joined
    # buffer of the whole edge (GEOS returns it as many two-point lines; flat-capped
    # rectangles around those left a notch at every bend)
    fast = np.flatnonzero(long[inv])
    start, lo, hi = kernels.band_pieces(
        river.xy,
        river.off,
        river.cum,
        river.step,
        cr[fast],
        inv[fast],
        eoff,
        eseg,
        float(tol),
        float(min_len),
    )
    cidx = np.repeat(fast, np.diff(start))
    order = np.argsort(cidx, kind="stable")  # the order the pairs were met in
    return (
        cr[cidx[order]],
        lo[order],
        hi[order],
        np.ones(len(cidx), bool),
        base + inv[cidx[order]],
    )


def _segments(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every segment (x0, y0, x1, y1) of each (multi)line, CSR by line."""
    xy, start, owner = _line_parts(lines)
    part, same = _part_of(start)
    seg = np.hstack([xy[:-1], xy[1:]])[same] if len(xy) else np.zeros((0, 4))
    seg_owner = owner[part[:-1][same]] if len(xy) else np.zeros(0, np.int64)
    order = np.argsort(seg_owner, kind="stable")  # parts of collections come last
    seg, seg_owner = seg[order], seg_owner[order]
    return np.searchsorted(seg_owner, np.arange(len(lines) + 1)), np.ascontiguousarray(seg)


def _part_of(start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The part of every vertex (CSR ``start``), and which consecutive vertices share one."""
    part = np.repeat(np.arange(len(start) - 1), np.diff(start))
    return part, part[1:] == part[:-1]


def _pairs(start: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs (i, j), i < j, within each group ``start[g]:start[g] + k[g]``, in order."""
    n = k * (k - 1) // 2
    if not n.sum():
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    g = np.repeat(np.arange(len(k)), n)
    t = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)  # rank of the pair in its group
    # pair t of a group of size m: i from the triangular layout, rows (0,1),(0,2)...(1,2)...
    m = k[g]
    i = (2 * m - 1 - np.sqrt((2 * m - 1) ** 2 - 8 * t)) // 2
    i = i.astype(np.int64)
    i -= t < i * (2 * m - i - 1) // 2  # guard float rounding
    i += t >= (i + 1) * (2 * m - i - 2) // 2
    j = t - i * (2 * m - i - 1) // 2 + i + 1
    return start[:-1][g] + i, start[:-1][g] + j


def _in(gdf: gpd.GeoDataFrame, crs: pyproj.CRS, workers: int | None = None) -> gpd.GeoDataFrame:
    """``gdf`` in ``crs``; a large frame is projected in chunks on threads (PROJ releases the
    GIL, and a point's projection does not depend on its neighbours)."""
    if gdf.crs is not None and gdf.crs.equals(crs):
        return gdf
    n = worker_count(workers)
    if n == 1 or len(gdf) < 20_000:
        return gdf.to_crs(crs)
    bounds = np.linspace(0, len(gdf), 4 * n + 1).astype(int)
    chunks = map_threads(
        lambda ab: gdf.iloc[ab[0] : ab[1]].to_crs(crs),
        list(zip(bounds[:-1], bounds[1:], strict=True)),
        workers,
    )
    return pd.concat(chunks)


def _ancestors(admin: gpd.GeoDataFrame) -> dict[str, dict[str, str]]:
    """Each unit's township and county codes, by walking parent codes up."""
    level = dict(zip(admin["admin_code"], admin["level"], strict=True))
    parent = dict(zip(admin["admin_code"], admin["parent_code"], strict=True))
    out = {}
    for code in level:
        up: dict[str, str] = {}
        c, seen = code, set()
        while c in level and c not in seen:
            seen.add(c)
            up.setdefault(level[c], c)
            c = parent.get(c)
        out[code] = up
    return out


def county_reaches(rivers: gpd.GeoDataFrame, admin: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """County level: one reach per river, its whole length in the county.

    Parameters
    ----------
    rivers : GeoDataFrame
        The ``rivers`` layer.
    admin : GeoDataFrame
        The ``admin_units`` layer with one county-level unit.

    Returns
    -------
    GeoDataFrame (metric CRS)
        Columns :data:`REACH_COLUMNS`; ``reach_id`` is ``<river_code>/C/0``, ``to_m`` the
        river's length and ``length_m`` its length inside the county. A river with no
        length inside the county has no reach (it is not the county's to assign).
    """
    crs = metric_crs(admin)
    county = admin[admin["level"] == "county"].to_crs(crs)
    code = county["admin_code"].iloc[0]
    shape = county.geometry.iloc[0]
    lines = rivers.to_crs(crs)
    rows = []
    for r in lines.itertuples():
        inside = r.geometry.intersection(shape)
        if inside.length == 0:  # a river kept outside the county (import --no-clip) has no reach
            continue
        rows.append(
            {
                "reach_id": f"{r.river_code}/C/0",
                "river_code": r.river_code,
                "level": "county",
                "admin_code": code,
                "shared_admin_code": None,
                "county_code": code,
                "township_code": None,
                "from_m": 0.0,
                "to_m": round(r.geometry.length, 2),
                "length_m": round(inside.length, 2),
                "geometry": r.geometry,
            }
        )
    return gpd.GeoDataFrame(rows, columns=REACH_COLUMNS, geometry="geometry", crs=crs)
