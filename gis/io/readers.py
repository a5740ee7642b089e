"""Read any supported file into a raw frame, with the row numbers a user would quote.

Bulk reading uses pyogrio. When the bulk reader fails on a damaged file, fiona reads
it record by record and keeps everything before the damage (salvage).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import fiona
import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import shape

from gis._errors import InputError
from gis.io import encoding as enc_mod

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


def read_vector(path: Path, *, source_layer: str | None = None, encoding: str | None = None,
                display: str | None = None) -> RawData:
    """Read a GeoPackage, Shapefile, GeoJSON, KML or GPX file."""
    name = display or str(path)
    notes: list[str] = []
    if path.suffix.lower() == ".shp" and encoding is None:
        encoding, how = enc_mod.dbf_encoding(path)
        notes.append(f"encoding: {encoding or 'as declared'} ({how})")
        if not (path.with_suffix(".prj").exists() or path.with_suffix(".PRJ").exists()):
            notes.append("no .prj file: the CRS is unknown")
    try:
        layers = [row[0] for row in pyogrio.list_layers(path)]
    except Exception as exc:
        raise InputError(f"cannot open as a GIS file ({_short(exc)})", file=name,
                         fix="check the file is complete and of the type its name says; re-export it") from exc
    layer = _pick_layer(path, layers, source_layer, name)
    kwargs = {"encoding": encoding} if encoding else {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = pyogrio.read_dataframe(path, layer=layer, **kwargs)
        crs = gdf.crs
        return RawData(gdf, list(range(1, len(gdf) + 1)), "feature", crs, notes)
    except Exception as exc:
        hint = "; text that is not UTF-8 may need --encoding GBK" if isinstance(exc, UnicodeDecodeError) else ""
        notes.append(f"bulk reader failed ({_short(exc)}); salvaging record by record{hint}")
    return _salvage(path, layer, encoding, name, notes)


def _pick_layer(path: Path, layers: list[str], wanted: str | None, name: str) -> str:
    if wanted:
        if wanted not in layers:
            raise InputError(f"no layer '{wanted}' in the file; it has {layers}", file=name,
                             fix="pass one of those names with --source-layer")
        return wanted
    if path.suffix.lower() == ".gpx":
        return "tracks" if "tracks" in layers else layers[0]
    if len(layers) == 1:
        return layers[0]
    if not layers:
        raise InputError("the file holds no layer", file=name, fix="check it was exported completely")
    raise InputError(f"the file has several layers {layers}", file=name, fix="choose one with --source-layer NAME")


def _salvage(path: Path, layer: str, encoding: str | None, name: str, notes: list[str]) -> RawData:
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
                    lost = f"features from {i} on could not be read ({_short(exc)})"
                    break
                props = dict(feat["properties"])
                try:
                    props["geometry"] = shape(feat["geometry"]) if feat["geometry"] else None
                except Exception as exc:
                    props["geometry"] = None
                    notes.append(f"feature {i}: geometry unreadable ({_short(exc)})")
                records.append(props)
                rows.append(i)
    except Exception as exc:
        raise InputError(f"the file is damaged and no record could be read ({_short(exc)})", file=name,
                         fix="re-export the layer from its source; check the copy is complete") from exc
    if not records:
        raise InputError(f"the file is damaged: {lost or 'no record could be read'}", file=name,
                         fix="re-export the layer from its source; check the copy is complete")
    gdf = gpd.GeoDataFrame(records, geometry="geometry", crs=crs)
    return RawData(gdf, rows, "feature", gdf.crs, notes, lost)


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]
