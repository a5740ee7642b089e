"""The app pointed at PostGIS (``RIVERCHIEF_DATA=postgresql://...?county=``): the demo
county copied into the database shows the same county, figures and map as the file, the
setup page says how a database county is loaded, and no password reaches the page."""

from __future__ import annotations

import pytest
from app_server import serve_app
from test_app_browser import ARTIFACTS, CHROMIUM, _finish, _open, browser  # noqa: F401 -- the fixture

from gis import find_gaps
from gis.store import GeoPackageStore
from gis.store_pg import PostGISStore, copy_store

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pg_app(pg_url, demo_path):
    if CHROMIUM is None:
        pytest.fail("Debian chromium is not installed: run 'apt-get install chromium'")
    url = f"{pg_url}&county=512099&password=not-shown"  # libpq ignores it on a trust socket
    copy_store(GeoPackageStore(demo_path), PostGISStore(url))
    with serve_app(url) as (app, _port):
        yield app


def test_the_app_on_postgis_shows_the_county_as_the_file_does(pg_app, browser, demo_path):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    page, frame, external, errors, ready = _open(browser, pg_app)
    page.screenshot(path=str(ARTIFACTS / "postgis-overview.png"))
    assert "示范县 512099 · 河长制 GIS" in page.locator("h1").first.inner_text()
    side = page.locator("[data-testid='stSidebar']").inner_text()
    assert "PostGIS riverchief_test · 512099" in side and "not-shown" not in page.content()
    _finish(page, "postgis-overview", external, errors, ready)

    cov = find_gaps(GeoPackageStore(demo_path))
    page, frame, external, errors, ready = _open(browser, pg_app + "/gaps")
    by = cov.unassigned_length_m_by_level()
    assert page.locator("[data-testid='stMetricValue']").all_inner_texts() == [
        str(len(cov.unassigned))
    ] + [f"{by[lv] / 1000:.2f}" for lv in ("county", "township", "village")]
    _finish(page, "postgis-gaps", external, errors, ready)


def test_the_setup_page_says_a_database_county_is_loaded_by_its_administrator(pg_app, browser):  # noqa: F811
    page = browser.new_page()
    page.goto(pg_app + "/setup")
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    page.wait_for_timeout(500)
    assert "riverchief copy-store" in page.locator("[data-testid='stAlert']").first.inner_text()
    assert page.locator("[data-testid='stFileUploader']").count() == 0
    page.close()
