"""Run a vectorised shapely function over chunks of its arrays on a few threads.

Shapely 2 releases the GIL inside GEOS, so threads share the work of one large call
without copying or pickling anything; the result equals one call over the whole arrays.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

MIN_CHUNK = 256  # below this per thread, the split costs more than it saves


def threaded(fn, *arrays, workers: int | None = None, **kwargs) -> np.ndarray:
    """``fn(*arrays, **kwargs)``, split along the first axis over ``workers`` threads.

    Parameters
    ----------
    fn : callable
        A vectorised, element-wise function (``shapely.intersection``, ``shapely.buffer``...).
    *arrays : array_like
        Equal-length arrays, split together.
    workers : int, optional
        Threads; default one per core. 1 runs ``fn`` once, on this thread.
    """
    n = len(arrays[0])
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or n < 2 * MIN_CHUNK:
        return fn(*arrays, **kwargs)
    # several chunks per thread: element costs vary (a main stem against a short brook)
    bounds = np.linspace(0, n, min(workers * 8, n // MIN_CHUNK) + 1).astype(int)
    with ThreadPoolExecutor(workers) as pool:
        parts = list(pool.map(lambda s: fn(*(a[s[0]:s[1]] for a in arrays), **kwargs),
                              zip(bounds[:-1], bounds[1:], strict=True)))
    return np.concatenate(parts)
