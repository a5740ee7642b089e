"""Hand geometry for the clip and arc tests: a 10 km square county drawn in its own GK zone.

Everything is laid out in metres in a CGCS2000 Gauss-Krüger zone (EPSG:4543, central
meridian 102°E, false easting 500 km) and stored in CGCS2000 degrees like any import,
so lengths computed by hand in metres hold to a few millimetres after the round trip.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiLineString, Point, box

from gis.store import GeoPackageStore

GK = 4543  # CGCS2000 / 3-degree Gauss-Kruger CM 102E
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


def multipart_store(path: Path) -> GeoPackageStore:
    """A county of two townships (west and east halves, one village each) and one river M1
    in two parts along y = 5 km: x = 1–4 km (west) and x = 6–9 km (east), flowing east.

    A water source on part 1 at x = 3 km, a large road bridge on part 2 at x = 7 km and a
    quarry 300 m downstream of it; a county chief on the whole river, a township chief on
    M1 in the west township only.
    """
    store = GeoPackageStore(path)
    west, east = box(X0, Y0, X0 + SIDE / 2, Y0 + SIDE), box(X0 + SIDE / 2, Y0, X0 + SIDE, Y0 + SIDE)
    admin = gpd.GeoDataFrame(
        {
            "admin_code": [COUNTY, "512099101", "512099102", "512099101001", "512099102001"],
            "name": ["示范县", "西镇", "东镇", "西村", "东村"],
            "level": ["county", "township", "township", "village", "village"],
            "parent_code": [None, COUNTY, COUNTY, "512099101", "512099102"],
        },
        geometry=to_degrees([box(X0, Y0, X0 + SIDE, Y0 + SIDE), west, east, west, east]),
        crs=4490,
    )
    mid = Y0 + SIDE / 2
    river = MultiLineString(
        [[(X0 + 1000, mid), (X0 + 4000, mid)], [(X0 + 6000, mid), (X0 + 9000, mid)]]
    )
    one = {"crs": 4490}
    layers = {
        "admin_units": admin,
        "rivers": gpd.GeoDataFrame(
            {**rivers(["M1"], ["清江"]), "flows_into": [None]}, geometry=to_degrees([river]), **one
        ),
        "water_sources": gpd.GeoDataFrame(
            {
                "source_code": ["S1"],
                "name": ["水厂"],
                "source_type": ["river"],
                "population_served": [100],
                "has_official_zone": [False],
                "river_code": ["M1"],
            },
            geometry=to_degrees([Point(X0 + 3000, mid)]),
            **one,
        ),
        "structures": gpd.GeoDataFrame(
            {
                "structure_id": ["B1"],
                "kind": ["bridge"],
                "name": ["桥"],
                "river_code": ["M1"],
                "bridge_type": ["road"],
                "bridge_class": ["large"],
                "length_m": [100.0],
            },
            geometry=to_degrees([Point(X0 + 7000, mid)]),
            **one,
        ),
        "quarries": gpd.GeoDataFrame(
            {
                "quarry_id": ["Q1"],
                "name": ["砂场"],
                "permit_no": ["x"],
                "status": ["operating"],
                "has_weighbridge": [True],
                "has_video": [True],
                "river_code": ["M1"],
            },
            geometry=to_degrees([Point(X0 + 7300, mid)]),
            **one,
        ),
        "chiefs": pd.DataFrame(
            {
                "chief_id": ["C1", "C2"],
                "name": ["甲", "乙"],
                "level": ["county", "township"],
                "post": ["县长", "镇长"],
                "phone": ["1", "2"],
                "admin_code": [COUNTY, "512099101"],
            }
        ),
        "assignments": pd.DataFrame(
            {
                "assignment_id": ["A1", "A2"],
                "chief_id": ["C1", "C2"],
                "level": ["county", "township"],
                "target_type": ["river", "river"],
                "river_code": ["M1", "M1"],
                "admin_code": [COUNTY, "512099101"],
            }
        ),
    }
    store.write(layers, meta={"county_code": COUNTY, "gk_epsg": str(GK)})
    return store
