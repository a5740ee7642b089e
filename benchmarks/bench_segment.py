"""Segmentation (分级分段) at village level plus the gap analysis, on a synthetic province
of N demo-like counties, against a straightforward geopandas overlay implementation.

    .venv/bin/python benchmarks/bench_segment.py --counties 150

The province is the demo county tiled N times side by side (codes made unique). Each
implementation runs in a process of its own, so each peak RSS is its own:

- ours: ``gis.reaches.segment`` then ``gis.coverage.coverage_of`` (``--workers`` threads);
- reference: ``reference_overlay.overlay_segment``, the same rules written with
  ``overlay`` / ``sjoin`` / ``buffer`` / ``line_locate_point`` and a Python loop;
- bare overlay: ``overlay(rivers, villages)`` alone, the floor of any overlay approach
  (it does not give reaches: it shreds every 界河 into one piece per side).

Ours and the reference must give the same reaches: the same labels in the same order
along every river, ends within 1 cm (ours rounds them to the cm).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def province(n: int) -> dict:
    from gis import datasets
    from gis.store import GeoPackageStore

    s = GeoPackageStore(datasets.get_path("demo"))
    layers = {
        k: s.read(k)
        for k in ("rivers", "admin_units", "assignments", "chiefs", "reservoirs", "signboards")
    }
    gk = {k: v.to_crs(4544) if isinstance(v, gpd.GeoDataFrame) else v for k, v in layers.items()}
    width = gk["admin_units"].total_bounds[2] - gk["admin_units"].total_bounds[0] + 2000
    out = {k: [] for k in gk}
    for i in range(n):
        tag = f"{i:03d}"
        for k, v in gk.items():
            v = v.copy()
            for col in (
                "river_code",
                "admin_code",
                "parent_code",
                "flows_into",
                "chief_id",
                "shared_admin_code",
                "reservoir_code",
                "assignment_id",
                "board_id",
            ):
                if col in v:
                    v[col] = v[col].map(
                        lambda c, t=tag: None if c is None or (isinstance(c, float)) else f"{t}-{c}"
                    )
            if isinstance(v, gpd.GeoDataFrame):
                v = v.set_geometry(
                    v.geometry.translate(xoff=width * (i % 10), yoff=-60_000 * (i // 10))
                )
            out[k].append(v)
    merged = {k: pd.concat(v, ignore_index=True) for k, v in out.items()}
    return {
        k: gpd.GeoDataFrame(v, geometry="geometry", crs=4544) if "geometry" in v else v
        for k, v in merged.items()
    }


def _rss_now() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS"))


def run_step(step: str, n: int, workers: int | None, out: str) -> None:
    """One implementation on the province, in this process; results pickled to ``out``."""
    p = province(n)
    base = _rss_now()
    t = time.perf_counter()
    detail: dict = {}
    if step == "ours":
        from gis.coverage import CoverageRules, coverage_of
        from gis.reaches import segment

        reaches, _ = segment(p["rivers"], p["admin_units"], level="village", workers=workers)
        detail["segment"] = time.perf_counter() - t
        cov = coverage_of(
            reaches,
            p["assignments"],
            p["chiefs"],
            rivers=p["rivers"],
            reservoirs=p["reservoirs"],
            signboards=p["signboards"],
            admin=p["admin_units"],
            rules=CoverageRules(),
        )
        detail["gap analysis"] = time.perf_counter() - t - detail["segment"]
        result = pd.DataFrame(reaches.drop(columns="geometry"))
        detail["unassigned"] = len(cov.unassigned)
    elif step == "reference":
        from reference_overlay import overlay_segment

        result = overlay_segment(p["rivers"], p["admin_units"], steps=detail)
    else:
        villages = p["admin_units"][p["admin_units"]["level"] == "village"][
            ["admin_code", "geometry"]
        ]
        parts = gpd.overlay(
            p["rivers"][["river_code", "geometry"]],
            villages,
            how="intersection",
            keep_geom_type=True,
        )
        result = pd.DataFrame({"river_code": parts["river_code"], "length_m": parts.length})
    sec = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    with open(out, "wb") as f:
        pickle.dump(
            {"seconds": sec, "peak": peak, "base": base, "detail": detail, "result": result}, f
        )


def _child(step: str, n: int, workers: int | None) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".pkl", delete=False) as f:
        out = f.name
    cmd = [sys.executable, __file__, "--counties", str(n), "--step", step, "--out", out]
    if workers:
        cmd += ["--workers", str(workers)]
    subprocess.run(cmd, check=True)
    with open(out, "rb") as f:
        res = pickle.load(f)
    os.unlink(out)
    return res


def same_reaches(ours: pd.DataFrame, ref: pd.DataFrame) -> tuple[bool, float]:
    """Labels equal, in order along every river; and the largest end difference (m)."""
    key = ["river_code", "from_m"]
    a = (
        ours.assign(shared_admin_code=ours["shared_admin_code"].fillna(""))
        .sort_values(key)
        .reset_index(drop=True)
    )
    b = (
        ref.assign(shared_admin_code=ref["shared_admin_code"].fillna(""))
        .sort_values(key)
        .reset_index(drop=True)
    )
    if len(a) != len(b):
        return False, float("inf")
    labels = all((a[c] == b[c]).all() for c in ("river_code", "admin_code", "shared_admin_code"))
    gap = float(np.maximum((a["from_m"] - b["from_m"]).abs(), (a["to_m"] - b["to_m"]).abs()).max())
    return labels, gap


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--counties", type=int, default=5)
    ap.add_argument(
        "--workers", type=int, default=None, help="threads for ours (default: one per core)"
    )
    ap.add_argument("--skip-reference", action="store_true", help="ours and the bare overlay only")
    ap.add_argument("--step", choices=["ours", "reference", "overlay"], help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.step:
        run_step(args.step, args.counties, args.workers, args.out)
        return
    n = args.counties
    p = province(n)
    print(
        f"{n} counties: {len(p['rivers'])} rivers, "
        f"{(p['admin_units']['level'] == 'village').sum()} villages, "
        f"{os.cpu_count()} cores",
        flush=True,
    )
    rows = {}
    for step in ("ours", "overlay") + (() if args.skip_reference else ("reference",)):
        rows[step] = _child(step, n, args.workers)
        r = rows[step]
        detail = ", ".join(
            f"{k} {v:.1f} s" if isinstance(v, float) else f"{k} {v}" for k, v in r["detail"].items()
        )
        print(
            f"{step:9s} {r['seconds']:7.1f} s  peak RSS {r['peak'] / 2**30:5.2f} GiB (data "
            f"{r['base'] / 2**30:4.2f} GiB)"
            f"  {detail}",
            flush=True,
        )
    ours = rows["ours"]
    seg = ours["detail"]["segment"]
    print(
        f"ours: {len(ours['result'])} reaches; segmentation {seg:.1f} s + gaps "
        f"{ours['detail']['gap analysis']:.1f} s "
        f"= {ours['seconds']:.1f} s (goal < 60 s)"
    )
    print(f"bare overlay / our segmentation: {rows['overlay']['seconds'] / seg:.2f}x")
    if "reference" in rows:
        labels, gap = same_reaches(ours["result"], rows["reference"]["result"])
        print(
            f"same reaches as the reference: labels {'equal' if labels else 'DIFFER'}, ends "
            f"within {gap:.3f} m"
        )
        print(
            f"reference / our segmentation: {rows['reference']['seconds'] / seg:.1f}x (goal >= 5x)"
        )
    print(
        json.dumps(
            {
                k: {"seconds": round(v["seconds"], 2), "peak_gib": round(v["peak"] / 2**30, 2)}
                for k, v in rows.items()
            }
        )
    )


if __name__ == "__main__":
    main()
