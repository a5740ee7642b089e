"""Registers: CSV and XLSX with Chinese headers, merged header cells and DMS coordinates."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd

from gis import catalogue
from gis._errors import InputError
from gis.io.encoding import detect_bytes
from gis.io.readers import RawData

_DMS = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[°度:\s]\s*(\d+(?:\.\d+)?)?\s*[′'分:\s]?\s*(\d+(?:\.\d+)?)?\s*[″\"秒]?\s*([NSEW东西南北]?)\s*$")


def parse_angle(value) -> float:
    """Degrees from a number, '105.2', '105°12′30.5″', '105度12分30秒' or '105 12 30.5 E'."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        raise ValueError("empty")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("，", ".").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        pass
    m = _DMS.match(text)
    if not m:
        raise ValueError(f"'{value}' is neither decimal degrees nor degrees-minutes-seconds")
    d, mnt, sec, hemi = m.groups()
    deg = abs(float(d)) + float(mnt or 0) / 60 + float(sec or 0) / 3600
    if (mnt and float(mnt) >= 60) or (sec and float(sec) >= 60):
        raise ValueError(f"'{value}': minutes and seconds must be below 60")
    neg = d.startswith("-") or hemi in ("S", "W", "南", "西")
    return -deg if neg else deg


def _known(header) -> bool:
    h = str(header).strip().lower() if header is not None else ""
    names = {n for layer in catalogue.LAYERS for n in layer.field_names}
    return h in catalogue.HEADER_SYNONYMS or h in names or str(header).strip() in catalogue.HEADER_SYNONYMS


def read_csv(path: Path, *, encoding: str | None = None, display: str | None = None) -> RawData:
    name = display or str(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("the file is empty", file=name, fix="export the table again; it has no rows")
    enc = encoding or detect_bytes(raw)
    notes = [f"encoding: {enc}" + ("" if encoding else " (detected)")]
    try:
        df = pd.read_csv(path, encoding="utf-8-sig" if enc == "utf-8" else enc, dtype=str, keep_default_na=False,
                         skip_blank_lines=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot parse as CSV ({str(exc).splitlines()[0]})", file=name,
                         fix="check the delimiter is a comma and quotes are balanced; re-export as UTF-8 CSV") from exc
    rows = list(range(2, len(df) + 2))  # row 1 is the header, as a spreadsheet shows it
    return _drop_blank(df.replace({"": None}), rows, notes)


def read_xlsx(path: Path, *, sheet: str | None = None, display: str | None = None) -> RawData:
    name = display or str(path)
    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:
        raise InputError(f"cannot open as an Excel workbook ({exc})", file=name,
                         fix="save it again as .xlsx from Excel or WPS") from exc
    if sheet and sheet not in wb.sheetnames:
        raise InputError(f"no sheet '{sheet}'; the workbook has {wb.sheetnames}", file=name, fix="pass one with --source-layer")
    ws = wb[sheet] if sheet else wb.worksheets[0]
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    # merged cells: every cell of the range takes the top-left value
    for rng in ws.merged_cells.ranges:
        top = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if r - 1 < len(grid) and c - 1 < len(grid[r - 1]):
                    grid[r - 1][c - 1] = top
    if not grid or all(all(v is None for v in row) for row in grid):
        raise InputError("the sheet is empty", file=name, fix="check you exported the right sheet")
    scores = [sum(_known(v) for v in row) for row in grid[:15]]
    h = max(range(len(scores)), key=lambda i: (scores[i], -i))
    header = []
    for c, v in enumerate(grid[h]):
        # two-row headers: "坐标" merged above "经度"/"纬度" -> take the lower, more specific one
        above = grid[h - 1][c] if h > 0 else None
        header.append(str(v).strip() if v is not None else (str(above).strip() if above is not None else f"column_{c + 1}"))
    body = grid[h + 1:]
    df = pd.DataFrame(body, columns=header, dtype=object)
    rows = list(range(h + 2, h + 2 + len(body)))
    return _drop_blank(df, rows, [f"sheet '{ws.title}', header on row {h + 1}"])


def _drop_blank(df: pd.DataFrame, rows: list[int], notes: list[str]) -> RawData:
    blank = df.isna().all(axis=1).to_numpy()
    if blank.any():
        notes.append(f"{int(blank.sum())} blank rows skipped")
    keep = ~blank
    return RawData(df[keep].reset_index(drop=True), [r for r, k in zip(rows, keep, strict=True) if k], "row", None, notes)
