"""Clip imported rows to the county: what lies outside it is counted and refused, not kept.

A provincial file imported whole would put every river of the province into one county's
inventory. The county is the ``admin_units`` unit of level ``county``; a stretch of a line
(or part of a polygon, or a point) outside it that stays within ``border_buffer`` metres of
it (rule table ``import_clip``) is kept, so a river that forms the border and is digitised
on the far bank is not cut away; anything that goes further out is cut at the boundary.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pyproj
import shapely

from gis import rules
from gis.crs import STORAGE_EPSG, gk_epsg_for_lon
from gis.io.reasons import Reason
from gis.io.validate import Problem
from gis.store import Store

ENV = "RIVERCHIEF_IMPORT_CLIP"  # path of a county's own import_clip.csv
REASON_CODE = "import.outside_county"

_POINT, _LINE, _POLYGON = 0, 1, 2


@dataclass(frozen=True)
class Area:
    """The county to clip to, in the storage CRS.

    ``county`` is the unit's boundary, ``near`` the boundary grown by ``buffer_m`` metres,
    ``label`` the unit's code and name for messages, ``rule_set`` where the buffer came from.
    """

    county: shapely.Geometry
    near: shapely.Geometry
    buffer_m: float
    label: str
    rule_set: str


def border_buffer() -> tuple[float, str]:
    """The border buffer in metres and its rule set (``$RIVERCHIEF_IMPORT_CLIP`` overrides).

    Returns
    -------
    (float, str)
        Metres, and ``default:import_clip`` or ``override:<path>``.
    """
    table = rules.load("import_clip", override=os.environ.get(ENV) or None)
    value = float(rules.row(table, "name", "border_buffer")["value"])
    return value, str(table.attrs["rule_set"])


def county_area(store: Store) -> Area | Reason:
    """The county of ``store`` to clip to, or the import note saying why there is none.

    Parameters
    ----------
    store : Store
        The county store; its ``admin_units`` unit of level ``county`` is the boundary.

    Returns
    -------
    Area or Reason
        The area, or the note that rows are not clipped (no county unit, or more than one).
    """
    if "admin_units" not in store.layers():
        return Reason("note.not_clipped_no_county")
    admin = store.read("admin_units")
    county = admin[admin["level"] == "county"]
    county = county[county.geometry.notna() & ~county.geometry.is_empty]
    if county.empty:
        return Reason("note.not_clipped_no_county")
    codes = sorted({str(c) for c in county["admin_code"]})
    if len(codes) > 1:
        return Reason("note.not_clipped_counties", {"n": len(codes), "codes": codes})
    shape = shapely.union_all(county.to_crs(STORAGE_EPSG).geometry.values)
    buffer_m, rule_set = border_buffer()
    lon = shapely.centroid(shape).x
    gk = pyproj.CRS.from_epsg(gk_epsg_for_lon(lon))
    near = _project(_project(shape, STORAGE_EPSG, gk).buffer(buffer_m), gk, STORAGE_EPSG)
    shapely.prepare(shape)
    shapely.prepare(near)
    name = str(county["name"].iloc[0]) if "name" in county.columns else ""
    return Area(shape, near, buffer_m, f"{codes[0]} {name}".strip(), rule_set)


def _project(geom: shapely.Geometry, src: object, dst: object) -> shapely.Geometry:
    """``geom`` from CRS ``src`` to ``dst`` (x, y order)."""
    move = pyproj.Transformer.from_crs(src, dst, always_xy=True).transform
    return shapely.transform(geom, lambda c: np.column_stack(move(c[:, 0], c[:, 1])))


def clip(geoms: np.ndarray, area: Area) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each geometry within ``area``: (clipped geometries, wholly outside, cut).

    Parameters
    ----------
    geoms : array of shapely geometries (or None)
        In the storage CRS.
    area : Area
        From :func:`county_area`.

    Returns
    -------
    (array, bool array, bool array)
        The geometries as kept (None where wholly outside), the rows wholly outside, and
        the rows that were cut at the boundary. A part outside the county that stays within
        the border buffer is kept with the rest; a line cut in two stays one row, a
        MultiLineString.
    """
    out = geoms.copy()
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    inside = present & shapely.within(geoms, area.county)
    near = present & ~inside & shapely.intersects(geoms, area.near)
    outside = present & ~inside & ~near
    cut = np.zeros(len(geoms), dtype=bool)
    for i in np.flatnonzero(near & ~shapely.within(geoms, area.near)).tolist():
        kept = _cut(geoms[i], area)
        if kept is None:
            outside[i] = True
        else:
            out[i], cut[i] = kept, True
    out[outside] = None
    return out, outside, cut


def _cut(geom: shapely.Geometry, area: Area) -> shapely.Geometry | None:
    """``geom`` inside the county, with the parts outside that stay near it; None if nothing."""
    family = _family(geom)
    if family == _POINT:  # a multi-point: the points near the county
        parts = [p for p in shapely.get_parts(geom) if area.near.intersects(p)]
        return shapely.multipoints(parts) if parts else None
    pieces = [shapely.intersection(geom, area.county)]
    pieces += [
        p
        for p in shapely.get_parts(shapely.difference(geom, area.county))
        if shapely.within(p, area.near)
    ]
    kept = _only(shapely.union_all([p for p in pieces if not p.is_empty]), family)
    if kept is None or family != _LINE:
        return kept
    return _in_flow_order(shapely.line_merge(kept), geom)


def _in_flow_order(lines: shapely.Geometry, original: shapely.Geometry) -> shapely.Geometry:
    """The parts of ``lines`` in the direction and order of ``original`` (the overlay and
    the merge may reverse and reorder them; chainage runs from the source)."""
    placed = []
    for part in shapely.get_parts(lines):
        a, b = (original.project(shapely.Point(part.coords[k])) for k in (0, -1))
        placed.append((min(a, b), shapely.reverse(part) if b < a else part))
    parts = [p for _, p in sorted(placed, key=lambda t: t[0])]
    return parts[0] if len(parts) == 1 else shapely.multilinestrings(parts)


def _family(geom: shapely.Geometry) -> int:
    return {"Point": _POINT, "LineString": _LINE, "Polygon": _POLYGON}[
        geom.geom_type.removeprefix("Multi")
    ]


def _only(geom: shapely.Geometry, family: int) -> shapely.Geometry | None:
    """The parts of ``geom`` of one family (a line touching the boundary leaves a point)."""
    parts = [p for p in shapely.get_parts(geom) if not p.is_empty and _family(p) == family]
    if not parts:
        return None
    if family == _LINE:
        return shapely.multilinestrings(parts) if len(parts) > 1 else parts[0]
    return shapely.multipolygons(parts) if len(parts) > 1 else parts[0]


def outside_problem(row: int, area: Area) -> Problem:
    """The reject row of a feature wholly outside the county (coded where Problem has codes).

    Parameters
    ----------
    row : int
        The row number as the file counts it.
    area : Area
        The county clipped to.

    Returns
    -------
    Problem
    """
    from gis.io.reasons import Reason

    said = {"county": area.label, "buffer_m": f"{area.buffer_m:g}"}
    return Problem.of(row, "geometry", Reason(REASON_CODE, said))
