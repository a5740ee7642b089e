"""Read raw track points from a (Geo)Parquet file: one row per recorded point.

The columns are those of :data:`gis.patrols.columns.RAW_COLUMNS` or the header words of
:data:`gis.patrols.read.HEADERS` (河长编号, 时间, 经度, ...); the position is the ``lon``/``lat``
columns when present (as recorded), else the point geometry. An optional ``coords`` column
names the system each point was recorded in (wgs84, cgcs2000, gcj02, bd09). Only the columns
needed are read, so a quarter of a county (millions of points) loads in seconds.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyproj
import shapely

from gis import coords as coords_mod
from gis._errors import InputError
from gis.patrols.columns import RAW_COLUMNS

MAX_POINTS = (
    20_000_000  # a county's quarter is ~5 M points; refuse anything absurd before reading it
)
OPTIONAL = (*(c for c in RAW_COLUMNS if c not in ("lon", "lat")), "coords")


def read_parquet_points(
    path: Path, name: str, headers: dict[str, tuple[str, ...]]
) -> tuple[pd.DataFrame, list[str]]:
    """Raw points of a (Geo)Parquet file, in the columns of ``read_tracks``.

    Parameters
    ----------
    path : Path
        The file.
    name : str
        How the file is named in messages.
    headers : dict
        Raw column -> accepted header words (``gis.patrols.read.HEADERS``).

    Returns
    -------
    points : DataFrame
        One row per point; ``file`` is the file's own ``file`` column when it has one
        (the source a store export recorded), else ``name``.
    notes : list of str

    Raises
    ------
    InputError
        No position (neither lon/lat columns nor a point geometry), a geometry that is not
        points, a projected CRS, unknown ``coords`` values, or too many rows.
    """
    pf = pq.ParquetFile(path)
    if pf.metadata.num_rows == 0:
        raise InputError(code="track.no_points", file=name)
    if pf.metadata.num_rows > MAX_POINTS:
        raise InputError(
            code="track.too_many_points",
            file=name,
            params={"points": pf.metadata.num_rows, "limit": MAX_POINTS},
        )
    names = list(pf.schema_arrow.names)
    cols = _columns(names, headers)
    geo = _geo_metadata(pf, name)
    notes: list[str] = []
    geom_col = geo.get("primary_column") if geo else None
    if ("lon" not in cols or "lat" not in cols) and geom_col not in names:
        raise InputError(
            code="track.no_position", file=name, field="lon, lat", params={"columns": str(names)}
        )
    wanted = list(dict.fromkeys(cols.values()))
    use_geometry = "lon" not in cols or "lat" not in cols
    if geo and (use_geometry or geom_col in names):
        _check_crs(geo["columns"].get(geom_col, {}), name)
    table = pq.read_table(path, columns=wanted + ([geom_col] if use_geometry else []))
    f = table.to_pandas()
    defaults = {
        "file": name,
        "track": 0,
        "segment": 1,
        "track_name": None,
        "chief": None,
        "patrol_ref": None,
        "point": np.arange(1, len(f) + 1),
        "time_text": None,
        "lon": np.nan,
        "lat": np.nan,
    }
    df = pd.DataFrame(
        {k: f[cols[k]] if k in cols else v for k, v in defaults.items()}, index=f.index
    )
    if "coords" in cols:
        df["coords"] = f[cols["coords"]]
    if "file" in cols:  # a store export names each point's source file; fill the gaps with this one
        df["file"] = df["file"].where(df["file"].notna(), name)
    if use_geometry:
        assert geom_col is not None  # a file with neither lon/lat nor geometry was refused above
        df["lon"], df["lat"] = _points(f[geom_col].to_numpy(), name, geom_col)
    if "coords" in cols:
        _check_systems(df["coords"], name)
    if "chief" not in cols:
        notes.append("no chief column (河长编号 / chief_id): every point needs --chief on import")
    if "time_text" not in cols:
        notes.append("no time column: duration and speed cannot be computed")
    return df, notes


def _columns(names: list[str], headers: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Raw column -> the file's column: the raw name itself first, then the header words."""
    low = {str(c).strip().lower(): c for c in names}
    out: dict[str, str] = {}
    for key in OPTIONAL + ("lon", "lat"):
        words = (key, *headers.get(key, ()))
        hit = next((low[w.lower()] for w in words if w.lower() in low), None)
        if hit is not None and hit not in out.values():
            out[key] = hit
    return out


def _geo_metadata(pf: pq.ParquetFile, name: str) -> dict | None:
    raw = (pf.schema_arrow.metadata or {}).get(b"geo")
    if raw is None:
        return None  # plain Parquet: lon/lat columns, checked as degrees like a CSV
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise InputError(
            code="parquet.broken_metadata", file=name, params={"detail": str(exc)}
        ) from exc


def _check_crs(column_meta: dict, name: str) -> None:
    """The geometry's CRS must be longitude/latitude (GeoParquet: absent means OGC:CRS84)."""
    if "crs" not in column_meta or column_meta["crs"] is None:
        return  # CRS84 by the spec, or undeclared: the degree check of read_tracks still applies
    try:
        crs = pyproj.CRS.from_user_input(column_meta["crs"])
    except pyproj.exceptions.CRSError as exc:
        raise InputError(
            code="parquet.crs_unreadable", file=name, field="geometry", params={"detail": str(exc)}
        ) from exc
    if not crs.is_geographic:
        raise InputError(
            code="parquet.not_degrees",
            file=name,
            field="geometry",
            params={"crs": crs.name, "epsg": crs.to_epsg()},
        )


def _points(wkb: np.ndarray, name: str, field: str) -> tuple[np.ndarray, np.ndarray]:
    geoms = shapely.from_wkb(wkb)
    kind = shapely.get_type_id(geoms)
    bad = (
        (kind != shapely.GeometryType.POINT) & ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    )
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            code="parquet.not_points",
            file=name,
            row=i + 1,
            field=field,
            params={"geom_type": geoms[i].geom_type},
        )
    return shapely.get_x(geoms), shapely.get_y(geoms)


def _check_systems(col: pd.Series, name: str) -> None:
    given = col.dropna().astype(str)
    bad = given[~given.isin(coords_mod.SYSTEMS)]
    if len(bad):
        raise InputError(
            code="track.unknown_system",
            file=name,
            row=int(bad.index[0]) + 1,
            field="coords",
            params={"system": str(bad.iloc[0]), "valid": list(coords_mod.SYSTEMS)},
        )
