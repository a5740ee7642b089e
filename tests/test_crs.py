"""CRS helpers: GK zone choice, zone prefixes; GCJ-02 and BD-09 one point at a time."""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
from shapely.geometry import LineString

from gis import coords, crs
from gis._errors import CRSError


def _metres(a, b) -> float:
    lat = math.radians((a[1] + b[1]) / 2)
    return math.hypot((a[0] - b[0]) * 111320 * math.cos(lat), (a[1] - b[1]) * 110540)


@pytest.mark.parametrize(
    ("lon", "epsg"),
    [(75.0, 4534), (76.4, 4534), (105.3, 4544), (103.6, 4544), (103.4, 4543), (135.0, 4554)],
)
def test_gk_zone_for_longitude(lon, epsg):
    assert crs.gk_epsg_for_lon(lon) == epsg


def test_gk_zone_outside_china_is_refused():
    with pytest.raises(CRSError, match="swapped"):
        crs.gk_epsg_for_lon(30.5)


def test_zone_prefixed_easting():
    assert crs.zone_prefixed_epsg(35_512_345.0) == 4523  # zone 35 = CM 105°E
    assert crs.zone_prefixed_epsg(512_345.0) is None


def test_metric_crs_measures_a_known_length():
    # 0.01° of latitude along a meridian near 30°N is 1108.6 m on the GRS80/CGCS2000 ellipsoid
    g = gpd.GeoDataFrame(geometry=[LineString([(105.0, 30.0), (105.0, 30.01)])], crs=4490)
    m = crs.to_metric(g)
    assert m.crs.to_epsg() == 4544
    assert m.length.iloc[0] == pytest.approx(1108.6, abs=0.5)


def test_gcj02_offset_is_hundreds_of_metres_in_china_and_none_abroad():
    wgs = (105.3, 30.3)
    gcj = coords.convert_point(*wgs, src="wgs84", dst="gcj02")
    assert 100 < _metres(wgs, gcj) < 700
    assert coords.convert_point(14.5, 46.0, src="wgs84", dst="gcj02") == (14.5, 46.0)


@pytest.mark.parametrize("pt", [(105.3, 30.3), (116.397, 39.909), (121.47, 31.23), (87.6, 43.8)])
def test_gcj02_and_bd09_inverse_round_trip_below_half_a_metre(pt):
    back = coords.convert_point(
        *coords.convert_point(*pt, src="wgs84", dst="gcj02"), src="gcj02", dst="wgs84"
    )
    assert _metres(pt, back) < 0.5
    bd = coords.convert_point(*pt, src="cgcs2000", dst="bd09")
    assert all(isinstance(v, float) for v in bd)
    assert _metres(pt, coords.convert_point(*bd, src="bd09", dst="cgcs2000")) < 0.5


def test_one_coordinate_vocabulary():
    # China's extent and the datum shifts are stated once, in gis.coords; gis.crs builds on it
    for name in (
        "CHINA_BOUNDS",
        "wgs84_to_gcj02",
        "gcj02_to_wgs84",
        "gcj02_to_bd09",
        "bd09_to_gcj02",
    ):
        assert not hasattr(crs, name), name
    assert coords.in_china(105.3, 30.3) and not coords.in_china(30.3, 105.3)
    assert not coords.in_china(float("nan"), 30.3)
