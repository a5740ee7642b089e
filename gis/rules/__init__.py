"""Rule tables: every regulatory number lives here as data, with its source.

Each table is a CSV shipped with the package. A county overrides a table by passing its
own CSV with the same columns; the loaded frame records which file it came from in
``frame.attrs["rule_set"]``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from gis._errors import InputError
from gis._errors import UnknownNameError as UnknownNameError  # re-exported: callers raise it

TABLES = {
    "sand_mining_distances": "Prohibited sand-mining distances along the river from structures "
    "(DOMAIN §3.3)",
    "river_zone_distances": "River-type protection zones: distances along the channel and land "
    "widths (HJ 338-2018)",
    "channel_half_width": "Channel half-width by river management level, the water zone of a "
    "line-only network",
    "reservoir_zones": "Reservoir-type protection zones by scale class (HJ 338-2018)",
    "groundwater_travel_time": "Groundwater wells: travel time and safety factor per level for R "
    "= α·K·I·T/n",
    "groundwater_empirical_radius": "Groundwater wells: radius by aquifer material when K, I and "
    "n are unknown",
    "patrol_frequency": "Minimum patrols per period by chief level (DOMAIN §3.2)",
    "patrol_validity": "Named rule sets: minimum duration and distance of one valid patrol by "
    "level (DOMAIN §3.2)",
    "patrol_checks": "Thresholds of the suspicious-patrol checks (vehicle, stationary, off-river, "
    "teleport)",
    "import_limits": "Size limits of imports: file and archive bytes, rows, columns, cells, a "
    "cell's length",
    "import_clip": "Clipping imports to the county: how far outside it a border river may run",
    "assessment_indicators": "Chief assessment indicators: definition, scoring band, weight by "
    "level and source (issue 17)",
    "assessment_grades": "Chief assessment grades by minimum total score",
    "assessment_vetoes": "Chief assessment vetoes (一票否决): incidents that cap the grade",
    "assessment_workload": "Chief assessment workload: the length one patrol of a level is "
    "expected to cover (caps the coverage asked of a long stretch)",
    "assessment_boundary_sections": "Chief assessment: weight of a cross-boundary water-quality "
    "section for the upstream and downstream side",
}


def load(name: str, *, override: str | Path | None = None) -> pd.DataFrame:
    """Load rule table ``name``, or a county's override file with the same columns.

    Parameters
    ----------
    name : str
        One of :data:`TABLES`.
    override : path, optional
        A CSV with the same columns that replaces the shipped defaults.

    Returns
    -------
    DataFrame
        The table; ``attrs["rule_set"]`` says where it came from (``default:<name>`` or
        ``override:<path>``), and results that used it carry that.

    Raises
    ------
    UnknownNameError
        ``name`` is not a rule table.
    InputError
        The override cannot be read, lacks a column, or has text in a number column.

    Examples
    --------
    >>> widths = load("channel_half_width")
    >>> widths[["management_level", "half_width_m"]].values.tolist(), widths.attrs["rule_set"]
    ([['county', 30], ['township', 15], ['village', 5]], 'default:channel_half_width')

    A county that surveyed its village streams at 8 m overrides the table:

    >>> _ = Path("widths.csv").write_text(
    ...     "management_level,half_width_m,source\\n"
    ...     "county,30,default\\ntownship,15,default\\nvillage,8,county survey 2026\\n",
    ...     encoding="utf-8")
    >>> ours = load("channel_half_width", override="widths.csv")
    >>> int(row(ours, "management_level", "village")["half_width_m"]), ours.attrs["rule_set"]
    (8, 'override:widths.csv')
    """
    if name not in TABLES:
        raise UnknownNameError("rule table", name, list(TABLES))
    default = pd.read_csv(
        resources.files(__package__).joinpath(f"{name}.csv"), keep_default_na=False
    )
    if override is None:
        default.attrs["rule_set"] = f"default:{name}"
        return default
    try:
        table = pd.read_csv(override, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(
            code="rules.unreadable", file=str(override), params={"detail": str(exc)}
        ) from exc
    missing = [c for c in default.columns if c not in table.columns]
    if missing:
        raise InputError(
            code="rules.lacks_columns",
            file=str(override),
            params={"missing": str(missing), "columns": str(list(default.columns))},
        )
    # a number column must stay numeric: a typo like "1OOO" would otherwise compare as text
    for col in default.columns:
        if pd.api.types.is_numeric_dtype(default[col]) and not pd.api.types.is_numeric_dtype(
            table[col]
        ):
            bad = pd.to_numeric(table[col], errors="coerce").isna()
            row = int(bad.to_numpy().argmax()) + 2
            raise InputError(
                code="rules.not_a_number",
                file=str(override),
                row=row,
                field=col,
                params={"value": str(table[col].iloc[row - 2])},
            )
    table.attrs["rule_set"] = f"override:{override}"
    return table


def row(table: pd.DataFrame, column: str, value: str) -> pd.Series:
    """The row of ``table`` whose ``column`` equals ``value``; names the valid values if none.

    Parameters
    ----------
    table : DataFrame
        From :func:`load`.
    column : str
        The column to match.
    value : str
        Compared as text.

    Returns
    -------
    Series
        The first matching row.

    Raises
    ------
    UnknownNameError
        No row matches; the message lists the values there are and the rule set.
    """
    hit = table[table[column].astype(str) == str(value)]
    if hit.empty:
        raise UnknownNameError(
            f"{column} in rule set {table.attrs.get('rule_set', '?')}",
            str(value),
            table[column].astype(str).tolist(),
        )
    return hit.iloc[0]


def sand_mining_distance(
    table: pd.DataFrame, structure: dict[str, Any]
) -> tuple[float, float] | None:
    """(upstream_m, downstream_m) prohibited around ``structure``, or None if no rule applies.

    Parameters
    ----------
    table : DataFrame
        The ``sand_mining_distances`` table.
    structure : dict
        A row of the ``structures`` layer: ``kind``, and for a bridge ``bridge_type``,
        ``bridge_class`` (road) or ``length_m`` (rail).

    Returns
    -------
    (float, float) or None
        Metres along the channel upstream and downstream.

    Examples
    --------
    Highway safety regulations (公路安全保护条例 Art. 20): 500 m up and 2000 m down of a
    large road bridge; a 600 m rail bridge (铁路运输安全保护条例 Art. 16): 500 m and 3000 m:

    >>> distances = load("sand_mining_distances")
    >>> sand_mining_distance(distances, {"kind": "bridge", "bridge_type": "road",
    ...                                  "bridge_class": "large"})
    (500.0, 2000.0)
    >>> sand_mining_distance(distances, {"kind": "bridge", "bridge_type": "rail", "length_m": 600})
    (500.0, 3000.0)
    >>> sand_mining_distance(distances, {"kind": "culvert"}) is None
    True
    """
    kind = structure.get("kind")
    rows = table[table["structure"] == kind]
    if kind == "bridge":
        if structure.get("bridge_type") == "rail":
            length = float(structure.get("length_m") or 0)
            sub = (
                "rail:>=500" if length >= 500 else "rail:100-500" if length >= 100 else "rail:<100"
            )
        else:
            sub = f"road:{structure.get('bridge_class') or 'small'}"
        rows = rows[rows["subtype"] == sub]
    if rows.empty:
        return None
    return float(rows.iloc[0]["upstream_m"]), float(rows.iloc[0]["downstream_m"])
