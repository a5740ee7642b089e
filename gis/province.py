"""Province runs: one analysis over many county stores, one dask task per county.

Counties are independent, so a city or province office runs an analysis as a map over its
county stores on dask.distributed: a ``LocalCluster`` on this machine by default, an existing
cluster with ``scheduler="tcp://HOST:PORT"``. dask schedules, re-runs the task of a worker
that died and holds each worker to its memory limit; this module picks what one county's task
returns and merges the results into one report, each county's part exactly what the county's
own run gives.

A county whose store is refused (no store, not a county store, an analysis refusal) is a
finding of the report (``failed``), never dropped: the province sums then say they are
incomplete.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from gis._errors import InputError, RiverChiefError
from gis.coverage import ALL_LEVELS, LEVELS, find_gaps
from gis.crs import STORAGE_EPSG
from gis.gpkg_tx import not_a_geopackage
from gis.reports import records
from gis.store import GeoPackageStore

#: Workers of the default LocalCluster: this machine's two cores, one process each
#: (GEOS and numba release the GIL, but pandas glue does not).
DEFAULT_WORKERS = 2
#: Seconds to reach an existing scheduler before refusing its address.
CONNECT_TIMEOUT_S = 20
#: Columns of :attr:`ProvinceGaps.failed`.
FAILED_COLUMNS = ["store", "county_code", "county_name", "code", "reason"]
#: Progress callback: (counties done, counties in all, the county store just done).
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class County:
    """One county store of a province run, as read before any task is sent."""

    store: str
    county_code: str
    county_name: str


def county_stores(paths: Sequence[str | Path]) -> list[County]:
    """The county stores of a run: each path a county GeoPackage or a folder of them.

    Parameters
    ----------
    paths : sequence of str or Path
        GeoPackages, or folders whose ``*.gpkg`` files (not recursive) are county stores.

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
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.glob("*.gpkg") if not f.name.startswith("."))
        elif p.exists():
            files.append(p)
        else:
            raise InputError(code="province.no_path", params={"path": str(p)})
    if not files:
        raise InputError(code="province.no_stores", params={"paths": ", ".join(map(str, paths))})
    out: list[County] = []
    seen: dict[str, str] = {}
    for f in files:
        if why := not_a_geopackage(f):
            raise InputError(code="cli.data_not_a_store", params={"path": str(f), "why": why})
        meta = GeoPackageStore(f).meta()
        code = meta.get("county_code", "")
        if "schema_version" not in meta or not code:
            raise InputError(code="province.not_county_store", params={"path": str(f)})
        if code in seen:
            raise InputError(
                code="province.duplicate_county",
                params={"code": code, "first": seen[code], "second": str(f)},
            )
        seen[code] = str(f)
        out.append(County(str(f), code, meta.get("county_name", "")))
    return out


def county_gaps(store: str, *, level: str = ALL_LEVELS) -> dict[str, Any]:
    """One county's gap analysis, as a worker runs it: what the province report keeps.

    Parameters
    ----------
    store : str
        The county GeoPackage (a path every worker can read).
    level : str
        As :func:`gis.coverage.find_gaps`.

    Returns
    -------
    dict
        ``json`` (the county's ``find_gaps(...).to_json()``), ``unassigned`` (a GeoDataFrame
        in CGCS2000) and ``by_township``; or ``error``, the refusal of this county.
    """
    try:
        cov = find_gaps(_county_store(store), level=level)
    except RiverChiefError as exc:  # this county's refusal is the report's finding
        return {"error": exc}
    return {
        "json": cov.to_json(),
        "unassigned": cov.unassigned.to_crs(STORAGE_EPSG),
        "by_township": cov.by_township,
    }


def _county_store(path: str) -> GeoPackageStore:
    """The store at ``path`` as a worker sees it: a worker of a remote cluster that cannot
    read the file must refuse it, never analyse an empty store and report zeros."""
    store = GeoPackageStore(path)
    if not store.exists():
        raise InputError(code="province.no_path", params={"path": path})
    if not store.meta().get("county_code"):
        raise InputError(code="province.not_county_store", params={"path": path})
    return store


@contextmanager
def _client(scheduler: str | None, workers: int) -> Iterator[Any]:
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
    with (
        LocalCluster(
            n_workers=max(1, workers),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
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
    with _client(scheduler, workers) as client:
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


@dataclass
class ProvinceGaps:
    """The gap analysis of many counties: each county's own result, and their sums."""

    level: str
    counties: list[County]
    #: Each analysed county's ``find_gaps(...).to_json()``, by county code.
    county_json: dict[str, dict] = field(default_factory=dict)
    unassigned: gpd.GeoDataFrame = field(default_factory=gpd.GeoDataFrame)
    by_township: pd.DataFrame = field(default_factory=pd.DataFrame)
    failed: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FAILED_COLUMNS))

    @property
    def complete(self) -> bool:
        """Every county analysed."""
        return self.failed.empty

    def unassigned_length_m_by_level(self) -> dict[str, float | None]:
        """The counties' unassigned metres summed per level; ``None`` where any county did
        not check that level (or failed): a province sum is never a partial sum."""
        by = [j["unassigned_length_m_by_level"] for j in self.county_json.values()]
        out: dict[str, float | None] = {}
        for lv in LEVELS:
            values = [b.get(lv) for b in by]
            if any(lv in b for b in by):
                known = self.complete and all(v is not None for v in values)
                out[lv] = round(sum(v or 0.0 for v in values), 1) if known else None
        return out

    def _summary(self, c: County) -> dict[str, Any]:
        j = self.county_json[c.county_code]
        counts = {k: len(v) for k, v in j.items() if isinstance(v, list) and k != "by_township"}
        return {
            "county_code": c.county_code,
            "county_name": c.county_name,
            "store": c.store,
            "unassigned_length_m_by_level": j["unassigned_length_m_by_level"],
            "findings": counts,
            "not_checked": j["not_checked"],
        }

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        """``{"counties": [...], "unassigned_length_m_by_level": {...}, "failed": [...],
        "complete": bool, "level": str}``; failures in ``lang``."""
        failed = self.failed.assign(
            reason=[e.message(lang) for e in self.failed.get("error", [])]
        ).drop(columns="error", errors="ignore")
        return {
            "level": self.level,
            "counties": [
                self._summary(c) for c in self.counties if c.county_code in self.county_json
            ],
            "unassigned_length_m_by_level": self.unassigned_length_m_by_level(),
            "failed": records(failed[FAILED_COLUMNS]),
            "complete": self.complete,
        }

    def tables(self, lang: str = "en") -> dict[str, pd.DataFrame]:
        """One table per county and the counties' rows together, each row with its county."""
        counties = pd.DataFrame(
            [
                {
                    "county_code": c.county_code,
                    "county_name": c.county_name,
                    **{
                        f"unassigned_m_{lv}": m
                        for lv, m in self.county_json[c.county_code][
                            "unassigned_length_m_by_level"
                        ].items()
                    },
                }
                for c in self.counties
                if c.county_code in self.county_json
            ]
        )
        return {
            "counties": counties,
            "unassigned": self.unassigned,
            "by_township": self.by_township,
            "failed": pd.DataFrame(self.to_json(lang)["failed"], columns=FAILED_COLUMNS),
        }


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
        County GeoPackages, or folders of them (:func:`county_stores`).
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
        Each county's result exactly as ``find_gaps`` on that county alone, their sums, and
        the counties that failed.
    """
    counties = county_stores(stores)
    results = run_counties(
        county_gaps,
        [c.store for c in counties],
        scheduler=scheduler,
        workers=workers,
        progress=progress,
        level=level,
    )
    return merge_gaps(counties, results, level=level)


def merge_gaps(counties: Sequence[County], results: Sequence[dict], *, level: str) -> ProvinceGaps:
    """The province report of the counties' :func:`county_gaps` results (in their order)."""
    report = ProvinceGaps(level=level, counties=list(counties))
    failed, unassigned, towns = [], [], []
    for c, r in zip(counties, results, strict=True):
        if "error" in r:
            e = r["error"]
            failed.append({**c.__dict__, "code": e.code, "reason": str(e), "error": e})
            continue
        report.county_json[c.county_code] = r["json"]
        unassigned.append(r["unassigned"].assign(county_code=c.county_code))
        towns.append(r["by_township"].assign(county_code=c.county_code))
    if unassigned:
        report.unassigned = gpd.GeoDataFrame(
            pd.concat(unassigned, ignore_index=True), crs=STORAGE_EPSG
        )
        report.by_township = pd.concat(towns, ignore_index=True)
    if failed:
        report.failed = pd.DataFrame(failed)
    return report
