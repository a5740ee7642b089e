"""Dates a user writes, read one strict way: never a guess between day and month.

Accepted (each unambiguous):

- a ``datetime.date``, ``datetime.datetime`` or pandas ``Timestamp`` (an Excel date cell);
- ISO text with the year first: ``2026-07-01``, also ``2026-7-1`` and, with one separator
  used throughout, ``2026/7/1`` or ``2026.7.1``;
- the ISO basic form ``20260701`` (eight digits, year first);
- Chinese: ``2026年7月1日`` or ``2026年07月01日``.

Refused with the fix: day or month first (``01/07/2026`` is 1 July in Beijing and 7 January
in a US-set Excel), two-digit years, words (``yesterday``, ``今天``), impossible dates
(``2026-13-01``, ``2026-02-30``) and spreadsheet serial numbers (``46204``). Datetimes take
the same date, then ``HH:MM[:SS[.ffffff]]`` after a space or ``T``, and an optional UTC
offset (``Z``, ``+08:00``).
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from gis._errors import InputError

#: The fix every refused date carries (the error table holds its Chinese): also used for
#: the importer's refused rows, whose reasons are English text.
FIX = "write the date as 2026-07-01 (YYYY-MM-DD) or 2026年7月1日"
DATETIME_FIX = "write the time as 2026-07-01 08:30 (YYYY-MM-DD HH:MM[:SS])"

_DATE = (
    r"(?:(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"|(?P<by>\d{4})(?P<bm>\d{2})(?P<bd>\d{2})"
    r"|(?P<cy>\d{4})\s*年\s*(?P<cm>\d{1,2})\s*月\s*(?P<cd>\d{1,2})\s*日)"
)
_DATE_RE = re.compile(_DATE)
_TIME_RE = re.compile(
    _DATE + r"(?:[ T]\s*(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
)


def _text(value: object) -> str:
    """Text to match: stripped, or the digits of a whole number (20260701 typed into Excel
    arrives as a number); anything else matches nothing."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return str(int(value))
    return ""


def _ymd(m: re.Match[str]) -> dt.date:
    g = m.groupdict()
    y, mo, d = (
        (g["y"], g["m"], g["d"])
        if g["y"]
        else ((g["by"], g["bm"], g["bd"]) if g["by"] else (g["cy"], g["cm"], g["cd"]))
    )
    return dt.date(int(y), int(mo), int(d))  # ValueError for 2026-13-01 or 2026-02-30


def parse_date(
    value: object, *, field: str | None = None, file: str | None = None, row: int | None = None
) -> dt.date:
    """``value`` as a date, or an :class:`~gis.InputError` naming it and the fix.

    Parameters
    ----------
    value : str, date, datetime or pandas.Timestamp
        What the user gave; the forms accepted are listed in the module docstring.
    field, file, row : optional
        Where the value came from (an option such as ``--as-of``, a column, a row), named in
        the refusal.

    Returns
    -------
    datetime.date
    """
    if value is pd.NaT:
        raise InputError(
            code="date.not_date", params={"value": str(value)}, field=field, file=file, row=row
        )
    if isinstance(value, dt.datetime):  # a pandas Timestamp too
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = _DATE_RE.fullmatch(_text(value))
    if m is None:
        raise InputError(
            code="date.not_date", params={"value": str(value)}, field=field, file=file, row=row
        )
    try:
        return _ymd(m)
    except ValueError:
        raise InputError(
            code="date.no_such_day", params={"value": str(value)}, field=field, file=file, row=row
        ) from None


def parse_datetime(
    value: object, *, field: str | None = None, file: str | None = None, row: int | None = None
) -> pd.Timestamp:
    """``value`` as a timestamp: a date as :func:`parse_date` reads it, then an optional
    time and UTC offset. Naive stays naive (the caller knows the local time zone)."""
    if value is pd.NaT:
        raise InputError(
            code="date.not_datetime", params={"value": str(value)}, field=field, file=file, row=row
        )
    if isinstance(value, dt.datetime):
        return pd.Timestamp(value)
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    m = _TIME_RE.fullmatch(_text(value))
    if m is None:
        raise InputError(
            code="date.not_datetime", params={"value": str(value)}, field=field, file=file, row=row
        )
    try:
        day = _ymd(m)
        ts = pd.Timestamp(f"{day.isoformat()}T{m['time'] or '00:00'}{m['tz'] or ''}")
    except ValueError:  # 2026-02-30, or 25:00
        raise InputError(
            code="date.no_such_time", params={"value": str(value)}, field=field, file=file, row=row
        ) from None
    return ts
