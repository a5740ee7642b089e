"""Errors a user can act on.

Every error carries a stable ``code`` (``"input.crs_missing"``, ``"store.locked"``,
``"name.unknown"`` ...) and ``params``, a dict of plain values (file, row, field, value, the
valid names ...), so that each face renders it in its user's language:
``exc.message("zh")`` / ``exc.message("en")``. The zh/en templates of every code are in
``gis/rules/messages.csv`` (read through :mod:`gis.i18n`). ``str(exc)`` is the English
message. Templates speak of things, never of a face's options (no CLI flag, no server path):
the CLI adds its own flag hints.

A raise gives either ``code=`` and ``params=`` (its reason and fix then come from the
table), or, for a message not yet in the table, a literal English ``reason``/``fix`` under the
class's generic code. Every message names where the problem is (file, row, field), why, and
what to do. The CLI prints these without a traceback and exits 2.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class RiverChiefError(Exception):
    """Base class for errors the user can act on.

    Parameters
    ----------
    reason : str, optional
        What is wrong, in plain English; taken from the code's template when omitted.
    code : str, optional
        The stable code of the message table; the class's generic code when omitted.
    params : mapping, optional
        Plain values the templates name (``{value}``, ``{valid}`` ...).
    file, row, field : optional
        Where it is. ``row`` is 1-based, as a spreadsheet user counts.
    fix : str, optional
        What the user should do about it; the template's when omitted.
    """

    #: the generic code of a raise that gives a literal reason
    default_code = "error"

    def __init__(
        self,
        reason: str | None = None,
        *,
        code: str | None = None,
        params: Mapping[str, Any] | None = None,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.code = code or self.default_code
        self.params: dict[str, Any] = dict(params or {})
        self.file, self.row, self.field = file, row, field
        if reason is None:
            reason, table_fix = _render(self.code, "en", self._values())
            fix = table_fix if fix is None else fix
        self.reason, self.fix = reason, fix
        super().__init__(self._compose("en"))

    def _values(self) -> dict[str, Any]:
        where = {"file": self.file, "row": self.row, "field": self.field}
        return {**{k: v for k, v in where.items() if v is not None}, **self.params}

    def message(self, lang: str = "zh") -> str:
        """This error in ``lang`` ('zh' or 'en'): where, why and what to do."""
        return self._compose(lang)

    def _compose(self, lang: str) -> str:
        if lang == "en" or self.code == self.default_code:
            reason, fix = self.reason, self.fix
        else:
            reason, fix = _render(self.code, lang, self._values())
        if self.code == self.default_code and lang != "en":
            reason = _render(self.default_code, lang, {"reason": reason})[0]
        return _join(lang, _where(lang, self.file, self.row, self.field), reason, fix)

    def __reduce__(self) -> tuple[Any, ...]:  # across a process pool with its code and params
        return _rebuild, (type(self), self.args, self.__dict__)

    def rename_file(self, old: str, new: str) -> None:
        """Say the file as ``new`` wherever ``old`` (e.g. a server's temporary copy) appears."""

        def swap(v: Any) -> Any:
            return v.replace(old, new) if isinstance(v, str) else v

        self.file, self.reason, self.fix = swap(self.file), swap(self.reason), swap(self.fix)
        self.params = {k: swap(v) for k, v in self.params.items()}
        self.args = (self._compose("en"),)


class InputError(RiverChiefError):
    """Bad input: a file, a row or a field that cannot be used as it is."""

    default_code = "input.invalid"


class CRSError(InputError):
    """A coordinate reference system is missing, unknown or implausible."""

    default_code = "input.crs_invalid"


class StoreError(RiverChiefError):
    """The county store cannot be read or written."""

    default_code = "store.failed"


class OutputError(RiverChiefError):
    """An output that could not be made (a PDF without a browser to print it, ...)."""

    default_code = "output.failed"


class UnknownNameError(RiverChiefError, KeyError):
    """A name (layer, field, rule set, sample file) that does not exist.

    The message lists the valid names. A ``KeyError`` too, as before the vocabulary.
    """

    def __init__(self, kind: str, name: str, valid: list[str] | tuple[str, ...]) -> None:
        self.kind, self.name, self.valid = kind, name, list(valid)
        super().__init__(
            code="name.unknown",
            params={"kind": kind, "name": str(name), "valid": [str(v) for v in self.valid]},
        )

    def __str__(self) -> str:  # KeyError would quote the message otherwise
        return str(self.args[0])


class AmbiguousNameError(InputError):
    """A name that matches several things (``count`` of them); the message lists some."""

    def __init__(
        self,
        kind: str,
        name: str,
        matches: list[str] | tuple[str, ...],
        *,
        count: int | None = None,
        field: str | None = None,
        file: str | None = None,
    ) -> None:
        self.kind, self.name, self.matches = kind, name, list(matches)
        super().__init__(
            code="name.ambiguous",
            file=file,
            field=field,
            params={
                "kind": kind,
                "name": str(name),
                "matches": [str(m) for m in self.matches],
                "count": len(self.matches) if count is None else count,
            },
        )


def _rebuild(
    cls: type[RiverChiefError], args: tuple[Any, ...], state: dict[str, Any]
) -> RiverChiefError:
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(state)
    return exc


def render_message(code: str, lang: str, values: Mapping[str, Any]) -> tuple[str, str | None]:
    """(reason, fix or None) of message ``code`` in ``lang``, its templates filled with
    ``values`` (lists joined in the language's way, fixed phrases translated)."""
    return _render(code, lang, values)


def _render(code: str, lang: str, values: Mapping[str, Any]) -> tuple[str, str | None]:
    from gis.i18n import error_template  # same floor; loaded on first use (no cycle)

    reason, fix = error_template(code, lang)
    fmt = _Values(values, lang)
    return reason.format_map(fmt), (fix.format_map(fmt) if fix else None)


#: params whose value is a fixed English phrase the table translates (``kind.<phrase>`` rows)
_TERMS = ("kind", "what", "guess", "level", "got", "shape")  # translated by kind.* rows


class _Values(dict[str, Any]):
    """Template values: lists joined in the language's way; fixed phrases translated."""

    def __init__(self, values: Mapping[str, Any], lang: str) -> None:
        sep = "、" if lang == "zh" else ", "
        super().__init__(
            {
                k: sep.join(map(str, v)) if isinstance(v, list | tuple) else v
                for k, v in values.items()
            }
        )
        if lang != "en":
            from gis.i18n import kind_word

            for key in _TERMS:
                if key in self:
                    self[key] = kind_word(str(self[key]), lang)

    def __missing__(self, key: str) -> str:  # a template never fails on a missing value
        return "{" + key + "}"


def _where(lang: str, file: str | None, row: int | None, field: str | None) -> str:
    parts = []
    if lang == "en":
        parts += [f"file {file}"] if file else []
        parts += [f"row {row}"] if row is not None else []
        parts += [f"field '{field}'"] if field else []
        return ", ".join(parts)
    parts += [f"文件 {file}"] if file else []
    parts += [f"第 {row} 行"] if row is not None else []
    parts += [f"字段“{field}”"] if field else []
    return "，".join(parts)


def _join(lang: str, where: str, reason: str, fix: str | None) -> str:
    if lang == "en":
        text = (where + ": " if where else "") + reason
        return text + (f". Fix: {fix}" if fix else "")
    text = (where + "：" if where else "") + reason
    return text + (f"。处理：{fix}" if fix else "")
