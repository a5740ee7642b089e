"""Personal data: phone numbers are shown masked to anyone who is not staff.

Used by every face that shows or hands out people's details (the jurisdiction card, the
app's downloads), so a masked view never leaks a number through another door.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from geopandas.array import GeometryDtype

#: Columns of the catalogue that hold a person's phone number.
PHONE_FIELDS = ("phone", "chief_phone")
#: Words in a column name that mark it as holding phone numbers (extra columns an import
#: kept from an office's register: 联系电话, 手机号码, 办公电话, Tel., mobile ...).
PHONE_HINTS = ("phone", "mobile", "tel", "电话", "手机", "联系方式", "座机")
# a phone number inside free text, with an optional country code (+86, 0086, 86-):
# a mobile (1xx xxxx xxxx, separated or not), a landline with its area code (0838-1234567,
# (0838)1234567, （0838）1234567, 0838 1234567) and an optional extension, or the 3-4-4 form.
# Admin codes (6, 9 or 12 digits, no separators) never match.
_CC = r"((?:\+|00)?86[- ]?)?"
_IN_TEXT = re.compile(
    r"(?<![\d-])" + _CC + r"(?:1\d{2}[- ]?\d{4}[- ]?\d{4}"
    r"|(?:0\d{2,3}[- ]|\(0\d{2,3}\)\s?|（0\d{2,3}）\s?)\d{7,8}(?:-\d{1,6})?"
    r"|0\d{2,3}-\d{7,8}|\d{3}-\d{4}-\d{4})(?![\d-])"
)
# a mobile number stored as a number (Excel turns 13812345678 into one)
_MOBILE_DIGITS = re.compile(r"^(?:86)?1[3-9]\d{9}$")


def mask_phone(phone: object) -> str | None:
    """Keep the first three and last four digits: ``138-1234-5678`` -> ``138-****-5678``.

    Parameters
    ----------
    phone : str
        A phone number as written, separators included.

    Returns
    -------
    str or None
        The same text with the middle digits as ``*`` (a short number keeps only its last
        two digits); None for an empty or non-text value.

    Examples
    --------
    >>> mask_phone("138-1234-5678"), mask_phone("13812345678"), mask_phone("0838-1234567")
    ('138-****-5678', '138****5678', '083*-***4567')
    >>> mask_phone(None) is None
    True
    """
    if not isinstance(phone, str) or not phone:
        return None
    return _mask_digits(phone)


def _mask_digits(phone: str) -> str:
    """:func:`mask_phone` of a text that is not empty."""
    digits = [i for i, ch in enumerate(phone) if ch.isdigit()]
    hide = set(digits[3:-4]) if len(digits) > 7 else set(digits[:-2])
    return "".join("*" if i in hide else ch for i, ch in enumerate(phone))


def mask_text(text: object) -> object:
    """Every phone number inside ``text`` masked (other text unchanged).

    Parameters
    ----------
    text : str or object
        Free text; anything that is not a string is returned as it is.

    Returns
    -------
    str or object

    Examples
    --------
    >>> mask_text("王平 13812345678，办公室 0838-1234567，村 512099001")
    '王平 138****5678，办公室 083*-***4567，村 512099001'
    """
    if not isinstance(text, str):
        return text
    # the country code stays readable; the number after it is masked as a number alone
    return _IN_TEXT.sub(
        lambda m: (m.group(1) or "") + _mask_digits(m.group(0)[len(m.group(1) or "") :]), text
    )


def is_phone_column(name: object) -> bool:
    """Whether a column's name says it holds phone numbers.

    Parameters
    ----------
    name : object
        A column name.

    Returns
    -------
    bool
        True for :data:`PHONE_FIELDS` and names containing one of :data:`PHONE_HINTS`.

    Examples
    --------
    >>> is_phone_column("联系电话"), is_phone_column("Mobile"), is_phone_column("name")
    (True, True, False)
    """
    text = str(name).lower()
    return name in PHONE_FIELDS or any(h in text for h in PHONE_HINTS)


def _mask_number(value: Any) -> Any:
    """A whole number that is a mobile phone, masked as text; any other value unchanged."""
    try:
        as_int = int(value)
    except (TypeError, ValueError, OverflowError):
        return value
    if as_int != value or not _MOBILE_DIGITS.match(str(as_int)):
        return value
    return mask_phone(str(as_int))


def mask_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every phone number masked: the catalogue's phone columns and extra
    columns named like one (电话, 手机, tel …) whole, numbers inside any text, and mobile
    numbers stored as numbers (a spreadsheet's habit).

    Parameters
    ----------
    df : DataFrame
        Not changed; geometry columns are skipped.

    Returns
    -------
    DataFrame
        The masked copy.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"name": ["王平"], "联系电话": ["13812345678"],
    ...                    "备注": ["手机 +86 139 1234 5678"], "编号": [13712345678],
    ...                    "admin_code": ["512099001"]})
    >>> mask_frame(df).iloc[0].tolist()
    ['王平', '138****5678', '手机 +86 139 **** 5678', '137****5678', '512099001']
    """
    out = df.copy()
    for col in out.columns:
        if col == "geometry" or isinstance(out[col].dtype, GeometryDtype):
            continue
        series = out[col]
        if is_phone_column(col):
            out[col] = series.map(lambda v: None if _missing(v) else mask_phone(_as_text(v)))
        elif pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            masked = series.map(_mask_number)
            if not masked.equals(series):
                out[col] = masked.astype(object)
        elif series.dtype == object or pd.api.types.is_string_dtype(series):
            out[col] = series.map(lambda v: mask_text(v) if isinstance(v, str) else _mask_number(v))
    return out


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA


def _as_text(value: object) -> str:
    """A phone cell as text; 13812345678.0 from a float column loses its '.0'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
