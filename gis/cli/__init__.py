"""The ``riverchief`` command line: a thin face over the library.

One module per command group, each with a ``register(sub, parents)``; the shared options
(``--data``, ``--json``, ``--out``) and helpers are in :mod:`gis.cli.common`. Errors a user
can act on become one line on stderr and exit code 2 here, in :func:`main`, and nowhere else,
in the command line's language (:mod:`gis.cli.errors`): Chinese, or English with the global
``--lang en`` or ``RIVERCHIEF_LANG=en``.

A command's choices and defaults are the library's constants, and the library's modules import
geopandas and numba (seconds). So :func:`main` builds in full only the command it runs; the
others are listed by name and help (each module's ``COMMANDS``), and the command modules import
the library inside their functions.
"""

from __future__ import annotations

import argparse
import sys

from gis._errors import RiverChiefError
from gis.cli import (
    assess,
    coords,
    county,
    dashboard,
    data,
    dossier,
    gaps,
    importing,
    jurisdiction,
    network,
    patrols,
    province,
    quarries,
    stores,
    tools,
    zones,
)
from gis.cli.common import guard_store, parents, resolve_data
from gis.cli.errors import LANG_ENV, language, render
from gis.i18n import LANGUAGES

#: The command modules, in the order their commands are listed by ``riverchief --help``.
GROUPS = (
    data,
    dashboard,
    county,
    importing,
    gaps,
    network,
    zones,
    quarries,
    patrols,
    assess,
    province,
    dossier,
    coords,
    jurisdiction,
    stores,
    tools,
)
EXIT_USER_ERROR = 2  # as argparse exits for a bad option
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl+C


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``riverchief`` parser (a missing ``--data`` is filled in when the command runs).

    Parameters
    ----------
    command : str, optional
        Build only this command in full and list the others by name and help alone; ``None``
        (default) builds every command in full, ``""`` none.

    Returns
    -------
    argparse.ArgumentParser
    """
    p = argparse.ArgumentParser(
        prog="riverchief", description="River Chief GIS (河长制 GIS): county data, checks and map."
    )
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        help=f"language of the messages (default: ${LANG_ENV}, else zh)",
    )
    sub = p.add_subparsers(dest="command", required=True)
    shared = parents()
    for group in GROUPS:
        if command is None or command in group.COMMANDS:
            group.register(sub, shared)
        else:
            for name, text in group.COMMANDS.items():
                sub.add_parser(name, help=text)
    return p


def _command_word(argv: list[str]) -> str:
    """The command named in ``argv`` ('' for none): the first word that is neither an option
    nor the value of the one top-level option taking a value (``--lang``)."""
    words = iter(argv)
    for word in words:
        if word == "--lang":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return ""


def main(argv: list[str] | None = None) -> int:
    """Run one ``riverchief`` command; returns its exit code.

    0 success, 1 a finding the command reports (e.g. rows refused, nothing found),
    2 a refusal (bad input, no store, an unknown name), 130 interrupted.
    """
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(_command_word(argv)).parse_args(argv)
    try:
        resolve_data(args)
        guard_store(args)
        return args.func(args)
    except (RiverChiefError, KeyError, ValueError) as exc:  # the library's refusals of user input
        print(render(exc, language(args.lang)), file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
