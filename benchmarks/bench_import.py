"""Import throughput: N point rows all accepted vs N point rows all rejected.

    .venv/bin/python benchmarks/bench_import.py --rows 1000000

Each case imports a generated CSV of drinking-water sources (lon/lat columns) into a fresh
copy of the demo GeoPackage (``dry_run=False``: the accepted case writes the rows, as a user's
import does) in a subprocess of its own, so the wall time includes starting Python and the
peak RSS is that process's alone (the child's own ``getrusage(RUSAGE_SELF).ru_maxrss``).

The rejected rows cycle through four reasons: a longitude that is not a number, a point
outside China, an empty required name, and a source type outside its code list.
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
import pandas as pd
from _child import ROOT, machine_line, run_in_child  # the benchmarks folder

LAYER = "water_sources"


def make_csv(path: Path, rows: int, *, rejected: bool, seed: int = 0) -> Path:
    """Write ``rows`` water sources inside the demo county; all valid, or all invalid."""
    rng = np.random.default_rng(seed)
    i = np.arange(rows)
    df = pd.DataFrame(
        {
            "source_code": np.char.add("B", np.char.zfill(i.astype(str), 8)),
            "name": np.char.add("水厂", i.astype(str)),
            "source_type": np.array(["river", "reservoir", "groundwater"])[i % 3],
            "population_served": rng.integers(100, 90_000, rows),
            "has_official_zone": np.array(["是", "否"])[i % 2],
            "supply_m3_per_day": np.round(rng.uniform(10, 20_000, rows), 1),
            "lon": np.round(rng.uniform(105.14, 105.54, rows), 6).astype(str),
            "lat": np.round(rng.uniform(30.16, 30.51, rows), 6).astype(str),
        }
    )
    if rejected:
        reason = i % 4
        df["lon"] = df["lon"].where(reason != 0, "东经一百零五度")  # not a coordinate
        df["lat"] = df["lat"].where(reason != 1, "60.5")  # outside China
        df["name"] = df["name"].where(reason != 2, "")  # required value empty
        df["source_type"] = df["source_type"].where(reason != 3, "lake")  # not in the code list
    df.to_csv(path, index=False, encoding="utf-8")
    return path


def child(csv: str, store: str) -> None:
    """One import, in this process, as ``riverchief import`` runs it; prints figures as JSON."""
    sys.path.insert(0, str(ROOT))
    from gis.io.importer import import_file, report_json

    t, cpu = time.perf_counter(), time.process_time()
    rep = import_file(csv, LAYER, data=store)
    took = time.perf_counter() - t
    text = rep.format()  # what the CLI prints by default: part of the user's wait
    total, cpu = time.perf_counter() - t, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    blob = report_json(rep)  # what --json prints instead
    print(
        json.dumps(
            {
                "read": rep.read,
                "accepted": rep.accepted,
                "rejected": len(rep.rejected),
                "written": rep.written,
                "import_s": took,
                "total_s": total,
                "cpu_s": cpu,
                "peak_mb": peak,
                "report_lines": text.count("\n") + 1,
                "json_s": time.perf_counter() - t,
                "json_mb": len(blob.encode()) / 1e6,
                "json_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def run(csv: Path, work: Path) -> dict:
    # the wall time includes the --json rendering (json_s), reported apart
    return run_in_child(__file__, [str(csv)], work)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--child", nargs=2, metavar=("CSV", "STORE"))
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    print(machine_line())
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        work = Path(tmp)
        results = {}
        for case in ("rejected", "accepted"):
            csv = make_csv(work / f"{case}.csv", args.rows, rejected=case == "rejected")
            r = results[case] = run(csv, work)
            print(
                f"{case:9s} {args.rows:,} rows: read {r['read']:,}, accepted {r['accepted']:,}, "
                f"rejected {r['rejected']:,}; import {r['import_s']:.1f} s, with the text report "
                f"{r['total_s']:.1f} s, CPU {r['cpu_s']:.1f} s (peak RSS {r['peak_mb']:,.0f} MB); "
                "--json report "
                f"{r['json_s']:.1f} s, {r['json_mb']:.0f} MB (peak {r['json_peak_mb']:,.0f} MB); "
                f"process wall {r['wall_s']:.1f} s"
            )
        ratio = results["rejected"]["total_s"] / results["accepted"]["total_s"]
        print(f"rejected / accepted, import with the text report: {ratio:.2f}")


if __name__ == "__main__":
    main()
