"""GeoParquet for exchanging big layers (a province's reaches, patrol points) by county.

A file is written in CGCS2000, sorted by county and then along a Hilbert curve, in row groups
of :data:`ROW_GROUP_ROWS` rows, with the GeoParquet 1.1 ``bbox`` covering column. Sorted so,
each row group holds one small area, and a reader asking for one county or one window (this
module, geopandas ``read_parquet(bbox=)``, GDAL, DuckDB) skips every row group whose
statistics miss it instead of reading the whole province.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from gis._errors import InputError
from gis.crs import STORAGE_EPSG
from gis.io.atomic import atomic_path

#: Rows per row group: small enough that one county's rows skip the rest of a province,
#: large enough that a full read is not slowed by per-group overhead.
ROW_GROUP_ROWS = 16_384
#: The column that names a row's county (as the province reports write it).
COUNTY_FIELD = "county_code"
COVERING = "bbox"


def write_geoparquet(
    frame: gpd.GeoDataFrame, path: str | Path, *, row_group_rows: int = ROW_GROUP_ROWS
) -> Path:
    """Write ``frame`` as GeoParquet with a bbox covering column, sorted for county reads.

    Parameters
    ----------
    frame : GeoDataFrame
        Any CRS (written in CGCS2000); rows sorted by ``county_code`` when it has one, then
        along a Hilbert curve.
    path : str or Path
        The file; written beside and moved into place, so a failure leaves no half file.
    row_group_rows : int
        Rows per row group (:data:`ROW_GROUP_ROWS`).

    Returns
    -------
    Path

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> f = gpd.GeoDataFrame({"county_code": ["512099", "512100"]},
    ...                      geometry=[Point(105.3, 30.3), Point(106.1, 30.9)], crs=4490)
    >>> p = write_geoparquet(f, "reaches.parquet")
    >>> read_geoparquet(p, county_code="512100")["county_code"].tolist()
    ['512100']
    """
    path = Path(path)
    out = frame.to_crs(STORAGE_EPSG) if frame.crs is not None else frame.set_crs(STORAGE_EPSG)
    if len(out):
        geom = out.geometry
        blank = geom.isna().to_numpy() | geom.is_empty.to_numpy()
        h = np.full(len(out), np.iinfo(np.int64).max)  # rows without a shape go last, kept
        if (~blank).any():
            h[~blank] = geom[~blank].hilbert_distance(total_bounds=geom[~blank].total_bounds)
        keys = [h]  # lexsort: the last key sorts first
        if COUNTY_FIELD in out:
            keys.append(out[COUNTY_FIELD].astype(str).to_numpy())
        out = out.iloc[np.lexsort(keys)]
    with atomic_path(path) as tmp:
        arrow_safe(out.reset_index(drop=True)).to_parquet(
            tmp,
            index=False,
            compression="zstd",
            write_covering_bbox=True,
            row_group_size=row_group_rows,
        )
    return path


def read_geoparquet(
    path: str | Path,
    *,
    county_code: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    columns: list[str] | None = None,
) -> gpd.GeoDataFrame:
    """Read a GeoParquet file, or only one county's rows or one window of it.

    Parameters
    ----------
    path : str or Path
    county_code : str, optional
        Only this county's rows (the file's ``county_code`` column); row groups of other
        counties are skipped by their statistics.
    bbox : (minx, miny, maxx, maxy), optional
        Only rows whose bounding box meets this window, in CGCS2000 degrees; needs the
        covering column (:func:`write_geoparquet` writes it).
    columns : list of str, optional
        Only these columns (the geometry is always read).

    Returns
    -------
    GeoDataFrame

    Raises
    ------
    InputError
        Not a (Geo)Parquet file, no geometry metadata, a county asked of a file without a
        county column, or a window asked of a file without the bbox covering column.
    """
    path = Path(path)
    try:
        schema = pq.read_schema(path)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise InputError(
            code="geoparquet.unreadable", file=str(path), params={"detail": str(exc)}
        ) from None
    geo = json.loads((schema.metadata or {}).get(b"geo", b"null") or "null")
    if not geo:
        raise InputError(code="geoparquet.no_geo", file=str(path))
    names = set(schema.names)
    if county_code is not None and COUNTY_FIELD not in names:
        raise InputError(code="geoparquet.no_county", file=str(path), field=COUNTY_FIELD)
    primary = geo.get("primary_column", "geometry")
    if bbox is not None and COVERING not in names and not _covered(geo, primary):
        raise InputError(code="geoparquet.no_covering", file=str(path))
    filters = [(COUNTY_FIELD, "=", str(county_code))] if county_code is not None else None
    return gpd.read_parquet(path, columns=columns, bbox=bbox, filters=filters)


def _covered(geo: dict[str, Any], primary: str) -> bool:
    return bool(geo.get("columns", {}).get(primary, {}).get("covering"))


def arrow_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each text column Arrow cannot type (values of mixed kinds, as registers
    have) written as text; missing values stay missing, every other column as it is."""
    out = frame.copy()
    for col in out.columns[out.dtypes.map(lambda d: d is object or d == "O")]:
        if col == getattr(out, "_geometry_column_name", None):
            continue
        try:
            pa.array(out[col], from_pandas=True)
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            out[col] = out[col].map(lambda v: None if v is None or v != v else str(v))
    return out
