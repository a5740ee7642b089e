"""Text encodings of Chinese GIS files: shapefiles are often GBK with no .cpg.

Detection never guesses: UTF-8 and UTF-16 (with or without a byte-order mark) are
recognised by their structure; GBK and Big5 both decode most Chinese bytes, so one is
chosen only when the characters it gives are clearly more often the common ones of its
script than the other's. Otherwise :func:`detect_bytes` refuses and asks for ``--encoding``.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from gis._errors import InputError
from gis.io.reasons import Reason

SAMPLE_BYTES = 1 << 20  # detection looks at the first MiB; a CSV header and many rows fit
GB, BIG5 = "gb18030", "cp950"  # GB18030 ⊃ GBK ⊃ GB2312; CP950 is Big5 as Windows writes it
# Share of common characters (GB2312 level 1, Big5 frequent): text in the right codec scores near 1;
# GBK read as Big5 scores 0.5-0.75 (the frequent ranges overlap), Big5 read as GBK 0.1-0.2.
CLEAR, MARGIN, WEAK = 0.8, 0.15, 0.5


def detect_bytes(data: bytes, *, file: str | None = None) -> str:
    """The encoding of ``data``: a Python codec name, or :class:`InputError` when unclear.

    Parameters
    ----------
    data : bytes
        The file's bytes (only the first :data:`SAMPLE_BYTES` are looked at).
    file : str, optional
        Named in the error.

    Returns
    -------
    str
        ``"utf-8"`` (also pure ASCII; a UTF-8 byte-order mark is allowed), ``"utf-16"``
        (with a byte-order mark), ``"utf-16-le"``, ``"utf-16-be"``, ``"gb18030"`` or ``"cp950"``.
    """
    sample = data[:SAMPLE_BYTES]
    cut = len(data) > len(sample)  # the sample may end inside a character
    if sample[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    if sample[:3] == b"\xef\xbb\xbf" or _decodes(sample, "utf-8", cut=True) is not None:
        # a character cut at the very end is a truncated file, read as UTF-8 and reported as damaged
        return "utf-8"
    wide = _utf16_without_bom(sample, cut)
    if wide:
        return wide
    gb, big5 = _decodes(sample, GB, cut=cut), _decodes(sample, BIG5, cut=cut)
    if gb is None and big5 is None:
        raise InputError(code="text.encoding_unknown", file=file)
    g = _common_share(gb, _gb_common()) if gb is not None else 0.0
    b = _common_share(big5, _big5_common()) if big5 is not None else 0.0
    for enc, own, other, decodes_other in (
        (GB, g, b, big5 is not None),
        (BIG5, b, g, gb is not None),
    ):
        if own >= CLEAR and own - other >= MARGIN or (not decodes_other and own >= WEAK):
            return enc
    raise InputError(
        code="text.encoding_unclear", file=file, params={"gbk": f"{g:.0%}", "big5": f"{b:.0%}"}
    )


def _decodes(data: bytes, enc: str, *, cut: bool) -> str | None:
    """The text if ``data`` decodes strictly (a character cut at the end allowed if ``cut``)."""
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        if not cut or exc.start < len(data) - 3 or exc.reason != "unexpected end of data":
            return None
        start = exc.start
    try:
        return data[:start].decode(enc)
    except UnicodeDecodeError:
        return None


def _utf16_without_bom(sample: bytes, cut: bool) -> str | None:
    """'utf-16-le'/'utf-16-be' when the NUL bytes of ASCII characters sit on one side."""
    even = sample[: len(sample) // 2 * 2]
    if len(even) < 4:
        return None
    n = len(even) // 2
    zero_lo, zero_hi = even[1::2].count(0), even[0::2].count(0)  # LE: 'a' is 61 00
    for enc, own, other in (("utf-16-le", zero_lo, zero_hi), ("utf-16-be", zero_hi, zero_lo)):
        if own >= 0.1 * n and other <= own // 10 and _decodes(even, enc, cut=True) is not None:
            return enc
    return None


def _common_share(text: str, common: frozenset[str]) -> float:
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return 1.0
    return sum(c in common for c in wide) / len(wide)


@cache
def _gb_common() -> frozenset[str]:
    """GB2312's symbols (rows A1-A3) and its 3,755 level-1 (most frequent) hanzi (B0-D7)."""
    return _table(GB, [*range(0xA1, 0xA4), *range(0xB0, 0xD8)], range(0xA1, 0xFF))


@cache
def _big5_common() -> frozenset[str]:
    """Big5's symbols (A1-A3) and its 5,401 frequent hanzi (A440-C67E)."""
    trail = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    return _table(BIG5, [*range(0xA1, 0xA4), *range(0xA4, 0xC7)], trail)


def _table(enc: str, leads: Iterable[int], trails: Iterable[int]) -> frozenset[str]:
    out = set()
    for lead in leads:
        for trail in trails:
            try:
                out.add(bytes((lead, trail)).decode(enc))
            except UnicodeDecodeError:
                continue
    return frozenset(out)


def dbf_encoding(shp: Path) -> tuple[str | None, Reason]:
    """Encoding of a shapefile's .dbf: (encoding or None to trust GDAL, how it was found).

    Parameters
    ----------
    shp : Path
        The ``.shp``; its ``.cpg`` and ``.dbf`` are looked up beside it.

    Returns
    -------
    (str or None, Reason)
        The encoding to read with (``"UTF-8"``, ``"GB18030"``, ``"CP950"``, ...), or None
        when a ``.cpg`` declares it or nothing can be detected; then the import report's
        note saying how it was found.
    """
    cpg = shp.with_suffix(".cpg")
    for cand in (cpg, shp.with_suffix(".CPG")):
        if cand.exists():
            return None, Reason("note.encoding_declared", {"file": cand.name})
    dbf = next((p for p in (shp.with_suffix(".dbf"), shp.with_suffix(".DBF")) if p.exists()), None)
    if dbf is None:
        return None, Reason("note.encoding_as_declared", {"what": "no .dbf"})
    with open(dbf, "rb") as f:
        raw = f.read(SAMPLE_BYTES + 32)
    if len(raw) < 32:
        return None, Reason("note.encoding_as_declared", {"what": "dbf too short"})
    header_len = struct.unpack("<H", raw[8:10])[0]
    enc = detect_bytes(raw[header_len:], file=str(dbf))
    found = {
        "utf-8": ("UTF-8", "detected: the text decodes as UTF-8"),
        GB: ("GB18030", "detected: no .cpg and the text is not UTF-8 but decodes as GBK/GB18030"),
        BIG5: ("CP950", "detected: no .cpg and the text is traditional Chinese in Big5"),
    }  # each phrase a kind.* row of messages.csv
    if enc in found:
        name, how = found[enc]
        return name, Reason("note.encoding", {"encoding": name, "what": how})
    return enc.upper(), Reason("note.encoding_detected_other", {"encoding": enc.upper()})
