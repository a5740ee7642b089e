"""Import of a provincial river file of arcs, clipped to one county (issue 14).

    .venv/bin/python benchmarks/bench_import_arcs.py --arcs 100000

The file is SYNTHETIC (no real provincial hydrography is shipped): ``--arcs`` arcs in a
GeoPackage, 10 arcs per river chained end to end (each arc 2 km, 11 vertices, a river code
and a name per river, the catalogue's fields), rivers placed at random over a province-sized
box of 6° × 6° (lon 102–108, lat 27–33) around the demo county, so that a few hundred arcs
fall inside the county and a few cross its boundary. Each case runs in a process of its own
(wall time includes starting Python; peak = that process's max RSS):

- ``import``: :func:`gis.io.importer.import_file` into ``rivers`` of a fresh copy of the demo
  store (``mode="replace"``, clipped to the demo county: arcs merged into rivers, rivers
  outside refused and listed in the rejects CSV, rivers across the boundary cut), plus the
  text report;
- ``reference``: plain geopandas on the same file, read (pyogrio) and ``geopandas.clip`` to
  the same county polygon, nothing validated, merged or written: the floor of any clip.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _child import ROOT, machine_line, run_in_child  # the benchmarks folder

ARCS_PER_RIVER, ARC_M, VERTICES = 10, 2000.0, 11


def make_arcs(path: Path, arcs: int, seed: int = 0) -> Path:
    """Write ``arcs`` synthetic arcs (``ARCS_PER_RIVER`` per river) to a GeoPackage."""
    import geopandas as gpd
    import shapely

    rng = np.random.default_rng(seed)
    rivers = -(-arcs // ARCS_PER_RIVER)
    lon0, lat0 = rng.uniform(102, 108, rivers), rng.uniform(27, 33, rivers)
    heading = rng.uniform(0, 2 * np.pi, rivers)
    step = ARC_M / (VERTICES - 1) / 111_000  # degrees per vertex step (about 200 m)
    steps = ARCS_PER_RIVER * (VERTICES - 1)
    ang = heading[:, None] + 0.3 * np.sin(np.arange(steps)[None, :] / 7.0)  # meanders
    zero = np.zeros((rivers, 1))
    px = lon0[:, None] + np.hstack([zero, np.cumsum(np.cos(ang) * step, axis=1)])
    py = lat0[:, None] + np.hstack([zero, np.cumsum(np.sin(ang) * step, axis=1)])
    k = np.arange(arcs)
    river, j = k // ARCS_PER_RIVER, k % ARCS_PER_RIVER
    at = j[:, None] * (VERTICES - 1) + np.arange(VERTICES)[None, :]  # arcs share end vertices
    coords = np.stack([px[river[:, None], at], py[river[:, None], at]], axis=-1).reshape(-1, 2)
    lines = shapely.linestrings(coords, indices=np.repeat(k, VERTICES))
    codes = np.char.add("P", np.char.zfill(river.astype(str), 6))
    gdf = gpd.GeoDataFrame(
        {
            "river_code": codes,
            "name": np.char.add("河", river.astype(str)),
            "management_level": np.array(["county", "township", "village"])[river % 3],
            "in_register": (river % 2 == 0),
            "arc_id": k,
        },
        geometry=lines,
        crs=4490,
    )
    gdf.to_file(path, engine="pyogrio")
    return path


def child(case: str, gpkg: str, store: str) -> None:
    """One case in this process; prints its figures as JSON."""
    sys.path.insert(0, str(ROOT))
    t = time.perf_counter()
    if case == "import":
        from gis.io.importer import import_file

        rep = import_file(gpkg, "rivers", data=store, mode="replace")
        rep.format()
        out = {
            "read": rep.read,
            "rivers": rep.accepted,
            "outside": rep.outside,
            "clipped": rep.clipped,
            "other_rejected": len(rep.rejected) - rep.outside,
            "notes": [n for n in rep.notes if "arcs became" in n],
        }
    else:
        import geopandas as gpd

        from gis.store import GeoPackageStore

        admin = GeoPackageStore(store).read("admin_units")
        county = admin[admin["level"] == "county"]
        arcs = gpd.read_file(gpkg, engine="pyogrio")
        kept = gpd.clip(arcs, county)
        out = {"read": len(arcs), "arcs_kept": len(kept)}
    out["s"] = time.perf_counter() - t
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out, ensure_ascii=False))


def run(case: str, gpkg: Path, work: Path) -> dict:
    return run_in_child(__file__, [case, str(gpkg)], work)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--arcs", type=int, default=100_000)
    ap.add_argument("--child", nargs=3, metavar=("CASE", "GPKG", "STORE"))
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    print(machine_line())
    with tempfile.TemporaryDirectory(prefix="bench-arcs-") as tmp:
        work = Path(tmp)
        t = time.perf_counter()
        gpkg = make_arcs(work / "province_arcs.gpkg", args.arcs)
        size = gpkg.stat().st_size / 1e6
        print(f"synthetic file: {args.arcs:,} arcs, {size:.0f} MB, {time.perf_counter() - t:.1f} s")
        res = {case: run(case, gpkg, work) for case in ("import", "reference")}
    for case, r in res.items():
        print(f"{case:9s} {json.dumps(r, ensure_ascii=False)}")
    print(f"import / reference (in-process time): {res['import']['s'] / res['reference']['s']:.2f}")


if __name__ == "__main__":
    main()
