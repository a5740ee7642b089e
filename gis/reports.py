"""The one shape of an analysis result: named tables and strict JSON.

Every capability verb of :mod:`gis` (``find_gaps``, ``check_quarries``, ...) returns a value
that satisfies :class:`Report`. The faces use nothing else: the CLI's ``--out`` writes
``report.tables()`` (GeoPackage layers, XLSX sheets or CSV files through
:func:`gis.io.findings.write_findings`), ``--json`` prints ``report.to_json()``, and the
app's downloads write the same tables.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd


@runtime_checkable
class Report(Protocol):
    """What every capability returns.

    ``tables()`` gives the named tables an export writes (one sheet, layer or CSV file
    each); ``to_json()`` gives a dict that ``json.dumps(..., allow_nan=False)`` accepts:
    no NaN or infinity (missing values are ``None``), no numpy scalars.
    """

    def tables(self) -> dict[str, pd.DataFrame]:
        """Named tables, as the XLSX/GeoPackage/CSV export writes them."""
        ...

    def to_json(self) -> dict[str, Any]:
        """The stable JSON of the report (strict: missing values are ``None``)."""
        ...


def strict(value: Any) -> Any:
    """``value`` with NaN/NaT/infinity as ``None`` and numpy scalars as Python ones,
    through dicts, lists and tuples (tuples become lists, as JSON has no tuple).

    Examples
    --------
    >>> strict({"a": float("nan"), "b": [np.int64(3), 2.5]})
    {'a': None, 'b': [3, 2.5]}
    """
    if isinstance(value, Mapping):
        return {k: strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strict(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NaT or value is pd.NA:
        return None
    return value


def records(df: pd.DataFrame, *, digits: int | None = None) -> list[dict[str, Any]]:
    """The rows of ``df`` as strict JSON records, floats rounded to ``digits``.

    Examples
    --------
    >>> records(pd.DataFrame({"a": [1.234, None], "b": ["x", None]}), digits=1)
    [{'a': 1.2, 'b': 'x'}, {'a': None, 'b': None}]
    """
    out = df.astype(object).where(df.notna(), None)
    rows: list[dict[str, Any]] = strict(out.to_dict("records"))
    if digits is None:
        return rows
    return [
        {k: (round(v, digits) if isinstance(v, float) else v) for k, v in r.items()} for r in rows
    ]
