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
    """``5064`` → ``'K5+064'`` (``decimals`` adds metre fractions: ``'K5+064.5'``)."""
    if metres < 0:
        raise ValueError(f"chainage must not be negative, got {metres}")
    km, m = divmod(round(metres, decimals), 1000)
    width = 3 + (decimals + 1 if decimals else 0)
    return f"K{int(km)}+{m:0{width}.{decimals}f}"


def parse_k(text: str) -> float:
    """``'K5+064'`` → ``5064.0``; raises InputError naming the expected form."""
    m = _K.match(str(text))
    if not m or float(m.group(2)) >= 1000:
        raise InputError(
            f"'{text}' is not a chainage in K-notation", fix="write it like K5+064 (5 km + 64 m)"
        )
    return int(m.group(1)) * 1000 + float(m.group(2))


@dataclass(frozen=True)
class Location:
    """Where a point lies on the network."""

    river_code: str
    chainage_m: float
    offset_m: float  # distance from the river line

    @property
    def k(self) -> str:
        return format_k(self.chainage_m)


class Rivers:
    """Rivers in their metric CRS, indexed for :meth:`locate` and :meth:`extract`.

    Parameters
    ----------
    rivers : GeoDataFrame
        The ``rivers`` layer (any CRS); ``key`` names the id column.
    """

    def __init__(self, rivers: gpd.GeoDataFrame, *, key: str = "river_code") -> None:
        self.gdf = to_metric(rivers).set_index(key)
        self._geoms = self.gdf.geometry.values
        self._tree = shapely.STRtree(self._geoms)

    def length(self, river: str) -> float:
        return float(self._line(river).length)

    def locate(
        self, point: Point, *, crs: object = None, max_distance: float | None = None
    ) -> Location | None:
        """The nearest river to ``point``, the chainage there and the offset distance.

        ``point`` is a shapely Point in ``crs`` (default: the rivers' metric CRS).
        Returns None when no river is within ``max_distance`` metres.
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
        line = self._line(river)
        self._check(river, chainage_m, line)
        return line.interpolate(chainage_m)

    def extract(self, river: str, from_m: float, to_m: float) -> shapely.Geometry:
        """The stretch of ``river`` between two chainages (metric CRS)."""
        line = self._line(river)
        if to_m < from_m:
            raise InputError(
                f"from {from_m} m is after to {to_m} m on river {river}", fix="swap them"
            )
        self._check(river, from_m, line)
        self._check(river, to_m, line)
        return substring(line, from_m, to_m)

    def _line(self, river: str) -> shapely.LineString:
        try:
            return self.gdf.geometry.loc[river]
        except KeyError:
            raise InputError(
                f"no river with code '{river}'",
                field="river_code",
                fix="use a code from the rivers layer (riverchief layers rivers)",
            ) from None

    @staticmethod
    def _check(river: str, c: float, line: shapely.LineString) -> None:
        if not -0.01 <= c <= line.length + 0.01:
            raise InputError(
                f"chainage {c:.1f} m is outside river {river} (0 to {line.length:.1f} m)",
                fix="check the chainage origin: it is the river's source",
            )
