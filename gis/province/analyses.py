"""The analyses a province runs county by county: what one county's task returns, and the
verbs that run them all (``province_gaps``, ``province_zones``, ``province_patrols``,
``province_assess``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from gis._errors import RiverChiefError
from gis.coverage import ALL_LEVELS, find_gaps
from gis.crs import STORAGE_EPSG
from gis.province.report import ProvinceGaps, ProvinceReport, merge
from gis.province.run import (
    DEFAULT_WORKERS,
    County,
    Progress,
    county_store,
    county_stores,
    run_counties,
)


def _task(run: Callable[[], tuple[dict, dict[str, pd.DataFrame]]]) -> dict[str, Any]:
    """``run()``'s JSON and tables, tables in CGCS2000; a county's refusal as ``error``."""
    try:
        found, tables = run()
    except RiverChiefError as exc:  # this county's refusal is the report's finding
        return {"error": exc}
    return {
        "json": found,
        "tables": {
            k: v.to_crs(STORAGE_EPSG) if isinstance(v, gpd.GeoDataFrame) else v
            for k, v in tables.items()
        },
    }


def county_gaps(store: str, *, level: str = ALL_LEVELS) -> dict[str, Any]:
    """One county's gap analysis, as a worker runs it.

    Parameters
    ----------
    store : str
        The county GeoPackage (a path every worker can read).
    level : str
        As :func:`gis.coverage.find_gaps`.

    Returns
    -------
    dict
        ``json`` (the county's ``find_gaps(...).to_json()``) and ``tables`` (``unassigned``,
        ``by_township``); or ``error``, the refusal of this county.
    """

    def run():
        cov = find_gaps(county_store(store), level=level)
        return cov.to_json(), {"unassigned": cov.unassigned, "by_township": cov.by_township}

    return _task(run)


def county_zones(store: str, *, missing: bool = False) -> dict[str, Any]:
    """One county's protection-zone delineation, as a worker runs it.

    Parameters
    ----------
    store : str
        The county GeoPackage.
    missing : bool
        Only the sources with no official zone (as :func:`gis.zones.delineate.delineate_zones`).

    Returns
    -------
    dict
        ``json`` (the county's ``delineate_zones(...).to_json()``) and ``tables`` (``zones``,
        ``problems``); or ``error``.
    """
    from gis.zones.delineate import delineate_zones

    def run():
        d = delineate_zones(county_store(store), missing=missing)
        t = d.tables()
        return d.to_json(), {"zones": t["zones"], "problems": t["problems"]}

    return _task(run)


def county_patrols(store: str, *, start: dt.date, end: dt.date) -> dict[str, Any]:
    """One county's patrol compliance over ``start``..``end`` from the patrols it holds, as
    a worker runs it: ``json`` (``assess_patrols(...).to_json()``) and ``tables``
    (``chiefs``, ``by_township``); or ``error`` (a county without patrols is refused)."""
    from gis.patrols import assess_patrols

    def run():
        r = assess_patrols(county_store(store), start=start, end=end)
        t = r.tables()
        return r.to_json(), {"chiefs": t["chiefs"], "by_township": t["by_township"]}

    return _task(run)


def county_assess(store: str, *, start: dt.date, end: dt.date) -> dict[str, Any]:
    """One county's chiefs' scorecard over ``start``..``end``, as a worker runs it:
    ``json`` (``assess_chiefs(...).to_json()``) and ``tables`` (``chiefs``, ``by_township``);
    or ``error``."""
    from gis.assessment import assess_chiefs

    def run():
        sc = assess_chiefs(county_store(store), start=start, end=end)
        return sc.to_json(), {"chiefs": sc.chiefs, "by_township": sc.by_township}

    return _task(run)


def _province(
    task: Callable[..., dict[str, Any]],
    report: Callable[[list[County]], ProvinceReport],
    stores: Sequence[str | Path],
    scheduler: str | None,
    workers: int,
    progress: Progress | None,
    **options: Any,
) -> Any:
    counties = county_stores(stores)
    results = run_counties(
        task,
        [c.store for c in counties],
        scheduler=scheduler,
        workers=workers,
        progress=progress,
        **options,
    )
    return merge(report(counties), results)


def merge_gaps(counties: Sequence[County], results: Sequence[dict], *, level: str) -> ProvinceGaps:
    """The province gap report of the counties' :func:`county_gaps` results (in order)."""
    report = merge(ProvinceGaps("gaps", list(counties), level=level), results)
    assert isinstance(report, ProvinceGaps)
    return report


def province_gaps(
    stores: Sequence[str | Path],
    *,
    level: str = ALL_LEVELS,
    scheduler: str | None = None,
    workers: int = DEFAULT_WORKERS,
    progress: Progress | None = None,
) -> ProvinceGaps:
    """Find the gaps of every county of a city or province, one dask task per county.

    Parameters
    ----------
    stores : sequence of str or Path
        County GeoPackages, or folders of them (:func:`gis.province.run.county_stores`).
    level : str
        As :func:`gis.coverage.find_gaps`.
    scheduler : str, optional
        A running dask scheduler (``tcp://HOST:PORT``); its workers must read the same paths.
        A LocalCluster of ``workers`` processes when omitted.
    workers : int
        Processes of the LocalCluster.
    progress : callable, optional
        ``progress(done, total, store)`` as each county finishes.

    Returns
    -------
    ProvinceGaps
        Each county's result exactly as ``find_gaps`` on that county alone, the rows of every
        county together (``tables()``), the sums per level, and the counties that failed.
    """
    return _province(
        county_gaps,
        lambda cs: ProvinceGaps("gaps", cs, level=level),
        stores,
        scheduler,
        workers,
        progress,
        level=level,
    )


def province_zones(
    stores: Sequence[str | Path],
    *,
    missing: bool = False,
    scheduler: str | None = None,
    workers: int = DEFAULT_WORKERS,
    progress: Progress | None = None,
) -> ProvinceReport:
    """Propose protection zones in every county, one dask task per county.

    Parameters
    ----------
    stores : sequence of str or Path
        County GeoPackages, or folders of them.
    missing : bool
        Only the sources with no official zone.
    scheduler, workers, progress
        As :func:`province_gaps`.

    Returns
    -------
    ProvinceReport
        Each county's ``delineate_zones`` JSON as its own run gives it, every county's
        proposals and problems together, and the counties that failed.
    """
    return _province(
        county_zones,
        lambda cs: ProvinceReport("zones", cs),
        stores,
        scheduler,
        workers,
        progress,
        missing=missing,
    )


def province_patrols(
    stores: Sequence[str | Path],
    *,
    start: dt.date,
    end: dt.date,
    scheduler: str | None = None,
    workers: int = DEFAULT_WORKERS,
    progress: Progress | None = None,
) -> ProvinceReport:
    """Patrol compliance of every county from the patrols each store holds, one dask task
    per county; as :func:`province_gaps` for ``stores``, ``scheduler``, ``workers`` and
    ``progress``. A county without patrols is a failed county of the report, never a 0."""
    return _province(
        county_patrols,
        lambda cs: ProvinceReport("patrols", cs),
        stores,
        scheduler,
        workers,
        progress,
        start=start,
        end=end,
    )


def province_assess(
    stores: Sequence[str | Path],
    *,
    start: dt.date,
    end: dt.date,
    scheduler: str | None = None,
    workers: int = DEFAULT_WORKERS,
    progress: Progress | None = None,
) -> ProvinceReport:
    """The chiefs' scorecard of every county, one dask task per county; as
    :func:`province_patrols`. Each county is scored by its own rule tables and workload:
    scores are compared within a county, the merged table keeps each with its county."""
    return _province(
        county_assess,
        lambda cs: ProvinceReport("assess", cs),
        stores,
        scheduler,
        workers,
        progress,
        start=start,
        end=end,
    )
