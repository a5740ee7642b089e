"""``pip install`` of the wheel (not editable) runs the demo and the app.

The wheel is built from a copy of this checkout (a build writes ``build/`` into its source
tree), installed with no network into a fresh venv that borrows the heavy dependencies from the
test run's own site-packages through a ``.pth`` line, and run from a folder outside the
checkout. A ``.pth`` line only adds a folder to ``sys.path``; the ``.pth`` files inside it
(the editable finder of a checkout) are not run, so ``gis`` is the installed one.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from app_server import free_port

from gis import datasets
from gis.cli import main

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
APP_PACKAGE = "riverchief_app"
#: Files a checkout may hold that the wheel must never carry (made on demand, or secret).
PLANTED = (
    "layers/demo/demo_patrols.parquet",
    "layers/demo/demo_patrols_answer_key.csv",
    "layers/demo/rejects/rivers.rejects.csv",
    ".streamlit/secrets.toml",
)
LEAFLET = "static/vendor/leaflet/leaflet.js"


def _run(cmd: list, **kw) -> subprocess.CompletedProcess:
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)
    assert run.returncode == 0, f"{cmd} exit {run.returncode}:\n{run.stdout}\n{run.stderr}"
    return run


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "tests",
            "benchmarks", "notebooks", "test-artifacts", *(Path(p).name for p in PLANTED),
        ),
    )  # fmt: skip
    for rel in PLANTED:
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text("must not be shipped\n")
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
        + [str(src), "-w", str(tmp / "dist")]
    )
    (whl,) = (tmp / "dist").glob("*.whl")
    return whl


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed; the dependencies come from this test's venv."""
    venv = tmp_path_factory.mktemp("venv") / "fresh"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    py = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index"]
         + [str(wheel)])  # fmt: skip
    purelib = Path(_run([py, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
                   .stdout.strip())  # fmt: skip
    (purelib / "_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return venv


def _env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a user outside the checkout: no PYTHONPATH, no project variables."""
    drop = (
        "PYTHONPATH",
        "RIVERCHIEF_DATA",
        datasets.CACHE_ENV,
        "XDG_CACHE_HOME",
        "XDG_CONFIG_HOME",
    )
    env = {k: v for k, v in os.environ.items() if k not in drop}
    return env | {"HOME": str(home)} | extra


def test_a_checkout_keeps_its_demo_folder_unless_told(monkeypatch, tmp_path):
    monkeypatch.delenv(datasets.CACHE_ENV, raising=False)
    assert datasets.get_path("demo") == ROOT / "layers" / "demo" / "demo_county.gpkg"
    assert datasets.get_path("demo_patrols") == ROOT / "layers" / "demo" / "demo_patrols.parquet"
    monkeypatch.setenv(datasets.CACHE_ENV, str(tmp_path))
    assert datasets.get_path("demo_patrols") == tmp_path / "demo_patrols.parquet"
    assert datasets.get_path("demo").parent == ROOT / "layers" / "demo"  # shipped files stay


def test_the_wheel_carries_the_demo_and_the_app_and_nothing_generated(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    top = {n.split("/")[0] for n in names}
    assert top == {"gis", APP_PACKAGE, "-".join(wheel.name.split("-")[:2]) + ".dist-info"}
    demo = {n.rpartition("/")[2] for n in names if n.startswith(f"{datasets.PACKAGE_DEMO}/")}
    assert demo == {"demo_county.gpkg", "dem.npz", "hillshade.png", "hillshade.json"}
    app = {n.removeprefix(f"{APP_PACKAGE}/") for n in names if n.startswith(f"{APP_PACKAGE}/")}
    checkout = {
        p.relative_to(ROOT).as_posix()
        for pattern in ("app_pages/*.py", "ui/*.py", "static/**/*")
        for p in ROOT.glob(pattern)
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert app == checkout | {"app.py", ".streamlit/config.toml"}
    assert LEAFLET in app and "app_pages/overview.py" in app and "ui/common.py" in app
    planted = {Path(p).name for p in PLANTED}
    assert not [n for n in names if n.rpartition("/")[2] in planted or n.endswith(".parquet")]


def test_the_installed_package_finds_its_demo_and_a_cache(venv, tmp_path):
    code = (
        "import gis, gis.cli.tools as t; from gis import datasets as d\n"
        "print(gis.__file__, d.get_path('demo'), d.get_path('demo_patrols'), t.APP, sep='\\n')"
    )
    purelib = next((venv / "lib").glob("python3*/site-packages")).resolve()
    out = _run([venv / "bin/python", "-c", code], cwd=tmp_path, env=_env(tmp_path)).stdout
    gis, demo, patrols, app = map(Path, out.split("\n")[:4])
    assert gis == purelib / "gis" / "__init__.py"
    assert demo == purelib / "gis" / "layers" / "demo" / "demo_county.gpkg" and demo.is_file()
    assert patrols == tmp_path / ".cache" / "river-chief-gis" / "demo_patrols.parquet"
    assert app == purelib / APP_PACKAGE / "app.py"
    cache = tmp_path / "elsewhere"
    out = _run([venv / "bin/python", "-c", code], cwd=tmp_path,
               env=_env(tmp_path, **{datasets.CACHE_ENV: str(cache)})).stdout  # fmt: skip
    assert out.split("\n")[2] == str(cache / "demo_patrols.parquet")


def test_summary_outside_the_checkout_is_the_checkouts(venv, tmp_path, capsys):
    riverchief = venv / "bin" / "riverchief"
    got = _run([riverchief, "summary", "--json"], cwd=tmp_path, env=_env(tmp_path)).stdout
    text = _run([riverchief, "summary"], cwd=tmp_path, env=_env(tmp_path)).stdout.splitlines()
    assert main(["summary", "--json"]) == 0
    assert json.loads(got) == json.loads(capsys.readouterr().out)
    assert json.loads(got)["rivers"] == 337  # the demo county of the README
    assert main(["summary"]) == 0
    here = capsys.readouterr().out.splitlines()
    assert text[0].startswith("示范县 512099  (") and "site-packages" in text[0]
    assert text[1:] == here[1:]  # the first line names the store's path


def test_the_installed_app_runs_and_serves_its_static_files(venv, tmp_path):
    riverchief = venv / "bin" / "riverchief"
    env = _env(tmp_path)
    assert "--port" in _run([riverchief, "app", "--help"], cwd=tmp_path, env=env).stdout
    # the app's script runs under Streamlit's AppTest from the installed package
    app = next((venv / "lib").glob(f"python3*/site-packages/{APP_PACKAGE}/app.py"))
    code = (
        "import sys\nfrom streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file(sys.argv[1], default_timeout=120).run()\n"
        "print([e.message for e in at.exception], at.title[0].value)"
    )
    shown = _run([venv / "bin/python", "-c", code, app], cwd=tmp_path, env=env).stdout
    assert shown.strip().splitlines()[-1] == "[] 示范县 512099 · 河长制 GIS"
    port = free_port()
    proc = subprocess.Popen(
        [riverchief, "app", "--headless", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a SIGTERM to the group reaches riverchief, which stops streamlit
    )
    url = f"http://localhost:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    os.killpg(proc.pid, signal.SIGKILL)
                    pytest.fail("the app did not start:\n" + proc.stdout.read().decode())
                time.sleep(0.5)
        page = urllib.request.urlopen(url + "/", timeout=10).read().decode()
        assert '<div id="root"></div>' in page  # Streamlit's page; the app runs in it
        leaflet = urllib.request.urlopen(f"{url}/app/{LEAFLET}", timeout=10).read()
        assert leaflet == (ROOT / LEAFLET).read_bytes()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
