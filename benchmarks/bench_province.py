"""Province runs: ``province gaps`` on a LocalCluster against one process, and a county read
of a province GeoParquet file against a full read.

    .venv/bin/python benchmarks/bench_province.py --counties 150

The province is N copies of the demo county, each with its own county code and a different
sixth of its assignments struck out (as tests/test_province.py derives them).

- one process: ``county_gaps`` over every store in turn, in a fresh Python (the reference);
- LocalCluster(W): ``gis.province.province_gaps`` with W worker processes; every county's
  JSON must equal the one-process run's; peak RSS per worker read from each worker;
- GeoParquet: the N counties' village reaches side by side in one file
  (``write_geoparquet``); one county read by ``county_code`` and by its bbox, against a full
  read filtered in pandas: same rows.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _child import DEMO, machine_line  # noqa: E402

LEVEL = "all"


def build_counties(folder: Path, n: int) -> list[Path]:
    paths = []
    for i in range(n):
        p = folder / f"county{i:03d}.gpkg"
        shutil.copy(DEMO, p)
        con = sqlite3.connect(p)
        with con:
            con.execute("UPDATE meta SET value = ? WHERE key = 'county_code'", (f"6{i:05d}",))
            con.execute("UPDATE meta SET value = ? WHERE key = 'county_name'", (f"县{i}",))
            con.execute("DELETE FROM assignments WHERE fid % 6 = ?", (i % 6,))
        con.close()
        paths.append(p)
    return paths


def one_process(stores: list[str], out: Path) -> None:
    """The reference, run as ``--child``: every county in turn; JSON of each to ``out``."""
    from gis.province import county_gaps

    t = time.perf_counter()
    found = [county_gaps(s, level=LEVEL)["json"] for s in stores]
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write_text(json.dumps({"wall_s": wall, "peak_mib": peak, "json": found}))


def _worker_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cluster(stores: list[str], workers: int) -> dict:
    from gis.province import county_gaps, county_stores, dask_client, merge_gaps

    counties = county_stores(stores)
    t = time.perf_counter()
    with dask_client(None, workers) as client:
        started = time.perf_counter() - t
        futures = [client.submit(county_gaps, s, level=LEVEL, pure=False) for s in stores]
        results = client.gather(futures)
        peaks = client.run(_worker_peak_mib)
    wall = time.perf_counter() - t
    report = merge_gaps(counties, results, level=LEVEL)
    return {"wall_s": wall, "start_s": started, "peaks": peaks, "report": report}


def geoparquet(stores: list[str], folder: Path) -> dict:
    import geopandas as gpd
    import pandas as pd
    import shapely

    from gis import find_gaps
    from gis.io.geoparquet import read_geoparquet, write_geoparquet
    from gis.store import GeoPackageStore

    reaches = find_gaps(GeoPackageStore(stores[0]), level="village").reaches.to_crs(4490)
    parts = []
    for i in range(len(stores)):  # side by side, 15 per row, as a province's counties lie
        part = reaches.copy()
        part["county_code"] = f"6{i:05d}"
        dx, dy = 1.0 * (i % 15), 0.6 * (i // 15)
        part["geometry"] = shapely.transform(part.geometry.values, lambda xy, d=(dx, dy): xy + d)
        parts.append(part)
    frame = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=4490)
    path = folder / "province_reaches.parquet"
    t = time.perf_counter()
    write_geoparquet(frame, path)
    write_s = time.perf_counter() - t
    code = f"6{len(stores) // 2:05d}"
    want = frame[frame["county_code"] == code]
    times = {}
    for name, kw in (
        ("full", {}),
        ("county", {"county_code": code}),
        ("bbox", {"bbox": tuple(want.total_bounds)}),
    ):
        t = time.perf_counter()
        got = read_geoparquet(path, **kw)
        times[name] = time.perf_counter() - t
        if name == "full":
            got = got[got["county_code"] == code]
        elif name == "bbox":
            got = got[got["county_code"] == code]  # the window may clip a neighbour's edge
        assert sorted(got["reach_id"]) == sorted(want["reach_id"]), name
    return {
        "rows": len(frame),
        "county_rows": len(want),
        "mib": path.stat().st_size / 2**20,
        "write_s": write_s,
        **times,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--counties", type=int, default=150)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--child", nargs=2, metavar=("STORES_JSON", "OUT"))
    args = ap.parse_args()
    if args.child:
        one_process(json.loads(Path(args.child[0]).read_text()), Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        stores = [str(p) for p in build_counties(folder, args.counties)]
        (folder / "stores.json").write_text(json.dumps(stores))
        subprocess.run(  # numba's cache warm before either side is timed
            [
                sys.executable,
                "-c",
                f"from gis.province import county_gaps; county_gaps({stores[0]!r})",
            ],
            check=True,
        )
        t = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(folder / "stores.json"),
                str(folder / "ref.json"),
            ],
            check=True,
        )
        ref_wall = time.perf_counter() - t
        ref = json.loads((folder / "ref.json").read_text())
        c = cluster(stores, args.workers)
        same = [c["report"].county_json[f"6{i:05d}"] for i in range(len(stores))] == ref["json"]
        gp = geoparquet(stores, folder)
    print(machine_line())
    print(f"province gaps, {args.counties} demo-derived counties, level {LEVEL}:")
    print(
        f"  one process: {ref_wall:.1f} s (analysis {ref['wall_s']:.1f} s), "
        f"peak {ref['peak_mib']:.0f} MiB"
    )
    peaks = ", ".join(f"{v:.0f}" for v in c["peaks"].values())
    print(
        f"  LocalCluster({args.workers}): {c['wall_s']:.1f} s (cluster start {c['start_s']:.1f} s),"
        f" ratio {ref_wall / c['wall_s']:.2f}x, peak per worker MiB: {peaks}"
    )
    print(f"  every county's JSON identical to the one-process run: {same}")
    print(
        f"GeoParquet, {gp['rows']:,} village reaches of {args.counties} counties "
        f"({gp['mib']:.1f} MiB, written in {gp['write_s']:.2f} s); one county "
        f"({gp['county_rows']:,} rows):"
    )
    print(
        f"  full read {gp['full']:.3f} s; by county_code {gp['county']:.3f} s "
        f"({gp['full'] / gp['county']:.1f}x); by bbox {gp['bbox']:.3f} s "
        f"({gp['full'] / gp['bbox']:.1f}x); same rows: True"
    )
    if not same:
        sys.exit("province results differ from the one-process run")


if __name__ == "__main__":
    main()
