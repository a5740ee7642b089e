"""Store writes: the transaction in place against the old copy + write + ``os.replace``
(the reference, kept here), appending and replacing N points in a copy of the demo store.

    .venv/bin/python benchmarks/bench_store_write.py [N ...]
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from gis import datasets, store
from gis.store import GeoPackageStore


def points(n: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "source_code": [f"B{i}" for i in range(n)],
            "name": ["x"] * n,
            "source_type": ["river"] * n,
        },
        geometry=gpd.points_from_xy(105.2 + np.arange(n) * 1e-7, np.full(n, 30.3)),
        crs=4490,
    )


def copy_replace(path: Path, name: str, df: pd.DataFrame, mode: str) -> None:
    """The old write: the whole file copied, the layer rewritten in the copy, renamed over."""
    s = GeoPackageStore(path)
    df = store._prepare(name, df)
    if mode == "append":
        df = store._concat(s.read(name), df)
    tmp = path.with_name(f".{path.name}.ref.gpkg")
    shutil.copy2(path, tmp)
    store._write_layer(tmp, name, df)
    os.replace(tmp, path)


def transaction(path: Path, name: str, df: pd.DataFrame, mode: str) -> None:
    GeoPackageStore(path).write({name: df}, mode=mode)


def main(sizes: list[int]) -> None:
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}"
    )
    print(f"{'N':>8} {'case':<22} {'transaction s':>14} {'copy+replace s':>15}")
    cases = {
        "append": ("append", False),
        "replace": ("replace", False),
        "append to N rows": ("append", True),
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "county.gpkg"
        for n in sizes:
            df = points(n)
            for case, (mode, filled) in cases.items():
                times = []
                for write in (transaction, copy_replace):
                    shutil.copy(datasets.get_path("demo"), path)
                    if filled:
                        transaction(path, "water_sources", df, "append")
                    t = time.perf_counter()
                    write(path, "water_sources", df, mode)
                    times.append(time.perf_counter() - t)
                    path.unlink()
                print(f"{n:>8} {case:<22} {times[0]:>14.2f} {times[1]:>15.2f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 100_000, 1_000_000])
