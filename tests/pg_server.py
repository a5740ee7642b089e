"""A throw-away PostgreSQL + PostGIS cluster for the tests, on a local socket.

``RIVERCHIEF_TEST_PG`` (a libpq URL of a database with PostGIS) is used when set. Otherwise
Debian's server binaries (``/usr/lib/postgresql/*/bin``, packages ``postgresql`` and
``postgis``, which scripts/test.sh installs) start a cluster in a temporary folder, run as
the ``postgres`` user when the tests run as root (initdb refuses root).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ENV = "RIVERCHIEF_TEST_PG"
DB = "riverchief_test"


def _bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def why_not() -> str | None:
    """Why no server can be had here, or None."""
    if os.environ.get(ENV):
        return None
    if _bin() is None:
        return (
            "PostgreSQL not installed: sudo apt-get install postgresql postgis "
            f"(or set {ENV} to a database with PostGIS)"
        )
    if not list(Path("/usr/share/postgresql").glob("*/extension/postgis.control")):
        return "PostGIS not installed: sudo apt-get install postgis"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser to start PostgreSQL as postgres"
    return None


class Server:
    """Start with :meth:`start`, stop with :meth:`stop`; :attr:`url` is a libpq URL."""

    def __init__(self) -> None:
        self.url = os.environ.get(ENV, "")
        self.folder: Path | None = None

    def _as_owner(self, *cmd: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)

    def start(self) -> str:
        if self.url:
            return self.url
        bindir = _bin()
        assert bindir is not None
        self.folder = Path(tempfile.mkdtemp(prefix="rc-pg-"))
        self.folder.chmod(0o755)
        data, sock = self.folder / "data", self.folder / "sock"
        sock.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            shutil.chown(sock, "postgres")
        user = "riverchief"
        subprocess.run(
            self._as_owner(
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                user,
                "-E",
                "UTF8",
                "--no-sync",
                "--locale=C.UTF-8",
            ),
            check=True,
            capture_output=True,
        )
        subprocess.run(
            self._as_owner(
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-l",
                str(self.folder / "log"),
                "-o",
                f"-k {sock} -c listen_addresses='' -c fsync=off -c max_connections=60",
                "start",
            ),
            check=True,
            capture_output=True,
        )
        self._bindir = bindir
        base = f"postgresql:///postgres?host={sock}&user={user}"
        import psycopg

        with psycopg.connect(base, autocommit=True) as c:
            c.execute(f"CREATE DATABASE {DB}")
        self.url = f"postgresql:///{DB}?host={sock}&user={user}"
        return self.url

    def stop(self) -> None:
        if self.folder is None:
            return
        subprocess.run(
            self._as_owner(
                str(self._bindir / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-m",
                "immediate",
                "stop",
            ),
            capture_output=True,
        )
        shutil.rmtree(self.folder, ignore_errors=True)
