"""Rivers from a D8 flow grid: channel extraction, main-stem decomposition, pruning.

A *river* follows the larger upstream branch at every confluence (the main stem); the
smaller branch starts a tributary that flows into it. This is how registers name rivers.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np


@dataclass
class RiverCells:
    """A river as a chain of flat cell indices from its source down to its mouth."""

    rid: int
    cells: list[int]
    parent: int | None  # river it flows into (its last cell lies on the parent)
    children: list[int] = field(default_factory=list)


def extract_rivers(acc: np.ndarray, down: np.ndarray, threshold: float) -> dict[int, RiverCells]:
    """Decompose the channel network (acc >= threshold) into main-stem rivers."""
    flat_acc = acc.ravel()
    channel = flat_acc >= threshold
    ups: dict[int, list[int]] = {}
    for i in np.nonzero(channel)[0]:
        j = down[i]
        if j >= 0 and channel[j]:
            ups.setdefault(int(j), []).append(int(i))
    outlets = [int(i) for i in np.nonzero(channel)[0] if down[i] < 0 or not channel[down[i]]]
    rivers: dict[int, RiverCells] = {}
    # stack of (mouth cell, parent river id, confluence cell on the parent or None)
    stack: list[tuple[int, int | None, int | None]] = [
        (o, None, None) for o in sorted(outlets, key=lambda i: -flat_acc[i])
    ]
    while stack:
        start, parent, confluence = stack.pop()
        rid = len(rivers)
        path = [start]
        cur = start
        while cur in ups:
            branches = sorted(ups[cur], key=lambda i: (-flat_acc[i], i))
            for side in branches[1:]:
                stack.append((side, rid, cur))
            cur = branches[0]
            path.append(cur)
        path.reverse()  # source first
        if confluence is not None:
            path.append(confluence)
        rivers[rid] = RiverCells(rid, path, parent)
        if parent is not None:
            rivers[parent].children.append(rid)
    return rivers


def prune_rivers(rivers: dict[int, RiverCells], target: int, length_of) -> dict[int, RiverCells]:
    """Remove the shortest leaf rivers until ``target`` remain; the tree stays connected."""
    alive = dict(rivers)
    kids = {rid: set(r.children) for rid, r in rivers.items()}
    heap = [(length_of(r), rid) for rid, r in rivers.items() if not r.children]
    heapq.heapify(heap)
    while len(alive) > target and heap:
        _, rid = heapq.heappop(heap)
        if rid not in alive or kids[rid]:
            continue
        r = alive.pop(rid)
        if r.parent is not None:
            kids[r.parent].discard(rid)
            if not kids[r.parent]:
                heapq.heappush(heap, (length_of(alive[r.parent]), r.parent))
    for rid, r in alive.items():
        r.children = sorted(kids[rid])
    if len(alive) != target:
        raise ValueError(
            f"network has only {len(alive)} rivers, fewer than {target}; lower the threshold"
        )
    return alive


def strahler_streams(rivers: dict[int, RiverCells]) -> dict[int, int]:
    """Number of Strahler streams of each order, from the cell chains of the rivers."""
    ups: dict[int, set[int]] = {}
    for r in rivers.values():
        for a, b in zip(r.cells[:-1], r.cells[1:], strict=True):
            ups.setdefault(b, set()).add(a)
    order: dict[int, int] = {}
    cells = {c for r in rivers.values() for c in r.cells}

    def get(c: int) -> int:
        # iterative post-order to avoid recursion limits
        todo = [c]
        while todo:
            x = todo[-1]
            pend = [u for u in ups.get(x, ()) if u not in order]
            if pend:
                todo.extend(pend)
                continue
            todo.pop()
            us = sorted((order[u] for u in ups.get(x, ())), reverse=True)
            if not us:
                order[x] = 1
            elif len(us) > 1 and us[0] == us[1]:
                order[x] = us[0] + 1
            else:
                order[x] = us[0]
        return order[c]

    for c in cells:
        get(c)
    # a stream of order k starts at a cell of order k none of whose upstream cells has order k
    counts: dict[int, int] = {}
    for c in cells:
        k = order[c]
        if not any(order[u] == k for u in ups.get(c, ())):
            counts[k] = counts.get(k, 0) + 1
    return counts


def bifurcation_ratio(counts: dict[int, int]) -> float:
    """Geometric mean of N_k / N_(k+1) over consecutive orders."""
    ks = sorted(counts)
    ratios = [counts[k] / counts[k + 1] for k in ks[:-1] if counts.get(k + 1)]
    return float(np.exp(np.mean(np.log(ratios))))
