"""Run a function over partitions on a few threads.

Shapely 2 releases the GIL inside GEOS and the compiled kernels release it too, so
threads share one partitioned job without copying or pickling anything; the results,
concatenated in partition order, equal one call over the whole.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


#: Threads per process when a call names none (a dask worker of a province run sets it to
#: its own share of the cores, so that processes do not each take every core).
THREADS_ENV = "RIVERCHIEF_THREADS"


def worker_count(workers: int | None) -> int:
    """``workers``, or ``$RIVERCHIEF_THREADS``, or one per core when it is None.

    Parameters
    ----------
    workers : int or None

    Returns
    -------
    int
        At least 1.
    """
    if workers is None and os.environ.get(THREADS_ENV, "").isdigit():
        workers = int(os.environ[THREADS_ENV])
    return max(1, workers or os.cpu_count() or 1)


def map_threads(fn: Callable[[T], R], items: Sequence[T], workers: int | None = None) -> list[R]:
    """``[fn(x) for x in items]`` on ``workers`` threads (default one per core), in order.

    Parameters
    ----------
    fn : callable
        Called once per item; should release the GIL (GEOS, numba) to gain anything.
    items : sequence
        The partitions.
    workers : int, optional
        Threads; one per core by default, never more than ``len(items)``.

    Returns
    -------
    list
        The results in the order of ``items``.

    Examples
    --------
    >>> map_threads(lambda part: sum(part), [range(0, 5), range(5, 10)], workers=2)
    [10, 35]
    """
    n = worker_count(workers)
    if n == 1 or len(items) <= 1:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(min(n, len(items))) as pool:
        return list(pool.map(fn, items))
