"""Patrol tracks: read, clean, match to reaches, judge, and report compliance.

The usual path is :func:`analyse`: raw points (from the store or a track file) ->
:func:`~gis.patrols.clean.clean` -> :func:`~gis.patrols.assess.assess` ->
:func:`~gis.patrols.report.compliance`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from gis._errors import InputError
from gis.patrols.assess import DEFAULT_RULE_SET, FLAGS, Assessment, assess
from gis.patrols.clean import Cleaned, CleanOptions, clean
from gis.patrols.io import ImportResult, import_tracks, load_raw, offset_warnings
from gis.patrols.match import ReachIndex, build_index, match_points
from gis.patrols.network import PatrolNetwork, network_from_store
from gis.patrols.read import read_tracks
from gis.patrols.report import PatrolReport, compliance

__all__ = [
    "DEFAULT_RULE_SET",
    "FLAGS",
    "Assessment",
    "Cleaned",
    "CleanOptions",
    "ImportResult",
    "PatrolNetwork",
    "PatrolReport",
    "ReachIndex",
    "analyse",
    "assess",
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
    rule_overrides: dict | None = None,
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
    unknown = set(ov) - {"patrol_validity", "patrol_checks", "patrol_frequency"}
    if unknown:
        raise KeyError(
            f"unknown rule table(s) {sorted(unknown)}; valid: patrol_validity, patrol_checks, "
            "patrol_frequency"
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
        validity_override=ov.get("patrol_validity"),
        checks_override=ov.get("patrol_checks"),
    )
    return a, net


def analyse(
    store,
    *,
    start: dt.date,
    end: dt.date,
    rule_set: str = DEFAULT_RULE_SET,
    tracks: str | Path | None = None,
    net: PatrolNetwork | None = None,
    progress: Callable[[str], None] | None = None,
    rule_overrides: dict | None = None,
) -> tuple[PatrolReport, Assessment]:
    """Clean, match, judge and report the patrols of ``store`` (or of a ``tracks`` file).

    Parameters
    ----------
    tracks : path, optional
        A track file instead of the store's patrols (see :func:`assess_tracks`).
    rule_overrides : dict, optional
        County CSVs for ``patrol_validity``, ``patrol_checks`` and ``patrol_frequency``.
    """
    a, net = assess_tracks(
        store,
        rule_set=rule_set,
        tracks=tracks,
        net=net,
        progress=progress,
        rule_overrides=rule_overrides,
    )
    (progress or (lambda _msg: None))("compliance per chief, reach and township")
    return compliance(
        a,
        net,
        start=start,
        end=end,
        frequency_override=(rule_overrides or {}).get("patrol_frequency"),
    ), a


def _read_analysable(path: Path):
    """The raw points of a track file, refused when no point names its chief: an analysis
    has no ``--chief`` to fill in (an import does), so every point would be dropped."""
    raw, _notes = read_tracks(path)
    if raw["chief"].isna().all():
        raise InputError(
            "no point names its chief, so no patrol can be judged",
            file=str(path),
            field="chief",
            fix="add a 河长编号 (chief_id) column, or import the file with "
            "'riverchief patrols import FILE --chief ID' and analyse the store",
        )
    return raw
