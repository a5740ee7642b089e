"""Reaches (分级分段): each river cut at admin boundaries, with shared boundary reaches.

A pure function over GeoDataFrames: rivers of one basin or county in, reaches out, so a
province can be processed partition by partition.
"""

from __future__ import annotations

import geopandas as gpd
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
    ugeo = units.geometry.values
    tree = shapely.STRtree(ugeo)
    outer = shapely.union_all(ugeo).boundary if len(ugeo) else None
    rows, slivers = [], []
    for r in lines.itertuples():
        line = r.geometry
        hits = tree.query(line, predicate="intersects")
        pieces = []  # (from, to, admin, shared)
        for u in hits:
            part = line.intersection(ugeo[u])
            for g in getattr(part, "geoms", [part]):
                if g.geom_type == "LineString" and g.length > 0:
                    a, b = sorted((line.project(shapely.Point(g.coords[0])), line.project(shapely.Point(g.coords[-1]))))
                    pieces.append((a, b, units["admin_code"].iat[u], None))
        pieces += _boundary_pieces(line, hits, ugeo, units, outer, boundary_tolerance, min_boundary_m)
        for a, b, code, shared in _resolve(pieces, line.length, sliver_m, slivers, r.river_code):
            township = code if level == "township" else parent.get(code)
            rows.append({"reach_id": f"{r.river_code}/{level[0].upper()}/{a:.0f}", "river_code": r.river_code,
                         "level": level, "admin_code": code, "shared_admin_code": shared, "county_code": county_code,
                         "township_code": township, "from_m": round(a, 2), "to_m": round(b, 2), "length_m": round(b - a, 2),
                         "geometry": substring(line, a, b)})
    reaches = gpd.GeoDataFrame(rows, columns=REACH_COLUMNS, geometry="geometry", crs=crs)
    return reaches, pd.DataFrame(slivers, columns=["river_code", "admin_code", "from_m", "to_m", "merged_into"])


def _boundary_pieces(line, hits, ugeo, units, outer, tol, min_len):
    """Stretches that run along the shared edge of two units: (from, to, a, b)."""
    out = []
    for i, a in enumerate(hits):
        for b in hits[i + 1:]:
            edge = shapely.intersection(ugeo[a].boundary, ugeo[b].boundary)
            if edge.is_empty or edge.length < min_len:
                continue
            along = line.intersection(edge.buffer(tol, cap_style="flat"))
            if along.length < min_len:  # the river follows this boundary too briefly
                continue
            for g in getattr(along, "geoms", [along]):
                if g.geom_type != "LineString" or g.length <= 0:
                    continue
                s, e = sorted((line.project(shapely.Point(g.coords[0])), line.project(shapely.Point(g.coords[-1]))))
                ca, cb = sorted((units["admin_code"].iat[a], units["admin_code"].iat[b]))
                out.append((s, e, ca, cb))
    return out


def _resolve(pieces, length, sliver_m, slivers, river_code):
    """One label per chainage interval: boundary stretches win, then the unit the river is
    in; adjacent equal labels merge; slivers join their longer neighbour."""
    if not pieces:
        return []
    cuts = sorted({0.0, length, *(p[0] for p in pieces), *(p[1] for p in pieces)})
    spans = []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        if b - a <= 1e-6:
            continue
        mid = (a + b) / 2
        cover = [p for p in pieces if p[0] - 1e-6 <= mid <= p[1] + 1e-6]
        shared = [p for p in cover if p[3] is not None]
        label = (shared[0][2], shared[0][3]) if shared else ((cover[0][2], None) if cover else None)
        if label is None:
            continue  # outside every unit (beyond the county)
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
