"""Synthetic terrain and D8 hydrology for the demo county.

Pure numpy/scipy: spectral (fractal) terrain, priority-flood depression filling with an
epsilon gradient (so every cell has a strictly lower neighbour), D8 flow directions and
flow accumulation.
"""

from __future__ import annotations

import heapq

import numpy as np

from gis.dem import D8, D8_DIST, Grid, d8_directions, downstream_index  # noqa: F401  (re-exported)


def fractal_surface(
    shape: tuple[int, int], rng: np.random.Generator, *, beta: float = 2.3
) -> np.ndarray:
    """Gaussian random field with a 1/f^beta power spectrum, scaled to unit std."""
    ny, nx = shape
    fy = np.fft.fftfreq(ny)[:, None]
    fx = np.fft.fftfreq(nx)[None, :]
    f = np.hypot(fx, fy)
    f[0, 0] = 1.0
    amp = f ** (-beta / 2.0)
    amp[0, 0] = 0.0
    phase = rng.uniform(0, 2 * np.pi, shape)
    field = np.real(np.fft.ifft2(amp * np.exp(1j * phase)))
    return (field - field.mean()) / field.std()


def fill_depressions(dem: np.ndarray, mask: np.ndarray, *, eps: float = 1e-3) -> np.ndarray:
    """Priority-flood fill (Barnes et al. 2014) inside ``mask``, draining to its border.

    Cells raised by the fill get ``eps`` more than the cell that reached them, so the
    result has no flats and D8 finds a strictly lower neighbour everywhere.
    """
    ny, nx = dem.shape
    filled = dem.astype(np.float64).copy()
    done = ~mask.copy()
    heap: list[tuple[float, int, int]] = []
    # border cells: inside the mask with a 4-neighbour outside it (or on the grid edge)
    padded = np.pad(mask, 1, constant_values=False)
    inner = padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    for r, c in zip(*np.nonzero(mask & ~inner), strict=True):
        heapq.heappush(heap, (filled[r, c], int(r), int(c)))
        done[r, c] = True
    while heap:
        z, r, c = heapq.heappop(heap)
        for dr, dc in D8:
            rr, cc = r + dr, c + dc
            if 0 <= rr < ny and 0 <= cc < nx and not done[rr, cc]:
                done[rr, cc] = True
                if filled[rr, cc] <= z:
                    filled[rr, cc] = z + eps
                heapq.heappush(heap, (filled[rr, cc], rr, cc))
    return filled


def breach_depressions(dem: np.ndarray, mask: np.ndarray, *, eps: float = 1e-3) -> np.ndarray:
    """Priority-flood breaching: carve a descending path out of every pit.

    Unlike filling, this keeps the valleys of the surface (fractal terrain is full of
    pits, and filling them turns a third of it into flats with straight, unnatural
    channels). Each cell reached from a higher neighbour lowers that neighbour's chain
    of discoverers until the chain descends strictly to the border (Lindsay 2016).
    """
    ny, nx = dem.shape
    z = dem.astype(np.float64).copy()
    parent = np.full(ny * nx, -1)
    done = ~mask.copy()
    heap: list[tuple[float, int, int]] = []
    padded = np.pad(mask, 1, constant_values=False)
    inner = padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    for r, c in zip(*np.nonzero(mask & ~inner), strict=True):
        heapq.heappush(heap, (z[r, c], int(r), int(c)))
        done[r, c] = True
    flat = z.ravel()
    while heap:
        _, r, c = heapq.heappop(heap)
        i = r * nx + c
        for dr, dc in D8:
            rr, cc = r + dr, c + dc
            if 0 <= rr < ny and 0 <= cc < nx and not done[rr, cc]:
                done[rr, cc] = True
                j = rr * nx + cc
                parent[j] = i
                if flat[j] <= flat[i]:
                    # carve the discoverer chain below this cell
                    lower, k = flat[j], i
                    while k >= 0 and flat[k] >= lower - eps:
                        flat[k] = lower - eps
                        lower, k = flat[k], parent[k]
                heapq.heappush(heap, (flat[j], rr, cc))
    return z


def uncross_diagonals(direction: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Remove D8 flows that cross inside a 2x2 block (a→d with b→c, or with c→b).

    Crossing diagonals would make two rivers cross without meeting. The higher of the
    two source cells is sent into the lower one instead: an orthogonal, downhill step.
    """
    d = direction.copy()
    ny, nx = d.shape
    # index of the D8 offsets: 3 = SE, 5 = SW, 1 = NE, 7 = NW
    se, sw, ne, nw = 3, 5, 1, 7
    to_k = {(-1, 0): 0, (0, 1): 2, (1, 0): 4, (0, -1): 6}
    for r in range(ny - 1):
        for c in range(nx - 1):
            a, b, cc, dd = (r, c), (r, c + 1), (r + 1, c), (r + 1, c + 1)
            main = a if d[a] == se else dd if d[dd] == nw else None  # along the a-d diagonal
            anti = b if d[b] == sw else cc if d[cc] == ne else None  # along the b-c diagonal
            if main is None or anti is None:
                continue
            hi, lo = (main, anti) if z[main] > z[anti] else (anti, main)
            d[hi] = to_k[(lo[0] - hi[0], lo[1] - hi[1])]
    return d


def accumulation(filled: np.ndarray, down: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Number of cells draining through each cell (itself included)."""
    order = np.argsort(-filled.ravel(), kind="stable")  # high to low: upstream first
    acc = mask.ravel().astype(np.float64)
    for i in order:
        j = down[i]
        if j >= 0 and acc[i] > 0:
            acc[j] += acc[i]
    return acc.reshape(filled.shape)


def hillshade(
    dem: np.ndarray, cell: float, *, azimuth: float = 315.0, altitude: float = 45.0
) -> np.ndarray:
    """Classic hillshade in 0..1."""
    gy, gx = np.gradient(dem, cell)
    slope = np.arctan(np.hypot(gx, gy))
    aspect = np.arctan2(-gx, gy)
    az, alt = np.radians(360.0 - azimuth + 90.0), np.radians(altitude)
    shade = np.sin(alt) * np.cos(slope) + np.cos(alt) * np.sin(slope) * np.cos(az - aspect)
    return np.clip(shade, 0, 1)
