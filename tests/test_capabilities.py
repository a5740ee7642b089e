"""One shape for capabilities: a verb per analysis exported from ``gis``, every report with
``tables()`` and strict ``to_json()``, one ``rule_overrides`` parameter, each constant and
label stated once (docs/ARCHITECTURE.md, "Capabilities: one shape")."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import gis
from gis import rules
from gis.reports import Report, records, strict
from gis.store import GeoPackageStore

ROOT = Path(__file__).resolve().parents[1]

#: verb -> (module, old names in that module that must stay the same function)
VERBS = {
    "summarize": ("gis.inventory", ()),
    "find_gaps": ("gis.coverage", ("analyse",)),
    "find_jurisdiction": ("gis.jurisdiction", ("jurisdiction_of",)),
    "check_quarries": ("gis.quarries", ()),
    "delineate_zones": ("gis.zones.delineate", ("delineate",)),
    "assess_patrols": ("gis.patrols", ()),
    "search_features": ("gis.search", ()),
}


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_each_verb_is_exported_from_gis_and_keeps_its_old_names(verb):
    import importlib

    module, old = VERBS[verb]
    fn = getattr(gis, verb)
    assert verb in gis.__all__ and verb in dir(gis)
    assert fn is getattr(importlib.import_module(module), verb)
    for name in old:
        assert getattr(importlib.import_module(module), name) is fn
    assert fn.__doc__ and "Examples" in fn.__doc__


def test_unknown_names_still_raise_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'find_gap'"):
        gis.find_gap  # noqa: B018


def test_import_gis_loads_no_analysis_and_no_geopandas():
    code = (
        "import sys, gis; "
        "print(sorted(m for m in sys.modules if m in ('geopandas', 'pandas', 'shapely') "
        "or m.startswith(('gis.coverage', 'gis.patrols', 'gis.zones', 'gis.store'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


def _check_report(report) -> dict:
    assert isinstance(report, Report)
    tables = report.tables()
    assert tables and all(isinstance(k, str) for k in tables)
    assert all(isinstance(t, pd.DataFrame) for t in tables.values())
    out = report.to_json()
    json.dumps(out, allow_nan=False, ensure_ascii=False)  # strict JSON: no NaN, no numpy
    return out


@pytest.fixture(scope="module")
def demo(demo_path):
    return GeoPackageStore(demo_path)


def test_summary_is_a_report_and_still_the_same_dict(demo):
    s = gis.summarize(demo)
    out = _check_report(s)
    assert out == dict(s) and list(s)[0] == "rivers"
    table = s.tables()["summary"]
    assert table["key"].tolist() == list(s)
    assert table.loc[table["key"] == "rivers", "label_zh"].item() == "登记河流(条)"
    assert table.loc[table["key"] == "rivers", "value"].item() == s["rivers"]


def test_gaps_jurisdiction_quarries_zones_and_search_are_reports(demo):
    gaps = _check_report(gis.find_gaps(demo, level="township"))
    assert set(gaps) >= {"unassigned", "holes", "by_township"}
    j = gis.find_jurisdiction(demo)
    out = _check_report(j)
    assert len(out["reaches"]) == len(j.reaches) and "geometry" not in out["reaches"][0]
    assert {r["level"] for r in out["links"]} == {"county", "township", "village"}
    q = gis.check_quarries(demo)
    assert _check_report(q)["rule_set"] == "default:sand_mining_distances"
    assert set(q.tables()) == {"quarries", "violations"}
    d = gis.delineate_zones(demo, sources=["512099S001"])
    assert _check_report(d)["proposals"][0]["source_code"] == "512099S001"
    assert set(d.tables()) == {"zones", "problems", "stops"}
    hits = gis.search_features(demo, "512099R001")
    out = _check_report(hits)
    assert out["hits"][0] == {
        "kind": "river",
        "code": "512099R001",
        "name": hits.hits["name"].iloc[0],
        "detail": hits.hits["detail"].iloc[0],
    }


def test_patrol_report_is_a_report_and_carries_its_assessment(demo_quarter):
    report, a, _key = demo_quarter
    assert report.assessment is a  # patrols.analyse is the pair view of assess_patrols
    out = _check_report(report)
    assert out["period"] == {"from": "2026-07-01", "to": "2026-09-30"}
    assert set(report.tables()) == {"chiefs", "reaches", "suspicious", "by_township", "weekly"}


def test_to_json_turns_nan_into_none():
    # a quarry violation without a distance and a zone whose notes are missing
    assert strict({"d": float("nan"), "x": [float("inf"), pd.NaT]}) == {
        "d": None,
        "x": [None, None],
    }
    rows = records(pd.DataFrame({"m": [1.26, float("nan")], "s": ["a", None]}), digits=1)
    assert rows == [{"m": 1.3, "s": "a"}, {"m": None, "s": None}]


# -- rule_overrides: one table per capability changes the result as the table says ----------


def test_zone_override_of_the_river_distances_lengthens_level1(demo, tmp_path):
    table = rules.load("river_zone_distances")
    table.loc[table["level"] == "level1", "upstream_m"] *= 2
    path = tmp_path / "county_zones.csv"
    table.to_csv(path, index=False)
    base = gis.delineate_zones(demo, sources=["512099S001"])
    wide = gis.delineate_zones(
        demo, sources=["512099S001"], rule_overrides={"river_zone_distances": path}
    )
    area = {
        name: d.zones.set_index("level")["area_m2"] for name, d in (("base", base), ("wide", wide))
    }
    assert area["wide"]["level1"] > 1.2 * area["base"]["level1"]
    assert wide.rule_sets["river_zone_distances"] == f"override:{path}"
    assert base.rule_sets["river_zone_distances"] == "default:river_zone_distances"


def test_patrol_override_of_the_frequency_asks_for_more_patrols(demo_quarter, demo, tmp_path):
    from gis.patrols import compliance, network_from_store

    report, a, _key = demo_quarter
    table = rules.load("patrol_frequency")
    table["min_patrols"] = table["min_patrols"] * 5
    path = tmp_path / "county_frequency.csv"
    table.to_csv(path, index=False)
    net = network_from_store(demo)
    period = {"start": dt.date(2026, 7, 1), "end": dt.date(2026, 9, 30)}
    strict_report = compliance(a, net, **period, rule_overrides={"patrol_frequency": path})
    assert (strict_report.chiefs["required"] == 5 * report.chiefs["required"]).all()
    assert strict_report.chiefs["compliant"].sum() < report.chiefs["compliant"].sum()
    with pytest.warns(
        DeprecationWarning, match=r"use compliance\(rule_overrides=\{'patrol_frequency'"
    ):
        old = compliance(a, net, **period, frequency_override=path)
    assert old.chiefs["required"].tolist() == strict_report.chiefs["required"].tolist()


def test_patrol_override_of_the_checks_changes_the_flags(tmp_path):
    import numpy as np
    import pyproj

    from gis.patrols import assess, clean

    # one hour's walk at 1.5 m/s: a patrol by the shipped thresholds (vehicle above 3.5 m/s)
    n = 600
    lon, lat = pyproj.Transformer.from_crs(4544, 4490, always_xy=True).transform(
        np.full(n, 500000.0), 3400000.0 + 9.0 * np.arange(n)
    )
    t0 = pd.Timestamp("2026-07-06T09:00:00+08:00")
    raw = pd.DataFrame(
        {
            "file": "walk.csv",
            "track": 1,
            "segment": 1,
            "track_name": None,
            "chief": "C1",
            "patrol_ref": None,
            "point": np.arange(2, n + 2),
            "time_text": [(t0 + pd.Timedelta(seconds=6 * i)).isoformat() for i in range(n)],
            "lon": lon,
            "lat": lat,
        }
    )
    cleaned = clean(raw)
    table = rules.load("patrol_checks")
    table.loc[table["check"] == "vehicle_speed", "value"] = 1.0  # a county of slow walkers
    path = tmp_path / "county_checks.csv"
    table.to_csv(path, index=False)
    base = assess(cleaned, None)
    slow = assess(cleaned, None, rule_overrides={"patrol_checks": path})
    assert "vehicle_speed" not in base.patrols["flags"].iloc[0]
    assert "vehicle_speed" in slow.patrols["flags"].iloc[0]
    assert slow.checks["vehicle_speed"] == 1.0
    with pytest.warns(DeprecationWarning, match=r"assess\(rule_overrides=\{'patrol_checks'"):
        old = assess(cleaned, None, checks_override=path)
    assert old.patrols["flags"].iloc[0] == slow.patrols["flags"].iloc[0]


def test_the_old_override_parameters_warn_and_name_the_call(tmp_path):
    from gis import _deprecation

    with pytest.warns(DeprecationWarning) as caught:
        out = _deprecation.fold_override(
            None, func="assess", old="checks_override", table="patrol_checks", value="c.csv"
        )
    assert out == {"patrol_checks": "c.csv"}
    assert str(caught[0].message) == (
        "assess(checks_override=...) is deprecated and will be removed; "
        "use assess(rule_overrides={'patrol_checks': 'c.csv'}) instead"
    )
    with pytest.raises(TypeError, match="both"):
        _deprecation.fold_override(
            {"patrol_checks": "a.csv"},
            func="assess",
            old="checks_override",
            table="patrol_checks",
            value="b.csv",
        )


def test_coverage_rules_keyword_is_now_tolerances(demo):
    from gis.coverage import CoverageRules

    tight = CoverageRules(hole_min_m=1e9)  # no hole is long enough to report
    with pytest.warns(DeprecationWarning, match=r"find_gaps\(tolerances=\.\.\.\)"):
        old = gis.find_gaps(demo, level="township", rules=tight)
    new = gis.find_gaps(demo, level="township", tolerances=tight)
    assert old.to_json() == new.to_json()
    assert new.holes.empty


# -- each constant and label stated once ----------------------------------------------------


def _sources() -> list[Path]:
    files = [*(ROOT / "gis").rglob("*.py"), ROOT / "app.py"]
    files += [*(ROOT / "app_pages").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]
    return [f for f in files if f.exists()]


@pytest.mark.parametrize("name", ["LEVELS", "CHIEF_LEVELS", "QUAD_SEGS", "RAW_COLUMNS"])
def test_each_constant_is_stated_once(name):
    pattern = re.compile(rf"^\s*{name}\s*(:[^=]+)?=", re.M)
    hits = [
        f"{f.relative_to(ROOT)}"
        for f in _sources()
        for _ in pattern.finditer(f.read_text(encoding="utf-8"))
    ]
    assert len(hits) == 1, f"{name} is stated in {hits}"


def test_the_chief_levels_are_never_typed_as_a_literal():
    literal = re.compile(
        r"""\(\s*(["']province["'],\s*["']city["'],\s*)?"""
        r"""["']county["'],\s*["']township["'],\s*["']village["']\s*\)"""
    )
    hits = [
        str(f.relative_to(ROOT))
        for f in _sources()
        if literal.search(f.read_text(encoding="utf-8"))
    ]
    assert not hits, f"use gis.catalogue.CHIEF_LEVELS instead of the literal in {hits}"


def test_one_label_table():
    from gis import coverage, i18n, inventory, jurisdiction
    from gis.catalogue import CHIEF_LEVELS, LEVELS

    assert coverage.LEVELS is CHIEF_LEVELS is jurisdiction.LEVELS
    assert CHIEF_LEVELS == ("province", "city", "county", "township", "village") == tuple(LEVELS)
    assert i18n.t("level_city") == LEVELS["city"][0] == "市级"
    assert inventory.SUMMARY_KEYS is i18n.SUMMARY_LABELS
    for key, pair in inventory.SUMMARY_KEYS.items():
        assert i18n.t(f"summary.{key}") == pair[0] and i18n.t(f"summary.{key}", "en") == pair[1]
    assert i18n.t("level_township") == LEVELS["township"][0] == "镇乡级"
    assert i18n.label(LEVELS["village"], "en") == "village"
    # no (中文, English) pair is typed twice in the one table
    source = (ROOT / "gis" / "i18n.py").read_text(encoding="utf-8")
    typed = re.findall(r'^\s*"[\w.]+": \(\s*"([^"]+)",\s*"([^"]+)"', source, re.M)
    dupes = {p for p in typed if typed.count(p) > 1}
    assert typed and not dupes, dupes
    # and a summary label lives in i18n alone
    for zh, _en in inventory.SUMMARY_KEYS.values():
        files = [f for f in _sources() if f'"{zh}"' in f.read_text(encoding="utf-8")]
        assert [f.name for f in files] == ["i18n.py"], (zh, files)


def test_import_reports_have_the_same_shape():
    from gis.io.importer import ImportReport, report_json
    from gis.io.validate import Problem
    from gis.patrols.io import ImportResult

    r = ImportReport("a.csv", "rivers", read=2, accepted=1)
    r.rejected.append(Problem(3, "length_km", "'x' is not a number", "write a number"))
    out = _check_report(r)
    assert out["rejected"] == [
        {
            "row": 3,
            "field": "length_km",
            "reason": "'x' is not a number",
            "fix": "write a number",
            "action": "rejected",
        }
    ]
    assert r.to_dict() == out  # the old name
    assert report_json(r) == r.json_text() and json.loads(r.json_text()) == out
    assert r.tables()["rejected"]["row"].tolist() == [3]
    assert r.tables()["summary"]["accepted"].tolist() == [1]
    res = ImportResult(None, file_errors=[{"file": "t.gpx", "reason": "empty", "fix": "re-export"}])
    assert _check_report(res)["file_errors"][0]["file"] == "t.gpx"
    assert res.tables()["file_errors"]["reason"].tolist() == ["empty"]
