"""Every indicator definition of the scorecard on a hand-made county whose answers are
counted here by hand: one river of two reaches (the second a boundary reach), a county
chief, two township chiefs, three village chiefs and one village chief with nothing
assigned. Edge cases: backlog cleared in the period, zero patrols required, a chief with no
reaches, a veto, a boundary section, a base year, appeals. Then properties: scores stay in
0-100 and never fall when an indicator improves."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from gis import rules
from gis.assessment.inputs import Inputs
from gis.assessment.scorecard import GRADES, load_rules, score

START, END = dt.date(2026, 7, 1), dt.date(2026, 9, 30)
UTC = "UTC"
CHIEFS = pd.DataFrame(
    {
        "chief_id": ["C0", "T1", "T2", "V1", "V2", "V3", "X"],
        "name": ["县长", "镇一", "镇二", "村一", "村二", "村三", "村外"],
        "phone": ["1", "2", "3", "4", "5", "6", "7"],
        "level": ["county", "township", "township", "village", "village", "village", "village"],
        "admin_code": [
            "512099",
            "512099101",
            "512099102",
            "512099101201",
            "512099101202",
            "512099102201",
            "512099102202",
        ],
        "township_code": [
            None,
            "512099101",
            "512099102",
            "512099101",
            "512099101",
            "512099102",
            "512099102",
        ],
        "required": [1, 3, 3, 13, 13, 13, 13],
    }
)
#: reach 0: 0-1000 m of R1 in township 101; reach 1: 1000-3000 m, the 101/102 boundary
REACHES = pd.DataFrame(
    {"river_code": ["R1", "R1"], "from_m": [0.0, 1000.0], "shared_admin_code": [None, "512099101"]}
)
ASSIGNED = pd.DataFrame(
    {
        "chief_id": ["C0", "C0", "T1", "T2", "V1", "V2", "V3"],
        "reach": [0, 1, 0, 1, 0, 0, 1],
        "lo": [0.0, 0.0, 0.0, 0.0, 0.0, 600.0, 0.0],
        "hi": [1000.0, 2000.0, 1000.0, 2000.0, 600.0, 1000.0, 2000.0],
    }
)


def _week(i: int) -> pd.Timestamp:
    return pd.Timestamp("2026-07-01 02:00", tz=UTC) + pd.Timedelta(days=7 * i)


def patrols_of(
    chief: str, times: list[pd.Timestamp], *, reach: int, lo: float, hi: float, valid: bool = True
) -> list[dict]:
    return [
        {
            "chief_id": chief,
            "start": t,
            "valid": valid,
            "distance_m": 2000.0,
            "flags": "" if valid else "vehicle_speed",
            "reach": reach,
            "lo": lo,
            "hi": hi,
        }
        for t in times
    ]


def world(rows: list[dict], **layers) -> Inputs:
    p = pd.DataFrame(rows)
    p["row"] = np.arange(len(p))
    p["patrol_id"] = [f"P{i}" for i in range(len(p))]
    ch = CHIEFS.copy()
    ch["valid"] = ch["chief_id"].map(p[p["valid"]].groupby("chief_id").size()).fillna(0)
    return Inputs(
        start=START,
        end=END,
        chiefs=ch,
        patrols=p[["row", "chief_id", "patrol_id", "start", "valid", "distance_m", "flags"]],
        visits=p[["row", "reach", "lo", "hi"]],
        assigned=ASSIGNED,
        reaches=REACHES,
        frequency=rules.load("patrol_frequency"),
        admin_names={"512099101": "一镇", "512099102": "二镇"},
        **layers,
    )


def base_patrols() -> list[dict]:
    """C0 once; T1 and T2 monthly; V1 weekly over his stretch; V2 13 times in one week
    (rate full, frequency 1/13); V3 weekly, 3 of them flagged; X never."""
    return [
        *patrols_of("C0", [_week(5)], reach=1, lo=0, hi=1000),
        *patrols_of("T1", [_week(0), _week(5), _week(9)], reach=0, lo=0, hi=1000),
        *patrols_of("T2", [_week(1), _week(6), _week(10)], reach=1, lo=500, hi=1500),
        *patrols_of("V1", [_week(i) for i in range(13)], reach=0, lo=0, hi=600),
        *patrols_of(
            "V2", [_week(12) + pd.Timedelta(hours=h) for h in range(13)], reach=0, lo=600, hi=800
        ),
        *patrols_of("V3", [_week(i) for i in range(10)], reach=1, lo=0, hi=2000),
        *patrols_of("V3", [_week(i) for i in range(10, 13)], reach=1, lo=0, hi=2000, valid=False),
    ]


def value(card, chief: str, indicator: str) -> pd.Series:
    ind = card.indicators
    return ind[(ind["chief_id"] == chief) & (ind["indicator"] == indicator)].iloc[0]


@pytest.fixture(scope="module")
def card():
    return score(world(base_patrols()))


def test_patrol_rate_and_frequency(card):
    assert value(card, "V1", "patrol_rate")["raw"] == 1.0
    assert value(card, "V2", "patrol_rate")["raw"] == 1.0  # 13 patrols, all in the last week
    assert value(card, "V2", "patrol_frequency")["raw"] == pytest.approx(1 / 13)
    assert value(card, "V1", "patrol_frequency")["raw"] == 1.0
    assert value(card, "V3", "patrol_rate")["raw"] == pytest.approx(10 / 13)
    # a township owes a patrol a month: July, August, September
    t2 = value(card, "T2", "patrol_frequency")
    assert (t2["numerator"], t2["denominator"]) == (3, 3)
    x = value(card, "X", "patrol_rate")
    assert x["raw"] == 0 and x["denominator"] == 13


def test_zero_patrols_required_is_no_value_not_a_score():
    inp = world(base_patrols())
    inp.chiefs.loc[inp.chiefs["chief_id"] == "V1", "required"] = 0
    v = value(score(inp), "V1", "patrol_rate")
    assert pd.isna(v["raw"]) and v["status"] == "none_required" and v["weight"] == 0


def test_anomaly_rate_counts_flagged_patrols_of_the_period(card):
    v = value(card, "V3", "anomaly_rate")
    assert (v["numerator"], v["denominator"]) == (3, 13)
    assert v["score"] == pytest.approx(100 * (0.5 - 3 / 13) / (0.5 - 0.02), abs=0.05)


def test_coverage_is_the_union_of_the_spans_and_capped_by_what_patrols_can_walk(card):
    # V2 walked 600-800 of his 600-1000: 200 of 400 m
    assert value(card, "V2", "track_coverage")["raw"] == pytest.approx(0.5)
    # T2 holds 2,000 m; three patrols of 1 km each could cover all of it: asked 2,000
    t2 = value(card, "T2", "track_coverage")
    assert (t2["numerator"], t2["denominator"]) == (1000, 2000)
    # the county chief owes one patrol: asked 1 km of his 3 km, and walked 1 km of it
    c0 = value(card, "C0", "track_coverage")
    assert (c0["numerator"], c0["denominator"]) == (1000, 1000) and c0["raw"] == 1


def test_a_chief_with_no_reaches_gets_no_coverage_value(card):
    x = value(card, "X", "track_coverage")
    assert pd.isna(x["raw"]) and x["status"] == "no_assignment" and x["weight"] == 0


def events(rows: list[tuple]) -> pd.DataFrame:
    cols = [
        "event_id",
        "chief_id",
        "reporter",
        "source",
        "severity",
        "reported_at",
        "deadline",
        "resolved_at",
        "event_type",
        "status",
    ]
    ev = pd.DataFrame(rows, columns=cols[:8])
    for c in ("reported_at", "deadline", "resolved_at"):
        ev[c] = pd.to_datetime(ev[c])
    ev["event_type"], ev["status"] = "garbage", "archived"
    return ev


EVENTS = events(
    [
        # V1: found two on his patrols; one due in the period resolved late, one on time
        ("E1", "V1", "V1", "patrol", "minor", "2026-07-10", "2026-07-20", "2026-07-25"),
        ("E2", "V1", "V1", "patrol", "minor", "2026-08-10", "2026-08-20", "2026-08-15"),
        # backlog: due in June, cleared in July — not counted in the quarter's rate
        ("E3", "V1", None, "public", "minor", "2026-06-01", "2026-06-15", "2026-07-05"),
        # due in October: not yet due
        ("E4", "V1", None, "public", "minor", "2026-09-25", "2026-10-05", None),
        # a major incident on T2's watch
        ("E5", "T2", None, "inspection", "major", "2026-08-01", "2026-08-05", "2026-08-04"),
    ]
)


def test_reports_per_10km_and_on_time_counted_by_deadline():
    card = score(world(base_patrols(), events=EVENTS))
    r = value(card, "V1", "reports_per_10km")
    assert (r["numerator"], r["denominator"]) == (2, 13 * 2000 / 10_000)
    o = value(card, "V1", "on_time_rate")
    assert (o["numerator"], o["denominator"], o["raw"]) == (1, 2, 0.5)  # never over 100 %
    assert value(card, "V2", "on_time_rate")["status"] == "none_due"


def test_a_major_incident_caps_the_grade_before_and_after_appeals():
    card = score(world(base_patrols(), events=EVENTS))
    t2 = card.chiefs.set_index("chief_id").loc["T2"]
    assert t2["capped_by"] == "E5"
    assert GRADES.index(t2["grade"]) >= GRADES.index("good")
    assert GRADES.index(t2["grade_measured"]) >= GRADES.index("good")


def test_lower_chiefs_compliance_pools_their_patrols(card):
    # T1's villages: V1 13/13, V2 13/13; T2's: V3 10/13; C0's townships: T1 3/3, T2 3/3
    assert value(card, "T1", "lower_compliance")["raw"] == 1
    assert value(card, "T2", "lower_compliance")["raw"] == pytest.approx(10 / 13)
    assert value(card, "C0", "lower_compliance")["raw"] == 1
    assert set(card.evidence["lower_chiefs"].itertuples(index=False, name=None)) == {
        ("C0", "T1"),
        ("C0", "T2"),
        ("T1", "V1"),
        ("T1", "V2"),
        ("T2", "V3"),
    }
    assert "lower_compliance" not in set(
        card.indicators.loc[card.indicators["chief_id"] == "V1", "indicator"]
    )  # not in a village chief's mix


SECTIONS = pd.DataFrame(
    {
        "section_id": ["S1", "S2"],
        "river_code": ["R1", "R1"],
        "chainage_m": [300.0, 1000.0],  # S2 at the boundary between the two townships
        "target_class": ["III", "III"],
        "base_class": ["IV", None],
        "upstream_admin": [None, "512099101"],
        "downstream_admin": [None, "512099102"],
    }
)
MONTHS = pd.DataFrame(
    {
        "section_id": ["S1", "S1", "S1", "S2", "S2", "S2", "S1"],
        "month": ["2026-07-01", "2026-08-01", "2026-09-01"] * 2 + ["2026-10-01"],
        "water_class": ["III", "IV", "II", "V", "III", "III", "V"],
    }
)


def test_water_quality_with_a_boundary_section_and_the_base_year():
    card = score(world(base_patrols(), sections=SECTIONS, measurements=MONTHS))
    # T1 (upstream of S2) counts S1 whole and S2 at 0.7; October is outside the quarter
    t1 = value(card, "T1", "water_quality")
    assert t1["numerator"] == pytest.approx(2 + 0.7 * 2)
    assert t1["denominator"] == pytest.approx(3 + 0.7 * 3)
    # T2 (downstream) holds only S2, at 0.3: 2 of its 3 months meet III
    t2 = value(card, "T2", "water_quality")
    assert t2["raw"] == pytest.approx(2 / 3) and t2["denominator"] == pytest.approx(0.9)
    # the county chief holds both sides: S2 whole
    assert value(card, "C0", "water_quality")["denominator"] == 6
    # S1 against its base year IV: III (+1), IV (0), II (+2): 1 class gained on average
    assert value(card, "T1", "water_trend")["raw"] == pytest.approx(1.0)
    assert value(card, "T2", "water_trend")["status"] == "no_base_year"


def test_signboards_show_the_current_chief():
    boards = pd.DataFrame(
        {
            "board_id": ["B1", "B2", "B3"],
            "placed_by": ["township", "township", "county"],
            "river_code": ["R1"] * 3,
            "reservoir_code": [None] * 3,
            "admin_code": ["512099101", "512099101", "512099101"],
            "chief_name": ["镇一", "旧镇长", "县长"],
            "chief_phone": ["2", "9", "1"],
        }
    )
    card = score(world(base_patrols(), signboards=boards))
    t1 = value(card, "T1", "signboards_current")
    assert (t1["numerator"], t1["denominator"]) == (1, 2)
    assert value(card, "C0", "signboards_current")["raw"] == 1
    assert value(card, "T2", "signboards_current")["status"] == "no_boards"


def test_plan_tasks_due_in_the_period_done_on_time():
    items = pd.DataFrame(
        {
            "item_id": ["Y1", "Y2", "Y3", "Y4"],
            "river_code": ["R1"] * 4,
            "admin_code": [None, "512099101", "512099101", "512099102"],
            "deadline": ["2026-08-01", "2026-08-01", "2026-12-01", "2026-09-01"],
            "completed_on": ["2026-07-20", "2026-08-10", None, "2026-08-30"],
        }
    )
    card = score(world(base_patrols(), plan_items=items))
    c0 = value(card, "C0", "plan_done")  # the river's items: Y1, Y2 and Y4 are due
    assert (c0["numerator"], c0["denominator"]) == (2, 3)
    t1 = value(card, "T1", "plan_done")  # his township's: Y2 (late); Y3 not due yet
    assert (t1["numerator"], t1["denominator"]) == (0, 1)
    assert value(card, "T2", "plan_done")["raw"] == 1


def test_an_upheld_appeal_sets_the_value_and_both_show():
    appeals = pd.DataFrame(
        {
            "appeal_id": ["A1", "A2", "A3", "A4"],
            "chief_id": ["V3", "V2", "V3", "V1"],
            "indicator": ["patrol_rate", "patrol_frequency", "anomaly_rate", "patrol_rate"],
            "period_start": ["2026-07-01", "2026-07-01", "2026-07-01", "2026-04-01"],
            "period_end": ["2026-09-30", "2026-09-30", "2026-09-30", "2026-06-30"],
            "decision": ["upheld", "rejected", "partial", "upheld"],
            "value_after": [1.0, None, None, 1.0],
            "reason": ["防汛封路", "出差", "信号差", "上季度"],
        }
    )
    before = score(world(base_patrols()))
    card = score(world(base_patrols(), appeals=appeals))
    v = value(card, "V3", "patrol_rate")
    assert v["raw"] == 1.0 and v["raw_measured"] == pytest.approx(10 / 13)
    assert v["appeal_id"] == "A1" and v["score"] == 100 and v["score_measured"] < 100
    row = card.chiefs.set_index("chief_id").loc["V3"]
    assert row["total"] > row["total_measured"]
    assert row["total_measured"] == before.chiefs.set_index("chief_id").loc["V3", "total"]
    assert value(card, "V2", "patrol_frequency")["raw"] == pytest.approx(1 / 13)  # rejected
    listed = card.evidence["appeals"].set_index("appeal_id")["problem"]
    assert listed.fillna("").to_dict() == {"A1": "", "A2": "", "A3": "no_value_after"}  # A4: Q2


def test_workload_and_the_township_table(card):
    w = card.workload
    assert w.loc["C0", "km"] == 3 and w.loc["C0", "lower_chiefs"] == 2
    assert w.loc["T2", "boundary_reaches"] == 1 and w.loc["V1", "boundary_reaches"] == 0
    assert w.loc["V2", "span_km"] == pytest.approx(0.4) and w.loc["X", "km"] == 0
    t = card.by_township.set_index("township_code")
    assert t.loc["512099102", "chiefs"] == 3 and t.loc["512099102", "township"] == "二镇"
    assert t[list(GRADES)].sum(axis=1).add(t["ungraded"]).eq(t["chiefs"]).all()


def test_scores_stay_in_range_and_never_fall_when_an_indicator_improves():
    from gis.assessment.scorecard import _long, _scored, _weighted

    table = load_rules()["assessment_indicators"]
    rng = np.random.default_rng(17)
    names = list(table["indicator"])
    ids = pd.Index([f"c{i}" for i in range(200)])
    chiefs = pd.DataFrame(
        {"chief_id": ids, "level": rng.choice(["county", "township", "village"], len(ids))}
    )

    def totals(raw: dict[str, np.ndarray]) -> pd.Series:
        values = {
            n: pd.DataFrame(
                {"numerator": 1.0, "denominator": 1.0, "raw": raw[n], "status": None}, index=ids
            )
            for n in names
        }
        long = _scored(_long(chiefs, table, values), table, "raw", "score", "weight")
        assert long["score"].between(0, 100).all()
        return _weighted(long, "score", "weight")

    for _ in range(20):
        raw = {n: rng.uniform(-2, 3, len(ids)) for n in names}
        base = totals(raw)
        assert base.between(0, 100).all()
        for spec in table.itertuples():
            better = dict(raw)
            step = rng.uniform(0, 1, len(ids))
            better[spec.indicator] = raw[spec.indicator] + (
                step if spec.direction == "up" else -step
            )
            assert (totals(better) >= base - 0.051).all(), spec.indicator
