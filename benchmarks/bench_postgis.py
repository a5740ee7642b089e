"""The PostGIS store against the GeoPackage store: the demo county written and read back,
and ten offices writing whole counties at once.

    .venv/bin/python benchmarks/bench_postgis.py [--url postgresql:///DB?host=...]

Without ``--url`` a throw-away cluster is started from Debian's postgresql + postgis
(tests/pg_server.py, as the tests do). Cases, each timed in this process:

- write: every layer of the demo county (``copy_store``) into a new GeoPackage (the
  reference) and into PostGIS;
- read: every layer back, from each;
- ten writers: ten processes each writing a whole county (the demo under ten codes) into
  the one PostGIS database at once, against the same ten writes one after another; every
  row of every county is counted afterwards.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from _child import DEMO, machine_line  # noqa: E402

WRITERS = 10


def _write_county(url: str, code: str) -> float:
    from gis.store import GeoPackageStore
    from gis.store_pg import PostGISStore

    src = GeoPackageStore(DEMO)
    tables = {n: src.read(n) for n in src.layers()}
    meta = {**src.meta(), "county_code": code}
    meta.pop("revision", None)
    t = time.perf_counter()
    PostGISStore(f"{url}&county={code}").write(tables, meta=meta)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", help="a libpq URL of a database with PostGIS (no county=)")
    args = ap.parse_args()
    server = None
    url = args.url
    if not url:
        from pg_server import Server, why_not

        if reason := why_not():
            sys.exit(reason)
        server = Server()
        url = server.start()
    try:
        from gis.store import GeoPackageStore
        from gis.store_pg import PostGISStore, copy_store

        src = GeoPackageStore(DEMO)
        rows = sum(len(src.read(n)) for n in src.layers())
        with tempfile.TemporaryDirectory() as tmp:
            gpkg = GeoPackageStore(Path(tmp) / "copy.gpkg")
            t = time.perf_counter()
            copy_store(src, gpkg)
            gpkg_write = time.perf_counter() - t
            pg = PostGISStore(f"{url}&county={src.meta()['county_code']}")
            t = time.perf_counter()
            copy_store(src, pg)
            pg_write = time.perf_counter() - t
            t = time.perf_counter()
            for n in gpkg.layers():
                gpkg.read(n)
            gpkg_read = time.perf_counter() - t
            t = time.perf_counter()
            for n in pg.layers():
                pg.read(n)
            pg_read = time.perf_counter() - t
        codes = [f"6100{i:02d}" for i in range(WRITERS)]
        t = time.perf_counter()
        for c in codes:
            _write_county(url, c)
        one_by_one = time.perf_counter() - t
        codes_at_once = [f"6200{i:02d}" for i in range(WRITERS)]
        ctx = multiprocessing.get_context("spawn")
        t = time.perf_counter()
        with ctx.Pool(WRITERS) as pool:
            pool.starmap(_write_county, [(url, c) for c in codes_at_once])
        at_once = time.perf_counter() - t
        counted = [
            sum(len(PostGISStore(f"{url}&county={c}").read(n)) for n in src.layers())
            for c in codes_at_once
        ]
    finally:
        if server is not None:
            server.stop()
    print(machine_line())
    print(f"demo county: {len(src.layers())} layers, {rows:,} rows")
    print(
        f"  write: GeoPackage {gpkg_write:.2f} s, PostGIS {pg_write:.2f} s "
        f"({pg_write / gpkg_write:.2f}x the file)"
    )
    print(
        f"  read every layer: GeoPackage {gpkg_read:.2f} s, PostGIS {pg_read:.2f} s "
        f"({pg_read / gpkg_read:.2f}x)"
    )
    print(
        f"{WRITERS} offices writing a whole county each: one after another {one_by_one:.1f} s, "
        f"at once {at_once:.1f} s (including starting {WRITERS} processes); "
        f"rows per county afterwards all {rows:,}: {all(n == rows for n in counted)}"
    )


if __name__ == "__main__":
    main()
