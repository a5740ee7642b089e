"""Build hook: the demo county and the map app go inside the wheel.

pyproject.toml declares the project. A checkout keeps the demo in top-level ``layers/`` and the
app in top-level ``app.py``, ``app_pages/``, ``ui/`` and ``static/``; a non-editable build copies
them under package paths, so ``pip install`` of the wheel has both and no generic top-level
module (``ui``, ``app``) lands in site-packages:

- ``layers/demo/<shipped files>`` -> ``gis/layers/demo/`` (``gis.datasets`` looks there first);
- the app -> ``riverchief_app/`` (``riverchief app`` looks there first). Streamlit puts the
  main script's folder on ``sys.path`` and serves ``static/`` and reads ``.streamlit/`` beside
  it, so the app runs there exactly as in a checkout.

An editable install uses the checkout itself and copies nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # this checkout's gis, not an installed one
from gis import datasets  # noqa: E402  (light: the error classes only)

APP_PACKAGE = "riverchief_app"  # gis/cli/tools.py finds the app here
APP_FILES = ("app.py", ".streamlit/config.toml", "app_pages/*.py", "ui/*.py", "static/**/*")


def _faces_and_data() -> list[tuple[Path, str]]:
    """(source, path inside the wheel) of every file the wheel carries beyond ``gis/``."""
    out = [
        (HERE / "layers" / "demo" / name, f"{datasets.PACKAGE_DEMO}/{name}")
        for name in datasets.shipped()
    ]
    for pattern in APP_FILES:
        out += [
            (f, f"{APP_PACKAGE}/{f.relative_to(HERE).as_posix()}")
            for f in sorted(HERE.glob(pattern))
            if f.is_file()
        ]
    return out


class BuildWithFaces(build_py):
    """``build_py`` that also copies the demo county and the app into the build."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for src, dst in _faces_and_data():
            target = Path(self.build_lib) / dst
            self.mkpath(str(target.parent))
            self.copy_file(str(src), str(target))


setup(cmdclass={"build_py": BuildWithFaces})
