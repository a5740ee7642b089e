"""River network topology from line geometry: nodes, flow direction, navigation, order.

Pure functions over GeoDataFrames (no hidden state), so a province can be split into
basins and processed in parallel. Lines are edges; their end points, snapped within a
tolerance, are nodes. Flow follows the digitised direction unless a DEM says otherwise,
and lines digitised the wrong way round are detected from the topology and reported.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree
from shapely.ops import substring

from gis._errors import InputError
from gis.crs import to_metric


@dataclass
class Network:
    """A directed river network. Edge ``i`` is row ``i`` of :attr:`lines` (metric CRS)."""

    lines: gpd.GeoDataFrame
    src: np.ndarray  # from-node of each edge, after orientation
    dst: np.ndarray  # to-node of each edge
    node_xy: np.ndarray
    reversed_edges: np.ndarray  # edges whose digitised direction was against the flow
    issues: pd.DataFrame = field(default_factory=pd.DataFrame)
    main_downstream: dict[int, int] = field(default_factory=dict)  # at splits: the main path

    def __post_init__(self) -> None:
        n_nodes = len(self.node_xy)
        self._out: list[list[int]] = [[] for _ in range(n_nodes)]
        self._in: list[list[int]] = [[] for _ in range(n_nodes)]
        for e, (a, b) in enumerate(zip(self.src, self.dst, strict=True)):
            self._out[a].append(e)
            self._in[b].append(e)

    @property
    def n(self) -> int:
        """Number of edges.

        Returns
        -------
        int
        """
        return len(self.src)

    def downstream(self, edge: int) -> list[int]:
        """Edges leaving the node this edge flows into.

        Parameters
        ----------
        edge : int
            An edge (row of :attr:`lines`).

        Returns
        -------
        list of int
            More than one below a split; empty at an outlet.
        """
        return [e for e in self._out[self.dst[edge]] if e != edge]

    def upstream(self, edge: int) -> list[int]:
        """Edges flowing into this edge's start node.

        Parameters
        ----------
        edge : int

        Returns
        -------
        list of int
            Empty at a headwater.
        """
        return [e for e in self._in[self.src[edge]] if e != edge]

    def next_downstream(self, edge: int) -> int | None:
        """The one edge the water goes to next (the main path at a split); None at an outlet.

        Parameters
        ----------
        edge : int

        Returns
        -------
        int or None
        """
        down = self.downstream(edge)
        if not down:
            return None
        return self.main_downstream.get(edge, down[0]) if len(down) > 1 else down[0]

    def trace_upstream(self, edge: int) -> list[int]:
        """Every edge upstream of ``edge`` (all tributaries), nearest first; not ``edge`` itself.

        Parameters
        ----------
        edge : int

        Returns
        -------
        list of int
            Breadth first: the edges flowing in, then theirs, and so on.
        """
        seen, out, todo = {edge}, [], deque(self.upstream(edge))
        while todo:
            e = todo.popleft()
            if e in seen:
                continue
            seen.add(e)
            out.append(e)
            todo.extend(self.upstream(e))
        return out

    def trace_downstream(self, edge: int) -> list[int]:
        """The main path from ``edge`` to its outlet, ``edge`` first.

        Parameters
        ----------
        edge : int

        Returns
        -------
        list of int
            Following :meth:`next_downstream`; stops should the path loop.
        """
        path, seen, e = [edge], {edge}, self.next_downstream(edge)
        while e is not None and e not in seen:
            path.append(e)
            seen.add(e)
            e = self.next_downstream(e)
        return path

    def outlets(self) -> np.ndarray:
        """Edges with nothing downstream.

        Returns
        -------
        numpy.ndarray of int
        """
        return np.array([e for e in range(self.n) if not self.downstream(e)], dtype=int)

    def headwaters(self) -> np.ndarray:
        """Edges with nothing upstream.

        Returns
        -------
        numpy.ndarray of int
        """
        return np.array([e for e in range(self.n) if not self.upstream(e)], dtype=int)

    def topological_order(self) -> list[int]:
        """Edges ordered so each comes after every edge upstream of it (Kahn).

        Returns
        -------
        list of int

        Raises
        ------
        InputError
            The lines form a loop, which cannot drain.
        """
        indeg = np.array([len(self.upstream(e)) for e in range(self.n)])
        todo = deque(np.nonzero(indeg == 0)[0].tolist())
        order = []
        while todo:
            e = todo.popleft()
            order.append(e)
            for d in self.downstream(e):
                indeg[d] -= 1
                if indeg[d] == 0:
                    todo.append(d)
        if len(order) < self.n:
            stuck = sorted(set(range(self.n)) - set(order))
            raise InputError(
                code="network.loop", params={"count": len(stuck), "first": str(stuck[:5])}
            )
        return order

    def strahler(self) -> np.ndarray:
        """Strahler order as NHDPlus computes it (``StreamOrde``).

        A secondary path leaving a split takes the order of the line it leaves and does
        not count when it meets another line downstream.

        Returns
        -------
        numpy.ndarray of int
            The order of each edge, from 1 at the headwaters.

        Raises
        ------
        InputError
            The lines form a loop (no topological order).

        Examples
        --------
        Two first-order streams (0, 1) meet and make a second-order one (2); a third
        first-order stream (3) joining it further down does not raise it to 3:

        >>> from shapely.geometry import LineString
        >>> lines = gpd.GeoDataFrame(geometry=[
        ...     LineString([(0, 1000), (1000, 0)]), LineString([(0, -1000), (1000, 0)]),
        ...     LineString([(1000, 0), (3000, 0)]), LineString([(3000, 1000), (3000, 0)]),
        ...     LineString([(3000, 0), (5000, 0)])], crs=32648)
        >>> build_network(lines).strahler().tolist()
        [1, 1, 2, 1, 2]
        """
        order = np.zeros(self.n, dtype=int)
        counts = np.ones(self.n, dtype=bool)  # False along a secondary path
        for e in self.topological_order():
            ups = self.upstream(e)
            if any(not self._is_main_into(u, e) for u in ups):
                order[e], counts[e] = max(order[u] for u in ups), False
                continue
            main = [u for u in ups if counts[u]]
            if not main:
                order[e] = max((order[u] for u in ups), default=1)
                counts[e] = not ups
                continue
            vals = sorted((order[u] for u in main), reverse=True)
            order[e] = vals[0] + 1 if len(vals) > 1 and vals[0] == vals[1] else vals[0]
        return order

    def _is_main_into(self, up: int, edge: int) -> bool:
        down = self.downstream(up)
        return len(down) < 2 or self.main_downstream.get(up) == edge

    def upstream_length(self, lengths: np.ndarray | None = None) -> np.ndarray:
        """Total length of each edge and everything upstream (NHDPlus ArbolateSu).

        At a split, only the main path carries the upstream length on.

        Parameters
        ----------
        lengths : array of float, optional
            Each edge's own length; its metric length by default.

        Returns
        -------
        numpy.ndarray of float
            Metres (or the unit of ``lengths``).
        """
        length = (
            self.lines.length.to_numpy() if lengths is None else np.asarray(lengths, dtype=float)
        )
        total = length.astype(float).copy()
        for e in self.topological_order():
            # a secondary path starts afresh: it carries only its own length on (NHDPlus)
            total[e] = length[e] + sum(
                total[u] for u in self.upstream(e) if self._is_main_into(u, e)
            )
        return total


def build_network(
    lines: gpd.GeoDataFrame,
    *,
    snap_tolerance: float = 1.0,
    dem: Callable[[NDArray[Any], NDArray[Any]], NDArray[Any]] | None = None,
    near_miss: float = 20.0,
    main_path: ArrayLike | None = None,
    split_tributaries: bool = True,
) -> Network:
    """Build the network of ``lines`` (any CRS; measured in its GK/UTM zone).

    Parameters
    ----------
    lines : GeoDataFrame
        LineString or single-part MultiLineString rows, one per flowline or river.
    snap_tolerance : float
        End points closer than this (metres) are one node.
    dem : callable, optional
        ``dem(x, y) -> elevation`` in the metric CRS; flow then runs downhill.
    near_miss : float
        End points within this distance of another line, but not on a node, are reported.
    split_tributaries : bool
        Cut whole-river lines where a tributary ends on them (registers keep one line per
        river). Pass False for data that is already noded flowline by flowline (NHDPlus).
    main_path : array of bool, optional
        Which lines are the main path where the flow splits (NHDPlus ``Divergence == 1``).
        Without it the main path is the branch with the longest way on to an outlet.

    Returns
    -------
    Network
        Edges in the metric CRS (after cutting at junctions), oriented with the flow;
        ``issues`` lists near misses, multipart lines, disconnected pieces and lines drawn
        against the flow (``kind, edge, x, y, detail``).

    Raises
    ------
    InputError
        No lines, or a line with no geometry or zero length.

    Examples
    --------
    Two headwater streams, A and B, meet at a junction and flow on as C (metres in the
    demo's Gauss-Krüger zone, EPSG:4544):

    >>> from shapely.geometry import LineString
    >>> lines = gpd.GeoDataFrame({"name": ["A", "B", "C"]}, geometry=[
    ...     LineString([(500_000, 3_351_000), (501_000, 3_350_000)]),
    ...     LineString([(500_000, 3_349_000), (501_000, 3_350_000)]),
    ...     LineString([(501_000, 3_350_000), (503_000, 3_350_000)])], crs=4544)
    >>> net = build_network(lines)
    >>> net.n, net.headwaters().tolist(), net.outlets().tolist(), net.upstream(2)
    (3, [0, 1], [2], [0, 1])
    >>> net.trace_downstream(0), len(net.issues), len(net.reversed_edges)
    ([0, 2], 0, 0)

    Two first-order streams make a second-order one (Strahler); C carries its own 2 km and
    the 2 × 1414.2 m above it:

    >>> net.strahler().tolist()
    [1, 1, 2]
    >>> net.upstream_length().round(1).tolist()
    [1414.2, 1414.2, 4828.4]
    """
    if len(lines) == 0:
        raise InputError(code="network.empty")
    gdf = to_metric(lines).reset_index(drop=True)
    geoms = []
    issues = []
    for i, g in enumerate(gdf.geometry):
        if g is not None and g.geom_type == "MultiLineString":
            merged = shapely.line_merge(g)
            g = merged if merged.geom_type == "LineString" else max(g.geoms, key=lambda p: p.length)
            if merged.geom_type != "LineString":
                issues.append(
                    ("multipart", i, *g.coords[0], "parts do not join; the longest part was used")
                )
        if g is None or g.is_empty or g.length == 0:
            raise InputError(
                code="network.empty_line", row=i + 1, field="geometry", params={"line": i + 1}
            )
        geoms.append(g)
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, crs=gdf.crs))
    if split_tributaries:
        gdf = split_at_junctions(gdf, snap_tolerance)
    geoms = list(gdf.geometry.values)
    starts = np.array([g.coords[0][:2] for g in geoms])
    ends = np.array([g.coords[-1][:2] for g in geoms])
    pts = np.vstack([starts, ends])
    node = _cluster(pts, snap_tolerance)
    n = len(geoms)
    a, b = node[:n], node[n:]
    node_xy = np.array([pts[node == k].mean(axis=0) for k in range(node.max() + 1)])
    if dem is not None:
        za, zb = (
            np.array([dem(*xy) for xy in node_xy[a]]),
            np.array([dem(*xy) for xy in node_xy[b]]),
        )
        flip = za < zb
    else:
        flip = _reversed_by_topology(a, b, len(node_xy), gdf.length.to_numpy())
    src, dst = np.where(flip, b, a), np.where(flip, a, b)
    issues += _topology_issues(gdf, a, b, node_xy, near_miss)
    issues += _disconnected(a, b, len(node_xy), gdf.length.to_numpy(), node_xy)
    issues += [
        ("digitised_upstream", int(e), *node_xy[a[e]], "line drawn against the flow")
        for e in np.nonzero(flip)[0]
    ]
    net = Network(
        gdf,
        src,
        dst,
        node_xy,
        np.nonzero(flip)[0],
        pd.DataFrame(issues, columns=["kind", "edge", "x", "y", "detail"]),
    )
    net.main_downstream = _main_paths(
        net, None if main_path is None else np.asarray(main_path, dtype=bool)
    )
    return net


def split_at_junctions(gdf: gpd.GeoDataFrame, tol: float = 1.0) -> gpd.GeoDataFrame:
    """Cut each line where another line ends on it (a tributary joining mid-river).

    Registers keep a whole river as one line, so confluences are T-junctions. Each piece
    keeps its source row (``source_row``) and its chainage range on that line
    (``from_m``, ``to_m``), so results map back to rivers.

    Parameters
    ----------
    gdf : GeoDataFrame
        Single lines in a metric CRS.
    tol : float
        An end within this many metres of another line is on it; cuts closer than this
        to that line's own ends are not made.

    Returns
    -------
    GeoDataFrame
        One row per piece, the source row's attributes repeated.

    Examples
    --------
    A tributary ending 3 km down a 10 km river cuts it in two:

    >>> from shapely.geometry import LineString
    >>> lines = gpd.GeoDataFrame({"name": ["main", "trib"]}, geometry=[
    ...     LineString([(0, 0), (10_000, 0)]), LineString([(3_000, 2_000), (3_000, 0)])],
    ...     crs=4544)
    >>> split_at_junctions(lines)[["name", "source_row", "from_m", "to_m"]].values.tolist()
    [['main', 0, 0.0, 3000.0], ['main', 0, 3000.0, 10000.0], ['trib', 1, 0.0, 2000.0]]
    """
    geoms = gdf.geometry.values
    ends = shapely.points(np.array([c for g in geoms for c in (g.coords[0][:2], g.coords[-1][:2])]))
    tree = shapely.STRtree(geoms)
    cuts: dict[int, list[float]] = {}
    left, right = tree.query(ends, predicate="dwithin", distance=tol)
    for p, i in zip(left, right, strict=True):
        line = geoms[i]
        d = line.project(ends[p])
        if tol < d < line.length - tol:
            cuts.setdefault(int(i), []).append(d)
    rows = []
    for i, g in enumerate(geoms):
        marks = [0.0] + sorted(set(round(x, 6) for x in cuts.get(i, []))) + [g.length]
        for a, b in zip(marks[:-1], marks[1:], strict=True):
            if b - a > 1e-6:
                rows.append((i, a, b, substring(g, a, b) if (a, b) != (0.0, g.length) else g))
    out = gdf.iloc[[r[0] for r in rows]].copy()
    out["source_row"] = [r[0] for r in rows]
    out["from_m"] = [r[1] for r in rows]
    out["to_m"] = [r[2] for r in rows]
    return out.set_geometry(
        gpd.GeoSeries([r[3] for r in rows], index=out.index, crs=gdf.crs)
    ).reset_index(drop=True)


def _cluster(pts: np.ndarray, tol: float) -> np.ndarray:
    """Label points so that points within ``tol`` (transitively) share a label."""
    pairs = cKDTree(pts).query_pairs(tol, output_type="ndarray")
    m = (
        coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(len(pts), len(pts)))
        if len(pairs)
        else coo_matrix((len(pts), len(pts)))
    )
    _, labels = connected_components(m, directed=False)
    return np.asarray(labels)


def _reversed_by_topology(
    a: np.ndarray, b: np.ndarray, n_nodes: int, lengths: np.ndarray
) -> np.ndarray:
    """Which lines run against the flow, judged per connected tree.

    In a tree with one outlet, orienting every edge towards the outlet is unique. The
    outlet is the terminal node that makes the fewest lines disagree with how they were
    digitised. Components that are not trees (diversions, braids) are left as drawn.
    """
    n = len(a)
    flip = np.zeros(n, dtype=bool)
    adj = coo_matrix((np.ones(n), (a, b)), shape=(n_nodes, n_nodes))
    n_comp, comp = connected_components(adj, directed=False)
    nbrs: list[list[tuple[int, int]]] = [[] for _ in range(n_nodes)]
    for e in range(n):
        nbrs[a[e]].append((e, b[e]))
        nbrs[b[e]].append((e, a[e]))
    edge_comp = comp[a]
    for c in range(n_comp):
        edges = np.nonzero(edge_comp == c)[0].tolist()
        nodes = np.unique(np.concatenate([a[edges], b[edges]]))
        if len(edges) != len(nodes) - 1:
            continue  # not a tree: trust the digitised direction
        terminals = [v for v in nodes if len(nbrs[v]) == 1]
        best = None
        for outlet in terminals:
            f = _orient_towards(outlet, nbrs, a)
            # fewest lines against the flow; on a tie, the least length drawn the wrong way
            score = (sum(f[e] for e in edges), sum(lengths[e] for e in edges if f[e]))
            if best is None or score < best[0]:
                best = (score, f)
        if best is not None:
            for e in edges:
                flip[e] = best[1][e]
    return flip


def _orient_towards(
    outlet: int, nbrs: list[list[tuple[int, int]]], a: NDArray[Any]
) -> dict[int, bool]:
    """For each edge, whether it must be flipped to flow towards ``outlet``."""
    flip, seen, todo = {}, {outlet}, deque([outlet])
    while todo:
        v = todo.popleft()
        for e, w in nbrs[v]:
            if w in seen:
                continue
            seen.add(w)
            flip[e] = a[e] != w  # the edge must start at w (further from the outlet)
            todo.append(w)
    return flip


def _topology_issues(
    gdf: gpd.GeoDataFrame,
    a: NDArray[Any],
    b: NDArray[Any],
    node_xy: NDArray[Any],
    near_miss: float,
) -> list[tuple[Any, ...]]:
    """Dangles near other lines (near misses) and crossings that have no node."""
    out = []
    geoms = gdf.geometry.values
    tree = shapely.STRtree(geoms)
    degree = np.bincount(np.concatenate([a, b]), minlength=len(node_xy))
    for k in np.nonzero(degree == 1)[0]:
        p = shapely.Point(node_xy[k])
        own = set(np.nonzero((a == k) | (b == k))[0])
        near = [i for i in tree.query(p, predicate="dwithin", distance=near_miss) if i not in own]
        if near:
            d = min(geoms[i].distance(p) for i in near)
            out.append(
                (
                    "near_miss",
                    int(next(iter(own))),
                    p.x,
                    p.y,
                    f"end point {d:.1f} m from line {near[0]} without a node",
                )
            )
    left, right = tree.query(geoms, predicate="crosses")
    for i, j in zip(left, right, strict=True):
        if i < j:
            x = geoms[i].intersection(geoms[j])
            for p in getattr(x, "geoms", [x]):
                if p.geom_type == "Point":
                    out.append(
                        (
                            "crossing_without_node",
                            int(i),
                            p.x,
                            p.y,
                            f"crosses line {j} with no node",
                        )
                    )
    return out


def _disconnected(
    a: NDArray[Any], b: NDArray[Any], n_nodes: int, lengths: NDArray[Any], node_xy: NDArray[Any]
) -> list[tuple[Any, ...]]:
    """Every connected piece but the longest, reported: a river that joins nothing."""
    n = len(a)
    adj = coo_matrix((np.ones(n), (a, b)), shape=(n_nodes, n_nodes))
    n_comp, comp = connected_components(adj, directed=False)
    if n_comp < 2:
        return []
    per = np.bincount(comp[a], weights=lengths, minlength=n_comp)
    main = int(np.argmax(per))
    out = []
    for c in range(n_comp):
        if c != main and per[c] > 0:
            e = int(np.nonzero(comp[a] == c)[0][0])
            out.append(
                (
                    "disconnected_piece",
                    e,
                    *node_xy[a[e]],
                    f"{per[c]:.0f} m of lines not connected to the main network",
                )
            )
    return out


def _main_paths(net: Network, hint: np.ndarray | None) -> dict[int, int]:
    """At each split, the main path: the hinted branch, else the straightest continuation.

    Geometry alone cannot always tell a main channel from a diversion (on the NHDPlus
    diversions sample the straightest branch is the main path at 10 of 16 splits), so a
    main-path attribute (NHDPlus ``Divergence == 1``) should be passed where it exists.
    """
    splits = [e for e in range(net.n) if len(net.downstream(e)) > 1]
    out: dict[int, int] = {}
    geoms = net.lines.geometry.values
    for e in splits:
        down = net.downstream(e)
        marked = [d for d in down if hint is not None and hint[d]]
        if marked:
            out[e] = marked[0]
            continue
        h = _heading(geoms[e], at_end=True)
        out[e] = min(
            down, key=lambda d: abs(np.angle(np.exp(1j * (_heading(geoms[d], at_end=False) - h))))
        )
    return out


def _heading(line: shapely.LineString, *, at_end: bool, span: float = 50.0) -> float:
    span = min(span, line.length)
    a, b = (line.length - span, line.length) if at_end else (0.0, span)
    p, q = line.interpolate(a), line.interpolate(b)
    return float(np.arctan2(q.y - p.y, q.x - p.x))
