"""Every ``--json`` of the command line is strict JSON (issue 15): no bare ``NaN`` or
``Infinity``, which Python prints by default and strict parsers (browsers, jq, Java) refuse.

Each command that has ``--json`` runs in-process on the demo county and its stdout is parsed
with ``parse_constant`` raising; a test also checks that this list covers every command with
``--json``, so a new one must be added here.
"""

from __future__ import annotations

import argparse
import json

import pytest

from gis.cli import build_parser, main
from gis.store import GeoPackageStore

#: argv per command (before ``--json``); {copy} is a private copy of the demo store,
#: {rivers} a GeoJSON of three new rivers, {gpx} a real GPS recording, {new} a store to set
#: up from {county}, the demo's county outline.
COMMANDS: dict[str, list[str]] = {
    "summary": ["summary"],
    "dashboard": ["dashboard"],
    "init": ["init", "{new}", "--code", "512099", "--name", "示范县", "--boundary", "{county}"],
    "search": ["search", "河"],
    "import": ["import", "{rivers}", "--layer", "rivers", "--data", "{copy}"],
    "gaps": ["gaps", "--level", "all"],
    "network": ["network"],
    "zones delineate": ["zones", "delineate", "--missing"],
    "zones query": ["zones", "query", "--point", "105.3,30.3"],
    "quarries": ["quarries"],
    "patrols import": ["patrols", "import", "{gpx}", "--dry-run", "--chief", "512099C0001"],
    # the simulated demo quarter: ~30 s, the one slow case (4.6 million points)
    "patrols report": ["patrols", "report", "--from", "2026-07-01", "--to", "2026-09-30"],
    "coords convert": ["coords", "convert", "--from", "wgs84", "--to", "bd09", "105.3", "30.3"],
    "jurisdiction": ["jurisdiction", "--river", "512099R001"],
    "dossier": ["dossier", "512099R001"],
    "assess": ["assess", "--from", "2026-07-01", "--to", "2026-09-30"],
    # a LocalCluster of one worker process over one county
    "province gaps": ["province", "gaps", "{copy}", "--level", "township", "--workers", "1"],
    "province zones": ["province", "zones", "{copy}", "--missing", "--workers", "1"],
    # the demo holds no patrols: its county is a failed one (exit 1), said in the JSON
    "province patrols": [
        "province",
        "patrols",
        "{copy}",
        "--from",
        "2026-07-01",
        "--to",
        "2026-09-30",
        "--workers",
        "1",
    ],
    "province assess": [
        "province",
        "assess",
        "{copy}",
        "--from",
        "2026-07-01",
        "--to",
        "2026-09-30",
        "--workers",
        "1",
    ],
}
#: further forms of a command whose JSON has another shape
MORE = [
    ["zones", "delineate", "--source", "512099S001"],
    ["zones", "query", "--layer", "{rivers}"],
    ["jurisdiction", "--reach", "512099R001/V/0"],
    ["jurisdiction", "--township", "512099200"],
]


def _bare_constant(name: str):
    raise ValueError(f"bare {name} in JSON output")


def _commands_with_json(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> set[str]:
    found = set()
    if any("--json" in a.option_strings for a in parser._actions):
        found.add(" ".join(path))
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found |= _commands_with_json(sub, (*path, name))
    return found


def test_every_json_command_is_listed():
    assert _commands_with_json(build_parser()) == set(COMMANDS)


@pytest.fixture()
def values(request, tmp_path, demo_copy, demo_path) -> dict[str, str]:
    rivers = GeoPackageStore(demo_path).read("rivers").head(3)
    rivers["river_code"] = rivers["river_code"] + "X"
    rivers.to_file(tmp_path / "rivers.geojson")
    admin = GeoPackageStore(demo_path).read("admin_units")
    admin[admin["level"] == "county"].to_file(tmp_path / "county.geojson")
    out = {
        "copy": str(demo_copy),
        "rivers": str(tmp_path / "rivers.geojson"),
        "new": str(tmp_path / "new.gpkg"),
        "county": str(tmp_path / "county.geojson"),
    }
    if "{gpx}" in " ".join(request.node.callspec.params["argv"]):
        out["gpx"] = str(request.getfixturevalue("realdata") / "gpx" / "cerknicko-jezero.gpx")
    return out


def _argv(template: list[str], values: dict[str, str]) -> list[str]:
    argv = [a.format(**values) for a in template]
    if argv[:2] == ["patrols", "report"]:
        from gis.demo import patrols as demo_patrols

        argv += ["--tracks", str(demo_patrols.ensure())]
    return argv


@pytest.mark.parametrize("argv", [*COMMANDS.values(), *MORE], ids=lambda a: " ".join(a[:3]))
def test_json_output_is_strict(argv, values, capsys):
    rc = main([*_argv(argv, values), "--json"])
    out = capsys.readouterr().out
    assert rc in (0, 1), out  # 1: done, with findings
    parsed = json.loads(out, parse_constant=_bare_constant)
    assert parsed not in (None, {}, [])


def test_blanks_in_the_registers_are_null(demo_copy, capsys):
    # a chief without a phone is valid data (the field is optional) and the unnamed
    # connectors of issue 15 have no name: the JSON says null, never a bare NaN
    store = GeoPackageStore(demo_copy)
    rivers, chiefs, links = (store.read(k) for k in ("rivers", "chiefs", "assignments"))
    rivers.loc[rivers["river_code"] == "512099R001", "name"] = None
    chiefs.loc[chiefs["chief_id"].isin(links["chief_id"]), "phone"] = None
    store.write({"rivers": rivers, "chiefs": chiefs})
    for argv in (
        ["jurisdiction", "--river", "512099R001"],
        ["jurisdiction", "--reach", "512099R001/V/0", "--show-phones"],
        ["summary"],
        ["search", "512099R001"],
    ):
        assert main([*argv, "--data", str(demo_copy), "--json"]) in (0, 1)
        parsed = json.loads(capsys.readouterr().out, parse_constant=_bare_constant)
        if argv[1:2] == ["--reach"]:
            assert parsed["river_name"] is None and parsed["chiefs"]
            assert all(c["phone"] is None for c in parsed["chiefs"])
        if argv[1:2] == ["--river"]:
            assert parsed and all(r["river_name"] is None for r in parsed)


def test_coordinates_that_are_not_finite_are_refused(capsys):
    # argparse reads "nan" and "inf" as floats; printed back they would be bare constants
    argv = ["coords", "convert", "--from", "wgs84", "--to", "gcj02", "nan", "inf", "--json"]
    assert main(argv) == 2
    cap = capsys.readouterr()
    assert cap.out == "" and "finite" in cap.err
