"""Reaches (分级分段): each river cut at admin boundaries, with shared boundary reaches.

A pure function over GeoDataFrames: rivers of one basin or county in, reaches out, so a
province can be processed partition by partition.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import substring

from gis.crs import metric_crs

REACH_COLUMNS = ["reach_id", "river_code", "level", "admin_code", "shared_admin_code", "county_code",
                 "township_code", "from_m", "to_m", "length_m", "geometry"]


def segment(rivers: gpd.GeoDataFrame, admin: gpd.GeoDataFrame, *, level: str, boundary_tolerance: float = 30.0,
            min_boundary_m: float = 300.0, sliver_m: float = 20.0) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Cut rivers into reaches at the boundaries of the admin units of ``level``.

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

    Returns
    -------
    reaches : GeoDataFrame (metric CRS)
        Columns :data:`REACH_COLUMNS`; ``shared_admin_code`` is set on boundary reaches.
    slivers : DataFrame
        The merged slivers: river_code, admin_code, from_m, to_m, merged_into.
    """
    crs = metric_crs(admin)
    units = admin[admin["level"] == level].to_crs(crs).reset_index(drop=True)
    county = admin[admin["level"] == "county"]
    county_code = county["admin_code"].iloc[0] if len(county) else None
    lines = rivers.to_crs(crs).reset_index(drop=True)
    parent = dict(zip(units["admin_code"], units["parent_code"], strict=True))
    ugeo = np.asarray(units.geometry.values)  # plain shapely objects: no pandas ufunc dispatch per call
    tree = shapely.STRtree(ugeo)
    codes = units["admin_code"].to_numpy()
    edges: dict[tuple[int, int], object] = {}  # shared-edge bands, computed once per unit pair
    rows, slivers = [], []
    for r in lines.itertuples():
        line = r.geometry
        ch = _Chainage(line)
        hits = tree.query(line, predicate="intersects")
        parts = shapely.intersection(line, ugeo[hits])
        pieces = _chainages(ch, parts, [(codes[u], None) for u in hits])
        pieces += _boundary_pieces(ch, hits, ugeo, codes, edges, boundary_tolerance, min_boundary_m)
        for a, b, code, shared in _resolve(pieces, line.length, sliver_m, slivers, r.river_code):
            township = code if level == "township" else parent.get(code)
            rows.append({"reach_id": f"{r.river_code}/{level[0].upper()}/{a:.0f}", "river_code": r.river_code,
                         "level": level, "admin_code": code, "shared_admin_code": shared, "county_code": county_code,
                         "township_code": township, "from_m": round(a, 2), "to_m": round(b, 2), "length_m": round(b - a, 2),
                         "geometry": ch.slice(a, b)})
    reaches = gpd.GeoDataFrame(rows, columns=REACH_COLUMNS, geometry="geometry", crs=crs)
    return reaches, pd.DataFrame(slivers, columns=["river_code", "admin_code", "from_m", "to_m", "merged_into"])


class _Chainage:
    """Metres along one river line from its start, by cumulative vertex distances.

    Pieces cut from the line by GEOS keep the line's own vertices exactly, so a piece's
    end is located from its neighbouring vertex (a table look-up) instead of projecting it
    onto the whole line; only pieces with no vertex of the line inside fall back to
    ``line_locate_point``.
    """

    def __init__(self, line) -> None:
        self.line = line
        self.xy = shapely.get_coordinates(line)
        step = np.hypot(*np.diff(self.xy, axis=0).T)
        self.step = step
        self.cum = np.concatenate([[0.0], np.cumsum(step)])
        self.index: dict[tuple[float, float], int] = {}
        for i, key in enumerate(map(tuple, self.xy.tolist())):
            self.index[key] = -1 if key in self.index else i  # a revisited vertex is ambiguous

    def ends(self, parts) -> np.ndarray:
        """(2, n) chainages of the first and last point of each LineString part."""
        out = np.full((2, len(parts)), np.nan)
        for k, (end, inner) in enumerate(((0, 1), (-1, -2))):
            p = shapely.get_coordinates(shapely.get_point(parts, end))
            q = shapely.get_coordinates(shapely.get_point(parts, inner))
            for n in range(len(parts)):
                out[k, n] = self._at(tuple(p[n]), tuple(q[n]))
        lost = np.isnan(out)
        if lost.any():  # no vertex of the line to anchor on: project (rare, short pieces)
            pts = np.concatenate([shapely.get_point(parts, 0), shapely.get_point(parts, -1)]).reshape(2, -1)
            out[lost] = shapely.line_locate_point(self.line, pts[lost])
        return out

    def _at(self, p, q) -> float:
        i = self.index.get(p)
        if i is not None and i >= 0:
            return float(self.cum[i])
        j = self.index.get(q)
        if j is None or j < 0:
            return float("nan")
        # p lies on one of the two segments that meet at vertex j: the one it is on (within
        # the segment, not only on its line: consecutive segments are often collinear)
        for a in (j - 1, j):
            if 0 <= a < len(self.step) and self.step[a] > 0:
                (x0, y0), (x1, y1) = self.xy[a], self.xy[a + 1]
                dx, dy = x1 - x0, y1 - y0
                t = ((p[0] - x0) * dx + (p[1] - y0) * dy) / self.step[a] ** 2
                off = abs(dx * (p[1] - y0) - dy * (p[0] - x0)) / self.step[a]
                if off < 1e-6 and -1e-9 <= t <= 1 + 1e-9:
                    return float(self.cum[a]) + min(max(t, 0.0), 1.0) * float(self.step[a])
        return float("nan")

    def slice(self, a: float, b: float):
        """The line from chainage ``a`` to ``b`` (what ``shapely.ops.substring`` gives)."""
        i, j = np.searchsorted(self.cum, a, side="right"), np.searchsorted(self.cum, b, side="left")
        pts = np.vstack([self._point(a), self.xy[i:j], self._point(b)])
        return shapely.linestrings(pts) if len(pts) >= 2 else substring(self.line, a, b)

    def _point(self, d: float) -> np.ndarray:
        k = int(np.clip(np.searchsorted(self.cum, d, side="right") - 1, 0, len(self.step) - 1))
        t = 0.0 if self.step[k] == 0 else (d - self.cum[k]) / self.step[k]
        return self.xy[k] + min(max(t, 0.0), 1.0) * (self.xy[k + 1] - self.xy[k])


def _chainages(ch: _Chainage, geoms, labels) -> list[tuple]:
    """(from, to, *label) for every line part of ``geoms[i]``."""
    parts, owner = shapely.get_parts(geoms, return_index=True)
    keep = (shapely.get_type_id(parts) == 1) & (shapely.length(parts) > 0)  # LineStrings only
    parts, owner = parts[keep], owner[keep]
    if not len(parts):
        return []
    at = ch.ends(parts)
    lo, hi = np.minimum(at[0], at[1]), np.maximum(at[0], at[1])
    return [(float(a), float(b), *labels[o]) for a, b, o in zip(lo, hi, owner, strict=True)]


def _boundary_pieces(ch, hits, ugeo, codes, edges, tol, min_len):
    """Stretches that run along the shared edge of two units: (from, to, a, b)."""
    bands, labels = [], []
    for i, a in enumerate(hits):
        for b in hits[i + 1:]:
            key = (min(a, b), max(a, b))
            if key not in edges:
                edge = shapely.intersection(ugeo[a].boundary, ugeo[b].boundary)
                edges[key] = None if edge.is_empty or edge.length < min_len else edge.buffer(tol, cap_style="flat")
            if edges[key] is not None:
                bands.append(edges[key])
                labels.append(tuple(sorted((codes[a], codes[b]))))
    if not bands:
        return []
    along = shapely.intersection(ch.line, np.array(bands, dtype=object))
    ok = shapely.length(along) >= min_len  # the river follows this boundary long enough
    return _chainages(ch, along[ok], [lab for lab, k in zip(labels, ok, strict=True) if k])


def _resolve(pieces, length, sliver_m, slivers, river_code):
    """One label per chainage interval: boundary stretches win, then the unit the river is
    in; adjacent equal labels merge; slivers join their longer neighbour."""
    if not pieces:
        return []
    cuts = np.unique(np.array([0.0, length] + [p[0] for p in pieces] + [p[1] for p in pieces]))
    lo = np.array([p[0] for p in pieces]) - 1e-6
    hi = np.array([p[1] for p in pieces]) + 1e-6
    is_shared = np.array([p[3] is not None for p in pieces])
    mids = (cuts[:-1] + cuts[1:]) / 2
    cover = (lo[None, :] <= mids[:, None]) & (mids[:, None] <= hi[None, :])  # spans × pieces
    # boundary stretches win over the unit the river is in
    pick = np.where((cover & is_shared).any(axis=1), np.argmax(cover & is_shared, axis=1), np.argmax(cover, axis=1))
    spans = []
    for k, (a, b) in enumerate(zip(cuts[:-1], cuts[1:], strict=True)):
        if b - a <= 1e-6 or not cover[k].any():
            continue  # a zero-length cut, or outside every unit (beyond the county)
        p = pieces[pick[k]]
        label = (p[2], p[3])
        if spans and spans[-1][2] == label and abs(spans[-1][1] - a) < 1e-6:
            spans[-1][1] = b
        else:
            spans.append([a, b, label])
    changed = True
    while changed and len(spans) > 1:
        changed = False
        for i, (a, b, label) in enumerate(spans):
            if b - a >= sliver_m:
                continue
            left = spans[i - 1] if i > 0 else None
            right = spans[i + 1] if i + 1 < len(spans) else None
            into = max((n for n in (left, right) if n is not None), key=lambda n: n[1] - n[0])
            slivers.append((river_code, label[0], a, b, into[2][0]))
            into[0], into[1] = min(into[0], a), max(into[1], b)
            del spans[i]
            # merge neighbours that now touch with equal labels
            merged = []
            for s in spans:
                if merged and merged[-1][2] == s[2] and abs(merged[-1][1] - s[0]) < 1e-6:
                    merged[-1][1] = s[1]
                else:
                    merged.append(s)
            spans[:] = merged
            changed = True
            break
    return [(a, b, label[0], label[1]) for a, b, label in spans]


def county_reaches(rivers: gpd.GeoDataFrame, admin: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """County level: one reach per river, its whole length in the county."""
    crs = metric_crs(admin)
    county = admin[admin["level"] == "county"].to_crs(crs)
    code = county["admin_code"].iloc[0]
    shape = county.geometry.iloc[0]
    lines = rivers.to_crs(crs)
    rows = []
    for r in lines.itertuples():
        inside = r.geometry.intersection(shape)
        rows.append({"reach_id": f"{r.river_code}/C/0", "river_code": r.river_code, "level": "county", "admin_code": code,
                     "shared_admin_code": None, "county_code": code, "township_code": None, "from_m": 0.0,
                     "to_m": round(r.geometry.length, 2), "length_m": round(inside.length, 2), "geometry": r.geometry})
    return gpd.GeoDataFrame(rows, columns=REACH_COLUMNS, geometry="geometry", crs=crs)
