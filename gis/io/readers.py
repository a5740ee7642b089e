"""Read any supported file into a raw frame, with the row numbers a user would quote.

Bulk reading uses pyogrio. When the bulk reader fails on a damaged file, fiona reads
it record by record and keeps everything before the damage (salvage).
"""

from __future__ import annotations

import functools
import re
import struct
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import fiona
import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import shape

from gis._errors import InputError, RiverChiefError
from gis.io import encoding as enc_mod
from gis.io import limits
from gis.io.reasons import Reason

VECTOR_SUFFIXES = {".gpkg", ".shp", ".geojson", ".json", ".kml", ".gpx"}
TABLE_SUFFIXES = {".csv", ".txt", ".xlsx", ".xlsm"}
SUPPORTED = sorted(VECTOR_SUFFIXES | TABLE_SUFFIXES | {".zip"})


@dataclass
class RawData:
    """A file's content before validation."""

    frame: pd.DataFrame
    rows: list[int]  # the number a user would quote, aligned with frame rows
    row_word: str  # "feature" for vector files, "row" for spreadsheets
    crs: object | None
    notes: list[str] = field(default_factory=list)
    lost: str | None = None  # what could not be read at all (damaged file)


_F = TypeVar("_F", bound=Callable[..., Any])


def clean_errors(reader: _F) -> _F:
    """Any failure of ``reader`` other than a :class:`RiverChiefError` becomes an InputError
    naming the file.

    Readers of damaged or hostile files fail in ways no list of exception types covers
    (GDAL, openpyxl, pandas, codecs); the user gets the file, the library's reason and a fix.

    Parameters
    ----------
    reader : callable
        ``reader(path, ..., display=None)``; ``display`` names the file in messages.

    Returns
    -------
    callable
        The same reader, raising only :class:`RiverChiefError`.
    """

    @functools.wraps(reader)
    def wrapper(path: Path, *args: Any, **kwargs: Any) -> Any:
        try:
            return reader(path, *args, **kwargs)
        except RiverChiefError:
            raise
        except MemoryError as exc:
            raise InputError(
                code="file.too_large_for_memory", file=kwargs.get("display") or str(path)
            ) from exc
        except Exception as exc:
            raise InputError(
                code="file.unreadable",
                file=kwargs.get("display") or str(path),
                params={"detail": f"{type(exc).__name__}: {_short(exc)}"},
            ) from exc

    return wrapper  # type: ignore[return-value]


@clean_errors
def read_vector(
    path: Path,
    *,
    source_layer: str | None = None,
    encoding: str | None = None,
    display: str | None = None,
) -> RawData:
    """Read a GeoPackage, Shapefile, GeoJSON, KML or GPX file within the import limits.

    Parameters
    ----------
    path : Path
        The file (a ``.shp`` with its ``.dbf``, ``.shx`` and ``.prj`` beside it).
    source_layer : str, optional
        Which layer of a file with several; required when the file has more than one.
    encoding : str, optional
        Text encoding of the attributes; a shapefile's is detected when omitted.
    display : str, optional
        The file's name in messages (e.g. ``archive.zip!rivers.shp``).

    Returns
    -------
    RawData
        The features as read (CRS as the file declares it), numbered from 1 as
        ``"feature"``; what a damaged file lost is in ``lost``.

    Raises
    ------
    InputError
        The file exceeds an import limit, cannot be opened, or is damaged beyond salvage.

    Examples
    --------
    >>> import json
    >>> from pathlib import Path
    >>> points = [{"type": "Feature", "properties": {"name": name},
    ...            "geometry": {"type": "Point", "coordinates": xy}}
    ...           for name, xy in (("清江", [105.3, 30.3]), ("黄沟", [105.4, 30.2]))]
    >>> _ = Path("wells.geojson").write_text(
    ...     json.dumps({"type": "FeatureCollection", "features": points}), encoding="utf-8")
    >>> raw = read_vector(Path("wells.geojson"))
    >>> raw.frame["name"].tolist(), raw.rows, raw.row_word, raw.crs.to_epsg()
    (['清江', '黄沟'], [1, 2], 'feature', 4326)
    """
    name = display or str(path)
    notes: list[str] = []
    lim = limits.current()
    for part in (path, path.with_suffix(".dbf")) if path.suffix.lower() == ".shp" else (path,):
        size = part.stat().st_size if part.exists() else 0
        if size > lim["max_file_bytes"]:
            raise limits.refuse(
                lim,
                "max_file_bytes",
                f"bytes in {part.name}",
                size,
                file=name,
                fix="split the layer into several files",
            )
    if path.suffix.lower() == ".shp" and encoding is None:
        encoding, how = enc_mod.dbf_encoding(path)
        notes.append(how)
        if not (path.with_suffix(".prj").exists() or path.with_suffix(".PRJ").exists()):
            notes.append(Reason("note.no_prj"))
    if path.suffix.lower() in (".geojson", ".json"):
        _check_json_keys(path, name, lim)
    try:
        layers = [row[0] for row in pyogrio.list_layers(path)]
    except Exception as exc:
        raise InputError(code="file.not_gis", file=name, params={"detail": _short(exc)}) from exc
    layer = _pick_layer(path, layers, source_layer, name)
    _check_size(path, layer, name, lim)
    kwargs = {"encoding": encoding} if encoding else {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = pyogrio.read_dataframe(path, layer=layer, **kwargs)
        raw = RawData(gdf, list(range(1, len(gdf) + 1)), "feature", gdf.crs, notes)
    except Exception as exc:
        code = (
            "note.salvaging_encoding" if isinstance(exc, UnicodeDecodeError) else "note.salvaging"
        )
        notes.append(Reason(code, {"detail": _short(exc)}))
        raw = _salvage(path, layer, encoding, name, notes, lim)
    if path.suffix.lower() == ".shp":
        raw.lost = _dbf_shortfall(path, len(raw.frame)) or raw.lost
    return raw


_JSON_KEY = re.compile(rb'"((?:[^"\\]|\\.){0,200})"\s*:')
_JSON_SLACK = (
    100  # keys GeoJSON itself uses (type, features, geometry, coordinates, crs, ...) and then some
)


def _check_json_keys(path: Path, name: str, lim: limits.Limits) -> None:
    """Refuse a GeoJSON with more distinct keys than ``max_columns`` allows, before GDAL
    builds its schema.

    GDAL makes a field of every property name in the file; a million names cost it seconds
    and more than a gigabyte just to say how many fields there are.
    """
    keys: set[bytes] = set()
    cap = lim["max_columns"] + _JSON_SLACK
    tail = b""
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            data = tail + chunk
            keys.update(m.group(1) for m in _JSON_KEY.finditer(data))
            if len(keys) > cap:
                raise limits.refuse(
                    lim,
                    "max_columns",
                    "distinct property names in the file, at least",
                    len(keys),
                    file=name,
                    fix="keep only the properties the layer needs, or split the file",
                )
            tail = data[-256:]


def _check_size(path: Path, layer: str, name: str, lim: limits.Limits) -> None:
    """Refuse too many columns, features or cells from the layer's header, before reading it."""
    try:
        info = pyogrio.read_info(path, layer=layer)
    except Exception:
        return  # a damaged file: the readers below salvage what they can, within the same limits
    n_fields, n_features = len(info.get("fields", ())), int(info.get("features") or 0)
    fix = "keep only the fields the layer needs, or split the layer into several files"
    if n_fields > lim["max_columns"]:
        raise limits.refuse(lim, "max_columns", "fields in the layer", n_fields, file=name, fix=fix)
    if n_features > lim["max_rows"]:
        raise limits.refuse(
            lim, "max_rows", "features in the layer", n_features, file=name, fix=fix
        )
    if n_features * (n_fields + 1) > lim["max_cells"]:
        raise limits.refuse(
            lim,
            "max_cells",
            "cells (features x fields)",
            n_features * (n_fields + 1),
            file=name,
            fix=fix,
        )


def _dbf_shortfall(shp: Path, n_read: int) -> str | None:
    """What a cut-off .dbf lost: its header says how many records it should hold."""
    dbf = next((p for p in (shp.with_suffix(".dbf"), shp.with_suffix(".DBF")) if p.exists()), None)
    if dbf is None:
        return None
    with open(dbf, "rb") as f:
        head = f.read(12)
    if len(head) < 12:
        return Reason("lost.dbf_header", {"read": n_read})
    promised, header_len, record_len = struct.unpack("<IHH", head[4:12])
    whole = (dbf.stat().st_size - header_len) // record_len if record_len else 0
    if n_read >= promised and whole >= promised:
        return None
    counts = {"promised": promised, "whole": max(whole, 0), "read": n_read}
    return Reason("lost.dbf_short", {**counts, "missing": promised - n_read})


def _pick_layer(path: Path, layers: list[str], wanted: str | None, name: str) -> str:
    if wanted:
        if wanted not in layers:
            raise InputError(
                code="file.no_such_layer",
                file=name,
                params={"layer": str(wanted), "layers": [str(n) for n in layers]},
            )
        return wanted
    if path.suffix.lower() == ".gpx":
        return "tracks" if "tracks" in layers else layers[0]
    if len(layers) == 1:
        return layers[0]
    if not layers:
        raise InputError(code="file.no_layer", file=name)
    raise InputError(
        code="file.several_layers", file=name, params={"layers": [str(n) for n in layers]}
    )


def _salvage(
    path: Path, layer: str, encoding: str | None, name: str, notes: list[str], lim: limits.Limits
) -> RawData:
    records, rows, lost = [], [], None
    try:
        with fiona.open(path, layer=layer, **({"encoding": encoding} if encoding else {})) as src:
            crs = src.crs.to_wkt() if src.crs else None
            it = iter(src)
            i = 0
            while True:
                i += 1
                try:
                    feat = next(it)
                except StopIteration:
                    break
                except Exception as exc:  # the reader cannot go on past a broken record
                    lost = Reason("lost.features_from", {"feature": i, "detail": _short(exc)})
                    break
                if i > lim["max_rows"] or len(feat["properties"]) > lim["max_columns"]:
                    raise limits.refuse(
                        lim,
                        "max_rows" if i > lim["max_rows"] else "max_columns",
                        "features" if i > lim["max_rows"] else "fields",
                        max(i, len(feat["properties"])),
                        file=name,
                        fix="split the layer into several files",
                    )
                props = dict(feat["properties"])
                try:
                    props["geometry"] = shape(feat["geometry"]) if feat["geometry"] else None
                except Exception as exc:
                    props["geometry"] = None
                    why = {"feature": i, "detail": _short(exc)}
                    notes.append(Reason("note.geometry_unreadable", why))
                records.append(props)
                rows.append(i)
    except RiverChiefError:
        raise
    except Exception as exc:
        raise InputError(code="file.damaged", file=name, params={"detail": _short(exc)}) from exc
    if not records:
        raise InputError(
            code="file.damaged",
            file=name,
            params={"detail": str(lost or "no record could be read")},
        )
    gdf = gpd.GeoDataFrame(records, geometry="geometry", crs=crs)
    return RawData(gdf, rows, "feature", gdf.crs, notes, lost)


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]
