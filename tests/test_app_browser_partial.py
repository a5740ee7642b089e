"""The app on partial and clean counties (issue 14 item 7), in headless Debian Chromium.

For each store of tests/partial_stores.py (only a boundary; no village polygons; no
township polygons; a clean county whose findings are all empty) one server is started and
every page is visited: no exception, no English word in the Chinese page, a map that is
drawn (vector layers, centred on the county), and a plain statement of what could not be
checked, so that a zero means "checked, none". Every download button (gaps, quarries,
jurisdiction) is clicked and its file opened: the GeoPackage with pyogrio, the workbook
with openpyxl (an empty table: its headers and 未发现), the zipped CSV with pandas.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from app_server import serve_app
from test_app_browser import ARTIFACTS, CHROMIUM, browser  # noqa: F401 (fixture)

from gis.io.findings import NONE_FOUND
from gis.store import GeoPackageStore

pytestmark = pytest.mark.browser
KINDS = ("boundary_only", "no_villages", "no_townships", "clean")
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
MAIN = "[data-testid='stMainBlockContainer']"
MAP = 'iframe[title="streamlit_folium.st_folium"]'
PAGES = ("overview", "jurisdiction", "gaps", "zones", "quarries", "patrols", "data")
MAP_PAGES = ("overview", "jurisdiction", "gaps", "zones", "quarries")
DOWNLOAD_PAGES = ("gaps", "quarries", "jurisdiction")  # each offers GPKG, XLSX and CSV

#: Latin words a Chinese page may show: names of systems, formats and units, not English.
ALLOWED_LATIN = {"GIS", "CGCS2000", "WGS84", "GCJ", "BD", "EPSG", "GPKG", "XLSX", "CSV", "km"}
ALLOWED_LATIN |= {"Leaflet"}  # the map library's attribution, a name
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z]{2,}(?![A-Za-z0-9_])")

#: What each page must say it could not check, per store (a phrase of each statement).
PATROLS_NONE = "该数据库没有巡河轨迹"
SAYS: dict[tuple[str, str], tuple[str, ...]] = {
    ("boundary_only", "overview"): ("本库尚未导入以下图层", "河流", "河长", "镇乡界", "村界"),
    ("boundary_only", "jurisdiction"): ("按县界划分", "本库没有河流"),
    ("boundary_only", "gaps"): ("未核查：本库没有河流", "未核查：本库没有河长名录"),
    ("boundary_only", "zones"): ("未核查：本库没有饮用水水源",),
    ("boundary_only", "quarries"): ("未核查：本库没有采砂场",),
    ("no_villages", "overview"): ("本库尚未导入以下图层", "村界"),
    ("no_villages", "jurisdiction"): ("按镇乡界划分",),
    ("no_villages", "gaps"): ("村级：本库没有该级行政区界线，此级未核查",),
    ("no_townships", "overview"): ("本库尚未导入以下图层", "镇乡界"),
    ("no_townships", "jurisdiction"): ("本库没有镇乡界",),
    ("no_townships", "gaps"): ("镇乡级：本库没有该级行政区界线，此级未核查",),
    ("clean", "overview"): ("本库尚未导入以下图层", "饮用水水源", "采砂场"),
    ("clean", "gaps"): ("各级均已核查：未发现无河长河段",),
    ("clean", "zones"): ("未核查：本库没有饮用水水源",),
    ("clean", "quarries"): ("未核查：本库没有采砂场",),
    **{(k, "patrols"): (PATROLS_NONE,) for k in KINDS},
}
#: Pages whose every check ran on that store: "未核查" there would be a false statement.
ALL_CHECKED = {("clean", "gaps"), ("no_villages", "quarries"), ("no_townships", "quarries")}
ALL_CHECKED |= {("no_villages", "zones"), ("no_townships", "zones"), ("clean", "jurisdiction")}


@pytest.fixture(scope="module", params=KINDS)
def served(request, partial_store, browser):  # noqa: F811 (the imported fixture)
    """(kind, url, store path, browser context): one server and one context per store."""
    if CHROMIUM is None:
        pytest.fail("Debian chromium is not installed: run 'apt-get install chromium'")
    kind = request.param
    path = partial_store(kind)
    with serve_app(path) as (url, _port):
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
        yield kind, url, path, ctx
        ctx.close()


def _open(served, page_name: str):
    """The page, loaded (script finished, no exception); the errors its scripts threw."""
    _kind, url, _path, ctx = served
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{url}/" if page_name == "overview" else f"{url}/{page_name}")  # the default
    page.wait_for_selector(READY, timeout=180_000)
    page.wait_for_timeout(300)  # a rerun the first run asked for (st.rerun) starts here
    page.wait_for_selector(READY, timeout=180_000)
    exc = page.locator("[data-testid='stException']")
    assert not exc.count(), exc.first.inner_text()
    return page, errors


def _map_frame(page):
    """The st_folium frame once its map has drawn its vector layers."""
    frame = page.frame_locator(MAP)
    frame.locator(".leaflet-overlay-pane canvas, .leaflet-overlay-pane svg path").first.wait_for(
        timeout=60_000
    )
    return next(f for f in page.frames if "st_folium" in f.url)


def _county_bbox(path: Path) -> tuple[float, float, float, float]:
    units = GeoPackageStore(path).read("admin_units")
    return tuple(units[units["level"] == "county"].to_crs(4326).total_bounds)


def _latin(text: str) -> list[str]:
    return [w for w in LATIN_WORD.findall(text) if w not in ALLOWED_LATIN]


@pytest.mark.parametrize("page_name", PAGES)
def test_every_page_on_every_partial_store(served, page_name, tmp_path):
    kind, _url, path, _ctx = served
    page, errors = _open(served, page_name)
    main = page.locator(MAIN).inner_text()
    assert "Traceback" not in main
    frames = []
    if page_name in MAP_PAGES:  # the map is drawn, around the county, never a blank tile
        fr = _map_frame(page)
        drawn = fr.evaluate(
            "(() => { let n = 0; map_div.eachLayer(l => { if (l instanceof L.Path) n++; });"
            " return n; })()"
        )
        assert drawn >= 1, f"{kind}/{page_name}: the map draws nothing"
        lon, lat = fr.evaluate("[map_div.getCenter().lng, map_div.getCenter().lat]")
        x0, y0, x1, y1 = _county_bbox(path)
        assert x0 <= lon <= x1 and y0 <= lat <= y1, (kind, page_name, lon, lat)
        frames.append(fr.locator("body").inner_text())
    if page_name != "data":  # the data page's words are another branch's (s16-datapage)
        # the store's file name is the user's own word (the patrols page quotes it)
        bad = [w for text in (main, *frames) for w in _latin(text.replace(path.name, ""))]
        assert not bad, f"{kind}/{page_name}: English words on a Chinese page: {bad[:10]}"
    for phrase in SAYS.get((kind, page_name), ()):
        assert phrase in main, f"{kind}/{page_name}: does not say {phrase!r}:\n{main[:1500]}"
    if (kind, page_name) in ALL_CHECKED:
        assert "未核查" not in main, f"{kind}/{page_name}: says not checked:\n{main[:1500]}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"partial-{kind}-{page_name}-1366.png"), full_page=True)
    if page_name in ("gaps", "jurisdiction") and kind in ("boundary_only", "clean"):
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(800)
        page.screenshot(path=str(ARTIFACTS / f"partial-{kind}-{page_name}-390.png"), full_page=True)
    if page_name in DOWNLOAD_PAGES:
        page.set_viewport_size({"width": 1366, "height": 768})
        _check_downloads(page, page_name, path, tmp_path)
    if page_name == "data":
        _check_exports(page, path, tmp_path)
    assert not page.locator("[data-testid='stException']").count()
    assert not errors, errors
    page.close()


def _expected_tables(page_name: str, path: Path) -> dict[str, pd.DataFrame]:
    """The tables the page's downloads hold, from the library (as the CLI's --out)."""
    store = GeoPackageStore(path)
    if page_name == "gaps":
        from gis.coverage import find_gaps

        return find_gaps(store).tables()
    if page_name == "quarries":
        from gis.quarries import check_quarries

        return check_quarries(store).tables()
    from gis.jurisdiction import find_jurisdiction

    return find_jurisdiction(store).tables()


def _gaps_report(path: Path) -> dict[str, pd.DataFrame]:
    """The gaps page's XLSX/CSV report: the findings in Chinese, no geometry."""
    from gis.coverage import find_gaps
    from ui.gaps_findings import place_rows, report_tables

    store = GeoPackageStore(path)
    cov = find_gaps(store)
    admin = store.read("admin_units")
    names = dict(zip(admin["admin_code"], admin["name"], strict=True))
    return report_tables(place_rows(cov.tables(), cov.reaches, store), cov.by_township, names, "zh")


def _columns(df: pd.DataFrame) -> list[str]:
    """The headers a table gets in a file: its geometry as the trailing 'wkt' column."""
    cols = [c for c in df.columns if c != "geometry"]
    return cols + ["wkt"] if "geometry" in df.columns else cols or ["none"]


def _check_gpkg(data: bytes, tables: dict, tmp: Path) -> None:
    import pyogrio

    f = tmp / "d.gpkg"
    f.write_bytes(data)
    assert sorted(n for n, _ in pyogrio.list_layers(f)) == sorted(tables)
    for name, df in tables.items():
        got = pyogrio.read_dataframe(f, layer=name, read_geometry=False)
        assert len(got) == len(df), name
        assert set(_columns(df)) - {"wkt", "none"} <= set(got.columns), (name, list(got.columns))


def _check_xlsx(data: bytes, tables: dict) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert wb.sheetnames == [n[:31] for n in tables]
    for name, df in tables.items():
        rows = list(wb[name[:31]].iter_rows(values_only=True))
        assert list(rows[0]) == _columns(df), name  # the headers, also of an empty table
        if df.empty:
            assert rows[1][0] == NONE_FOUND and len(rows) == 2, (name, rows[:3])
        else:
            assert len(rows) == len(df) + 1, name


def _check_csv(data: bytes, tables: dict, stem: str) -> None:
    z = zipfile.ZipFile(io.BytesIO(data))
    assert z.namelist() == [f"{stem}.{n}.csv" for n in tables]
    for name, df in tables.items():
        got = pd.read_csv(z.open(f"{stem}.{name}.csv"), encoding="utf-8-sig", dtype=str)
        assert list(got.columns) == _columns(df) and len(got) == len(df), name


def _check_downloads(page, page_name: str, path: Path, tmp_path: Path) -> None:
    """Click each download button of the page and open the file it gives."""
    tables = _expected_tables(page_name, path)
    for fmt in ("GPKG", "XLSX", "CSV"):
        with page.expect_download(timeout=60_000) as dl:
            page.get_by_role("button", name=fmt, exact=True).click()
        download = dl.value
        assert download.failure() is None, (page_name, fmt, download.failure())
        data = Path(download.path()).read_bytes()
        if fmt == "GPKG":
            assert download.suggested_filename == f"{page_name}.gpkg"
            _check_gpkg(data, tables, tmp_path)
        elif fmt == "XLSX":
            assert download.suggested_filename == f"{page_name}.xlsx"
            _check_xlsx(data, _gaps_report(path) if page_name == "gaps" else tables)
        else:
            assert download.suggested_filename == f"{page_name}.csv.zip"
            _check_csv(data, _gaps_report(path) if page_name == "gaps" else tables, page_name)


def _check_exports(page, path: Path, tmp_path: Path) -> None:
    """The data page's exports of the whole store: every layer it holds, every row."""
    import openpyxl
    import pyogrio

    from gis import catalogue
    from gis.i18n import t

    store = GeoPackageStore(path)
    rows = {n: len(store.read(n)) for n in catalogue.LAYER_NAMES if n in store.layers()}
    for key in ("export_gpkg", "export_xlsx", "export_csv"):
        with page.expect_download(timeout=60_000) as dl:
            page.get_by_role("button", name=t(key), exact=True).click()
        data = Path(dl.value.path()).read_bytes()
        page.wait_for_timeout(300)  # the click reruns the page: the next button is redrawn
        page.wait_for_selector(READY, timeout=60_000)
        if key == "export_gpkg":
            f = tmp_path / "store.gpkg"
            f.write_bytes(data)
            for name, n in rows.items():
                assert len(pyogrio.read_dataframe(f, layer=name, read_geometry=False)) == n, name
        elif key == "export_xlsx":
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            assert wb.sheetnames == list(rows)
            for name, n in rows.items():  # the headers, then the rows
                assert sum(1 for _ in wb[name].iter_rows(values_only=True)) == n + 1, name
        else:
            z = zipfile.ZipFile(io.BytesIO(data))  # <stem>.<layer>.csv, one per layer
            members = {m.rsplit(".", 2)[-2]: m for m in z.namelist()}
            assert list(members) == list(rows)
            for name, n in rows.items():
                got = pd.read_csv(z.open(members[name]), encoding="utf-8-sig")
                assert len(got) == n, name
