"""Run a task per county store on dask.distributed, and the county stores of a run.

Counties are independent, so a city or province run is a map over county stores: a
``LocalCluster`` on this machine by default, an existing cluster with
``scheduler="tcp://HOST:PORT"``. dask schedules, re-runs the task of a worker that died and
holds each worker to its memory limit; nothing here schedules.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gis._errors import InputError
from gis._parallel import THREADS_ENV
from gis.gpkg_tx import not_a_geopackage
from gis.store import Store
from gis.store_pg import county_urls, is_postgis_url, open_data, redact

#: Workers of the default LocalCluster: this machine's two cores, one process each
#: (GEOS and numba release the GIL, but pandas glue does not).
DEFAULT_WORKERS = 2
#: Seconds to reach an existing scheduler before refusing its address.
CONNECT_TIMEOUT_S = 20
#: Progress callback: (counties done, counties in all, the county store just done).
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class County:
    """One county store of a province run, as read before any task is sent."""

    store: str
    county_code: str
    county_name: str


def county_stores(paths: Sequence[str | Path]) -> list[County]:
    """The county stores of a run: county GeoPackages, folders of them, or PostGIS databases.

    Parameters
    ----------
    paths : sequence of str or Path
        GeoPackages, folders whose ``*.gpkg`` files (not recursive) are county stores, and
        ``postgresql://`` URLs: with ``county=`` that county, without it every county the
        database holds.

    Returns
    -------
    list of County
        In the order given (a folder's files sorted by name).

    Raises
    ------
    InputError
        No store at all, a path that does not exist, a file that is not a county store,
        or two stores of the same county code (which one is right cannot be guessed).
    """
    files: list[Path | str] = []
    for given in paths:
        if is_postgis_url(given):  # a database: its one county, or every county it holds
            files += county_urls(str(given))
            continue
        p = Path(given)
        if p.is_dir():
            files += sorted(f for f in p.glob("*.gpkg") if not f.name.startswith("."))
        elif p.exists():
            files.append(p)
        else:
            raise InputError(code="province.no_path", params={"path": str(p)})
    if not files:
        shown = ", ".join(redact(str(p)) for p in paths)
        raise InputError(code="province.no_stores", params={"paths": shown})
    out: list[County] = []
    seen: dict[str, str] = {}
    for f in files:
        if isinstance(f, Path) and (why := not_a_geopackage(f)):
            raise InputError(code="cli.data_not_a_store", params={"path": str(f), "why": why})
        meta = open_data(f).meta()
        code = meta.get("county_code", "")
        if "schema_version" not in meta or not code:
            raise InputError(code="province.not_county_store", params={"path": redact(str(f))})
        if code in seen:
            raise InputError(
                code="province.duplicate_county",
                params={"code": code, "first": seen[code], "second": redact(str(f))},
            )
        seen[code] = redact(str(f))
        out.append(County(str(f), code, meta.get("county_name", "")))
    return out


def county_store(path: str) -> Store:
    """The store at ``path`` (a file or a PostGIS URL) as a worker sees it: a worker of a
    remote cluster that cannot read it must refuse it, never analyse an empty store and
    report zeros."""
    store = open_data(path)
    if not store.exists():
        raise InputError(code="province.no_path", params={"path": redact(path)})
    if not store.meta().get("county_code"):
        raise InputError(code="province.not_county_store", params={"path": redact(path)})
    return store


@contextmanager
def _no_main_script() -> Iterator[None]:
    """Worker processes start by spawning, which re-runs the parent's ``__main__`` script.
    A host that put a script of its own there (Streamlit, a notebook kernel, a test runner
    running a page) breaks every worker; tasks are module functions, so while the cluster
    runs the workers start as from an interactive interpreter, with no script to re-run."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved: dict[str, Any] = {
        k: main.__dict__[k] for k in ("__file__", "__spec__") if k in main.__dict__
    }
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


@contextmanager
def dask_client(scheduler: str | None = None, workers: int = DEFAULT_WORKERS) -> Iterator[Any]:
    """A dask client on ``scheduler``, or on a LocalCluster of ``workers`` processes."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as exc:
            raise InputError(
                code="province.no_scheduler", params={"address": scheduler, "error": str(exc)}
            ) from None
        with client:
            yield client
        return
    n = max(1, workers)
    share = max(1, (os.cpu_count() or 1) // n)  # each worker's threads: its share of the cores
    with (
        _no_main_script(),
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
            env={THREADS_ENV: str(share)},
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def run_counties(
    task: Callable[..., Any],
    stores: Sequence[str],
    *,
    scheduler: str | None = None,
    workers: int = DEFAULT_WORKERS,
    progress: Progress | None = None,
    **options: Any,
) -> list[Any]:
    """``[task(store, **options) for store in stores]``, one dask task per county.

    Parameters
    ----------
    task : callable
        Importable by the workers (a module-level function).
    stores : sequence of str
        County store paths, readable by every worker.
    scheduler : str, optional
        Address of a running dask scheduler; a LocalCluster of ``workers`` processes is
        started (and stopped) when omitted.
    workers : int
        Processes of the LocalCluster.
    progress : callable, optional
        Called as each county finishes (in the order they finish).
    **options
        Passed to ``task``.

    Returns
    -------
    list
        The results in the order of ``stores``. A task whose worker died is run again by
        dask (its ``allowed-failures``); an exception of the task itself is raised here.
    """
    from dask.distributed import as_completed

    results: list[Any] = [None] * len(stores)
    with dask_client(scheduler, workers) as client:
        futures = {
            client.submit(task, s, pure=False, key=f"county-{i}-{Path(s).stem}", **options): i
            for i, s in enumerate(stores)
        }
        for done, fut in enumerate(as_completed(futures), 1):
            i = futures[fut]
            results[i] = fut.result()
            if progress is not None:
                progress(done, len(stores), stores[i])
    return results
