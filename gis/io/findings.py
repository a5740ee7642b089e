"""Write findings (any named tables) to GeoPackage, XLSX or CSV.

A GeoPackage gets one layer per table, an XLSX one sheet, CSV one file.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import pyogrio

from gis import catalogue
from gis._errors import InputError
from gis.io.atomic import atomic_path
from gis.io.geoparquet import arrow_safe, write_geoparquet
from gis.privacy import mask_frame

if TYPE_CHECKING:  # the store is passed in; importing it here is only for the type
    from gis.store import Store

FORMATS = (".gpkg", ".xlsx", ".csv", ".parquet")


#: What an empty findings sheet says under its headers, so it never reads as left blank.
NONE_FOUND = "未发现 / none found"


def write_findings(
    tables: dict[str, pd.DataFrame], out: str | Path, *, note_empty: bool = True
) -> list[Path]:
    """Write every table; returns the files written. CSV writes ``<stem>.<table>.csv``.

    Each file is written beside its target and moved into place when complete, so a failure
    never leaves a truncated file. An empty table is written with its headers; in a
    workbook its sheet also says :data:`NONE_FOUND` (``note_empty``; off for data exports).

    Parameters
    ----------
    tables : dict of str to DataFrame
        Named tables; a GeoDataFrame becomes a spatial layer in a GeoPackage (EPSG:4490).
    out : str or Path
        ``.gpkg`` (one layer per table), ``.xlsx`` (one sheet per table), ``.csv``
        (one file per table) or ``.parquet`` (one file per table, a layer's as GeoParquet
        for county reads: :mod:`gis.io.geoparquet`). Spreadsheet cells that would run as
        formulas get a leading ``'`` (:func:`defuse_formulas`).
    note_empty : bool, default True
        Write :data:`NONE_FOUND` under the headers of an empty sheet.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    InputError
        ``out`` does not end in one of :data:`FORMATS`.

    Examples
    --------
    >>> import pandas as pd
    >>> gaps = pd.DataFrame({"reach_id": ["R1/T/0"], "note": ["=HYPERLINK(1)"]})
    >>> files = write_findings({"gaps": gaps}, "findings.csv")
    >>> [f.name for f in files]
    ['findings.gaps.csv']
    >>> pd.read_csv(files[0], encoding="utf-8-sig")["note"].iloc[0]
    "'=HYPERLINK(1)"
    """
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            code="output.unsupported_type",
            file=str(path),
            params={"suffix": suffix, "formats": list(FORMATS)},
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".gpkg":
        with atomic_path(path) as tmp:
            for name, df in tables.items():
                frame = df.to_crs(4490) if isinstance(df, gpd.GeoDataFrame) else _plain(df)
                if isinstance(frame, gpd.GeoDataFrame) and len(frame) == 0:
                    frame = _plain(pd.DataFrame(frame.drop(columns="geometry")))
                pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG")
        return [path]
    if suffix == ".xlsx":
        with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            for name, df in tables.items():
                sheet = defuse_formulas(_fit_cells(_plain(df)))
                if note_empty and sheet.empty:
                    sheet = pd.DataFrame({sheet.columns[0]: [NONE_FOUND]}, columns=sheet.columns)
                sheet.to_excel(xl, sheet_name=name[:31], index=False)
        return [path]
    written = []
    if suffix == ".parquet":  # one file per table; a layer's for county reads (GeoParquet)
        for name, df in tables.items():
            f = path.with_name(f"{path.stem}.{name}.parquet")
            if isinstance(df, gpd.GeoDataFrame) and "geometry" in df:
                written.append(write_geoparquet(df, f))
            else:
                with atomic_path(f) as tmp:
                    arrow_safe(_plain(pd.DataFrame(df))).to_parquet(tmp, index=False)
                written.append(f)
        return written
    for name, df in tables.items():
        f = path.with_name(f"{path.stem}.{name}.csv")
        # CRLF rows (as Excel writes them): a cell holding a lone CR is then quoted, not split
        with atomic_path(f) as tmp:
            defuse_formulas(_plain(df)).to_csv(
                tmp, index=False, encoding="utf-8-sig", lineterminator="\r\n"
            )
        written.append(f)
    return written


def as_download(write: Callable[[Path], list[Path]], filename: str) -> bytes:
    """The bytes of one download of what ``write(path)`` writes to ``filename``: the file,
    or for CSV (one file per table) a zip of them all.

    Parameters
    ----------
    write : callable
        ``write(path) -> list of Path``, e.g. ``lambda p: write_findings(tables, p)``.
    filename : str
        The name the user downloads; its suffix picks the format.

    Returns
    -------
    bytes
        Written in a temporary folder that is removed afterwards.
    """
    with tempfile.TemporaryDirectory() as tmp:
        files = write(Path(tmp) / filename)
        if Path(filename).suffix.lower() != ".csv":
            return files[0].read_bytes()
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in files:
                z.write(f, f.name)
        return buf.getvalue()


def export_store(
    store: Store, out: str | Path, *, layers: list[str] | None = None, mask_phones: bool = False
) -> list[Path]:
    """Every layer of a county store (or ``layers``) as one GeoPackage, XLSX or CSV set;
    ``mask_phones`` for anyone who may not see people's numbers.

    Parameters
    ----------
    store : Store
        The county store, only read.
    out : str or Path
        The file to write, as in :func:`write_findings`.
    layers : list of str, optional
        Catalogue layer names; default every layer the store holds.
    mask_phones : bool
        Mask every phone number (:func:`gis.privacy.mask_frame`).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    UnknownNameError
        A name in ``layers`` is not a catalogue layer.

    Examples
    --------
    The demo's chiefs as CSV, phones masked:

    >>> import pandas as pd
    >>> from gis import datasets
    >>> from gis.store import GeoPackageStore
    >>> store = GeoPackageStore(datasets.get_path("demo"))
    >>> files = export_store(store, "demo.csv", layers=["chiefs"], mask_phones=True)
    >>> chiefs = pd.read_csv(files[0], dtype=str)
    >>> [f.name for f in files], len(chiefs), chiefs["phone"].iloc[0]
    (['demo.chiefs.csv'], 2137, '100-****-0001')
    """
    present = store.layers()
    names = [n for n in catalogue.LAYER_NAMES if n in present] if layers is None else list(layers)
    for n in names:
        catalogue.get_layer(n)  # an unknown name raises, listing the valid ones
    return write_findings(
        {n: mask_frame(store.read(n)) if mask_phones else store.read(n) for n in names},
        out,
        note_empty=False,  # layers are data to read back, not findings
    )


#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection":
#: ``=``, ``+``, ``-``, ``@``, and tab/CR, which some programs strip before parsing).
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def defuse_text(value: Any) -> Any:
    """``value`` with a leading ``'`` when a spreadsheet would run it as a formula.

    Plain signed numbers (``-12.5``) are left alone: a spreadsheet reads them as numbers,
    never as formulas, and they are common in data.

    Parameters
    ----------
    value : object
        Anything; only strings can change.

    Returns
    -------
    object

    Examples
    --------
    >>> defuse_text("=HYPERLINK(1)"), defuse_text("-12.5"), defuse_text("清江"), defuse_text(3)
    ("'=HYPERLINK(1)", '-12.5', '清江', 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_LEAD) and not _NUMBER.match(value):
        return "'" + value
    return value


def defuse_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy in which no text cell can run as a formula in Excel, WPS or LibreOffice.

    Every name and free text in a store came from somebody's file; opened in a
    spreadsheet, ``=HYPERLINK(...)`` or ``=cmd|...`` would act on the reader's machine.
    Column names are defused too (a header is a cell).

    Parameters
    ----------
    df : DataFrame
        Not changed.

    Returns
    -------
    DataFrame
        Text cells and column names through :func:`defuse_text`.
    """
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(defuse_text)
    out.columns = [defuse_text(c) for c in out.columns]
    return out


XLSX_CELL_MAX = 32767  # Excel's limit: a longer cell is cut off


def _fit_cells(df: pd.DataFrame) -> pd.DataFrame:
    """A WKT too long for a spreadsheet cell is left out and says so, never cut short."""
    if "wkt" not in df.columns:
        return df
    long = df["wkt"].map(lambda w: isinstance(w, str) and len(w) > XLSX_CELL_MAX).astype(bool)
    if long.any():
        df = df.copy()
        df["wkt_note"] = long.map(
            {
                True: "geometry too long for a spreadsheet cell: see the GeoPackage or CSV export",
                False: "",
            }
        )
        df.loc[long, "wkt"] = ""
    return df


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Without geometry (sheets and CSV keep WKT in a 'wkt' column), with a column if empty."""
    out = pd.DataFrame(df).copy()
    if "geometry" in out.columns:
        geo = gpd.GeoSeries(out["geometry"], crs=getattr(df, "crs", None))
        if geo.crs is not None:
            geo = geo.to_crs(4490)
        out = out.drop(columns="geometry")
        out["wkt"] = geo.to_wkt().to_numpy() if len(geo) else pd.Series([], dtype=object)
    for col in out.columns:  # spreadsheets have no time zones: write Beijing time as ISO text
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = (
                out[col]
                .dt.tz_convert("Asia/Shanghai")
                .map(lambda t: None if pd.isna(t) else t.isoformat(timespec="seconds"))
            )
    if out.shape[1] == 0:
        out["none"] = []
    return out
