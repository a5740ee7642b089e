"""Transactional store writes: QGIS holding the file in WAL mode, concurrent importers,
kill -9 at random points, a full disk, and user files that must never be overwritten."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import Point, box

from gis import cli, gpkg_tx
from gis._errors import StoreError
from gis.io.importer import import_file
from gis.store import GeoPackageStore, MemoryStore

FORK = multiprocessing.get_context("fork")  # a forked child starts in milliseconds, imports loaded
DEMO_SOURCES = 72  # water sources in the shipped demo store


def _sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _sources_csv(path: Path, prefix: str, n: int, lon0: float = 105.2) -> Path:
    """``n`` valid water sources with codes ``<prefix>0000``..., on a line east of ``lon0``."""
    pd.DataFrame(
        {
            "source_code": [f"{prefix}{i:04d}" for i in range(n)],
            "名称": [f"水厂{i}" for i in range(n)],
            "source_type": ["river"] * n,
            "population_served": [100] * n,
            "has_official_zone": ["否"] * n,
            "经度": [lon0 + i * 1e-5 for i in range(n)],
            "纬度": [30.3] * n,
        }
    ).to_csv(path, index=False)
    return path


def _points(codes: list[str], xy: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"source_code": codes, "name": codes, "source_type": ["river"] * len(codes)},
        geometry=[Point(x, y) for x, y in xy],
        crs=4490,
    )


def _state(path: Path, tables=("water_sources", "chiefs", "meta")) -> str:
    """A checksum of the rows of ``tables`` (fids included); opening rolls back a hot journal."""
    h = hashlib.sha256()
    conn = sqlite3.connect(path)
    try:
        for t in tables:
            for row in conn.execute(f'SELECT * FROM "{t}" ORDER BY 1'):
                h.update(repr(row).encode())
    finally:
        conn.close()
    return h.hexdigest()


def assert_well_formed(path: Path, layer: str) -> gpd.GeoDataFrame:
    """What ogrinfo and QGIS rely on: integrity, unique fids, the feature count, an rtree
    entry with the right box for every feature, and a bbox read (which uses the rtree)."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        fids = [r[0] for r in conn.execute(f'SELECT fid FROM "{layer}"')]
        assert len(fids) == len(set(fids))
        count = conn.execute(
            "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = ?", (layer,)
        ).fetchone()[0]
        assert count == len(fids)
        assert conn.execute(f"SELECT rtreecheck('rtree_{layer}_geom')").fetchone()[0] == "ok"
        rtree = {
            r[0]: r[1:]
            for r in conn.execute(f'SELECT id, minx, maxx, miny, maxy FROM "rtree_{layer}_geom"')
        }
    finally:
        conn.close()
    assert layer in [name for name, _ in pyogrio.list_layers(path)]
    assert pyogrio.read_info(path, layer=layer)["features"] == len(fids)
    df = pyogrio.read_dataframe(path, layer=layer, fid_as_index=True)
    assert sorted(df.index) == sorted(fids) == sorted(rtree)
    for fid, geom in df.geometry.items():
        minx, miny, maxx, maxy = geom.bounds
        assert rtree[fid] == pytest.approx(
            (minx, maxx, miny, maxy), abs=1e-4
        )  # rtree boxes are float32
    window = (105.19, 30.25, 105.2015, 30.35)
    want = set(df.index[df.geometry.intersects(box(*window))])
    got = pyogrio.read_dataframe(path, layer=layer, bbox=window, fid_as_index=True)
    assert set(got.index) == want
    return df


# --- the Store interface, shared by the file and the memory store ------------------------


@pytest.fixture(params=["gpkg", "memory"])
def any_store(request, tmp_path, demo_path):
    sources = GeoPackageStore(demo_path).read("water_sources")
    chiefs = GeoPackageStore(demo_path).read("chiefs").iloc[:5]
    if request.param == "memory":
        return MemoryStore({"water_sources": sources, "chiefs": chiefs})
    s = GeoPackageStore(tmp_path / "s.gpkg")
    s.write({"water_sources": sources, "chiefs": chiefs})
    return s


def test_mode_per_layer_replaces_one_and_appends_another_in_one_write(any_store):
    chiefs = any_store.read("chiefs")
    any_store.write(
        {"water_sources": _points(["R1"], [(105.3, 30.3)]), "chiefs": chiefs.iloc[:2]},
        mode={"water_sources": "replace", "chiefs": "append"},
    )
    assert list(any_store.read("water_sources")["source_code"]) == ["R1"]
    assert list(any_store.read("chiefs")["chief_id"]) == list(chiefs["chief_id"]) + list(
        chiefs["chief_id"][:2]
    )


@pytest.mark.parametrize(
    "mode",
    [{"water_sources": "replace"}, {"water_sources": "replace", "chiefs": "merge"}, "upsert"],
)
def test_modes_must_be_known_and_name_every_table(any_store, mode):
    before = len(any_store.read("chiefs"))
    with pytest.raises(StoreError, match="Fix:"):
        any_store.write(
            {"water_sources": _points(["R1"], [(105.3, 30.3)]), "chiefs": any_store.read("chiefs")},
            mode=mode,
        )
    assert (
        len(any_store.read("chiefs")) == before
        and len(any_store.read("water_sources")) == DEMO_SOURCES
    )


def test_version_changes_with_every_write(any_store):
    seen = {any_store.version()}
    for _ in range(3):
        any_store.write({"water_sources": _points(["R1"], [(105.3, 30.3)])}, mode="append")
        seen.add(any_store.version())
    assert len(seen) == 4


# --- the GeoPackage itself stays what GDAL and QGIS expect --------------------------------


def test_append_and_replace_keep_fids_feature_count_and_rtree_right(demo_copy):
    s = GeoPackageStore(demo_copy)
    old = s.read("water_sources")
    new = _points(["N1", "N2", "N3"], [(105.195, 30.3), (105.2, 30.31), (105.5, 30.5)]).assign(
        extra="x"
    )
    s.write({"water_sources": new}, mode="append")
    df = assert_well_formed(demo_copy, "water_sources")
    assert len(df) == DEMO_SOURCES + 3
    assert (
        list(df["source_code"][-3:]) == ["N1", "N2", "N3"]
        and df.index[-3:].min() > old.shape[0] - 1
    )
    assert (
        df["extra"].isna().sum() == DEMO_SOURCES
    )  # the new column exists, old rows hold nothing in it
    got = set(s.read("water_sources", bbox=(105.19, 30.29, 105.201, 30.32))["source_code"])
    assert {"N1", "N2"} <= got and "N3" not in got
    s.write({"water_sources": new.iloc[:2]}, mode="replace")
    df = assert_well_formed(demo_copy, "water_sources")
    assert list(df["source_code"]) == ["N1", "N2"] and "extra" in df.columns
    admin = s.read("admin_units")
    s.write(
        {"admin_units": admin.iloc[:40]}, mode="append"
    )  # polygons: envelopes in the blob header
    assert len(assert_well_formed(demo_copy, "admin_units")) == len(admin) + 40
    assert pyogrio.read_info(demo_copy, layer="admin_units")["features"] == len(admin) + 40


@pytest.mark.parametrize("n", [3, 500], ids=["few-into-many", "many-into-few"])
@pytest.mark.parametrize("numbered", ["now", "before-another-writer"])
def test_append_indexes_every_row_whichever_tree_is_bigger(demo_copy, monkeypatch, n, numbered):
    """The batch is numbered from the layer's next fid; when another writer appended in
    between, the transaction renumbers it (and its index) instead."""
    if numbered == "before-another-writer":
        real = GeoPackageStore._next_fids
        monkeypatch.setattr(
            GeoPackageStore,
            "_next_fids",
            lambda self, target, names: {k: v - 7 for k, v in real(self, target, names).items()},
        )
    xy = [(105.195 + i * 1e-5, 30.3) for i in range(n)]
    GeoPackageStore(demo_copy).write(
        {"water_sources": _points([f"A{i}" for i in range(n)], xy)}, mode="append"
    )
    df = assert_well_formed(demo_copy, "water_sources")
    assert len(df) == DEMO_SOURCES + n and list(df["source_code"][-n:]) == [
        f"A{i}" for i in range(n)
    ]
    assert df.index[-n:].min() == df.index[:DEMO_SOURCES].max() + 1  # new fids follow the old ones


def test_a_failure_inside_the_transaction_rolls_every_layer_back(demo_copy, monkeypatch):
    s = GeoPackageStore(demo_copy)
    before = _sha(demo_copy)

    def fail(conn, table, **_):  # both layers have been copied into the file when this runs
        raise sqlite3.OperationalError("simulated failure after the layers were written")

    monkeypatch.setattr(gpkg_tx, "_merge_meta", fail)
    with pytest.raises(StoreError, match="the store is unchanged: simulated"):
        s.write(
            {
                "water_sources": _points(["T1"], [(105.2, 30.3)]),
                "chiefs": s.read("chiefs").iloc[:3],
            },
            mode={"water_sources": "append", "chiefs": "replace"},
        )
    assert _sha(demo_copy) == before
    assert sorted(p.name for p in demo_copy.parent.iterdir()) == [demo_copy.name]


PROBE = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)
try:
    conn.execute("BEGIN IMMEDIATE")
    print("got the write lock")
except sqlite3.OperationalError as exc:
    print(exc)
"""


def test_a_read_in_another_thread_waits_and_never_drops_the_write_lock(demo_copy, monkeypatch):
    """GDAL and sqlite3 carry their own SQLite: a GDAL read closing the file would drop the
    write transaction's POSIX lock (sqlite.org/howtocorrupt.html 2.2.1), letting another
    process write at the same time."""
    import threading

    s = GeoPackageStore(demo_copy)
    done, seen = threading.Event(), {}
    real = gpkg_tx._merge_meta

    def inside_the_transaction(conn, table, **kw):
        reader = threading.Thread(target=lambda: (seen.update(n=len(s.read("chiefs"))), done.set()))
        reader.start()
        seen["read_during_write"] = done.wait(0.5)
        probe = subprocess.run(
            [sys.executable, "-c", PROBE, str(demo_copy)], capture_output=True, text=True
        )
        seen["probe"] = probe.stdout.strip()
        real(conn, table, **kw)

    monkeypatch.setattr(gpkg_tx, "_merge_meta", inside_the_transaction)
    s.write({"chiefs": s.read("chiefs").iloc[:3]}, mode="append")
    assert done.wait(30) and seen["n"] == 2137 + 3  # the read ran after the commit
    assert seen["read_during_write"] is False and seen["probe"] == "database is locked"


def test_a_new_store_is_created_whole_with_revision_one(tmp_path):
    s = GeoPackageStore(tmp_path / "new" / "s.gpkg")
    s.write({"water_sources": _points(["A"], [(105.2, 30.3)])}, meta={"county_code": "512099"})
    assert_well_formed(s.path, "water_sources")
    assert s.meta()["revision"] == "1" and s.meta()["county_code"] == "512099"
    assert sorted(p.name for p in s.path.parent.iterdir()) == ["s.gpkg"]


# --- QGIS: the file open in WAL mode, read and written by another program -----------------

QGIS_LIKE = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
assert conn.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
# stays in the -wal file
conn.execute("INSERT INTO chiefs (chief_id, name) VALUES ('QGIS1', '编辑')")
conn.execute("BEGIN")
n = conn.execute("SELECT count(*) FROM water_sources").fetchone()[0]  # a read transaction held open
print("ready", n, flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
print(conn.execute("SELECT count(*) FROM water_sources").fetchone()[0],
      conn.execute("PRAGMA integrity_check").fetchone()[0], flush=True)
sys.stdin.readline()
"""


def _qgis_like(path: Path, script: str = QGIS_LIKE) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_import_while_a_wal_reader_and_writer_hold_the_file(tmp_path, demo_copy):
    editor = _qgis_like(demo_copy)
    try:
        assert editor.stdout.readline().split() == ["ready", str(DEMO_SOURCES)]
        rep = import_file(
            _sources_csv(tmp_path / "s.csv", "W", 30), "water_sources", data=demo_copy
        )
        assert rep.accepted == 30
        editor.stdin.write("\n")
        editor.stdin.flush()
        assert editor.stdout.readline().split() == [
            str(DEMO_SOURCES + 30),
            "ok",
        ]  # the editor sees the import
    finally:
        editor.communicate("\n", timeout=30)
    conn = sqlite3.connect(demo_copy)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # left as the editor set it
    conn.close()
    assert len(assert_well_formed(demo_copy, "water_sources")) == DEMO_SOURCES + 30
    assert "QGIS1" in set(
        GeoPackageStore(demo_copy).read("chiefs")["chief_id"]
    )  # the editor's row survived


def test_version_moves_when_the_write_sits_in_the_wal(demo_copy):
    conn = sqlite3.connect(demo_copy)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "SELECT count(*) FROM chiefs"
    ).fetchone()  # held open: no checkpoint on close of others
    s = GeoPackageStore(demo_copy)
    before, mtime = s.version(), demo_copy.stat().st_mtime_ns
    s.write({"water_sources": _points(["V1"], [(105.2, 30.3)])}, mode="append")
    assert demo_copy.stat().st_mtime_ns == mtime  # the main file did not move ...
    assert s.version() != before  # ... the version did
    conn.close()


HOLDER = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute(f"PRAGMA journal_mode={sys.argv[2]}")
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO chiefs (chief_id, name) VALUES ('HOLD', '占用')")
print("ready", flush=True)
sys.stdin.readline()
conn.execute(sys.argv[3])
"""


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_writer_holding_the_file_past_the_timeout_gets_a_clear_error(demo_copy, journal):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(demo_copy), journal, "ROLLBACK"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match=r"locked by another program .*Fix: .*QGIS"):
            GeoPackageStore(demo_copy, timeout=0.5).write(
                {"water_sources": _points(["L1"], [(105.2, 30.3)])}, mode="append"
            )
    finally:
        holder.communicate("\n", timeout=30)
    assert len(assert_well_formed(demo_copy, "water_sources")) == DEMO_SOURCES
    assert sorted(p.name for p in demo_copy.parent.iterdir() if ".batch" in p.name) == []


def test_an_import_waits_for_an_editors_write_and_both_land(tmp_path, demo_copy):
    import threading

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(demo_copy), "wal", "COMMIT"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    reports = []
    try:
        assert holder.stdout.readline().strip() == "ready"  # the editor holds the write lock
        csv = _sources_csv(tmp_path / "s.csv", "E", 10)
        importer = threading.Thread(
            target=lambda: reports.append(import_file(csv, "water_sources", data=demo_copy))
        )
        importer.start()
        time.sleep(0.5)  # the import is now waiting for the lock (busy timeout: 30 s)
    finally:
        holder.communicate("\n", timeout=30)  # the editor commits its row
    importer.join(60)
    assert reports and reports[0].written
    assert len(assert_well_formed(demo_copy, "water_sources")) == DEMO_SOURCES + 10
    assert "HOLD" in set(GeoPackageStore(demo_copy).read("chiefs")["chief_id"])


# --- concurrent importers ------------------------------------------------------------------


def _import_into(csv: Path, data: Path, marks=None) -> None:
    """Child process: import ``csv``; ``marks`` gets the monotonic times the transaction
    started and ended."""
    if marks is not None:
        merge = gpkg_tx.merge

        def timed(*args, **kwargs):
            marks[0] = time.monotonic()
            merge(*args, **kwargs)
            marks[1] = time.monotonic()

        gpkg_tx.merge = timed
    rep = import_file(csv, "water_sources", data=data)
    os._exit(0 if rep.accepted and rep.written else 3)


def test_ten_concurrent_importers_all_land(tmp_path, demo_copy):
    csvs = [
        _sources_csv(tmp_path / f"{k}.csv", f"C{k}_", 20, lon0=105.2 + k * 0.01) for k in range(10)
    ]
    before = int(GeoPackageStore(demo_copy).meta().get("revision", 0))
    procs = [FORK.Process(target=_import_into, args=(c, demo_copy)) for c in csvs]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * 10
    df = assert_well_formed(demo_copy, "water_sources")
    assert len(df) == DEMO_SOURCES + 200
    assert {f"C{k}_{i:04d}" for k in range(10) for i in range(20)} <= set(df["source_code"])
    # one revision per import, none lost (the demo's own build may already count one)
    assert GeoPackageStore(demo_copy).meta()["revision"] == str(before + 10)


# --- kill -9 at random points --------------------------------------------------------------


@pytest.mark.parametrize(
    "journal, runs", [("delete", 50), ("wal", 16)]
)  # wal: as QGIS leaves the file
def test_kill_9_at_random_points_leaves_the_old_or_the_new_state(
    tmp_path, demo_path, journal, runs
):
    csv = _sources_csv(tmp_path / "k.csv", "K", 2000)
    start = tmp_path / "start.gpkg"
    shutil.copy(demo_path, start)
    conn = sqlite3.connect(start)
    assert conn.execute(f"PRAGMA journal_mode={journal}").fetchone()[0] == journal
    conn.close()
    old = _state(start)
    size = start.stat().st_size

    def run(folder: Path, delay: float | None, marks=None, in_tx: bool = False) -> Path:
        """Import into a fresh copy; kill the child ``delay`` s after it started (or, with
        ``in_tx``, after its transaction began)."""
        folder.mkdir()
        path = folder / "county.gpkg"
        shutil.copy(start, path)
        p = FORK.Process(target=_import_into, args=(csv, path, marks))
        p.start()
        if delay is not None:
            while in_tx and marks[0] == 0 and p.is_alive():
                time.sleep(0.0005)
            time.sleep(delay)
            os.kill(p.pid, signal.SIGKILL)
        p.join(60)
        return path

    # no lock: a child killed while holding the array's lock would leave it held for good
    # (the parent then waited forever on its next write); two doubles need none
    marks = FORK.Array("d", 2, lock=False)
    t0 = time.monotonic()
    new = _state(run(tmp_path / "full", None, marks))
    whole, tx = time.monotonic() - t0, marks[1] - marks[0]
    assert new != old and 0 < tx < whole
    rng = random.Random(12)
    # half anywhere in the run, half inside the transaction (a short part of the run)
    half = runs // 2
    plan = [(rng.uniform(0, whole), False) for _ in range(half)] + [
        (rng.uniform(0, tx), True) for _ in range(half)
    ]
    outcomes, hot, batches = [], 0, 0
    for i, (delay, in_tx) in enumerate(plan):
        marks[0] = marks[1] = 0
        path = run(tmp_path / f"k{i}", delay, marks, in_tx)
        hot += (
            Path(f"{path}-journal").exists() or Path(f"{path}-wal").exists()
        )  # killed in the transaction
        batches += any(path.parent.glob(".*.batch"))  # killed before the batch folder was removed
        state = _state(path)  # opens the file: a hot journal is rolled back here
        assert state in (old, new), i
        outcomes.append(state == new)
        assert_well_formed(path, "water_sources")
        left = [f for f in path.parent.rglob("*") if f.is_file() and f != path]
        assert sum(f.stat().st_size for f in left) < size / 4, left  # never a store-sized copy
    print(
        f"kill -9 ({journal}): {sum(outcomes)} of {runs} runs ended in the new state, "
        f"{runs - sum(outcomes)} "
        f"in the old; {hot} left a hot journal or WAL, {batches} a batch folder"
    )


def _create_store(path: Path, n: int) -> None:
    GeoPackageStore(path).write(
        {
            "water_sources": _points(
                [f"N{i}" for i in range(n)], [(105.2 + i * 1e-5, 30.3) for i in range(n)]
            )
        }
    )
    os._exit(0)


def test_kill_9_while_creating_a_store_leaves_no_store_or_the_whole_one(tmp_path):
    def run(folder: Path, delay: float | None) -> Path:
        folder.mkdir()
        p = FORK.Process(target=_create_store, args=(folder / "county.gpkg", 3000))
        p.start()
        if delay is not None:
            time.sleep(delay)
            os.kill(p.pid, signal.SIGKILL)
        p.join(60)
        return folder / "county.gpkg"

    t0 = time.monotonic()
    new = _state(run(tmp_path / "full", None), tables=("water_sources",))
    whole = time.monotonic() - t0
    rng = random.Random(7)
    for i in range(12):
        path = run(tmp_path / f"c{i}", rng.uniform(0, whole))
        if path.exists():  # the name appears only when the file is complete
            assert _state(path, tables=("water_sources",)) == new
            assert len(assert_well_formed(path, "water_sources")) == 3000


def test_batches_of_killed_writers_are_removed_and_live_ones_kept(tmp_path, monkeypatch):
    import fcntl

    s = GeoPackageStore(tmp_path / "s.gpkg")
    s.write({"water_sources": _points(["A"], [(105.2, 30.3)])})
    stale, live = tmp_path / ".s.gpkg.dead.batch", tmp_path / ".s.gpkg.live.batch"
    for d in (stale, live):
        d.mkdir()
        (d / "batch.gpkg").write_bytes(b"x" * 1000)
        os.utime(d, (time.time() - 3600, time.time() - 3600))
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a writer still running
    try:
        s.write({"water_sources": _points(["B"], [(105.2, 30.3)])}, mode="append")
        assert not stale.exists() and live.exists()
    finally:
        os.close(fd)
    assert list(s.read("water_sources")["source_code"]) == ["A", "B"]


# --- a full disk ---------------------------------------------------------------------------


@pytest.fixture()
def small_disk(tmp_path):
    """A mount point for a tmpfs whose size the test chooses (root only)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    mounted = []

    def mount(size: int) -> Path:
        r = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)], capture_output=True
        )
        if r.returncode:
            pytest.skip(f"mounting a tmpfs is not permitted here: {r.stderr.decode().strip()}")
        mounted.append(mnt)
        return mnt

    yield mount
    for m in mounted:
        subprocess.run(["umount", str(m)], check=False)


@pytest.mark.parametrize("room", [0.3, 1.5], ids=["batch-does-not-fit", "transaction-does-not-fit"])
def test_full_disk_fails_clearly_and_leaves_the_store_unchanged(
    tmp_path, demo_path, small_disk, room
):
    n = 6000
    batch = _points([f"F{i}" for i in range(n)], [(105.2 + i * 1e-6, 30.3) for i in range(n)])
    probe = tmp_path / "probe.gpkg"
    GeoPackageStore(probe).write({"water_sources": batch})
    mnt = small_disk(demo_path.stat().st_size + int(room * probe.stat().st_size))
    path = mnt / "county.gpkg"
    shutil.copy(demo_path, path)
    before = _sha(path)
    with pytest.raises(StoreError, match=r"disk is full.*Fix: free space") as err:
        GeoPackageStore(path).write({"water_sources": batch}, mode="append")
    in_transaction = isinstance(
        err.value.__cause__, sqlite3.OperationalError
    )  # not GDAL's batch write
    assert in_transaction == (room > 1)
    assert _sha(path) == before
    assert sorted(p.name for p in mnt.iterdir()) == ["county.gpkg"]
    assert len(assert_well_formed(path, "water_sources")) == DEMO_SOURCES


# --- user files are never overwritten ------------------------------------------------------


def test_a_symlinked_store_stays_a_symlink_and_a_hard_link_stays_shared(tmp_path, demo_path):
    real = tmp_path / "real" / "county.gpkg"
    real.parent.mkdir()
    shutil.copy(demo_path, real)
    link = tmp_path / "link.gpkg"
    link.symlink_to(real)
    hard = tmp_path / "hard.gpkg"
    os.link(real, hard)
    GeoPackageStore(link).write({"water_sources": _points(["S1"], [(105.2, 30.3)])}, mode="append")
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert os.path.samefile(real, hard)
    assert "S1" in set(GeoPackageStore(hard).read("water_sources")["source_code"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hard.gpkg", "link.gpkg", "real"]


def test_the_library_never_writes_into_a_file_that_is_not_a_geopackage(tmp_path):
    for name, content in [("user.csv", b"a,b\n1,2\n"), ("empty.gpkg", b""), ("other.sqlite", None)]:
        path = tmp_path / name
        if content is None:
            sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
        else:
            path.write_bytes(content)
        before = _sha(path)
        with pytest.raises(StoreError, match=r"not a county store .*unchanged.*Fix:"):
            GeoPackageStore(path).write({"water_sources": _points(["A"], [(105.2, 30.3)])})
        assert _sha(path) == before


@pytest.mark.parametrize(
    "argv",
    [
        ["import", "{src}", "--layer", "water_sources"],
        ["summary"],
        ["gaps"],
        ["export", "{out}"],
        ["zones", "delineate", "--missing", "--write"],
    ],
)
def test_every_cli_command_refuses_a_data_file_that_is_not_a_store(tmp_path, capsys, argv):
    csv = tmp_path / "register.csv"
    csv.write_text("河流名称,长度\n涪江,12\n", encoding="utf-8")
    before = _sha(csv)
    src = _sources_csv(tmp_path / "src.csv", "A", 2)
    args = [a.format(src=src, out=tmp_path / "o.gpkg") for a in argv] + ["--data", str(csv)]
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "register.csv is not a county store" in err and "Fix:" in err and "Traceback" not in err
    assert _sha(csv) == before


@pytest.mark.parametrize("alias", ["same", "symlink", "hardlink", "dotted"])
def test_export_onto_the_store_itself_is_refused(tmp_path, demo_copy, capsys, alias):
    out = {
        "same": demo_copy,
        "symlink": tmp_path / "l.gpkg",
        "hardlink": tmp_path / "h.gpkg",
        "dotted": demo_copy.parent / "." / demo_copy.name,
    }[alias]
    if alias == "symlink":
        out.symlink_to(demo_copy)
    elif alias == "hardlink":
        os.link(demo_copy, out)
    before = _sha(demo_copy)
    assert cli.main(["export", str(out), "--data", str(demo_copy)]) == 2
    assert "is the county store itself" in capsys.readouterr().err
    assert _sha(demo_copy) == before and "meta" in [r[0] for r in pyogrio.list_layers(demo_copy)]


@pytest.mark.parametrize(
    "argv",
    [
        ["gaps", "--out", "{store}"],
        ["quarries", "--out", "{store}"],
        ["import", "{src}", "--layer", "water_sources", "--rejects", "{store}"],
    ],
)
def test_no_command_writes_its_output_over_the_store(tmp_path, demo_copy, capsys, argv):
    src = _sources_csv(tmp_path / "src.csv", "A", 2)
    before = _sha(demo_copy)
    assert (
        cli.main([a.format(store=demo_copy, src=src) for a in argv] + ["--data", str(demo_copy)])
        == 2
    )
    assert "is the county store itself" in capsys.readouterr().err
    assert _sha(demo_copy) == before


def test_geometry_functions_read_the_gpkg_header_like_gdal(tmp_path):
    """The ST_ functions GDAL's rtree triggers call, against GDAL's own rtree boxes."""
    shapes = [
        Point(105.2, 30.3),
        shapely.LineString([(105.1, 30.1), (105.3, 30.4)]),
        box(105.0, 30.0, 105.5, 30.6),
        Point(),
    ]
    path = tmp_path / "g.gpkg"
    pyogrio.write_dataframe(
        gpd.GeoDataFrame({"k": range(4)}, geometry=shapes, crs=4490),
        path,
        layer="g",
        driver="GPKG",
        geometry_type="Unknown",
    )
    conn = gpkg_tx.connect(path, timeout=1)
    rows = conn.execute(
        "SELECT fid, ST_IsEmpty(geom), ST_MinX(geom), ST_MaxX(geom), ST_MinY(geom), ST_MaxY(geom) "
        "FROM g ORDER BY fid"
    ).fetchall()
    rtree = {r[0]: r[1:] for r in conn.execute("SELECT * FROM rtree_g_geom")}
    conn.close()
    for fid, empty, *env in rows:
        if fid in rtree:
            assert empty == 0 and env == pytest.approx(list(rtree[fid]), abs=1e-4)
        else:
            assert empty == 1 and env == [None] * 4


def test_audit_rows_leave_the_version_but_other_programs_edits_move_it(demo_copy):
    from gis import audit

    s = GeoPackageStore(demo_copy)
    before = s.version()
    audit.record(s, who="wang", role="staff", action="login_ok")  # every login writes one
    assert len(s.read("audit_log")) == 1 and s.version() == before  # page caches stay warm
    # an editor (GDAL, as QGIS) changes a layer without our meta revision: the version moves
    chiefs = pyogrio.read_dataframe(demo_copy, layer="chiefs", max_features=1)
    chiefs["chief_id"] = "QGIS-EDIT"
    pyogrio.write_dataframe(chiefs, demo_copy, layer="chiefs", append=True)
    assert s.version() != before


def test_a_snapshot_holds_commits_still_in_the_wal(demo_copy, tmp_path):
    conn = sqlite3.connect(demo_copy)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "SELECT count(*) FROM chiefs"
    ).fetchone()  # an editor holds the file: no checkpoint
    s = GeoPackageStore(demo_copy)
    s.write({"water_sources": _points(["W1"], [(105.2, 30.3)])}, mode="append")
    copy = tmp_path / "download.gpkg"
    copy.write_bytes(s.snapshot())
    conn.close()
    assert "W1" in set(GeoPackageStore(copy).read("water_sources")["source_code"])
    assert len(assert_well_formed(copy, "water_sources")) == DEMO_SOURCES + 1


def test_an_import_and_its_audit_row_land_together_or_not_at_all(demo_copy, tmp_path, monkeypatch):
    from gis.io.importer import import_file

    src = tmp_path / "sources.csv"
    pd.DataFrame(
        {
            "source_code": ["A1", "A2"],
            "名称": ["甲水厂", "乙水厂"],
            "source_type": ["河流型", "河流型"],
            "population_served": [1200, 3400],
            "has_official_zone": ["是", "否"],
            "经度": [105.21, 105.22],
            "纬度": [30.31, 30.32],
        }
    ).to_csv(src, index=False)
    who = {"who": "wang", "role": "staff", "client": "10.0.0.8"}
    s = GeoPackageStore(demo_copy)
    before = _sha(demo_copy)

    def fail(conn, table, **_):
        raise sqlite3.OperationalError("simulated failure at the end of the transaction")

    with monkeypatch.context() as m:
        m.setattr(gpkg_tx, "_merge_meta", fail)
        with pytest.raises(StoreError):
            import_file(src, "water_sources", store=s, audit=who)
    assert _sha(demo_copy) == before  # neither the rows nor the audit row
    rep = import_file(src, "water_sources", store=s, audit=who)
    log = s.read("audit_log")
    assert rep.written and len(s.read("water_sources")) == DEMO_SOURCES + 2
    assert log[["who", "role", "action", "target", "rows", "client"]].iloc[0].tolist() == [
        "wang",
        "staff",
        "import",
        "water_sources",
        2,
        "10.0.0.8",
    ]
    assert log["detail"].iloc[0] == str(src)
