"""What every command shares: the parent parsers, the store, option parsing, the audit row.

``--data``, ``--json`` and ``--out`` are declared once here (argparse ``parents=``) so the
commands cannot drift apart in their spelling, default or help.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from gis import datasets
from gis._errors import InputError, RiverChiefError
from gis.cli.errors import language

#: Options naming a file a command writes (refused when it is the store itself).
OUTPUTS = ("out", "rejects", "issues")


@dataclass(frozen=True)
class Parents:
    """The shared options, each an ``add_help=False`` parser to pass as ``parents=[...]``."""

    data: argparse.ArgumentParser
    json: argparse.ArgumentParser
    out: argparse.ArgumentParser


def default_data() -> str:
    """The county store a command uses without ``--data``: $RIVERCHIEF_DATA, else the config
    file's ``data = "..."``, else the demo county (:func:`gis.datasets.default_store`)."""
    return datasets.default_data()[0]


def resolve_data(args: argparse.Namespace) -> None:
    """Fill in ``args.data`` when the command takes ``--data`` and none was given, and note
    where it came from in ``args.data_source`` ("option" or one of ``datasets.SOURCES``).
    Read when the command runs, not when the parser is built, so that ``--help`` never
    fails on a broken config file."""
    if not hasattr(args, "data"):
        return
    if args.data is None:
        args.data, args.data_source = datasets.default_data()
    else:
        args.data_source = "option"


def refuse_demo_write(args: argparse.Namespace) -> None:
    """A command about to write into ``args.data`` refuses the shipped demo county unless
    ``--data`` named it: a user's import must never land in the demo by default."""
    source = getattr(args, "data_source", "option")
    if source == "demo" or (source != "option" and datasets.is_demo(args.data)):
        raise InputError(code="cli.demo_read_only", params={"path": args.data})


def parents() -> Parents:
    """Build the parent parsers (``--data`` is filled in by :func:`resolve_data`)."""
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument(
        "--data",
        help='county GeoPackage (default: $RIVERCHIEF_DATA, else data = "..." in the config '
        "file that riverchief init --make-default writes, else the demo county, read only)",
    )
    js = argparse.ArgumentParser(add_help=False)
    js.add_argument("--json", action="store_true", help="print JSON with stable keys")
    out = argparse.ArgumentParser(add_help=False)
    out.add_argument(
        "--out",
        help="write the findings: FILE.gpkg (layers), FILE.xlsx (sheets), FILE.csv "
        "(one file per table) or FILE.parquet (one file per table; layers as GeoParquet)",
    )
    return Parents(data, js, out)


def say(tag: str, message: str) -> None:
    """A progress or side note on stderr, e.g. ``[gaps] wrote x.csv`` (stdout is the result)."""
    print(f"[{tag}] {message}", file=sys.stderr)


def pairs(items: list[str] | None, option: str) -> dict[str, str]:
    """``["A=B", ...]`` of an option such as ``--field-map`` as a mapping."""
    out = {}
    for item in items or []:
        if "=" not in item:
            raise InputError(code="cli.pairs", params={"option": option, "item": item})
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def open_store(path: str, *, demo: bool = True):
    """The county store at ``path`` (a GeoPackage, or a ``postgresql://...?county=CODE``
    URL); refused when there is none (``demo``: say how to build the demo county)."""
    from gis.store_pg import open_data

    store = open_data(path)
    if not store.exists():
        raise InputError(
            code="cli.no_store" if demo else "cli.no_store_data", params={"path": path}
        )
    if "schema_version" not in store.meta():  # every write of a store records it
        raise InputError(code="cli.not_county_store", params={"path": path})
    return store


def iso_date(text: str, option: str):
    """``text`` of ``option`` as a date (:func:`gis.dates.parse_date`: strict, never a guess
    between day and month), or a refusal that says how to write one."""
    from gis.dates import parse_date

    return parse_date(text, field=option)


def audit(data: str, action: str, **kw) -> None:
    """The command line's writes go to the audit log as the OS user (local use: no login)."""
    from gis.audit import LOCAL_ROLE, os_user, record
    from gis.store_pg import open_data

    try:
        record(open_data(data), who=os_user(), role=LOCAL_ROLE, action=action, **kw)
    except RiverChiefError as exc:  # the data is written; say the log is not, never fail silently
        print(
            f"[audit] warning: the audit log was not written: {exc.message(language())}",
            file=sys.stderr,
        )


def guard_store(args: argparse.Namespace) -> None:
    """Refuse before any work: a --data file that is not a GeoPackage (a CSV must never be
    turned into one), and an output file that is the store itself (a symlink or a hard
    link to it included), which exporting would overwrite."""
    from gis.gpkg_tx import not_a_geopackage

    data = getattr(args, "data", None)
    if not data or data.startswith(datasets.URL_SCHEMES) or not Path(data).exists():
        return
    if why := not_a_geopackage(Path(data)):
        raise InputError(code="cli.data_not_a_store", params={"path": data, "why": why})
    for option in OUTPUTS:
        out = getattr(args, option, None)
        if out and Path(out).exists() and os.path.samefile(out, data):
            raise InputError(code="output.is_the_store", params={"out": out, "data": data})


def with_fix(reason: str, fix: str | None) -> str:
    """``reason. Fix: fix``, the one way a message and its fix are joined (as in InputError)."""
    return str(InputError(reason, fix=fix))
