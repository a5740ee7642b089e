"""End-to-end in headless Debian Chromium: an office that uses only the app imports a real
file. A GBK shapefile in a zip, without .prj, with Chinese headers: the header is read, a
column is mapped by hand, a default and the CRS are chosen, the dry run reports in Chinese,
and staff write it. Screenshots at desktop and phone size go to test-artifacts/."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from app_server import serve_app
from shapely.geometry import Point

from gis.auth import hash_password
from gis.store import GeoPackageStore

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
pytestmark = pytest.mark.browser


def gbk_sources_zip(folder: Path) -> Path:
    """Three water sources in CGCS2000 GK zone CM 105°E (EPSG:4544) metres, DBF text in GBK,
    no .prj and no .cpg; the id column's header (编码) is no catalogue header, the source
    type of the second (湖泊) is no code, and the file has no 已划定保护区 column."""
    lonlat = [Point(105.30, 30.30), Point(105.31, 30.31), Point(105.32, 30.32)]
    gk = gpd.GeoSeries(lonlat, crs=4490).to_crs(4544)
    gdf = gpd.GeoDataFrame(
        {
            "编码": ["N9001", "N9002", "N9003"],
            "水源名称": ["甲水厂", "乙水厂", "丙水厂"],
            "水源类型": ["河流型", "湖泊", "湖库型"],
            "供水人口": [1200, 800, 950],
        },
        geometry=gk.values,
        crs=4544,
    )
    pyogrio.write_dataframe(gdf, folder / "水源.shp", encoding="GBK")
    out = folder / "水源地.zip"
    with zipfile.ZipFile(out, "w") as z:
        for p in sorted(folder.glob("水源.*")):
            if p.suffix.lower() not in (".prj", ".cpg"):
                z.write(p, p.name)
    return out


@pytest.fixture()
def served(demo_copy, tmp_path):
    if CHROMIUM is None:
        pytest.fail("Debian chromium is not installed: run 'apt-get install chromium'")
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'staff_password_hash = "{hash_password("s3cret")}"\n', encoding="utf-8")
    with serve_app(demo_copy, options=("--secrets.files", str(secrets))) as (url, _port):
        yield url, demo_copy


@pytest.fixture()
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


def _settle(page) -> None:
    page.wait_for_timeout(400)
    page.wait_for_selector(IDLE, timeout=120_000)


def _choose(page, select: str, option: str) -> None:
    box = page.get_by_role("combobox", name=select, exact=True)
    box.click()
    box.press_sequentially(option.split(" ")[-1])  # the list is long: filter it first
    page.get_by_role("option", name=option, exact=True).click()
    _settle(page)


def test_a_gbk_shapefile_without_prj_is_mapped_checked_and_written(served, browser, tmp_path):
    from playwright.sync_api import expect

    url, store = served
    upload = gbk_sources_zip(tmp_path)
    n = len(GeoPackageStore(store).read("water_sources"))
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "/data")
    page.wait_for_selector(IDLE, timeout=120_000)
    # log in as staff (sidebar)
    page.get_by_test_id("stExpander").get_by_text("工作人员登录").click()
    page.get_by_label("密码").fill("s3cret")
    page.get_by_role("button", name="登录").click()
    _settle(page)
    expect(page.get_by_text("工作人员模式", exact=False).first).to_be_visible(timeout=30_000)
    # upload, target layer, the header read back
    page.locator("input[type='file']").first.set_input_files(str(upload))
    _settle(page)
    page.get_by_role("combobox", name="导入到图层").click()
    page.get_by_role("option", name=re.compile("^water_sources")).click()
    _settle(page)
    body = page.inner_text("body")
    assert "文件共 3 行" in body and "字符编码：GB18030(自动识别" in body
    assert "没有 .prj 文件：坐标系未知" in body
    assert page.get_by_role("checkbox", name="裁剪到县界").is_checked()
    # map the id column by hand, give the missing field a default, choose the CRS
    _choose(page, "编码", "水源编码 (source_code)")
    default = page.get_by_label("已划定保护区 (has_official_zone) 的默认值")
    default.fill("否")
    default.press("Enter")
    _settle(page)
    _choose(page, "坐标系(文件没有坐标系)", "CGCS2000 三度带 中央经线 105°E")
    # dry run: a report in Chinese, nothing written
    page.get_by_role("button", name="检查(不写入)").click()
    expect(page.locator("[data-testid='stMetricValue']").first).to_have_text("3", timeout=60_000)
    assert page.locator("[data-testid='stMetricValue']").all_inner_texts() == ["3", "2", "1", "0"]
    table = page.locator("[data-testid='stTable']").first.inner_text()
    assert "“湖泊”不在代码表中" in table and "使用所列代码之一" in table
    body = page.inner_text("body")
    assert "试运行：未写入任何内容" in body and "数据库未改动" in body
    assert not re.search(r"(?<![\w-])--[a-z]", body) and "/tmp" not in body
    assert len(GeoPackageStore(store).read("water_sources")) == n
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("[data-testid='stFileUploader']").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "data-import-1366.png"))  # the form, at the top
    report = page.locator("[data-testid='stTable']").first
    report.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "data-import-report-1366.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    _settle(page)
    page.get_by_role("combobox", name="编码", exact=True).scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "data-import-390.png"))
    report.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "data-import-report-390.png"))
    page.set_viewport_size({"width": 1366, "height": 768})
    _settle(page)
    # the write
    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.get_by_text("已写入县级数据库。")).to_be_visible(timeout=60_000)
    stored = GeoPackageStore(store).read("water_sources").iloc[n:]
    assert stored["source_code"].tolist() == ["N9001", "N9003"]
    assert stored["has_official_zone"].tolist() == [False, False]
    assert stored.geometry.iloc[0].distance(Point(105.30, 30.30)) < 1e-7  # read as EPSG:4544
    page.screenshot(path=str(ARTIFACTS / "data-import-written-1366.png"), full_page=True)
    assert not errors, errors
    page.close()
