"""Errors a user can act on.

Every message names where the problem is (file, row, field), why, and what to do.
The CLI prints these without a traceback and exits non-zero.
"""

from __future__ import annotations


class RiverChiefError(Exception):
    """Base class for errors the user can act on."""


class InputError(RiverChiefError):
    """Bad input: a file, a row or a field that cannot be used as it is.

    Parameters
    ----------
    reason : str
        What is wrong, in plain words.
    file, row, field : optional
        Where it is. ``row`` is 1-based, as a spreadsheet user counts.
    fix : str, optional
        What the user should do about it.
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.row = row
        self.field = field
        self.fix = fix
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = []
        if self.file:
            where.append(f"file {self.file}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field '{self.field}'")
        text = (", ".join(where) + ": " if where else "") + self.reason
        if self.fix:
            text += f". Fix: {self.fix}"
        return text


class CRSError(InputError):
    """A coordinate reference system is missing, unknown or implausible."""


class StoreError(RiverChiefError):
    """The county store cannot be read or written."""


class UnknownNameError(RiverChiefError, KeyError):
    """A name (layer, field, rule set, sample file) that does not exist.

    The message lists the valid names.
    """

    def __init__(self, kind: str, name: str, valid: list[str] | tuple[str, ...]) -> None:
        self.kind, self.name, self.valid = kind, name, list(valid)
        super().__init__(f"unknown {kind} '{name}'; valid names: {', '.join(self.valid)}")

    def __str__(self) -> str:  # KeyError would quote the message otherwise
        return str(self.args[0])
