"""The reference for ``bench_segment.py``: segmentation (分级分段) done the straightforward
way with geopandas overlays, to the same rules as :func:`gis.reaches.segment`.

1. ``overlay(rivers, units)``: the pieces of each river in each unit.
2. ``sjoin(units, units, "touches")``: neighbouring units; their shared edge, buffered by
   the tolerance (round caps and joins: within that distance), is a band;
   ``overlay(rivers, bands)`` gives the stretches
   along it, kept where a river follows the edge for ``min_boundary_m``.
3. Chainage of every piece end by projecting it onto its river (``line_locate_point``).
4. Per river, in Python: a boundary stretch wins, then the unit the river is in (ties: the
   stretch before goes on unless it is a sliver, else the lower code); equal
   neighbours merge; slivers join their longer neighbour (the rule ``segment`` applies,
   as it was written before it was compiled).

Not part of the library: it exists to be measured against and to check that both give
the same reaches.
"""

from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis.crs import metric_crs

#: Segments per quarter circle of the round caps and joins: 30 m * (1 - cos(pi / 128)) is
#: 9 mm at most between the polygon and the true circle (GEOS's default of 8 left ends of
#: boundary reaches up to 4 cm off, and a 20.03 m stretch a sliver on one side only)
QUAD_SEGS = 64


def overlay_segment(
    rivers: gpd.GeoDataFrame,
    admin: gpd.GeoDataFrame,
    *,
    level: str = "village",
    boundary_tolerance: float = 30.0,
    min_boundary_m: float = 300.0,
    sliver_m: float = 20.0,
    steps: dict | None = None,
) -> pd.DataFrame:
    """Reaches as a DataFrame: river_code, admin_code, shared_admin_code, from_m, to_m.

    ``steps``, if given, receives the seconds each of the four steps took."""
    steps = {} if steps is None else steps
    t = time.perf_counter()
    crs = metric_crs(admin)
    units = (
        admin[admin["level"] == level][["admin_code", "geometry"]]
        .to_crs(crs)
        .reset_index(drop=True)
    )
    lines = rivers[["river_code", "geometry"]].to_crs(crs).reset_index(drop=True)

    inside = gpd.overlay(lines, units, how="intersection", keep_geom_type=True).explode(
        ignore_index=True
    )
    inside["shared_admin_code"] = None
    steps["overlay rivers x units"], t = time.perf_counter() - t, time.perf_counter()

    pairs = gpd.sjoin(units, units, predicate="touches")
    pairs = pairs[pairs["admin_code_left"] < pairs["admin_code_right"]]
    edge = units.geometry.loc[pairs.index].boundary.intersection(
        units.geometry.loc[pairs["index_right"]].boundary, align=False
    )
    # the edge is where the two share a line: a point where they only touch (two units
    # meeting corner to corner) is no edge to follow
    edge = [
        shapely.MultiLineString([p for p in shapely.get_parts(g) if p.geom_type == "LineString"])
        for g in edge
    ]
    bands = gpd.GeoDataFrame(
        {
            "admin_code": pairs["admin_code_left"].to_numpy(),
            "shared_admin_code": pairs["admin_code_right"].to_numpy(),
        },
        geometry=edge,
        crs=crs,
    )
    bands = bands[bands.length >= min_boundary_m]
    # within the tolerance of the edge, a true distance: round caps and joins (flat caps
    # around GEOS's two-point edge segments left a notch at every bend)
    bands = bands.set_geometry(bands.buffer(boundary_tolerance, quad_segs=QUAD_SEGS))
    along = gpd.overlay(lines, bands, how="intersection", keep_geom_type=True)
    along = along[along.length >= min_boundary_m].explode(ignore_index=True)
    steps["shared-edge bands + overlay"], t = time.perf_counter() - t, time.perf_counter()

    pieces = pd.concat([inside, along], ignore_index=True)
    pieces = pieces[pieces.geom_type == "LineString"]
    river = lines.set_index("river_code").geometry
    own = river.loc[pieces["river_code"]].to_numpy()
    ends = [
        shapely.line_locate_point(own, shapely.get_point(pieces.geometry.to_numpy(), k))
        for k in (0, -1)
    ]
    pieces = pieces.assign(lo=np.minimum(*ends), hi=np.maximum(*ends))
    steps["chainage (line_locate_point)"], t = time.perf_counter() - t, time.perf_counter()

    rows = []
    for code, grp in pieces.groupby("river_code", sort=False):
        labelled = list(
            zip(grp["lo"], grp["hi"], grp["admin_code"], grp["shared_admin_code"], strict=True)
        )
        for a, b, unit, other in _resolve(labelled, river.loc[code].length, sliver_m):
            rows.append((code, unit, other, a, b))
    steps["labels, slivers (Python)"] = time.perf_counter() - t
    return pd.DataFrame(
        rows, columns=["river_code", "admin_code", "shared_admin_code", "from_m", "to_m"]
    )


def _resolve(pieces, length, sliver_m):
    """One label per chainage interval of one river (see the module docstring, step 4)."""
    sliver_m -= 0.005  # a span that rounds to sliver_m at the cm is no sliver
    cuts = sorted({0.0, length, *(p[0] for p in pieces), *(p[1] for p in pieces)})
    spans = []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        mid = (a + b) / 2
        cover = [p for p in pieces if p[0] - 1e-6 <= mid <= p[1] + 1e-6]
        if b - a <= 1e-6 or not cover:
            continue
        shared = [q for q in cover if q[3] is not None]
        labels = {(q[2], q[3]) for q in (shared or cover)}
        before = spans[-1] if spans and abs(spans[-1][1] - a) < 1e-6 else None
        if before and before[2] in labels and before[1] - before[0] >= sliver_m:
            label = before[2]  # ties: the stretch before goes on (no sliver), else code order
        else:
            label = min(labels, key=lambda q: (q[0], q[1] or ""))
        if spans and spans[-1][2] == label and abs(spans[-1][1] - a) < 1e-6:
            spans[-1][1] = b
        else:
            spans.append([a, b, label])
    while len(spans) > 1:
        short = [i for i, s in enumerate(spans) if s[1] - s[0] < sliver_m]
        if not short:
            break
        i = short[0]
        near = [spans[k] for k in (i - 1, i + 1) if 0 <= k < len(spans)]
        into = max(near, key=lambda s: s[1] - s[0])
        into[0], into[1] = min(into[0], spans[i][0]), max(into[1], spans[i][1])
        del spans[i]
        merged = []
        for s in spans:
            if merged and merged[-1][2] == s[2] and abs(merged[-1][1] - s[0]) < 1e-6:
                merged[-1][1] = s[1]
            else:
                merged.append(s)
        spans = merged
    return [(a, b, label[0], label[1]) for a, b, label in spans]
