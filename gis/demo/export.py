"""Write the demo county: GeoPackage in EPSG:4490, the DEM, and an offline hillshade."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyproj
from matplotlib import colormaps
from PIL import Image

from gis.crs import STORAGE_EPSG
from gis.demo import terrain
from gis.demo.build import Demo
from gis.demo.context import as_stored
from gis.demo.plan import AS_OF, COUNTY_CODE, COUNTY_NAME, GK_EPSG
from gis.store import GeoPackageStore

GPKG_NAME, DEM_NAME, HILLSHADE_NAME = "demo_county.gpkg", "dem.npz", "hillshade.png"


def write_demo(demo: Demo, out_dir: str | Path, *, seed: int) -> Path:
    """Write everything into ``out_dir``; returns the GeoPackage path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = {}
    for name, df in demo.layers.items():
        tables[name] = as_stored(df)
    gpkg = out / GPKG_NAME
    if gpkg.exists():
        gpkg.unlink()
    GeoPackageStore(gpkg).write(
        tables,
        meta={
            "county_code": COUNTY_CODE,
            "county_name": COUNTY_NAME,
            "gk_epsg": str(GK_EPSG),
            "as_of": AS_OF,
            "generator": f"riverchief demo --seed {seed}",
        },
    )
    land = demo.land
    np.savez_compressed(
        out / DEM_NAME,
        dem=land.dem.astype(np.float32),
        mask=land.mask,
        x0=land.grid.x0,
        y0=land.grid.y0,
        cell=land.grid.cell,
        epsg=GK_EPSG,
    )
    write_hillshade(land, out)
    return gpkg


def write_hillshade(land, out: Path, width: int = 900) -> None:
    """A tinted hillshade resampled to Web Mercator pixels, so Leaflet places it exactly."""
    dem = np.where(land.mask, land.dem, np.nan)
    shade = terrain.hillshade(np.nan_to_num(dem, nan=np.nanmin(dem)), land.grid.cell)
    to_geo = pyproj.Transformer.from_crs(GK_EPSG, STORAGE_EPSG, always_xy=True)
    to_merc = pyproj.Transformer.from_crs(STORAGE_EPSG, 3857, always_xy=True)
    from_merc = pyproj.Transformer.from_crs(3857, GK_EPSG, always_xy=True)
    ny, nx = land.mask.shape
    xs = land.grid.x0 + np.array([0, nx, 0, nx]) * land.grid.cell
    ys = land.grid.y0 - np.array([0, 0, ny, ny]) * land.grid.cell
    lon, lat = to_geo.transform(xs, ys)
    mx, my = to_merc.transform(lon, lat)
    mx0, mx1, my0, my1 = min(mx), max(mx), min(my), max(my)
    height = int(round(width * (my1 - my0) / (mx1 - mx0)))
    px = mx0 + (np.arange(width) + 0.5) * (mx1 - mx0) / width
    py = my1 - (np.arange(height) + 0.5) * (my1 - my0) / height
    gx, gy = from_merc.transform(*np.meshgrid(px, py))
    rows, cols = land.grid.index(gx, gy)
    ok = (rows >= 0) & (rows < ny) & (cols >= 0) & (cols < nx)
    rows, cols = np.clip(rows, 0, ny - 1), np.clip(cols, 0, nx - 1)
    z = dem[rows, cols]
    lo, hi = np.nanpercentile(dem, [1, 99])
    tint = colormaps["gist_earth"](0.35 + 0.45 * np.clip((z - lo) / (hi - lo), 0, 1))[..., :3]
    rgb = tint * (0.45 + 0.55 * shade[rows, cols])[..., None]
    alpha = (ok & land.mask[rows, cols]) * 255
    img = np.dstack([(rgb * 255).astype(np.uint8), alpha.astype(np.uint8)])
    Image.fromarray(img, "RGBA").save(out / HILLSHADE_NAME, optimize=True)
    west, south = pyproj.Transformer.from_crs(3857, STORAGE_EPSG, always_xy=True).transform(
        mx0, my0
    )
    east, north = pyproj.Transformer.from_crs(3857, STORAGE_EPSG, always_xy=True).transform(
        mx1, my1
    )
    (out / "hillshade.json").write_text(
        json.dumps({"bounds": [[south, west], [north, east]], "crs": "EPSG:3857 pixels"})
    )
