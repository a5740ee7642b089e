"""Time the network engine's orders and upstream lengths (NHDPlus ArbolateSu), issue 15.

Run from the project root: ``python benchmarks/bench_network.py``. Reads the largest
NHDPlus extract of the shared real data (new_hope, 746 flowlines, 15 braids), then a
synthetic braided network of 40,001 lines (a main stem where, 10,000 times, a tributary
joins and the stem splits in two and rejoins) to show how the upstream-length sets scale.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import geopandas as gpd
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gis.network import Network, build_network  # noqa: E402

NHD = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "nhdplus"


def best(f, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def synthetic(n_blocks: int) -> Network:
    """A main stem; per block a tributary joins, then the stem splits in two and rejoins."""
    src: list[int] = []
    dst: list[int] = []
    prev, node = 0, 1
    for _ in range(n_blocks):
        trib, join, rejoin = node, node + 1, node + 2
        node += 3
        src += [prev, trib, join, join]
        dst += [join, join, rejoin, rejoin]
        prev = rejoin
    src.append(prev)
    dst.append(node)
    lines = gpd.GeoDataFrame(geometry=[None] * len(src))
    return Network(lines, np.array(src), np.array(dst), np.zeros((node + 1, 2)), np.array([]))


def main() -> None:
    g = gpd.read_file(NHD / "new_hope.gpkg")
    km = g["LENGTHKM"].to_numpy()
    build = best(lambda: build_network(g, main_path=g["Divergence"] == 1, split_tributaries=False))
    net = build_network(g, main_path=g["Divergence"] == 1, split_tributaries=False)
    print(f"new_hope: {net.n} lines, {len(net.cycles)} cycles")
    print(f"  build_network      {build * 1000:8.1f} ms")
    print(f"  strahler           {best(net.strahler) * 1000:8.1f} ms")
    print(f"  upstream_length    {best(lambda: net.upstream_length(km)) * 1000:8.1f} ms")
    big = synthetic(10_000)
    lengths = np.ones(big.n)
    t = time.perf_counter()
    total = big.upstream_length(lengths)
    first = time.perf_counter() - t
    assert total[-1] == big.n  # every line upstream of the last, each counted once
    tracemalloc.start()  # a second run for memory: tracemalloc slows the first
    big.upstream_length(lengths)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"synthetic: {big.n} lines, 10,000 braids")
    print(f"  upstream_length    {first:8.2f} s (first call: components, order and sets)")
    print(f"  peak memory        {peak:8.1f} MiB (tracemalloc)")
    print(f"  strahler           {best(big.strahler, 1):8.2f} s")
    fresh = synthetic(10_000)
    t = time.perf_counter()
    n_cycles = len(fresh.cycles)
    print(f"  cycles             {time.perf_counter() - t:8.2f} s ({n_cycles:,} braids found)")


if __name__ == "__main__":
    main()
