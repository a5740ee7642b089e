"""Size limits of imports, from the rule table ``import_limits`` (a county may override it).

Every reader checks these before it reads everything, so a hostile file is refused with
the limit it broke and what to do, instead of growing the process without bound.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from gis import rules
from gis._errors import InputError

ENV = "RIVERCHIEF_IMPORT_LIMITS"  # path of a county's own import_limits.csv
#: Unpacked bytes below which no packing ratio is suspicious (zip archives, XLSX parts):
#: small files of repeated values pack tightly and are harmless.
BOMB_FLOOR = 10_000_000


@dataclass(frozen=True)
class Limits:
    """The limits in force and the rule set they came from."""

    values: dict[str, int]
    rule_set: str

    def __getitem__(self, name: str) -> int:
        return self.values[name]


def current() -> Limits:
    """The limits of ``import_limits.csv``, or of the file named by the environment's
    ``$RIVERCHIEF_IMPORT_LIMITS``.

    Returns
    -------
    Limits
        Read afresh on each call, so a changed override applies to the next import.
    """
    table = rules.load("import_limits", override=os.environ.get(ENV) or None)
    values = dict(
        zip(table["name"].astype(str), table["value"].astype("int64").tolist(), strict=True)
    )
    return Limits(values, table.attrs["rule_set"])


def refuse(lim: Limits, name: str, what: str, found: int, *, file: str, fix: str) -> InputError:
    """The error for a broken limit: what, how much, the limit and its rule set, the fix.

    Parameters
    ----------
    lim : Limits
        The limits in force.
    name : str
        The limit broken, e.g. ``"max_rows"``.
    what : str
        What was counted, e.g. ``"rows"``.
    found : int
        How many were found (or where counting stopped).
    file, fix : str
        The file, and what the user can do.

    Returns
    -------
    InputError
        For the caller to raise.
    """
    return InputError(
        code="input.over_limit",
        file=file,
        fix=fix,
        params={
            "what": what,
            "found": found,
            "limit": lim[name],
            "name": name,
            "rule_set": lim.rule_set,
        },
    )
