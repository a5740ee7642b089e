"""The chiefs' scorecard (issue 17, item 2) on the demo quarter: each planted chief is
caught by the indicator that should catch it, with the raw value recomputed here from the
tables (events, sections, the simulator's own answer key) by plain pandas; rates never pass
100 %; nothing measured is "no value", never 0; a county's weights change the totals."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from app_data import app_data

from gis import catalogue
from gis.assessment import assess_chiefs
from gis.assessment.workload import COMPONENTS
from gis.cli import main
from gis.store import GeoPackageStore

START, END = dt.date(2026, 7, 1), dt.date(2026, 9, 30)
RATES = ("patrol_rate", "anomaly_rate", "track_coverage", "on_time_rate", "water_quality")


@pytest.fixture(scope="module")
def store(demo_path):
    return GeoPackageStore(demo_path)


@pytest.fixture(scope="module")
def card(store, demo_quarter):
    report = demo_quarter[0]
    return assess_chiefs(store, start=START, end=END, patrol_report=report)


@pytest.fixture(scope="module")
def planted(store):
    key = store.read("answer_key")
    roles = key[(key["layer"] == "chiefs") & key["kind"].str.startswith("assess_")]
    return dict(zip(roles["kind"], roles["ref_id"], strict=True)), key.set_index("kind")


def _value(card, chief, indicator):
    ind = card.indicators
    return ind[(ind["chief_id"] == chief) & (ind["indicator"] == indicator)].iloc[0]


def _grade(card, chief):
    return card.chiefs.set_index("chief_id").loc[chief]


def test_the_lazy_chief_is_caught_by_the_patrol_rate(card, planted):
    roles, key = planted
    v = _value(card, roles["assess_lazy_chief"], "patrol_rate")
    # a village chief owes one patrol a week: 13 in the quarter (92 days); he made 2
    assert v["raw"] == pytest.approx(key.loc["assess_lazy_chief", "value"] / 13)
    assert v["score"] == 0
    assert _grade(card, roles["assess_lazy_chief"])["grade"] not in ("excellent", "good")


def test_the_fake_patroller_is_caught_by_the_anomaly_rate(card, planted, demo_quarter):
    roles, _ = planted
    faker = roles["assess_fake_patroller"]
    fakes = demo_quarter[2]  # the simulator's own key: which patrols it faked
    made = demo_quarter[1].patrols["chief_id"].eq(faker).sum()
    v = _value(card, faker, "anomaly_rate")
    assert v["raw"] == pytest.approx((fakes["chief_id"] == faker).sum() / made)
    assert v["score"] == 0 and _grade(card, faker)["grade"] == "fail"


def test_the_overdue_handler_is_caught_by_the_on_time_rate(card, planted, store):
    roles, _ = planted
    chief = roles["assess_overdue_handler"]
    ev = store.read("events")
    deadline, done = pd.to_datetime(ev["deadline"]), pd.to_datetime(ev["resolved_at"])
    due = (ev["chief_id"] == chief) & (deadline.dt.date >= START) & (deadline.dt.date <= END)
    on_time = due & done.notna() & (done <= deadline)
    v = _value(card, chief, "on_time_rate")
    assert (v["numerator"], v["denominator"]) == (on_time.sum(), due.sum()) and due.sum() >= 5
    assert v["raw"] < 0.5 and v["score"] == 0


def test_water_alone_does_not_take_a_diligent_chief_below_good(card, planted, store):
    roles, key = planted
    chief = roles["assess_polluted_river"]
    v = _value(card, chief, "water_quality")
    section = key.loc["assess_polluted_river", "detail"].split()[1]
    rows = store.read("section_measurements")
    target = store.read("monitoring_sections").set_index("section_id").loc[section, "target_class"]
    order = list(catalogue.WATER_CLASSES)
    worse = rows.loc[rows["section_id"] == section, "water_class"].map(order.index)
    assert (worse > order.index(target)).all() and v["raw"] == 0 and v["denominator"] >= 3
    assert _grade(card, chief)["grade"] in ("excellent", "good")


def test_a_major_incident_rules_out_excellent(card, planted):
    roles, key = planted
    chief = roles["assess_major_incident"]
    row = _grade(card, chief)
    assert row["total"] >= 90  # excellent on the numbers ...
    assert row["grade"] == "good"  # ... but 一票否决
    assert row["capped_by"] in key.loc["assess_major_incident", "detail"]


def test_rates_stay_within_0_and_1_and_nothing_measured_is_no_value(card):
    ind = card.indicators
    rates = ind[ind["indicator"].isin(RATES) & ind["raw"].notna()]
    assert rates["raw"].between(0, 1).all()
    empty = ind[ind["raw"].isna()]
    assert len(empty) and empty["status"].notna().all() and (empty["weight"] == 0).all()
    assert (ind.loc[ind["raw"].notna(), "status"].isna()).all()
    # a total is the weighted mean of the indicators measured, by hand for one chief
    chief = empty["chief_id"].iloc[0]
    mine = ind[(ind["chief_id"] == chief) & ind["raw"].notna()]
    by_hand = (mine["score"] * mine["weight"]).sum() / mine["weight"].sum()
    assert _grade(card, chief)["total"] == pytest.approx(by_hand, abs=0.05)


def test_a_countys_own_weights_change_the_totals(store, demo_quarter, planted, tmp_path):
    from gis import rules

    roles, _ = planted
    table = rules.load("assessment_indicators")
    table.loc[table["indicator"] == "water_quality", "weight_village"] = 40
    path = tmp_path / "ours.csv"
    table.to_csv(path, index=False)
    card = assess_chiefs(
        store,
        start=START,
        end=END,
        patrol_report=demo_quarter[0],
        rule_overrides={"assessment_indicators": path},
    )
    chief = roles["assess_polluted_river"]
    mine = card.indicators[card.indicators["chief_id"] == chief]
    assert mine.set_index("indicator").loc["water_quality", "weight"] == 40
    by_hand = (mine["score"] * mine["weight"]).sum() / mine["weight"].sum()
    total = _grade(card, chief)["total"]
    assert total == pytest.approx(by_hand, abs=0.05) and total < 80  # water now weighs
    assert card.rules["assessment_indicators"] == f"override:{path}"


def test_assess_json_is_strict_and_the_same_as_the_library(store, card, planted, capsys):
    from gis.demo import patrols as demo_patrols

    roles, _ = planted
    args = ["assess", "--data", str(store.path), "--from", "2026-07-01", "--to", "2026-09-30"]
    assert main([*args, "--tracks", str(demo_patrols.ensure()), "--json"]) == 0
    out = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(c))
    got = {c["chief_id"]: c for c in out["chiefs"]}
    assert len(got) == len(card.chiefs)
    for chief in roles.values():
        assert got[chief]["grade"] == _grade(card, chief)["grade"]
        assert got[chief]["score"] == pytest.approx(_grade(card, chief)["total"])
    major = got[roles["assess_major_incident"]]
    assert major["vetoes"] == [_grade(card, roles["assess_major_incident"])["capped_by"]]
    assert set(major["indicators"]["patrol_rate"]) == {
        "value",
        "score",
        "weight",
        "numerator",
        "evidence_count",
        "status",
        "value_measured",
        "score_measured",
        "appeal_id",
        "decision",
    }
    assert set(major["workload"]) == {*COMPONENTS, "index"}
    assert out["fairness"] == card.to_json()["fairness"]
    in_towns = card.chiefs["township_code"].notna().sum()
    assert sum(t["chiefs"] for t in out["by_township"]) == in_towns


def test_the_scores_are_fair_to_workload_on_the_demo(card):
    """Issue 17 item 3: |r| of the total with the workload index and with km < 0.2 at every
    level, while the unnormalised totals of the township chiefs are not (r beyond -0.4)."""
    fair = card.fairness.set_index("level")
    assert set(fair.index) == {"county", "township", "village"}
    assert fair[["r_index", "r_km"]].abs().max().max() < 0.2 and fair["fair"].all()
    assert fair.loc["township", "r_index_plain"] < -0.4
    # r recomputed here by plain numpy from the chiefs and workload tables
    d = card.chiefs.set_index("chief_id").join(card.workload)
    v = d[(d["level"] == "village") & (d["km"] > 0) & d["total"].notna()]
    r = np.corrcoef(v["total"], v["index"])[0, 1]
    assert fair.loc["village", "r_index"] == pytest.approx(r, abs=0.001)
    assert fair.loc["village", "no_river"] == ((d["level"] == "village") & (d["km"] == 0)).sum()


def test_the_bulletin_is_in_chinese(card, tmp_path):
    from gis.assessment.bulletin import bulletin
    from gis.io.findings import write_findings

    sheets = bulletin(card)
    assert list(sheets)[:2] == ["河长考核结果", "指标明细"]
    chiefs = sheets["河长考核结果"]
    assert set(chiefs["等级"].dropna()) <= {"优秀", "良好", "合格", "不合格", "—"}
    assert set(chiefs["级别"]) == {"县级", "镇乡级", "村级"}
    ascii_heads = [c for s in sheets.values() for c in s.columns if str(c).isascii()]
    assert not ascii_heads
    (f,) = write_findings(sheets, tmp_path / "tb.xlsx")
    assert pd.read_excel(f, sheet_name="公平性")["相关系数在±0.2以内"].all()


def test_the_page_is_for_staff_and_shows_the_librarys_grades(card, demo_copy, monkeypatch):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    import ui.common
    from gis import auth
    from gis.auth import hash_password

    root = Path(__file__).resolve().parents[1]
    import ui.patrol_views
    from gis.demo import patrols as demo_patrols

    app_data(monkeypatch, demo_copy)  # a login writes the audit log
    # the copy is not the shipped demo: hand it the demo's simulated quarter explicitly
    quarter = demo_patrols.ensure()
    monkeypatch.setattr(ui.patrol_views, "quarter_for", lambda store, progress=None: quarter)
    auth.LIMITER.clear()
    at = AppTest.from_file(str(root / "app.py"), default_timeout=300)
    at.secrets["staff_password_hash"] = hash_password("s3cret")
    at.switch_page("app_pages/assess.py").run()
    assert not at.exception and not at.dataframe  # a visitor sees no grades
    assert at.info[0].value == "履职考核结果仅工作人员登录后可见。"
    at.sidebar.text_input[0].input("s3cret")
    at.sidebar.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    village = card.chiefs[card.chiefs["level"] == "village"]
    shown = {m.label: m.value for m in at.metric}
    for grade, word in (
        ("excellent", "优秀"),
        ("good", "良好"),
        ("pass", "合格"),
        ("fail", "不合格"),
    ):
        assert shown[word] == str(int((village["grade"] == grade).sum()))
    fair = at.dataframe[0].value
    assert list(fair.columns[:2]) == ["级别", "河长人数"] and fair.iloc[:, -1].all()
    assert at.get("download_button")[0].proto.label == "下载考核通报(Excel)"
    lowest = at.dataframe[1].value
    assert list(lowest.columns) == ["河长编号", "名称", "总分", "等级", "一票否决事件"]
    assert lowest["总分"].iloc[0] == village["total"].min()


def test_the_demo_appeals_show_both_values(card, planted, store):
    """Issue 17 item 4: the upheld appeal sets the patrol rate and both totals show; the
    fake patroller's rejected appeal changes nothing."""
    _, key = planted
    appeals = store.read("appeals").set_index("appeal_id")
    upheld = appeals.loc[key.loc["appeal_upheld", "ref_id"]]
    v = _value(card, upheld["chief_id"], "patrol_rate")
    assert v["raw"] == upheld["value_after"] == 1.0 and v["raw_measured"] < 1
    assert v["appeal_id"] == upheld.name and v["decision"] == "upheld"
    row = _grade(card, upheld["chief_id"])
    assert row["total"] > row["total_measured"]
    rejected = appeals.loc[key.loc["appeal_rejected", "ref_id"]]
    faker = _grade(card, rejected["chief_id"])
    assert faker["grade"] == faker["grade_measured"] == "fail"
    listed = card.evidence["appeals"].set_index("appeal_id")
    assert listed["problem"].isna().all() and len(listed) == 2


def test_the_readmes_fairness_table_is_the_demos(card):
    """The figures in the README are the ones the library computes on the demo quarter."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    fair = card.fairness.set_index("level")
    cols = ["chiefs", "r_index", "r_km", "r_index_plain", "r_km_plain"]
    for level in fair.index:
        row = next(ln for ln in text.splitlines() if ln.startswith(f"| {level} |"))
        got = [float(c.replace(",", "").replace("−", "-")) for c in row.split("|")[2:-1]]
        assert got == pytest.approx([float(fair.loc[level, c]) for c in cols], abs=0.0005)
