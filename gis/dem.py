"""Digital elevation models: D8 flow directions and catchments.

A DEM here is a north-up grid in a metric CRS, stored as ``.npz`` with arrays ``dem``
and ``mask`` and scalars ``x0``, ``y0`` (top-left corner), ``cell`` and ``epsg``, the
form ``riverchief demo`` writes. Catchments keep protection-zone land bands from
crossing a watershed divide.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

from gis._errors import InputError

# D8 neighbour offsets (row, col); index 0..7. -1 means "drains out of the county".
D8 = np.array([(-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1)])
D8_DIST = np.hypot(D8[:, 0], D8[:, 1])


@dataclass
class Grid:
    """A north-up raster: row 0 is the northern edge; x0, y0 is the top-left corner."""

    x0: float
    y0: float
    cell: float
    shape: tuple[int, int]

    def center(self, rows: ArrayLike, cols: ArrayLike) -> tuple[NDArray[Any], NDArray[Any]]:
        """(x, y) of the centres of cells (rows, cols)."""
        return self.x0 + (np.asarray(cols) + 0.5) * self.cell, self.y0 - (
            np.asarray(rows) + 0.5
        ) * self.cell

    def index(self, x: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.int_], NDArray[np.int_]]:
        """(rows, cols) of the cells holding points (x, y); may fall outside the grid."""
        return (
            np.floor((self.y0 - np.asarray(y)) / self.cell).astype(int),
            np.floor((np.asarray(x) - self.x0) / self.cell).astype(int),
        )


def d8_directions(filled: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Steepest-descent D8 direction index per cell; -1 drains out, -2 outside the mask.

    Parameters
    ----------
    filled : numpy.ndarray
        Elevations, depressions breached or filled.
    mask : numpy.ndarray of bool
        Cells inside the area.

    Returns
    -------
    numpy.ndarray of int
        Index into :data:`D8` (0 north, then clockwise to 7 north-west).

    Examples
    --------
    A bowl drains into its centre, which has no lower neighbour:

    >>> z = np.array([[3, 2, 3], [2, 1, 2], [3, 2, 3]], dtype=float)
    >>> d8_directions(z, np.ones(z.shape, dtype=bool)).tolist()
    [[3, 4, 5], [2, -1, 6], [1, 0, 7]]
    """
    ny, nx = filled.shape
    big = np.where(mask, filled, np.inf)
    padded = np.pad(big, 1, constant_values=np.inf)
    slopes = np.full((8, ny, nx), -np.inf)
    for k, (dr, dc) in enumerate(D8):
        nb = padded[1 + dr : 1 + dr + ny, 1 + dc : 1 + dc + nx]
        slopes[k] = np.where(np.isfinite(nb), (filled - nb) / D8_DIST[k], -np.inf)
    best = slopes.argmax(axis=0)
    has_lower = slopes.max(axis=0) > 0
    out = np.where(has_lower, best, -1)
    return np.where(mask, out, -2)


def downstream_index(direction: np.ndarray) -> np.ndarray:
    """Flat index of each cell's downstream cell, -1 where it drains out or is outside.

    Parameters
    ----------
    direction : numpy.ndarray of int
        From :func:`d8_directions`.

    Returns
    -------
    numpy.ndarray of int
        Flat (row-major) indices, one per cell.
    """
    ny, nx = direction.shape
    rows, cols = np.indices(direction.shape)
    k = np.clip(direction, 0, 7)
    rr, cc = rows + D8[k, 0], cols + D8[k, 1]
    flat = rr * nx + cc
    return np.where(direction >= 0, flat, -1).ravel()


@dataclass
class Dem:
    """A hydrologically conditioned DEM (depressions breached or filled) with its drainage.

    Examples
    --------
    A 3 × 3 bowl of 100 m cells (EPSG:4544): every cell drains to the centre, so the
    centre's catchment is all nine cells, and a corner's is itself:

    >>> z = np.array([[3, 2, 3], [2, 1, 2], [3, 2, 3]], dtype=float)
    >>> dem = Dem(z, np.ones(z.shape, dtype=bool), Grid(500_000, 3_350_300, 100, z.shape), 4544)
    >>> dem.catchment(500_150, 3_350_150).area, dem.catchment(500_050, 3_350_250).area
    (90000.0, 10000.0)
    """

    z: np.ndarray
    mask: np.ndarray
    grid: Grid
    epsg: int

    def __post_init__(self) -> None:
        self.down = downstream_index(d8_directions(self.z, self.mask))
        valid = self.down >= 0
        src = np.nonzero(valid)[0]
        # reverse pointers, CSR style: the cells draining into j are _ups[_start[j]:_start[j + 1]]
        self._ups = src[np.argsort(self.down[valid], kind="stable")]
        self._start = np.concatenate(
            [[0], np.cumsum(np.bincount(self.down[valid], minlength=self.z.size))]
        )

    @classmethod
    def load(cls, path: str | Path) -> Dem:
        """Read a DEM ``.npz``; InputError naming the file and the missing array otherwise.

        Parameters
        ----------
        path : str or Path
            E.g. ``gis.datasets.get_path("demo_dem")``.

        Returns
        -------
        Dem
        """
        try:
            with np.load(path) as f:
                missing = [
                    k for k in ("dem", "mask", "x0", "y0", "cell", "epsg") if k not in f.files
                ]
                if missing:
                    raise InputError(
                        code="dem.lacks", file=str(path), params={"missing": str(missing)}
                    )
                z, mask = f["dem"].astype(float), f["mask"].astype(bool)
                grid = Grid(float(f["x0"]), float(f["y0"]), float(f["cell"]), z.shape)
                epsg = int(f["epsg"])
        except (OSError, ValueError) as exc:
            raise InputError(
                code="dem.unreadable", file=str(path), params={"detail": str(exc)}
            ) from exc
        if z.shape != mask.shape:
            raise InputError(
                code="dem.shapes",
                file=str(path),
                params={"dem": str(z.shape), "mask": str(mask.shape)},
            )
        return cls(z, mask, grid, epsg)

    def catchment(self, xs: ArrayLike, ys: ArrayLike) -> shapely.Geometry:
        """Polygon of every cell draining through the cells under the points (x, y).

        Parameters
        ----------
        xs, ys : float or array
            In the DEM's CRS; points off the grid or outside the mask are ignored.

        Returns
        -------
        shapely.Geometry
            Cell squares merged; an empty Polygon when no point is on the grid.
        """
        rows, cols = self.grid.index(np.atleast_1d(xs), np.atleast_1d(ys))
        ny, nx = self.z.shape
        inside = (rows >= 0) & (rows < ny) & (cols >= 0) & (cols < nx)
        stack = [int(c) for c in (rows[inside] * nx + cols[inside]) if self.mask.flat[c]]
        seen = np.zeros(self.z.size, dtype=bool)
        seen[stack] = True
        while stack:
            c = stack.pop()
            for u in self._ups[self._start[c] : self._start[c + 1]]:
                if not seen[u]:
                    seen[u] = True
                    stack.append(int(u))
        cells = np.nonzero(seen)[0]
        if not len(cells):
            return shapely.Polygon()
        r, col = np.unravel_index(cells, self.z.shape)
        x, y = self.grid.center(r, col)
        h = self.grid.cell / 2
        return shapely.coverage_union_all(shapely.box(x - h, y - h, x + h, y + h))
