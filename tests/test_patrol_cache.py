"""Judged patrols kept beside the store (gis.patrols.persist): read back equal, made again
when the store, the tracks or the rules change, and when the kept copy is damaged; only
computed where nothing can be written."""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest
from test_patrols import _user_geoparquet

import gis.patrols
from gis._errors import StoreError
from gis.patrols.persist import cache_folder, cached_assessment
from gis.store import GeoPackageStore

POINTS = ("patrol", "seg", "x", "y", "t")


@pytest.fixture
def counted(monkeypatch):
    """Calls of the real analysis."""
    calls = []
    real = gis.patrols.assess_tracks

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(gis.patrols, "assess_tracks", spy)
    return calls


def _equal(a, b):
    for name in ("patrols", "visits", "points"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert a.rule_set == b.rule_set and a.checks == b.checks


def test_read_back_equal_and_made_again_on_any_change(demo_copy, tmp_path, counted):
    store = GeoPackageStore(demo_copy)
    tracks = tmp_path / "轨迹.parquet"
    _user_geoparquet(store, tracks)
    first, _ = cached_assessment(store, tracks=tracks, points=POINTS)
    again, net = cached_assessment(store, tracks=tracks, points=POINTS)
    assert len(counted) == 1  # the second came from beside the store
    _equal(first, again)
    assert list(again.points.columns) == list(POINTS)
    assert isinstance(again.patrols["flags"].iloc[0], list) and len(net.reaches)
    assert len(list(cache_folder(demo_copy).iterdir())) == 1

    st = tracks.stat()
    os.utime(tracks, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    cached_assessment(store, tracks=tracks, points=POINTS)
    assert len(counted) == 2  # new tracks: judged again
    store.write({"chiefs": store.read("chiefs")})
    cached_assessment(store, tracks=tracks, points=POINTS)
    assert len(counted) == 3  # a write to the store: judged again
    cached_assessment(store, tracks=tracks, points=None)
    assert len(counted) == 4  # other columns kept: another result
    assert len(list(cache_folder(demo_copy).iterdir())) == 3  # the newest and two others


def test_a_damaged_copy_is_made_again_and_nothing_written_is_only_computed(
    demo_copy, tmp_path, counted
):
    store = GeoPackageStore(demo_copy)
    tracks = tmp_path / "轨迹.parquet"
    _user_geoparquet(store, tracks)
    first, _ = cached_assessment(store, tracks=tracks, points=POINTS)
    (kept,) = cache_folder(demo_copy).iterdir()
    (kept / "points.parquet").write_bytes(b"PAR1 cut short")
    again, _ = cached_assessment(store, tracks=tracks, points=POINTS)
    assert len(counted) == 2
    _equal(first, again)

    blocked = tmp_path / "blocked"
    blocked.mkdir()
    other = blocked / "county.gpkg"
    other.write_bytes(demo_copy.read_bytes())
    cache_folder(other).parent.write_text("a file where the cache folder would be")
    store = GeoPackageStore(other)
    cached_assessment(store, tracks=tracks, points=POINTS)
    cached_assessment(store, tracks=tracks, points=POINTS)
    assert len(counted) == 4  # nothing could be kept: computed each time, no error


def test_the_points_are_read_only_when_asked_and_a_copy_carries_none(
    demo_copy, tmp_path, counted, monkeypatch
):
    import pickle

    store = GeoPackageStore(demo_copy)
    tracks = tmp_path / "轨迹.parquet"
    _user_geoparquet(store, tracks)
    first, _ = cached_assessment(store, tracks=tracks, points=POINTS)
    reads = []
    real = pd.read_parquet
    monkeypatch.setattr(pd, "read_parquet", lambda f, *a, **k: reads.append(f) or real(f, *a, **k))
    again, _ = cached_assessment(store, tracks=tracks, points=POINTS)
    assert len(counted) == 1 and len(reads) == 2  # the patrols and the visits
    copy = pickle.loads(pickle.dumps(again))  # what Streamlit's data cache does
    assert copy._points is None  # not pickled: read when asked, from the file it names
    _equal(first, again)  # the points read now
    assert len(reads) == 3
    _equal(first, copy)  # a copy reads them from the file it names
    # a folder pruned meanwhile: the original still reads (its file is held open, POSIX);
    # a copy says which file it could not read, every time it is asked
    third, _ = cached_assessment(store, tracks=tracks, points=POINTS)
    orphan = pickle.loads(pickle.dumps(third))
    shutil.rmtree(cache_folder(demo_copy))
    if os.name == "posix":
        pd.testing.assert_frame_equal(third.points, first.points)
    for _ in range(2):
        with pytest.raises(StoreError, match="points"):
            orphan.points  # noqa: B018


def test_a_fresh_judgement_is_returned_as_read_back(demo_copy, tmp_path):
    """Judged now, the result is the kept one (its points in memory): a copy of a report made
    from it carries the points file's name, not 190 MB of points."""
    import pickle

    store = GeoPackageStore(demo_copy)
    tracks = tmp_path / "轨迹.parquet"
    _user_geoparquet(store, tracks)
    a, _ = cached_assessment(store, tracks=tracks, points=POINTS)
    assert pickle.loads(pickle.dumps(a))._points is None
    assert len(a.points) and list(a.points.columns) == list(POINTS)
