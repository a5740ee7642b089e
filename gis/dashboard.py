"""The county's key figures for the home page, each with the page that explains it.

River length inside the county, coverage and unassigned length per chief level
(:func:`~gis.coverage.find_gaps`), patrol compliance (:mod:`gis.patrols`), open quarry
violations (:func:`~gis.quarries.check_quarries`) and water sources without an official
zone (:func:`~gis.zones.query.sources_without_zone`). A figure that could not be computed
is ``None`` with a status and the reason, never 0: a level with no polygons is not full
coverage, a store without patrols is not 0 % compliance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from gis.coverage import find_gaps
from gis.kept import kept_json
from gis.network import rivers_only
from gis.patrols import assess_tracks, compliance
from gis.patrols.assess import Assessment
from gis.patrols.clean import LOCAL_TZ
from gis.patrols.network import PatrolNetwork
from gis.quarries import check_quarries
from gis.reaches import county_reaches
from gis.reports import strict
from gis.store import Store
from gis.zones.query import sources_without_zone

#: Why a figure is or is not a number; the faces word each one (``dashboard.status_<s>``).
STATUSES = ("ok", "not_checked", "no_patrols", "not_computed", "no_data")

#: Each figure's key -> the app page (its ``url_path``) that shows the rows behind it.
PAGES = {
    "river_length_km": "jurisdiction",
    "coverage_pct": "gaps",
    "unassigned_km": "gaps",
    "patrol_compliance_pct": "patrols",
    "quarry_violations": "quarries",
    "sources_without_zone": "zones",
}

#: Months of the period patrol compliance is judged over: the latest calendar quarter with
#: patrols (the longest rule period, a county chief's, is a quarter).
PERIOD_MONTHS = 3


@dataclass(frozen=True)
class Figure:
    """One key figure: ``value`` (``None`` unless ``status`` is ``"ok"``), its unit, the
    chief ``level`` it is of (per-level figures), the app page that explains it, why it is
    missing (``reason``, English, as ``find_gaps``' ``not_checked``) and what it counts
    (``detail``: the numerator and denominator, the period, the date)."""

    key: str
    value: float | int | None
    unit: str
    page: str
    level: str | None = None
    status: str = "ok"
    reason: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Dashboard:
    """The figures in the order shown, and the date quarries were judged at."""

    as_of: str
    figures: list[Figure]

    def get(self, key: str, level: str | None = None) -> Figure:
        """The figure ``key`` (of ``level`` for a per-level figure)."""
        for f in self.figures:
            if f.key == key and f.level == level:
                return f
        raise KeyError(f"{key} {level or ''}".strip())

    def with_figure(self, figure: Figure) -> Dashboard:
        """A copy with ``figure`` in place of the figure of its key and level."""
        swap = [
            figure if (f.key, f.level) == (figure.key, figure.level) else f for f in self.figures
        ]
        return Dashboard(self.as_of, swap)

    def tables(self) -> dict[str, pd.DataFrame]:
        """One table ``figures``: key, level, value, unit, status, reason, page."""
        cols = ["key", "level", "value", "unit", "status", "reason", "page"]
        return {
            "figures": pd.DataFrame(
                [{c: getattr(f, c) for c in cols} for f in self.figures], columns=cols
            )
        }

    def to_json(self) -> dict[str, Any]:
        """The stable JSON of ``riverchief dashboard --json`` (strict: no NaN)."""
        return strict({"as_of": self.as_of, "figures": [asdict(f) for f in self.figures]})

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Dashboard:
        """The dashboard :meth:`to_json` wrote (``KeyError``/``TypeError`` on another)."""
        return cls(str(data["as_of"]), [Figure(**f) for f in data["figures"]])


def county_figures(
    store: Store,
    *,
    as_of: str | dt.date | None = None,
    tracks: str | Path | None = None,
    assessed: tuple[Assessment, PatrolNetwork] | None = None,
    patrols: bool = True,
) -> Dashboard:
    """The county's key figures for a home page, from ``store``.

    Parameters
    ----------
    store : Store
        The county store.
    as_of : str or date, optional
        The day quarries are judged at and patrols are counted up to (default: the
        store's ``as_of``, else today), as :func:`~gis.quarries.check_quarries` reads it.
    tracks : path, optional
        A track file to judge instead of the store's imported patrols.
    assessed : (Assessment, PatrolNetwork), optional
        Patrols already judged (:func:`~gis.patrols.assess_tracks`; the app keeps one):
        only the compliance over the period is computed.
    patrols : bool
        ``False``: do not judge patrols (that takes minutes for a quarter of a county's
        tracks); the figure is ``None`` with status ``not_computed``.

    Returns
    -------
    Dashboard
        The figures; ``tables()`` and ``to_json()``. Coverage is the share of the reach
        length at a level held by an assignment: the unassigned reaches, the boundary
        reaches whose two sides have not agreed on a chief and the holes in the assigned
        chainage are not covered.

    Examples
    --------
    >>> from gis import datasets
    >>> from gis.store import GeoPackageStore
    >>> d = county_figures(GeoPackageStore(datasets.get_path("demo")))
    >>> d.get("quarry_violations").value, d.get("quarry_violations").page
    (14, 'quarries')
    >>> d.get("patrol_compliance_pct").status  # the demo store holds no imported patrols
    'no_patrols'
    """
    quarries = check_quarries(store, as_of=as_of)
    day = dt.date.fromisoformat(quarries.as_of)
    figures = [_river_length(store), *_coverage(store)]
    if not patrols:
        figures.append(_missing_patrols("not_computed", "not computed: patrols not assessed"))
    else:
        figures.append(patrol_figure(store, day=day, tracks=tracks, assessed=assessed))
    figures += [_quarry_violations(quarries), _sources_without_zone(store)]
    return Dashboard(quarries.as_of, figures)


def kept_figures(store: Store) -> Dashboard:
    """``county_figures(store, patrols=False)``, kept beside the store for the day
    (:func:`gis.kept.kept_json`): a restarted app reads them instead of computing them.

    Examples
    --------
    >>> from gis import datasets
    >>> from gis.store import GeoPackageStore
    >>> kept_figures(GeoPackageStore(datasets.get_path("demo"))).get("quarry_violations").value
    14
    """
    return kept_json(
        store,
        "dashboard",
        [dt.date.today().isoformat()],  # no as_of in the store: judged at today
        lambda: county_figures(store, patrols=False).to_json(),
        check=Dashboard.from_json,
    )


def kept_patrol_figure(
    store: Store,
    *,
    day: dt.date,
    key: str,
    assessed: Callable[[], tuple[Assessment, PatrolNetwork]],
) -> Figure:
    """:func:`patrol_figure` for patrols judged under ``key`` (the judged patrols' own key,
    :func:`gis.patrols.persist.assessment_key`), kept beside the store: ``assessed`` is
    called only when it is not (reading judged patrols back takes seconds)."""
    return kept_json(
        store,
        "patrol_figure",
        [key, day.isoformat()],
        lambda: strict(asdict(patrol_figure(store, day=day, assessed=assessed()))),
        check=lambda d: Figure(**d),
    )


def _river_length(store: Store) -> Figure:
    admin, rivers = store.read("admin_units"), rivers_only(store.read("rivers"))
    key = "river_length_km"
    if not (admin["level"] == "county").any():
        return Figure(
            key,
            None,
            "km",
            PAGES[key],
            status="not_checked",
            reason="not checked: no county boundary in the store",
        )
    if rivers.empty:  # no rivers imported is not a county without rivers
        return Figure(
            key, None, "km", PAGES[key], status="no_data", reason="no rivers in the store"
        )
    metres = float(county_reaches(rivers, admin)["length_m"].sum())
    return Figure(key, round(metres / 1000, 1), "km", PAGES[key], detail={"rivers": len(rivers)})


def _coverage(store: Store) -> list[Figure]:
    """Coverage % and unassigned km per level, the levels ``find_gaps`` reports."""
    cov = find_gaps(store)
    unassigned = cov.unassigned_length_m_by_level()
    why = dict(zip(cov.not_checked["level"], cov.not_checked["reason"], strict=True))
    no_rivers = rivers_only(store.read("rivers")).empty
    total = _by_level(cov.reaches)
    open_m = (
        _by_level(cov.unassigned)
        .add(_by_level(cov.boundary_reaches_unagreed), fill_value=0)
        .add(_by_level(cov.holes), fill_value=0)
    )
    pct: list[Figure] = []
    km: list[Figure] = []
    for lv in unassigned:
        whole = float(total.get(lv, 0.0))
        if lv in why or whole <= 0:  # not checked, or no reach there: no figure, never 0
            if no_rivers:  # nothing to check: not a missing boundary
                status, reason = "no_data", "no rivers in the county store"
            elif lv in why:
                status, reason = "not_checked", why[lv]
            else:
                status = "no_data"
                reason = f"no {lv} reaches: no river of the store needs a {lv} chief"
            for key, unit, out in (("coverage_pct", "%", pct), ("unassigned_km", "km", km)):
                out.append(Figure(key, None, unit, PAGES[key], lv, status=status, reason=reason))
            continue
        metres = unassigned[lv]
        assert metres is not None  # find_gaps(store) is asked for every level
        km.append(
            Figure("unassigned_km", round(metres / 1000, 2), "km", PAGES["unassigned_km"], lv)
        )
        held = whole - float(open_m.get(lv, 0.0))
        detail = {"covered_km": round(held / 1000, 2), "total_km": round(whole / 1000, 2)}
        pct.append(
            Figure(
                "coverage_pct",
                round(100 * held / whole, 1),
                "%",
                PAGES["coverage_pct"],
                lv,
                detail=detail,
            )
        )
    return pct + km


def _by_level(df: pd.DataFrame) -> pd.Series:
    if df.empty or "length_m" not in df:
        return pd.Series(dtype=float)
    return df.groupby("level")["length_m"].sum().astype(float)


def _missing_patrols(status: str, reason: str) -> Figure:
    key = "patrol_compliance_pct"
    return Figure(key, None, "%", PAGES[key], status=status, reason=reason)


def patrol_figure(
    store: Store,
    *,
    day: dt.date,
    tracks: str | Path | None = None,
    assessed: tuple[Assessment, PatrolNetwork] | None = None,
) -> Figure:
    """Patrol compliance alone: the share of chiefs with an assignment who met the
    ``patrol_frequency`` rule over :func:`latest_period` (options as :func:`county_figures`;
    ``day`` is its ``as_of``). The app adds it once the patrols page has judged the tracks.
    """
    if assessed is None:
        if tracks is None and "patrol_points" not in store.layers():
            return _missing_patrols("no_patrols", "no patrols imported")
        assessed = assess_tracks(store, tracks=tracks)
    a, net = assessed
    period = latest_period(a.patrols["start"], day)
    if period is None:
        return _missing_patrols("no_patrols", f"no dated patrols on or before {day}")
    report = compliance(a, net, start=period[0], end=period[1])
    chiefs = report.chiefs
    if chiefs.empty:
        return _missing_patrols("no_data", "no chief holds an assignment")
    done = int(chiefs["compliant"].sum())
    return Figure(
        "patrol_compliance_pct",
        round(100 * done / len(chiefs), 1),
        "%",
        PAGES["patrol_compliance_pct"],
        detail={
            "compliant": done,
            "chiefs": len(chiefs),
            "from": period[0].isoformat(),
            "to": period[1].isoformat(),
        },
    )


def latest_period(starts: pd.Series, day: dt.date) -> tuple[dt.date, dt.date] | None:
    """The period patrol compliance is judged over: the latest calendar quarter holding a
    patrol that started on or before ``day`` (Beijing dates), in whole months, from the
    month of its first patrol to the month of its last (a quarter still under way, or
    tracks that start mid-quarter, are not judged for months without data), cut at
    ``day``. ``None`` when no patrol is dated by then.

    Examples
    --------
    >>> starts = pd.Series(pd.to_datetime(["2026-05-20T09:00+08:00", "2026-08-03T09:00+08:00",
    ...                                    "2026-09-29T09:00+08:00"]))
    >>> latest_period(starts, dt.date(2026, 10, 1))
    (datetime.date(2026, 8, 1), datetime.date(2026, 9, 30))
    >>> latest_period(starts, dt.date(2026, 6, 10))
    (datetime.date(2026, 5, 1), datetime.date(2026, 5, 31))
    """
    dates = [d for d in starts.dt.tz_convert(LOCAL_TZ).dt.date.dropna() if d <= day]
    if not dates:
        return None
    last = max(dates)
    q_start = dt.date(last.year, (last.month - 1) // PERIOD_MONTHS * PERIOD_MONTHS + 1, 1)
    first = min(d for d in dates if d >= q_start)
    month_after = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first.replace(day=1), min(month_after - dt.timedelta(days=1), day)


def _quarry_violations(report) -> Figure:
    key = "quarry_violations"
    if report.quarries.empty:
        return Figure(
            key, None, "count", PAGES[key], status="no_data", reason="no quarries in the store"
        )
    summary = report.summary()
    return Figure(
        key,
        len(report.violations()),
        "count",
        PAGES[key],
        detail={
            "quarries": summary["quarries"],
            "quarries_with_violations": summary["quarries_with_violations"],
            "as_of": report.as_of,
        },
    )


def _sources_without_zone(store: Store) -> Figure:
    key = "sources_without_zone"
    sources = store.read("water_sources")
    if sources.empty:
        return Figure(
            key, None, "count", PAGES[key], status="no_data", reason="no water sources in the store"
        )
    missing = sources_without_zone(store)
    return Figure(
        key,
        len(missing),
        "count",
        PAGES[key],
        detail={"sources": len(sources), "with_proposal": int(missing["has_proposal"].sum())},
    )


__all__ = [
    "PAGES",
    "STATUSES",
    "Dashboard",
    "Figure",
    "county_figures",
    "latest_period",
    "patrol_figure",
]
