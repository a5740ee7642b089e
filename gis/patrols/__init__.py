"""Patrol tracks: read, clean, match to reaches, judge, and report compliance.

The usual path is :func:`assess_patrols` (``gis.assess_patrols``; :func:`analyse` is its
old name, returning the report and the assessment as a pair): raw points (from the store
or a track file) ->
:func:`~gis.patrols.clean.clean` -> :func:`~gis.patrols.assess.assess` ->
:func:`~gis.patrols.report.compliance`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from gis._errors import InputError, UnknownNameError
from gis.patrols.assess import DEFAULT_RULE_SET, FLAGS, RULE_TABLES, Assessment, assess
from gis.patrols.clean import Cleaned, CleanOptions, clean
from gis.patrols.io import ImportResult, import_tracks, load_raw, offset_warnings
from gis.patrols.match import ReachIndex, build_index, match_points
from gis.patrols.network import PatrolNetwork, network_from_store
from gis.patrols.read import read_tracks
from gis.patrols.report import PatrolReport, check_period, compliance

__all__ = [
    "DEFAULT_RULE_SET",
    "FLAGS",
    "Assessment",
    "Cleaned",
    "CleanOptions",
    "ImportResult",
    "PatrolNetwork",
    "PatrolReport",
    "RULE_TABLES",
    "ReachIndex",
    "analyse",
    "assess",
    "assess_patrols",
    "assess_tracks",
    "build_index",
    "clean",
    "compliance",
    "import_tracks",
    "load_raw",
    "match_points",
    "network_from_store",
    "offset_warnings",
    "read_tracks",
]


def assess_tracks(
    store,
    *,
    rule_set: str = DEFAULT_RULE_SET,
    tracks: str | Path | None = None,
    net: PatrolNetwork | None = None,
    progress: Callable[[str], None] | None = None,
    rule_overrides: Mapping[str, Path | str] | None = None,
) -> tuple[Assessment, PatrolNetwork]:
    """Clean, match and judge every patrol of ``store`` (or of a ``tracks`` file), whatever
    its date: the part of :func:`analyse` that does not depend on the period.

    Parameters
    ----------
    tracks : path, optional
        A track file instead of the store's patrols, read by
        :func:`~gis.patrols.read.read_tracks`: GeoParquet of raw points (one row per point
        with a chief column), GPX, KML, GeoJSON, CSV or XLSX. Every point needs a chief.
    rule_overrides : dict, optional
        County CSVs for ``patrol_validity`` and ``patrol_checks`` (``patrol_frequency`` is
        used by :func:`~gis.patrols.report.compliance`).
    """
    say = progress or (lambda _msg: None)
    ov = rule_overrides or {}
    unknown = set(ov) - set(RULE_TABLES)
    if unknown:
        raise UnknownNameError(
            "rule table",
            ", ".join(sorted(unknown)),
            RULE_TABLES,
        )
    say("reading tracks")
    raw = _read_analysable(Path(tracks)) if tracks else load_raw(store)
    say(f"cleaning {len(raw):,} points")
    cleaned = clean(raw)
    del raw
    if net is None:
        say("cutting rivers into village reaches")
        net = network_from_store(store)
    say(
        f"matching {int(cleaned.points['kept'].sum()):,} points and judging "
        f"{len(cleaned.patrols):,} patrols"
    )
    a = assess(
        cleaned,
        net,
        rule_set=rule_set,
        rule_overrides=ov,
    )
    return a, net


def assess_patrols(
    store,
    *,
    start: dt.date,
    end: dt.date,
    rule_set: str = DEFAULT_RULE_SET,
    tracks: str | Path | None = None,
    net: PatrolNetwork | None = None,
    progress: Callable[[str], None] | None = None,
    rule_overrides: Mapping[str, Path | str] | None = None,
) -> PatrolReport:
    """Clean, match, judge and report the patrols of ``store`` (or of a ``tracks`` file).

    Parameters
    ----------
    store : Store
        The county store (rivers, admin units, chiefs, assignments; patrols unless
        ``tracks`` is given).
    start, end : datetime.date
        The period (Beijing dates, both included).
    rule_set : str
        The named validity rule set of ``patrol_validity`` (default ``guangzhou``).
    tracks : path, optional
        A track file instead of the store's patrols (see :func:`assess_tracks`).
    net : PatrolNetwork, optional
        The county's reaches, when already built (the app caches it).
    progress : callable, optional
        Called with a short message before each step.
    rule_overrides : mapping, optional
        Rule table name → the county's CSV replacing it: ``patrol_validity``,
        ``patrol_checks``, ``patrol_frequency``.

    Returns
    -------
    PatrolReport
        Compliance per chief, reach and township, the suspicious patrols, and the judged
        patrols as ``.assessment``; ``tables()`` and ``to_json()``.

    Examples
    --------
    The demo store holds no patrols (its simulated quarter is a track file the faces
    generate, about 15 s), so the call says what to do:

    >>> import datetime as dt
    >>> from gis import assess_patrols, datasets
    >>> from gis.store import GeoPackageStore
    >>> store = GeoPackageStore(datasets.get_path("demo"))
    >>> start, end = dt.date(2026, 7, 1), dt.date(2026, 9, 30)
    >>> assess_patrols(store, start=start, end=end)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gis._errors.InputError: ...the store has no patrols...
    >>> from gis.demo import patrols as demo  # doctest: +SKIP
    >>> report = assess_patrols(  # doctest: +SKIP
    ...     store, start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30), tracks=demo.ensure()
    ... )
    >>> sorted(report.tables())  # doctest: +SKIP
    ['by_township', 'chiefs', 'reaches', 'suspicious', 'weekly']
    """
    check_period(start, end)  # before the work, not after it
    a, net = assess_tracks(
        store,
        rule_set=rule_set,
        tracks=tracks,
        net=net,
        progress=progress,
        rule_overrides=rule_overrides,
    )
    (progress or (lambda _msg: None))("compliance per chief, reach and township")
    return compliance(a, net, start=start, end=end, rule_overrides=rule_overrides)


def analyse(store, **options: Any) -> tuple[PatrolReport, Assessment]:
    """The old name of :func:`assess_patrols` (same options): the report and its
    assessment as a pair."""
    report = assess_patrols(store, **options)
    return report, report.assessment


def _read_analysable(path: Path):
    """The raw points of a track file, refused when no point names its chief: an analysis
    has no ``--chief`` to fill in (an import does), so every point would be dropped."""
    raw, _notes = read_tracks(path)
    if raw["chief"].isna().all():
        raise InputError(code="patrols.no_chief", file=str(path), field="chief")
    return raw
