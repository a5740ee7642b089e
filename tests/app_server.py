"""One Streamlit server of the app on a free local port, for the tests that need a real one."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_app(
    data: Path,
    *,
    launch: list[str] | None = None,
    options: tuple[str, ...] = (),
    port: int | None = None,
) -> Iterator[tuple[str, int]]:
    """The app on the store ``data``, as ``(url, port)`` once it answers its health check.

    ``launch`` replaces ``python ui/server.py run`` (the launcher of ``riverchief app``: a
    test that patches Streamlit first gives its own);
    ``options`` are more ``--server.*`` style arguments; ``port`` a given one (else a free
    one).
    """
    port = port or free_port()
    cmd = [
        *(launch or [sys.executable, str(ROOT / "ui" / "server.py"), "run"]),
        str(ROOT / "app.py"),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        *options,
    ]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=dict(os.environ, RIVERCHIEF_DATA=str(data)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            proc.kill()
            pytest.fail("streamlit did not start:\n" + proc.stdout.read().decode(errors="replace"))
        yield url, port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a loaded machine: stopping is not under test here
            proc.kill()
            proc.wait(timeout=30)
