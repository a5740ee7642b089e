"""Every app page under Streamlit's AppTest: no exception, and the figures it shows equal
the library's results for the demo county. (The browser test covers the maps.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from app_data import app_data
from markdown_text import plain
from streamlit.testing.v1 import AppTest

from gis.i18n import t
from gis.store import GeoPackageStore

ROOT = Path(__file__).resolve().parents[1]


def _run(page: str, *, lang: str = "zh", timeout: float = 120) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=timeout)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _metrics(at: AppTest) -> list[str]:
    return [m.value for m in at.metric]


def test_app_shell_runs_the_overview_by_default():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "示范县 512099 · 河长制 GIS"
    assert at.sidebar.radio[0].options == ["中文", "English"]


def test_overview_table_is_the_library_summary(demo_path):
    from gis.inventory import SUMMARY_KEYS, summarize

    summary = summarize(GeoPackageStore(demo_path))
    table = _run("app_pages/overview.py").table[0].value
    shown = dict(zip(table.index, table.iloc[:, 0], strict=True))
    for key, value in summary.items():
        expected = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
        assert shown[SUMMARY_KEYS[key][0]] == expected, key


def test_gaps_figures_equal_the_coverage_analysis(demo_path):
    from gis.coverage import analyse

    cov = analyse(GeoPackageStore(demo_path))
    by = cov.unassigned_length_m_by_level()
    at = _run("app_pages/gaps.py")
    assert _metrics(at) == [str(len(cov.unassigned))] + [
        f"{by[lv] / 1000:.2f}" for lv in ("county", "township", "village")
    ]
    assert sorted(at.table[0].value.index) == sorted(cov.unassigned["reach_id"])


def test_quarry_figures_equal_the_checks_in_both_languages(demo_path):
    from gis.quarries import check_quarries

    s = check_quarries(GeoPackageStore(demo_path)).summary()
    expected = [
        str(s["quarries"]),
        str(s["quarries_with_violations"]),
        str(s["quarries"] - s["quarries_with_violations"]),
    ]
    zh, en = _run("app_pages/quarries.py"), _run("app_pages/quarries.py", lang="en")
    assert _metrics(zh) == _metrics(en) == expected
    assert [m.label for m in zh.metric][1] == "存在违规" and [m.label for m in en.metric][
        1
    ] == "With violations"


def test_zone_query_by_typed_coordinates_names_the_zone(demo_path):
    q7 = (
        GeoPackageStore(demo_path)
        .read("quarries")
        .set_index("quarry_id")
        .geometry.loc["512099Q007"]
    )
    at = _run("app_pages/zones.py")
    assert any(
        "尚未划定保护区的水源" in m.value and m.value.endswith("(19)") for m in at.markdown
    )  # 72 sources, 53 zoned
    at.text_input[0].input(f"{q7.x:.7f},{q7.y:.7f}")
    at.button[0].click().run()
    assert not at.exception
    assert "512099S001-L2" in plain(
        at.table[0].value.to_string()
    )  # the quarry planted in S001's level-2 zone


@pytest.mark.slow
def test_patrols_figures_equal_the_report(demo_quarter):
    report, _a, _key = demo_quarter
    at = _run("app_pages/patrols.py", timeout=400)
    ch, reaches = report.chiefs, report.reaches
    assert _metrics(at) == [
        f"{int(ch['compliant'].sum())} / {len(ch)}",
        f"{int(ch['valid'].sum()):,}",
        f"{len(report.suspicious):,}",
        f"{int(reaches['never_patrolled'].sum())} / {len(reaches)}",
    ]
    assert [d.value for d in at.date_input] == [report.start, report.end]
    sus = at.dataframe[-1].value
    assert sorted(sus[t("choose_patrol")]) == sorted(report.suspicious["patrol_id"])


def _chiefs_shown(at: AppTest) -> list[tuple[str, str]]:
    df = at.table[0].value
    return [
        (plain(n), plain(p)) for n, p in zip(df.iloc[:, 1], df.iloc[:, 3], strict=True)
    ]  # name, phone


def test_jurisdiction_card_is_the_librarys_and_masks_phones(demo_path):
    from gis.jurisdiction import jurisdiction_of

    card = jurisdiction_of(GeoPackageStore(demo_path)).card("512099R001/V/837")
    at = AppTest.from_file(str(ROOT / "app_pages/jurisdiction.py"), default_timeout=120)
    at.session_state["lang"], at.session_state["juris_reach"] = "zh", "512099R001/V/837"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert _chiefs_shown(at) == [(c["name"], c["phone"]) for c in card["chiefs"]]
    assert all("****" in p for _, p in _chiefs_shown(at))
    assert [m.value for m in at.metric] == [f"{card['length_m']:,.0f}"]
    # picking a river lists its reaches with their total length
    at.selectbox[0].set_value("river").run()
    at.selectbox[1].set_value("512099R001").run()
    assert not at.exception
    from gis.reaches import segment

    store = GeoPackageStore(demo_path)
    reaches, _ = segment(store.read("rivers"), store.read("admin_units"), level="village")
    n = int(
        (reaches["river_code"] == "512099R001").sum()
    )  # the village-level reaches of that river
    assert n > 100
    assert len(at.dataframe[0].value) == n and any(
        f"黄沟江 512099R001**: {n} 河段" in m.value for m in at.markdown
    )


def test_staff_login_unmasks_phones_and_enables_import(demo_copy, monkeypatch):
    from gis import auth
    from gis.auth import hash_password

    app_data(monkeypatch, demo_copy)  # a login writes the audit log into the store
    auth.LIMITER.clear()
    chiefs = GeoPackageStore(demo_copy).read("chiefs").set_index("name")["phone"]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets["staff_password_hash"] = hash_password("s3cret")
    at.session_state["juris_reach"] = "512099R001/V/837"
    at.switch_page("app_pages/jurisdiction.py").run()
    assert all("****" in p for _, p in _chiefs_shown(at))
    at.sidebar.text_input[0].input("wrong")
    at.sidebar.button[0].click().run()
    assert "auth" not in at.session_state and at.sidebar.error[0].value == "密码不正确"
    # no wait after the failure (tested with a clock in tests/test_auth_roles.py)
    auth.LIMITER.clear()
    at.sidebar.text_input[0].input("s3cret")
    at.sidebar.button[0].click().run()
    assert at.session_state["auth"].role == "staff"
    shown = _chiefs_shown(at)
    assert shown and all(p == chiefs[n] for n, p in shown)  # the full numbers
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    assert [b.disabled for b in at.button if b.label in ("检查(不写入)", "导入")] == [
        True,
        True,
    ]  # nothing uploaded yet


def test_staff_mode_without_a_configured_password_stays_off():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert not at.sidebar.text_input  # no password field: nothing to check against
    assert any("riverchief hash-password" in c.value for c in at.sidebar.caption)


def test_overview_search_lists_the_hits(demo_path):
    from gis.search import find, search_index

    at = _run("app_pages/overview.py")
    at.text_input[0].input("山").run()
    assert not at.exception
    expected = find(search_index(GeoPackageStore(demo_path)), "山")
    shown = at.dataframe[0].value
    assert list(shown.iloc[:, 2]) == list(expected["code"]) and len(shown) > 1
    at.text_input[0].input("没有这个名字").run()
    assert at.info[0].value == "没有找到。"


def test_data_page_in_english():
    at = _run("app_pages/data.py", lang="en")
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["County GeoPackage", "All layers as XLSX", "All layers as CSV (zip)"]
    assert at.caption[0].value == "Writing to the store needs staff login."


def test_zone_query_converts_a_typed_bd09_point_as_the_cli_does(demo_path):
    from gis import coords

    q7 = (
        GeoPackageStore(demo_path)
        .read("quarries")
        .set_index("quarry_id")
        .geometry.loc["512099Q007"]
    )
    bx, by = coords.convert_point(q7.x, q7.y, src="cgcs2000", dst="bd09")  # ~0.5-1 km away on Baidu
    at = _run("app_pages/zones.py")
    next(s for s in at.selectbox if s.label == "坐标系").select("BD-09 (百度)")
    at.text_input[0].input(f"{bx!r},{by!r}")
    at.button[0].click().run()
    assert not at.exception
    place = at.session_state["zone_place"]
    assert (place.x, place.y) == coords.convert_point(
        bx, by, src="bd09", dst="cgcs2000"
    )  # the CLI's path
    assert (
        abs(place.x - q7.x) < 1e-6 and abs(place.y - q7.y) < 1e-6
    )  # BD-09's inverse is good to cm
    assert "512099S001-L2" in plain(at.table[0].value.to_string())


def test_dossier_page_shows_the_linked_river_and_masks_phones(demo_path):
    at = AppTest.from_file(str(ROOT / "app_pages/dossier.py"), default_timeout=120)
    at.session_state["lang"] = "zh"
    at.query_params["river"] = "512099R003"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    box = at.selectbox(key="dossier_river")
    assert box.value == "512099R003"
    assert len(box.options) == len(GeoPackageStore(demo_path).read("rivers"))


def test_dossier_page_adds_the_patrol_statistics_of_a_period(demo_path, demo_quarter):
    """The toggle judges the store's patrols (the demo's simulated quarter, shared with the
    patrols page) and the archive's patrol part counts them: the same numbers as the
    library's dossier made from the same period's report."""
    from gis.dossier import county_context, river_dossier

    at = AppTest.from_file(str(ROOT / "app_pages/dossier.py"), default_timeout=300)
    at.session_state["lang"] = "zh"
    at.query_params["river"] = "512099R003"
    at.run()
    at.toggle(key="dossier_patrols").set_value(True).run()
    assert not at.exception, [e.message for e in at.exception]
    page = at.get("iframe")[0].proto.srcdoc
    assert "未计算：生成档案时未给出巡河时段" not in page
    store = GeoPackageStore(demo_path)
    part = river_dossier(
        store, "512099R003", county=county_context(store, patrols=demo_quarter[0])
    ).parts["patrols"]
    assert part.status is None and len(part.table)
    first = part.table.iloc[0]
    assert str(first.iloc[0]) in page
