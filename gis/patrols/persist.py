"""Judged patrols kept beside the store, so a restarted app (or a second command) reads them
in seconds instead of cleaning, matching and judging millions of points again.

A result is kept under a key of everything it depends on: the store's version, the track
file (path, size, modification time), the rule set and the content of the patrol rule
tables. Any change is another key, so a stale result is never read; a result that cannot
be read (half written, damaged, an older layout) is computed again, never an error. The
folder is ``.<store file name>.cache/patrols`` beside the store; where it cannot be
written, the result is only computed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow.parquet as pq

from gis import kept
from gis import rules as rules_mod
from gis._errors import StoreError
from gis.patrols.assess import DEFAULT_RULE_SET, Assessment
from gis.patrols.network import PatrolNetwork

#: Bumped when what is written changes: an older folder is then never read.
LAYOUT = "1"
FRAMES = ("patrols", "visits", "points")
#: Results of other keys kept beside the newest (a store switched back and forth)
KEEP = 2
#: A folder still being written after this long was left by a killed process
STALE_WRITE_S = 3600.0


def cache_folder(store_path: str | Path) -> Path:
    """Where the judged patrols of the store at ``store_path`` are kept."""
    return kept.cache_folder(store_path, "patrols")


def assessment_key(
    store, *, tracks: str | Path | None, rule_set: str, points: Sequence[str] | None
) -> str:
    """A name for everything the judged patrols depend on (see the module docstring)."""
    parts = [LAYOUT, str(store.version()), rule_set, ",".join(points or ["*"])]
    if tracks is not None:
        st = Path(tracks).stat()
        parts += [str(Path(tracks).resolve()), str(st.st_size), str(st.st_mtime_ns)]
    for name in ("patrol_validity", "patrol_checks"):
        table = rules_mod.load(name)
        parts.append(str(pd.util.hash_pandas_object(table, index=False).sum()))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


def is_kept(
    store,
    *,
    tracks: str | Path | None = None,
    rule_set: str = DEFAULT_RULE_SET,
    points: Sequence[str] | None = None,
    key: str | None = None,
) -> bool:
    """Whether :func:`cached_assessment` with these arguments would read, not compute (a
    home page shows patrol figures only when that is cheap); ``key``: their
    :func:`assessment_key`, when the caller has it already."""
    path = getattr(store, "path", None)
    if not path:
        return False
    key = key or assessment_key(store, tracks=tracks, rule_set=rule_set, points=points)
    return (cache_folder(path) / key / "meta.json").is_file()


def cached_assessment(  # noqa: PLR0913 -- the analysis's options and the cache's
    store,
    *,
    tracks: str | Path | None = None,
    net: PatrolNetwork | None = None,
    rule_set: str = DEFAULT_RULE_SET,
    points: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[Assessment, PatrolNetwork]:
    """:func:`gis.patrols.assess_tracks`, read from beside the store when it was made for
    the same store version, tracks and rules, else made and kept there.

    Parameters
    ----------
    store : GeoPackageStore
        A store with a ``path`` (another store is only computed).
    tracks, net, rule_set, progress
        As :func:`gis.patrols.assess_tracks` (the county's default rule tables).
    points : sequence of str, optional
        The point columns to keep (all when not given): the points are most of the bytes.

    Returns
    -------
    (Assessment, PatrolNetwork)
    """
    from gis.patrols import assess_tracks
    from gis.patrols.network import network_from_store

    path = getattr(store, "path", None)
    folder = (
        cache_folder(path) / assessment_key(store, tracks=tracks, rule_set=rule_set, points=points)
        if path
        else None
    )
    found = _read(folder) if folder is not None else None
    if found is not None:
        return found, net or network_from_store(store)
    a, net = assess_tracks(store, tracks=tracks, net=net, rule_set=rule_set, progress=progress)
    if points is not None:
        a.points = a.points[list(points)].copy()
    if folder is not None:
        _write(a, folder)
        # as it is read back: a copy (Streamlit's cache pickles reports) carries no points
        kept_a = _read(folder)
        if kept_a is not None:
            kept_a.points = a.points  # already in memory
            return kept_a, net
    return a, net


class _ReadBack(Assessment):
    """An assessment read back, its points (most of the bytes: 0.9 s and 190 MB for the demo
    quarter) read when first asked for: the county's figures and the reaches' colours do
    not need them, only a chief's tracks do. A copy (Streamlit's data cache pickles what
    its functions return) carries the file's name, not the points."""

    def __init__(self, patrols, visits, points_file: Path, rule_set: str, checks: dict):
        self._lock = threading.Lock()
        self._points: pd.DataFrame | None = None
        self._file = points_file
        # held open: a folder another process prunes meanwhile stays readable
        self._handle: BinaryIO | None = points_file.open("rb")
        super().__init__(patrols, visits, None, rule_set, checks)

    @property
    def points(self) -> pd.DataFrame:
        with self._lock:
            if self._points is None:
                handle, self._handle = self._handle, None  # used once: a retry opens the file
                try:
                    with handle or self._file.open("rb") as f:
                        self._points = pd.read_parquet(f)
                except (OSError, ValueError) as exc:  # a copy's file pruned since, damaged
                    raise StoreError(
                        code="store.read_failed",
                        params={"layer": "points", "path": str(self._file), "detail": str(exc)},
                    ) from exc
            return self._points

    @points.setter
    def points(self, value: pd.DataFrame | None) -> None:
        if value is not None and self._handle is not None:  # given: the file is not read
            self._handle.close()
            self._handle = None
        self._points = value

    def __reduce__(self):
        return _ReadBack._copy, (self.patrols, self.visits, self._file, self.rule_set, self.checks)

    @classmethod
    def _copy(cls, patrols, visits, points_file: Path, rule_set: str, checks: dict) -> _ReadBack:
        new = cls.__new__(cls)
        new._lock, new._points, new._file, new._handle = threading.Lock(), None, points_file, None
        Assessment.__init__(new, patrols, visits, None, rule_set, checks)
        return new


def _read(folder: Path) -> Assessment | None:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        frames = {n: pd.read_parquet(folder / f"{n}.parquet") for n in FRAMES if n != "points"}
        points = folder / "points.parquet"
        pq.read_metadata(points)  # whole and readable; its rows are read when needed
    except (OSError, ValueError):  # absent, half written, damaged: made again
        return None
    if meta.get("layout") != LAYOUT:
        return None
    # parquet gives lists back as arrays; the flags are lists everywhere else
    frames["patrols"]["flags"] = frames["patrols"]["flags"].map(list)
    try:
        return _ReadBack(
            frames["patrols"], frames["visits"], points, meta["rule_set"], meta["checks"]
        )
    except OSError:  # removed meanwhile
        return None


def _write(a: Assessment, folder: Path) -> None:
    """Written into a new folder that is renamed into place: a reader sees all or none."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".writing-"))
        kept.shareable(tmp)  # not mkdtemp's owner-only mode
        for n in FRAMES:
            getattr(a, n).to_parquet(tmp / f"{n}.parquet", index=False)
        meta = {"layout": LAYOUT, "rule_set": a.rule_set, "checks": a.checks}
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        try:
            os.replace(tmp, folder)
        except OSError:  # another process kept the same result first
            shutil.rmtree(tmp, ignore_errors=True)
        _prune(folder)
    except OSError:  # a read-only folder: the result is only computed
        return


def _prune(newest: Path) -> None:
    """Drop all but the newest :data:`KEEP` other results, and writes a kill left."""
    now = time.time()
    done, left = [], []
    for p in newest.parent.iterdir():
        if p == newest or not p.is_dir():
            continue
        if not p.name.startswith(".writing-"):
            done.append(p)
        elif now - p.stat().st_mtime > STALE_WRITE_S:  # not another process's write
            left.append(p)
    done.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for p in left + done[KEEP:]:
        with contextlib.suppress(OSError):
            shutil.rmtree(p)
