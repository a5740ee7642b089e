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
from functools import cached_property
from typing import Any, Literal

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


@dataclass(frozen=True)
class Cycle:
    """Lines of the network that close a ring.

    ``kind`` is ``"loop"`` when the water can go round (a directed cycle: a lake shore drawn
    as a ring, a canal drawn both ways, a line drawn against the flow inside a braid) and
    ``"braid"`` when the flow splits and the branches rejoin downstream (no way round).
    """

    lines: tuple[int, ...]
    kind: Literal["braid", "loop"]


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

    @cached_property
    def _component(self) -> np.ndarray:
        """Strongly connected component of each edge (edges that can reach each other)."""
        pairs = [(u, d) for u in range(self.n) for d in self.downstream(u)]
        if not pairs:
            return np.arange(self.n)
        u, d = np.array(pairs).T
        m = coo_matrix((np.ones(len(u)), (u, d)), shape=(self.n, self.n))
        _, labels = connected_components(m, directed=True, connection="strong")
        return np.asarray(labels)

    @cached_property
    def cycles(self) -> list[Cycle]:
        """Every ring of lines: directed loops first, then braids (see :class:`Cycle`).

        A loop is a strongly connected set of lines (or one closed line); a braid is a
        biconnected block of lines once each loop is shrunk to a point: a split whose
        branches rejoin (two islands one after the other are two braids). Neither stops
        ordering or tracing: see :meth:`topological_order`.

        Returns
        -------
        list of Cycle
            Line indices ascending within each; loops, then braids, by their first line.

        Examples
        --------
        A river splits round an island and rejoins (a braid):

        >>> from shapely.geometry import LineString
        >>> lines = gpd.GeoDataFrame(geometry=[
        ...     LineString([(0, 0), (1000, 0)]), LineString([(1000, 0), (2000, 500), (3000, 0)]),
        ...     LineString([(1000, 0), (2000, -500), (3000, 0)]),
        ...     LineString([(3000, 0), (4000, 0)])], crs=32648)
        >>> build_network(lines).cycles
        [Cycle(lines=(1, 2), kind='braid')]
        """
        comp = self._component
        sizes = np.bincount(comp, minlength=self.n)
        in_loop = (sizes[comp] > 1) | (self.src == self.dst)
        out: list[Cycle] = []
        for c in np.unique(comp[in_loop]):
            out.append(Cycle(tuple(np.nonzero(comp == c)[0].tolist()), "loop"))
        # shrink each loop to a point: blocks of more than one line are then braids
        n_nodes = len(self.node_xy)
        le = np.nonzero(in_loop)[0]
        m = coo_matrix((np.ones(len(le)), (self.src[le], self.dst[le])), shape=(n_nodes, n_nodes))
        _, rep = connected_components(m, directed=False)
        block = _blocks(rep[self.src], rep[self.dst], int(rep.max()) + 1)
        sizes = np.bincount(block[block >= 0], minlength=1)
        braids = [tuple(np.nonzero(block == k)[0].tolist()) for k in np.nonzero(sizes > 1)[0]]
        out += [Cycle(lines, "braid") for lines in sorted(braids)]
        return out

    def topological_order(self) -> list[int]:
        """Edges ordered so each comes after every edge upstream of it.

        The lines of a loop (:attr:`cycles`) are one node of the order (the condensation):
        they come together, in index order, after everything flowing into the loop.

        Returns
        -------
        list of int
        """
        return [e for c in self._component_order() for e in self._members[c]]

    @cached_property
    def _members(self) -> list[list[int]]:
        comp = self._component
        members: list[list[int]] = [[] for _ in range(int(comp.max()) + 1)]
        for e in range(self.n):
            members[comp[e]].append(e)
        return members

    def _component_order(self) -> list[int]:
        """Components in topological order of the condensed graph (Kahn)."""
        comp = self._component
        n_comp = len(self._members)
        down: list[set[int]] = [set() for _ in range(n_comp)]
        for u in range(self.n):
            down[comp[u]].update(comp[d] for d in self.downstream(u) if comp[d] != comp[u])
        indeg = np.zeros(n_comp, dtype=int)
        for ds in down:
            for d in ds:
                indeg[d] += 1
        todo = deque(np.nonzero(indeg == 0)[0].tolist())
        order: list[int] = []
        while todo:
            c = todo.popleft()
            order.append(c)
            for d in sorted(down[c]):
                indeg[d] -= 1
                if indeg[d] == 0:
                    todo.append(d)
        return order

    def _inflows(self, c: int) -> list[int]:
        """Edges outside component ``c`` that flow into one of its edges."""
        comp = self._component
        return sorted({u for e in self._members[c] for u in self.upstream(e) if comp[u] != c})

    def strahler(self) -> np.ndarray:
        """Strahler order as NHDPlus computes it (``StreamOrde``).

        A secondary path leaving a split takes the order of the line it leaves and does
        not count when it meets another line downstream. A loop (:attr:`cycles`) is one
        node: all its lines take the order its inflows give it, as one line would.

        Returns
        -------
        numpy.ndarray of int
            The order of each edge, from 1 at the headwaters.

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
        comp = self._component
        n_comp = len(self._members)
        order = np.zeros(n_comp, dtype=int)
        counts = np.ones(n_comp, dtype=bool)  # False along a secondary path
        for c in self._component_order():
            ups = self._inflows(c)
            if any(not self._is_main_into(u, c) for u in ups):
                order[c], counts[c] = max(order[comp[u]] for u in ups), False
                continue
            main = [comp[u] for u in ups if counts[comp[u]]]
            main = list(dict.fromkeys(main))  # a loop flowing in twice counts once
            if not main:
                order[c] = max((order[comp[u]] for u in ups), default=1)
                counts[c] = not ups
                continue
            vals = sorted((order[m] for m in main), reverse=True)
            order[c] = vals[0] + 1 if len(vals) > 1 and vals[0] == vals[1] else vals[0]
        return np.asarray(order[comp])

    def _is_main_into(self, up: int, c: int) -> bool:
        """Whether ``up`` hands its flow on to component ``c`` as the main path."""
        if len(self.downstream(up)) < 2:
            return True
        main = self.main_downstream.get(up)
        return main is not None and self._component[main] == c

    def upstream_length(self, lengths: np.ndarray | None = None) -> np.ndarray:
        """Each edge's length plus that of every distinct edge upstream (NHDPlus ArbolateSu).

        Below a split both branches carry everything above it; where branches rejoin, the
        lines above the split count once. In a loop every line is upstream of every other,
        so each line of a loop carries the whole loop and all that flows into it.

        Parameters
        ----------
        lengths : array of float, optional
            Each edge's own length; its metric length by default.

        Returns
        -------
        numpy.ndarray of float
            Metres (or the unit of ``lengths``).

        Examples
        --------
        A 1 km river splits round an island (two 2 km arms) and rejoins for 1 km more:
        an arm carries itself and the river above; below, each line counts once.

        >>> from shapely.geometry import LineString
        >>> lines = gpd.GeoDataFrame(geometry=[
        ...     LineString([(0, 0), (1000, 0)]), LineString([(1000, 0), (1000, 1000), (2000, 0)]),
        ...     LineString([(1000, 0), (1000, -1000), (2000, 0)]),
        ...     LineString([(2000, 0), (3000, 0)])], crs=32648)
        >>> build_network(lines).upstream_length([1000, 2000, 2000, 1000]).tolist()
        [1000.0, 3000.0, 3000.0, 6000.0]
        """
        length = (
            self.lines.length.to_numpy() if lengths is None else np.asarray(lengths, dtype=float)
        ).astype(float)
        comp = self._component
        n_comp = len(self._members)
        own = np.bincount(comp, weights=length, minlength=n_comp)
        order = self._component_order()
        ups = [sorted({comp[u] for u in self._inflows(c)}) for c in range(n_comp)]
        n_down = np.zeros(n_comp, dtype=int)
        for c in range(n_comp):
            for u in ups[c]:
                n_down[u] += 1
        # below a split, ancestors can be reached twice: only there are sets needed
        below_split = np.zeros(n_comp, dtype=bool)
        for c in order:
            below_split[c] = any(n_down[u] > 1 or below_split[u] for u in ups[c])
        total = np.zeros(n_comp)
        for c in order:  # above every split the ancestors form a tree: plain sums are exact
            if not below_split[c]:
                total[c] = own[c] + sum(total[u] for u in ups[c])
        # atoms: components below a split (own length), and the tree tops flowing into them
        # (their whole total); ancestor sets of the former are bitsets of atoms
        atoms = [c for c in order if below_split[c]]
        atoms += sorted({u for c in atoms for u in ups[c] if not below_split[u]})
        bit = {c: i for i, c in enumerate(atoms)}
        weight = np.array([own[c] if below_split[c] else total[c] for c in atoms])
        anc: dict[int, int] = {}
        waiting = n_down.copy()  # a set is dropped once every line below has read it
        for c in order:
            if below_split[c]:
                s = 1 << bit[c]
                for u in ups[c]:
                    if below_split[u]:
                        s |= anc[u]
                        waiting[u] -= 1
                        if waiting[u] == 0:
                            del anc[u]
                    else:
                        s |= 1 << bit[u]
                if waiting[c]:
                    anc[c] = s
                total[c] = float(weight @ _bits(s, len(atoms)))
        return np.asarray(total[comp])


def _bits(s: int, n: int) -> np.ndarray:
    """The low ``n`` bits of ``s`` as a 0/1 float array (bit ``i`` at index ``i``)."""
    raw = np.frombuffer(s.to_bytes((n + 7) // 8, "little"), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little")[:n].astype(float)


def _blocks(a: np.ndarray, b: np.ndarray, n_nodes: int) -> np.ndarray:
    """Biconnected component of each edge of the undirected multigraph ``a[i]``--``b[i]``
    (Tarjan, with an edge stack); -1 for an edge from a node to itself."""
    adj: list[list[tuple[int, int]]] = [[] for _ in range(n_nodes)]
    for e, (u, v) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
        if u != v:
            adj[u].append((v, e))
            adj[v].append((u, e))
    disc = np.full(n_nodes, -1)
    low = np.zeros(n_nodes, dtype=int)
    block = np.full(len(a), -1)
    edges: list[int] = []
    t = n_blocks = 0
    for root in range(n_nodes):
        if disc[root] >= 0 or not adj[root]:
            continue
        disc[root] = low[root] = t
        t += 1
        stack = [(root, -1, iter(adj[root]))]
        while stack:
            v, parent_edge, it = stack[-1]
            for w, e in it:
                if e == parent_edge:
                    continue
                if disc[w] < 0:
                    edges.append(e)
                    disc[w] = low[w] = t
                    t += 1
                    stack.append((w, e, iter(adj[w])))
                    break
                if disc[w] < disc[v]:  # a back edge, met first from its lower end
                    edges.append(e)
                    low[v] = min(low[v], disc[w])
            else:
                stack.pop()
                if stack:
                    p = stack[-1][0]
                    low[p] = min(low[p], low[v])
                    if low[v] >= disc[p]:  # p cuts off v's block: its edges are on the stack
                        while True:
                            f = edges.pop()
                            block[f] = n_blocks
                            if f == parent_edge:
                                break
                        n_blocks += 1
    return block


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
    hint = None if main_path is None else np.asarray(main_path, dtype=bool)
    if hint is not None and len(hint) != len(gdf):
        raise InputError(
            code="network.main_path_length", params={"given": len(hint), "lines": len(gdf)}
        )
    if split_tributaries:
        gdf = split_at_junctions(gdf, snap_tolerance)
        if hint is not None:  # one entry per input line; the pieces of a cut line share it
            hint = hint[gdf["source_row"].to_numpy()]
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
    net.main_downstream = _main_paths(net, hint)
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
    """At each split, the main path: the hinted branch, else the straightest continuation
    (out of a loop, if the split is on one).

    Geometry alone cannot always tell a main channel from a diversion (on the NHDPlus
    diversions sample the straightest branch is the main path at 10 of 16 splits), so a
    main-path attribute (NHDPlus ``Divergence == 1``) should be passed where it exists.
    """
    splits = [e for e in range(net.n) if len(net.downstream(e)) > 1]
    out: dict[int, int] = {}
    geoms = net.lines.geometry.values
    comp = net._component
    for e in splits:
        down = net.downstream(e)
        marked = [d for d in down if hint is not None and hint[d]]
        if marked:
            out[e] = marked[0]
            continue
        # inside a loop, the main path is the way out of it, if there is one
        leaving = [d for d in down if comp[d] != comp[e]]
        down = leaving if 0 < len(leaving) < len(down) else down
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
