"""Distances along the channel: walk a river network up or down from a point.

Protection zones and sand-mining rules measure along the river, not in a straight line:
"1000 m upstream of the intake, every tributary included". A walk returns the stretches
it covers as ``(edge, a, b)`` pieces, where ``a`` and ``b`` are metres along the edge in
the direction of flow, and the places it had to stop early (a source, the end of the
network, the county border).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point
from shapely.ops import substring

from gis._errors import InputError
from gis.network import Network


@dataclass(frozen=True)
class Spot:
    """A point on the network: edge, metres along it in the flow direction, offset."""

    edge: int
    at_m: float
    offset_m: float


@dataclass
class Walk:
    """Stretches covered by a walk, and where it stopped short of the distance asked."""

    pieces: list[tuple[int, float, float]] = field(default_factory=list)
    stops: list[dict[str, Any]] = field(default_factory=list)

    @property
    def length_m(self) -> float:
        """Total length of the pieces, in metres."""
        return float(sum(b - a for _, a, b in self.pieces))


class Channel:
    """A :class:`~gis.network.Network` made walkable: locate points, walk, measure.

    Parameters
    ----------
    net : Network
        The river network (metric CRS).
    border : shapely geometry, optional
        The county outline in the same CRS. A walk that runs off the network within
        ``border_tolerance`` metres of it is recorded as stopped at the county border.
    border_tolerance : float
        Metres; see ``border``.

    Examples
    --------
    Streams A and B (1414.2 m each) join and flow on as C (2 km), metres in EPSG:4544;
    an intake stands 20 m beside C, 500 m below the junction:

    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> from gis.network import build_network
    >>> lines = gpd.GeoDataFrame({"river_code": ["A", "B", "C"]}, geometry=[
    ...     LineString([(500_000, 3_351_000), (501_000, 3_350_000)]),
    ...     LineString([(500_000, 3_349_000), (501_000, 3_350_000)]),
    ...     LineString([(501_000, 3_350_000), (503_000, 3_350_000)])], crs=4544)
    >>> channel = Channel(build_network(lines))
    >>> intake = channel.locate(Point(501_500, 3_350_020), tolerance=50)
    >>> intake
    Spot(edge=2, at_m=500.0, offset_m=20.0)

    1000 m upstream is 500 m of C and the last 500 m of both A and B:

    >>> up = channel.upstream(intake, start_m=0, end_m=1000)
    >>> [(e, round(float(a), 1), round(float(b), 1)) for e, a, b in up.pieces]
    [(2, 0.0, 500.0), (1, 914.2, 1414.2), (0, 914.2, 1414.2)]
    >>> up.length_m
    1500.0

    3000 m downstream runs out at the end of the network after 1500 m:

    >>> down = channel.downstream(intake, start_m=0, end_m=3000)
    >>> down.length_m, down.stops[0]["kind"], down.stops[0]["walked_m"]
    (1500.0, 'network_end', 1500.0)

    Halfway down A (707.1 m from its source) the intake is 707.1 + 500 m downstream;
    A and B are not on one path:

    >>> on_a = channel.locate(Point(500_500, 3_350_500), tolerance=50)
    >>> on_b = channel.locate(Point(500_500, 3_349_500), tolerance=50)
    >>> round(float(channel.offset(on_a, intake)), 1), channel.offset(on_a, on_b) is None
    (1207.1, True)
    """

    def __init__(
        self,
        net: Network,
        *,
        border: shapely.Geometry | None = None,
        border_tolerance: float = 200.0,
    ) -> None:
        self.net = net
        self.geoms = net.lines.geometry.values
        self.lengths = np.array([g.length for g in self.geoms])
        self.flipped = np.zeros(net.n, dtype=bool)
        self.flipped[net.reversed_edges] = True
        self.tree = shapely.STRtree(self.geoms)
        self.border = None if border is None else border.boundary
        self.border_tolerance = border_tolerance
        self._by_key: dict[str, dict[str, np.ndarray]] = {}

    # --- locating ---------------------------------------------------------------------
    def locate(
        self,
        point: Point,
        *,
        tolerance: float,
        river: str | None = None,
        key: str = "river_code",
        what: str = "point",
    ) -> Spot:
        """The network spot nearest ``point``; InputError if none is within ``tolerance`` m.

        ``river`` restricts the search to the edges whose ``key`` column equals it, so a
        point near a confluence lands on its own river rather than the tributary.

        Parameters
        ----------
        point : shapely.Point
            In the network's CRS.
        tolerance : float
            Metres.
        river : str, optional
            Only the edges of this river.
        key : str
            The column of the network's lines that ``river`` refers to.
        what : str
            The point's name in the error (``"intake W001"``).

        Returns
        -------
        Spot

        Raises
        ------
        InputError
            No river (or not ``river``) within ``tolerance``.
        """
        cands = (
            self._edges_of(key).get(str(river), np.array([], dtype=int))
            if river is not None
            else ()
        )
        if len(cands):
            dist = shapely.distance(self.geoms[cands], point)
            e, near = int(cands[dist.argmin()]), float(dist.min())
        else:
            hit = self.tree.query_nearest(point, max_distance=tolerance, all_matches=False)
            e = int(hit[0]) if len(hit) else int(self.tree.nearest(point))
            near = float(self.geoms[e].distance(point))
        if near > tolerance:
            on = f"river {river}" if len(cands) else "the nearest river"
            raise InputError(
                code="channel.too_far",
                field="geometry",
                params={
                    "what": what,
                    "distance": f"{near:.0f}",
                    "on": on,
                    "tolerance": f"{tolerance:.0f}",
                },
            )
        g = self.geoms[e]
        along = g.project(point)
        return Spot(e, self._flow(e, along), float(g.distance(point)))

    def _edges_of(self, key: str) -> dict[str, np.ndarray]:
        """Edge ids per value of column ``key``, built once (a province has 10^5 edges)."""
        if key not in self._by_key:
            col = (
                self.net.lines[key].astype(str)
                if key in self.net.lines.columns
                else pd.Series(dtype=str)
            )
            self._by_key[key] = {
                k: v.to_numpy()
                for k, v in pd.Series(np.arange(len(col)), index=col.to_numpy()).groupby(level=0)
            }
        return self._by_key[key]

    def _flow(self, e: int, along_geometry: float) -> float:
        """Metres in the flow direction from metres along the drawn line."""
        return float(self.lengths[e] - along_geometry) if self.flipped[e] else float(along_geometry)

    # --- walking ----------------------------------------------------------------------
    def upstream(self, spot: Spot, *, start_m: float, end_m: float) -> Walk:
        """The channel between ``start_m`` and ``end_m`` upstream of ``spot``, into every
        tributary that joins within that distance.

        Parameters
        ----------
        spot : Spot
            From :meth:`locate`.
        start_m, end_m : float
            The band, in metres along the channel from ``spot``.

        Returns
        -------
        Walk
            Pieces in flow-direction metres, and a ``source`` stop wherever a headwater
            ends before ``end_m``.
        """
        walk = Walk()
        todo = [(spot.edge, spot.at_m, 0.0)]  # edge, position on it, distance walked to there
        while todo:
            e, p, d = todo.pop()
            a, b = max(0.0, p - (end_m - d)), min(p, p - (start_m - d))
            if b > a:
                walk.pieces.append((e, a, b))
            if p - (end_m - d) < 0:
                ups = self.net.upstream(e)
                if not ups:
                    walk.stops.append(self._stop(self.net.src[e], "source", e, d + p, end_m))
                todo.extend((u, self.lengths[u], d + p) for u in ups)
        return walk

    def downstream(self, spot: Spot, *, start_m: float, end_m: float) -> Walk:
        """The channel between ``start_m`` and ``end_m`` downstream of ``spot`` (every branch
        at a split: water goes both ways).

        Parameters
        ----------
        spot : Spot
            From :meth:`locate`.
        start_m, end_m : float
            The band, in metres along the channel from ``spot``.

        Returns
        -------
        Walk
            Pieces in flow-direction metres, and a ``network_end`` (or ``county_border``)
            stop where the network ends before ``end_m``.
        """
        walk = Walk()
        todo = [(spot.edge, spot.at_m, 0.0)]
        while todo:
            e, p, d = todo.pop()
            length = self.lengths[e]
            a, b = max(p, p + (start_m - d)), min(length, p + (end_m - d))
            if b > a:
                walk.pieces.append((e, a, b))
            if p + (end_m - d) > length:
                downs = self.net.downstream(e)
                if not downs:
                    walk.stops.append(
                        self._stop(self.net.dst[e], "network_end", e, d + length - p, end_m)
                    )
                todo.extend((n, 0.0, d + length - p) for n in downs)
        return walk

    def _stop(
        self, node: int, kind: str, edge: int, walked: float, wanted: float
    ) -> dict[str, Any]:
        x, y = self.net.node_xy[node]
        if self.border is not None and self.border.distance(Point(x, y)) <= self.border_tolerance:
            kind = "county_border"
        return {
            "kind": kind,
            "edge": int(edge),
            "x": float(x),
            "y": float(y),
            "walked_m": round(float(walked), 1),
            "wanted_m": float(wanted),
        }

    # --- measuring --------------------------------------------------------------------
    def offset(self, a: Spot, b: Spot) -> float | None:
        """Metres along the channel from ``a`` down to ``b``; negative when ``b`` lies
        upstream of ``a``; None when neither is downstream of the other.

        Parameters
        ----------
        a, b : Spot

        Returns
        -------
        float or None
            Along the main path (:meth:`Network.next_downstream`).
        """
        for src, dst, sign in ((a, b, 1.0), (b, a, -1.0)):
            walked, p = 0.0, src.at_m
            e: int | None = src.edge
            seen = set()
            while e is not None and e not in seen:
                if e == dst.edge and dst.at_m >= p:
                    return sign * (walked + dst.at_m - p)
                seen.add(e)
                walked += self.lengths[e] - p
                e, p = self.net.next_downstream(e), 0.0
        return None

    def geometry(self, pieces: list[tuple[int, float, float]]) -> shapely.Geometry:
        """The stretches of ``pieces`` as one (Multi)LineString in the network's CRS.

        Parameters
        ----------
        pieces : iterable of (int, float, float)
            ``(edge, a, b)`` in flow-direction metres, as a :class:`Walk` holds them.

        Returns
        -------
        shapely.Geometry
            An empty GeometryCollection for no pieces.
        """
        parts = []
        for e, a, b in pieces:
            if self.flipped[e]:
                a, b = self.lengths[e] - b, self.lengths[e] - a
            parts.append(substring(self.geoms[e], a, b))
        return shapely.union_all(parts) if parts else shapely.GeometryCollection()
