"""Old parameter names keep working for a while, with a warning that says what to call."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path


def warn(old: str, instead: str, *, stacklevel: int = 3) -> None:
    """Warn that ``old`` is deprecated and name the call that replaces it."""
    warnings.warn(
        f"{old} is deprecated and will be removed; use {instead} instead",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


def fold_override(
    rule_overrides: Mapping[str, Path | str] | None,
    *,
    func: str,
    old: str,
    table: str,
    value: Path | str | None,
) -> dict[str, Path | str]:
    """``rule_overrides`` as a dict, with the value of the deprecated one-table parameter
    ``old`` of ``func`` folded in under ``table`` (and a :class:`DeprecationWarning`)."""
    out = dict(rule_overrides or {})
    if value is None:
        return out
    if table in out:
        raise TypeError(f"{func}() got both {old}= and rule_overrides[{table!r}]; give one")
    warn(
        f"{func}({old}=...)",
        f"{func}(rule_overrides={{{table!r}: {str(value)!r}}})",
        stacklevel=4,
    )
    out[table] = value
    return out
