"""Protection zones: delineation on the demo and on a synthetic province, and classifying
random points against every zone, compared with ``geopandas.sjoin`` in the same run.

    .venv/bin/python benchmarks/bench_zones.py --counties 140 --points 1000000

The province is the demo county tiled N times (codes made unique), so 140 counties give
10,080 sources. Point classification must give exactly the pairs sjoin gives.
Reports wall time, rate, the ratio to the reference and peak resident memory.
"""

from __future__ import annotations

import argparse
import platform
import resource
import time

import geopandas as gpd
import numpy as np
import pandas as pd

from gis import datasets
from gis.store import GeoPackageStore, MemoryStore
from gis.zones import delineate
from gis.zones.query import ZoneIndex

LAYERS = ("rivers", "admin_units", "reservoirs", "water_sources", "protection_zones")
CODES = (
    "river_code",
    "admin_code",
    "parent_code",
    "flows_into",
    "reservoir_code",
    "source_code",
    "zone_id",
)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def province(n: int) -> MemoryStore:
    demo = GeoPackageStore(datasets.get_path("demo"))
    gk = {k: demo.read(k).to_crs(4544) for k in LAYERS}
    width = gk["admin_units"].total_bounds[2] - gk["admin_units"].total_bounds[0] + 2000
    out = {k: [] for k in gk}
    for i in range(n):
        for k, v in gk.items():
            v = v.copy()
            for col in CODES:
                if col in v:
                    v[col] = v[col].map(
                        lambda c, t=f"{i:03d}": (
                            c if c is None or isinstance(c, float) else f"{t}-{c}"
                        )
                    )
            # the whole county becomes one township of the province: one outline per tile
            if k == "admin_units":
                v = v[v["level"] != "county"] if i else v
            out[k].append(
                v.set_geometry(
                    v.geometry.translate(xoff=width * (i % 12), yoff=-60_000 * (i // 12))
                )
            )
    tables = {
        k: gpd.GeoDataFrame(pd.concat(v, ignore_index=True), geometry="geometry", crs=4544).to_crs(
            4490
        )
        for k, v in out.items()
    }
    return MemoryStore(tables)


def timed(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--counties", type=int, default=140)
    ap.add_argument("--points", type=int, default=1_000_000)
    args = ap.parse_args()
    print(
        f"machine: {platform.machine()} {platform.processor() or ''}, python "
        f"{platform.python_version()}"
    )

    demo = GeoPackageStore(datasets.get_path("demo"))
    d, t = timed(delineate, demo)
    print(
        f"demo: delineate all {d.zones.source_code.nunique()} sources -> {len(d.zones)} polygons "
        f"in {t:.2f} s ({len(d.problems)} problems); peak {peak_mb():.0f} MB"
    )

    store, t = timed(province, args.counties)
    n_src = len(store.read("water_sources"))
    print(
        f"province: {args.counties} counties, {len(store.read('rivers'))} rivers, {n_src} sources "
        f"(built in {t:.1f} s)"
    )
    d, t = timed(delineate, store)
    print(
        f"province: delineate {n_src} sources -> {len(d.zones)} polygons in {t:.1f} s "
        f"({n_src / t:.0f} sources/s, {len(d.problems)} problems); peak {peak_mb():.0f} MB"
    )

    zones = pd.concat(
        [
            demo.read("protection_zones"),
            delineate(demo, missing=True).zones[demo.read("protection_zones").columns],
        ],
        ignore_index=True,
    ).to_crs(4544)
    rng = np.random.default_rng(0)
    x0, y0, x1, y1 = zones.total_bounds
    x, y = rng.uniform(x0, x1, args.points), rng.uniform(y0, y1, args.points)
    index, t_index = timed(ZoneIndex, zones)
    (p, z), t_ours = timed(index.classify, x, y)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=zones.crs)
    j, t_ref = timed(gpd.sjoin, pts, zones, predicate="intersects")
    order = np.lexsort((j["index_right"].to_numpy(), j.index.to_numpy()))
    same = np.array_equal(j.index.to_numpy()[order], p) and np.array_equal(
        j["index_right"].to_numpy()[order], z
    )
    print(
        f"classify {args.points:,} points against {len(zones)} zones: index {t_index:.2f} s, "
        f"classify {t_ours:.3f} s = {args.points / t_ours / 1e6:.2f} M points/s; sjoin "
        f"{t_ref:.2f} s "
        f"(incl. building points: no) -> {t_ref / t_ours:.1f}x faster; {len(p):,} pairs; "
        f"identical: {same}; "
        f"peak {peak_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()
