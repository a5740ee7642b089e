"""A look at a file before it is imported: its columns, a few rows, and the mapping the
header recognition suggests (what ``import_file`` would do with no ``field_map``).

A face shows this as a form (each source column -> a catalogue field, defaults for the
required fields the file lacks, a CRS when it has none) and passes the user's choices to
:func:`gis.io.importer.import_file` as ``field_map``, ``defaults`` and ``crs``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj

from gis import catalogue
from gis._errors import InputError
from gis.io import archive, readers, tables, validate

#: Columns an import reads but does not store (turned into points or codes) -> (中文, English).
HELPERS: dict[str, tuple[str, str]] = {
    "lon": ("经度", "longitude"),
    "lat": ("纬度", "latitude"),
    "township_name": ("乡镇名称", "township name"),
    "village_name": ("村名称", "village name"),
    "river_name": ("河流名称", "river name"),
    "reservoir_name": ("水库名称", "reservoir name"),
    "chief_name": ("河长姓名", "chief's name"),
}
#: the code field each name column is looked up into (:func:`gis.io.names.resolve`)
_RESOLVES = {
    "township_name": "admin_code",
    "village_name": "admin_code",
    "river_name": "river_code",
    "reservoir_name": "reservoir_code",
    "chief_name": "chief_id",
}
_OWN_LAYER = {"river_code": "rivers", "reservoir_code": "reservoirs", "chief_id": "chiefs"}


@dataclass
class Preview:
    """A file's columns, a few rows and the suggested mapping (see :func:`preview`).

    ``mapping`` is source column -> target (a field or a helper column of :data:`HELPERS`),
    None where the header is not recognised as one (the column would be kept under its own
    name); ``recognised`` are the columns the import would rename on its own (to a target,
    or to a name this layer does not use).
    ``crs`` is the CRS the file declares (None: it has none, or it is a table).
    """

    file: str
    layer: str
    columns: list[str]
    sample: pd.DataFrame
    mapping: dict[str, str | None]
    targets: list[str]
    rows: int
    row_word: str
    has_geometry: bool
    crs: str | None
    recognised: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def missing(self, mapping: dict[str, str | None] | None = None) -> list[str]:
        """Required fields (not the id, which is numbered when absent) no column gives.

        Parameters
        ----------
        mapping : dict, optional
            Source column -> target, as the user chose it; the suggestion when omitted.
            A code is given by its name column too (乡镇 gives ``admin_code``).

        Returns
        -------
        list of str
        """
        spec = catalogue.get_layer(self.layer)
        given = {t for t in (self.mapping if mapping is None else mapping).values() if t}
        given |= {_RESOLVES[t] for t in given if t in _RESOLVES}
        return [
            f.name for f in spec.fields if f.required and f.name != spec.key and f.name not in given
        ]


def targets(layer: str) -> list[str]:
    """What a column of a file for ``layer`` may be mapped to: its fields, then the helper
    columns the import uses for it (lon/lat for points, name columns for codes).

    Examples
    --------
    >>> [t for t in targets("assignments") if t in HELPERS]
    ['township_name', 'village_name', 'river_name', 'reservoir_name', 'chief_name']
    """
    spec = catalogue.get_layer(layer)
    out = list(spec.field_names)
    if spec.geometry == "Point":
        out += ["lon", "lat"]
    for helper, code in _RESOLVES.items():
        if code in spec.field_names and _OWN_LAYER.get(code) != spec.name:
            out.append(helper)
    return out


def preview(
    path: str | Path,
    layer: str,
    *,
    encoding: str | None = None,
    source_layer: str | None = None,
    sample_rows: int = 5,
) -> Preview:
    """Read ``path`` and say how an import into ``layer`` would map its columns.

    Parameters
    ----------
    path : path
        A file :func:`gis.io.importer.import_file` takes (a .zip holding one data file too).
    layer : str
        The target catalogue layer.
    encoding, source_layer : str, optional
        As for ``import_file``.
    sample_rows : int
        How many rows ``sample`` holds (as text; geometry left out).

    Returns
    -------
    Preview

    Raises
    ------
    InputError
        The file cannot be read (the same refusals as ``import_file``).

    Examples
    --------
    >>> from pathlib import Path
    >>> _ = Path("reg.csv").write_text(
    ...     "河长编号,姓名,级别,职务,乡镇,备注\\nC1,王平,村级,村主任,花阳乡,x\\n", encoding="utf-8")
    >>> p = preview("reg.csv", "chiefs")
    >>> list(p.mapping.values())
    ['chief_id', 'name', 'level', 'post', 'township_name', None]
    >>> p.missing(), p.missing({**p.mapping, "级别": None})
    ([], ['level'])
    """
    spec = catalogue.get_layer(layer)
    src = Path(path)
    with tempfile.TemporaryDirectory(prefix="riverchief-preview-") as tmp:
        raw = open_source(src, Path(tmp), source_layer, encoding)
    frame = raw.frame
    geom = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    renamed, _ = validate.map_columns(frame.head(0), spec, {})
    allowed = targets(layer)
    mapping: dict[str, str | None] = {}
    recognised = []
    for old, new in zip(frame.columns, renamed.columns, strict=True):
        if old != geom:
            mapping[str(old)] = str(new) if str(new) in allowed else None
            recognised += [str(old)] if new != old else []
    sample = pd.DataFrame(frame.drop(columns=[geom]) if geom else frame).head(sample_rows)
    return Preview(
        file=src.name,
        layer=layer,
        columns=list(mapping),
        sample=sample.astype(object).where(sample.notna(), "").astype(str),
        mapping=mapping,
        targets=allowed,
        rows=len(frame),
        row_word=raw.row_word,
        has_geometry=geom is not None,
        crs=None if raw.crs is None else _crs_name(raw.crs),
        recognised=recognised,
        notes=list(raw.notes),
    )


def _crs_name(crs: object) -> str:
    found = pyproj.CRS(crs)
    epsg = found.to_epsg()
    return f"EPSG:{epsg}" if epsg else found.name


def open_source(
    src: Path, tmp: Path, source_layer: str | None, encoding: str | None
) -> readers.RawData:
    """The rows of ``src`` as read (a zip's one data file unpacked into ``tmp``)."""
    inner, display = data_file(src, tmp)
    return read_source(inner, display, source_layer, encoding)


def data_file(src: Path, tmp: Path) -> tuple[Path, str]:
    """The data file to read for ``src`` (a zip's one data file, unpacked into ``tmp``) and
    the name that messages give it; a missing, empty or unsupported file is refused."""
    name = str(src)
    if not src.exists():
        raise InputError(code="file.missing", file=name)
    if src.is_file() and src.stat().st_size == 0:
        raise InputError(code="file.zero_bytes", file=name)
    suffix = src.suffix.lower()
    if suffix not in readers.SUPPORTED:
        raise InputError(
            code="file.unsupported_type",
            file=name,
            params={"suffix": suffix, "supported": list(readers.SUPPORTED)},
        )
    if suffix == ".zip":
        inner = archive.extract_layer(src, tmp, set(readers.SUPPORTED))
        return inner, f"{name}!{inner.name}"
    return src, name


def read_source(
    path: Path, display: str, source_layer: str | None, encoding: str | None
) -> readers.RawData:
    """The rows of one data file by its suffix: CSV, XLSX, or a vector file."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return tables.read_csv(path, encoding=encoding, display=display)
    if suffix in (".xlsx", ".xlsm"):
        return tables.read_xlsx(path, sheet=source_layer, display=display)
    return readers.read_vector(path, source_layer=source_layer, encoding=encoding, display=display)
