"""Set-up of a county (issue 14, item 1): ``riverchief init`` / ``gis.county.init_county``, the
default store (``RIVERCHIEF_DATA``, the config file, the demo read only), the store named in
every import report, and the county's name in every header."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from app_data import app_data
from app_server import ROOT, free_port
from markdown_text import plain
from shapely.geometry import LineString, Polygon, box

from gis import datasets
from gis._errors import CRSError, InputError, StoreError
from gis.cli import main
from gis.county import init_county
from gis.io.importer import import_file
from gis.store import GeoPackageStore

GK_120E = 4549  # CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG registry)
# two 5 km x 4 km rectangles side by side in GK metres at CM 120E (false easting 500 km):
# 40 km², whatever the projection does in between
WEST = box(495_000, 3_340_000, 500_000, 3_344_000)
EAST = box(500_000, 3_340_000, 505_000, 3_344_000)
BOARDS = (
    "board_id,placed_by,chief_name,chief_phone,lon,lat\nB900,county,王平,13812345678,120.05,30.25\n"
)


@pytest.fixture(autouse=True)
def own_config(tmp_path, monkeypatch):
    """No user's real config or RIVERCHIEF_DATA leaks into a test."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv(datasets.DATA_ENV, raising=False)


def gbk_zip_without_prj(folder: Path) -> Path:
    """The county outline as an office gets it: a zipped shapefile, attributes in GBK, no .prj
    (its CRS, GK CM 120E, known only to the office)."""
    shp = folder / "县界.shp"
    gpd.GeoDataFrame({"名称": ["西湖区西", "西湖区东"]}, geometry=[WEST, EAST]).to_file(
        shp, encoding="gbk"
    )
    out = folder / "县界.zip"
    with zipfile.ZipFile(out, "w") as zf:
        for part in sorted(folder.glob("县界.*")):
            if part.suffix.lower() in (".shp", ".shx", ".dbf"):  # no .prj, no .cpg
                zf.write(part, part.name)
    return out


def geojson(folder: Path, geoms, name: str = "outline.geojson") -> Path:
    path = folder / name
    gpd.GeoDataFrame(geometry=list(geoms), crs=4490).to_file(path)
    return path


def square(lon: float = 120.0, lat: float = 30.2) -> Polygon:
    return box(lon, lat, lon + 0.1, lat + 0.1)


# --- gis.county.init_county ----------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:'crs' was not provided")  # the office's file has no .prj
def test_init_from_a_gbk_zip_without_prj(tmp_path):
    boundary = gbk_zip_without_prj(tmp_path)
    store_path = tmp_path / "西湖区.gpkg"
    with pytest.raises(CRSError) as no_crs:
        init_county(store_path, code="330106", name="西湖区", boundary=boundary)
    assert no_crs.value.code == "input.crs_missing"
    assert not store_path.exists()  # nothing was written

    report = init_county(
        store_path, code="330106", name="西湖区", boundary=boundary, crs=f"EPSG:{GK_120E}"
    )
    assert (report.code, report.name, report.gk_epsg) == ("330106", "西湖区", GK_120E)
    assert report.parts_dissolved == 2
    assert report.area_km2 == pytest.approx(40.0, abs=0.01)
    assert report.store == str(store_path)
    store = GeoPackageStore(store_path)
    meta = store.meta()
    assert (meta["county_code"], meta["county_name"], meta["gk_epsg"]) == (
        "330106",
        "西湖区",
        str(GK_120E),
    )
    admin = store.read("admin_units")
    assert admin[["admin_code", "name", "level"]].values.tolist() == [
        ["330106", "西湖区", "county"]
    ]
    # one unit, the two rectangles dissolved: its outline is the 10 km x 4 km rectangle
    back = admin.to_crs(GK_120E).geometry.iloc[0]
    assert back.area == pytest.approx(40e6, rel=1e-5)
    assert back.length == pytest.approx(28_000, rel=1e-5)


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"code": "33010"}, "county.code"),
        ({"code": "33010a"}, "county.code"),
        ({"code": "330106001"}, "county.code"),  # a township's code
        ({"name": "  "}, "county.name_empty"),
    ],
)
def test_init_refuses_a_bad_code_or_name(tmp_path, kw, code):
    args = {"code": "330106", "name": "西湖区", **kw}
    with pytest.raises(InputError) as exc:
        init_county(tmp_path / "c.gpkg", boundary=geojson(tmp_path, [square()]), **args)
    assert exc.value.code == code
    assert not (tmp_path / "c.gpkg").exists()


def test_init_refuses_lines_naming_the_feature(tmp_path):
    boundary = geojson(tmp_path, [square(), LineString([(120, 30.2), (120.1, 30.3)])])
    with pytest.raises(InputError) as exc:
        init_county(tmp_path / "c.gpkg", code="330106", name="西湖区", boundary=boundary)
    assert (exc.value.code, exc.value.row, exc.value.field) == (
        "county.boundary_not_polygon",
        2,
        "geometry",
    )


def test_init_refuses_an_empty_boundary(tmp_path):
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        init_county(tmp_path / "c.gpkg", code="330106", name="西湖区", boundary=empty)
    assert exc.value.code == "county.boundary_empty"


def test_init_refuses_degrees_read_as_metres(tmp_path):
    """A lon/lat outline declared as GK metres lands off China: refused, with the CRS fix."""
    boundary = geojson(tmp_path, [square()])
    with pytest.raises(InputError) as exc:
        init_county(
            tmp_path / "c.gpkg", code="330106", name="西湖区", boundary=boundary, crs="EPSG:4549"
        )
    assert exc.value.code == "county.outside_china"


def test_init_never_writes_a_store_with_data(tmp_path, demo_copy):
    before = GeoPackageStore(demo_copy).version()
    with pytest.raises(StoreError) as exc:
        init_county(demo_copy, code="330106", name="西湖区", boundary=geojson(tmp_path, [square()]))
    assert exc.value.code == "county.store_has_data"
    assert GeoPackageStore(demo_copy).version() == before
    assert GeoPackageStore(demo_copy).meta()["county_code"] == "512099"


# --- riverchief init, the default store, the demo read only -------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_init_make_default_then_commands_use_it(tmp_path, capsys):
    store = tmp_path / "xihu.gpkg"
    code, out, _ = run(
        capsys,
        "init",
        str(store),
        "--code",
        "330106",
        "--name",
        "西湖区",
        "--boundary",
        str(geojson(tmp_path, [square()])),
        "--make-default",
        "--json",
    )
    assert code == 0
    report = json.loads(out)
    assert (report["code"], report["name"], report["gk_epsg"]) == ("330106", "西湖区", GK_120E)
    assert Path(report["config"]) == datasets.config_path()
    assert datasets.default_store() == (store.absolute(), "config")
    code, out, _ = run(capsys, "summary")
    assert code == 0 and out.splitlines()[0] == f"西湖区 330106  ({store.absolute()})"
    # an import with no --data goes into the default store and its report says so
    boards = tmp_path / "boards.csv"
    boards.write_text(BOARDS, encoding="utf-8")
    code, out, _ = run(capsys, "import", str(boards), "--layer", "signboards", "--json")
    assert code == 0, out
    report = json.loads(out)
    assert report["store"] == str(store.absolute()) and report["written"]
    assert GeoPackageStore(store).read("signboards")["board_id"].tolist() == ["B900"]


def test_cli_init_reports_in_chinese_by_default(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("RIVERCHIEF_LANG")
    store = tmp_path / "xihu.gpkg"
    outline = geojson(tmp_path, [square(), square(120.1)])
    argv = ["init", str(store), "--code", "330106", "--name", "西湖区", "--boundary", str(outline)]
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert out.splitlines()[0].startswith(
        "已建立县库：西湖区 330106，县界 2 个要素合并为一个，面积 213.4 平方公里，"
        "高斯-克吕格分带 EPSG:4549"
    )
    assert out.splitlines()[1] == f"  县级数据库：{store}"
    assert datasets.default_store()[1] == "demo"  # no --make-default: the config is untouched
    code, _, err = run(capsys, *argv)  # twice: the store now holds data
    assert code == 2 and "已有数据" in err and "riverchief init NEW.gpkg" in err


def test_import_without_data_never_writes_the_demo(tmp_path, capsys, demo_path, monkeypatch):
    """The README's ``riverchief import 河长名录.xlsx --layer chiefs`` wrote into the shipped
    demo county: with no store named, a writing command is refused and says how to make one."""
    monkeypatch.chdir(tmp_path)  # the dry run's rejects go to ./rejects, never the project
    before = GeoPackageStore(demo_path).version()
    boards = tmp_path / "boards.csv"
    boards.write_text(BOARDS, encoding="utf-8")
    code, _, err = run(capsys, "import", str(boards), "--layer", "signboards")
    assert code == 2
    assert "shipped demo county" in err and "riverchief init" in err
    # and in Chinese, the CLI's default language
    code, _, err = run(capsys, "--lang", "zh", "import", str(boards), "--layer", "signboards")
    assert code == 2 and "示范县" in err
    assert GeoPackageStore(demo_path).version() == before
    # a dry run writes nothing: allowed, and the report names the store it checked against
    code, out, _ = run(capsys, "import", str(boards), "--layer", "signboards", "--dry-run")
    assert code == 0 and f"store: {demo_path}" in out


def test_env_naming_the_demo_is_refused_for_writes(tmp_path, capsys, demo_path, monkeypatch):
    monkeypatch.setenv(datasets.DATA_ENV, str(demo_path))
    boards = tmp_path / "boards.csv"
    boards.write_text(BOARDS, encoding="utf-8")
    code, _, err = run(capsys, "import", str(boards), "--layer", "signboards")
    assert code == 2 and "shipped demo county" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["zones", "delineate", "--missing", "--write"],
        ["patrols", "import", "track.gpx", "--chief", "C00001"],
    ],
)
def test_other_writing_commands_refuse_the_default_demo(capsys, demo_path, argv):
    before = GeoPackageStore(demo_path).version()
    code, _, err = run(capsys, *argv)
    assert code == 2 and "shipped demo county" in err
    assert GeoPackageStore(demo_path).version() == before


def test_explicit_data_is_written(tmp_path, capsys, demo_copy):
    boards = tmp_path / "boards.csv"
    boards.write_text(BOARDS.replace("120.05,30.25", "105.30,30.30"), encoding="utf-8")
    code, out, _ = run(
        capsys, "import", str(boards), "--layer", "signboards", "--data", str(demo_copy)
    )
    assert code == 0 and f"store: {demo_copy}" in out


def test_import_report_names_the_store(tmp_path):
    store = tmp_path / "c.gpkg"
    init_county(store, code="330106", name="西湖区", boundary=geojson(tmp_path, [square()]))
    boards = tmp_path / "boards.csv"
    boards.write_text(BOARDS, encoding="utf-8")
    report = import_file(boards, "signboards", data=store)
    assert report.store == str(store) and report.to_json()["store"] == str(store)
    assert f"store: {store}" in report.format()


def test_broken_config_is_refused_plainly(tmp_path, capsys):
    datasets.config_path().parent.mkdir(parents=True)
    datasets.config_path().write_text("data = [unclosed", encoding="utf-8")
    code, _, err = run(capsys, "summary")
    assert code == 2 and "config file" in err and "Traceback" not in err


# --- the county's name, never a blank header --------------------------------------------


def test_summary_header_of_a_store_without_a_name(tmp_path, capsys):
    """An own store built by imports alone has no county meta: the header says its file name
    and that it is unnamed (it was blank)."""
    store = tmp_path / "county.gpkg"
    boards = tmp_path / "boards.csv"
    boards.write_text(BOARDS, encoding="utf-8")
    import_file(boards, "signboards", data=store)
    code, out, _ = run(capsys, "summary", "--data", str(store))
    assert code == 0 and out.splitlines()[0] == f"county (unnamed)  ({store})"
    code, out, _ = run(capsys, "--lang", "zh", "summary", "--data", str(store))
    assert out.splitlines()[0] == f"county(未命名)  ({store})"


@pytest.mark.parametrize("kind", ["geojson", "folder"])
def test_summary_of_something_not_a_store_is_refused(tmp_path, capsys, kind):
    """``summary --data <a GeoJSON or a folder>`` printed an all-zero inventory with exit 0."""
    target = geojson(tmp_path, [square()]) if kind == "geojson" else tmp_path
    code, out, err = run(capsys, "summary", "--data", str(target))
    assert code == 2 and out == "" and "not a county store" in err


# --- riverchief app -------------------------------------------------------------------------


def no_server(*args, **kwargs):
    raise AssertionError("a server was started")


def test_app_refuses_a_missing_store(tmp_path, capsys, monkeypatch):
    """``riverchief app --data <nothing>`` started a server that then said "no data"."""
    from gis.cli import tools

    monkeypatch.setattr(tools.subprocess, "call", no_server)
    monkeypatch.setattr(tools.subprocess, "Popen", no_server)
    code, _, err = run(capsys, "app", "--data", str(tmp_path / "nothere.gpkg"), "--headless")
    assert code == 2 and "no county store" in err and "riverchief init" in err


def test_app_address_and_port_reach_the_server(capsys, monkeypatch, demo_path):
    from gis.cli import tools

    seen = {}
    monkeypatch.setattr(tools, "serve", lambda cmd, **kw: seen.setdefault("cmd", cmd) and 0)
    code, _, err = run(
        capsys,
        "app",
        "--data",
        str(demo_path),
        "--address",
        "0.0.0.0",
        "--port",
        "8600",
        "--headless",
    )
    cmd = seen["cmd"]
    assert code == 0
    assert cmd[cmd.index("--server.address") + 1] == "0.0.0.0"
    assert cmd[cmd.index("--server.port") + 1] == "8600"
    seen.clear()
    run(capsys, "app", "--data", str(demo_path), "--headless")
    cmd = seen["cmd"]
    assert cmd[cmd.index("--server.address") + 1] == "localhost"


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has stopped


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_app_sigterm_stops_the_server(demo_path):
    """A SIGTERM to ``riverchief app`` left the Streamlit server serving (an orphan)."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gis.cli",
            "app",
            "--data",
            str(demo_path),
            "--headless",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = []
    try:
        deadline = time.monotonic() + 60
        while not port_open(port) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.3)
        assert port_open(port), "the app did not start"
        server = children(proc.pid)
        assert server, "the server is not a child of riverchief app"
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
        deadline = time.monotonic() + 15  # the kernel closes the socket as the server exits
        while (any(map(alive, server)) or port_open(port)) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert not any(map(alive, server)), "the server outlived riverchief app"
        assert not port_open(port)
        assert code == 128 + signal.SIGTERM  # as a shell reports a command stopped by SIGTERM
    finally:
        for pid in server:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()


# --- the app: the county's name in the title, the set-up page ------------------------------


def app_test(monkeypatch, data: Path):
    from streamlit.testing.v1 import AppTest

    from gis import auth

    app_data(monkeypatch, data)
    auth.LIMITER.clear()
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


def test_app_title_names_the_county(tmp_path, monkeypatch, demo_path):
    """The app's title said no county, and an own store's overview header was ``· 总览``."""
    at = app_test(monkeypatch, demo_path).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "示范县 512099 · 河长制 GIS"
    store = tmp_path / "county.gpkg"
    unit = gpd.GeoDataFrame(
        {"admin_code": ["330106"], "name": ["西湖区"], "level": ["county"]},
        geometry=[square()],
        crs=4490,
    )
    GeoPackageStore(store).write({"admin_units": unit})  # an own store whose meta names none
    at = app_test(monkeypatch, store).run()
    assert not at.exception, [e.message for e in at.exception]
    assert plain(at.title[0].value) == "county(未命名) · 河长制 GIS"
    assert plain(at.subheader[0].value) == "county(未命名) · 总览"


def setup_page(monkeypatch, data: Path, boundary: Path, *, password: str | None = None):
    from gis.auth import hash_password

    at = app_test(monkeypatch, data)
    if password:
        at.secrets["staff_password_hash"] = hash_password(password)
    at.switch_page("app_pages/setup.py").run()
    if password:
        at.sidebar.text_input[0].input(password)
        at.sidebar.button[0].click().run()
    at.file_uploader[0].set_value((boundary.name, boundary.read_bytes(), "application/json"))
    at.text_input[0].input("330106")
    at.text_input[1].input("西湖区").run()
    return at


def test_setup_page_refuses_a_visitor(tmp_path, monkeypatch):
    store = tmp_path / "new.gpkg"
    at = setup_page(monkeypatch, store, geojson(tmp_path, [square()]))
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [e.value for e in at.error][-1] == "只有工作人员登录后才能建立县库。"
    assert not store.exists()


def test_setup_page_sets_up_the_served_store(tmp_path, monkeypatch):
    store = tmp_path / "new.gpkg"
    at = setup_page(monkeypatch, store, geojson(tmp_path, [square()]), password="s3cret")
    assert at.session_state["auth"].role == "staff"
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert plain(at.title[0].value) == "西湖区 330106 · 河长制 GIS"
    assert "已建立县库：西湖区 330106" in plain(at.success[-1].value)
    meta = GeoPackageStore(store).meta()
    assert (meta["county_code"], meta["county_name"]) == ("330106", "西湖区")
    audit = GeoPackageStore(store).read("audit_log")
    assert "init" in audit["action"].tolist()  # who set it up is on record


def test_setup_page_says_a_bad_file_in_chinese(tmp_path, monkeypatch):
    store = tmp_path / "new.gpkg"
    lines = geojson(tmp_path, [LineString([(120, 30.2), (120.1, 30.3)])], name="线.geojson")
    at = setup_page(monkeypatch, store, lines, password="s3cret")
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    text = plain(at.error[-1].value)
    assert "县界须为面" in text and "线.geojson" in text and "/tmp" not in text
    assert not GeoPackageStore(store).meta().get("county_code")


def test_init_says_a_repaired_boundary(tmp_path):
    """A self-intersecting outline is repaired (two triangles) and the report says so."""
    bow_tie = Polygon([(120.0, 30.2), (120.1, 30.3), (120.1, 30.2), (120.0, 30.3)])
    report = init_county(
        tmp_path / "c.gpkg",
        code="330106",
        name="西湖区",
        boundary=geojson(tmp_path, [bow_tie, square(121.0)]),
    )
    assert [n.split(":")[0] for n in report.notes] == ["feature 1"]
    assert "invalid geometry repaired" in report.notes[0]
    # half the 0.1° square (two triangles) + the whole other square, about 1.5 x 106.7 km²
    assert report.area_km2 == pytest.approx(1.5 * 106.7, rel=0.01)
