"""One SQLite transaction that moves a batch of layers into a GeoPackage in place.

Why in place: county staff keep the store open in QGIS, which opens a GeoPackage in WAL
mode. Replacing the file under it (copy, write, rename) leaves QGIS and the ``-wal`` file
pointing at a database that no longer exists ("database disk image is malformed"), and two
importers replacing the whole file lose one another's rows. SQLite's own locking, journal
and busy timeout handle both, whatever journal mode the file is in.

The batch arrives as a small GeoPackage written by GDAL (:func:`merge` ``tmp``), so the
layer SQL, the rtree index and the GPKG bookkeeping rows are GDAL's own; this module only
copies them across inside ``BEGIN IMMEDIATE ... COMMIT``.
"""

from __future__ import annotations

import functools
import sqlite3
import struct
from collections.abc import Callable, Mapping
from pathlib import Path

import shapely

# GDAL's bookkeeping rows keyed by ``table_name``; dropped and copied with their layer
_PER_LAYER = (
    "gpkg_contents",
    "gpkg_geometry_columns",
    "gpkg_extensions",
    "gpkg_ogr_contents",
    "gpkg_data_columns",
    "gpkg_metadata_reference",
)
_SQLITE_MAGIC = b"SQLite format 3\x00"
_GPKG_APPLICATION_IDS = (b"GPKG", b"GP10", b"GP11")
REVISION_KEY = "revision"


def q(name: str) -> str:
    """``name`` as a quoted SQL identifier.

    Parameters
    ----------
    name : str

    Returns
    -------
    str

    Examples
    --------
    >>> q('rivers'), q('a"b')
    ('"rivers"', '"a""b"')
    """
    return '"' + name.replace('"', '""') + '"'


def not_a_geopackage(path: Path) -> str | None:
    """Why the existing file at ``path`` is not a GeoPackage, or None when it is one.

    Parameters
    ----------
    path : Path
        An existing file or folder.

    Returns
    -------
    str or None
        The reason, for a message: a folder, empty, not SQLite, SQLite but not a
        GeoPackage (application id).
    """
    if path.is_dir():
        return "it is a folder"
    with open(path, "rb") as fh:
        head = fh.read(100)
    if len(head) == 0:
        return "it is an empty file"
    if not head.startswith(_SQLITE_MAGIC):
        return "it is not a SQLite/GeoPackage file"
    if head[68:72] not in _GPKG_APPLICATION_IDS:
        return "it is a SQLite database but not a GeoPackage"
    return None


def connect(path: Path, *, timeout: float) -> sqlite3.Connection:
    """A connection to an existing file (never creates one), waiting ``timeout`` s for locks.

    Parameters
    ----------
    path : Path
    timeout : float
        Seconds SQLite waits for another writer.

    Returns
    -------
    sqlite3.Connection
        In autocommit mode (transactions are begun explicitly), with the GeoPackage
        geometry functions GDAL's triggers call registered.
    """
    uri = path.resolve().as_uri() + "?mode=rw"
    conn = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    _register_geometry_functions(conn)
    return conn


def read_revision(conn: sqlite3.Connection, meta_table: str) -> int:
    """The write counter kept in the key/value ``meta_table`` (0 when there is none).

    Parameters
    ----------
    conn : sqlite3.Connection
    meta_table : str

    Returns
    -------
    int
    """
    if not _has_table(conn, "main", meta_table):
        return 0
    row = conn.execute(
        f"SELECT value FROM main.{q(meta_table)} WHERE key = ?", (REVISION_KEY,)
    ).fetchone()
    try:
        return int(row[0]) if row else 0
    except (TypeError, ValueError):
        return 0


def last_changes(
    conn: sqlite3.Connection, *, exclude: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """(table, last_change) of every table in ``gpkg_contents`` but ``exclude``, sorted.

    GDAL (and so QGIS) moves ``last_change`` when it edits a layer: a change here is
    another program's edit.

    Parameters
    ----------
    conn : sqlite3.Connection
    exclude : tuple of str
        Table names to leave out (case-insensitive).

    Returns
    -------
    list of (str, str)
    """
    if not _has_table(conn, "main", "gpkg_contents"):
        return []
    skip = {n.lower() for n in exclude}
    rows = conn.execute(
        "SELECT table_name, last_change FROM main.gpkg_contents ORDER BY table_name"
    ).fetchall()
    return [(str(n), str(c)) for n, c in rows if str(n).lower() not in skip]


def merge(
    conn: sqlite3.Connection,
    tmp: Path,
    modes: Mapping[str, str],
    meta_table: str,
    *,
    count: bool = True,
) -> None:
    """Copy the layers of GeoPackage ``tmp`` into the connection's file in one transaction.

    Parameters
    ----------
    conn : sqlite3.Connection
        From :func:`connect`, outside any transaction.
    tmp : Path
        A GeoPackage holding each layer of ``modes`` and the meta rows to merge.
    modes : mapping of layer name to "replace" or "append"
    meta_table : str
        The key/value table merged key by key; its ``revision`` row is incremented
        when ``count`` (a write only to unversioned tables such as the audit log is not
        counted).

    On any error the transaction is rolled back and the error re-raised: the file then
    holds exactly what it held before.
    """
    conn.execute("ATTACH DATABASE ? AS tmp", (str(tmp),))  # ATTACH is refused inside a transaction
    try:
        conn.execute("BEGIN IMMEDIATE")  # take the write lock now: waits up to the busy timeout
        try:
            _ensure_gpkg_tables(conn)
            for name, mode in modes.items():
                if mode == "append" and _has_table(conn, "main", name):
                    _append(conn, name)
                else:
                    _drop(conn, name)
                    _create(conn, name)
            _merge_meta(conn, meta_table, count=count)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("DETACH DATABASE tmp")


def _master(conn: sqlite3.Connection, schema: str) -> list[tuple[str, str, str, str | None]]:
    rows: list[tuple[str, str, str, str | None]] = conn.execute(
        f"SELECT type, name, tbl_name, sql FROM {schema}.sqlite_master"
    ).fetchall()
    return rows


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """Whether the connection's file holds table ``name``.

    Parameters
    ----------
    conn : sqlite3.Connection
    name : str
        Compared case-insensitively, as SQLite does.

    Returns
    -------
    bool
    """
    return _has_table(conn, "main", name)


def _has_table(conn: sqlite3.Connection, schema: str, name: str) -> bool:
    return (
        conn.execute(
            f"SELECT 1 FROM {schema}.sqlite_master WHERE type = 'table' AND lower(name) = lower(?)",
            (name,),
        ).fetchone()
        is not None
    )


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[tuple[str, str, int]]:
    """(name, declared type, is primary key) of each column."""
    return [(r[1], r[2], r[5]) for r in conn.execute(f"PRAGMA {schema}.table_info({q(table)})")]


def _ensure_gpkg_tables(conn: sqlite3.Connection) -> None:
    """GPKG system tables the batch needs and the store lacks (a store of plain tables
    gains gpkg_extensions with its first spatial layer), and the batch's SRS rows."""
    have = {n.lower() for t, n, _, _ in _master(conn, "main") if t == "table"}
    rows = _master(conn, "tmp")
    for table in [
        n for t, n, _, _ in rows if t == "table" and n.startswith("gpkg_") and n.lower() not in have
    ]:
        for t, _n, tbl, sql in sorted(rows, key=lambda r: r[0] != "table"):
            if tbl == table and sql and t in ("table", "index", "trigger"):
                conn.execute(sql)
    conn.execute(
        "INSERT OR IGNORE INTO main.gpkg_spatial_ref_sys (srs_name, srs_id, organization, "
        "organization_coordsys_id, definition, description) SELECT srs_name, srs_id, organization, "
        "organization_coordsys_id, definition, description FROM tmp.gpkg_spatial_ref_sys"
    )


def _rtree_names(conn: sqlite3.Connection, schema: str, name: str) -> list[str]:
    if not _has_table(conn, schema, "gpkg_geometry_columns"):
        return []
    geoms = conn.execute(
        f"SELECT column_name FROM {schema}.gpkg_geometry_columns WHERE lower(table_name) = "
        "lower(?)",
        (name,),
    ).fetchall()
    return [f"rtree_{name}_{g}" for (g,) in geoms if _has_table(conn, schema, f"rtree_{name}_{g}")]


def _drop(conn: sqlite3.Connection, name: str) -> None:
    """The layer, its rtree index and its bookkeeping rows (its triggers go with the table)."""
    for rtree in _rtree_names(conn, "main", name):
        conn.execute(f"DROP TABLE main.{q(rtree)}")
    conn.execute(f"DROP TABLE IF EXISTS main.{q(name)}")
    for table in _PER_LAYER:
        if _has_table(conn, "main", table):
            conn.execute(f"DELETE FROM main.{table} WHERE lower(table_name) = lower(?)", (name,))


def _copy_rows(
    conn: sqlite3.Connection, table: str, where: str = "", args: tuple[object, ...] = ()
) -> None:
    have = {c.lower() for c, _, _ in _columns(conn, "main", table)}
    cols = ", ".join(q(c) for c, _, _ in _columns(conn, "tmp", table) if c.lower() in have)
    conn.execute(
        f"INSERT INTO main.{q(table)} ({cols}) SELECT {cols} FROM tmp.{q(table)} {where}", args
    )


def _table_sql(rows: list[tuple[str, str, str, str | None]], name: str) -> str:
    """The CREATE statement of table ``name`` in a :func:`_master` listing."""
    sql = next(sql for t, n, _, sql in rows if t == "table" and n == name)
    if sql is None:  # only SQLite's own internal tables have none
        raise sqlite3.DatabaseError(f"table {name} has no CREATE statement")
    return sql


def _create(conn: sqlite3.Connection, name: str) -> None:
    """The layer as GDAL made it in the batch file: table, rows, indexes, rtree, bookkeeping
    and, last, the triggers (so copying rows fires none of them)."""
    rows = _master(conn, "tmp")
    conn.execute(_table_sql(rows, name))
    _copy_rows(conn, name)
    for t, _n, tbl, sql in rows:
        if t == "index" and tbl == name and sql:
            conn.execute(sql)
    for rtree in _rtree_names(conn, "tmp", name):
        conn.execute(_table_sql(rows, rtree))
        _copy_rtree(conn, rtree)
    for table in _PER_LAYER:
        if _has_table(conn, "tmp", table):
            _copy_rows(conn, table, "WHERE lower(table_name) = lower(?)", (name,))
    for t, _n, tbl, sql in rows:
        if t == "trigger" and tbl == name and sql:
            conn.execute(sql)


def _copy_rtree(conn: sqlite3.Connection, rtree: str, into: str | None = None) -> None:
    """The batch's packed index ``tmp.rtree`` copied node for node through the shadow
    tables into ``main.into`` (as sqlite3's ``.dump`` does): ten times faster than
    inserting each box again, and the same tree; its ids are the fids already in place."""
    for shadow in ("_node", "_rowid", "_parent"):
        conn.execute(
            f"DELETE FROM main.{q((into or rtree) + shadow)}"
        )  # e.g. the empty root xCreate wrote
        conn.execute(
            f"INSERT INTO main.{q((into or rtree) + shadow)} SELECT * FROM tmp.{q(rtree + shadow)}"
        )


def next_fid(conn: sqlite3.Connection, name: str) -> int | None:
    """The first fid an append to layer ``name`` gets now (None: no such layer). The store
    numbers its batch from here so GDAL's index of the batch already names final fids.

    Parameters
    ----------
    conn : sqlite3.Connection
    name : str

    Returns
    -------
    int or None
        One past the largest fid ever used (``sqlite_sequence`` included).
    """
    pk = next((c for c, _, is_pk in _columns(conn, "main", name) if is_pk), None)
    if pk is None:
        return None
    last = conn.execute(f"SELECT coalesce(max({q(pk)}), 0) FROM main.{q(name)}").fetchone()[0]
    if _has_table(conn, "main", "sqlite_sequence"):
        seq = conn.execute(
            "SELECT seq FROM main.sqlite_sequence WHERE name = ?", (name,)
        ).fetchone()
        last = max(last, seq[0] if seq and seq[0] is not None else 0)
    return int(last) + 1


def _append(conn: sqlite3.Connection, name: str) -> None:
    """The batch's rows after the layer's own, with new fids, inside the transaction.

    Like GDAL in bulk mode, GDAL's per-row insert triggers (feature count, rtree) are
    dropped for the copy and recreated after it: the rtree boxes come from the batch's
    index (:func:`_append_rtree`) and the count is set once, instead of a trigger and
    five geometry calls per row.
    """
    main_cols = _columns(conn, "main", name)
    tmp_cols = _columns(conn, "tmp", name)
    main_pk = next((c for c, _, pk in main_cols if pk), None)
    tmp_pk = next(c for c, _, pk in tmp_cols if pk)
    have = {c.lower(): c for c, _, _ in main_cols}
    main_geom = _geometry_column(conn, "main", name)
    tmp_geom = _geometry_column(conn, "tmp", name)
    pairs = []  # (column in main, expression over tmp)
    for col, decl, pk in tmp_cols:
        if pk:
            continue
        target = main_geom if col == tmp_geom and main_geom else have.get(col.lower())
        if target is None:  # a column the store's layer lacks: add it, as GDAL would
            conn.execute(f"ALTER TABLE main.{q(name)} ADD COLUMN {q(col)} {decl}")
            target = col
        pairs.append((target, q(col)))
    shift, start = 0, None  # shift: added to the batch's fids, 0 when the store numbered the batch
    if main_pk:
        first = conn.execute(f"SELECT min({q(tmp_pk)}) FROM tmp.{q(name)}").fetchone()[0]
        start = next_fid(conn, name)
        shift = start - first if first is not None else 0
        pairs.insert(0, (main_pk, f"{q(tmp_pk)} + {int(shift)}"))
    targets = ", ".join(q(t) for t, _ in pairs)
    exprs = ", ".join(e for _, e in pairs)
    paused = _drop_insert_triggers(conn, name)
    conn.execute(
        f"INSERT INTO main.{q(name)} ({targets}) SELECT {exprs} FROM tmp.{q(name)} ORDER BY "
        f"{q(tmp_pk)}"
    )
    _append_rtree(conn, name, shift, start, main_pk, main_geom)
    for sql in paused:
        conn.execute(sql)
    if _has_table(conn, "main", "gpkg_ogr_contents"):
        conn.execute(
            "UPDATE main.gpkg_ogr_contents SET feature_count = (SELECT count(*) FROM "
            f"main.{q(name)}) "
            "WHERE lower(table_name) = lower(?)",
            (name,),
        )
    _widen_extent(conn, name)


def _geometry_column(conn: sqlite3.Connection, schema: str, name: str) -> str | None:
    if not _has_table(conn, schema, "gpkg_geometry_columns"):
        return None
    row = conn.execute(
        f"SELECT column_name FROM {schema}.gpkg_geometry_columns WHERE lower(table_name) = "
        "lower(?)",
        (name,),
    ).fetchone()
    return row[0] if row else None


def _drop_insert_triggers(conn: sqlite3.Connection, name: str) -> list[str]:
    """Drop GDAL's per-row insert triggers of ``name``; their SQL, to create them again."""
    wanted = [f"trigger_insert_feature_count_{name}"] + [
        f"{r}_insert" for r in _rtree_names(conn, "main", name)
    ]
    found = conn.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
        f"AND name IN ({', '.join('?' * len(wanted))})",
        (name, *wanted),
    ).fetchall()
    for trigger, _ in found:
        conn.execute(f"DROP TRIGGER main.{q(trigger)}")
    return [sql for _, sql in found]


def _append_rtree(
    conn: sqlite3.Connection,
    name: str,
    shift: int,
    start: int | None,
    pk: str | None,
    geom: str | None,
) -> None:
    """Index the appended rows. When the batch's index already names the final fids and
    is the bigger tree, the layer's few old boxes go into it and it replaces the layer's
    index (a million-row append costs a copy, not a million R*-tree inserts); otherwise
    the batch's boxes go into the layer's index; a batch without an index gets its boxes
    from the geometry headers."""
    main_rtree, tmp_rtree = _rtree_names(conn, "main", name), _rtree_names(conn, "tmp", name)
    if not main_rtree or not pk or not geom or start is None:
        return
    old, rt = q(main_rtree[0]), q(tmp_rtree[0]) if tmp_rtree else None
    if rt:
        n_old, top_old = conn.execute(f"SELECT count(*), max(id) FROM main.{old}").fetchone()
        n_new, low_new = conn.execute(f"SELECT count(*), min(id) FROM tmp.{rt}").fetchone()
        if (
            shift == 0
            and n_old <= n_new
            and (top_old is None or low_new is None or top_old < low_new)
        ):
            conn.execute(f"INSERT INTO tmp.{rt} SELECT id, minx, maxx, miny, maxy FROM main.{old}")
            _copy_rtree(conn, tmp_rtree[0], main_rtree[0])
        else:
            conn.execute(
                f"INSERT OR REPLACE INTO main.{old} SELECT id + {int(shift)}, minx, maxx, miny, "
                "maxy "
                f"FROM tmp.{rt}"
            )
        return
    g = q(geom)
    conn.execute(
        f"INSERT OR REPLACE INTO main.{old} SELECT {q(pk)}, ST_MinX({g}), ST_MaxX({g}), "
        f"ST_MinY({g}), ST_MaxY({g}) FROM main.{q(name)} WHERE {q(pk)} >= {int(start)} "
        f"AND {g} IS NOT NULL AND NOT ST_IsEmpty({g})"
    )


def _widen_extent(conn: sqlite3.Connection, name: str) -> None:
    cols = ("min_x", "min_y", "max_x", "max_y")
    sel = ", ".join(cols) + ", last_change"
    old = conn.execute(
        f"SELECT {sel} FROM main.gpkg_contents WHERE lower(table_name) = lower(?)", (name,)
    ).fetchone()
    new = conn.execute(
        f"SELECT {sel} FROM tmp.gpkg_contents WHERE lower(table_name) = lower(?)", (name,)
    ).fetchone()
    if old is None or new is None:
        return
    merged = []
    for i, col in enumerate(cols):
        vals = [v for v in (old[i], new[i]) if v is not None]
        merged.append((min if col.startswith("min") else max)(vals) if vals else None)
    conn.execute(
        "UPDATE main.gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, last_change = ? "
        "WHERE lower(table_name) = lower(?)",
        (*merged, new[4], name),
    )


def _merge_meta(conn: sqlite3.Connection, table: str, *, count: bool = True) -> None:
    """Key by key: the batch's values win, other keys stay; then ``revision`` + 1 if ``count``."""
    if not _has_table(conn, "main", table):
        _create(conn, table)
    conn.execute(
        f"UPDATE main.{q(table)} AS m SET value = (SELECT t.value FROM tmp.{q(table)} AS t WHERE "
        "t.key = m.key) "
        f"WHERE m.key IN (SELECT key FROM tmp.{q(table)}) AND m.key != ?",
        (REVISION_KEY,),
    )
    conn.execute(
        f"INSERT INTO main.{q(table)} (key, value) SELECT key, value FROM tmp.{q(table)} "
        f"WHERE key NOT IN (SELECT key FROM main.{q(table)})"
    )
    if not count:
        return
    revision = str(read_revision(conn, table) + 1)
    if (
        conn.execute(
            f"UPDATE main.{q(table)} SET value = ? WHERE key = ?", (revision, REVISION_KEY)
        ).rowcount
        == 0
    ):
        conn.execute(
            f"INSERT INTO main.{q(table)} (key, value) VALUES (?, ?)", (REVISION_KEY, revision)
        )


# --- the ST_ functions GDAL's rtree triggers call (an edit by a plain sqlite3 connection
# fires them), from the GeoPackage geometry header ---


def _envelope(blob: bytes) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) of a GeoPackage geometry blob; None when empty."""
    b = bytes(blob)
    if len(b) < 8 or b[:2] != b"GP" or b[3] & 0x10:  # not a GPKG blob, or the empty flag
        return None
    kind = (b[3] >> 1) & 0x07
    if kind:  # an envelope follows the 8-byte header: minx, maxx, miny, maxy
        return struct.unpack_from("<4d" if b[3] & 1 else ">4d", b, 8)
    start = 8
    if len(b) >= start + 21 and b[start + 1 : start + 5] in (
        b"\x01\x00\x00\x00",
        b"\x00\x00\x00\x01",
    ):
        x, y = struct.unpack_from("<2d" if b[start] == 1 else ">2d", b, start + 5)  # a 2D point
        return None if x != x or y != y else (x, x, y, y)
    return _bounds_of_wkb(b[start:])


@functools.lru_cache(maxsize=8)
def _bounds_of_wkb(wkb: bytes) -> tuple[float, float, float, float] | None:
    geom = shapely.from_wkb(wkb)
    if geom.is_empty:
        return None
    minx, miny, maxx, maxy = geom.bounds
    return minx, maxx, miny, maxy


def _register_geometry_functions(conn: sqlite3.Connection) -> None:
    def is_empty(blob: bytes | None) -> int | None:
        return None if blob is None else int(_envelope(blob) is None)

    def part(i: int) -> Callable[[bytes | None], float | None]:
        def f(blob: bytes | None) -> float | None:
            env = None if blob is None else _envelope(blob)
            return None if env is None else env[i]

        return f

    conn.create_function("ST_IsEmpty", 1, is_empty, deterministic=True)
    for i, fn in enumerate(("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")):
        conn.create_function(fn, 1, part(i), deterministic=True)
