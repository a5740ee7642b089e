"""Personal data: phone numbers are shown masked to anyone who is not staff.

Used by every face that shows or hands out people's details (the jurisdiction card, the
app's downloads), so a masked view never leaks a number through another door.
"""

from __future__ import annotations

import re

import pandas as pd

#: Columns of the catalogue that hold a person's phone number.
PHONE_FIELDS = ("phone", "chief_phone")
# a phone number inside free text: a mobile (1xx xxxx xxxx, separated or not), a landline
# with its area code, or the 3-4-4 form. Admin codes (6, 9 or 12 digits, no separators)
# never match.
_IN_TEXT = re.compile(r"(?<![\d-])(?:1\d{2}[- ]?\d{4}[- ]?\d{4}|0\d{2,3}-\d{7,8}|\d{3}-\d{4}-\d{4})(?![\d-])")


def mask_phone(phone) -> str | None:
    """Keep the first three and last four digits: ``138-1234-5678`` -> ``138-****-5678``."""
    if not isinstance(phone, str) or not phone:
        return None
    digits = [i for i, ch in enumerate(phone) if ch.isdigit()]
    hide = set(digits[3:-4]) if len(digits) > 7 else set(digits[:-2])
    return "".join("*" if i in hide else ch for i, ch in enumerate(phone))


def mask_text(text):
    """Every phone number inside ``text`` masked (other text unchanged)."""
    if not isinstance(text, str):
        return text
    return _IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)


def mask_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with the phone columns masked and phone numbers in text columns masked."""
    out = df.copy()
    for col in out.columns:
        if col == "geometry":
            continue
        if col in PHONE_FIELDS:
            out[col] = out[col].map(mask_phone)
        elif out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(mask_text)
    return out
