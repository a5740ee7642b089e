"""Coordinate conversion against reference pairs published by independent implementations."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gis import coords
from gis.cli import main

# googollee/eviltransform python/test.py: (wgsLat, wgsLng, gcjLat, gcjLng)
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]
# wandergis/coordtransform (as pinned by the coordtransform_rs and hutool tests) at (116.404,
# 39.915)
WANDERGIS = {
    "wgs84_to_gcj02": (116.41024449916938, 39.91640428150164),
    "gcj02_to_bd09": (116.41036949371029, 39.92133699351021),
    "bd09_to_gcj02": (116.39762729119315, 39.90865673957631),
}


def _metres(a, b) -> float:
    dx = (a[0] - b[0]) * 111320 * math.cos(math.radians(a[1]))
    return math.hypot(dx, (a[1] - b[1]) * 110540)


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), EVILTRANSFORM)
def test_forward_gcj02_matches_eviltransform_to_1e9_degrees(wlat, wlon, glat, glon):
    lon, lat = coords.wgs84_to_gcj02(wlon, wlat)
    assert abs(lon - glon) < 1e-9 and abs(lat - glat) < 1e-9


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), EVILTRANSFORM)
def test_inverse_gcj02_recovers_the_published_wgs84_point_under_half_a_metre(
    wlat, wlon, glat, glon
):
    lon, lat = coords.gcj02_to_wgs84(glon, glat)
    assert _metres((float(lon), float(lat)), (wlon, wlat)) < 0.5
    assert (
        _metres((float(lon), float(lat)), (wlon, wlat)) < 0.001
    )  # the iteration converges far below


def test_wandergis_reference_pairs_to_1e9_degrees():
    # wandergis's bd09togcj02 is the one-step inverse: our first guess, not our answer
    funcs = {k: getattr(coords, k) for k in WANDERGIS}
    funcs["bd09_to_gcj02"] = coords._bd09_to_gcj02_closed_form
    for name, (ex, ey) in WANDERGIS.items():
        x, y = funcs[name](np.float64(116.404), np.float64(39.915))
        assert abs(x - ex) < 1e-9 and abs(y - ey) < 1e-9, name


def test_bd09_inverse_is_iterative_to_1e7_degrees_over_china():
    # a grid over China: GCJ-02 -> BD-09 -> GCJ-02 returns the point (issue 15: the one-step
    # inverse was off by up to 0.22 m; the iteration reaches ~1e-13 degrees)
    lon, lat = np.meshgrid(np.linspace(73.5, 135.0, 120), np.linspace(3.6, 53.5, 120))
    lon, lat = lon.ravel(), lat.ravel()
    blon, blat = coords.gcj02_to_bd09(lon, lat)
    glon, glat = coords.bd09_to_gcj02(blon, blat)
    assert np.abs(glon - lon).max() < 1e-7 and np.abs(glat - lat).max() < 1e-7
    assert np.abs(glon - lon).max() < 1e-11 and np.abs(glat - lat).max() < 1e-11
    one_lon, one_lat = coords._bd09_to_gcj02_closed_form(blon, blat)
    assert np.abs(one_lat - lat).max() > 1e-6  # the closed form alone is metres-class worse
    wlon, wlat = coords.convert(
        *coords.convert(lon, lat, src="wgs84", dst="bd09"), src="bd09", dst="wgs84"
    )
    assert np.abs(wlon - lon).max() < 1e-9 and np.abs(wlat - lat).max() < 1e-9


def test_bd09_round_trip_and_convert_any_pair():
    lon, lat = coords.convert(116.404, 39.915, src="wgs84", dst="bd09")
    back = coords.convert(lon, lat, src="bd09", dst="cgcs2000")
    assert _metres((float(back[0]), float(back[1])), (116.404, 39.915)) < 0.5


def test_no_offset_outside_china_and_arrays_work():
    lon = np.array([14.5, 116.404, -73.98])
    lat = np.array([46.05, 39.915, 40.75])
    glon, glat = coords.wgs84_to_gcj02(lon, lat)
    assert glon[0] == 14.5 and glat[0] == 46.05 and glon[2] == -73.98
    assert glon[1] != 116.404
    with pytest.raises(KeyError, match="valid names: wgs84, cgcs2000, gcj02, bd09"):
        coords.convert(1, 2, src="wgs84", dst="mars")


def test_cli_coords_convert_json_and_file(tmp_path, capsys):
    assert (
        main(
            ["coords", "convert", "--from", "wgs84", "--to", "gcj02", "116.404", "39.915", "--json"]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out == pytest.approx(
        {"lon": WANDERGIS["wgs84_to_gcj02"][0], "lat": WANDERGIS["wgs84_to_gcj02"][1]}, abs=1e-12
    )
    src = tmp_path / "pts.csv"
    src.write_text("名称,经度,纬度\nA,121.531541859215,31.17530398364597\n", encoding="utf-8")
    assert main(["coords", "convert", "--from", "gcj02", "--to", "wgs84", "--file", str(src)]) == 0
    text = (tmp_path / "pts.wgs84.csv").read_text(encoding="utf-8-sig").splitlines()
    row = text[1].split(",")
    assert _metres((float(row[3]), float(row[4])), (121.5272106, 31.1774276)) < 0.5
    bad = tmp_path / "bad.csv"
    bad.write_text("经度,纬度\n121.5,abc\n", encoding="utf-8")
    assert main(["coords", "convert", "--from", "gcj02", "--to", "wgs84", "--file", str(bad)]) == 2
    assert "row 2" in capsys.readouterr().err
