"""Names on the map from the county's own layers: townships, villages and rivers, each
kind from its zoom (:data:`gis.maps.style.LABEL_MIN_ZOOM`).

A township or village name sits at a point inside its polygon; a river's name at the
middle of its longest part, turned along the line there (Leaflet draws no curved text
offline). Names are hostile text: the browser gets them as JSON and sets them as
``textContent``, never as HTML.
"""

from __future__ import annotations

import html
import math
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from folium.map import Layer
from jinja2 import Template

from gis.catalogue import CHIEF_LEVELS
from gis.i18n import t
from gis.maps.style import LABEL_MIN_ZOOM

#: Rivers whose names show from county scale; the others from :data:`LABEL_MIN_ZOOM`.
MAJOR_RIVER_LEVELS = ("province", "city", "county")
_COLUMNS = ["kind", "name", "angle", "geometry"]


def _along(line: shapely.LineString) -> tuple[shapely.Point, float]:
    """The middle of ``line`` and the angle of the line there, in degrees clockwise on
    screen (north up, longitude scaled by cos(latitude)), kept between -90 and 90 so the
    text reads left to right."""
    mid = line.interpolate(0.5, normalized=True)
    a = line.interpolate(max(line.length * 0.5 - line.length * 0.05, 0.0))
    b = line.interpolate(min(line.length * 0.5 + line.length * 0.05, line.length))
    dx = (b.x - a.x) * math.cos(math.radians(mid.y))
    dy = b.y - a.y
    angle = -math.degrees(math.atan2(dy, dx)) if (dx or dy) else 0.0
    if angle > 90:
        angle -= 180
    elif angle < -90:
        angle += 180
    return mid, round(angle, 1)


def _longest(geom: shapely.Geometry) -> shapely.LineString | None:
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, shapely.LineString)]
    return max(parts, key=lambda p: p.length) if parts else None


def label_points(layers: dict[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Where each name goes: one row per named township, village and river.

    Parameters
    ----------
    layers : dict of GeoDataFrame
        From :func:`gis.maps.overview_layers` (EPSG:4326; names as escaped text).

    Returns
    -------
    GeoDataFrame
        ``kind`` (a key of :data:`LABEL_MIN_ZOOM`), ``name`` (escaped text, as in
        ``layers``), ``angle`` (degrees) and a point geometry, EPSG:4326.

    Examples
    --------
    >>> none = gpd.GeoDataFrame(geometry=[], crs=4326)
    >>> lay = {"admin_township": gpd.GeoDataFrame(
    ...     {"name": ["云口镇 &amp; 河"]}, geometry=[shapely.box(105, 30, 105.2, 30.2)], crs=4326),
    ...     "rivers_county": gpd.GeoDataFrame(
    ...     {"name": ["黄沟江"]}, geometry=[shapely.LineString([(105, 30), (105.2, 30)])],
    ...     crs=4326)}
    >>> pts = label_points(lay)
    >>> pts[["kind", "name", "angle"]].values.tolist()
    [['township', '云口镇 &amp; 河', 0.0], ['river_major', '黄沟江', -0.0]]
    """
    rows: list[dict[str, Any]] = []
    for kind in ("township", "village"):
        gdf = layers.get(f"admin_{kind}")
        if gdf is None or not len(gdf):
            continue
        named = gdf[gdf["name"].notna() & gdf.geometry.notna() & ~gdf.geometry.is_empty]
        pts = named.geometry.representative_point()
        rows += [
            {"kind": kind, "name": n, "angle": 0.0, "geometry": p}
            for n, p in zip(named["name"], pts, strict=True)
        ]
    for level in CHIEF_LEVELS:
        gdf = layers.get(f"rivers_{level}")
        if gdf is None or not len(gdf):
            continue
        kind = "river_major" if level in MAJOR_RIVER_LEVELS else "river_minor"
        named = gdf[gdf["name"].notna() & gdf.geometry.notna() & ~gdf.geometry.is_empty]
        for name, geom in zip(named["name"], named.geometry, strict=True):
            line = _longest(geom)
            if line is not None and line.length > 0:
                p, angle = _along(line)
                rows.append({"kind": kind, "name": name, "angle": angle, "geometry": p})
    return gpd.GeoDataFrame(rows or None, columns=_COLUMNS, geometry="geometry", crs=4326)


class Labels(Layer):
    """The names as one toggleable layer (注记) of Leaflet DivIcons, each kind shown from
    its zoom. Rows are ``[lat, lon, name, angle]`` per kind; names set as text."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function() {
            var map = {{ this._parent.get_name() }}, all = L.layerGroup();
            var data = {{ this.rows|tojson }}, from = {{ this.min_zoom|tojson }};
            var kinds = Object.keys(data).map(function(kind) {
                var g = L.layerGroup();
                data[kind].forEach(function(r) {
                    var s = document.createElement("span");
                    s.textContent = r[2];
                    if (r[3]) {
                        s.style.transform = "translate(-50%, -50%) rotate(" + r[3] + "deg)";
                    }
                    L.marker([r[0], r[1]], {
                        icon: L.divIcon({className: "rc-label rc-label-" + kind.split("_")[0],
                                         html: s, iconSize: null}),
                        interactive: false, keyboard: false
                    }).addTo(g);
                });
                return {group: g, from: from[kind]};
            });
            function show() {
                var z = map.getZoom();
                kinds.forEach(function(k) {
                    if (z >= k.from) { all.addLayer(k.group); } else { all.removeLayer(k.group); }
                });
            }
            map.on("zoomend", show);
            map.whenReady(show);
            return all;
        })();
        {% endmacro %}
    """)

    def __init__(self, points: gpd.GeoDataFrame, *, lang: str = "zh", show: bool = True) -> None:
        super().__init__(name=t("labels", lang), overlay=True, show=show)
        self._name = "Labels"
        self._rc_group = "base"
        self.min_zoom = dict(LABEL_MIN_ZOOM)
        self.rows = self.rows_of(points)

    @staticmethod
    def rows_of(points: gpd.GeoDataFrame) -> dict[str, list[list[Any]]]:
        """``{kind: [[lat, lon, name, angle], ...]}`` from :func:`label_points`; names as
        plain text (the escaping of :func:`gis.maps.json_safe` undone: the browser sets
        them as text, so escaped they would show ``&amp;``)."""
        rows: dict[str, list[list[Any]]] = {k: [] for k in LABEL_MIN_ZOOM}
        if not len(points):
            return rows
        xy = np.round(shapely.get_coordinates(points.geometry.values), 5)
        for (x, y), kind, name, angle in zip(
            xy, points["kind"], points["name"], points["angle"], strict=True
        ):
            rows[kind].append([float(y), float(x), html.unescape(str(name)), float(angle)])
        return rows

    def shift(self, fn: Any) -> None:
        """Move every label with ``fn([lon, lat]) -> [lon, lat]`` (the Gaode shift)."""
        for rows in self.rows.values():
            for r in rows:
                r[1], r[0] = fn([r[1], r[0]])
