"""Segmentation (分级分段) at village level plus the gap analysis, on the demo and on a
synthetic province of N demo-like counties, against a straightforward geopandas overlay.

    .venv/bin/python benchmarks/bench_segment.py --counties 5

The province is the demo county tiled N times side by side (codes made unique). Both
implementations must give the same reaches: the same total length per (river, village).
Reports wall time, the process's peak resident memory after each step, and the ratio.
The overlay counts a river that lies on a shared boundary once per side (the 界河
shredding the reaches avoid), so both are also compared with each river's own length.
"""

from __future__ import annotations

import argparse
import resource
import time

import geopandas as gpd
import pandas as pd

from gis import datasets
from gis.coverage import CoverageRules, coverage_of
from gis.reaches import segment
from gis.store import GeoPackageStore


def province(n: int):
    s = GeoPackageStore(datasets.get_path("demo"))
    layers = {k: s.read(k) for k in ("rivers", "admin_units", "assignments", "chiefs", "reservoirs", "signboards")}
    gk = {k: v.to_crs(4544) if isinstance(v, gpd.GeoDataFrame) else v for k, v in layers.items()}
    width = gk["admin_units"].total_bounds[2] - gk["admin_units"].total_bounds[0] + 2000
    out = {k: [] for k in gk}
    for i in range(n):
        tag = f"{i:03d}"
        for k, v in gk.items():
            v = v.copy()
            for col in ("river_code", "admin_code", "parent_code", "flows_into", "chief_id", "shared_admin_code",
                        "reservoir_code", "assignment_id", "board_id"):
                if col in v:
                    v[col] = v[col].map(lambda c, t=tag: None if c is None or (isinstance(c, float)) else f"{t}-{c}")
            if isinstance(v, gpd.GeoDataFrame):
                v = v.set_geometry(v.geometry.translate(xoff=width * (i % 10), yoff=-60_000 * (i // 10)))
            out[k].append(v)
    merged = {k: pd.concat(v, ignore_index=True) for k, v in out.items()}
    return {k: gpd.GeoDataFrame(v, geometry="geometry", crs=4544) if "geometry" in v else v for k, v in merged.items()}


def overlay_reaches(rivers, admin):
    """The reference: one overlay of rivers and villages, exploded into parts."""
    villages = admin[admin["level"] == "village"][["admin_code", "geometry"]]
    parts = gpd.overlay(rivers[["river_code", "geometry"]], villages, how="intersection", keep_geom_type=True)
    parts["length_m"] = parts.length
    return parts.groupby(["river_code", "admin_code"])["length_m"].sum()


def ours(p):
    reaches, _ = segment(p["rivers"], p["admin_units"], level="village")
    cov = coverage_of(reaches, p["assignments"], p["chiefs"], rivers=p["rivers"], reservoirs=p["reservoirs"],
                      signboards=p["signboards"], admin=p["admin_units"], rules=CoverageRules())
    return reaches, cov


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    sec = time.perf_counter() - t
    return out, sec, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--counties", type=int, default=5)
    n = ap.parse_args().counties
    p = province(n)
    print(f"{n} counties: {len(p['rivers'])} rivers, {(p['admin_units']['level'] == 'village').sum()} villages")
    (reaches, cov), t_ours, m_ours = timed(ours, p)
    ref, t_ref, m_ref = timed(overlay_reaches, p["rivers"], p["admin_units"])
    # the same reaches: every metre of each river once (compared with the river's own length)
    own = p["rivers"].set_index("river_code").to_crs(reaches.crs).length
    mine = reaches.groupby("river_code")["length_m"].sum().reindex(own.index, fill_value=0)
    theirs = ref.groupby(level=0).sum().reindex(own.index, fill_value=0) * 1.0
    theirs = theirs * (own / p["rivers"].set_index("river_code").length)  # overlay ran in EPSG:4544
    over = int(((theirs - own) > 1).sum())
    print(f"ours (segment + gaps): {t_ours:7.1f} s  peak RSS {m_ours / 2**20:7.1f} MiB  ({len(reaches)} reaches, "
          f"{len(cov.unassigned)} unassigned); rivers off their own length by >1 m: {int(((mine - own).abs() > 1).sum())}")
    print(f"overlay (segment only): {t_ref:6.1f} s  peak RSS {m_ref / 2**20:7.1f} MiB; rivers counted longer than they are: {over}")
    print(f"time ratio ours/overlay: {t_ours / t_ref:.1f}x")


if __name__ == "__main__":
    main()
