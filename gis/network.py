"""River network topology from line geometry: nodes, flow direction, navigation, order.

Pure functions over GeoDataFrames (no hidden state), so a province can be split into
basins and processed in parallel. Lines are edges; their end points, snapped within a
tolerance, are nodes. Flow follows the digitised direction unless a DEM says otherwise,
and lines digitised the wrong way round are detected from the topology and reported.
Coastlines are kept as rows but are not part of the flow (see :func:`line_kinds`).
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
from gis.catalogue import LINE_KINDS
from gis.crs import lengths_m, to_metric

#: Line kinds that are not flowlines: kept as rows, but no node, order or length of theirs.
NOT_FLOWING = frozenset({"coastline"})
#: A line going on from another within this many degrees continues it (a river does not
#: turn back on itself at a node; a tributary joins at an angle).
STRAIGHT_ON_DEG = 30.0
#: NHDPlus ``FTYPE`` to :data:`gis.catalogue.LINE_KINDS`, for files without ``line_kind``.
_NHD_FTYPES = {"Coastline": "coastline", "ArtificialPath": "waterbody", "Connector": "connector"}
#: Columns naming a line, first found wins (the catalogue's, then NHDPlus GNIS names).
_NAME_COLUMNS = ("name", "GNIS_NAME", "gnis_name")


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
    kind: np.ndarray | None = None  # line kind of each edge (see :func:`line_kinds`)
    _lengths: np.ndarray | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        n_nodes = len(self.node_xy)
        self._out: list[list[int]] = [[] for _ in range(n_nodes)]
        self._in: list[list[int]] = [[] for _ in range(n_nodes)]
        for e, (a, b) in enumerate(zip(self.src, self.dst, strict=True)):
            self._out[a].append(e)
            self._in[b].append(e)

    def edge_lengths(self) -> np.ndarray:
        """Each edge's length in metres: in the network's zone, or geodesic when the lines
        span zones (:func:`gis.crs.lengths_m`: never measured in one far zone)."""
        if self._lengths is None:
            self._lengths = lengths_m(self.lines)
        return self._lengths

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
        flows = self.flows
        return np.array(
            [e for e in range(self.n) if flows[e] and not self.downstream(e)], dtype=int
        )

    def headwaters(self) -> np.ndarray:
        """Edges with nothing upstream.

        Returns
        -------
        numpy.ndarray of int
        """
        flows = self.flows
        return np.array([e for e in range(self.n) if flows[e] and not self.upstream(e)], dtype=int)

    @cached_property
    def flows(self) -> np.ndarray:
        """Whether each edge is a flowline (False for coastlines: :data:`NOT_FLOWING`).

        Returns
        -------
        numpy.ndarray of bool
        """
        if self.kind is None:
            return np.ones(self.n, dtype=bool)
        return ~np.isin(self.kind, list(NOT_FLOWING))

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
        node: all its lines take the order its inflows give it, as one line would. A
        coastline (not a flowline) has order 0.

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
        return np.where(self.flows, order[comp], 0)

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
        so each line of a loop carries the whole loop and all that flows into it. A coastline
        (not a flowline) has 0.

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
            self.edge_lengths() if lengths is None else np.asarray(lengths, dtype=float)
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
        return np.where(self.flows, total[comp], 0.0)


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


def line_kinds(lines: pd.DataFrame) -> np.ndarray:
    """The kind of each line (:data:`gis.catalogue.LINE_KINDS`).

    The ``line_kind`` column where there is one (empty means river), else NHDPlus
    ``FTYPE`` (Coastline, ArtificialPath through a waterbody, Connector), else river.

    Parameters
    ----------
    lines : DataFrame

    Returns
    -------
    numpy.ndarray of str

    Raises
    ------
    InputError
        A ``line_kind`` that is not in the code list.

    Examples
    --------
    >>> line_kinds(pd.DataFrame({"line_kind": ["river", None, "waterbody"]})).tolist()
    ['river', 'river', 'waterbody']
    """
    if "line_kind" in lines:
        given = lines["line_kind"]
        kinds = given.where(given.notna() & (given.astype(str).str.strip() != ""), "river")
        kinds = kinds.astype(str).str.strip()
        bad = ~kinds.isin(list(LINE_KINDS))
        if bad.any():
            row = int(np.nonzero(bad.to_numpy())[0][0])
            raise InputError(
                code="network.line_kind",
                row=row + 1,
                field="line_kind",
                params={"value": kinds.iloc[row], "codes": ", ".join(LINE_KINDS)},
            )
        return np.asarray(kinds.to_numpy(dtype=object))
    for column in ("FTYPE", "ftype"):
        if column in lines:
            return np.asarray(lines[column].map(_NHD_FTYPES).fillna("river").to_numpy(dtype=object))
    return np.full(len(lines), "river", dtype=object)


def rivers_only(lines: pd.DataFrame) -> pd.DataFrame:
    """The rows of a rivers layer that are rivers (``line_kind`` empty or river): what
    inventories count and chiefs are assigned to; waterbody lines, connectors and coastlines
    are left out.

    Parameters
    ----------
    lines : DataFrame

    Returns
    -------
    DataFrame
        The same frame when it has no ``line_kind``.

    Examples
    --------
    >>> rivers_only(pd.DataFrame({"line_kind": ["river", None, "connector"]})).index.tolist()
    [0, 1]
    """
    if "line_kind" not in lines:
        return lines
    kind = lines["line_kind"]
    return lines[kind.isna() | kind.astype(str).str.strip().isin(["", "river"])]


def _identities(gdf: pd.DataFrame) -> pd.DataFrame:
    """Name, river code and ``flows_into`` of each line (None where blank), for the main
    path at splits and for river continuity."""

    def clean(column: str | None) -> list[Any]:
        if column is None or column not in gdf:
            return [None] * len(gdf)
        return [
            str(v).strip() if v is not None and not pd.isna(v) and str(v).strip() else None
            for v in gdf[column]
        ]

    name = next((c for c in _NAME_COLUMNS if c in gdf), None)
    return pd.DataFrame(
        {"name": clean(name), "code": clean("river_code"), "flows_into": clean("flows_into")},
        dtype=object,
    )


def _split_flowlines(gdf: gpd.GeoDataFrame, kinds: np.ndarray, tol: float) -> gpd.GeoDataFrame:
    """:func:`split_at_junctions` over the flowlines only; other lines (coastlines) whole."""
    flowing = ~np.isin(kinds, list(NOT_FLOWING))
    if flowing.all():
        return split_at_junctions(gdf, tol)
    cut = split_at_junctions(gdf[flowing], tol)
    cut["source_row"] = np.nonzero(flowing)[0][cut["source_row"].to_numpy()]
    rest = gdf[~flowing].copy()
    rest["source_row"] = np.nonzero(~flowing)[0]
    rest["from_m"] = 0.0
    rest["to_m"] = rest.length.to_numpy()
    both = pd.concat([cut, rest], ignore_index=True)
    return both.sort_values(["source_row", "from_m"], kind="stable").reset_index(drop=True)


def _nodes(pts: np.ndarray, flowing: np.ndarray, tol: float) -> np.ndarray:
    """Node of each end point: flowline ends within ``tol`` share one; the ends of other
    lines (coastlines) are nodes of their own, so no river flows into or out of them."""
    node = np.empty(len(pts), dtype=int)
    k = 0
    if flowing.any():
        node[flowing] = _cluster(pts[flowing], tol)
        k = int(node[flowing].max()) + 1
    node[~flowing] = k + np.arange(int((~flowing).sum()))
    return node


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
        LineString or MultiLineString rows, one per flowline or river (a river's parts that
        do not chain become lines of their own; ``source_row`` gives each line's row). Its
        ``line_kind`` (:func:`line_kinds`) may mark waterbody lines and connectors, which
        join the network like rivers, and coastlines, which do not: a coastline keeps its
        row but no river flows into or out of it (order and upstream length 0). ``name``
        (or NHDPlus ``GNIS_NAME``), ``river_code`` and ``flows_into`` choose main paths.
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
        Without it: the branch that goes on as the same river (name, river code), else the
        river the one flowing in ``flows_into``, else the only named branch, else downhill
        on ``dem``, else the straightest continuation.

    Returns
    -------
    Network
        Edges in the metric CRS (after cutting at junctions), oriented with the flow;
        ``issues`` lists near misses, disconnected pieces and lines drawn
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
    gdf, part_of = _single_lines(to_metric(lines).reset_index(drop=True))
    hint = None if main_path is None else np.asarray(main_path, dtype=bool)
    if hint is not None and len(hint) != len(lines):
        raise InputError(
            code="network.main_path_length", params={"given": len(hint), "lines": len(lines)}
        )
    if hint is not None:  # one entry per input line; its parts share it
        hint = hint[part_of]
    kinds = line_kinds(gdf)
    if split_tributaries:
        gdf = _split_flowlines(gdf, kinds, snap_tolerance)
        rows = gdf["source_row"].to_numpy()
        kinds = kinds[rows]
        if hint is not None:  # one entry per input line; the pieces of a cut line share it
            hint = hint[rows]
        gdf["source_row"] = part_of[rows]  # back to the caller's rows, through the parts
    else:
        gdf["source_row"] = part_of
    flows = ~np.isin(kinds, list(NOT_FLOWING))
    geoms = list(gdf.geometry.values)
    starts = np.array([g.coords[0][:2] for g in geoms])
    ends = np.array([g.coords[-1][:2] for g in geoms])
    pts = np.vstack([starts, ends])
    node = _nodes(pts, np.concatenate([flows, flows]), snap_tolerance)
    n = len(geoms)
    a, b = node[:n], node[n:]
    node_xy = np.array([pts[node == k].mean(axis=0) for k in range(node.max() + 1)])
    identity = _identities(gdf)
    if dem is not None:
        za, zb = (
            np.array([dem(*xy) for xy in node_xy[a]]),
            np.array([dem(*xy) for xy in node_xy[b]]),
        )
        flip = za < zb
    else:
        flip = _reversed_by_topology(a, b, len(node_xy), gdf.geometry.values, identity)
    flip &= flows  # a coastline has no flow to get wrong
    src, dst = np.where(flip, b, a), np.where(flip, a, b)
    issues = _topology_issues(gdf, a, b, node_xy, near_miss, flows, snap_tolerance)
    issues += _disconnected(a, b, len(node_xy), gdf.length.to_numpy(), node_xy, flows)
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
        kind=kinds,
    )
    net.main_downstream = _main_paths(net, hint, identity, dem)
    return net


def _single_lines(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, NDArray[np.int_]]:
    """One row per single line: a multi-part river (clipped at the county boundary, a braid
    built from arcs) gives one row per part that does not chain, each keeping the river's
    attributes; the second result is the input row of each output row."""
    geoms: list[Any] = []
    part_of: list[int] = []
    for i, g in enumerate(gdf.geometry):
        if g is not None and g.geom_type == "MultiLineString":
            merged = shapely.line_merge(g)
            parts = [merged] if merged.geom_type == "LineString" else list(merged.geoms)
        else:
            parts = [g]
        parts = [p for p in parts if p is not None and not p.is_empty and p.length > 0]
        if not parts:
            raise InputError(
                code="network.empty_line", row=i + 1, field="geometry", params={"line": i + 1}
            )
        geoms += parts
        part_of += [i] * len(parts)
    rows = np.asarray(part_of, dtype=int)
    out = gdf.iloc[rows].reset_index(drop=True)
    return out.set_geometry(gpd.GeoSeries(geoms, crs=gdf.crs)), rows


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
    a: np.ndarray,
    b: np.ndarray,
    n_nodes: int,
    geoms: NDArray[Any],
    identity: pd.DataFrame | None = None,
) -> np.ndarray:
    """Which lines run against the flow, judged per connected tree.

    In a tree with one outlet, orienting every edge towards the outlet is unique. The
    outlet is the terminal node that makes the fewest lines disagree with how they were
    digitised. But a tree may have several outlets (a one-way canal from one river to
    another reaches the sea twice): when the lines as drawn already make a flow (every
    inner node has a line in and a line out) and turning them towards one outlet would
    break a river in two (a line turned head-on against the line it runs on into as drawn:
    one of the same river, or one going straight on, within :data:`STRAIGHT_ON_DEG`), the
    lines are left as drawn. Components that are not trees (diversions, braids) are left
    as drawn.
    """
    n = len(a)
    lengths = np.array([g.length for g in geoms])
    flip = np.zeros(n, dtype=bool)
    adj = coo_matrix((np.ones(n), (a, b)), shape=(n_nodes, n_nodes))
    n_comp, comp = connected_components(adj, directed=False)
    nbrs: list[list[tuple[int, int]]] = [[] for _ in range(n_nodes)]
    for e in range(n):
        nbrs[a[e]].append((e, b[e]))
        nbrs[b[e]].append((e, a[e]))
    edge_comp = comp[a]
    river = _river_keys(identity, n)
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
        if best is None or (
            _flows_as_drawn(edges, nodes, a, b, nbrs)
            and _breaks_a_river(best[1], edges, a, b, lambda e, d: _goes_on(e, d, river, geoms))
        ):
            continue
        for e in edges:
            flip[e] = best[1][e]
    return flip


def _river_keys(identity: pd.DataFrame | None, n: int) -> list[Any]:
    """Which river each line belongs to (river code, else name), None where unknown."""
    if identity is None:
        return [None] * n
    codes, names = identity["code"].to_numpy(), identity["name"].to_numpy()
    return [c if c is not None else m for c, m in zip(codes, names, strict=True)]


def _flows_as_drawn(
    edges: list[int], nodes: np.ndarray, a: np.ndarray, b: np.ndarray, nbrs: list[Any]
) -> bool:
    """Whether every inner node of the tree has a line drawn into it and one drawn out."""
    ends_in = set(b[edges].tolist())
    starts_out = set(a[edges].tolist())
    return all(v in ends_in and v in starts_out for v in nodes if len(nbrs[v]) > 1)


def _breaks_a_river(
    f: dict[int, bool],
    edges: list[int],
    a: np.ndarray,
    b: np.ndarray,
    goes_on: Callable[[int, int], bool],
) -> bool:
    """Whether flipping the lines ``f`` marks turns a line head-on against one it runs on
    into as drawn (``goes_on(e, d)``: ``e`` ends where ``d`` starts and continues it)."""
    by_start: dict[int, list[int]] = {}
    for e in edges:
        by_start.setdefault(int(a[e]), []).append(e)
    return any(
        d != e and f[e] != f[d] and goes_on(e, d)
        for e in edges
        for d in by_start.get(int(b[e]), [])
    )


def _goes_on(e: int, d: int, river: list[Any], geoms: NDArray[Any]) -> bool:
    """Whether line ``d`` continues line ``e``: the same river, or straight on."""
    if river[e] is not None and river[e] == river[d]:
        return True
    turn = _heading(geoms[d], at_end=False) - _heading(geoms[e], at_end=True)
    return bool(abs(np.degrees(np.angle(np.exp(1j * turn)))) < STRAIGHT_ON_DEG)


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
    keep: NDArray[Any],
    tol: float = 0.0,
) -> list[tuple[Any, ...]]:
    """Dangles near other lines (near misses) and crossings that have no node, among the
    flowlines (``keep``): a river ending on the coast is not a near miss of the coastline.
    A crossing within ``tol`` of a node is a junction whose end overshoots by a hair (GEOS
    says "crosses"), not a crossing."""
    out = []
    idx = np.nonzero(keep)[0]
    geoms = gdf.geometry.values[idx]
    a, b = a[idx], b[idx]
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
                    int(idx[next(iter(own))]),
                    p.x,
                    p.y,
                    f"end point {d:.1f} m from line {idx[near[0]]} without a node",
                )
            )
    left, right = tree.query(geoms, predicate="crosses")
    nodes = cKDTree(node_xy)
    for i, j in zip(left, right, strict=True):
        if i < j:
            x = geoms[i].intersection(geoms[j])
            for p in getattr(x, "geoms", [x]):
                if p.geom_type == "Point" and not nodes.query_ball_point((p.x, p.y), tol):
                    out.append(
                        (
                            "crossing_without_node",
                            int(idx[i]),
                            p.x,
                            p.y,
                            f"crosses line {idx[j]} with no node",
                        )
                    )
    return out


def _disconnected(
    a: NDArray[Any],
    b: NDArray[Any],
    n_nodes: int,
    lengths: NDArray[Any],
    node_xy: NDArray[Any],
    keep: NDArray[Any],
) -> list[tuple[Any, ...]]:
    """Every connected piece of flowlines (``keep``) but the longest, reported: a river
    that joins nothing."""
    idx = np.nonzero(keep)[0]
    a, b, lengths = a[idx], b[idx], lengths[idx]
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
                    int(idx[e]),
                    *node_xy[a[e]],
                    f"{per[c]:.0f} m of lines not connected to the main network",
                )
            )
    return out


def _main_paths(
    net: Network,
    hint: np.ndarray | None,
    identity: pd.DataFrame,
    dem: Callable[[NDArray[Any], NDArray[Any]], NDArray[Any]] | None = None,
) -> dict[int, int]:
    """At each node where the flow splits, one main path, for every line flowing in.

    The first rule that leaves one branch decides: the hinted branch (``main_path``); out of
    a loop, if the split is on one; the branch that continues the river flowing in (same
    name or river code; where several rivers flow in, the one with the most upstream
    length); the river it ``flows_into``; the only named branch; downhill on the DEM; the
    straightest continuation. One choice per node, not per inflow: two lines flowing into
    one split must not each send the main path down a different branch.

    Geometry alone cannot always tell a main channel from a diversion (on NHDPlus new_hope
    the straightest branch is the main path at about half of the unnamed splits), so a
    main-path attribute (NHDPlus ``Divergence == 1``) should be passed where it exists.
    """
    out: dict[int, int] = {}
    flipped = np.zeros(net.n, dtype=bool)
    flipped[net.reversed_edges] = True
    lines = net.lines.geometry.values
    geoms = np.array(  # each line as the water runs
        [shapely.reverse(g) if f else g for g, f in zip(lines, flipped, strict=True)], dtype=object
    )
    comp = net._component
    names, codes, into = (identity[c].to_numpy() for c in ("name", "code", "flows_into"))
    upstream: np.ndarray | None = None
    for v in range(len(net.node_xy)):
        ins, down = net._in[v], net._out[v]
        if not ins or len(down) < 2:
            continue
        if len(ins) > 1 and upstream is None:
            upstream = net.upstream_length()
        first = max(ins, key=lambda u: (upstream[u] if upstream is not None else 0.0, -u))
        # a river continuing through the split decides which river the split is on
        cont = [u for u in ins if _same_river(u, down, names, codes)]
        if cont:
            first = max(cont, key=lambda u: (upstream[u] if upstream is not None else 0.0, -u))
        cands = list(down)
        marked = [d for d in cands if hint is not None and hint[d]]
        if marked:
            main = marked[0]
        else:
            inside = {comp[u] for u in ins}
            leaving = [d for d in cands if comp[d] not in inside]
            cands = leaving if 0 < len(leaving) < len(cands) else cands
            main = _choose(first, cands, names, codes, into, geoms, dem)
        for u in ins:
            branches = [d for d in down if d != u]
            if len(branches) > 1:
                out[u] = main if main in branches else branches[0]
    return out


def _same_river(u: int, down: list[int], names: np.ndarray, codes: np.ndarray) -> bool:
    """Whether line ``u`` goes on as one of ``down`` (same river code, else same name)."""
    return any(
        (codes[u] is not None and codes[d] == codes[u])
        or (names[u] is not None and names[d] == names[u])
        for d in down
        if d != u
    )


def _choose(
    first: int,
    cands: list[int],
    names: np.ndarray,
    codes: np.ndarray,
    into: np.ndarray,
    geoms: NDArray[Any],
    dem: Callable[[NDArray[Any], NDArray[Any]], NDArray[Any]] | None,
) -> int:
    """The main branch among ``cands`` below the river ``first`` (see :func:`_main_paths`)."""
    rules = (
        lambda d: codes[first] is not None and codes[d] == codes[first],
        lambda d: names[first] is not None and names[d] == names[first],
        lambda d: into[first] is not None and codes[d] == into[first],
        lambda d: names[d] is not None,
    )
    for rule in rules:
        hits = [d for d in cands if rule(d)]
        if len(hits) == 1:
            return hits[0]
        cands = hits or cands
    if dem is not None:  # the branch lying lowest halfway along (braids rejoin: not the ends)
        mid = {
            d: shapely.get_coordinates(
                shapely.line_interpolate_point(geoms[d], 0.5, normalized=True)
            )[0]
            for d in cands
        }
        return min(cands, key=lambda d: float(dem(*mid[d])))
    h = _heading(geoms[first], at_end=True)
    return min(
        cands, key=lambda d: abs(np.angle(np.exp(1j * (_heading(geoms[d], at_end=False) - h))))
    )


def _heading(line: shapely.LineString, *, at_end: bool, span: float = 50.0) -> float:
    span = min(span, line.length)
    a, b = (line.length - span, line.length) if at_end else (0.0, span)
    p, q = line.interpolate(a), line.interpolate(b)
    return float(np.arctan2(q.y - p.y, q.x - p.x))
