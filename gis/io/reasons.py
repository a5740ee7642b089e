"""Coded reasons: why one row of an import was refused or repaired, and the report's notes.

A :class:`Reason` is the English text (a ``str``, so reports, JSON and the rejects file
stay as they were) that also carries a stable ``code`` and plain ``params``, like the
library's errors (:mod:`gis._errors`). Its zh/en templates are rows of
``gis/rules/messages.csv`` (``row.*`` for a row, ``note.*`` for a note); each face renders
it in its user's language with :meth:`Reason.message` and adds its own hint (the command
line its flags, the app the name of its own control), so a template never names either.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from gis._errors import render_message


class Reason(str):
    """English text with the code and params it was rendered from.

    Parameters
    ----------
    code : str
        A code of ``gis/rules/messages.csv``.
    params : mapping, optional
        Plain values the templates name.

    Examples
    --------
    >>> r = Reason("row.id_duplicate", {"id": "N001"})
    >>> r, r.fix
    ("duplicate id 'N001' in the file", 'make ids unique')
    >>> r.message("zh")
    ('文件中编号“N001”重复', '使编号唯一')
    """

    code: str
    params: dict[str, Any]
    fix: str | None

    def __new__(cls, code: str, params: dict[str, Any] | None = None) -> Reason:
        values = dict(params or {})
        text, fix = _english(code, values)
        obj = super().__new__(cls, text)
        obj.code, obj.params, obj.fix = code, values, fix or None
        return obj

    def message(self, lang: str = "zh") -> tuple[str, str | None]:
        """(reason, fix or None) in ``lang`` ('zh' or 'en')."""
        text, fix = render_message(self.code, lang, self.params)
        return text, fix or None

    def __reduce__(self) -> tuple[Any, ...]:  # pickled with its code, not as plain text
        return Reason, (self.code, self.params)


#: (code, params) -> English (reason, fix): a file's refused rows repeat a few reasons
_SAID: dict[tuple[Any, ...], tuple[str, str | None]] = {}
_SAID_MAX = 4096


def _english(code: str, values: dict[str, Any]) -> tuple[str, str | None]:
    try:
        key: tuple[Any, ...] | None = (code, *values.items())
        hit = _SAID.get(key)  # type: ignore[arg-type]
    except TypeError:  # a list among the params: rendered each time
        key, hit = None, None
    if hit is None:
        hit = render_message(code, "en", values)
        if key is not None and len(_SAID) < _SAID_MAX:
            _SAID[key] = hit
    return hit


def say(text: str, lang: str = "zh") -> str:
    """A note in ``lang``: a :class:`Reason`'s template, any other text as it is."""
    return text.message(lang)[0] if isinstance(text, Reason) else text


def rejects_in(lang: str, text: str, problems: Sequence[Any], words: Mapping[str, str]) -> str:
    """The rejects CSV ``import_file`` wrote, with its first four columns in ``lang``.

    Parameters
    ----------
    lang : {"zh", "en"}
        The language of the reasons and fixes.
    text : str
        The CSV as written (``_row``/``_feature``, ``_field``, ``_reason``, ``_fix``, then
        the row as read); one line per rejected problem, in the report's order.
    problems : sequence of Problem
        ``ImportReport.rejected``.
    words : mapping
        The face's words: for the four headers, and for field names (a name without a
        word stays as it is).

    Returns
    -------
    str
        The same CSV (a byte-order mark first, for Excel) with the headers, fields,
        reasons and fixes in ``lang``; the rows' own cells unchanged.
    """
    from gis.io.findings import defuse_text  # the cells are opened in a spreadsheet

    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        return text
    rows[0][:4] = [words.get(h, h) for h in rows[0][:4]]
    for row, p in zip(rows[1:], problems, strict=True):
        reason, fix = p.message(lang)
        cells = [words.get(row[1], row[1]), reason, fix or ""]
        row[1:4] = [defuse_text(c) for c in cells]
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()
