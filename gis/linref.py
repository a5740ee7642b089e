"""Linear referencing along rivers: chainage (桩号), K-notation, locate and extract.

Chainage is metres along a river from its source (the start of its line), measured in
the GK zone. ``K5+064`` is 5064 m.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import shapely
from shapely.geometry import Point
from shapely.ops import substring

from gis._errors import InputError
from gis.crs import to_metric

_K = re.compile(r"^\s*K\s*(\d+)\s*\+\s*(\d{1,3}(?:\.\d+)?)\s*$", re.IGNORECASE)


def format_k(metres: float, *, decimals: int = 0) -> str:
    """``5064`` → ``'K5+064'`` (``decimals`` adds metre fractions: ``'K5+064.5'``).

    Parameters
    ----------
    metres : float
        Chainage in metres from the river's source; not negative.
    decimals : int
        Decimal places of the metres.

    Returns
    -------
    str
        ``K<km>+<metres, three digits>``, as on a Chinese chainage stake (桩号).

    Raises
    ------
    ValueError
        ``metres`` is negative.

    Examples
    --------
    >>> format_k(5064), format_k(64), format_k(12000), format_k(5064.46, decimals=1)
    ('K5+064', 'K0+064', 'K12+000', 'K5+064.5')
    """
    if metres < 0:
        raise ValueError(f"chainage must not be negative, got {metres}")
    km, m = divmod(round(metres, decimals), 1000)
    width = 3 + (decimals + 1 if decimals else 0)
    return f"K{int(km)}+{m:0{width}.{decimals}f}"


def parse_k(text: str) -> float:
    """``'K5+064'`` → ``5064.0``; raises InputError naming the expected form.

    Parameters
    ----------
    text : str
        ``K<km>+<metres>``; spaces and a lower-case ``k`` are accepted, the metres must be
        below 1000.

    Returns
    -------
    float
        Metres from the river's source.

    Raises
    ------
    InputError
        ``text`` is not a chainage in K-notation.

    Examples
    --------
    >>> parse_k("K5+064"), parse_k(" k12 + 000.5 ")
    (5064.0, 12000.5)
    """
    m = _K.match(str(text))
    if not m or float(m.group(2)) >= 1000:
        raise InputError(code="chainage.invalid", params={"text": str(text)})
    return int(m.group(1)) * 1000 + float(m.group(2))


@dataclass(frozen=True)
class Location:
    """Where a point lies on the network."""

    river_code: str
    chainage_m: float
    offset_m: float  # distance from the river line

    @property
    def k(self) -> str:
        """The chainage in K-notation (:func:`format_k`).

        Returns
        -------
        str
        """
        return format_k(self.chainage_m)


class Rivers:
    """Rivers in their metric CRS, indexed for :meth:`locate` and :meth:`extract`.

    Parameters
    ----------
    rivers : GeoDataFrame
        The ``rivers`` layer (any CRS); ``key`` names the id column.

    Examples
    --------
    A river drawn 10 km due east from its source (metres in EPSG:4544):

    >>> from shapely.geometry import LineString, Point
    >>> line = LineString([(500_000, 3_350_000), (510_000, 3_350_000)])
    >>> rivers = Rivers(gpd.GeoDataFrame({"river_code": ["R1"]}, geometry=[line], crs=4544))
    >>> at = rivers.locate(Point(505_064, 3_350_030))
    >>> at.river_code, at.chainage_m, at.offset_m, at.k
    ('R1', 5064.0, 30.0, 'K5+064')
    >>> rivers.point_at("R1", parse_k("K2+500")).x
    502500.0
    >>> rivers.extract("R1", 1000, 1250).length, rivers.length("R1")
    (250.0, 10000.0)
    >>> rivers.locate(Point(505_000, 3_351_000), max_distance=500) is None
    True
    """

    def __init__(self, rivers: gpd.GeoDataFrame, *, key: str = "river_code") -> None:
        self.gdf = to_metric(rivers).set_index(key)
        self._geoms = self.gdf.geometry.values
        self._tree = shapely.STRtree(self._geoms)

    def length(self, river: str) -> float:
        """Length of ``river`` in metres; InputError for an unknown code.

        Parameters
        ----------
        river : str
            A river code.

        Returns
        -------
        float
        """
        return float(self._line(river).length)

    def locate(
        self, point: Point, *, crs: object = None, max_distance: float | None = None
    ) -> Location | None:
        """The nearest river to ``point``, the chainage there and the offset distance.

        Parameters
        ----------
        point : shapely.Point
            In ``crs`` (default: the rivers' metric CRS).
        crs : optional
            Anything ``pyproj`` reads, e.g. ``4490``.
        max_distance : float, optional
            Metres; farther rivers are not considered.

        Returns
        -------
        Location or None
            None when no river is within ``max_distance`` metres.
        """
        if crs is not None:
            point = gpd.GeoSeries([point], crs=crs).to_crs(self.gdf.crs).iloc[0]
        idx = (
            self._tree.nearest(point)
            if max_distance is None
            else self._tree.query_nearest(point, max_distance=max_distance, all_matches=False)
        )
        if max_distance is not None:
            if len(idx) == 0:
                return None
            idx = int(idx[0])
        line = self._geoms[idx]
        return Location(
            str(self.gdf.index[idx]), float(line.project(point)), float(line.distance(point))
        )

    def point_at(self, river: str, chainage_m: float) -> Point:
        """The point ``chainage_m`` metres from the source of ``river`` (metric CRS).

        Parameters
        ----------
        river : str
            A river code.
        chainage_m : float
            Metres from the source; :func:`parse_k` reads K-notation.

        Returns
        -------
        shapely.Point

        Raises
        ------
        InputError
            Unknown river, or a chainage outside it.
        """
        line = self._line(river)
        self._check(river, chainage_m, line)
        return line.interpolate(chainage_m)

    def extract(self, river: str, from_m: float, to_m: float) -> shapely.Geometry:
        """The stretch of ``river`` between two chainages (metric CRS).

        Parameters
        ----------
        river : str
            A river code.
        from_m, to_m : float
            Chainages, ``from_m`` first.

        Returns
        -------
        shapely.LineString

        Raises
        ------
        InputError
            Unknown river, ``to_m`` before ``from_m``, or a chainage outside the river.
        """
        line = self._line(river)
        if to_m < from_m:
            raise InputError(
                code="chainage.reversed", params={"from_m": from_m, "to_m": to_m, "river": river}
            )
        self._check(river, from_m, line)
        self._check(river, to_m, line)
        return substring(line, from_m, to_m)

    def _line(self, river: str) -> shapely.LineString:
        try:
            return self.gdf.geometry.loc[river]
        except KeyError:
            raise InputError(
                code="river.unknown", field="river_code", params={"river": str(river)}
            ) from None

    @staticmethod
    def _check(river: str, c: float, line: shapely.LineString) -> None:
        if not -0.01 <= c <= line.length + 0.01:
            raise InputError(
                code="chainage.outside",
                params={"at": f"{c:.1f}", "river": river, "length": f"{line.length:.1f}"},
            )
