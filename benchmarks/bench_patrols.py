"""Matching GPS points to reaches: ours against two shapely/geopandas references, same run.

    .venv/bin/python benchmarks/bench_patrols.py --points 10000000 --ref-points 1000000 \\
        --counties 140

Points are patrol-like: walks along random reaches (7 m steps, 20 m GPS noise), in track
order as a phone records them; a shuffled copy shows the worst case (no locality).
References, on the first ``--ref-points`` points (they are too slow for 10 M):
(a) ``geopandas.sjoin_nearest(max_distance=tol)``, ties to the lower reach row;
(b) ``shapely.STRtree.query(predicate="dwithin")`` + exact distance + per-point minimum.
Both must give the same reach for every point. Peak memory is the process maximum RSS,
and tracemalloc's peak for the matching call alone.
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
import tracemalloc

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gis import datasets
from gis.demo.patrols import points_along
from gis.patrols.match import build_index, match_points
from gis.reaches import segment
from gis.store import GeoPackageStore

TOL = 50.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def walks(reaches: gpd.GeoDataFrame, n: int, rng, per: int = 250) -> np.ndarray:
    nt = n // per
    pick = np.repeat(rng.integers(0, len(reaches), nt), per)
    length = reaches.geometry.length.to_numpy()[pick]
    d = (np.repeat(rng.random(nt), per) * length + np.tile(np.arange(per) * 7.0, nt)) % np.maximum(
        length, 1
    )
    xy = points_along(reaches.geometry.to_numpy(), pick, d)  # no 10 M shapely objects
    xy += rng.normal(0, 20, xy.shape)
    return xy


def ref_sjoin(xy, reaches) -> np.ndarray:
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=reaches.crs)
    j = gpd.sjoin_nearest(
        pts, reaches[["geometry"]].reset_index(drop=True), max_distance=TOL, how="left"
    )
    j = j.reset_index().sort_values(["index", "index_right"]).drop_duplicates("index")
    return (
        j.set_index("index")["index_right"]
        .reindex(range(len(xy)))
        .fillna(-1)
        .astype(int)
        .to_numpy()
    )


def ref_strtree(xy, reaches) -> np.ndarray:
    lines = reaches.geometry.to_numpy()
    pts = shapely.points(xy)
    pi, ri = shapely.STRtree(lines).query(pts, predicate="dwithin", distance=TOL)
    d = shapely.distance(pts[pi], lines[ri])
    o = np.lexsort((ri, d, pi))
    pi, ri = pi[o], ri[o]
    first = np.r_[True, pi[1:] != pi[:-1]]
    out = np.full(len(xy), -1)
    out[pi[first]] = ri[first]
    return out


def run(name, reaches, n, n_ref, rng) -> list[dict]:
    rows = []
    t = time.perf_counter()
    idx = build_index(reaches, tolerance=TOL)
    t_index = time.perf_counter() - t
    xy = walks(reaches, n, rng)
    match_points(xy[:10, 0], xy[:10, 1], idx)  # compile (cached on disk after the first run)
    best = np.inf
    for _ in range(3):
        t = time.perf_counter()
        reach, _, _ = match_points(xy[:, 0], xy[:, 1], idx)
        best = min(best, time.perf_counter() - t)
    tracemalloc.start()
    match_points(xy[:, 0], xy[:, 1], idx)
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    shuffle = rng.permutation(n)
    xs, ys = xy[shuffle, 0].copy(), xy[shuffle, 1].copy()
    t = time.perf_counter()
    match_points(xs, ys, idx)
    t_shuf = time.perf_counter() - t
    del xs, ys
    ours = n / best
    rows.append(
        {
            "network": name,
            "method": "ours (grid + compiled kernel, 2 threads)",
            "points": n,
            "seconds": best,
            "points_per_s": ours,
            "ratio": 1.0,
            "identical": "—",
            "note": f"index {t_index:.2f} s, {idx.n_cells:,} cells of {idx.cell:.0f} m, "
            f"{(idx.items.nbytes + idx.start.nbytes + idx.item_reach.nbytes) / 2**20:.0f} MiB; "
            f"shuffled order {n / t_shuf / 1e6:.1f} M/s; matching allocates {traced:.0f} MiB",
        }
    )
    sub = xy[:n_ref]
    for label, fn in (
        ("(a) geopandas sjoin_nearest(max_distance)", ref_sjoin),
        ("(b) shapely STRtree dwithin + distance + min", ref_strtree),
    ):
        t = time.perf_counter()
        ref = fn(sub, reaches)
        s = time.perf_counter() - t
        same = bool((ref == reach[:n_ref]).all())
        rows.append(
            {
                "network": name,
                "method": label,
                "points": n_ref,
                "seconds": s,
                "points_per_s": n_ref / s,
                "ratio": ours / (n_ref / s),
                "identical": f"{same} ({int((ref != reach[:n_ref]).sum())} differ)",
                "note": "",
            }
        )
    print(f"  peak RSS so far {peak_mb():,.0f} MB")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=10_000_000)
    ap.add_argument("--ref-points", type=int, default=1_000_000)
    ap.add_argument(
        "--counties", type=int, default=140, help="tiles of the demo for the province (0: skip)"
    )
    args = ap.parse_args()
    rng = np.random.default_rng(2026)
    demo = GeoPackageStore(datasets.get_path("demo"))
    t = time.perf_counter()
    reaches, _ = segment(demo.read("rivers"), demo.read("admin_units"), level="village")
    reaches = reaches.reset_index(drop=True)
    print(
        f"{platform.processor() or platform.machine()}, demo village reaches: {len(reaches)} "
        f"({time.perf_counter() - t:.1f} s to segment)"
    )
    rows = run("demo county", reaches, args.points, args.ref_points, rng)
    if args.counties:
        x0, y0, x1, y1 = reaches.total_bounds
        w, h = x1 - x0 + 2000, y1 - y0 + 2000
        tiles = [
            reaches.geometry.translate(xoff=w * (i % 12), yoff=-h * (i // 12))
            for i in range(args.counties)
        ]
        prov = gpd.GeoDataFrame(geometry=pd.concat(tiles, ignore_index=True), crs=reaches.crs)
        print(f"province: {args.counties} counties, {len(prov):,} reaches")
        rows += run(f"province ({args.counties} counties)", prov, args.points, args.ref_points, rng)
    df = pd.DataFrame(rows)
    df["points_per_s"] = (df["points_per_s"] / 1e6).round(3).astype(str) + " M"
    df["seconds"] = df["seconds"].round(2)
    df["ratio"] = df["ratio"].round(1)
    print("| " + " | ".join(df.columns) + " |\n|" + "---|" * len(df.columns))
    for r in df.itertuples(index=False):
        print("| " + " | ".join(str(v) for v in r) + " |")
    print(f"peak RSS {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
