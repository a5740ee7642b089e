"""Bulk reading (pyogrio, what the importer uses) against record-by-record reading
(fiona, the salvage path) on real NHDPlus data, in the same run.

    .venv/bin/python benchmarks/bench_read.py [--repeat 5]

Prints seconds, features per second, peak Python memory and the ratio.
"""

from __future__ import annotations

import argparse
import platform
import time
import tracemalloc
from pathlib import Path

import fiona
import geopandas as gpd
import pyogrio
from shapely.geometry import shape

DATA = (
    Path(__file__).resolve().parents[1].parent / "shared" / "realdata" / "nhdplus" / "new_hope.gpkg"
)


def bulk(path: Path) -> int:
    return len(pyogrio.read_dataframe(path))


def record_by_record(path: Path) -> int:
    with fiona.open(path) as src:
        rows = [{**dict(f["properties"]), "geometry": shape(f["geometry"])} for f in src]
        return len(gpd.GeoDataFrame(rows, geometry="geometry", crs=src.crs.to_wkt()))


def measure(fn, path: Path, repeat: int) -> tuple[float, int, int]:
    best, n = float("inf"), 0
    for _ in range(repeat):
        t = time.perf_counter()
        n = fn(path)
        best = min(best, time.perf_counter() - t)
    tracemalloc.start()
    fn(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, n, peak


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(
        f"machine: {platform.machine()} {platform.processor() or ''} python "
        f"{platform.python_version()}, "
        f"pyogrio {pyogrio.__version__} (GDAL {pyogrio.__gdal_version_string__}), fiona "
        f"{fiona.__version__}"
    )
    results = {}
    for name, fn in (("pyogrio bulk", bulk), ("fiona record-by-record", record_by_record)):
        sec, n, peak = measure(fn, DATA, args.repeat)
        results[name] = sec
        print(
            f"{name:<24} {n} features  best {sec * 1000:7.1f} ms  {n / sec:9.0f} features/s  peak "
            f"{peak / 2**20:6.1f} MiB"
        )
    print(
        "ratio (record-by-record / bulk): "
        f"{results['fiona record-by-record'] / results['pyogrio bulk']:.1f}x"
    )


if __name__ == "__main__":
    main()
