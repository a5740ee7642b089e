"""一河一档: one river's archive, and every river of the demo county, as HTML and PDF.

    .venv/bin/python benchmarks/bench_dossier.py [--pdf-rivers N]   (default: every river)

The reference in the same run is the naive batch: each river's archive made with the
county's analyses run again for it (what a loop over ``riverchief dossier RIVER`` does),
timed on a few rivers. Reports wall time, the ratio and peak resident memory.
"""

from __future__ import annotations

import argparse
import platform
import resource
import tempfile
import time
from pathlib import Path

from gis import datasets
from gis.dossier import county_context, write_dossier, write_dossiers
from gis.dossier.write import PDF_WORKERS
from gis.store import GeoPackageStore


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pdf-rivers", type=int, default=0, help="rivers printed (0: all)")
    ap.add_argument("--naive-rivers", type=int, default=5, help="rivers of the naive batch")
    args = ap.parse_args()
    store = GeoPackageStore(datasets.get_path("demo"))
    county_context(store)  # numba's first compile is not a dossier's cost
    out = Path(tempfile.mkdtemp(prefix="bench-dossier-"))
    print(f"machine: {platform.machine()}, python {platform.python_version()}")

    t = time.perf_counter()
    write_dossier(store, "512099R001", out / "one.html")
    one = time.perf_counter() - t
    print(f"one river (R001, longest, 135 reaches) to HTML, analyses included: {one:.2f} s")
    t = time.perf_counter()
    write_dossier(store, "512099R001", out / "one.pdf")
    print(f"the same to PDF: {time.perf_counter() - t:.2f} s")

    t = time.perf_counter()
    c = county_context(store)
    written = write_dossiers(store, out / "all", county=c)
    batch = time.perf_counter() - t
    print(f"every river ({len(written)}) to HTML, analyses once: {batch:.1f} s")

    codes = list(c.rivers["river_code"][: args.naive_rivers])
    t = time.perf_counter()
    for code in codes:
        write_dossier(store, code, out / f"naive-{code}.html")
    naive = (time.perf_counter() - t) / len(codes) * len(written)
    print(
        f"naive batch (analyses per river), {len(codes)} rivers extrapolated to "
        f"{len(written)}: {naive:.0f} s; ratio {naive / batch:.1f}x"
    )

    pdf_codes = list(c.rivers["river_code"])[: args.pdf_rivers or None]
    t = time.perf_counter()
    printed = write_dossiers(store, out / "pdf", rivers=pdf_codes, fmt=".pdf", county=c)
    took = time.perf_counter() - t
    print(
        f"PDF batch (one browser, {PDF_WORKERS} tabs): {len(printed)} rivers in "
        f"{took / 60:.1f} min, {took / len(printed):.2f} s a river; every river "
        f"{took / len(printed) * len(written) / 60:.1f} min"
    )
    # reference: a browser started for each file (as before the batch's one browser), on
    # every 67th river, against the batch on the same rivers
    sample = pdf_codes[::67]
    t = time.perf_counter()
    for code in sample:
        write_dossier(store, code, out / f"alone-{code}.pdf", county=c)
    alone = time.perf_counter() - t
    t = time.perf_counter()
    write_dossiers(store, out / "sample", rivers=sample, fmt=".pdf", county=c)
    batch_sample = time.perf_counter() - t
    print(
        f"reference, one browser a file, {len(sample)} rivers: {alone:.1f} s; the batch on "
        f"the same rivers {batch_sample:.1f} s; ratio {alone / batch_sample:.1f}x"
    )
    print(f"peak resident memory: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
