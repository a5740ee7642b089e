"""Time the network engine's orders and upstream lengths (NHDPlus ArbolateSu), issue 15.

Run from the project root: ``python benchmarks/bench_network.py``. First the agreement with
the agency's attributes on every NHDPlus extract of the shared real data, with and without
the Divergence main-path hint, coastlines left in (StreamOrde, DnHydroseq as the next line,
ArbolateSu within 1 %, over the flowlines; an outlet NHDPlus routes onto the coastline is an
outlet). Then times the largest extract (new_hope, 746 flowlines, 15 braids), then a
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


def agreement() -> None:
    """Share of flowlines where the engine agrees with NHDPlus, per file, hint or not."""
    print("file                  hint  Strahler  next-down  ArbolateSu  main path at splits")
    for name in ("walker.gpkg", "new_hope.gpkg", "coastal_example.gpkg", "diversions.geojson"):
        g = gpd.read_file(NHD / name)
        col = {c.lower(): c for c in g.columns}
        flow = g[col["arbolatesu"]].to_numpy() >= 0 if "arbolatesu" in col else np.ones(len(g))
        flow = flow.astype(bool)
        div = g[col["divergence"]].to_numpy()
        for hint in (False, True):
            net = build_network(g, main_path=div == 1 if hint else None, split_tributaries=False)
            main = [d for e, d in net.main_downstream.items()]
            cells = [f"{name:21s} {'yes' if hint else 'no':4s}"]
            if "streamorde" in col:
                same = net.strahler() == g[col["streamorde"]].to_numpy()
                row = {h: i for i, h in enumerate(g[col["hydroseq"]]) if flow[i]}
                want = [row.get(h) for h in g[col["dnhydroseq"]]]
                nxt = np.array([net.next_downstream(e) == want[e] for e in range(net.n)])
                arb = np.isclose(
                    net.upstream_length(g[col["lengthkm"]].to_numpy()),
                    g[col["arbolatesu"]],
                    rtol=0.01,
                )
                cells += [f"{v[flow].mean():8.1%}" for v in (same, nxt, arb)]
            else:
                cells += [f"{'–':>8s}"] * 3
            cells.append(f"{int((div[main] == 1).sum())} of {len(main)}")
            print("  ".join(cells))


def main() -> None:
    agreement()
    g = gpd.read_file(NHD / "new_hope.gpkg")
    km = g["LENGTHKM"].to_numpy()
    build = best(lambda: build_network(g, main_path=g["Divergence"] == 1, split_tributaries=False))
    bare = best(lambda: build_network(g, split_tributaries=False))
    net = build_network(g, main_path=g["Divergence"] == 1, split_tributaries=False)
    print(f"new_hope: {net.n} lines, {len(net.cycles)} cycles")
    print(f"  build_network      {build * 1000:8.1f} ms")
    print(f"  without the hint   {bare * 1000:8.1f} ms")
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
