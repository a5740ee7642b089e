"""The app on a hostile store, in headless Debian Chromium: every page, hovering and
clicking the maps' features. No dialog fires, no request leaves the machine, and the
payloads are on the page as text (escaped, not deleted).

One server, one browser context for the whole module. The store has no patrols (only
the demo county simulates a quarter), so the patrols page shows its refusal, which quotes
the hostile file name; the patrol map's escaping is covered by tests/test_safe.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import geopandas as gpd
import pytest
from app_server import serve_app
from hostile_store import COUNTY_NAME, FILE_NAME, PAYLOADS
from test_app_browser import ARTIFACTS, CHROMIUM, _pixel, browser  # noqa: F401 (fixture)

from gis.safe import JOINER
from gis.store import GeoPackageStore

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.browser
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
MAP = 'iframe[title="streamlit_folium.st_folium"]'
# what a user must never see: escapes shown instead of the text, or text escaped twice
GARBAGE = re.compile(r"&amp;|&lt;img|&lt;script|&quot;|&#x27;|\\[*_\[\]()<>!:$#.+-]")


@pytest.fixture(scope="module")
def hostile_url(hostile_path):
    if CHROMIUM is None:
        pytest.fail("Debian chromium is not installed: run 'apt-get install chromium'")
    with serve_app(hostile_path) as (url, _port):
        yield url


@pytest.fixture(scope="module")
def watched(browser):  # noqa: F811 (the imported fixture)
    """A 1366x768 context that records dialogs and aborts (and records) every request
    that would leave 127.0.0.1."""
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    seen = {"dialogs": [], "external": [], "errors": []}

    def route(r):
        seen["external"].append(r.request.url)
        r.abort()

    ctx.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/]|data:|blob:|about:)"), route)
    ctx.on(
        "page", lambda p: p.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    )
    yield ctx, seen
    ctx.close()


def _text(locator) -> str:
    """What the reader sees (md_text's word joiners are invisible)."""
    return locator.inner_text().replace(JOINER, "")


def _open(watched, url):
    ctx, seen = watched
    page = ctx.new_page()
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on(
        "request",
        lambda r: (
            seen["external"].append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", "localhost", None)
            and urlparse(r.url).scheme in ("http", "https")
            else None
        ),
    )
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.goto(url)
    page.wait_for_selector(READY, timeout=120_000)
    return page


def _map_ready(page):
    frame = page.frame_locator(MAP)
    frame.locator(".leaflet-overlay-pane canvas, .leaflet-overlay-pane svg path").first.wait_for(
        timeout=60_000
    )
    page.wait_for_timeout(800)
    return frame


def _settle(page):
    page.wait_for_timeout(600)
    page.wait_for_selector(READY, timeout=120_000)


def _choose(page, box: str, option) -> None:
    """Pick ``option`` in the selectbox labelled ``box`` (a click right after a rerun
    may only focus it: click again until the list is open)."""
    for _ in range(3):
        page.get_by_role("combobox", name=box, exact=True).click()
        if page.get_by_role("listbox").count():
            break
        page.wait_for_timeout(700)
    page.get_by_role("option", name=option, exact=isinstance(option, str)).first.click()
    _settle(page)


def _hover(page, frame, lon, lat, seen) -> str:
    """Hover the map at lon/lat: no script ran; the tooltip's text ('' when none opened)."""
    x, y = _pixel(page, lon, lat)
    frame.locator(".leaflet-container").hover(position={"x": x, "y": y})
    page.wait_for_timeout(400)
    assert not seen["dialogs"], f"a tooltip ran script: {seen['dialogs']}"
    tips = frame.locator(".leaflet-tooltip")
    return " ".join(tips.all_inner_texts()) if tips.count() else ""


def _secure(seen, name: str) -> None:
    assert not seen["dialogs"], f"{name}: script ran: {seen['dialogs']}"
    assert not seen["external"], f"{name}: requests left the machine: {seen['external'][:5]}"


def _check(page, seen, name: str) -> str:
    """Nothing fired, nothing left, nothing garbled; screenshot; the page's text."""
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"hostile-{name}.png"))
    _secure(seen, name)
    assert not page.locator("[data-testid='stException']").count(), name
    body = _text(page.locator("body"))
    frames = [_text(f.locator("body")) for f in page.frames if "st_folium" in f.url]
    for text in [body, *frames]:
        bad = GARBAGE.findall(
            text.replace(COUNTY_NAME, "")
        )  # the county name ends in a literal "&lt;"
        assert not bad, f"{name}: escape garbage visible: {bad[:5]}"
    assert not page.locator("img[src*='203.0.113.9'], a[href*='203.0.113.9']").count(), name
    return body


def _lonlat(gdf, code_col, code):
    g = gdf.set_index(code_col).geometry.loc[code]
    p = g if g.geom_type == "Point" else g.representative_point()
    return p.x, p.y


def test_overview_shows_hostile_names_as_text(hostile_url, watched, hostile_path):
    from playwright.sync_api import expect

    store = GeoPackageStore(hostile_path)
    src = store.read("water_sources").to_crs(4326)
    img = src[src["name"].str.endswith(PAYLOADS[0])].iloc[0]  # a source named "...<img onerror>"
    page = _open(watched, hostile_url)
    frame = _map_ready(page)
    _secure(watched[1], "overview")
    heading = _text(page.locator("h3").first)
    assert heading.startswith(COUNTY_NAME + " 512099")  # the whole payload, literally
    sidebar = _text(page.locator("[data-testid='stSidebar']"))
    assert FILE_NAME in sidebar
    tip = _hover(page, frame, img.geometry.x, img.geometry.y, watched[1])
    assert img["name"] in tip, tip
    # search a hostile name and show it on the map: the highlight's tooltip is text too
    page.get_by_label(re.compile("搜索")).fill(img["name"][:3])
    page.keyboard.press("Enter")
    _settle(page)
    expect(page.get_by_role("combobox", name=re.compile("地图"))).to_have_value(
        re.compile(re.escape(img["name"][:3])), timeout=30_000
    )
    frame = _map_ready(page)
    _check(page, watched[1], "overview")
    page.close()


def test_jurisdiction_selection_and_reach_click_show_names_as_text(
    hostile_url, watched, hostile_path
):
    from playwright.sync_api import expect

    from gis.jurisdiction import jurisdiction_of

    j = jurisdiction_of(GeoPackageStore(hostile_path))
    rid = "512099R001/V/837"
    card = j.card(rid)
    line = j.reaches.set_index("reach_id").geometry.loc[rid]
    mid = (
        gpd.GeoSeries([line.interpolate(0.5, normalized=True)], crs=j.reaches.crs)
        .to_crs(4326)
        .iloc[0]
    )
    page = _open(watched, hostile_url + "/jurisdiction")
    frame = _map_ready(page)
    tip = _hover(page, frame, mid.x, mid.y, watched[1])
    assert card["river_name"] in tip, tip
    frame.locator(".leaflet-container").click(
        position=dict(zip(("x", "y"), _pixel(page, mid.x, mid.y), strict=True))
    )
    table = page.locator("[data-testid='stTable']").first
    expect(table).to_contain_text(card["chiefs"][0]["name"][:2], timeout=30_000)
    # the card of the reach nearest the click (at this zoom a neighbour may win): its chiefs
    shown = re.search(
        r"512099R\d{3}/[A-Z]/\d+", _text(page.locator("[data-testid='stMainBlockContainer']"))
    )
    card = j.card(shown.group(0))
    assert all(c["name"] in _text(table) for c in card["chiefs"]), _text(table)
    assert card["river_name"] in _text(page.locator("body"))
    # a selection: the river of that reach, by name (the list and the summary line)
    _settle(page)
    _choose(page, "查看对象", "河流")
    _choose(page, "河流", re.compile(re.escape("512099R001")))
    expect(page.get_by_text(re.compile(r"512099R001: \d+ 河段"))).to_be_visible(timeout=30_000)
    river = j.rivers.set_index("river_code").at["512099R001", "name"]
    assert f"{river} 512099R001: " in _text(page.locator("body"))  # the summary line, as text
    _map_ready(page)
    _check(page, watched[1], "jurisdiction")
    page.close()


def test_gaps_quarries_zones_patrols_data_show_names_as_text(
    hostile_url, watched, hostile_path, tmp_path
):
    from playwright.sync_api import expect

    from gis.coverage import analyse
    from gis.quarries import check_quarries

    store = GeoPackageStore(hostile_path)
    # gaps: the table of unassigned reaches names hostile rivers; hover one on the map
    gaps = analyse(store).unassigned
    page = _open(watched, hostile_url + "/gaps")
    frame = _map_ready(page)
    table = _text(page.locator("[data-testid='stTable']").first)
    assert sum(p in table for p in PAYLOADS) >= 3 and gaps["river_name"].iloc[0] in table
    g = gaps.to_crs(4326).iloc[0]
    mid = g.geometry.interpolate(0.5, normalized=True)
    assert g["river_name"] in _hover(page, frame, mid.x, mid.y, watched[1])
    _check(page, watched[1], "gaps")
    page.close()

    # quarries: violations table and a quarry's tooltip
    v = check_quarries(store).violations()
    page = _open(watched, hostile_url + "/quarries")
    frame = _map_ready(page)
    table = _text(page.locator("[data-testid='stTable']").first)
    assert all(n in table for n in v["name"].unique())
    q = store.read("quarries").to_crs(4326).set_index("quarry_id")
    qid = v["quarry_id"].iloc[0]
    assert q.at[qid, "name"] in _hover(
        page, frame, q.geometry[qid].x, q.geometry[qid].y, watched[1]
    )
    _check(page, watched[1], "quarries")
    page.close()

    # zones: a typed point inside S001's level-2 zone, what lies inside it (shown open)
    q7 = store.read("quarries").set_index("quarry_id").geometry.loc["512099Q007"]
    page = _open(watched, hostile_url + "/zones")
    _map_ready(page)
    page.get_by_label("坐标 经度,纬度").fill(f"{q7.x:.7f},{q7.y:.7f}")
    page.get_by_role("button", name="查询位置").click()
    expect(page.locator("[data-testid='stTable']").first).to_contain_text(
        "512099S001-L2", timeout=30_000
    )
    _settle(page)
    exp = page.locator("[data-testid='stMain']")
    inside = _text(exp)
    assert any(p in inside for p in PAYLOADS), inside
    frame = _map_ready(page)
    src = store.read("water_sources").to_crs(4326).iloc[0]
    assert src["name"] in _hover(page, frame, src.geometry.x, src.geometry.y, watched[1])
    page.get_by_text("512099Q007").first.scroll_into_view_if_needed()  # what lies inside
    _check(page, watched[1], "zones")
    page.close()

    # patrols: no patrols in this store; the refusal quotes the hostile file name as text
    page = _open(watched, hostile_url + "/patrols")
    expect(page.get_by_text("该数据库没有巡河轨迹。")).to_be_visible(timeout=60_000)
    assert FILE_NAME in _check(page, watched[1], "patrols")
    page.close()

    # data: hostile file names, columns and values, checked (nothing written): the report,
    # and a whole-file refusal quoting the columns, are text
    bad = PAYLOADS[0] + PAYLOADS[2]
    head = f"source_code,名称,source_type,population_served,has_official_zone,经度,纬度,{bad}\n"
    good = tmp_path / f"水源{PAYLOADS[4]}.csv"
    good.write_text(
        head
        + f"A1,甲{PAYLOADS[1]},river,100,否,105.31,30.21,x\n"
        + f"A2,乙{PAYLOADS[6]},river,100,否,30.32,105.22,y\n",
        encoding="utf-8",
    )
    refused = tmp_path / f"缺列{PAYLOADS[6]}{PAYLOADS[5]}.csv"
    refused.write_text(
        f"source_code,名称,经度,纬度,{bad}\nA1,甲,105.31,30.21,x\n", encoding="utf-8"
    )
    page = _open(watched, hostile_url + "/data")
    page.locator("input[type='file']").first.set_input_files(str(good))
    page.wait_for_timeout(800)
    _choose(page, "导入到图层", re.compile("^water_sources"))
    page.get_by_role("button", name="检查(不写入)").click()
    expect(page.locator("[data-testid='stMetricValue']").first).to_have_text("2", timeout=30_000)
    _settle(page)
    page.locator("[data-testid='stTable']").first.scroll_into_view_if_needed()
    body = _check(page, watched[1], "data")
    table = _text(page.locator("[data-testid='stTable']").first)
    assert "数据库未改动" in body and "经度和纬度看起来互换了" in table and "--" not in table
    page.locator("input[type='file']").first.set_input_files(str(refused))
    page.wait_for_timeout(800)
    _settle(page)  # the form is redrawn for the new file's columns
    page.get_by_role("button", name="检查(不写入)").click()
    alert = page.locator("[data-testid='stAlert']").filter(has_text="处理：")
    expect(alert).to_have_count(1, timeout=30_000)
    assert bad in _text(alert) and refused.name in _text(alert)
    _check(page, watched[1], "data-refused")
    page.close()
