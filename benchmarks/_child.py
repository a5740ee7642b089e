"""What the import benchmarks share: each case runs in a Python process of its own on a
fresh copy of the demo store, so its peak RSS is that case's alone; the child prints its
figures as one JSON line, and the wall time includes starting Python."""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "layers" / "demo" / "demo_county.gpkg"


def machine_line() -> str:
    """The machine, Python and commit a run is measured on."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    return f"machine: {platform.machine()}, python {platform.python_version()}, commit {commit}"


def run_in_child(script: str, args: list[str], work: Path) -> dict:
    """``script --child *args STORE`` on a copy of the demo in ``work``; its JSON figures
    plus ``wall_s``. The copy and its rejects are removed afterwards."""
    store = work / "store.gpkg"
    shutil.copy(DEMO, store)
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, script, "--child", *args, str(store)],
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["wall_s"] = wall
    shutil.rmtree(work / "rejects", ignore_errors=True)
    store.unlink()
    return res
