"""Chinese throughout, English when switched, and links that keep the view: every page of
the app in headless Debian Chromium, in both languages, on one warm server.

The Chinese pages must not show the app's own English (code values, Streamlit's widget
texts, CLI flags, server paths); the English pages must not show a Chinese label that has
an English translation. Data (county, river and person names) is Chinese in both and is
not checked. Screenshots at 1366×768 and 390×844 go to test-artifacts/.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from app_server import serve_app

from gis import catalogue, datasets
from gis.i18n import FINDING_LABELS, t
from gis.jurisdiction import find_jurisdiction
from gis.store import GeoPackageStore

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "chinese"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
VIEWPORTS = {"1366": (1366, 768), "390": (390, 844)}
pytestmark = pytest.mark.browser

#: every page by its URL path ("" is the root page; /overview is the same page by name)
PAGES = (
    "",
    "overview",
    "jurisdiction",
    "gaps",
    "zones",
    "quarries",
    "patrols",
    "assess",
    "data",
    "setup",
)
#: views inside the pages, by their links: findings tabs whose rows carry words and codes
VIEWS = (
    "gaps?finding=mismatches",
    "gaps?finding=signboard_issues",
    "gaps?finding=orphan_chiefs",
    "zones?at=105.520229,30.389123",
)
#: English the Chinese UI must never show: code values, Streamlit's own texts, CLI flags,
#: server paths (whole words, case-sensitive: a code is lower case)
ENGLISH_IN_ZH = (
    "level1",
    "level2",
    "official",
    "proposed",
    "operating",
    "river",
    "reservoir",
    "township",
    "village",
    "unassigned",
    "Browse files",
    "Drag and drop",
    "per file",
    "Upload",
    "Page not found",
    "empty",  # an empty st.dataframe's placeholder
    "--point",
    "--swap-xy",
    "--field-map",
    "/tmp/",
    "Traceback",
)
#: Chinese labels that have an English word: never on an English page
CHINESE_IN_EN = tuple(
    {
        zh
        for codes in (catalogue.ZONE_LEVELS, catalogue.ZONE_ORIGINS, catalogue.QUARRY_STATUS)
        for zh, _en in codes.values()
    }
    | {zh for zh, _en in FINDING_LABELS.values()}
    | {t(k, "zh") for k in ("page_gaps", "page_zones", "page_patrols", "page_data", "overview")}
)


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


def _idle(page, timeout=400_000):
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout
    )
    page.wait_for_timeout(1500)  # a rerun a widget asks for right after the first run
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout
    )


def _text(page) -> str:
    """What the user reads: the page, and the map's labels and legend (its iframe)."""
    text = page.inner_text("[data-testid='stMain']")
    for frame in page.frames[1:]:
        try:
            text += "\n" + frame.inner_text("body", timeout=5_000)
        except Exception:  # a frame still loading or gone: its text is read on the next page
            continue
    return text.replace("Leaflet", "")  # the map library's credit, a name


def _english_words(text: str) -> list[str]:
    return [w for w in ENGLISH_IN_ZH if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w])", text)]


def _open(browser, url: str, size=VIEWPORTS["1366"]):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(url)
    _idle(page)
    return page


def _shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for tag, (w, h) in VIEWPORTS.items():
        page.set_viewport_size({"width": w, "height": h})
        page.wait_for_timeout(800)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{tag}.png"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_in_one_language(app_url, browser, lang):
    """Each page by its URL, in ``lang``: no untranslated text, no 'page not found'."""
    bad = {}
    for path in PAGES + VIEWS:
        sep = "&" if "?" in path else "?"
        page = _open(browser, f"{app_url}/{path}{sep}lang={lang}")
        assert not page.locator("[data-testid='stException']").count(), path
        text = _text(page)
        if lang == "zh":
            found = _english_words(text)
        else:
            found = [w for w in CHINESE_IN_EN if w in text]
            found += [w for w in ("Page not found", "--point", "/tmp/") if w in text]
        if found:
            bad[path or "/"] = found
        _shoot(page, re.sub(r"\W+", "-", path or "root") + f"-{lang}")
        page.close()
    assert not bad, f"untranslated on the {lang} pages: {bad}"


def test_uploader_worded_in_chinese(app_url, browser):
    """Streamlit's uploader says 选择文件 and its limit in Chinese (its English is hidden)."""
    page = _open(browser, f"{app_url}/data?lang=zh")
    zone = page.locator("[data-testid='stFileUploaderDropzone']").first
    button = zone.locator("button")
    after = button.evaluate("b => getComputedStyle(b, '::after').content")
    assert "选择文件" in after
    assert button.evaluate("b => getComputedStyle(b).fontSize") == "0px"  # "Upload" unseen
    hint = page.locator("[data-testid='stFileUploaderDropzoneInstructions']").first
    assert "200MB" in hint.evaluate("s => getComputedStyle(s, '::after').content")
    page.close()


def test_a_shared_link_opens_the_same_view(app_url, browser):
    """A gaps link with a township and a finding kind opens them, in English; a reload
    keeps the language; a zones link with a point answers for that point."""
    url = f"{app_url}/gaps?lang=en&township=512099103&finding=mismatches"
    page = _open(browser, url)
    main = page.locator("[data-testid='stMain']")
    # the township picked: its 2 zero-metre assignments, of the county's 29 (independently:
    # the demo's assignments of 福台镇 that cover 0 m)
    assert "Assignments covering 0 m (2)" in main.inner_text()
    assert "Assignment mismatches (4)" in main.inner_text()
    assert "512099A00213" in page.locator("[data-testid='stTable']").inner_text()
    page.reload()
    _idle(page)
    text = main.inner_text()
    assert "Coverage gaps" in text and "管护空白" not in text
    assert "lang=en" in page.url and "township=512099103" in page.url
    _shoot(page, "link-gaps-en")
    page.close()

    page = _open(browser, f"{app_url}/zones?lang=zh&at=105.520229,30.389123")
    text = page.inner_text("[data-testid='stMain']")
    assert "512099S001-L2" in text and "二级保护区" in text and "花庄镇县城水厂" in text
    assert "二级保护区内有采砂场" in text  # the quarry inside: an alert, not folded away
    assert page.locator("[data-testid='stAlertContentWarning']").count() >= 1
    _shoot(page, "link-zones-zh")
    page.close()


def test_signboard_findings_in_words_with_phones_masked(app_url, browser):
    """The signboard tab: the analysis's sentence in Chinese, the phone on the board masked
    for a visitor (independently: the demo's board 512099P122 shows 丁娟 100-0000-9088)."""
    page = _open(browser, f"{app_url}/gaps?lang=zh&finding=signboard_issues")
    text = page.inner_text("[data-testid='stTable']")
    assert "公示牌显示 丁娟 100-****-9088" in text and "100-0000-9088" not in text
    assert "公示牌信息过时" in text and "stale_chief" not in text
    page.close()


def test_a_jurisdiction_link_opens_the_reach_card(app_url, browser):
    """?by=river&code=...&reach=...: the river picked and the reach's card (its county chief,
    independently: the demo's chief of 黄沟江 at the county level) shown. The reach is the
    village reach at chainage 91.6 km, read from the store (its id moves with the demo)."""
    reaches = find_jurisdiction(GeoPackageStore(datasets.get_path("demo"))).reaches
    at = reaches[(reaches["river_code"] == "512099R001") & (reaches["level"] == "village")]
    [reach] = at.loc[(at["from_m"] <= 91_600) & (at["to_m"] > 91_600), "reach_id"]
    page = _open(browser, f"{app_url}/jurisdiction?lang=zh&by=river&code=512099R001&reach={reach}")
    text = page.inner_text("[data-testid='stMain']")
    assert f"黄沟江** · {reach}" in text or f"黄沟江 · {reach}" in text
    assert "董丽" in text and "县委书记" in text
    assert "code=512099R001" in page.url
    _shoot(page, "link-jurisdiction-zh")
    page.close()


def test_switching_language_is_kept_on_reload(app_url, browser):
    page = _open(browser, f"{app_url}/zones")
    page.get_by_text("English").click()
    _idle(page)
    assert "lang=en" in page.url
    page.reload()
    _idle(page)
    assert "Protection zones" in page.inner_text("[data-testid='stMain']")
    page.close()


@pytest.mark.parametrize(
    ("browser_locale", "lang", "shown", "not_shown"),
    [
        ("en-US", "zh", ("2026年", "一"), ("July", "August", "September", "Mo")),
        ("zh-CN", "en", ("July", "August"), ("年", "七月")),
    ],
)
def test_calendar_speaks_the_app_language(  # noqa: PLR0913 -- the case's four values
    app_url, browser, browser_locale, lang, shown, not_shown
):
    """The date fields' calendar names months and weekdays in the app's language, whatever
    the browser's own language is."""
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale=browser_locale)
    page.goto(f"{app_url}/patrols?lang={lang}")
    _idle(page)
    page.locator("[data-testid='stDateInputCalendarButton']").first.click()
    dialog = page.locator("[role='dialog']").first
    dialog.wait_for()
    text = dialog.inner_text()
    _shoot(page, f"calendar-{lang}")
    page.close()
    assert all(w in text for w in shown), text
    assert not [w for w in not_shown if re.search(rf"(?<![A-Za-z]){w}(?![A-Za-z])", text)], text
