"""The county store: one GeoPackage per county, in CGCS2000 (EPSG:4490).

The interface is deliberately narrow (``layers``, ``read``, ``write``, ``meta``,
``version``) so that a PostGIS-backed store can implement :class:`Store` later without
touching callers.

Writes are SQLite transactions in the file itself, because county staff keep the store
open in QGIS, which holds a GeoPackage in WAL mode: replacing the file under it corrupts
it, and two importers replacing a whole file lose one another's rows. GDAL writes the
batch into a small temporary GeoPackage next to the store; one ``BEGIN IMMEDIATE``
transaction then replaces or appends each layer and merges the meta table
(:mod:`gis.gpkg_tx`). A concurrent writer waits up to the busy timeout; a failure or a
kill at any point leaves the store as it was before the write (SQLite's journal), and
the journal mode of the file (QGIS: WAL) is left as it is. Only a store that does not
exist yet is created whole and hard-linked into place, which never replaces a file.
GDAL and ``sqlite3`` each carry their own SQLite, so within one process the file is used
through one of them at a time (:class:`_OneLibraryAtATime`).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj

from gis import catalogue, gpkg_tx
from gis._errors import StoreError
from gis.crs import STORAGE_EPSG

META_TABLE = "meta"
SCHEMA_VERSION = "1"
BUSY_TIMEOUT_S = 30.0  # how long a write waits for QGIS or another importer to let go of the file
STALE_BATCH_S = 60.0  # an unlocked batch folder older than this was left by a killed writer
FULL_DISK_BYTES = (
    1 << 20
)  # GDAL reports ENOSPC as "Failed to commit transaction": less free than this is a full disk
MODES = ("replace", "append")
Modes = str | Mapping[str, str]


class Store(Protocol):
    """What every county store offers.

    ``layers()`` lists the layers held; ``read(name, bbox=)`` gives one as the catalogue
    types it (an absent layer reads as empty); ``write(tables, mode=, meta=)`` replaces or
    appends several layers at once, all or none; ``meta()`` gives the county's key/value
    facts; ``version()`` a token that changes with every write (a cache key).
    :class:`GeoPackageStore`, :class:`MemoryStore` and :class:`gis.store_pg.PostGISStore`
    implement it (tests/test_store_contract.py holds all three to it).
    """

    def layers(self) -> list[str]: ...

    def read(
        self, name: str, *, bbox: tuple[float, float, float, float] | None = None
    ) -> pd.DataFrame: ...

    def write(
        self,
        tables: Mapping[str, pd.DataFrame],
        *,
        mode: Modes = "replace",
        meta: Mapping[str, str] | None = None,
    ) -> None: ...

    def meta(self) -> dict[str, str]: ...

    def version(self) -> str: ...


class _OneLibraryAtATime:
    """GDAL (pyogrio's wheel) and Python's ``sqlite3`` each carry their own SQLite. POSIX
    locks belong to the process, so when one library (or a plain ``open``) closes the
    file the other's locks are gone (https://sqlite.org/howtocorrupt.html, 2.2.1): a GDAL
    read in another thread of the app would silently drop a write transaction's lock.
    Within one process the store is used through one side at a time ("gdal", "sqlite3",
    "file"); users of the same side share. A side with waiters gets the next turn, so a
    stream of reads cannot starve a write. Not re-entrant: a ``use`` inside another
    ``use`` would wait for itself once another side is waiting, so never nest them."""

    SIDES = ("gdal", "sqlite3", "file")

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._side: str | None = None
        self._users = 0
        self._waiting = dict.fromkeys(self.SIDES, 0)

    @contextlib.contextmanager
    def use(self, side: str) -> Iterator[None]:
        with self._cond:
            self._waiting[side] += 1
            while self._side not in (None, side) or (
                self._side == side and any(n for s, n in self._waiting.items() if s != side)
            ):
                self._cond.wait()
            self._waiting[side] -= 1
            self._side = side
            self._users += 1
        try:
            yield
        finally:
            with self._cond:
                self._users -= 1
                if self._users == 0:
                    self._side = None
                    self._cond.notify_all()


_LIBRARY = _OneLibraryAtATime()


def write_modes(tables: Mapping[str, pd.DataFrame], mode: Modes) -> dict[str, str]:
    """``mode`` for each table: one mode for all, or a mapping of layer name to mode.

    Parameters
    ----------
    tables : mapping of layer name to frame
        The tables about to be written.
    mode : {"replace", "append"} or mapping of layer name to one of them

    Returns
    -------
    dict of str to str
        The mode of each table.

    Raises
    ------
    StoreError
        An unknown mode, or a mapping that misses a table or names one not written.
    """
    modes = {name: mode for name in tables} if isinstance(mode, str) else dict(mode)
    bad = {n: m for n, m in modes.items() if m not in MODES}
    if bad:
        raise StoreError(code="store.write_mode", params={"modes": str(bad)})
    if set(modes) != set(tables):
        raise StoreError(
            code="store.modes_mismatch",
            params={"modes": sorted(modes), "tables": sorted(tables)},
        )
    return modes


def empty_frame(name: str) -> pd.DataFrame:
    """An empty frame with the catalogue schema of ``name``.

    Parameters
    ----------
    name : str
        A catalogue layer name.

    Returns
    -------
    DataFrame or GeoDataFrame
        No rows; the catalogue's columns and types, in EPSG:4490 for a spatial layer.
    """
    layer = catalogue.get_layer(name)
    cols = {f.name: pd.Series(dtype=_pandas_dtype(f.dtype)) for f in layer.fields}
    df = pd.DataFrame(cols)
    if layer.geometry is None:
        return df
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries([], crs=STORAGE_EPSG), crs=STORAGE_EPSG)


def _pandas_dtype(dtype: str) -> str:
    return {"str": "object", "int": "Int64", "float": "float64", "bool": "boolean"}.get(
        dtype, "object"
    )


def conform(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Order and type the columns of ``df`` as the catalogue says; extra columns are kept last.

    Parameters
    ----------
    df : DataFrame
        Rows of layer ``name``; not changed. Missing catalogue columns are added empty.
    name : str
        A catalogue layer name.

    Returns
    -------
    DataFrame or GeoDataFrame
        Numbers as nullable numbers, text as ``str`` or None, dates as ISO text.
    """
    layer = catalogue.get_layer(name)
    out = df.copy()
    for f in layer.fields:
        if f.name not in out.columns:
            out[f.name] = pd.Series([None] * len(out), index=out.index, dtype="object")
        col = out[f.name]
        if f.dtype in ("int", "float", "bool"):
            out[f.name] = col.astype(_pandas_dtype(f.dtype))
        else:  # strings, and dates kept as ISO text so every backend stores them alike
            out[f.name] = col.astype("object").where(col.notna(), None)
            if f.dtype in ("date", "datetime"):
                out[f.name] = out[f.name].map(_iso)
            else:
                out[f.name] = out[f.name].map(lambda v: None if v is None else str(v))
    order = layer.field_names + [c for c in out.columns if c not in layer.field_names]
    out = out[order]
    if layer.geometry is not None and isinstance(df, gpd.GeoDataFrame):
        out = gpd.GeoDataFrame(out, geometry=df.geometry.name, crs=df.crs)
    return out


def _iso(v: object) -> str | None:
    if v is None:
        return None
    if hasattr(v, "isoformat"):
        text = str(v.isoformat())
        return text[:-9] if text.endswith("T00:00:00") else text
    return str(v)


class GeoPackageStore:
    """A county store in one GeoPackage file.

    Parameters
    ----------
    path : str or Path
        The ``.gpkg`` file. It need not exist yet; :meth:`write` creates it. An existing
        file that is not a GeoPackage is never written to.
    timeout : float
        Seconds a write waits for another program (QGIS, another import) to release the
        file before it gives up with a "locked" :class:`StoreError`.

    Examples
    --------
    Open the demo county's store (opening reads nothing yet):

    >>> from gis import datasets
    >>> from gis.store import GeoPackageStore
    >>> store = GeoPackageStore(datasets.get_path("demo"))
    >>> store.meta()["county_code"], store.meta()["gk_epsg"]
    ('512099', '4544')
    >>> store.layers()[:3]
    ['rivers', 'admin_units', 'reservoirs']
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path)
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"GeoPackageStore({str(self.path)!r})"

    def exists(self) -> bool:
        """Whether the file is there (a store is created by its first :meth:`write`).

        Returns
        -------
        bool
        """
        return self.path.exists()

    def layers(self) -> list[str]:
        """Names of the layers and tables in the file (without the meta table).

        Returns
        -------
        list of str
            In the file's order; empty when the file does not exist yet.

        Raises
        ------
        StoreError
            The file is not a GeoPackage or cannot be opened.
        """
        if not self.exists():
            return []
        try:
            with _LIBRARY.use("gdal"):
                names = [row[0] for row in pyogrio.list_layers(self.path)]
        except Exception as exc:  # a corrupt or non-GeoPackage file
            raise StoreError(
                code="store.unreadable", params={"path": str(self.path), "detail": str(exc)}
            ) from exc
        return [n for n in names if n != META_TABLE]

    def read(
        self, name: str, *, bbox: tuple[float, float, float, float] | None = None
    ) -> pd.DataFrame:
        """Read a layer or table; a layer the file lacks reads as empty with its schema.

        Parameters
        ----------
        name : str
            A catalogue layer name (see :data:`gis.catalogue.LAYER_NAMES`).
        bbox : tuple, optional
            (minx, miny, maxx, maxy) in EPSG:4490 to read a window of a spatial layer.

        Returns
        -------
        DataFrame or GeoDataFrame
            The catalogue's columns first, in its order and types (dates as ISO text),
            extra columns after them; spatial layers in EPSG:4490.

        Raises
        ------
        UnknownNameError
            ``name`` is not a catalogue layer.
        StoreError
            The file cannot be read.

        Examples
        --------
        >>> from gis import datasets
        >>> store = GeoPackageStore(datasets.get_path("demo"))
        >>> rivers = store.read("rivers")
        >>> len(rivers), rivers.crs.to_epsg(), list(rivers.columns)
        (337, 4490, ['river_code', 'name', 'management_level', 'in_register', 'flows_into',
        'line_kind', 'geometry'])
        >>> rivers["management_level"].value_counts().to_dict()
        {'village': 266, 'township': 47, 'county': 24}

        A layer the demo has no rows for reads as an empty frame with its columns:

        >>> patrols = store.read("patrols")
        >>> len(patrols), list(patrols.columns)[:3]
        (0, ['patrol_id', 'chief_id', 'start_time'])
        """
        layer = catalogue.get_layer(name)
        if not self.exists():
            return empty_frame(name)
        kwargs = {"bbox": bbox} if bbox and layer.geometry else {}
        # read first, list the layers only when that fails: listing opens the file again
        # (7 ms a read, 0.4 s of a page that reads every layer)
        try:
            with _LIBRARY.use("gdal"):
                df = pyogrio.read_dataframe(self.path, layer=name, **kwargs)
        except Exception as exc:
            if name not in self.layers():
                return empty_frame(name)
            raise StoreError(
                code="store.read_failed",
                params={"layer": name, "path": str(self.path), "detail": str(exc)},
            ) from exc
        return conform(df, name)

    def read_all(self) -> dict[str, pd.DataFrame]:
        """Every catalogue layer, keyed by name (empty frames for absent layers).

        Returns
        -------
        dict of str to DataFrame
            One entry per name of :data:`gis.catalogue.LAYER_NAMES`, as :meth:`read` gives it.
        """
        return {name: self.read(name) for name in catalogue.LAYER_NAMES}

    def meta(self) -> dict[str, str]:
        """Key/value facts about the county (name, code, GK zone, schema version, revision).

        Returns
        -------
        dict of str to str
            Empty when the file or its meta table does not exist.
        """
        if not self.exists():
            return {}
        try:
            with _LIBRARY.use("gdal"):
                df = pyogrio.read_dataframe(self.path, layer=META_TABLE)
        except pyogrio.errors.DataLayerError:
            with _LIBRARY.use("gdal"):
                if META_TABLE not in [r[0] for r in pyogrio.list_layers(self.path)]:
                    return {}
            raise
        return dict(zip(df["key"], df["value"], strict=True))

    def snapshot(self) -> bytes:
        """The whole GeoPackage as one consistent file, as bytes (a download of the store).

        Copied with SQLite's online backup, not by reading the file: commits still in the
        ``-wal`` file (QGIS's mode) are included, a checkpoint or a write running meanwhile
        cannot tear the copy, and closing a plain file handle would drop this process's
        locks (see :class:`_OneLibraryAtATime`).

        Returns
        -------
        bytes
            A complete GeoPackage.

        Raises
        ------
        StoreError
            The file cannot be copied (locked, not a GeoPackage).
        """
        with tempfile.TemporaryDirectory(prefix="riverchief-snapshot-") as tmp:
            dest = Path(tmp) / self.path.name
            try:
                with (
                    _LIBRARY.use("sqlite3"),
                    contextlib.closing(gpkg_tx.connect(self.path, timeout=self.timeout)) as src,
                    contextlib.closing(sqlite3.connect(dest)) as out,
                ):
                    src.backup(out)
            except sqlite3.Error as exc:
                raise StoreError(
                    code="store.copy_failed", params={"path": str(self.path), "detail": str(exc)}
                ) from exc
            return dest.read_bytes()

    def version(self) -> str:
        """A token that changes with every committed write of data: a cache key for the file.

        The meta table's ``revision`` counts this class's writes, also those still in the
        ``-wal`` file (where the main file's mtime does not move). Other programs' edits
        (QGIS, ogr2ogr) move a layer's ``last_change`` in ``gpkg_contents``; the file's
        identity catches a replaced file. Writes only to
        :data:`gis.catalogue.UNVERSIONED_LAYERS` (the audit log: every login appends a row)
        leave the version as it was, so they do not make the app recompute its pages.

        Returns
        -------
        str
            An opaque token, ``"absent"`` when the file does not exist; compare it, do not
            parse it.

        Raises
        ------
        StoreError
            The file is not a county GeoPackage.

        Examples
        --------
        >>> import tempfile
        >>> import pandas as pd
        >>> store = GeoPackageStore(Path(tempfile.mkdtemp()) / "county.gpkg")
        >>> store.version()
        'absent'
        >>> chiefs = pd.DataFrame({"chief_id": ["C1"], "name": ["王平"], "level": ["village"],
        ...                        "post": ["村支书"], "phone": [None],
        ...                        "admin_code": ["512099001001"]})
        >>> store.write({"chiefs": chiefs})
        >>> first = store.version()
        >>> store.write({"chiefs": chiefs.assign(chief_id="C2")}, mode="append")
        >>> store.version() != first
        True
        """
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return "absent"
        try:
            with (
                _LIBRARY.use("sqlite3"),
                contextlib.closing(gpkg_tx.connect(self.path, timeout=self.timeout)) as conn,
            ):
                revision = gpkg_tx.read_revision(conn, META_TABLE)
                changes = gpkg_tx.last_changes(
                    conn, exclude=(META_TABLE, *catalogue.UNVERSIONED_LAYERS)
                )
        except sqlite3.Error as exc:
            raise StoreError(
                code="store.version_failed", params={"path": str(self.path), "detail": str(exc)}
            ) from exc
        digest = hashlib.sha1(repr(changes).encode()).hexdigest()[:12]
        return f"{st.st_dev}:{st.st_ino}:{revision}:{digest}"

    def write(
        self,
        tables: Mapping[str, pd.DataFrame],
        *,
        mode: Modes = "replace",
        meta: Mapping[str, str] | None = None,
    ) -> None:
        """Write several layers in one transaction: all of them land, or none.

        Parameters
        ----------
        tables : mapping of layer name to frame
            Spatial frames must be in EPSG:4490 (call ``to_crs(4490)`` first).
        mode : {"replace", "append"} or mapping of layer name to one of them
            Replace each named layer, or append rows to it (new fids); a mapping sets the
            mode per layer, e.g. replace a layer and append an audit row at once.
        meta : mapping, optional
            Facts to merge into the meta table.

        Raises
        ------
        StoreError
            The file is not a GeoPackage, is locked by another program past the busy
            timeout, the disk is full, ...; the store is then unchanged.

        Examples
        --------
        A new store in a temporary folder (never write into the demo store; copy it):

        >>> import tempfile
        >>> import geopandas as gpd
        >>> from shapely.geometry import LineString
        >>> store = GeoPackageStore(Path(tempfile.mkdtemp()) / "county.gpkg")
        >>> rivers = gpd.GeoDataFrame(
        ...     {"river_code": ["R1", "R2"], "name": ["清江", "黄沟"],
        ...      "management_level": ["county", "village"], "in_register": [True, True]},
        ...     geometry=[LineString([(105.0, 30.0), (105.1, 30.0)]),
        ...               LineString([(105.05, 30.05), (105.05, 30.0)])], crs=4490)
        >>> store.write({"rivers": rivers}, meta={"county_code": "512099"})
        >>> len(store.read("rivers")), store.meta()["county_code"], store.meta()["revision"]
        (2, '512099', '1')

        Append one more river, then replace the layer with the first one alone:

        >>> store.write({"rivers": rivers.iloc[[1]].assign(river_code="R3")}, mode="append")
        >>> store.read("rivers")["river_code"].tolist()
        ['R1', 'R2', 'R3']
        >>> store.write({"rivers": rivers.iloc[[0]]})
        >>> store.read("rivers")["river_code"].tolist(), store.meta()["revision"]
        (['R1'], '3')
        """
        modes = write_modes(tables, mode)
        prepared = {name: self._prepare(name, df) for name, df in tables.items()}
        target = self.path.resolve()  # a symlinked store is written through, and stays a link
        with _LIBRARY.use("file"):
            why = gpkg_tx.not_a_geopackage(target) if target.exists() else None
        if why:
            raise StoreError(code="store.not_a_store", params={"path": str(self.path), "why": why})
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale_batches(target)
            batch_dir = Path(
                tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".batch", dir=target.parent)
            )
        except OSError as exc:  # a read-only or full folder
            raise _explain(exc, self.path, free=_free_bytes(target.parent)) from exc
        lock = _hold(batch_dir)
        batch = batch_dir / "batch.gpkg"
        try:
            new = {"schema_version": SCHEMA_VERSION, "crs": f"EPSG:{STORAGE_EPSG}", **(meta or {})}
            starts = self._next_fids(target, [n for n, m in modes.items() if m == "append"])
            for name, df in prepared.items():
                start = starts.get(name)
                if start is not None and "fid" not in df.columns:  # GDAL keeps a "fid" column
                    df = df.assign(fid=np.arange(start, start + len(df), dtype="int64"))
                _write_layer(batch, name, df)
            if not target.exists():
                new[gpkg_tx.REVISION_KEY] = "1"
            _write_layer(
                batch,
                META_TABLE,
                pd.DataFrame({"key": list(new), "value": [str(v) for v in new.values()]}),
            )
            if target.exists() or not _create(batch, target):
                with (
                    _LIBRARY.use("sqlite3"),
                    contextlib.closing(gpkg_tx.connect(target, timeout=self.timeout)) as conn,
                ):
                    gpkg_tx.merge(
                        conn,
                        batch,
                        modes,
                        META_TABLE,
                        count=any(n not in catalogue.UNVERSIONED_LAYERS for n in modes),
                    )
        except Exception as exc:
            if isinstance(exc, StoreError):
                raise
            raise _explain(exc, self.path, free=_free_bytes(target.parent)) from exc
        finally:
            shutil.rmtree(batch_dir, ignore_errors=True)
            _release(lock)

    def _prepare(self, name: str, df: pd.DataFrame) -> pd.DataFrame:
        return prepare(name, df)

    def _next_fids(self, target: Path, names: list[str]) -> dict[str, int | None]:
        """The fids appends would start at now: the batch is numbered from there, so its
        index needs no renumbering in the transaction unless another writer came first."""
        if not names or not target.exists():
            return {}
        with (
            _LIBRARY.use("sqlite3"),
            contextlib.closing(gpkg_tx.connect(target, timeout=self.timeout)) as conn,
        ):
            have = {n for n in names if gpkg_tx.has_table(conn, n)}
            return {n: gpkg_tx.next_fid(conn, n) for n in have}


def _create(batch: Path, target: Path) -> bool:
    """Put a complete new store in place without ever replacing a file; False when another
    writer created ``target`` meanwhile (the caller then merges into theirs)."""
    with open(batch, "rb+") as fh:
        os.fsync(fh.fileno())
    try:
        os.link(batch, target)  # fails if the name exists: no file is ever replaced
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links (FAT): rename, checked first
        if target.exists():
            return False
        os.rename(batch, target)
    with contextlib.suppress(OSError):  # make the new name durable where the OS allows
        fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    return True


def _free_bytes(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def _explain(exc: BaseException, path: Path, *, free: int | None = None) -> StoreError:
    """A write failure in the words a county user can act on (``free``: bytes left on the disk)."""
    text = str(exc)
    if free is not None and free < FULL_DISK_BYTES:
        text += f"; {free} bytes free"
    low = text.lower()
    if "locked" in low or "busy" in low:
        return StoreError(code="store.locked", params={"path": str(path), "detail": text})
    if (
        "disk is full" in low
        or "no space" in low
        or getattr(exc, "errno", None) == errno.ENOSPC
        or (free is not None and free < FULL_DISK_BYTES)
    ):
        return StoreError(
            code="store.disk_full",
            params={"path": str(path), "detail": text, "folder": str(path.resolve().parent)},
        )
    return StoreError(code="store.write_failed", params={"path": str(path), "detail": text})


def _hold(folder: Path) -> int | None:
    """An exclusive lock on ``folder`` for as long as this write runs (a killed writer's
    lock goes with its process); None where the OS has no flock."""
    try:
        import fcntl  # POSIX only, so imported where it is used
    except ImportError:  # Windows: stale batch folders are small and are left alone
        return None
    fd = os.open(folder, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _release(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)


def _remove_stale_batches(target: Path) -> None:
    """Batch folders of writers that were killed: unlocked, and older than a write needs
    to take its lock. A live writer's folder is locked and left alone."""
    try:
        import fcntl  # POSIX only, so imported where it is used
    except ImportError:  # Windows: no flock, so no batch folder can be told stale
        return
    for folder in target.parent.glob(f".{target.name}.*.batch"):
        with contextlib.suppress(OSError):
            if time.time() - folder.stat().st_mtime < STALE_BATCH_S:
                continue
            fd = os.open(folder, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(folder)
            finally:
                os.close(fd)


def prepare(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Check the CRS and conform the columns of a frame about to be stored (every store's
    writes go through here, so each refuses the same frames).

    Raises
    ------
    StoreError
        A spatial frame without a CRS, or not in CGCS2000.
    """
    layer = catalogue.get_layer(name)
    if layer.geometry is not None:
        if not isinstance(df, gpd.GeoDataFrame) or df.crs is None:
            raise StoreError(code="store.needs_crs", params={"layer": name})
        if not df.crs.equals(pyproj.CRS.from_epsg(STORAGE_EPSG)):
            raise StoreError(
                code="store.wrong_crs",
                params={"layer": name, "crs": df.crs.to_string(), "epsg": STORAGE_EPSG},
            )
    return conform(df, name)


def _concat(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    if len(old) == 0:
        return new
    out = pd.concat([old, new], ignore_index=True)
    return (
        gpd.GeoDataFrame(out, geometry=new.geometry.name, crs=new.crs)
        if isinstance(new, gpd.GeoDataFrame)
        else out
    )


def _write_layer(path: Path, name: str, df: pd.DataFrame) -> None:
    kwargs: dict[str, str | bool | None] = {}
    if isinstance(df, gpd.GeoDataFrame):
        geom_type = catalogue.get_layer(name).geometry
        if geom_type == "LineString" and (df.geom_type == "MultiLineString").any():
            geom_type = "Unknown"  # rivers clipped or built from arcs: lines of both kinds
        kwargs["geometry_type"] = geom_type
        kwargs["promote_to_multi"] = geom_type is not None and geom_type.startswith("Multi")
    pyogrio.write_dataframe(
        df, path, layer=name, driver="GPKG", layer_options={"OVERWRITE": "YES"}, **kwargs
    )


class MemoryStore:
    """The :class:`Store` interface over frames held in memory: a province partition
    handed to a worker, a benchmark, or a what-if that must not touch the file.

    Parameters
    ----------
    tables : mapping of layer name to frame, optional
        Written at once, with the same checks as :meth:`GeoPackageStore.write`.
    meta : mapping, optional
        The county's key/value facts (:meth:`meta`).

    Examples
    --------
    A what-if on the demo's rivers, without touching the file:

    >>> from gis import datasets
    >>> demo = GeoPackageStore(datasets.get_path("demo"))
    >>> rivers = demo.read("rivers")
    >>> mem = MemoryStore({"rivers": rivers[rivers["management_level"] == "county"]},
    ...                   meta=demo.meta())
    >>> mem.layers(), len(mem.read("rivers")), mem.meta()["county_name"]
    (['rivers'], 24, '示范县')
    >>> before = mem.version()
    >>> mem.write({"rivers": rivers.head(2)}, mode="append")
    >>> len(mem.read("rivers")), mem.version() != before
    (26, True)
    >>> len(mem.read("reservoirs"))  # a layer it does not hold reads as empty
    0
    """

    def __init__(
        self,
        tables: Mapping[str, pd.DataFrame] | None = None,
        *,
        meta: Mapping[str, str] | None = None,
    ) -> None:
        self._tables: dict[str, pd.DataFrame] = {}
        self._meta = dict(meta or {})
        self._revision = 0
        if tables:
            self.write(tables)

    def layers(self) -> list[str]:
        """Names of the layers written so far, in the order they were first written.

        Returns
        -------
        list of str
        """
        return list(self._tables)

    def read(
        self, name: str, *, bbox: tuple[float, float, float, float] | None = None
    ) -> pd.DataFrame:
        """A copy of a layer, as :meth:`GeoPackageStore.read` (``bbox`` in the frame's CRS).

        Parameters
        ----------
        name : str
            A catalogue layer name.
        bbox : tuple, optional
            (minx, miny, maxx, maxy) to read a window of a spatial layer.

        Returns
        -------
        DataFrame or GeoDataFrame
            A copy; an empty frame with the catalogue's columns for a layer not held.
        """
        catalogue.get_layer(name)  # unknown names raise, listing the valid ones
        df = self._tables.get(name)
        if df is None:
            return empty_frame(name)
        if bbox is not None and isinstance(df, gpd.GeoDataFrame):
            df = df.cx[bbox[0] : bbox[2], bbox[1] : bbox[3]]
        return df.copy()

    def write(
        self,
        tables: Mapping[str, pd.DataFrame],
        *,
        mode: Modes = "replace",
        meta: Mapping[str, str] | None = None,
    ) -> None:
        """Replace or append layers and merge ``meta``, as :meth:`GeoPackageStore.write`.

        Parameters
        ----------
        tables : mapping of layer name to frame
            Spatial frames in EPSG:4490.
        mode : {"replace", "append"} or mapping of layer name to one of them
        meta : mapping, optional
            Facts to merge into :meth:`meta`.
        """
        modes = write_modes(tables, mode)
        prepared = {}
        for name, df in tables.items():
            prepared[name] = prepare(name, df)  # the same checks as the file store
        for name, df in prepared.items():
            self._tables[name] = (
                _concat(self.read(name), df)
                if modes[name] == "append" and name in self._tables
                else df
            )
        self._meta.update(meta or {})
        self._revision += 1

    def meta(self) -> dict[str, str]:
        """A copy of the key/value facts given and written so far.

        Returns
        -------
        dict of str to str
        """
        return dict(self._meta)

    def version(self) -> str:
        """Changes with every write, like :meth:`GeoPackageStore.version`.

        Returns
        -------
        str
            ``memory:<object id>:<writes so far>``.
        """
        return f"memory:{id(self)}:{self._revision}"
