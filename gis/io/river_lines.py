"""Rivers-layer rows that are not rivers (issue 15 item 7): waterbody lines, connectors and
coastlines keep their ``line_kind``; an unnamed line is kept as an unnamed connector (it
joins the network) instead of being refused for its empty name."""

from __future__ import annotations

import pandas as pd

from gis.catalogue import RIVER_ONLY_FIELDS, Layer
from gis.io.reasons import Reason
from gis.io.validate import Problem

_CONNECTOR = "connector"


def _blank(column: pd.Series) -> pd.Series:
    return column.isna() | (column.astype(str).str.strip() == "")


def unnamed_as_connectors(
    df: pd.DataFrame, spec: Layer, rows: list[int]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Mark rivers-layer rows with no name and no ``line_kind`` as connectors.

    Parameters
    ----------
    df : DataFrame
        The rows being imported, columns already mapped to catalogue fields.
    spec : Layer
        The layer imported into; other layers pass through unchanged.
    rows : list of int
        The source row number of each row, for the repair notes.

    Returns
    -------
    (DataFrame, list of Problem)
        The frame (``line_kind`` filled where the row was unnamed) and one repair note per
        row so kept.

    Examples
    --------
    >>> from gis.catalogue import get_layer
    >>> df = pd.DataFrame({"name": ["清江", None], "river_code": ["R1", "R2"]})
    >>> out, notes = unnamed_as_connectors(df, get_layer("rivers"), [2, 3])
    >>> out["line_kind"].tolist(), [n.row for n in notes]
    ([None, 'connector'], [3])
    """
    if spec.name != "rivers" or "name" not in df:
        return df, []
    kind = df["line_kind"] if "line_kind" in df else pd.Series(None, index=df.index, dtype=object)
    unnamed = _blank(df["name"]) & _blank(kind)
    if not unnamed.any():
        return df, []
    df = df.copy()
    df["line_kind"] = kind.astype(object).where(~unnamed, _CONNECTOR)
    df.loc[~unnamed & _blank(kind), "line_kind"] = None
    why = Reason("row.unnamed_connector")
    notes = [
        Problem.of(rows[i], "line_kind", why, action="repaired")
        for i in range(len(df))
        if unnamed.iloc[i]
    ]
    return df, notes


def drop_refused(kept: list[Problem], refused: list[Problem]) -> list[Problem]:
    """The connector notes of rows not refused later: a row is never said to be kept
    while it is refused (an unnamed line without its id in a file with a code column).

    Parameters
    ----------
    kept : list of Problem
        From :func:`unnamed_as_connectors`.
    refused : list of Problem
        The rows refused by the import.

    Returns
    -------
    list of Problem
    """
    gone = {p.row for p in refused}
    return [p for p in kept if p.row not in gone]


def not_rivers(df: pd.DataFrame, spec: Layer) -> set[int]:
    """Positions of rivers-layer rows whose ``line_kind`` is given and is not river: they
    may leave :data:`gis.catalogue.RIVER_ONLY_FIELDS` empty.

    Parameters
    ----------
    df : DataFrame
    spec : Layer

    Returns
    -------
    set of int
    """
    if spec.name != "rivers" or "line_kind" not in df:
        return set()
    kind = df["line_kind"].astype(object)
    other = ~_blank(kind) & (kind.astype(str).str.strip() != "river")
    return {i for i in range(len(df)) if other.iloc[i]}


__all__ = [
    "RIVER_ONLY_FIELDS",
    "drop_refused",
    "not_rivers",
    "unnamed_as_connectors",
]  # RIVER_ONLY_FIELDS re-exported for the importer
