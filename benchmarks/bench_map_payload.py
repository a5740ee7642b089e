"""What each page's map sends to the browser: bytes and build time, with coordinates
rounded to ``maps.base.MAP_DECIMALS`` against full doubles (the reference), in the same run.

    .venv/bin/python benchmarks/bench_map_payload.py

Page load times in the browser come from the browser tests (test-artifacts/timings.txt).
"""

from __future__ import annotations

import platform
import time

from gis import datasets, maps
from gis.coverage import analyse
from gis.jurisdiction import jurisdiction_of
from gis.quarries import check_quarries
from gis.store import GeoPackageStore


def build_all(
    store, unassigned, quarries, violations, reaches, rivers
) -> dict[str, tuple[int, float]]:
    kw = {"backdrop": maps.Backdrop.for_store(datasets.get_path("demo"))}
    layers = maps.overview_layers(store)
    lines = maps.reach_lines(reaches, rivers)
    builders = {
        "overview": lambda: maps.county_map(layers, **kw),
        "jurisdiction": lambda: maps.jurisdiction_map(layers, lines, **kw),
        "gaps": lambda: maps.gaps_map(layers, unassigned, **kw),
        "zones": lambda: maps.zone_map(layers, **kw),
        "quarries": lambda: maps.quarry_map(layers, quarries, violations, **kw),
    }
    out = {}
    for name, build in builders.items():
        t = time.perf_counter()
        html = build().get_root().render()
        out[name] = (len(html.encode()), time.perf_counter() - t)
    return out


def main() -> None:
    store = GeoPackageStore(datasets.get_path("demo"))
    maps.use_offline_assets()
    j = jurisdiction_of(store)
    report = check_quarries(store)
    args = (
        store,
        analyse(store).unassigned,
        store.read("quarries"),
        report.violations(),
        j.reaches,
        j.rivers,
    )
    ours = build_all(*args)
    decimals, maps.base.MAP_DECIMALS = maps.base.MAP_DECIMALS, 17  # the reference: full doubles
    ref = build_all(*args)
    maps.base.MAP_DECIMALS = decimals
    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print(f"{'map':<14}{'rounded (MB)':>14}{'full (MB)':>12}{'ratio':>8}{'build+render (s)':>18}")
    for name, (size, secs) in ours.items():
        print(
            f"{name:<14}{size / 2**20:>14.2f}{ref[name][0] / 2**20:>12.2f}"
            f"{size / ref[name][0]:>8.2f}{secs:>18.2f}"
        )


if __name__ == "__main__":
    main()
