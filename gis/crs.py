"""Projected coordinate systems: the storage CRS (CGCS2000) and its Gauss-Krüger zones.

Storage is CGCS2000 geographic (EPSG:4490). Lengths and areas are computed in the
3-degree Gauss-Krüger zone whose central meridian is nearest the data (EPSG:4534 to
EPSG:4554). Never measure in degrees or Web Mercator.

Data that spans more than one zone (a province, a national river file) is measured
geodesically on the ellipsoid, never in one zone far from most of it (:func:`lengths_m`).

Lon/lat between WGS84, GCJ-02 and BD-09, and China's extent, are :mod:`gis.coords`.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj

from gis._errors import CRSError
from gis.coords import in_china

STORAGE_EPSG = 4490
# 3-degree GK zones with CGCS2000: EPSG:4534 has CM 75°E, then one code per 3 degrees.
_GK3_FIRST_EPSG, _GK3_FIRST_CM, _GK3_LAST_CM = 4534, 75, 135
# Zone-prefixed variant (false easting carries the zone number): EPSG:4513 is zone 25.
_GK3_PREFIXED_FIRST_EPSG, _GK3_PREFIXED_FIRST_ZONE = 4513, 25


def gk_epsg_for_lon(lon: float) -> int:
    """EPSG code of the CGCS2000 3-degree Gauss-Krüger zone for a longitude.

    Parameters
    ----------
    lon : float
        Longitude in degrees east.

    Returns
    -------
    int
        An EPSG code from 4534 (CM 75°E) to 4554 (CM 135°E).

    Raises
    ------
    CRSError
        The longitude is outside the zones (not in China, or lon/lat swapped).

    Examples
    --------
    117°E is the central meridian of 3-degree zone 39 (117 / 3), EPSG:4548 in the
    EPSG registry ("CGCS2000 / 3-degree Gauss-Kruger CM 117E"); the demo county at
    105.3°E is in zone 35 (CM 105°E, EPSG:4544). A zone reaches 1.5° either side:

    >>> gk_epsg_for_lon(117.0), gk_epsg_for_lon(105.3), gk_epsg_for_lon(118.4)
    (4548, 4544, 4548)
    >>> pyproj.CRS.from_epsg(gk_epsg_for_lon(117.0)).name
    'CGCS2000 / 3-degree Gauss-Kruger CM 117E'
    """
    cm = 3 * round(lon / 3)
    if not _GK3_FIRST_CM <= cm <= _GK3_LAST_CM:
        raise CRSError(code="crs.outside_gk", params={"lon": f"{lon:.4f}"})
    return _GK3_FIRST_EPSG + (cm - _GK3_FIRST_CM) // 3


def zone_prefixed_epsg(easting: float) -> int | None:
    """Guess the zone-prefixed GK EPSG code (4513 to 4533) from an easting like 35,xxx,xxx.

    Parameters
    ----------
    easting : float
        An easting in metres whose millions are the zone number (false easting
        ``zone * 1e6 + 500 000``).

    Returns
    -------
    int or None
        EPSG:4513 (zone 25) to EPSG:4533 (zone 45); None when the millions are no zone.

    Examples
    --------
    Zone 39 (CM 117°E) is EPSG:4527:

    >>> zone_prefixed_epsg(39_512_345.6), zone_prefixed_epsg(512_345.6)
    (4527, None)
    >>> pyproj.CRS.from_epsg(4527).name
    'CGCS2000 / 3-degree Gauss-Kruger zone 39'
    """
    zone = int(easting // 1_000_000)
    if _GK3_PREFIXED_FIRST_ZONE <= zone <= _GK3_PREFIXED_FIRST_ZONE + 20:
        return _GK3_PREFIXED_FIRST_EPSG + zone - _GK3_PREFIXED_FIRST_ZONE
    return None


def metric_crs(gdf: gpd.GeoDataFrame) -> pyproj.CRS:
    """The CRS to measure ``gdf`` in: its GK zone inside China, else its UTM zone.

    The UTM fallback exists so that foreign reference data (e.g. USGS NHDPlus test
    files) can be measured with the same code paths.

    Parameters
    ----------
    gdf : GeoDataFrame
        Any CRS; only the centre of its bounding box is used.

    Returns
    -------
    pyproj.CRS
        The CGCS2000 3-degree Gauss-Krüger zone (:func:`gk_epsg_for_lon`) inside China,
        else the UTM zone of the data.

    Raises
    ------
    CRSError
        ``gdf`` has no CRS.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> beijing = gpd.GeoDataFrame(geometry=[Point(116.4, 39.9)], crs=4490)
    >>> metric_crs(beijing).to_epsg()
    4548
    >>> denver = gpd.GeoDataFrame(geometry=[Point(-105.0, 39.7)], crs=4326)
    >>> metric_crs(denver).to_epsg()  # UTM zone 13N
    32613
    """
    if gdf.crs is None:
        raise CRSError(code="crs.data_missing")
    x0, y0, x1, y1 = gdf.total_bounds
    if not gdf.crs.equals(
        pyproj.CRS(STORAGE_EPSG)
    ):  # the box, not every vertex: a province is millions
        x0, y0, x1, y1 = pyproj.Transformer.from_crs(
            gdf.crs, STORAGE_EPSG, always_xy=True
        ).transform_bounds(x0, y0, x1, y1)
    lon, lat = (x0 + x1) / 2, (y0 + y1) / 2
    if in_china(lon, lat):
        return pyproj.CRS.from_epsg(gk_epsg_for_lon(lon))
    utm: pyproj.CRS = gdf.estimate_utm_crs()  # geopandas is untyped
    return utm


def to_metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Project ``gdf`` to :func:`metric_crs` (no-op if it is already projected there).

    Parameters
    ----------
    gdf : GeoDataFrame
        Any CRS.

    Returns
    -------
    GeoDataFrame
        In metres; ``gdf`` itself when it is already in that CRS.
    """
    target = metric_crs(gdf)
    return gdf if gdf.crs.equals(target) else gdf.to_crs(target)


#: The ellipsoid of geodesic lengths: CGCS2000's is GRS80's (the semi-minor axes differ by
#: 0.1 mm), and WGS84's differs from it by under a millimetre in these lengths.
GEOD = pyproj.Geod(ellps="GRS80")


def _zone(lon: float, lat: float) -> int:
    """The projected zone a point is measured in: GK inside China, UTM outside."""
    if in_china(lon, lat):
        return gk_epsg_for_lon(lon)
    return 32600 + int((lon + 180) // 6) + 1 if lat >= 0 else 32700 + int((lon + 180) // 6) + 1


def spans_zones(gdf: gpd.GeoDataFrame) -> bool:
    """Whether ``gdf`` reaches into more than one measuring zone (its box's corners).

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> one = gpd.GeoDataFrame(geometry=[LineString([(105.0, 30.0), (105.5, 30.0)])], crs=4490)
    >>> two = gpd.GeoDataFrame(geometry=[LineString([(105.0, 30.0), (112.0, 30.0)])], crs=4490)
    >>> spans_zones(one), spans_zones(two)
    (False, True)
    """
    if gdf.crs is None:
        raise CRSError(code="crs.data_missing")
    if len(gdf) == 0:
        return False
    x0, y0, x1, y1 = gdf.total_bounds
    if not gdf.crs.equals(pyproj.CRS(STORAGE_EPSG)):
        x0, y0, x1, y1 = pyproj.Transformer.from_crs(
            gdf.crs, STORAGE_EPSG, always_xy=True
        ).transform_bounds(x0, y0, x1, y1)
    corners = {_zone(x, y) for x in (x0, x1) for y in (y0, y1)}
    return len(corners) > 1


def lengths_m(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Each line's length in metres: in its Gauss-Krüger zone (:func:`to_metric`) when the
    data lies in one zone, else geodesic on the ellipsoid, so that no line is measured in a
    zone far from it (up to 8 % too long across China).

    Parameters
    ----------
    gdf : GeoDataFrame
        Lines (or any geometries: their boundary-free length) in any CRS.

    Returns
    -------
    numpy.ndarray of float
        0 for a missing or empty geometry.

    Examples
    --------
    One degree of longitude along 30°N, measured from Chengdu's zone to the coast:

    >>> from shapely.geometry import LineString
    >>> lines = gpd.GeoDataFrame(geometry=[LineString([(104.0, 30.0), (105.0, 30.0)]),
    ...                                    LineString([(121.0, 30.0), (122.0, 30.0)])], crs=4490)
    >>> [round(m) for m in lengths_m(lines)]  # the same length at both ends
    [96486, 96486]
    """
    if not spans_zones(gdf):
        return np.asarray(to_metric(gdf).length.to_numpy(), dtype=float)
    geo = gdf.geometry if gdf.crs.is_geographic else gdf.geometry.to_crs(STORAGE_EPSG)
    return np.array(
        [0.0 if g is None or g.is_empty else GEOD.geometry_length(g) for g in geo.values],
        dtype=float,
    )
