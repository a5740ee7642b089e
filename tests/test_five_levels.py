"""Five levels (issue 14, item 4): 省级/市级/县级/镇乡级/村级 chiefs, a county that sees the
province and city chiefs of the rivers that cross it, and every level checked against the
shape of its admin code. 市级 is decided by the unit's code, never guessed.

The hand store is a county-level city (建德市-like, code 330182, so its province is 330000
and its city 330100) of 0.1° × 0.1°, two townships split at 119.05° E, one village each:
a province-managed river crosses the whole county, a city-managed one and a county-managed
one lie inside it. Lengths are checked against geodesic lengths (pyproj.Geod), not against
the code under test.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from app_data import app_data
from pyproj import Geod
from shapely.geometry import LineString, box

from gis import admin_codes, catalogue, find_gaps, find_jurisdiction
from gis.cli import main
from gis.coverage import LEVELS, levels_not_checked
from gis.io import import_file, names
from gis.io.validate import coerce
from gis.store import GeoPackageStore, MemoryStore

COUNTY, PROVINCE, CITY = "330182", "330000", "330100"
T1, T2 = "330182001", "330182002"
V1, V2 = "330182001001", "330182002001"
LAT = {"R1": 29.55, "R2": 29.52, "R3": 29.58}
LON = {"R1": (118.95, 119.15), "R2": (119.02, 119.08), "R3": (119.01, 119.09)}
GEOD = Geod(ellps="GRS80")


def _inside_m(river: str, west: float = 119.0, east: float = 119.1) -> float:
    """Geodesic length of a river's part between two meridians (all rivers run east)."""
    lo, hi = LON[river]
    return GEOD.line_length([max(lo, west), min(hi, east)], [LAT[river]] * 2)


def _tables() -> dict[str, pd.DataFrame]:
    units = [
        (COUNTY, "建德市", "county", None, box(119.0, 29.5, 119.1, 29.6)),
        (T1, "西镇", "township", COUNTY, box(119.0, 29.5, 119.05, 29.6)),
        (T2, "东镇", "township", COUNTY, box(119.05, 29.5, 119.1, 29.6)),
        (V1, "西村", "village", T1, box(119.0, 29.5, 119.05, 29.6)),
        (V2, "东村", "village", T2, box(119.05, 29.5, 119.1, 29.6)),
    ]
    admin = gpd.GeoDataFrame(
        [u[:4] for u in units],
        columns=["admin_code", "name", "level", "parent_code"],
        geometry=[u[4] for u in units],
        crs=4490,
    )
    rivers = gpd.GeoDataFrame(
        {
            "river_code": ["R1", "R2", "R3"],
            "name": ["新安江", "寿昌江", "县河"],
            "management_level": ["province", "city", "county"],
            "in_register": [True, True, True],
        },
        geometry=[LineString([(LON[r][0], LAT[r]), (LON[r][1], LAT[r])]) for r in LAT],
        crs=4490,
    )
    chiefs = pd.DataFrame(
        [
            ("P1", "省河长", "province", "副省长", PROVINCE),
            ("M1", "市河长", "city", "副市长", CITY),
            ("K1", "县河长", "county", "市长", COUNTY),
            ("S1", "西镇长", "township", "镇长", T1),
            ("S2", "东镇长", "township", "镇长", T2),
            ("W1", "西村长", "village", "村主任", V1),
            ("W2", "东村长", "village", "村主任", V2),
        ],
        columns=["chief_id", "name", "level", "post", "admin_code"],
    )
    rows = [
        ("A1", "P1", "province", "R1", PROVINCE),
        ("A2", "M1", "city", "R1", CITY),
        ("A3", "K1", "county", "R1", COUNTY),
        ("A4", "K1", "county", "R3", COUNTY),
        # R2 (city-managed) has no city chief and no county chief: two gaps
    ]
    n = len(rows)
    for river in LAT:
        rows += [
            (f"A{n + 1}{river}", "S1", "township", river, T1),
            (f"A{n + 2}{river}", "S2", "township", river, T2),
            (f"A{n + 3}{river}", "W1", "village", river, V1),
            (f"A{n + 4}{river}", "W2", "village", river, V2),
        ]
    assignments = pd.DataFrame(
        rows, columns=["assignment_id", "chief_id", "level", "river_code", "admin_code"]
    ).assign(target_type="river")
    return {"admin_units": admin, "rivers": rivers, "chiefs": chiefs, "assignments": assignments}


@pytest.fixture()
def store() -> MemoryStore:
    return MemoryStore(_tables())


# --- the levels and the code shapes ---------------------------------------------------


def test_five_levels_top_down_with_chinese_labels():
    assert catalogue.CHIEF_LEVELS == ("province", "city", "county", "township", "village")
    zh = [catalogue.LEVELS[lv][0] for lv in catalogue.CHIEF_LEVELS]
    assert zh == ["省级", "市级", "县级", "镇乡级", "村级"]
    assert list(admin_codes.CODE_SHAPES) == list(catalogue.CHIEF_LEVELS)


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("330000", "province"),
        ("110000", "province"),
        ("330100", "city"),
        ("330106", "county"),
        ("330182", "county"),
        ("330182001", "township"),
        ("330182001001", "village"),
        ("33018", None),
        ("33O100", None),
    ],
)
def test_the_level_a_code_shape_says(code, level):
    assert admin_codes.level_of_code(code) == level


def test_a_county_names_its_province_and_city():
    assert admin_codes.above(COUNTY) == {"province": PROVINCE, "city": CITY}
    assert admin_codes.above(CITY) == {}


@pytest.mark.parametrize(
    ("field", "word", "code"),
    [
        ("chiefs", "省级", "province"),
        ("chiefs", "地市级", "city"),
        ("chiefs", "县级市", "county"),
        ("admin_units", "省", "province"),
        ("admin_units", "地级市", "city"),
        ("admin_units", "区", "county"),
        ("admin_units", "街道", "township"),
        ("admin_units", "社区", "village"),
        ("rivers", "省级", "province"),
    ],
)
def test_unambiguous_level_words(field, word, code):
    name = "management_level" if field == "rivers" else "level"
    assert coerce(catalogue.get_layer(field).field(name), word) == (code, None)


@pytest.mark.parametrize("word", ["市级", "市"])
def test_city_words_without_a_code_are_refused_by_the_field_check(word):
    """A river's 管理级别 has no unit code: 市级 there could be either level."""
    with pytest.raises(ValueError, match="县级市.*write 地市级 or 县级"):
        coerce(catalogue.get_layer("rivers").field("management_level"), word)


# --- registers: 市级 decided by the code, contradictions refused ------------------------


@pytest.fixture()
def county_store(tmp_path) -> GeoPackageStore:
    store = GeoPackageStore(tmp_path / "county.gpkg")
    t = _tables()
    store.write({"admin_units": t["admin_units"], "rivers": t["rivers"]})
    return store


def _import(store, tmp_path, text: str, name: str = "chiefs.csv"):
    path = tmp_path / name
    path.write_text("河长编号,姓名,级别,职务,行政区划代码\n" + text, encoding="utf-8")
    return import_file(path, "chiefs", store=store)


def test_a_county_level_city_register_says_city_for_county(county_store, tmp_path):
    report = _import(county_store, tmp_path, "A1,甲,市级,市长,330182\nA2,乙,镇级,镇长,330182001\n")
    assert report.rejected == []
    chiefs = county_store.read("chiefs").set_index("chief_id")
    assert chiefs["level"].to_dict() == {"A1": "county", "A2": "township"}


def test_a_prefecture_register_says_city_for_city(county_store, tmp_path):
    report = _import(county_store, tmp_path, "B1,丙,市级,市长,330100\nB2,丁,省级,省长,330000\n")
    assert report.rejected == []
    chiefs = county_store.read("chiefs").set_index("chief_id")
    assert chiefs["level"].to_dict() == {"B1": "city", "B2": "province"}


def test_city_level_without_a_code_is_refused_with_candidates(county_store, tmp_path):
    report = _import(county_store, tmp_path, "C1,戊,市级,市长,\nC2,己,县级,县长,330182\n")
    assert report.accepted == 1
    [p] = report.rejected
    assert (p.row, p.field) == (2, "level")
    assert "city 330100" in p.reason and "county 330182" in p.reason
    assert "行政区划代码" in p.fix and "XXYY00" in p.fix


@pytest.mark.parametrize(
    ("row", "says"),
    [
        ("D1,庚,市级,市长,330000", "a province code"),  # 市级 with a province code
        ("D1,庚,市级,镇长,330182001", "a township code"),  # 市级 with a township code
    ],
)
def test_city_level_with_another_kind_of_code_is_refused(county_store, tmp_path, row, says):
    report = _import(county_store, tmp_path, row + "\n")
    [p] = report.rejected
    assert p.field == "level" and says in p.reason and "XXYY00" in p.reason


@pytest.mark.parametrize(
    ("row", "says"),
    [
        # a county chief filed under the city: today's check saw 6 digits and kept it
        ("E1,辛,县级,县长,330100", "level county but the admin code 330100 has 6 digits (a city"),
        ("E1,辛,省级,省长,330100", "level province but the admin code 330100"),
        ("E1,辛,地市级,副市长,330182", "level city but the admin code 330182"),
        ("E1,辛,地市级,副市长,330000", "(a province code); a city code is XXYY00"),
        ("E1,辛,村级,村主任,330182001", "9 digits (a township code)"),
    ],
)
def test_a_level_that_contradicts_the_code_shape_is_refused(county_store, tmp_path, row, says):
    report = _import(county_store, tmp_path, row + "\n")
    [p] = report.rejected
    assert p.field == "level" and says in p.reason
    assert "province XX0000; city XXYY00" in p.fix


def test_an_admin_unit_called_shi_is_a_city_only_with_a_prefecture_code(store):
    df = pd.DataFrame(
        {"admin_code": [CITY, COUNTY, None], "name": ["杭州市", "建德市", "某市"]}
    ).assign(level="市")
    problems = names.city_level_problems(df, catalogue.get_layer("admin_units"), store, [2, 3, 4])
    assert df["level"].tolist()[:2] == ["city", "county"]
    assert list(problems) == [2] and problems[2].row == 4


# --- gaps: province and city coverage on the rivers managed there -----------------------


def test_gaps_checks_province_and_city_levels_without_polygons(store):
    cov = find_gaps(store)
    assert cov.not_checked.empty  # no "no province polygons" noise
    un = cov.unassigned.set_index(["river_code", "level"])
    # R2 is city-managed: it needs a city and a county chief (分级分段), and has neither
    assert sorted(un.index) == [("R2", "city"), ("R2", "county")]
    assert un.loc[("R2", "city"), "admin_code"] == CITY
    assert un.loc[("R2", "city"), "length_m"] == pytest.approx(_inside_m("R2"), rel=1e-3)
    by = cov.unassigned_length_m_by_level()
    assert list(by) == list(LEVELS)
    assert by["province"] == 0.0 and by["city"] == pytest.approx(_inside_m("R2"), rel=1e-3)
    # the province reach of R1 is its part inside the county, held by the province chief
    r1 = cov.reaches[(cov.reaches["river_code"] == "R1") & (cov.reaches["level"] == "province")]
    assert r1["admin_code"].tolist() == [PROVINCE]
    assert r1["length_m"].iloc[0] == pytest.approx(_inside_m("R1"), rel=1e-3)
    # the county's province and city are known units: no unknown code, no zero coverage
    assert cov.unknown_codes.empty and cov.zero_coverage.empty and cov.level_mismatches.empty


def test_province_and_city_register_errors(store):
    t = _tables()
    extra = pd.DataFrame(
        [
            ("X1", "P1", "province", "R3", PROVINCE),  # R3 is county-managed
            ("X2", "M1", "city", "R1", "330200"),  # another city's code
        ],
        columns=["assignment_id", "chief_id", "level", "river_code", "admin_code"],
    ).assign(target_type="river")
    store = MemoryStore({**t, "assignments": pd.concat([t["assignments"], extra])})
    cov = find_gaps(store)
    assert cov.unknown_codes[["assignment_id", "field", "code"]].values.tolist() == [
        ["X2", "admin_code", "330200"]
    ]
    [zero] = cov.zero_coverage.to_dict("records")
    assert zero["assignment_id"] == "X1"
    assert "managed at county level, so it has no province reach" in zero["reason"]


def test_a_county_without_rivers_above_it_has_no_province_or_city_findings(demo_path):
    demo = GeoPackageStore(demo_path)
    admin, rivers = demo.read("admin_units"), demo.read("rivers")
    assert levels_not_checked(admin, LEVELS, rivers=rivers).empty
    t = _tables()
    t["rivers"]["management_level"] = ["county", "county", "county"]
    cov = find_gaps(MemoryStore(t))
    assert list(cov.unassigned_length_m_by_level()) == ["county", "township", "village"]


def test_province_rivers_without_a_county_boundary_are_said_not_checked():
    t = _tables()
    t["admin_units"] = t["admin_units"][t["admin_units"]["level"] != "county"]
    cov = find_gaps(MemoryStore(t))
    rows = cov.not_checked.set_index("level")
    assert list(rows.index) == ["province", "city", "county"]
    assert "no county boundary" in rows.loc["province", "reason"]
    assert "level county" in rows.loc["city", "fix"]


# --- jurisdiction: the province and city chiefs of a river, top down --------------------


def test_a_place_on_a_province_river_lists_every_chief_top_down(store):
    j = find_jurisdiction(store)
    assert j.levels == LEVELS
    reach = j.reaches[(j.reaches["river_code"] == "R1") & (j.reaches["admin_code"] == V2)]
    card = j.card(reach["reach_id"].iloc[0])
    assert [(c["level"], c["name"]) for c in card["chiefs"]] == [
        ("province", "省河长"),
        ("city", "市河长"),
        ("county", "县河长"),
        ("township", "东镇长"),
        ("village", "东村长"),
    ]
    assert card["levels_without_chief"] == []
    [row] = j.summary(j.reaches["reach_id"] == reach["reach_id"].iloc[0])
    assert (row["province"], row["city"], row["county"]) == (["省河长"], ["市河长"], ["县河长"])


def test_a_city_river_without_city_and_county_chiefs_says_so(store):
    j = find_jurisdiction(store)
    rid = j.reaches.loc[j.reaches["river_code"] == "R2", "reach_id"].iloc[0]
    assert j.card(rid)["levels_without_chief"] == ["city", "county"]
    rid = j.reaches.loc[j.reaches["river_code"] == "R3", "reach_id"].iloc[0]
    assert j.card(rid)["levels_without_chief"] == []  # county-managed: no province/city asked


def test_jurisdiction_cli_lists_province_and_city_chiefs(tmp_path, capsys):
    path = tmp_path / "county.gpkg"
    GeoPackageStore(path).write(_tables())
    rc = main(["jurisdiction", "--data", str(path), "--river", "新安江"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "province: 省河长 / city: 市河长 / county: 县河长" in out


# --- patrols: province and city chiefs owe patrols and hold their whole river -----------


def test_province_and_city_chiefs_hold_their_river_and_owe_patrols(store):
    import datetime as dt

    from gis import rules
    from gis.patrols.network import network_from_store
    from gis.patrols.report import required_patrols

    net = network_from_store(store)
    held = net.assigned.merge(net.reaches[["river_code"]], left_on="reach", right_index=True)
    for chief in ("P1", "M1"):  # every village reach of R1, its whole length
        mine = held[held["chief_id"] == chief]
        assert set(mine["river_code"]) == {"R1"}
        assert (mine["hi"] - mine["lo"]).sum() == pytest.approx(_inside_m("R1"), rel=1e-3)
    freq = rules.load("patrol_frequency")
    years = (dt.date(2024, 1, 1), dt.date(2025, 12, 31))  # two years, one of them leap
    # Henan's five-level rule: province once a year, city once every half year
    assert required_patrols("province", *years, freq) == 2
    assert required_patrols("city", *years, freq) == 4


# --- the app's pages: province and city chiefs listed, province and city gaps counted ----


def _page(page: str, path, monkeypatch, **state):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    app_data(monkeypatch, path)
    root = Path(__file__).resolve().parents[1]
    at = AppTest.from_file(str(root / "app_pages" / page), default_timeout=180)
    at.session_state["lang"] = "zh"
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_pages_show_province_and_city_levels(tmp_path, monkeypatch):
    path = tmp_path / "county.gpkg"
    GeoPackageStore(path).write(_tables())
    j = find_jurisdiction(GeoPackageStore(path))
    rid = j.reaches.loc[j.reaches["river_code"] == "R1", "reach_id"].iloc[0]
    at = _page("jurisdiction.py", path, monkeypatch, juris_reach=rid)
    levels = at.table[0].value.iloc[:, 0].tolist()
    assert levels[:3] == ["省级", "市级", "县级"]
    at.selectbox[0].set_value("river").run()
    at.selectbox[1].set_value("R1").run()
    assert not at.exception
    columns = list(at.dataframe[0].value.columns)
    assert columns[-5:] == ["省级", "市级", "县级", "镇乡级", "村级"]
    assert set(at.dataframe[0].value["省级"]) == {"省河长"}
    at = _page("gaps.py", path, monkeypatch)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["市级 · 无河长河段长度(km)"] == f"{_inside_m('R2') / 1000:.2f}"
    assert metrics["省级 · 无河长河段长度(km)"] == "0.00"


def test_admin_unit_kinds_import_with_their_level_checked_against_the_code(tmp_path):
    units = [
        ("330182", "建德市", "市", box(119.0, 29.5, 119.1, 29.6)),  # a county-level city
        ("330100", "杭州市", "市", box(118.9, 29.4, 119.2, 29.7)),  # the prefecture city
        ("330182003", "新安江街道", "街道", box(119.0, 29.5, 119.05, 29.55)),
        ("330182003001", "江滨社区", "社区", box(119.0, 29.5, 119.02, 29.52)),
        ("330182", "错镇", "镇", box(119.05, 29.5, 119.1, 29.6)),  # a township with a county code
    ]
    path = tmp_path / "units.geojson"
    gpd.GeoDataFrame(
        {"行政区划代码": [u[0] for u in units], "名称": [u[1] for u in units]}
        | {"级别": [u[2] for u in units]},
        geometry=[u[3] for u in units],
        crs=4490,
    ).to_file(path)
    store = GeoPackageStore(tmp_path / "c.gpkg")
    report = import_file(path, "admin_units", store=store)
    [p] = report.rejected
    assert p.field == "level" and "level township but the admin code 330182" in p.reason
    got = store.read("admin_units").set_index("admin_code")["level"].to_dict()
    assert got == {
        "330182": "county",
        "330100": "city",
        "330182003": "township",
        "330182003001": "village",
    }
