"""Optional online basemaps on top of the offline map: Tianditu, OpenStreetMap, Gaode.

The default is ``offline`` (the hillshade and admin boundaries drawn by :mod:`gis.maps`):
nothing is requested off the machine. Gaode tiles are drawn in GCJ-02, so on that
basemap every data layer is shifted into GCJ-02 (one pass over the finished map) and a
click on it is shifted back before it is used.
"""

from __future__ import annotations

import os
from typing import Any

import folium
import numpy as np
import shapely
from jinja2 import Template

from gis import coords
from gis._errors import InputError, UnknownNameError
from gis.i18n import t
from gis.maps.labels import Labels

BASEMAPS = ("offline", "tianditu", "osm", "gaode")
#: Where the Tianditu key (tk) is looked for when the caller passes none.
TIANDITU_ENV = "TIANDITU_TK"

# Tianditu's Web Mercator (_w) layers: vector map and its labels.
_TIANDITU = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}"
    "&TILECOL={{x}}&tk={key}"
)
_OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_GAODE = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"


class OfflineNotice(folium.MacroElement):
    """A note on the map when the online tiles do not load (no internet): the map then
    shows only the local data, and says so instead of staying silently blank."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }}, shown = false;
            map.eachLayer(function(layer) {
                if (!(layer instanceof L.TileLayer)) { return; }
                layer.on("tileerror", function() {
                    if (shown) { return; }
                    shown = true;
                    var c = L.control({position: "bottomright"});
                    c.onAdd = function() {
                        var div = L.DomUtil.create("div", "rc-basemap-offline");
                        div.textContent = {{ this.text|tojson }};
                        return div;
                    };
                    c.addTo(map);
                });
            });
        })();
        {% endmacro %}
    """)

    def __init__(self, lang: str = "zh") -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # folium's MacroElement is untyped
        self._name = "OfflineNotice"
        self._id = "rcoffline"  # stable, without "_" (see the tiles' ids)
        self.text = t("basemap_unreachable", lang)


def apply_basemap(
    m: folium.Map,
    basemap: str = "offline",
    *,
    tianditu_key: str | None = None,
    lang: str | None = None,
) -> folium.Map:
    """Add the tiles of ``basemap`` under the data of a finished map (in place).

    The tiles replace the offline hillshade. For ``gaode`` every GeoJSON layer, marker,
    image overlay and map extent is shifted from WGS84/CGCS2000 into GCJ-02 so the data
    sits on the tiles. Raises InputError for
    ``tianditu`` without a key (argument or the ``TIANDITU_TK`` environment variable).

    Parameters
    ----------
    m : folium.Map
        A finished map; changed in place.
    basemap : str
        One of :data:`BASEMAPS`; ``offline`` changes nothing.
    tianditu_key : str, optional
        The Tianditu key; ``$TIANDITU_TK`` by default.
    lang : {"zh", "en"}, optional
        Language of the note shown when the tiles do not load; the map's own (set by
        :func:`gis.maps.base.framed_map`) by default.

    Returns
    -------
    folium.Map
        ``m`` itself.

    Raises
    ------
    UnknownNameError
        An unknown basemap.
    InputError
        ``tianditu`` without a key.
    """
    if basemap not in BASEMAPS:
        raise UnknownNameError("basemap", basemap, BASEMAPS)
    if basemap == "offline":
        return m
    if basemap == "tianditu":
        key = tianditu_key or os.environ.get(TIANDITU_ENV)
        if not key:
            raise InputError(
                code="basemap.tianditu_key", field="tianditu_key", params={"env": TIANDITU_ENV}
            )
        layers = [(_TIANDITU.format(s="{s}", layer=lyr, key=key), lyr) for lyr in ("vec", "cva")]
        attr, subdomains = "天地图 Tianditu", "01234567"
    elif basemap == "osm":
        layers, attr, subdomains = [(_OSM, "osm")], "© OpenStreetMap contributors", "abc"
    else:
        layers, attr, subdomains = [(_GAODE, "gaode")], "高德地图 AutoNavi (GCJ-02)", "1234"
        shift_to_gcj02(m)
    # the offline hillshade is the offline basemap: the tiles replace it
    for k in [
        k for k, el in m._children.items() if isinstance(el, folium.raster_layers.ImageOverlay)
    ]:
        del m._children[k]
    tiles = []
    for url, name in layers:
        tile = folium.TileLayer(
            url,
            attr=attr,
            name=f"{basemap}:{name}",
            subdomains=subdomains,
            overlay=False,
            control=False,
            max_zoom=18,
        )
        # stable (the same JS on every rerun) and without "_": st_folium renames variables
        # by id with a pattern that an underscore breaks
        tile._id = f"rcbase{name}"
        tiles.append(tile)
    # tiles must draw first (under the data): put them at the front of the map's children
    rest = list(m._children.items())
    m._children.clear()
    for tile in tiles:
        tile._parent = m
        m._children[tile.get_name()] = tile
    m._children.update(rest)
    m.add_child(OfflineNotice(str(lang or getattr(m, "_rc_lang", "zh"))))
    return m


def shift_to_gcj02(m: folium.Map) -> folium.Map:
    """Move every coordinate of a folium map's data from WGS84 into GCJ-02, in place.

    Parameters
    ----------
    m : folium.Map

    Returns
    -------
    folium.Map
        ``m`` itself.
    """

    def walk(el: folium.Element) -> None:
        data = getattr(el, "data", None)
        if isinstance(data, dict) and data.get("type") in ("FeatureCollection", "Feature"):
            for feat in data.get("features", [data]):
                geom = feat.get("geometry")
                if geom:
                    geom["coordinates"] = _shift(geom["coordinates"])
        location = getattr(el, "location", None)
        if isinstance(el, folium.Marker | folium.CircleMarker) and location:
            el.location = _shift([location[1], location[0]])[::-1]
        if isinstance(el, Labels):
            el.shift(lambda xy: _shift(xy))
        bounds = getattr(el, "bounds", None)
        if bounds is not None and isinstance(
            el, folium.raster_layers.ImageOverlay | folium.map.FitBounds
        ):
            el.bounds = [_shift([b[1], b[0]])[::-1] for b in bounds]
        for child in el._children.values():
            walk(child)

    walk(m)
    return m


def _shift(c: Any) -> Any:
    """GeoJSON coordinates (nested lists, lon first) from WGS84 to GCJ-02."""
    try:
        arr = np.asarray(c, dtype=float)
    except ValueError:  # ragged: rings or parts of different lengths
        return [_shift(part) for part in c]
    if arr.size == 0:
        return c
    x, y = coords.wgs84_to_gcj02(arr[..., 0], arr[..., 1])
    out = arr.copy()
    out[..., 0], out[..., 1] = x, y
    return out.tolist()


def point_on(lat: float, lon: float, basemap: str = "offline") -> tuple[float, float]:
    """A CGCS2000 (lat, lon), such as a map centre, where it is drawn on ``basemap``.

    Parameters
    ----------
    lat, lon : float
        CGCS2000/WGS84 degrees.
    basemap : str
        One of :data:`BASEMAPS`; only ``gaode`` moves the point.

    Returns
    -------
    (float, float)
        (lat, lon), Leaflet's order.

    Examples
    --------
    On Gaode's tiles a point is drawn in GCJ-02 (coordtransform's test point, see
    :func:`gis.coords.convert_point`); a click there comes back where it was:

    >>> point_on(39.915, 116.404, "gaode")
    (39.91640428150164, 116.41024449916938)
    >>> x, y = click_to_cgcs2000(116.41024449916938, 39.91640428150164, "gaode")
    >>> round(x, 9), round(y, 9)
    (116.404, 39.915)
    """
    if basemap == "gaode":
        x, y = coords.wgs84_to_gcj02(lon, lat)
        return float(y), float(x)
    return float(lat), float(lon)


def click_to_cgcs2000(lon: float, lat: float, basemap: str = "offline") -> tuple[float, float]:
    """A click on the map as CGCS2000/WGS84 lon/lat (undoes the Gaode shift).

    Parameters
    ----------
    lon, lat : float
        Degrees as the map reports them.
    basemap : str
        The basemap the click was on.

    Returns
    -------
    (float, float)
        (lon, lat) in CGCS2000/WGS84.
    """
    if basemap == "gaode":
        x, y = coords.gcj02_to_wgs84(lon, lat)
        return float(x), float(y)
    return float(lon), float(lat)


def drawn_to_cgcs2000(geom: shapely.Geometry, basemap: str = "offline") -> shapely.Geometry:
    """A shape drawn on the map, in CGCS2000/WGS84 (undoes the Gaode shift).

    Parameters
    ----------
    geom : shapely geometry
        Lon/lat as drawn.
    basemap : str
        The basemap it was drawn on.

    Returns
    -------
    shapely geometry
    """
    if basemap != "gaode":
        return geom
    return shapely.transform(
        geom, lambda xy: np.column_stack(coords.gcj02_to_wgs84(xy[:, 0], xy[:, 1]))
    )
