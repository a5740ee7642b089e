"""Hand geometry for the clip and arc tests: a 10 km square county drawn in its own GK zone.

Everything is laid out in metres in the CGCS2000 Gauss-Krüger zone of 105°E (EPSG:4543,
central meridian 105°E, false easting 500 km) and stored in CGCS2000 degrees like any import,
so lengths computed by hand in metres hold to a few millimetres after the round trip.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import box

from gis.store import GeoPackageStore

GK = 4543  # CGCS2000 / 3-degree Gauss-Kruger CM 105E
X0, Y0 = 500_000.0, 3_350_000.0  # the county's south-west corner, on the central meridian
SIDE = 10_000.0  # the county is a 10 km square
COUNTY = "512099"


def to_degrees(geoms: list, crs: int = GK) -> gpd.GeoSeries:
    """Hand geometry in metres as CGCS2000 degrees (densified to 50 m so edges stay straight)."""
    return gpd.GeoSeries([shapely.segmentize(g, 50.0) for g in geoms], crs=crs).to_crs(4490)


def county_store(path: Path, *, with_county: bool = True) -> GeoPackageStore:
    """A store whose only layer is the county unit (or a township only, with no county)."""
    store = GeoPackageStore(path)
    square = box(X0, Y0, X0 + SIDE, Y0 + SIDE)
    admin = gpd.GeoDataFrame(
        {
            "admin_code": [COUNTY if with_county else "512099101"],
            "name": ["示范县" if with_county else "青龙镇"],
            "level": ["county" if with_county else "township"],
            "parent_code": [None if with_county else COUNTY],
        },
        geometry=to_degrees([square]),
        crs=4490,
    )
    store.write({"admin_units": admin}, meta={"county_code": COUNTY})
    return store


def write_layer(path: Path, columns: dict, geoms: list) -> Path:
    """A GeoPackage of hand geometry (metres in GK) with ``columns``; GDAL types per row."""
    gpd.GeoDataFrame(columns, geometry=to_degrees(geoms), crs=4490).to_file(path)
    return path


def rivers(codes: list[str], names: list[str] | None = None, level: str = "county") -> dict:
    """The catalogue columns of ``rivers`` for hand lines."""
    n = len(codes)
    return {
        "river_code": codes,
        "name": names or [f"河{i}" for i in range(n)],
        "management_level": [level] * n,
        "in_register": [True] * n,
    }
