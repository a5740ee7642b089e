"""Registers: CSV and XLSX with Chinese headers, merged header cells and DMS coordinates."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pandas as pd

from gis import catalogue
from gis._errors import InputError, RiverChiefError
from gis.io import limits, xlsx
from gis.io.encoding import SAMPLE_BYTES, detect_bytes
from gis.io.readers import RawData, clean_errors
from gis.io.reasons import Reason

_SPLIT = "split the table into several files"

_DMS = re.compile(
    r"^\s*(-?\d+(?:\.\d+)?)\s*[°度:\s]\s*(\d+(?:\.\d+)?)?\s*[′'分:\s]?\s*(\d+(?:\.\d+)?)?\s*[″\"秒]?\s*([NSEW东西南北]?)\s*$"
)


def parse_angle(value: object) -> float:
    """Degrees from a number, '105.2', '105°12′30.5″', '105度12分30秒' or '105 12 30.5 E'.

    Parameters
    ----------
    value : number or str
        Decimal degrees (a comma as decimal mark is accepted) or degrees, minutes and
        seconds with an optional hemisphere (``S``/``W``/南/西 make it negative).

    Returns
    -------
    float
        Decimal degrees.

    Raises
    ------
    ValueError
        Empty, not an angle, or minutes or seconds of 60 or more.

    Examples
    --------
    >>> parse_angle("105°18′00″"), parse_angle("30度30分36秒"), round(parse_angle("105 12 30 W"), 6)
    (105.3, 30.51, -105.208333)
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        raise ValueError(Reason("angle.empty"))
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("，", ".").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        pass
    m = _DMS.match(text)
    if not m:
        raise ValueError(Reason("angle.not_angle", {"value": str(value)}))
    d, mnt, sec, hemi = m.groups()
    deg = abs(float(d)) + float(mnt or 0) / 60 + float(sec or 0) / 3600
    if (mnt and float(mnt) >= 60) or (sec and float(sec) >= 60):
        raise ValueError(Reason("angle.minutes", {"value": str(value)}))
    neg = d.startswith("-") or hemi in ("S", "W", "南", "西")
    return -deg if neg else deg


def _known(header: object) -> bool:
    h = str(header).strip().lower() if header is not None else ""
    names = {n for layer in catalogue.LAYERS for n in layer.field_names}
    labels = {k for layer in catalogue.LAYERS for k in catalogue.header_labels(layer)}
    return (
        h in catalogue.HEADER_SYNONYMS
        or h in labels
        or str(header).strip() in labels
        or h in names
        or str(header).strip() in catalogue.HEADER_SYNONYMS
    )


@clean_errors
def read_csv(path: Path, *, encoding: str | None = None, display: str | None = None) -> RawData:
    """Read a CSV register: encoding detected, header counted and sizes capped before parsing.

    Parameters
    ----------
    path : Path
        The CSV file; the first line is the header.
    encoding : str, optional
        Text encoding; detected when omitted (UTF-8 with or without BOM, GBK/GB18030,
        Big5, UTF-16).
    display : str, optional
        The file's name in messages.

    Returns
    -------
    RawData
        Every cell as text (empty cells as None), blank lines dropped, each row numbered
        as a spreadsheet shows it (the header is row 1); no CRS.

    Raises
    ------
    InputError
        The file is empty, exceeds an import limit, or cannot be decoded or parsed.

    Examples
    --------
    A GBK file (as Excel saves CSV on a Chinese Windows) with a blank line:

    >>> from pathlib import Path
    >>> _ = Path("sources.csv").write_bytes(
    ...     "名称,经度,纬度\\n清江,105°18′00″,30.3\\n\\n黄沟,105.4,30.2\\n".encode("gbk"))
    >>> raw = read_csv(Path("sources.csv"))
    >>> raw.frame["名称"].tolist(), raw.rows, raw.row_word
    (['清江', '黄沟'], [2, 4], 'row')
    >>> raw.notes
    ['encoding: gb18030 (detected)', '1 blank rows skipped']
    """
    name = display or str(path)
    lim = limits.current()
    size = path.stat().st_size
    if size > lim["max_file_bytes"]:
        raise limits.refuse(lim, "max_file_bytes", "bytes in the file", size, file=name, fix=_SPLIT)
    with open(path, "rb") as f:
        head = f.read(SAMPLE_BYTES + 4)
    if not head.strip() or not head.lstrip(b"\xef\xbb\xbf\xff\xfe").strip(b"\x00\r\n\t "):
        raise InputError(code="table.empty", file=name)
    enc = encoding or detect_bytes(head, file=name)
    notes: list[str] = [
        Reason("note.encoding_given" if encoding else "note.encoding_detected", {"encoding": enc})
    ]
    pyenc = "utf-8-sig" if enc.lower().replace("_", "-") in ("utf-8", "utf8") else enc
    n_cols = _header_width(path, pyenc, name)
    if n_cols > lim["max_columns"]:
        raise limits.refuse(
            lim,
            "max_columns",
            "columns in the header",
            n_cols,
            file=name,
            fix="keep only the columns the layer needs, or split the table",
        )
    max_rows = min(lim["max_rows"], lim["max_cells"] // max(n_cols, 1))
    try:
        df = pd.read_csv(
            path,
            encoding=pyenc,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            nrows=max_rows + 1,
        )
    except UnicodeError as exc:
        raise InputError(
            code="text.not_encoding",
            file=name,
            params={"encoding": enc, "detail": str(exc).splitlines()[0]},
        ) from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as exc:
        raise InputError(
            code="csv.unparsable",
            file=name,
            params={"detail": str(exc).splitlines()[0] if str(exc) else type(exc).__name__},
        ) from exc
    if len(df) > max_rows:
        which = "max_rows" if max_rows == lim["max_rows"] else "max_cells"
        found = len(df) if which == "max_rows" else len(df) * n_cols
        raise limits.refuse(
            lim,
            which,
            "rows" if which == "max_rows" else "cells (rows x columns)",
            found,
            file=name,
            fix=_SPLIT + " (the count shown is where reading stopped)",
        )
    rows = list(range(2, len(df) + 2))  # row 1 is the header, as a spreadsheet shows it
    return _drop_blank(df.replace({"": None}), rows, notes)


def _header_width(path: Path, pyenc: str, name: str) -> int:
    """Columns of the first record, counted without reading the rest of the file."""
    try:
        with open(path, encoding=pyenc, newline="") as f:
            return len(next(csv.reader(f), []))
    except (UnicodeError, csv.Error) as exc:
        raise InputError(
            code="csv.header_unreadable", file=name, params={"detail": str(exc)}
        ) from exc


@clean_errors
def read_xlsx(path: Path, *, sheet: str | None = None, display: str | None = None) -> RawData:
    """Read the first (or named) sheet of a workbook in streaming mode, within the import limits.

    Parameters
    ----------
    path : Path
        The ``.xlsx``/``.xlsm`` workbook.
    sheet : str, optional
        The sheet to read; the first by default.
    display : str, optional
        The file's name in messages.

    Returns
    -------
    RawData
        Cells as read (merged header cells filled), numbered by spreadsheet row; no CRS.

    Raises
    ------
    InputError
        The workbook exceeds an import limit, has no such sheet, or cannot be read.
    """
    name = display or str(path)
    lim = limits.current()
    size = path.stat().st_size
    if size > lim["max_file_bytes"]:
        raise limits.refuse(lim, "max_file_bytes", "bytes in the file", size, file=name, fix=_SPLIT)
    try:
        title, cells = xlsx.read_rows(path, sheet, name)
    except RiverChiefError:
        raise
    except Exception as exc:  # openpyxl raises many types on a damaged workbook
        raise InputError(
            code="xlsx.unreadable",
            file=name,
            params={"detail": f"{type(exc).__name__}: {str(exc)[:200]}"},
        ) from exc
    if not cells:
        raise InputError(code="xlsx.sheet_empty", file=name)
    width = max(len(r) for r in cells.values())

    def at(r: int, c: int) -> Any:
        row = cells.get(r, ())
        return row[c - 1] if c <= len(row) else None

    top = list(range(1, 16))
    scores = [sum(_known(v) for v in cells.get(r, ()) if v is not None) for r in top]
    h = top[max(range(len(scores)), key=lambda i: (scores[i], -i))] if any(scores) else min(cells)
    header = []
    for c in range(1, width + 1):
        # two-row headers: "坐标" merged above "经度"/"纬度" -> take the lower, more specific one
        v, above = at(h, c), at(h - 1, c)
        header.append(
            str(v).strip()
            if v is not None
            else (str(above).strip() if above is not None else f"column_{c}")
        )
    body = sorted(r for r in cells if r > h)
    if len(body) * width > lim["xlsx_max_cells"]:
        raise limits.refuse(
            lim,
            "xlsx_max_cells",
            "cells (rows x columns up to the last used column)",
            len(body) * width,
            file=name,
            fix="delete the far-away cells, or " + _SPLIT,
        )
    matrix = []
    for (
        r
    ) in body:  # rows are padded in place and handed over: one copy of the sheet in memory, not two
        row = cells.pop(r)
        row.extend([None] * (width - len(row)))
        matrix.append(row)
    df = pd.DataFrame(matrix, columns=header, dtype=object)
    del matrix
    notes: list[str] = [Reason("note.sheet_header", {"sheet": title, "row": h})]
    blank = (body[-1] - h - len(body)) if body else 0
    if blank:
        notes.append(Reason("note.blank_rows", {"n": blank}))
    return _drop_blank(df, body, notes)


def _drop_blank(df: pd.DataFrame, rows: list[int], notes: list[str]) -> RawData:
    blank = df.isna().all(axis=1).to_numpy()
    if not blank.any():
        return RawData(df, rows, "row", None, notes)  # no copy of a large table for nothing
    notes.append(Reason("note.blank_rows", {"n": int(blank.sum())}))
    keep = ~blank
    return RawData(
        df[keep].reset_index(drop=True),
        [r for r, k in zip(rows, keep, strict=True) if k],
        "row",
        None,
        notes,
    )
