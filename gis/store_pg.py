"""A county store in PostGIS: the :class:`gis.store.Store` protocol for many offices.

One database holds many counties. Every catalogue layer is one table of schema
``riverchief`` with a ``rc_county`` column, and a :class:`PostGISStore` is one county's view
of them, opened as ``postgresql://HOST/DB?county=512099`` (the ``county`` parameter is ours;
the rest is libpq's). Tables are created from the catalogue: its columns typed as it says
(dates as ISO text, as in the GeoPackage), ``geom geometry(Geometry, 4490)`` with a GiST
index, and a ``jsonb`` column ``extra`` that keeps the columns the catalogue does not know.

A write is one transaction: a replace deletes and re-inserts that county's rows of the
layer, an append inserts. Writers of different counties touch different rows and never
wait for each other; writers of one county are serialised by a transaction-level advisory
lock on the county, so each lands whole and none is lost. A failed write rolls back.

Offices: :func:`grant_office` makes a database role write only its own county's rows,
checked by the server (row-level security), and read every county.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import geopandas as gpd
import pandas as pd
import shapely

from gis import catalogue
from gis._errors import StoreError
from gis.crs import STORAGE_EPSG
from gis.datasets import URL_SCHEMES
from gis.store import SCHEMA_VERSION, Modes, conform, empty_frame, prepare, write_modes

SCHEMA = "riverchief"
COUNTY = "rc_county"  # not a catalogue field name: no layer can shadow it
REVISION_KEY = "revision"  # as the GeoPackage's meta table
_SQL_TYPES = {
    "str": "text",
    "int": "bigint",
    "float": "double precision",
    "bool": "boolean",
    "date": "text",
    "datetime": "text",
}
_DDL_LOCK = 0x52435F4444  # one advisory lock id for creating the tables


def is_postgis_url(data: str | object) -> bool:
    """Whether ``data`` names a PostGIS store rather than a file."""
    return isinstance(data, str) and data.startswith(URL_SCHEMES)


def split_url(url: str) -> tuple[str, str]:
    """``(libpq URL without our county parameter, county code)``.

    Raises
    ------
    StoreError
        No ``county=`` parameter.
    """
    base, _, qs = url.partition("?")  # by hand: urlunsplit drops the empty host of "///db"
    query = parse_qsl(qs, keep_blank_values=True)
    county = [v for k, v in query if k == "county"]
    if not county or not county[0]:
        raise StoreError(code="store.pg_no_county", params={"url": redact(url)})
    rest = urlencode([(k, v) for k, v in query if k != "county"], safe="/")
    return base + (f"?{rest}" if rest else ""), county[0]


def display_name(url: str) -> str:
    """How a PostGIS store is named to users: its database and county, no password."""
    dsn, county = split_url(url)
    db = urlsplit(dsn).path.lstrip("/") or "postgres"
    return f"PostGIS {db} · {county}"


def postgis_stem(url: str) -> str:
    """A file stem for the store's exports: ``<database>-<county>``."""
    dsn, county = split_url(url)
    return f"{urlsplit(dsn).path.lstrip('/') or 'postgres'}-{county}"


def redact(url: str) -> str:
    """The URL without its password (in the address or as ``password=``), for messages
    and reports; a path is itself."""
    base, mark, qs = url.partition("?")
    password = urlsplit(base).password if is_postgis_url(base) else None
    if password is not None:
        base = base.replace(f":{password}@", ":***@", 1)
    if qs:
        pairs = parse_qsl(qs, keep_blank_values=True)
        qs = urlencode([(k, "***" if k == "password" else v) for k, v in pairs], safe="/*")
    return base + mark + qs


class PostGISStore:
    """One county of a PostGIS database, as a :class:`gis.store.Store`.

    Parameters
    ----------
    url : str
        ``postgresql://USER@HOST:PORT/DB?county=CODE`` (any libpq URL plus ``county``).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.dsn, self.county = split_url(url)

    def __repr__(self) -> str:
        return f"PostGISStore({redact(self.url)!r})"

    @contextmanager
    def _connect(self) -> Iterator[Any]:
        import psycopg

        try:
            conn = psycopg.connect(self.dsn, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(
                code="store.pg_unreachable",
                params={"url": redact(self.url), "detail": str(exc).strip()},
            ) from None
        try:
            with conn:  # commits on success, rolls back on an exception
                yield conn
        except psycopg.Error as exc:
            raise StoreError(
                code="store.pg_failed",
                params={"url": redact(self.url), "detail": str(exc).strip()},
            ) from None
        finally:
            conn.close()

    def exists(self) -> bool:
        """Whether this county has been written to (it has meta rows)."""
        return bool(self.meta())

    def layers(self) -> list[str]:
        """The layers this county holds, in the order first written."""
        with self._connect() as conn:
            if not _has_schema(conn):
                return []
            rows = conn.execute(
                f"SELECT layer FROM {SCHEMA}.layers WHERE {COUNTY} = %s ORDER BY id",
                (self.county,),
            ).fetchall()
        return [r[0] for r in rows]

    def read(
        self, name: str, *, bbox: tuple[float, float, float, float] | None = None
    ) -> pd.DataFrame:
        """This county's rows of a layer, as :meth:`gis.store.GeoPackageStore.read`."""
        layer = catalogue.get_layer(name)
        if name not in self.layers():
            return empty_frame(name)
        cols = ", ".join(f'"{f}"' for f in layer.field_names)
        geom = ", ST_AsBinary(geom)" if layer.geometry else ""
        where = f"{COUNTY} = %s"
        args: list[Any] = [self.county]
        if bbox is not None and layer.geometry:
            where += f" AND geom && ST_MakeEnvelope(%s, %s, %s, %s, {STORAGE_EPSG})"
            args += list(bbox)
        with self._connect() as conn:
            rows = conn.execute(
                f'SELECT {cols}, extra{geom} FROM {SCHEMA}."{name}" WHERE {where} ORDER BY fid',
                args,
            ).fetchall()
        n = len(layer.field_names)
        df = pd.DataFrame([r[:n] for r in rows], columns=layer.field_names, dtype=object)
        extra = pd.DataFrame([r[n] or {} for r in rows], index=df.index)
        df = pd.concat([df, extra], axis=1) if len(extra.columns) else df
        if layer.geometry:
            wkb = [r[n + 1] for r in rows]
            df = gpd.GeoDataFrame(
                df,
                geometry=shapely.from_wkb([bytes(b) if b else None for b in wkb]),
                crs=STORAGE_EPSG,
            )
        return conform(df, name)

    def meta(self) -> dict[str, str]:
        """This county's key/value facts."""
        with self._connect() as conn:
            if not _has_schema(conn):
                return {}
            rows = conn.execute(
                f"SELECT key, value FROM {SCHEMA}.meta WHERE {COUNTY} = %s ORDER BY key",
                (self.county,),
            ).fetchall()
        return dict(rows)

    def snapshot(self) -> bytes:
        """This county as the bytes of a GeoPackage (every layer and fact): the download
        a GeoPackage store gives of its file."""
        import tempfile
        from pathlib import Path

        from gis.store import GeoPackageStore

        with tempfile.TemporaryDirectory(prefix="riverchief-snapshot-") as tmp:
            out = Path(tmp) / "county.gpkg"
            copy_store(self, GeoPackageStore(out))
            return out.read_bytes()

    def version(self) -> str:
        """``postgis:<county>:<revision>``: changes with every write of this county."""
        return f"postgis:{self.county}:{self.meta().get(REVISION_KEY, '0')}"

    def write(
        self,
        tables: Mapping[str, pd.DataFrame],
        *,
        mode: Modes = "replace",
        meta: Mapping[str, str] | None = None,
    ) -> None:
        """Write several layers of this county in one transaction: all land, or none.

        Parameters
        ----------
        tables : mapping of layer name to frame
            Spatial frames in EPSG:4490.
        mode : {"replace", "append"} or mapping of layer name to one of them
        meta : mapping, optional
            Facts to merge into this county's meta.

        Raises
        ------
        StoreError
            The server cannot be reached, refuses the write (another county's rows for an
            office role, a full disk ...); nothing is then written.
        """
        modes = write_modes(tables, mode)
        prepared = {name: prepare(name, df) for name, df in tables.items()}
        other = (meta or {}).get("county_code")
        if other and other != self.county:  # one county's facts never land on another's rows
            raise StoreError(
                code="store.copy_other_county",
                params={"src": "meta", "dst": repr(self), "code": other, "other": self.county},
            )
        with self._connect() as conn:
            ensure_schema(conn)
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_county_lock(self.county),))
            for name, df in prepared.items():
                if modes[name] == "replace":
                    conn.execute(
                        f'DELETE FROM {SCHEMA}."{name}" WHERE {COUNTY} = %s', (self.county,)
                    )
                _insert(conn, self.county, name, df)
                conn.execute(
                    f"INSERT INTO {SCHEMA}.layers ({COUNTY}, layer) VALUES (%s, %s) "
                    "ON CONFLICT DO NOTHING",
                    (self.county, name),
                )
            old = dict(
                conn.execute(
                    f"SELECT key, value FROM {SCHEMA}.meta WHERE {COUNTY} = %s", (self.county,)
                ).fetchall()
            )
            new = {"schema_version": SCHEMA_VERSION, "crs": f"EPSG:{STORAGE_EPSG}", **(meta or {})}
            versioned = any(n not in catalogue.UNVERSIONED_LAYERS for n in modes)
            if REVISION_KEY not in old:
                new[REVISION_KEY] = "1"
            elif versioned:
                new[REVISION_KEY] = str(int(old[REVISION_KEY]) + 1)
            for k, v in new.items():
                conn.execute(
                    f"INSERT INTO {SCHEMA}.meta ({COUNTY}, key, value) VALUES (%s, %s, %s) "
                    f"ON CONFLICT ({COUNTY}, key) DO UPDATE SET value = EXCLUDED.value",
                    (self.county, k, str(v)),
                )


def county_urls(url: str) -> list[str]:
    """The store URL of every county a PostGIS database holds (``url`` without ``county=``),
    sorted by county code; just ``url`` when it names a county.

    Raises
    ------
    StoreError
        The database cannot be reached.
    """
    import psycopg

    if "county" in dict(parse_qsl(url.partition("?")[2])):
        return [url]
    try:
        with psycopg.connect(url, connect_timeout=10) as conn:
            if not _has_schema(conn):
                return []
            codes = [
                r[0]
                for r in conn.execute(
                    f"SELECT DISTINCT {COUNTY} FROM {SCHEMA}.meta ORDER BY {COUNTY}"
                ).fetchall()
            ]
    except psycopg.Error as exc:
        raise StoreError(
            code="store.pg_unreachable", params={"url": redact(url), "detail": str(exc).strip()}
        ) from None
    join = "&" if "?" in url else "?"
    return [f"{url}{join}county={c}" for c in codes]


def open_data(data: str | Any) -> Any:
    """The store ``data`` names: a :class:`PostGISStore` for a ``postgresql://`` URL, else a
    :class:`gis.store.GeoPackageStore` for a path."""
    from gis.store import GeoPackageStore

    return PostGISStore(data) if is_postgis_url(data) else GeoPackageStore(data)


def _county_lock(county: str) -> int:
    return zlib.crc32(f"riverchief:{county}".encode())


def _has_schema(conn: Any) -> bool:
    return conn.execute("SELECT to_regclass(%s)", (f"{SCHEMA}.meta",)).fetchone()[0] is not None


def ensure_schema(conn: Any) -> None:
    """Create the schema, the meta and layers tables and one table per catalogue layer, as
    far as they are missing (under one advisory lock: two first writers do not race)."""
    if _has_schema(conn) and all(
        conn.execute("SELECT to_regclass(%s)", (f'{SCHEMA}."{lay.name}"',)).fetchone()[0]
        for lay in catalogue.LAYERS
    ):
        return
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_DDL_LOCK,))
    # public, not the first schema on the path (ours, when the owner role is named so):
    # every office role must see the geometry type and functions
    conn.execute("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public")
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {SCHEMA}.meta ({COUNTY} text NOT NULL, key text NOT NULL,"
        f" value text, PRIMARY KEY ({COUNTY}, key))"
    )
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {SCHEMA}.layers (id bigserial, {COUNTY} text NOT NULL,"
        f" layer text NOT NULL, PRIMARY KEY ({COUNTY}, layer))"
    )
    for lay in catalogue.LAYERS:
        cols = ", ".join(f'"{f.name}" {_SQL_TYPES[f.dtype]}' for f in lay.fields)
        geom = f", geom geometry(Geometry, {STORAGE_EPSG})" if lay.geometry else ""
        table = f'{SCHEMA}."{lay.name}"'
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {table} (fid bigserial PRIMARY KEY,"
            f" {COUNTY} text NOT NULL, {cols}, extra jsonb{geom})"
        )
        conn.execute(f'CREATE INDEX IF NOT EXISTS "{lay.name}_county" ON {table} ({COUNTY})')
        if lay.geometry:
            conn.execute(
                f'CREATE INDEX IF NOT EXISTS "{lay.name}_geom" ON {table} USING gist (geom)'
            )


def _insert(conn: Any, county: str, name: str, df: pd.DataFrame) -> None:
    """COPY the rows of one prepared frame into the layer's table."""
    if len(df) == 0:
        return
    layer = catalogue.get_layer(name)
    fields = layer.field_names
    geo = isinstance(df, gpd.GeoDataFrame) and layer.geometry is not None
    extras = [c for c in df.columns if c not in fields and not (geo and c == df.geometry.name)]
    plain = pd.DataFrame(df[fields + extras]).astype(object)
    plain = plain.where(plain.notna(), None)
    ewkb: list[str | None] = []
    if geo:
        g = shapely.set_srid(df.geometry.values.to_numpy(), STORAGE_EPSG)
        ewkb = [None if x is None else x for x in shapely.to_wkb(g, hex=True, include_srid=True)]
    cols = ", ".join(f'"{f}"' for f in fields)
    marks = (
        ", ".join(["%s"] * (len(fields) + 1)) + ", %s::jsonb" + (", %s::geometry" if geo else "")
    )
    sql = (
        f'INSERT INTO {SCHEMA}."{name}" ({COUNTY}, {cols}, extra{", geom" if geo else ""}) '
        f"VALUES ({marks})"
    )
    rows = []
    for i, row in enumerate(plain.itertuples(index=False, name=None)):
        # every extra column in every row, blanks too: read back in the order written
        extra = {c: _plain_value(v) for c, v in zip(extras, row[len(fields) :], strict=True)}
        out = [county, *(_plain_value(v) for v in row[: len(fields)])]
        out.append(json.dumps(extra, ensure_ascii=False, default=str) if extra else None)
        if geo:
            out.append(ewkb[i])
        rows.append(out)
    # INSERT, not COPY: row-level security (an office's own county) does not apply to COPY;
    # psycopg pipelines executemany, so it is one round trip per batch, not per row
    with conn.cursor() as cur:
        cur.executemany(sql, rows)


def _plain_value(v: Any) -> Any:
    """A cell as COPY writes it: numpy scalars as Python values."""
    return v.item() if hasattr(v, "item") else v


def grant_office(url: str, role: str, *, password: str | None = None) -> None:
    """Let database role ``role`` read every county and write only the county of ``url``,
    enforced by the server with row-level security (a city office: call it once per county).

    Parameters
    ----------
    url : str
        A superuser's (or the tables' owner's) URL with ``county=`` the office's county.
    role : str
        The office's login role; created (with ``password``) when missing.
    password : str, optional
        The role's password when it is created.
    """
    from psycopg import sql

    store = PostGISStore(url)
    with store._connect() as conn:
        ensure_schema(conn)
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        if not exists:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(password)
                )
            )
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {SCHEMA}.offices (role name NOT NULL,"
            f" {COUNTY} text NOT NULL, PRIMARY KEY (role, {COUNTY}))"
        )
        conn.execute(
            f"INSERT INTO {SCHEMA}.offices VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (role, store.county),
        )
        ident = sql.Identifier(role)
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA riverchief TO {}").format(ident))
        conn.execute(
            sql.SQL(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA riverchief TO {}"
            ).format(ident)
        )
        conn.execute(
            sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA riverchief TO {}").format(ident)
        )
        conn.execute(
            sql.SQL("REVOKE INSERT, UPDATE, DELETE ON riverchief.offices FROM {}").format(ident)
        )
        own = f"{COUNTY} IN (SELECT {COUNTY} FROM {SCHEMA}.offices WHERE role = current_user)"
        tables = ["meta", "layers", *(lay.name for lay in catalogue.LAYERS)]
        for t in tables:
            table = f'{SCHEMA}."{t}"'
            conn.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            for policy, body in (
                ("rc_read", "FOR SELECT USING (true)"),
                ("rc_write", f"FOR INSERT WITH CHECK ({own})"),
                ("rc_change", f"FOR UPDATE USING ({own}) WITH CHECK ({own})"),
                ("rc_delete", f"FOR DELETE USING ({own})"),
            ):
                conn.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
                conn.execute(f"CREATE POLICY {policy} ON {table} {body}")


def copy_store(src: Any, dst: Any, *, layers: list[str] | None = None) -> dict[str, int]:
    """Copy a county's layers and facts from one store to another, in one write.

    GeoPackage → PostGIS and back loses nothing: every catalogue column, the columns the
    catalogue does not know, the geometries and the meta facts (but the revision, which is
    the destination's own).

    Parameters
    ----------
    src, dst : Store
        E.g. :func:`open_data` of a path or a ``postgresql://`` URL.
    layers : list of str, optional
        Only these layers; every layer ``src`` holds by default.

    Returns
    -------
    dict of str to int
        Rows copied per layer.

    Raises
    ------
    StoreError
        ``src`` has no county, or ``dst`` holds (or, for PostGIS, names) another county:
        counties are never mixed.
    """
    meta = {k: v for k, v in src.meta().items() if k != REVISION_KEY}
    code = meta.get("county_code")
    if not code:
        raise StoreError(code="store.copy_no_county", params={"src": repr(src)})
    theirs = getattr(dst, "county", None) or dst.meta().get("county_code")
    if theirs and theirs != code:
        raise StoreError(
            code="store.copy_other_county",
            params={"src": repr(src), "dst": repr(dst), "code": code, "other": theirs},
        )
    tables = {n: src.read(n) for n in (layers or src.layers())}
    dst.write(tables, meta=meta)
    return {n: len(t) for n, t in tables.items()}
