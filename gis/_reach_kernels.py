"""Compiled loops behind :mod:`gis.reaches`: chainage look-up, label resolution, slicing.

Each works on flat arrays in CSR form (``off[r]:off[r + 1]`` are river ``r``'s rows), so
a partition of rivers is processed exactly as the whole would be. They release the GIL:
:func:`gis.reaches.segment` runs partitions of rivers on threads, one per core. The
arithmetic repeats what the per-river Python code did step for step, so reach ends agree to
the last bit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from numba import njit
from numpy.typing import NDArray

_K = TypeVar("_K", bound=Callable[..., Any])


def _compiled(fn: _K) -> _K:
    """``numba.njit(cache=True, nogil=True)``, typed: the kernel keeps its signature."""
    kernel: _K = njit(cache=True, nogil=True)(fn)
    return kernel


# numba compiles for the arrays it is called with; these say what the callers pass
F = NDArray[np.float64]
I = NDArray[np.int64]  # noqa: E741 -- I for integer arrays, beside F and B
B = NDArray[np.bool_]

EPS = 1e-6  # m: pieces touching within this are one; the same slack as GEOS output noise
#: m: lengths are reported to the cm, so a span that rounds to ``sliver_m`` is no sliver
#: (nor a decision that hangs on a tenth of a millimetre, as a 19.9995 m stretch would)
HALF_CM = 0.005


@_compiled
def chainage_table(xy: F, off: I) -> tuple[F, F]:  # pragma: no cover - compiled
    """Cumulative distance at every vertex, restarting at each river; and segment lengths."""
    n = xy.shape[0]
    cum = np.zeros(n)
    step = np.zeros(n)  # step[i]: vertex i to i + 1 (0 at a river's last vertex)
    for r in range(off.shape[0] - 1):
        total = 0.0
        for i in range(off[r], off[r + 1] - 1):
            d = np.hypot(xy[i + 1, 0] - xy[i, 0], xy[i + 1, 1] - xy[i, 1])
            step[i] = d
            cum[i] = total
            total += d
        if off[r + 1] > off[r]:
            cum[off[r + 1] - 1] = total
    return cum, step


@_compiled
def _find(
    xy: F, order: I, lo: int, hi: int, x: float, y: float
) -> int:  # pragma: no cover - compiled
    """Row of vertex (x, y) among ``order[lo:hi]`` (sorted by x, y); -1 if absent or repeated."""
    a, b = lo, hi
    k: int
    while a < b:
        m = (a + b) // 2
        k = order[m]
        if xy[k, 0] < x or (xy[k, 0] == x and xy[k, 1] < y):
            a = m + 1
        else:
            b = m
    if a >= hi:
        return -1
    k = order[a]
    if xy[k, 0] != x or xy[k, 1] != y:
        return -1
    if a + 1 < hi and xy[order[a + 1], 0] == x and xy[order[a + 1], 1] == y:
        return -1  # a revisited vertex is ambiguous
    return k


@_compiled
def locate_ends(
    xy: F, order: I, off: I, cum: F, step: F, river: I, p: F, q: F
) -> F:  # pragma: no cover - compiled
    """Chainage of each point ``p[i]`` on river ``river[i]``; ``q[i]`` is its neighbour in the
    piece. GEOS keeps the river's own vertices in a cut piece, so ``p`` is a vertex, or lies
    on one of the two segments meeting at vertex ``q``. NaN where neither holds."""
    out = np.full(p.shape[0], np.nan)
    for n in range(p.shape[0]):
        lo, hi = off[river[n]], off[river[n] + 1]
        i = _find(xy, order, lo, hi, p[n, 0], p[n, 1])
        if i >= 0:
            out[n] = cum[i]
            continue
        j = _find(xy, order, lo, hi, q[n, 0], q[n, 1])
        if j < 0:
            continue
        for a in (j - 1, j):
            # within the segment, not only on its line: consecutive segments are often collinear
            if lo <= a < hi - 1 and step[a] > 0:
                x0, y0, x1, y1 = xy[a, 0], xy[a, 1], xy[a + 1, 0], xy[a + 1, 1]
                dx, dy = x1 - x0, y1 - y0
                t = ((p[n, 0] - x0) * dx + (p[n, 1] - y0) * dy) / step[a] ** 2
                d = abs(dx * (p[n, 1] - y0) - dy * (p[n, 0] - x0)) / step[a]
                if d < 1e-6 and -1e-9 <= t <= 1 + 1e-9:
                    out[n] = cum[a] + min(max(t, 0.0), 1.0) * step[a]
                    break
    return out


@_compiled
def resolve(
    poff: I, lo: F, hi: F, shared: B, label: I, rank: I, length: F, sliver_m: float
) -> tuple[tuple[I, F, F, I], tuple[I, I, F, F, I]]:  # pragma: no cover - compiled
    """One label per chainage interval of each river: a boundary stretch wins, then the
    unit the river is in; where two cover it (a triple point, a river on an edge too short
    for a band) the stretch before goes on if it is one of them and no sliver, else the
    label of lower ``rank`` (code order) wins: the answer does not hang on the order pieces
    were found in. Touching equal labels merge; a span shorter than ``sliver_m`` (to the
    cm) joins its longer neighbour (the left on a tie), first sliver first.

    Returns spans (river, from, to, label) and slivers (river, label, from, to, into)."""
    sliver_m -= HALF_CM
    nr = poff.shape[0] - 1
    cap = 2 * lo.shape[0] + 2 * nr
    s_r = np.empty(cap, np.int64)
    s_a = np.empty(cap)
    s_b = np.empty(cap)
    s_l = np.empty(cap, np.int64)
    v_r = np.empty(cap, np.int64)
    v_l = np.empty(cap, np.int64)
    v_a = np.empty(cap)
    v_b = np.empty(cap)
    v_i = np.empty(cap, np.int64)
    ns = 0
    nv = 0
    for r in range(nr):
        p0, p1 = poff[r], poff[r + 1]
        if p1 == p0:
            continue
        cuts = _cuts(lo, hi, p0, p1, length[r])
        a_, b_, l_, m = _sweep(cuts, lo, hi, p0, p1, shared, label, rank, sliver_m)
        while m > 1:
            i, into = _first_sliver(a_, b_, m, sliver_m)
            if i < 0:
                break
            v_r[nv], v_l[nv], v_a[nv], v_b[nv], v_i[nv] = r, l_[i], a_[i], b_[i], l_[into]
            nv += 1
            m = _absorb(a_, b_, l_, m, i, into)
        for k in range(m):
            s_r[ns], s_a[ns], s_b[ns], s_l[ns] = r, a_[k], b_[k], l_[k]
            ns += 1
    return (s_r[:ns], s_a[:ns], s_b[:ns], s_l[:ns]), (
        v_r[:nv],
        v_l[:nv],
        v_a[:nv],
        v_b[:nv],
        v_i[:nv],
    )


@_compiled
def _cuts(lo: F, hi: F, p0: int, p1: int, length: float) -> F:  # pragma: no cover - compiled
    """The sorted distinct chainages where one river's pieces start or end, 0 and its end."""
    cuts = np.empty(2 * (p1 - p0) + 2)
    cuts[0] = 0.0
    cuts[1] = length
    cuts[2 : 2 + p1 - p0] = lo[p0:p1]
    cuts[2 + p1 - p0 :] = hi[p0:p1]
    return np.unique(cuts)


@_compiled
def _sweep(  # noqa: PLR0913 -- a compiled kernel takes flat arrays and scalars, no objects
    cuts: F, lo: F, hi: F, p0: int, p1: int, shared: B, label: I, rank: I, sliver_m: float
) -> tuple[F, F, I, int]:  # pragma: no cover - compiled
    """One river's labelled intervals between its cuts, touching equal labels merged:
    ``(from, to, label, count)``."""
    a_ = np.empty(cuts.shape[0])
    b_ = np.empty(cuts.shape[0])
    l_ = np.empty(cuts.shape[0], np.int64)
    m = 0
    # sweep: pieces enter by start, leave once passed; only those live are looked at
    by_lo = p0 + np.argsort(lo[p0:p1] - EPS, kind="mergesort")
    live = np.empty(p1 - p0, np.int64)
    nl, nxt = 0, 0
    for k in range(cuts.shape[0] - 1):
        a, b = cuts[k], cuts[k + 1]
        mid = (a + b) / 2
        while nxt < p1 - p0 and lo[by_lo[nxt]] - EPS <= mid:
            live[nl] = by_lo[nxt]
            nl += 1
            nxt += 1
        w = 0
        for q in range(nl):
            if mid <= hi[live[q]] + EPS:
                live[w] = live[q]
                w += 1
        nl = w
        best = _pick(live, nl, shared, label, rank)
        if b - a <= EPS or best < 0:
            continue  # a zero-length cut, or outside every unit (beyond the area)
        lab = label[best]
        # the stretch before also covers this one: it goes on, if it is no sliver (a
        # stretch of micrometres before two bands that start at one point, as a polygonal
        # buffer has them, must not decide which band the overlap goes to)
        go_on = m > 0 and l_[m - 1] != lab and abs(b_[m - 1] - a) < EPS
        if go_on and b_[m - 1] - a_[m - 1] >= sliver_m:
            for q in range(nl):
                i = live[q]
                if label[i] == l_[m - 1] and shared[i] == shared[best]:
                    lab = l_[m - 1]
                    break
        if m > 0 and l_[m - 1] == lab and abs(b_[m - 1] - a) < EPS:
            b_[m - 1] = b
        else:
            a_[m], b_[m], l_[m] = a, b, lab
            m += 1
    return a_, b_, l_, m


@_compiled
def _pick(live: I, nl: int, shared: B, label: I, rank: I) -> int:  # pragma: no cover - compiled
    """The live piece that labels an interval: a shared (boundary) one first, then the
    lowest rank; -1 if none is live."""
    best, best_shared = -1, -1
    for q in range(nl):
        i = live[q]
        if shared[i]:
            if best_shared < 0 or rank[label[i]] < rank[label[best_shared]]:
                best_shared = i
        elif best < 0 or rank[label[i]] < rank[label[best]]:
            best = i
    if best_shared >= 0:
        best = best_shared
    return best


@_compiled
def _first_sliver(
    a_: F, b_: F, m: int, sliver_m: float
) -> tuple[int, int]:  # pragma: no cover - compiled
    """The first interval shorter than ``sliver_m`` and the neighbour it joins (the longer,
    the left on a tie); ``(-1, -1)`` when there is none."""
    i = 0
    while i < m and b_[i] - a_[i] >= sliver_m:
        i += 1
    if i == m:
        return -1, -1
    if i == 0:
        into = 1
    elif i == m - 1:
        into = i - 1
    else:
        into = i - 1 if b_[i - 1] - a_[i - 1] >= b_[i + 1] - a_[i + 1] else i + 1
    return i, into


@_compiled
def _absorb(a_: F, b_: F, l_: I, m: int, i: int, into: int) -> int:  # pragma: no cover - compiled
    """Interval ``i`` joined to ``into``, then touching equal labels merged; the new count."""
    a_[into] = min(a_[into], a_[i])
    b_[into] = max(b_[into], b_[i])
    for k in range(i, m - 1):
        a_[k], b_[k], l_[k] = a_[k + 1], b_[k + 1], l_[k + 1]
    m -= 1
    w = 0  # merge neighbours that now touch with equal labels
    for k in range(m):
        if w > 0 and l_[w - 1] == l_[k] and abs(b_[w - 1] - a_[k]) < EPS:
            b_[w - 1] = b_[k]
        else:
            a_[w], b_[w], l_[w] = a_[k], b_[k], l_[k]
            w += 1
    return w


@_compiled
def _point(
    xy: F, cum: F, step: F, lo: int, hi: int, d: float, out: F, w: int
) -> None:  # pragma: no cover - compiled
    at = np.searchsorted(cum[lo:hi], d, side="right") - 1
    k = min(max(int(at), 0), hi - lo - 2) + lo
    t = 0.0 if step[k] == 0 else (d - cum[k]) / step[k]
    t = min(max(t, 0.0), 1.0)
    out[w, 0] = xy[k, 0] + t * (xy[k + 1, 0] - xy[k, 0])
    out[w, 1] = xy[k, 1] + t * (xy[k + 1, 1] - xy[k, 1])


@_compiled
def slices(
    xy: F, off: I, cum: F, step: F, river: I, a: F, b: F
) -> tuple[F, I]:  # pragma: no cover - compiled
    """Coordinates of each river stretch ``a[i]..b[i]`` (what ``shapely.ops.substring``
    gives): the cut point, the river's vertices between, the cut point; CSR by stretch."""
    n = river.shape[0]
    first = np.empty(n, np.int64)
    last = np.empty(n, np.int64)
    count = np.empty(n + 1, np.int64)
    count[0] = 0
    for s in range(n):
        lo, hi = off[river[s]], off[river[s] + 1]
        first[s] = lo + np.searchsorted(cum[lo:hi], a[s], side="right")
        last[s] = lo + np.searchsorted(cum[lo:hi], b[s], side="left")
        count[s + 1] = count[s] + 2 + max(last[s] - first[s], 0)
    out = np.empty((count[n], 2))
    for s in range(n):
        lo, hi = off[river[s]], off[river[s] + 1]
        w = count[s]
        _point(xy, cum, step, lo, hi, a[s], out, w)
        w += 1
        for k in range(first[s], last[s]):
            out[w, 0], out[w, 1] = xy[k, 0], xy[k, 1]
            w += 1
        _point(xy, cum, step, lo, hi, b[s], out, w)
    return out, count


@_compiled
def project(xy: F, off: I, cum: F, step: F, river: I, pts: F) -> F:  # pragma: no cover - compiled
    """``shapely.line_locate_point`` of each point on its river: the first nearest segment.
    A point on the river (within 1e-6 m) is only looked for among the segments whose box
    holds it; any other point gets the full scan."""
    out = np.empty(pts.shape[0])
    for n in range(pts.shape[0]):
        x, y = pts[n, 0], pts[n, 1]
        lo, hi = off[river[n]], off[river[n] + 1]
        best, at = np.inf, 0.0
        for full in (False, True):
            for i in range(lo, hi - 1):
                ax, ay, bx, by = xy[i, 0], xy[i, 1], xy[i + 1, 0], xy[i + 1, 1]
                if not full and (
                    x < min(ax, bx) - 1e-6
                    or x > max(ax, bx) + 1e-6
                    or y < min(ay, by) - 1e-6
                    or y > max(ay, by) + 1e-6
                ):
                    continue
                d, r = _point_segment(x, y, ax, ay, bx, by)
                if d < best:
                    best, at = d, cum[i] + min(max(r, 0.0), 1.0) * step[i]
            if best <= 1e-6:
                break  # every segment skipped is farther than that
        out[n] = at
    return out


@_compiled
def _point_segment(
    x: float, y: float, ax: float, ay: float, bx: float, by: float
) -> tuple[float, float]:  # pragma: no cover - compiled
    """Distance and projection factor, as GEOS computes them (``Distance::pointToSegment``)."""
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    if len2 == 0:
        return np.sqrt((x - ax) * (x - ax) + (y - ay) * (y - ay)), 0.0
    r = ((x - ax) * dx + (y - ay) * dy) / len2
    if r <= 0.0:
        return np.sqrt((x - ax) * (x - ax) + (y - ay) * (y - ay)), r
    if r >= 1.0:
        return np.sqrt((x - bx) * (x - bx) + (y - by) * (y - by)), r
    s = ((ay - y) * dx - (ax - x) * dy) / len2
    return abs(s) * np.sqrt(len2), r


@_compiled
def _seg_seg(a: F, b: F, c: F, d: F) -> float:  # pragma: no cover - compiled
    """Distance between segments ab and cd (0 where they cross)."""

    def orient(p: F, q: F, r: F) -> float:
        o: float = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return o

    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    if (
        ((o1 > 0) != (o2 > 0))
        and ((o3 > 0) != (o4 > 0))
        and o1 != 0
        and o2 != 0
        and o3 != 0
        and o4 != 0
    ):
        return 0.0
    dist: float = min(
        _point_segment(c[0], c[1], a[0], a[1], b[0], b[1])[0],
        _point_segment(d[0], d[1], a[0], a[1], b[0], b[1])[0],
        _point_segment(a[0], a[1], c[0], c[1], d[0], d[1])[0],
        _point_segment(b[0], b[1], c[0], c[1], d[0], d[1])[0],
    )
    return dist


@_compiled
def _length_near(  # noqa: PLR0913 -- a compiled kernel takes flat arrays and scalars, no objects
    xy: F,
    lo: int,
    hi: int,
    step: F,
    seg: F,
    keep: I,
    m: int,
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    tol: float,
) -> float:  # pragma: no cover - compiled
    """Summed length of the river segments ``lo:hi`` (inside the box x0..y1) that come within
    ``tol`` of one of the segments ``seg[keep[:m]]``: an upper bound on the river's length
    inside those segments' buffer."""
    total = 0.0
    for i in range(lo, hi - 1):
        a, b = xy[i], xy[i + 1]
        if (
            max(a[0], b[0]) < x0
            or min(a[0], b[0]) > x1
            or max(a[1], b[1]) < y0
            or min(a[1], b[1]) > y1
        ):
            continue
        for q in range(m):
            k = keep[q]
            px, py, qx, qy = seg[k, 0], seg[k, 1], seg[k, 2], seg[k, 3]
            if (
                max(a[0], b[0]) < min(px, qx) - tol
                or min(a[0], b[0]) > max(px, qx) + tol
                or max(a[1], b[1]) < min(py, qy) - tol
                or min(a[1], b[1]) > max(py, qy) + tol
            ):
                continue
            if _seg_seg(a, b, seg[k, 0:2], seg[k, 2:4]) <= tol * (1 + 1e-9) + 1e-6:
                total += step[i]
                break
    return total


@_compiled
def _band(  # noqa: PLR0913 -- a compiled kernel takes flat arrays and scalars, no objects
    xy: F,
    lo: int,
    hi: int,
    cum: F,
    step: F,
    eseg: F,
    tol: float,
    min_len: float,
    out_lo: F,
    out_hi: F,
    w0: int,
    write: bool,
) -> int:  # pragma: no cover - compiled
    """Chainage intervals of river vertices ``lo:hi`` within ``tol`` of the segments
    ``eseg`` (a true distance: the union of one capsule per segment is the round-capped,
    round-joined buffer of the whole edge, with no notch at a bend). Returns how many
    intervals (0 if they add up to less than ``min_len``)."""
    m = eseg.shape[0]
    x0 = min(eseg[:, 0].min(), eseg[:, 2].min()) - tol
    x1 = max(eseg[:, 0].max(), eseg[:, 2].max()) + tol
    y0 = min(eseg[:, 1].min(), eseg[:, 3].min()) - tol
    y1 = max(eseg[:, 1].max(), eseg[:, 3].max()) + tol
    s0 = np.empty(m)
    s1 = np.empty(m)
    count, total = 0, 0.0
    cur_lo, cur_hi = -1.0, -2.0
    for i in range(lo, hi - 1):
        ax, ay, bx, by = xy[i, 0], xy[i, 1], xy[i + 1, 0], xy[i + 1, 1]
        if (
            step[i] == 0
            or max(ax, bx) < x0
            or min(ax, bx) > x1
            or max(ay, by) < y0
            or min(ay, by) > y1
        ):
            continue
        k = 0
        for e in range(m):
            t0, t1 = _clip(xy, i, eseg, e, tol)
            if t1 > t0:
                s0[k], s1[k] = t0, t1
                k += 1
        if k == 0:
            continue
        order = np.argsort(s0[:k])
        for j in order:  # in chainage order: extend the current interval or start one
            a, b = cum[i] + s0[j] * step[i], cum[i] + s1[j] * step[i]
            if a <= cur_hi + 1e-9:
                cur_hi = max(cur_hi, b)
            else:
                if cur_hi > cur_lo:
                    if write:
                        out_lo[w0 + count], out_hi[w0 + count] = cur_lo, cur_hi
                    count += 1
                    total += cur_hi - cur_lo
                cur_lo, cur_hi = a, b
    if cur_hi > cur_lo:
        if write:
            out_lo[w0 + count], out_hi[w0 + count] = cur_lo, cur_hi
        count += 1
        total += cur_hi - cur_lo
    return count if total >= min_len else 0


@_compiled
def _disc(
    ax: float, ay: float, dx: float, dy: float, cx: float, cy: float, tol: float
) -> tuple[float, float]:  # pragma: no cover - compiled
    """Fractions ``(t0, t1)`` of the segment ``a + t d`` within ``tol`` of point ``c``
    (``t1 < t0`` when it misses)."""
    a2 = dx * dx + dy * dy
    fx, fy = ax - cx, ay - cy
    b = 2.0 * (fx * dx + fy * dy)
    c = fx * fx + fy * fy - tol * tol
    if a2 == 0.0:
        return (0.0, 1.0) if c <= 0.0 else (1.0, 0.0)
    disc = b * b - 4.0 * a2 * c
    if disc < 0.0:
        return 1.0, 0.0
    r = np.sqrt(disc)
    return max(0.0, (-b - r) / (2.0 * a2)), min(1.0, (-b + r) / (2.0 * a2))


@_compiled
def _clip(
    xy: F, i: int, eseg: F, e: int, tol: float
) -> tuple[float, float]:  # pragma: no cover - compiled
    """Fractions ``(t0, t1)`` of river segment ``i`` within ``tol`` of edge segment ``e``:
    inside its capsule (the rectangle along it and a disc at each end). A capsule is convex,
    so that is one interval, the hull of the three pieces'; ``t1 <= t0`` when they miss."""
    ax, ay, bx, by = xy[i, 0], xy[i, 1], xy[i + 1, 0], xy[i + 1, 1]
    px, py, qx, qy = eseg[e, 0], eseg[e, 1], eseg[e, 2], eseg[e, 3]
    if (
        max(ax, bx) < min(px, qx) - tol
        or min(ax, bx) > max(px, qx) + tol
        or max(ay, by) < min(py, qy) - tol
        or min(ay, by) > max(py, qy) + tol
    ):
        return 1.0, 0.0
    lo, hi = 1.0, 0.0
    for cx, cy in ((px, py), (qx, qy)):
        d0, d1 = _disc(ax, ay, bx - ax, by - ay, cx, cy, tol)
        if d1 >= d0:
            lo, hi = min(lo, d0), max(hi, d1)
    ln = np.sqrt((qx - px) * (qx - px) + (qy - py) * (qy - py))
    if ln == 0:
        return lo, hi
    ux, uy = (qx - px) / ln, (qy - py) / ln
    # along the edge segment in [0, ln], across it in [-tol, tol]: Liang-Barsky
    a0, da = (ax - px) * ux + (ay - py) * uy, (bx - ax) * ux + (by - ay) * uy
    c0, dc = -(ax - px) * uy + (ay - py) * ux, -(bx - ax) * uy + (by - ay) * ux
    t0, t1 = 0.0, 1.0
    for v, dv, lim_lo, lim_hi in ((a0, da, 0.0, ln), (c0, dc, -tol, tol)):
        if dv == 0:
            if v < lim_lo or v > lim_hi:
                t0, t1 = 1.0, 0.0
        else:
            ta, tb = (lim_lo - v) / dv, (lim_hi - v) / dv
            if ta > tb:
                ta, tb = tb, ta
            t0, t1 = max(t0, ta), min(t1, tb)
    if t1 > t0:
        lo, hi = min(lo, t0), max(hi, t1)
    return lo, hi


@_compiled
def band_pieces(  # noqa: PLR0913 -- a compiled kernel takes flat arrays and scalars, no objects
    xy: F,
    off: I,
    cum: F,
    step: F,
    river: I,
    edge: I,
    eoff: I,
    eseg: F,
    tol: float,
    min_len: float,
) -> tuple[I, F, F]:  # pragma: no cover - compiled
    """Stretches of river ``river[i]`` that follow edge ``edge[i]`` (see :func:`_band`), for
    rivers that follow it for ``min_len`` at least; CSR by candidate."""
    n = river.shape[0]
    counts = np.zeros(n + 1, np.int64)
    dummy = np.empty(0)
    for c in range(n):
        e0, e1 = eoff[edge[c]], eoff[edge[c] + 1]
        if e1 > e0:
            counts[c + 1] = _band(
                xy,
                off[river[c]],
                off[river[c] + 1],
                cum,
                step,
                eseg[e0:e1],
                tol,
                min_len,
                dummy,
                dummy,
                0,
                False,
            )
    start = np.cumsum(counts)
    out_lo = np.empty(start[n])
    out_hi = np.empty(start[n])
    for c in range(n):
        e0, e1 = eoff[edge[c]], eoff[edge[c] + 1]
        if start[c + 1] > start[c]:
            _band(
                xy,
                off[river[c]],
                off[river[c] + 1],
                cum,
                step,
                eseg[e0:e1],
                tol,
                min_len,
                out_lo,
                out_hi,
                start[c],
                True,
            )
    return start, out_lo, out_hi


@_compiled
def near_ring(  # noqa: PLR0913 -- a compiled kernel takes flat arrays and scalars, no objects
    xy: F, off: I, step: F, river: I, unit: I, box: F, uoff: I, useg: F, tol: float
) -> F:  # pragma: no cover - compiled
    """For each candidate: the summed length of river ``river[i]``'s segments within ``tol``
    of a segment of unit ``unit[i]``'s boundary that meets ``box[i]`` (the other unit's
    box grown by ``tol``). Their shared edge lies on that part of the boundary, so a river
    below ``min_len`` here cannot follow the edge, and the edge need not be computed."""
    out = np.zeros(river.shape[0])
    for n in range(river.shape[0]):
        bx0, by0, bx1, by1 = box[n, 0], box[n, 1], box[n, 2], box[n, 3]
        u0, u1 = uoff[unit[n]], uoff[unit[n] + 1]
        keep = np.empty(u1 - u0, np.int64)  # the ring's segments inside the other unit's box
        m = 0
        for k in range(u0, u1):
            if not (
                max(useg[k, 0], useg[k, 2]) < bx0
                or min(useg[k, 0], useg[k, 2]) > bx1
                or max(useg[k, 1], useg[k, 3]) < by0
                or min(useg[k, 1], useg[k, 3]) > by1
            ):
                keep[m] = k
                m += 1
        if m:
            out[n] = _length_near(
                xy,
                off[river[n]],
                off[river[n] + 1],
                step,
                useg,
                keep,
                m,
                bx0 - tol,
                by0 - tol,
                bx1 + tol,
                by1 + tol,
                tol,
            )
    return out
