"""The county store: one GeoPackage per county, in CGCS2000 (EPSG:4490).

The interface is deliberately narrow (``layers``, ``read``, ``write``, ``meta``) so that a
PostGIS-backed store can implement :class:`Store` later without touching callers.
Writes are atomic: the whole batch goes into a copy next to the file, which then
replaces the original with ``os.replace``. A failure at any point leaves the original
file byte-for-byte unchanged.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj

from gis import catalogue
from gis._errors import StoreError
from gis.crs import STORAGE_EPSG

META_TABLE = "meta"
SCHEMA_VERSION = "1"


class Store(Protocol):
    """What every county store offers. A PostGIS store would implement the same."""

    def layers(self) -> list[str]: ...

    def read(self, name: str, *, bbox: tuple[float, float, float, float] | None = None) -> pd.DataFrame: ...

    def write(self, tables: Mapping[str, pd.DataFrame], *, mode: str = "replace") -> None: ...

    def meta(self) -> dict[str, str]: ...


def empty_frame(name: str) -> pd.DataFrame:
    """An empty frame with the catalogue schema of ``name``."""
    layer = catalogue.get_layer(name)
    cols = {f.name: pd.Series(dtype=_pandas_dtype(f.dtype)) for f in layer.fields}
    df = pd.DataFrame(cols)
    if layer.geometry is None:
        return df
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries([], crs=STORAGE_EPSG), crs=STORAGE_EPSG)


def _pandas_dtype(dtype: str) -> str:
    return {"str": "object", "int": "Int64", "float": "float64", "bool": "boolean"}.get(dtype, "object")


def conform(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Order and type the columns of ``df`` as the catalogue says; extra columns are kept last."""
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


def _iso(v):
    if v is None:
        return None
    if hasattr(v, "isoformat"):
        text = v.isoformat()
        return text[:-9] if text.endswith("T00:00:00") else text
    return str(v)


class GeoPackageStore:
    """A county store in one GeoPackage file.

    Parameters
    ----------
    path : str or Path
        The ``.gpkg`` file. It need not exist yet; :meth:`write` creates it.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"GeoPackageStore({str(self.path)!r})"

    def exists(self) -> bool:
        return self.path.exists()

    def layers(self) -> list[str]:
        """Names of the layers and tables in the file (without the meta table)."""
        if not self.exists():
            return []
        try:
            names = [row[0] for row in pyogrio.list_layers(self.path)]
        except Exception as exc:  # a corrupt or non-GeoPackage file
            raise StoreError(f"cannot open store {self.path}: {exc}. Fix: check the file is a GeoPackage") from exc
        return [n for n in names if n != META_TABLE]

    def read(self, name: str, *, bbox: tuple[float, float, float, float] | None = None) -> pd.DataFrame:
        """Read a layer or table; a layer the file lacks reads as empty with its schema.

        Parameters
        ----------
        name : str
            A catalogue layer name (see :data:`gis.catalogue.LAYER_NAMES`).
        bbox : tuple, optional
            (minx, miny, maxx, maxy) in EPSG:4490 to read a window of a spatial layer.
        """
        layer = catalogue.get_layer(name)
        if name not in self.layers():
            return empty_frame(name)
        kwargs = {"bbox": bbox} if bbox and layer.geometry else {}
        try:
            df = pyogrio.read_dataframe(self.path, layer=name, **kwargs)
        except Exception as exc:
            raise StoreError(f"cannot read layer '{name}' from {self.path}: {exc}") from exc
        return conform(df, name)

    def read_all(self) -> dict[str, pd.DataFrame]:
        """Every catalogue layer, keyed by name (empty frames for absent layers)."""
        return {name: self.read(name) for name in catalogue.LAYER_NAMES}

    def meta(self) -> dict[str, str]:
        """Key/value facts about the county (name, code, GK zone, schema version)."""
        if not self.exists() or META_TABLE not in [r[0] for r in pyogrio.list_layers(self.path)]:
            return {}
        df = pyogrio.read_dataframe(self.path, layer=META_TABLE)
        return dict(zip(df["key"], df["value"], strict=True))

    def write(
        self,
        tables: Mapping[str, pd.DataFrame],
        *,
        mode: str = "replace",
        meta: Mapping[str, str] | None = None,
    ) -> None:
        """Write several layers in one atomic step.

        Parameters
        ----------
        tables : mapping of layer name to frame
            Spatial frames must be in EPSG:4490 (call ``to_crs(4490)`` first).
        mode : {"replace", "append"}
            Replace each named layer, or append rows to it.
        meta : mapping, optional
            Facts to merge into the meta table.
        """
        if mode not in ("replace", "append"):
            raise ValueError(f"mode must be 'replace' or 'append', not {mode!r}")
        prepared = {name: self._prepare(name, df) for name, df in tables.items()}
        if mode == "append":
            prepared = {n: _concat(self.read(n), df) for n, df in prepared.items()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp.gpkg", dir=self.path.parent)
        os.close(fd)
        tmp_path = Path(tmp)
        try:
            if self.exists():
                shutil.copy2(self.path, tmp_path)
            else:
                tmp_path.unlink()
            merged_meta = {**self.meta(), "schema_version": SCHEMA_VERSION, "crs": f"EPSG:{STORAGE_EPSG}", **(meta or {})}
            for name, df in prepared.items():
                _write_layer(tmp_path, name, df)
            _write_layer(tmp_path, META_TABLE, pd.DataFrame({"key": list(merged_meta), "value": [str(v) for v in merged_meta.values()]}))
            with open(tmp_path, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp_path, self.path)
        except Exception as exc:
            with contextlib.suppress(FileNotFoundError):
                tmp_path.unlink()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"writing {self.path} failed, the store is unchanged: {exc}") from exc

    def _prepare(self, name: str, df: pd.DataFrame) -> pd.DataFrame:
        return _prepare(name, df)


def _prepare(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Check the CRS and conform the columns of a frame about to be stored."""
    layer = catalogue.get_layer(name)
    if layer.geometry is not None:
        if not isinstance(df, gpd.GeoDataFrame) or df.crs is None:
            raise StoreError(f"layer '{name}' needs a GeoDataFrame with a CRS")
        if not df.crs.equals(pyproj.CRS.from_epsg(STORAGE_EPSG)):
            raise StoreError(f"layer '{name}' is in {df.crs.to_string()}; the store keeps EPSG:{STORAGE_EPSG}. Fix: call to_crs({STORAGE_EPSG}) first")
    return conform(df, name)


def _concat(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    if len(old) == 0:
        return new
    out = pd.concat([old, new], ignore_index=True)
    return gpd.GeoDataFrame(out, geometry=new.geometry.name, crs=new.crs) if isinstance(new, gpd.GeoDataFrame) else out


def _write_layer(path: Path, name: str, df: pd.DataFrame) -> None:
    kwargs = {}
    if isinstance(df, gpd.GeoDataFrame):
        geom_type = catalogue.get_layer(name).geometry
        kwargs["geometry_type"] = geom_type
        kwargs["promote_to_multi"] = geom_type.startswith("Multi")
    pyogrio.write_dataframe(df, path, layer=name, driver="GPKG", layer_options={"OVERWRITE": "YES"}, **kwargs)


class MemoryStore:
    """The :class:`Store` interface over frames held in memory: a province partition
    handed to a worker, a benchmark, or a what-if that must not touch the file."""

    def __init__(self, tables: Mapping[str, pd.DataFrame] | None = None, *, meta: Mapping[str, str] | None = None) -> None:
        self._tables: dict[str, pd.DataFrame] = {}
        self._meta = dict(meta or {})
        if tables:
            self.write(tables)

    def layers(self) -> list[str]:
        return list(self._tables)

    def read(self, name: str, *, bbox: tuple[float, float, float, float] | None = None) -> pd.DataFrame:
        catalogue.get_layer(name)  # unknown names raise, listing the valid ones
        df = self._tables.get(name)
        if df is None:
            return empty_frame(name)
        if bbox is not None and isinstance(df, gpd.GeoDataFrame):
            df = df.cx[bbox[0]:bbox[2], bbox[1]:bbox[3]]
        return df.copy()

    def write(self, tables: Mapping[str, pd.DataFrame], *, mode: str = "replace",
              meta: Mapping[str, str] | None = None) -> None:
        if mode not in ("replace", "append"):
            raise StoreError(f"unknown write mode '{mode}'. Fix: use 'replace' or 'append'")
        prepared = {}
        for name, df in tables.items():
            prepared[name] = _prepare(name, df)  # the same checks as the file store
        for name, df in prepared.items():
            self._tables[name] = _concat(self.read(name), df) if mode == "append" and name in self._tables else df
        self._meta.update(meta or {})

    def meta(self) -> dict[str, str]:
        return dict(self._meta)
