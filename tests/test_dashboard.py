"""The home page's key figures (gis.dashboard, the overview's cards, riverchief dashboard):
each equals an independent computation on the demo; a level, a layer or patrols a store
lacks are None with the reason, never 0."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
from streamlit.testing.v1 import AppTest

from gis.catalogue import CHIEF_LEVELS
from gis.cli import main
from gis.coverage import find_gaps
from gis.crs import metric_crs
from gis.dashboard import PAGES, STATUSES, county_figures, latest_period
from gis.i18n import LABELS
from gis.quarries import check_quarries
from gis.store import GeoPackageStore

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_figures(demo_path):
    return county_figures(GeoPackageStore(demo_path))


def _strict(d) -> dict:
    def refuse(name):
        raise ValueError(f"bare {name}")

    return json.loads(json.dumps(d.to_json(), allow_nan=False), parse_constant=refuse)


def test_coverage_and_unassigned_km_equal_the_gaps_frames_by_hand(demo_path, demo_figures):
    cov = find_gaps(GeoPackageStore(demo_path))

    def metres(df, level):
        return float(df.loc[df["level"] == level, "length_m"].sum()) if len(df) else 0.0

    for level in ("county", "township", "village"):
        total = metres(cov.reaches, level)
        uncovered = (
            metres(cov.unassigned, level)
            + metres(cov.boundary_reaches_unagreed, level)
            + metres(cov.holes, level)
        )
        pct = demo_figures.get("coverage_pct", level)
        assert pct.status == "ok" and pct.page == "gaps"
        assert pct.value == pytest.approx(100 * (total - uncovered) / total, abs=0.05)
        assert pct.detail["total_km"] == pytest.approx(total / 1000, abs=0.005)
        km = demo_figures.get("unassigned_km", level)
        assert km.value == pytest.approx(metres(cov.unassigned, level) / 1000, abs=0.005)
    # the demo's planted gaps: township reaches without a chief, every county river held
    assert demo_figures.get("unassigned_km", "township").value > 0
    assert demo_figures.get("coverage_pct", "county").value == 100.0
    assert demo_figures.get("coverage_pct", "township").value < 100.0
    # no river of the demo is managed above the county: those levels are not shown at all
    assert not [f for f in demo_figures.figures if f.level in ("province", "city")]


def test_river_length_is_the_rivers_clipped_to_the_county(demo_path, demo_figures):
    store = GeoPackageStore(demo_path)
    admin = store.read("admin_units")
    county = admin[admin["level"] == "county"]
    crs = metric_crs(county)
    clipped = gpd.clip(store.read("rivers").to_crs(crs), county.to_crs(crs))
    f = demo_figures.get("river_length_km")
    assert f.value == pytest.approx(clipped.length.sum() / 1000, abs=0.05)
    assert f.page == "jurisdiction"


def test_quarry_violations_are_the_checks_breaches_at_the_same_date(demo_path, demo_figures):
    store = GeoPackageStore(demo_path)
    f = demo_figures.get("quarry_violations")
    assert f.value == 14 == len(check_quarries(store).violations())  # as of 2026-10-01
    assert f.detail["as_of"] == demo_figures.as_of == store.meta()["as_of"] == "2026-10-01"
    assert f.page == "quarries"
    early = county_figures(store, as_of="2025-01-01", patrols=False)
    assert early.as_of == "2025-01-01"
    assert early.get("quarry_violations").value == len(
        check_quarries(store, as_of="2025-01-01").violations()
    )


def test_sources_without_zone_are_those_with_no_official_polygon(demo_path, demo_figures):
    store = GeoPackageStore(demo_path)
    sources, zones = store.read("water_sources"), store.read("protection_zones")
    official = set(zones.loc[zones["origin"] == "official", "source_code"])
    expected = sum(code not in official for code in sources["source_code"])
    f = demo_figures.get("sources_without_zone")
    assert f.value == expected == 19 and f.page == "zones"
    # the register's own flag agrees on the demo
    assert expected == len(sources) - int(sources["has_official_zone"].sum())


def test_demo_without_imported_patrols_says_so_and_never_zero(demo_path, demo_figures):
    f = demo_figures.get("patrol_compliance_pct")
    assert (f.value, f.status, f.reason, f.page) == (
        None,
        "no_patrols",
        "no patrols imported",
        "patrols",
    )
    skipped = county_figures(GeoPackageStore(demo_path), patrols=False)
    assert skipped.get("patrol_compliance_pct").status == "not_computed"
    assert skipped.get("patrol_compliance_pct").value is None


@pytest.mark.parametrize(
    ("kind", "missing"),
    [("no_villages", {"village"}), ("no_townships", {"township"})],
)
def test_levels_not_checked_are_none_with_the_reason(partial_store, kind, missing):
    d = county_figures(GeoPackageStore(partial_store(kind)), patrols=False)
    for level in missing:
        for key in ("coverage_pct", "unassigned_km"):
            f = d.get(key, level)
            assert f.value is None and f.status == "not_checked"
            assert f"no {level} polygons" in f.reason
    for level in {"county", "township", "village"} - missing:
        assert d.get("coverage_pct", level).value is not None
    parsed = _strict(d)
    assert [f["value"] for f in parsed["figures"] if f["level"] in missing] == [None] * 2 * len(
        missing
    )


def test_a_store_with_only_its_boundary_reads_nothing_as_zero(partial_store):
    d = county_figures(GeoPackageStore(partial_store("boundary_only")))
    for f in d.figures:
        assert f.value is None, f
        assert f.status in STATUSES and f.reason
    # no rivers: nothing to check at any level, and that is no missing boundary
    assert {f.level for f in d.figures if f.status == "no_data" and f.level} == {
        "county",
        "township",
        "village",
    }
    assert all(f.reason == "no rivers in the county store" for f in d.figures if f.level)
    assert d.get("patrol_compliance_pct").status == "no_patrols"
    assert d.get("quarry_violations").reason == "no quarries in the store"
    _strict(d)


def _walk_csv(path: Path, chief: str, start: str, metres: float = 3000.0) -> Path:
    """A walk down the clean county's river (x = 495000, GK zone 35) at 1.2 m/s."""
    to_ll = pyproj.Transformer.from_crs(4544, 4490, always_xy=True)
    n = int(metres / 12)
    y = [3408000 - 12 * i for i in range(n)]
    lon, lat = to_ll.transform([495003.0] * n, y)
    t0 = pd.Timestamp(start)
    pd.DataFrame(
        {
            "chief": chief,
            "time": [(t0 + pd.Timedelta(seconds=10 * i)).isoformat() for i in range(n)],
            "lon": lon,
            "lat": lat,
        }
    ).to_csv(path, index=False)
    return path


def test_patrol_compliance_is_the_share_of_chiefs_meeting_the_rule(partial_store, tmp_path):
    # the clean county's three chiefs (county, township, village) hold the one river; the
    # county chief walks it once in September: a quarter asks one patrol of a county chief,
    # a month one of a township chief, a week one of a village chief
    track = _walk_csv(tmp_path / "walk.csv", "512098C0001", "2026-09-10T09:00:00+08:00")
    d = county_figures(GeoPackageStore(partial_store("clean")), tracks=track)
    f = d.get("patrol_compliance_pct")
    assert f.status == "ok" and f.page == "patrols"
    assert f.detail == {"compliant": 1, "chiefs": 3, "from": "2026-09-01", "to": "2026-09-30"}
    assert f.value == pytest.approx(100 / 3, abs=0.05)


def test_the_period_is_the_latest_quarter_in_whole_months_up_to_the_day():
    starts = pd.Series(
        pd.to_datetime(
            ["2026-03-30T23:30:00+08:00", "2026-04-02T09:00:00+08:00", "2026-06-30T20:00:00+08:00"]
        )
    )
    assert latest_period(starts, pd.Timestamp("2026-10-01").date()) == (
        pd.Timestamp("2026-04-01").date(),
        pd.Timestamp("2026-06-30").date(),
    )
    # a patrol after the day does not count; none on or before it: no period
    assert latest_period(starts, pd.Timestamp("2026-04-01").date())[0].month == 3
    assert latest_period(starts, pd.Timestamp("2026-01-01").date()) is None


def test_every_figure_and_status_has_its_words_and_every_page_exists():
    for key in ("title", *PAGES, *(f"status_{s}" for s in STATUSES if s != "ok")):
        assert f"dashboard.{key}" in LABELS, key
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    for page in set(PAGES.values()):
        # ui.dashboard links app_pages/<url_path>.py: app.py must register it so
        assert re.search(rf'"app_pages/{page}\.py".*?url_path="{page}"', app, re.S), page
        assert f"page_{page}" in LABELS


def test_cli_dashboard_json_is_the_library_figures(demo_path, demo_figures, capsys):
    assert main(["dashboard", "--data", str(demo_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == _strict(demo_figures)
    assert main(["--lang", "zh", "dashboard", "--data", str(demo_path), "--no-patrols"]) == 0
    out = capsys.readouterr().out
    assert "采砂违规(项): 14" in out and "巡河达标率: 未计算" in out


def shown_compliance(demo_path, lang: str) -> str:
    """What the home page's patrol card shows for the demo: "not computed" unless the
    demo's quarter was judged and kept beside the store (by the patrols page, here or in an
    earlier server), then the library's figure from that kept result."""
    import datetime as dt

    from gis import datasets
    from gis.dashboard import patrol_figure
    from gis.patrols.persist import cached_assessment, is_kept
    from ui.patrol_views import DRAWN

    store = GeoPackageStore(demo_path)
    quarter = str(datasets.get_path("demo_patrols"))
    if not Path(quarter).exists() or not is_kept(store, tracks=quarter, points=DRAWN):
        return "未计算" if lang == "zh" else "Not computed"
    a, net = cached_assessment(store, tracks=quarter, points=DRAWN)
    day = dt.date.fromisoformat(county_figures(store, patrols=False).as_of)
    return f"{patrol_figure(store, day=day, assessed=(a, net)).value:.1f}%"


def _run_app(lang: str) -> AppTest:
    from ui import common

    # a fresh server: another test's patrols page may have left its judged tracks in this
    # process's resources, and the home page shows compliance once they are there
    with common._LOCK:
        common._RESOURCES.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["lang"] = lang
    if lang == "en":
        at.run()
        at.sidebar.radio[0].set_value("English")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_cards_show_the_figures_and_link_their_pages(demo_figures, lang):
    at = _run_app(lang)
    # a card per figure; a level's unassigned km is its coverage card's second line
    cards = [f for f in demo_figures.figures if f.key != "unassigned_km"]
    metrics = at.metric[: len(cards)]
    links = [p.proto.page for p in at.get("page_link")]
    assert links == [f.page for f in cards]  # one link per card, in order
    shown = {m.label: m.value for m in metrics}
    delta = {m.label: m.delta for m in metrics}
    zh = lang == "zh"
    assert shown["采砂违规(项)" if zh else "Open quarry violations"] == "14"
    assert shown["未划定保护区水源(处)" if zh else "Sources without an official zone"] == "19"
    # the demo's quarter is never simulated or judged by the home page: not computed,
    # unless judged patrols are kept beside the store
    assert shown["巡河达标率" if zh else "Patrol compliance"] == shown_compliance(
        ROOT / "layers" / "demo" / "demo_county.gpkg", lang
    )
    for level, word in zip(CHIEF_LEVELS[2:], ("县级", "镇乡级", "村级"), strict=True):
        f = demo_figures.get("coverage_pct", level)
        km = demo_figures.get("unassigned_km", level).value
        label = f"{word} · 河长覆盖率" if zh else f"{level.capitalize()} · Coverage by chiefs"
        assert shown[label] == f"{f.value:.1f}%"
        assert delta[label] == (f"无河长 {km:.2f} km" if zh else f"{km:.2f} km unassigned")


def test_the_home_page_shows_compliance_only_once_the_patrols_page_judged_them(
    partial_store, tmp_path
):
    import shutil

    from gis.patrols import assess_tracks, import_tracks
    from ui.common import keyed_resource
    from ui.dashboard import figures, patrol_tracks

    path = tmp_path / "clean.gpkg"
    shutil.copy(partial_store("clean"), path)
    store = GeoPackageStore(path)
    walk = _walk_csv(tmp_path / "walk.csv", "512098C0001", "2026-09-10T09:00:00+08:00")
    assert not import_tracks([walk], store).file_errors
    mt = store.version()
    assert patrol_tracks(store) == (None, 0.0)  # the store's own patrols, as the page keys them
    before = figures(str(path), mt).get("patrol_compliance_pct")
    assert (before.value, before.status) == (None, "not_computed")  # never judged by the home page
    a, net = assess_tracks(store)
    keyed_resource("patrols", (str(path), mt, None, 0.0), lambda: (a, net, None))
    after = figures(str(path), mt).get("patrol_compliance_pct")
    assert after.status == "ok" and after.detail["compliant"] == 1 and after.detail["chiefs"] == 3


def test_the_home_page_reads_patrols_judged_before_a_restart(demo_path):
    """Judged patrols kept beside the store are read back by a fresh server's home page
    (not judged again there): the card shows the library's figure, not "not computed"."""
    from gis.demo import patrols as demo_patrols
    from gis.patrols.persist import cached_assessment, is_kept
    from ui.patrol_views import DRAWN

    store = GeoPackageStore(demo_path)
    quarter = str(demo_patrols.ensure())
    cached_assessment(store, tracks=quarter, points=DRAWN)  # as the patrols page does
    assert is_kept(store, tracks=quarter, points=DRAWN)
    at = _run_app("zh")  # a fresh server: nothing held in memory
    shown = {m.label: m.value for m in at.metric}
    assert shown["巡河达标率"] == shown_compliance(demo_path, "zh") != "未计算"
