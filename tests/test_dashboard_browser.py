"""The overview's key-figure cards in headless Debian Chromium, at a desktop (1366×768) and
a phone (390×844) viewport: the cards are above the fold, say the library's figures, make
no request off the machine, and a card's link opens its page in the same session."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from app_server import serve_app
from test_dashboard import shown_compliance

from gis.dashboard import county_figures
from gis.store import GeoPackageStore

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
VIEWPORTS = {"desktop": (1366, 768), "phone": (390, 844)}
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(demo_path):
    if CHROMIUM is None:
        pytest.fail("Debian chromium is not installed: run 'apt-get install chromium'")
    with serve_app(demo_path) as (url, _port):
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield b
        b.close()


def _idle(page, timeout=180_000):
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout
    )


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_overview_cards_show_the_figures_and_link_their_pages(
    app_url, browser, demo_path, viewport
):
    width, height = VIEWPORTS[viewport]
    page = browser.new_page(viewport={"width": width, "height": height})
    external: list[str] = []
    page.on(
        "request",
        lambda r: (
            external.append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", "localhost", None)
            and not r.url.startswith("data:")
            else None
        ),
    )
    page.goto(app_url)
    _idle(page)
    d = county_figures(GeoPackageStore(demo_path), patrols=False)
    metrics = page.locator("[data-testid='stMetric']")
    cards = [f for f in d.figures if f.key != "unassigned_km"]  # km: under its coverage
    texts = [metrics.nth(i).inner_text() for i in range(len(cards))]
    assert "采砂违规(项)" in texts[-2] and texts[-2].endswith("14")
    assert "巡河达标率" in texts[-3] and shown_compliance(demo_path, "zh") in texts[-3]
    township = d.get("coverage_pct", "township").value
    km = d.get("unassigned_km", "township").value
    assert any(f"{township:.1f}%" in t and f"无河长 {km:.2f} km" in t for t in texts)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"overview-dashboard-{width}x{height}.png"))
    if viewport == "desktop":  # the first row of cards is above the fold
        box = metrics.nth(0).bounding_box()
        assert box is not None and box["y"] + box["height"] < height
    link = page.locator("[data-testid='stPageLink'] a", has_text="采砂监管").first
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_url(re.compile(r"/quarries(\?|$)"), timeout=60_000)  # ?lang=zh kept
    _idle(page)
    page.get_by_text("存在违规").first.wait_for(timeout=120_000)  # the quarries page, in 中文
    assert external == []
    page.close()


def test_a_level_not_checked_reads_so_never_zero(partial_store, browser):
    with serve_app(partial_store("no_villages")) as (url, _port):
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(url)
        _idle(page)
        village = page.locator("[data-testid='stMetric']", has_text="村级 · 河长覆盖率")
        assert "未核查" in village.inner_text() and "无河长" not in village.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "overview-dashboard-no-villages-1366x768.png"))
        page.close()
