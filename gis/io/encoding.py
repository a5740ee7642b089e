"""Text encodings of Chinese GIS files: shapefiles are often GBK with no .cpg."""

from __future__ import annotations

import struct
from pathlib import Path

CANDIDATES = ("utf-8", "gb18030")  # GB18030 is a superset of GBK and GB2312


def detect_bytes(data: bytes) -> str:
    """The first candidate encoding that decodes ``data`` strictly (else 'latin-1')."""
    for enc in CANDIDATES:
        try:
            data.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    return "latin-1"


def dbf_encoding(shp: Path) -> tuple[str | None, str]:
    """Encoding of a shapefile's .dbf: (encoding or None to trust GDAL, how it was found)."""
    cpg = shp.with_suffix(".cpg")
    for cand in (cpg, shp.with_suffix(".CPG")):
        if cand.exists():
            return None, f"declared in {cand.name}"
    dbf = next((p for p in (shp.with_suffix(".dbf"), shp.with_suffix(".DBF")) if p.exists()), None)
    if dbf is None:
        return None, "no .dbf"
    raw = dbf.read_bytes()
    if len(raw) < 32:
        return None, "dbf too short"
    header_len = struct.unpack("<H", raw[8:10])[0]
    records = raw[header_len:]
    enc = detect_bytes(records)
    if enc == "utf-8":
        return "UTF-8", "detected: the text decodes as UTF-8"
    if enc == "gb18030":
        return "GB18030", "detected: no .cpg and the text is not UTF-8 but decodes as GBK/GB18030"
    return "latin-1", "unknown encoding; text may be garbled"
