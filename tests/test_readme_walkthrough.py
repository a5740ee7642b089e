"""The README's "your own county" walkthrough runs as written (a doctest for the README).

Every command of the walkthrough's ``bash`` block is run, in order, in a temporary folder
holding a copy of ``examples/your_county/``, through ``riverchief``'s ``main()``; a command
whose comment says ``exit 1`` must end with 1 (rows refused, as the text explains), every
other with 0. ``riverchief app`` starts a server that runs until stopped, so its command
line is parsed and its store checked instead (tests/test_real_county.py opens every page).
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

from gis.cli import build_parser, main
from gis.store import GeoPackageStore

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## 你自己的县 / Your own county"


def walkthrough() -> list[tuple[list[str], int]]:
    """(argv without ``riverchief``, expected exit code) of each command in the section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert SECTION in text, f"README.md has no section '{SECTION}'"
    body = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", body, flags=re.S)
    assert len(blocks) == 1, "the walkthrough is one bash block"
    out = []
    for line in blocks[0].splitlines():
        command, _, comment = line.partition("#")
        if not command.strip():
            continue
        argv = shlex.split(command)
        assert argv[0] == "riverchief", line
        out.append((argv[1:], 1 if "exit 1" in comment else 0))
    return out


def test_the_walkthrough_covers_every_step():
    verbs = [argv[0] for argv, _ in walkthrough()]
    assert verbs[0] == "init" and verbs[-1] == "app"
    assert {"import", "summary", "gaps", "jurisdiction"} <= set(verbs)
    files = {a for argv, _ in walkthrough() for a in argv if a.startswith("examples/")}
    shipped = {f"examples/your_county/{p.name}" for p in (ROOT / "examples/your_county").iterdir()}
    assert files == shipped  # every example file is used, and only shipped files are named


def test_every_walkthrough_command_runs(tmp_path, monkeypatch, capsys):
    shutil.copytree(ROOT / "examples" / "your_county", tmp_path / "examples" / "your_county")
    monkeypatch.chdir(tmp_path)
    for argv, want in walkthrough():
        if argv[0] == "app":
            args = build_parser("app").parse_args(argv)
            assert GeoPackageStore(args.data).meta()["county_name"] == "沃克县"
            continue
        code = main(argv)
        cap = capsys.readouterr()
        assert code == want, f"riverchief {shlex.join(argv)} -> {code}\n{cap.out}\n{cap.err}"
    assert (tmp_path / "管护空白.xlsx").stat().st_size > 0


def test_the_example_files_are_small_and_not_in_the_wheel():
    total = sum(p.stat().st_size for p in (ROOT / "examples" / "your_county").iterdir())
    assert total < 200_000
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8")
    assert "examples" not in manifest  # a checkout's walkthrough files, not the package's
