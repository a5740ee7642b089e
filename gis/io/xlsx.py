"""Bounded reading of XLSX sheets: check sizes first, then stream the rows.

A workbook is a zip of XML parts. Before openpyxl sees it, the parts' declared sizes
are checked, and the sheet's XML is scanned once with expat (constant memory) counting
rows, cells and the columns that hold values. Only then are the rows streamed through
openpyxl's read-only parser, kept sparse (a far cell does not create the cells before
it), and merged ranges are applied clipped to the data actually read.
"""

from __future__ import annotations

import zipfile
from bisect import bisect_left
from pathlib import Path
from typing import Any
from xml.parsers import expat

import openpyxl
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser

from gis._errors import InputError
from gis.io import limits as limits_mod
from gis.io.limits import Limits

_SPLIT = "save the sheet as CSV (UTF-8), or split it into several files"
_SHORT, _COMMON = (
    24,
    200_000,
)  # text up to this length is shared between cells; at most this many words


def read_rows(path: Path, sheet: str | None, name: str) -> tuple[str, dict[int, list[Any]]]:
    """(sheet title, {row number: [values of columns 1..last used]}) of the rows holding data,
    merges applied.

    Rows without data are absent (a far cell does not create the rows before it). The scan
    has already capped the columns that hold values, so no row list is longer than
    ``max_columns``.

    Parameters
    ----------
    path : Path
        The workbook.
    sheet : str or None
        The sheet; the first by default.
    name : str
        The file's name in messages.

    Returns
    -------
    (str, dict of int to list)
        The sheet's title and its rows with data, by spreadsheet row number.

    Raises
    ------
    InputError
        An import limit is exceeded (checked on the XML before loading), or no such sheet.
    """
    lim = limits_mod.current()
    _check_parts(path, name, lim)
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet and sheet not in wb.sheetnames:
            raise InputError(
                code="xlsx.no_such_sheet",
                file=name,
                params={"sheet": str(sheet), "sheets": list(wb.sheetnames)},
            )
        ws = wb[sheet] if sheet else (wb.worksheets[0] if wb.worksheets else None)
        if not isinstance(ws, ReadOnlyWorksheet):
            raise InputError(code="xlsx.no_worksheet", file=name)
        with wb._archive.open(ws._worksheet_path) as src:
            _scan(src, name, lim)
        with wb._archive.open(ws._worksheet_path) as src:
            parser = WorkSheetParser(
                src,
                ws._shared_strings,
                data_only=True,
                epoch=wb.epoch,
                date_formats=wb._date_formats,
                timedelta_formats=wb._timedelta_formats,
            )
            rows: dict[int, list[Any]] = {}
            common: dict[
                str, str
            ] = {}  # registers repeat short words (乡镇, 是/否): keep one copy of each
            for r, cells in parser.parse():
                for c in cells:
                    v = c["value"]
                    if v is None:
                        continue
                    if isinstance(v, str) and len(v) <= _SHORT and len(common) < _COMMON:
                        v = common.setdefault(v, v)
                    row = rows.setdefault(r, [])
                    col = c["column"]
                    if col > len(row):
                        row.extend([None] * (col - len(row)))
                    row[col - 1] = v
            merges = [m.ref for m in parser.merged_cells.mergeCell] if parser.merged_cells else []
        _merge(rows, merges, name, lim)
        return ws.title, rows
    finally:
        wb.close()


def _check_parts(path: Path, name: str, lim: Limits) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            parts = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(code="xlsx.unreadable", file=name, params={"detail": str(exc)}) from exc
    if len(parts) > lim["max_members"]:
        raise limits_mod.refuse(
            lim, "max_members", "parts in the workbook", len(parts), file=name, fix=_SPLIT
        )
    for p in parts:
        if p.file_size > lim["xlsx_max_part_bytes"]:
            raise limits_mod.refuse(
                lim,
                "xlsx_max_part_bytes",
                f"bytes of the workbook part '{p.filename}'",
                p.file_size,
                file=name,
                fix=_SPLIT,
            )
        if p.file_size > limits_mod.BOMB_FLOOR and p.file_size > lim["max_ratio"] * max(
            p.compress_size, 1
        ):
            raise limits_mod.refuse(
                lim,
                "max_ratio",
                f"times its packed size for the workbook part '{p.filename}'",
                p.file_size // max(p.compress_size, 1),
                file=name,
                fix="this looks like a zip bomb; " + _SPLIT,
            )


class _Scan:
    """Counts of one sheet's XML, refused as soon as a limit is passed."""

    def __init__(self, name: str, lim: Limits) -> None:
        self.name, self.lim = name, lim
        self.rows = self.cells = self.in_row = 0
        self.col = 0  # column of the open cell, 0 when unknown
        self.next_col = self.row = 1
        self.ref = ""

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        tag = tag.rsplit(":", 1)[-1]
        if tag == "row":
            self.in_row, self.next_col = 0, 1
            r = attrs.get("r", "")
            self.row = int(r) if r.isdigit() else self.row + 1
        elif tag == "c":
            self.cells += 1
            self.in_row += 1
            if self.in_row == 1:
                self.rows += 1
                if self.rows > self.lim["max_rows"]:
                    raise limits_mod.refuse(
                        self.lim,
                        "max_rows",
                        "rows in the sheet",
                        self.rows,
                        file=self.name,
                        fix=_SPLIT,
                    )
            if self.cells > self.lim["xlsx_max_cells"]:
                raise limits_mod.refuse(
                    self.lim,
                    "xlsx_max_cells",
                    "cells in the sheet (empty formatted ones count)",
                    self.cells,
                    file=self.name,
                    fix=_SPLIT,
                )
            ref = attrs.get("r")
            self.col = _column(ref) if ref else self.next_col
            self.next_col = self.col + 1
            self.ref = ref or (
                f"{get_column_letter(self.col)}{self.row}" if self.col <= 16384 else ""
            )
        elif tag in ("v", "is", "f") and self.col > self.lim["max_columns"]:
            raise limits_mod.refuse(
                self.lim,
                "max_columns",
                f"cell {self.ref[:20] or '?'} holds a value in column",
                self.col,
                file=self.name,
                fix="delete the far-away cells, or " + _SPLIT,
            )


def _column(ref: str) -> int:
    letters = ref.rstrip("0123456789").upper()
    try:
        return int(column_index_from_string(letters))
    except ValueError:
        return 1 << 30  # not a cell reference: treated as beyond every limit


def _scan(src: Any, name: str, lim: Limits) -> None:
    scan = _Scan(name, lim)
    p = expat.ParserCreate()
    p.StartElementHandler = scan.start

    def _refuse_dtd(
        *_args: object,
    ) -> None:  # entity tricks (bombs, external files) never belong in a sheet
        raise InputError(code="xlsx.doctype", file=name)

    p.StartDoctypeDeclHandler = _refuse_dtd
    p.EntityDeclHandler = _refuse_dtd
    try:
        while chunk := src.read(1 << 20):
            p.Parse(chunk, False)
        p.Parse(b"", True)
    except expat.ExpatError as exc:
        raise InputError(code="xlsx.broken_xml", file=name, params={"detail": str(exc)}) from exc


def _merge(rows: dict[int, list[Any]], refs: list[str], name: str, lim: Limits) -> None:
    """Every cell of a merged range takes its top-left value, on the rows that hold data."""
    if not refs or not rows:
        return
    if len(refs) > lim["xlsx_max_cells"]:
        raise limits_mod.refuse(
            lim, "xlsx_max_cells", "merged ranges in the sheet", len(refs), file=name, fix=_SPLIT
        )
    order = sorted(rows)
    width = max(len(r) for r in rows.values())
    filled = 0
    for ref in refs:
        try:
            c0, r0, c1, r1 = range_boundaries(ref)
        except (ValueError, TypeError):
            continue  # a broken range reference merges nothing
        if c0 is None or r0 is None or c0 > width:
            continue
        first = rows.get(r0, [])
        top = first[c0 - 1] if c0 <= len(first) else None
        if top is None:
            continue
        c1, r1 = min(c1 or c0, width), r1 or r0
        for r in order[bisect_left(order, r0) : bisect_left(order, r1 + 1)]:
            row = rows[r]
            if c1 > len(row):
                row.extend([None] * (c1 - len(row)))
            row[c0 - 1 : c1] = [top] * (c1 - c0 + 1)
            filled += c1 - c0 + 1
            if filled > lim["xlsx_max_cells"]:
                raise limits_mod.refuse(
                    lim,
                    "xlsx_max_cells",
                    "cells filled from merged ranges",
                    filled,
                    file=name,
                    fix="unmerge the cells, or " + _SPLIT,
                )
