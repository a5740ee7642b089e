"""Projected coordinate systems: the storage CRS (CGCS2000) and its Gauss-Krüger zones.

Storage is CGCS2000 geographic (EPSG:4490). Lengths and areas are computed in the
3-degree Gauss-Krüger zone whose central meridian is nearest the data (EPSG:4534 to
EPSG:4554). Never measure in degrees or Web Mercator.

Lon/lat between WGS84, GCJ-02 and BD-09, and China's extent, are :mod:`gis.coords`.
"""

from __future__ import annotations

import geopandas as gpd
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
    """
    cm = 3 * round(lon / 3)
    if not _GK3_FIRST_CM <= cm <= _GK3_LAST_CM:
        raise CRSError(
            f"longitude {lon:.4f} is outside the CGCS2000 Gauss-Krüger zones (CM 75°E to 135°E)",
            fix="check the data is in China and that lon/lat are not swapped",
        )
    return _GK3_FIRST_EPSG + (cm - _GK3_FIRST_CM) // 3


def zone_prefixed_epsg(easting: float) -> int | None:
    """Guess the zone-prefixed GK EPSG code (4513 to 4533) from an easting like 35,xxx,xxx."""
    zone = int(easting // 1_000_000)
    if _GK3_PREFIXED_FIRST_ZONE <= zone <= _GK3_PREFIXED_FIRST_ZONE + 20:
        return _GK3_PREFIXED_FIRST_EPSG + zone - _GK3_PREFIXED_FIRST_ZONE
    return None


def metric_crs(gdf: gpd.GeoDataFrame) -> pyproj.CRS:
    """The CRS to measure ``gdf`` in: its GK zone inside China, else its UTM zone.

    The UTM fallback exists so that foreign reference data (e.g. USGS NHDPlus test
    files) can be measured with the same code paths.
    """
    if gdf.crs is None:
        raise CRSError("the data has no CRS", fix="set one with set_crs() or import with --crs")
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
    """Project ``gdf`` to :func:`metric_crs` (no-op if it is already projected there)."""
    target = metric_crs(gdf)
    return gdf if gdf.crs.equals(target) else gdf.to_crs(target)
