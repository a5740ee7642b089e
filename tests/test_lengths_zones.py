"""Lengths of data spanning Gauss-Krüger zones (issue 15 item 4): measured geodesically,
never in one zone far from most of the data. The reference is the length of a parallel
arc on the GRS80 ellipsoid, written out here from its formula."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
from shapely.geometry import LineString

from gis.crs import lengths_m, spans_zones, to_metric
from gis.network import build_network

A, F = 6378137.0, 1 / 298.257222101  # GRS80 (CGCS2000's ellipsoid)


def _parallel_arc_m(lat: float, dlon: float) -> float:
    """Length of ``dlon`` degrees along the parallel ``lat`` (radius N cos φ)."""
    e2 = F * (2 - F)
    phi = math.radians(lat)
    n = A / math.sqrt(1 - e2 * math.sin(phi) ** 2)
    return n * math.cos(phi) * math.radians(dlon)


def _chain(lon0: float, lon1: float, lat: float = 30.0) -> gpd.GeoDataFrame:
    """A river along ``lat`` flowing east, one line per degree, each densified to 0.01°
    so that the line follows the parallel (a chord of 1° would not)."""
    lines = []
    for x in range(int(lon0), int(lon1)):
        xs = np.linspace(x, x + 1, 101)
        lines.append(LineString(np.column_stack([xs, np.full_like(xs, lat)])))
    return gpd.GeoDataFrame({"name": ["横江"] * len(lines)}, geometry=lines, crs=4490)


def test_lines_across_zones_are_measured_on_the_ellipsoid():
    g = _chain(100, 124)  # eight 3-degree zones
    assert spans_zones(g)
    want = _parallel_arc_m(30.0, 1.0)
    ours = lengths_m(g)
    assert np.allclose(ours, want, rtol=2e-6)  # a 0.01° chord is 1e-7 short of the arc
    one_zone = to_metric(g).length.to_numpy()  # the old way: all in the middle zone
    assert abs(one_zone[0] / want - 1) > 0.01  # the far ends were over 1 % long


def test_upstream_length_of_a_river_across_zones_is_its_true_length():
    g = _chain(100, 124)
    net = build_network(g)
    total = net.upstream_length()
    outlet = int(net.outlets()[0])
    assert total[outlet] == total.max()  # the outlet carries the whole river
    assert abs(total[outlet] / (24 * _parallel_arc_m(30.0, 1.0)) - 1) < 2e-6


def test_data_in_one_zone_is_measured_in_that_zone():
    g = _chain(104, 106)[:1]  # 104-105°E: zone 35 (CM 105°E)
    assert not spans_zones(g)
    assert lengths_m(g)[0] == to_metric(g).length.iloc[0]
