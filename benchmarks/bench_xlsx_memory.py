"""Peak memory and time of reading hostile and large XLSX workbooks (issue 12).

    .venv/bin/python benchmarks/bench_xlsx_memory.py [--only NAME] [--keep DIR]

Each workbook is written directly as XML (fast, and able to express what openpyxl would
refuse to build), then read in a fresh process twice: the bounded reader alone
(``tables.read_xlsx``) and a whole dry-run import into ``water_sources``. Each process
reports its own peak resident memory (ru_maxrss, interpreter and libraries included).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = [
    "source_code",
    "名称",
    "source_type",
    "population_served",
    "has_official_zone",
    "经度",
    "纬度",
    "备注",
]

_CT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""  # noqa: E501 -- XML as Excel writes it
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""  # noqa: E501 -- XML as Excel writes it
_WB = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WB_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""  # noqa: E501 -- XML as Excel writes it
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _cell(ref: str, v) -> str:
    if isinstance(v, int | float):
        return f'<c r="{ref}"><v>{v}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'


def _row(r: int, values) -> str:
    return (
        f'<row r="{r}">'
        + "".join(_cell(f"{_col(c)}{r}", v) for c, v in enumerate(values, start=1))
        + "</row>"
    )


def write(path: Path, rows, *, dimension: str = "A1", tail: str = "") -> None:
    """An .xlsx whose one sheet holds ``rows`` (an iterable of XML row strings)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WB)
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><dimension '
                f'ref="{dimension}"/>'
                "<sheetData>".encode()
            )
            buf = []
            for r in rows:
                buf.append(r)
                if len(buf) >= 5000:
                    f.write("".join(buf).encode())
                    buf = []
            f.write(("".join(buf) + "</sheetData>" + tail + "</worksheet>").encode())


def _register(n: int, start: int = 2):
    yield _row(1, HEADER)
    for i in range(n):
        yield _row(
            start + i,
            [
                f"X{i:07d}",
                f"青龙镇{i}号水厂",
                "river",
                1000 + i % 5000,
                "是",
                105.3 + (i % 1000) / 1e4,
                30.3 + (i // 1000 % 100) / 1e4,
                "备注" * (i % 3),
            ],
        )


CORPUS = {
    # the findings: a far cell, a merge over the whole sheet, 400,000 rows
    "far_cell_XFD1048576": lambda p: write(
        p,
        [
            *_register(3),
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
        ],
        dimension="A1:XFD1048576",
    ),
    "merge_A1_XFD1048576": lambda p: write(
        p,
        _register(3),
        dimension="A1:XFD1048576",
        tail='<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
    ),
    "rows_400000": lambda p: write(p, _register(400_000)),
    # the largest sheet the limits accept: 8 columns x 500,000 rows = 4,000,000 cells
    # (xlsx_max_cells)
    "cells_at_the_limit": lambda p: write(p, _register(499_999)),
    # 5 M empty formatted cells packed 400 to 1: refused from the zip directory before any XML is
    # parsed
    "styled_empty_cells": lambda p: write(
        p, (f'<row r="{r}">' + '<c s="0"/>' * 1000 + "</row>" for r in range(1, 5002))
    ),
}

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from gis._errors import RiverChiefError
mode, path = sys.argv[1], Path(sys.argv[2])
t = time.perf_counter()
try:
    if mode == "reader":
        from gis.io import tables
        raw = tables.read_xlsx(path)
        outcome = f"read {len(raw.frame)} rows x {raw.frame.shape[1]} columns"
    else:
        from gis.io.importer import import_file
        store = Path(sys.argv[3])
        rep = import_file(
            path, "water_sources", data=store, dry_run=True, rejects=store.with_suffix(".csv")
        )
        outcome = f"{rep.read} read, {rep.accepted} accepted, {len(rep.rejected)} rejected"
except RiverChiefError as exc:
    outcome = "refused: " + str(exc).split(": ", 1)[-1][:110]
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": time.perf_counter() - t, "peak_mb": peak_mb, "outcome": outcome}))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", help="one workbook of the corpus")
    ap.add_argument("--keep", help="folder to keep the generated workbooks in")
    args = ap.parse_args()
    names = [args.only] if args.only else list(CORPUS)
    print(
        f"python {platform.python_version()} on {platform.machine()}, {platform.processor() or ''}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            path = folder / f"{name}.xlsx"
            t = time.perf_counter()
            CORPUS[name](path)
            made = time.perf_counter() - t
            print(f"\n{name}: {path.stat().st_size / 1e6:.2f} MB on disk (written in {made:.1f} s)")
            for mode in ("reader", "import"):
                out = subprocess.run(
                    [sys.executable, "-c", CHILD, mode, str(path), str(folder / "store.gpkg")],
                    capture_output=True,
                    text=True,
                    cwd=ROOT,
                    env={"PYTHONPATH": str(ROOT)},
                )
                if out.returncode:
                    print(f"  {mode:6s} FAILED: {out.stderr.strip().splitlines()[-1:]}")
                    continue
                r = json.loads(out.stdout.strip().splitlines()[-1])
                print(
                    f"  {mode:6s} {r['seconds']:7.1f} s  peak {r['peak_mb']:7.0f} MB  "
                    f"{r['outcome']}"
                )


if __name__ == "__main__":
    main()
