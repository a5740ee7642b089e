"""Staff passwords (PBKDF2 against the RFC 7914 test vector) and the online basemaps:
tiles under the data, and the GCJ-02 shift for Gaode checked against published pairs."""

from __future__ import annotations

import io
import sys

import folium
import pytest

from gis import coords
from gis._errors import InputError
from gis.auth import MIN_ITERATIONS, hash_password, verify_password
from gis.cli import main
from gis.maps import basemaps


def test_pbkdf2_matches_the_rfc7914_vector():
    # RFC 7914 §11: PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1 (first 32 bytes of the 64 given)
    h = hash_password("passwd", iterations=1, salt="salt")
    assert (
        h == "pbkdf2_sha256$1$salt$55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
    )
    assert not verify_password(
        "passwd", h
    )  # right password, but 1 iteration is refused (gis.auth.MIN_ITERATIONS)
    good = hash_password("passwd", iterations=MIN_ITERATIONS, salt="salt")
    assert verify_password("passwd", good) and not verify_password("passwd ", good)


def test_hashes_are_salted_and_malformed_ones_never_match():
    a, b = hash_password("s3cret"), hash_password("s3cret")
    assert a != b and verify_password("s3cret", a) and verify_password("s3cret", b)
    for bad in (
        None,
        "",
        "s3cret",
        "md5$1$x$y",
        "pbkdf2_sha256$x$salt$00",
        "pbkdf2_sha256$0$salt$00",
        "pbkdf2_sha256$-600000$salt$00",
        "pbkdf2_sha256$" + "9" * 400 + "$salt$00",
    ):
        assert not verify_password("s3cret", bad)
    assert not verify_password("", a)
    with pytest.raises(InputError, match="empty"):
        hash_password("")


def test_cli_hash_password_prints_the_secrets_line(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret\n"))
    assert main(["hash-password", "--stdin"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith('staff_password_hash = "pbkdf2_sha256$')
    assert verify_password("s3cret", line.split('"')[1])
    assert "s3cret" not in line


def _map():
    m = folium.Map(tiles=None)
    folium.GeoJson(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {"type": "Point", "coordinates": [121.5272106, 31.1774276]},
                },
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [
                            [
                                [116.377817, 39.911954],
                                [116.39, 39.911954],
                                [116.39, 39.92],
                                [116.377817, 39.911954],
                            ],
                            [
                                [116.38, 39.913],
                                [116.385, 39.913],
                                [116.385, 39.915],
                                [116.38, 39.913],
                            ],
                        ],
                    },
                },
            ],
        }
    ).add_to(m)
    folium.CircleMarker([22.543847, 113.912316]).add_to(m)
    folium.raster_layers.ImageOverlay(
        "data:image/png;base64,", bounds=[[30, 105], [31, 106]]
    ).add_to(m)
    return m


def test_offline_adds_nothing():
    m = basemaps.apply_basemap(_map(), "offline")
    kinds = [type(el).__name__ for el in m._children.values()]
    assert kinds == ["GeoJson", "CircleMarker", "ImageOverlay"]  # no tiles; the hillshade stays
    geo = m._children[next(iter(m._children))]
    assert geo.data["features"][0]["geometry"]["coordinates"] == [121.5272106, 31.1774276]


def test_gaode_shifts_every_coordinate_into_gcj02():
    m = basemaps.apply_basemap(_map(), "gaode")
    geo = next(el for el in m._children.values() if isinstance(el, folium.GeoJson))
    pt = geo.data["features"][0]["geometry"]["coordinates"]
    # googollee/eviltransform's published pair for Shanghai
    assert pt == pytest.approx([121.531541859215, 31.17530398364597], abs=1e-9)
    outer, hole = geo.data["features"][1]["geometry"]["coordinates"]
    assert outer[0] == pytest.approx(
        [116.38404722455657, 39.91334545536069], abs=1e-9
    )  # Beijing pair
    assert len(hole) == 4 and hole[0] != [116.38, 39.913]
    marker = next(el for el in m._children.values() if isinstance(el, folium.CircleMarker))
    assert marker.location == pytest.approx(
        [22.540796131694766, 113.9171764808363], abs=1e-9
    )  # Shenzhen pair
    assert not any(isinstance(el, folium.raster_layers.ImageOverlay) for el in m._children.values())
    tiles = [el for el in m._children.values() if isinstance(el, folium.TileLayer)]
    assert (
        len(tiles) == 1
        and "autonavi" in tiles[0].tiles
        and list(m._children.values())[0] is tiles[0]
    )
    # a click on the shifted map is shifted back to within a millimetre
    lon, lat = basemaps.click_to_cgcs2000(121.531541859215, 31.17530398364597, "gaode")
    assert (lon, lat) == pytest.approx((121.5272106, 31.1774276), abs=1e-8)
    assert basemaps.point_on(31.1774276, 121.5272106, "gaode") == pytest.approx(
        (31.17530398364597, 121.531541859215), abs=1e-9
    )
    assert basemaps.point_on(31.1774276, 121.5272106, "osm") == (31.1774276, 121.5272106)
    fg = folium.FeatureGroup()  # a highlight added later moves with the map
    folium.GeoJson(
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "Point", "coordinates": [121.5272106, 31.1774276]},
        }
    ).add_to(fg)
    basemaps.shift_to_gcj02(fg)
    geo = next(iter(fg._children.values()))
    assert geo.data["geometry"]["coordinates"] == pytest.approx(
        [121.531541859215, 31.17530398364597], abs=1e-9
    )


def test_tianditu_needs_a_key_and_uses_it(monkeypatch):
    monkeypatch.delenv(basemaps.TIANDITU_ENV, raising=False)
    with pytest.raises(InputError, match="TIANDITU_TK"):
        basemaps.apply_basemap(_map(), "tianditu")
    monkeypatch.setenv(basemaps.TIANDITU_ENV, "abc123")
    m = basemaps.apply_basemap(_map(), "tianditu")
    urls = [el.tiles for el in m._children.values() if isinstance(el, folium.TileLayer)]
    assert len(urls) == 2 and all("tk=abc123" in u for u in urls)
    assert "vec_w" in urls[0] and "cva_w" in urls[1]
    geo = next(el for el in m._children.values() if isinstance(el, folium.GeoJson))
    assert geo.data["features"][0]["geometry"]["coordinates"] == [
        121.5272106,
        31.1774276,
    ]  # Tianditu is not shifted


def test_osm_and_unknown_basemaps():
    m = basemaps.apply_basemap(_map(), "osm")
    assert any("openstreetmap" in getattr(el, "tiles", "") for el in m._children.values())
    with pytest.raises(KeyError, match="offline"):
        basemaps.apply_basemap(_map(), "google")


def test_drawn_shapes_are_unshifted_on_gaode():
    from shapely.geometry import Polygon

    wgs = Polygon([(105.2, 30.3), (105.21, 30.3), (105.21, 30.31)])
    gx, gy = coords.wgs84_to_gcj02([105.2, 105.21, 105.21], [30.3, 30.3, 30.31])
    back = basemaps.drawn_to_cgcs2000(Polygon(zip(gx, gy, strict=True)), "gaode")
    assert back.equals_exact(wgs, 1e-9)
    assert basemaps.drawn_to_cgcs2000(wgs, "offline") is wgs
