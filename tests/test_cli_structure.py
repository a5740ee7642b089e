"""The command line's shape: choices and defaults come from the library, shared options are
declared once, every command has a working --help, every command module stays small."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from gis import auth, catalogue, coords, coverage, quarries, search
from gis.cli import build_parser, common, main
from gis.demo import DEFAULT_SEED
from gis.io import importer
from gis.patrols.assess import DEFAULT_RULE_SET
from gis.patrols.clean import CleanOptions
from gis.zones.delineate import DEFAULT_TOLERANCE_M as ZONE_TOLERANCE
from gis.zones.well import DEFAULT_MATERIAL

CLI_DIR = Path(__file__).resolve().parents[1] / "gis" / "cli"
MAX_LINES = 250


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Every (sub)command's parser by its words, e.g. ``"zones delineate"``."""
    out = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out[name] = sub
                out.update({f"{name} {k}": v for k, v in _subparsers(sub).items()})
    return out


COMMANDS = _subparsers(build_parser())


def _option(command: str, dest: str) -> argparse.Action:
    return next(a for a in COMMANDS[command]._actions if a.dest == dest)


@pytest.mark.parametrize(
    ("command", "dest", "choices", "default"),
    [
        ("coords convert", "src", coords.SYSTEMS, None),
        ("coords convert", "dst", coords.SYSTEMS, None),
        ("patrols import", "coords", coords.SYSTEMS, CleanOptions().coords),
        ("search", "kind", search.KINDS, None),
        ("gaps", "level", (*coverage.LEVELS, coverage.ALL_LEVELS), coverage.ALL_LEVELS),
        ("import", "mode", importer.MODES, "append"),
        ("hash-password", "role", auth.USER_ROLES, auth.STAFF),
    ],
)
def test_choices_are_the_librarys(command, dest, choices, default):
    action = _option(command, dest)
    assert tuple(action.choices) == tuple(choices)
    assert action.default == default


def test_import_layers_are_the_catalogues_less_the_system_layers():
    layers = _option("import", "layer").choices
    assert set(layers) == set(catalogue.LAYER_NAMES) - set(catalogue.SYSTEM_LAYERS)
    assert "audit_log" not in layers and "rivers" in layers


@pytest.mark.parametrize(
    ("command", "dest", "default"),
    [
        ("zones delineate", "tolerance", ZONE_TOLERANCE),
        ("zones delineate", "material", DEFAULT_MATERIAL),
        ("quarries", "tolerance", quarries.DEFAULT_TOLERANCE_M),
        ("patrols import", "gap_minutes", CleanOptions().gap_minutes),
        ("patrols report", "rules", DEFAULT_RULE_SET),
        ("search", "limit", search.DEFAULT_LIMIT),
        ("demo", "seed", DEFAULT_SEED),
    ],
)
def test_defaults_are_the_librarys(command, dest, default):
    assert _option(command, dest).default == default


def test_library_defaults_are_the_named_constants():
    """The library's own signatures use the constants the CLI reads (stated once)."""
    import inspect

    from gis.zones import delineate

    assert inspect.signature(delineate).parameters["tolerance"].default == ZONE_TOLERANCE == 100.0
    assert inspect.signature(quarries.check_quarries).parameters["tolerance"].default == 200.0
    assert inspect.signature(search.find).parameters["limit"].default == 50


def test_shared_options_are_declared_once():
    parents = common.parents()
    for name, parent in (
        ("--data", parents.data),
        ("--json", parents.json),
        ("--out", parents.out),
    ):
        assert [a.option_strings for a in parent._actions] == [[name]]
    source = "".join(p.read_text(encoding="utf-8") for p in CLI_DIR.glob("*.py"))
    assert source.count('"--data"') == 1
    assert source.count('"--json"') == 1
    # every command that reads a store takes --data from the one parent, with the same default
    with_data = [c for c, p in COMMANDS.items() if any(a.dest == "data" for a in p._actions)]
    assert {"summary", "import", "gaps", "zones delineate", "patrols report", "app"} <= set(
        with_data
    )
    assert len({_option(c, "data").default for c in with_data}) == 1


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_exits_0(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*command.split(), "--help"])
    assert exit_.value.code == 0
    assert "usage: riverchief" in capsys.readouterr().out


def _listing(parser: argparse.ArgumentParser) -> list[tuple[str, str]]:
    """(command, help) as ``riverchief --help`` lists them."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [(a.dest, a.help) for a in sub._choices_actions]


def test_the_short_listing_is_the_full_one():
    """``riverchief --help`` lists each module's COMMANDS without registering them in full;
    the names and help are those the modules register."""
    full = _listing(build_parser())
    assert _listing(build_parser("")) == full
    assert [name for name, _ in full][:2] == ["summary", "layers"] and len(full) == 23
    # one command in full, the others listed: the same listing, and only its options built
    one = build_parser("gaps")
    assert _listing(one) == full
    assert set(_subparsers(one)) == {name for name, _ in full}  # no sub-subcommands but gaps'


def test_help_imports_no_heavy_library():
    """``riverchief --help``, a mistyped command and the commands that need no analysis
    (``app``, ``demo``) load none of the libraries that take seconds to import: they come
    with the command that needs them."""
    heavy = ("geopandas", "pandas", "numpy", "numba", "shapely", "pyogrio", "fiona", "pyproj")
    code = (
        "import sys\nfrom gis.cli import build_parser, main\n"
        "for argv in (['--help'], ['no-such-command'], ['app', '--help'], ['demo', '--help']):\n"
        "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "[]"


def test_console_entry_points():
    """``riverchief`` and ``python -m gis.cli`` run the same main()."""
    run = subprocess.run(
        [sys.executable, "-m", "gis.cli", "--help"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert run.returncode == 0 and "hash-password" in run.stdout
    import tomllib

    pyproject = tomllib.loads((CLI_DIR.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"]["riverchief"] == "gis.cli:main"


@pytest.mark.parametrize("module", sorted(p.name for p in CLI_DIR.glob("*.py")))
def test_command_modules_are_small(module):
    assert len((CLI_DIR / module).read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def test_a_library_keyerror_is_a_clean_refusal(tmp_path, capsys, demo_copy):
    """A plain KeyError the library raises for user input (an unknown --rule-table) ends in
    one line and exit 2, not a traceback."""
    code = main(
        [
            "patrols",
            "report",
            "--data",
            str(demo_copy),
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-02",
            "--rule-table",
            "no_such_table=x.csv",
            "--tracks",
            str(tmp_path / "none.parquet"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("riverchief: error: ") and "Traceback" not in err
