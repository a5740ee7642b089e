"""Chinese map coordinate systems, vectorised: WGS84/CGCS2000, GCJ-02 and BD-09.

GCJ-02 (高德, 腾讯) is WGS84 run through a public obfuscation formula; BD-09 (百度) is a
further rotation of GCJ-02. CGCS2000 and WGS84 differ by centimetres, far below GPS noise,
so they are treated as one system here. Every function takes scalars or arrays.

This is the one place lon/lat move between systems: :func:`convert` is the path the CLI,
the app and the patrol importer take, and :func:`convert_point` is its scalar face.
China's extent (:data:`CHINA_BOUNDS`, :func:`in_china`) is stated here once. Projected
CRSs (Gauss-Krüger zones, the storage CRS) are :mod:`gis.crs`, which builds on this module.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gis._errors import UnknownNameError

Degrees = NDArray[np.float64]  # lon or lat, 0-d for scalar input

SYSTEMS = ("wgs84", "cgcs2000", "gcj02", "bd09")
#: Rough extent of China's territory (lon_min, lat_min, lon_max, lat_max): the obfuscation
#: applies only inside it, and imports use it as a sanity check.
CHINA_BOUNDS = (73.4, 3.5, 135.2, 53.6)
# Krasovsky ellipsoid constants used by the GCJ-02 formula, and BD-09's x_pi.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = np.pi * 3000.0 / 180.0


def in_china(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """Whether each lon/lat lies inside China's rough bounding box.

    Parameters
    ----------
    lon, lat : float or array
        Degrees; NaN is outside.

    Returns
    -------
    numpy.ndarray of bool
        0-d for scalar input, so ``if in_china(x, y):`` works.

    Examples
    --------
    >>> bool(in_china(105.3, 30.3)), bool(in_china(30.3, 105.3))
    (True, False)
    """
    x0, y0, x1, y1 = CHINA_BOUNDS
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)


def _gcj_delta(lon: Degrees, lat: Degrees) -> tuple[Degrees, Degrees]:
    x, y = lon - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sq = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sq) * np.pi)
    dlon = (dlon * 180.0) / (_A / sq * np.cos(rad) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Degrees, Degrees]:
    """Forward GCJ-02 obfuscation; points outside China are returned unchanged.

    Parameters
    ----------
    lon, lat : float or array
        WGS84 (or CGCS2000) degrees.

    Returns
    -------
    (lon, lat) : arrays
        GCJ-02 degrees; :func:`convert` is the usual way in.
    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _gcj_delta(lon, lat)
    inside = in_china(lon, lat)
    return np.where(inside, lon + dlon, lon), np.where(inside, lat + dlat, lat)


def gcj02_to_wgs84(
    lon: ArrayLike, lat: ArrayLike, *, tol_deg: float = 1e-10, max_iter: int = 30
) -> tuple[Degrees, Degrees]:
    """Iterative inverse of :func:`wgs84_to_gcj02`.

    A fixed-point iteration: guess, apply the forward formula, correct by the residual.
    It converges to ~1e-10 degrees (about 0.01 mm) in a handful of steps, where the common
    one-step inverse is off by up to a few centimetres.

    Parameters
    ----------
    lon, lat : float or array
        GCJ-02 degrees.
    tol_deg : float
        Stop when every point's residual is below this, in degrees.
    max_iter : int
        At most this many steps.

    Returns
    -------
    (lon, lat) : arrays
        WGS84 degrees.
    """
    glon, glat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return _invert(wgs84_to_gcj02, glon, glat, (glon.copy(), glat.copy()), tol_deg, max_iter)


def _invert(
    forward: Callable[[Degrees, Degrees], tuple[Degrees, Degrees]],
    lon: Degrees,
    lat: Degrees,
    guess: tuple[Degrees, Degrees],
    tol_deg: float,
    max_iter: int,
) -> tuple[Degrees, Degrees]:
    """The point ``forward`` maps onto (lon, lat): from ``guess``, apply ``forward`` and
    correct by the residual until every point's residual is below ``tol_deg``."""
    x, y = guess
    for _ in range(max_iter):
        fx, fy = forward(x, y)
        dx, dy = fx - lon, fy - lat
        x, y = x - dx, y - dy
        if np.all(np.abs(dx) < tol_deg) and np.all(np.abs(dy) < tol_deg):
            break
    return x, y


def gcj02_to_bd09(lon: ArrayLike, lat: ArrayLike) -> tuple[Degrees, Degrees]:
    """GCJ-02 to Baidu BD-09.

    Parameters
    ----------
    lon, lat : float or array
        GCJ-02 degrees.

    Returns
    -------
    (lon, lat) : arrays
        BD-09 degrees.
    """
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(
    lon: ArrayLike, lat: ArrayLike, *, tol_deg: float = 1e-10, max_iter: int = 30
) -> tuple[Degrees, Degrees]:
    """Iterative inverse of :func:`gcj02_to_bd09`.

    The common closed-form inverse (rotate and shift back) is off by up to ~0.2 m, as the
    forward formula's small terms are evaluated at the GCJ-02 point, not the BD-09 one. It is
    the first guess here; the same fixed-point correction as :func:`gcj02_to_wgs84` then
    brings every point to ~1e-10 degrees in a few steps.

    Parameters
    ----------
    lon, lat : float or array
        BD-09 degrees.
    tol_deg : float
        Stop when every point's residual is below this, in degrees.
    max_iter : int
        At most this many steps.

    Returns
    -------
    (lon, lat) : arrays
        GCJ-02 degrees.

    Examples
    --------
    Back to the GCJ-02 point of the coordtransform test (gcj02tobd09(116.404, 39.915)):

    >>> x, y = bd09_to_gcj02(116.41036949371029, 39.92133699351021)
    >>> round(float(x), 9), round(float(y), 9)
    (116.404, 39.915)
    """
    blon, blat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    guess = _bd09_to_gcj02_closed_form(blon, blat)
    return _invert(gcj02_to_bd09, blon, blat, guess, tol_deg, max_iter)


def _bd09_to_gcj02_closed_form(lon: Degrees, lat: Degrees) -> tuple[Degrees, Degrees]:
    """The widely copied one-step inverse (wandergis/coordtransform ``bd09togcj02``)."""
    x, y = lon - 0.0065, lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def _to_wgs(lon: ArrayLike, lat: ArrayLike, src: str) -> tuple[Degrees, Degrees]:
    if src == "gcj02":
        return gcj02_to_wgs84(lon, lat)
    if src == "bd09":
        return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def convert(lon: ArrayLike, lat: ArrayLike, *, src: str, dst: str) -> tuple[Degrees, Degrees]:
    """Convert coordinates between any two of :data:`SYSTEMS`.

    Parameters
    ----------
    lon, lat : float or array
        Degrees in the ``src`` system.
    src, dst : {"wgs84", "cgcs2000", "gcj02", "bd09"}
        From and to which system; WGS84 and CGCS2000 are one (centimetres apart).

    Returns
    -------
    (lon, lat) : arrays (0-d for scalar input)
        Points outside China (:func:`in_china`) pass through the GCJ-02 step unchanged.

    Raises
    ------
    UnknownNameError
        ``src`` or ``dst`` is not one of :data:`SYSTEMS`.

    Examples
    --------
    The test points of the eviltransform project (github.com/googollee/eviltransform,
    ``go/transform_test.go``: Beijing, Shanghai, Shenzhen), WGS84 to GCJ-02 and back:

    >>> lon, lat = convert([116.377817, 121.5272106, 113.912316],
    ...                    [39.911954, 31.1774276, 22.543847], src="wgs84", dst="gcj02")
    >>> lon.round(8).tolist()
    [116.38404722, 121.53154186, 113.91717648]
    >>> lat.round(8).tolist()
    [39.91334546, 31.17530398, 22.54079613]
    >>> back_lon, back_lat = convert(lon, lat, src="gcj02", dst="wgs84")
    >>> back_lon.round(7).tolist(), back_lat.round(7).tolist()
    ([116.377817, 121.5272106, 113.912316], [39.911954, 31.1774276, 22.543847])

    GCJ-02 to Baidu BD-09, against the coordtransform project (github.com/wandergis/
    coordtransform, ``test/app.js``: gcj02tobd09(116.404, 39.915)):

    >>> x, y = convert(116.404, 39.915, src="gcj02", dst="bd09")
    >>> round(float(x), 8), round(float(y), 8)
    (116.41036949, 39.92133699)
    """
    for name, value in (("src", src), ("dst", dst)):
        if value not in SYSTEMS:
            raise UnknownNameError(f"coordinate system ({name})", value, SYSTEMS)
    wlon, wlat = _to_wgs(lon, lat, src)
    if dst == "gcj02":
        return wgs84_to_gcj02(wlon, wlat)
    if dst == "bd09":
        return gcj02_to_bd09(*wgs84_to_gcj02(wlon, wlat))
    return wlon, wlat


def convert_point(lon: float, lat: float, *, src: str, dst: str) -> tuple[float, float]:
    """One point through :func:`convert`, as plain floats (for a typed-in point or a click).

    Parameters
    ----------
    lon, lat : float
        Degrees in the ``src`` system.
    src, dst : {"wgs84", "cgcs2000", "gcj02", "bd09"}
        As in :func:`convert`.

    Returns
    -------
    (float, float)
        Longitude and latitude in ``dst``.

    Raises
    ------
    UnknownNameError
        ``src`` or ``dst`` is not one of :data:`SYSTEMS`.

    Examples
    --------
    wgs84togcj02(116.404, 39.915) of the coordtransform project (github.com/wandergis/
    coordtransform, ``test/app.js``) is (116.41024449916938, 39.91640428150164):

    >>> x, y = convert_point(116.404, 39.915, src="wgs84", dst="gcj02")
    >>> round(x, 6), round(y, 6)
    (116.410244, 39.916404)
    """
    x, y = convert(lon, lat, src=src, dst=dst)
    return float(x), float(y)
