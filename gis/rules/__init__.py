"""Rule tables: every regulatory number lives here as data, with its source.

Each table is a CSV shipped with the package. A county overrides a table by passing its
own CSV with the same columns; the loaded frame records which file it came from in
``frame.attrs["rule_set"]``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from gis._errors import InputError, UnknownNameError

TABLES = {
    "sand_mining_distances": "Prohibited sand-mining distances along the river from structures (DOMAIN §3.3)",
}


def load(name: str, *, override: str | Path | None = None) -> pd.DataFrame:
    """Load rule table ``name``, or a county's override file with the same columns.

    Parameters
    ----------
    name : str
        One of :data:`TABLES`.
    override : path, optional
        A CSV with the same columns that replaces the shipped defaults.
    """
    if name not in TABLES:
        raise UnknownNameError("rule table", name, list(TABLES))
    default = pd.read_csv(resources.files(__package__).joinpath(f"{name}.csv"), keep_default_na=False)
    if override is None:
        default.attrs["rule_set"] = f"default:{name}"
        return default
    table = pd.read_csv(override, keep_default_na=False)
    missing = [c for c in default.columns if c not in table.columns]
    if missing:
        raise InputError(f"rule table override lacks columns {missing}", file=str(override),
                         fix=f"use the columns of the default table: {list(default.columns)}")
    table.attrs["rule_set"] = f"override:{override}"
    return table


def sand_mining_distance(table: pd.DataFrame, structure: dict) -> tuple[float, float] | None:
    """(upstream_m, downstream_m) prohibited around ``structure``, or None if no rule applies."""
    kind = structure.get("kind")
    rows = table[table["structure"] == kind]
    if kind == "bridge":
        if structure.get("bridge_type") == "rail":
            length = float(structure.get("length_m") or 0)
            sub = "rail:>=500" if length >= 500 else "rail:100-500" if length >= 100 else "rail:<100"
        else:
            sub = f"road:{structure.get('bridge_class') or 'small'}"
        rows = rows[rows["subtype"] == sub]
    if rows.empty:
        return None
    return float(rows.iloc[0]["upstream_m"]), float(rows.iloc[0]["downstream_m"])
