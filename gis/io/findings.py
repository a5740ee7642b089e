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
from gis.privacy import mask_frame

if TYPE_CHECKING:  # the store is passed in; importing it here is only for the type
    from gis.store import Store

FORMATS = (".gpkg", ".xlsx", ".csv")


def write_findings(tables: dict[str, pd.DataFrame], out: str | Path) -> list[Path]:
    """Write every table; returns the files written. CSV writes ``<stem>.<table>.csv``."""
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"unsupported output type '{suffix}'",
            file=str(path),
            field="--out",
            fix=f"end the file name with one of {', '.join(FORMATS)}",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".gpkg":
        tmp = path.with_name(f".{path.name}.tmp.gpkg")
        tmp.unlink(missing_ok=True)
        for name, df in tables.items():
            frame = df.to_crs(4490) if isinstance(df, gpd.GeoDataFrame) else _plain(df)
            if isinstance(frame, gpd.GeoDataFrame) and len(frame) == 0:
                frame = _plain(pd.DataFrame(frame.drop(columns="geometry")))
            pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG")
        tmp.replace(path)
        return [path]
    if suffix == ".xlsx":
        with pd.ExcelWriter(path) as xl:
            for name, df in tables.items():
                defuse_formulas(_fit_cells(_plain(df))).to_excel(
                    xl, sheet_name=name[:31], index=False
                )
        return [path]
    written = []
    for name, df in tables.items():
        f = path.with_name(f"{path.stem}.{name}.csv")
        # CRLF rows (as Excel writes them): a cell holding a lone CR is then quoted, not split
        defuse_formulas(_plain(df)).to_csv(
            f, index=False, encoding="utf-8-sig", lineterminator="\r\n"
        )
        written.append(f)
    return written


def as_download(write: Callable[[Path], list[Path]], filename: str) -> bytes:
    """The bytes of one download of what ``write(path)`` writes to ``filename``: the file,
    or for CSV (one file per table) a zip of them all."""
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
    ``mask_phones`` for anyone who may not see people's numbers."""
    present = store.layers()
    names = [n for n in catalogue.LAYER_NAMES if n in present] if layers is None else list(layers)
    for n in names:
        catalogue.get_layer(n)  # an unknown name raises, listing the valid ones
    return write_findings(
        {n: mask_frame(store.read(n)) if mask_phones else store.read(n) for n in names}, out
    )


#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection":
#: ``=``, ``+``, ``-``, ``@``, and tab/CR, which some programs strip before parsing).
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def defuse_text(value: Any) -> Any:
    """``value`` with a leading ``'`` when a spreadsheet would run it as a formula.

    Plain signed numbers (``-12.5``) are left alone: a spreadsheet reads them as numbers,
    never as formulas, and they are common in data.
    """
    if isinstance(value, str) and value.startswith(FORMULA_LEAD) and not _NUMBER.match(value):
        return "'" + value
    return value


def defuse_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy in which no text cell can run as a formula in Excel, WPS or LibreOffice.

    Every name and free text in a store came from somebody's file; opened in a
    spreadsheet, ``=HYPERLINK(...)`` or ``=cmd|...`` would act on the reader's machine.
    Column names are defused too (a header is a cell).
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
    long = df["wkt"].str.len() > XLSX_CELL_MAX
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
        out["wkt"] = geo.to_wkt().to_numpy() if len(geo) else []
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
