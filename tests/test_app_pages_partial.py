"""The app's pages on partial and clean counties, under Streamlit's AppTest (fast; the
browser test tests/test_app_browser_partial.py adds the maps and the downloads): each page
says what it could not check, so that a zero on it means "checked, none"."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_data import app_data
from streamlit.testing.v1 import AppTest

from gis import catalogue
from gis.i18n import t

ROOT = Path(__file__).resolve().parents[1]
NOT_CHECKED = t("not_checked")


def _page(page: str, store: Path, monkeypatch, **state) -> AppTest:

    app_data(monkeypatch, store)
    at = AppTest.from_file(str(ROOT / "app_pages" / page), default_timeout=180)
    at.session_state["lang"] = "zh"
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _said(at: AppTest) -> str:
    return " ".join(
        str(e.value) for kind in ("info", "warning", "success", "markdown") for e in at.get(kind)
    )


def test_gaps_page_of_a_county_without_rivers_checked_nothing(partial_store, monkeypatch):
    at = _page("gaps.py", partial_store("boundary_only"), monkeypatch)
    assert [m.value for m in at.metric] == [NOT_CHECKED] * 4  # never "0" or "0.00"
    warnings = [w.value for w in at.warning]
    assert warnings == [t("no_rivers_not_checked"), t("register_not_checked")]
    kinds = at.radio[0].options  # the findings' tabs, each with its count or 未核查
    for name in ("holes", "unknown_codes", "zero_coverage", "level_mismatches"):
        assert f"{t('finding.' + name)} ({NOT_CHECKED})" in kinds
    assert not at.table  # no empty table (Streamlit would print "empty")


def test_gaps_page_of_a_clean_county_says_checked_none(partial_store, monkeypatch):
    at = _page("gaps.py", partial_store("clean"), monkeypatch)
    assert [m.value for m in at.metric] == ["0", "0.00", "0.00", "0.00"]
    assert [s.value for s in at.success] == [t("all_checked_none_found")]
    assert not at.warning and NOT_CHECKED not in _said(at)
    assert t("none_found") in _said(at)


def test_gaps_page_without_townships_names_no_township(partial_store, monkeypatch):
    at = _page("gaps.py", partial_store("no_townships"), monkeypatch)
    assert [m.value for m in at.metric][2] == NOT_CHECKED
    shown = at.table[0].value  # the one unassigned reach has no township to name
    assert shown[t("township")].tolist() == ["—"]
    assert f"{t('finding.unknown_codes')} (0)" in at.radio[0].options  # codes are not typos


@pytest.mark.parametrize("kind", ["boundary_only", "clean"])
def test_quarries_page_without_quarries_checked_nothing(partial_store, monkeypatch, kind):
    at = _page("quarries.py", partial_store(kind), monkeypatch)
    assert [m.value for m in at.metric] == ["0", NOT_CHECKED, NOT_CHECKED]
    assert [w.value for w in at.warning] == [t("no_quarries_not_checked")]
    assert at.caption[0].value == f"{t('rule_set')}: {t('rule_set_default')}"
    assert not at.table


def test_quarries_page_with_quarries_says_nothing_unchecked(partial_store, monkeypatch):
    at = _page("quarries.py", partial_store("no_villages"), monkeypatch)
    assert [m.value for m in at.metric] == ["23", "14", "9"]
    assert not at.warning
    assert "default" not in at.caption[0].value  # the rule set in Chinese


@pytest.mark.parametrize("kind", ["boundary_only", "clean"])
def test_zones_page_without_sources_checked_nothing(partial_store, monkeypatch, kind):
    at = _page("zones.py", partial_store(kind), monkeypatch)
    assert [w.value for w in at.warning] == [t("no_sources_not_checked")]
    assert t("no_zone_sources") not in _said(at) and not at.table


def test_zones_page_names_source_types_in_chinese(partial_store, monkeypatch):
    at = _page("zones.py", partial_store("no_townships"), monkeypatch)
    types = set(at.table[0].value[t("source_type")])
    assert types and types <= {zh for zh, _ in catalogue.SOURCE_TYPES.values()}


@pytest.mark.parametrize(
    "kind,missing",
    [
        ("boundary_only", "河流、水库、河长、饮用水水源、河长公示牌、采砂场、镇乡界、村界"),
        ("no_villages", "村界"),
        ("no_townships", "镇乡界"),
        ("clean", "水库、饮用水水源、河长公示牌、采砂场"),
    ],
)
def test_overview_names_what_the_store_lacks(partial_store, monkeypatch, kind, missing):
    at = _page("overview.py", partial_store(kind), monkeypatch)
    assert [i.value for i in at.info] == [t("layers_missing") + missing]


def test_overview_of_the_demo_lacks_nothing(demo_path, monkeypatch):
    assert not _page("overview.py", demo_path, monkeypatch).info


def test_jurisdiction_without_rivers_says_so(partial_store, monkeypatch):
    at = _page("jurisdiction.py", partial_store("boundary_only"), monkeypatch)
    infos = [i.value for i in at.info]
    assert t("no_rivers_no_reaches") in infos
    assert t("click_a_reach") not in infos  # there is no reach to click


def test_jurisdiction_without_townships_does_not_say_no_chief(partial_store, monkeypatch):
    """Township chiefs cannot be matched without township polygons: "not checked", not the
    red "no chief"; the county chief (found through the code) is listed."""
    at = _page(
        "jurisdiction.py",
        partial_store("no_townships"),
        monkeypatch,
        juris_reach="512099R001/V/0",
    )
    assert t("no_township_bounds") in [i.value for i in at.info]
    assert [w.value for w in at.warning] == [t("level_township") + t("chief_not_checked")]
    assert not at.error
    levels = at.table[0].value[t("level")].tolist()
    assert t("level_county") in levels
