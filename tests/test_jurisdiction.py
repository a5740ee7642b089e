"""Jurisdiction: which chiefs answer for each reach, the reach card, selection, search, and
the CLI faces. Hand fixtures with answers worked out on paper, and cross-checks against
the coverage analysis (which finds the demo's planted gaps, see test_coverage)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from gis._errors import InputError
from gis.cli import main
from gis.jurisdiction import chief_links, jurisdiction_of
from gis.privacy import mask_frame, mask_phone, mask_text
from gis.search import find, search_index
from gis.store import GeoPackageStore


@pytest.fixture(scope="module")
def demo_j(demo_path):
    return jurisdiction_of(GeoPackageStore(demo_path))


def test_chief_links_follow_units_and_chainage_by_hand():
    # one river, two village reaches: V1 0-1000 m and V2 1000-2500 m, both in township T, county C
    admin = pd.DataFrame(
        {
            "admin_code": ["C", "T", "V1", "V2"],
            "level": ["county", "township", "village", "village"],
            "parent_code": [None, "C", "T", "T"],
        }
    )
    reaches = pd.DataFrame(
        {
            "reach_id": ["r1", "r2"],
            "river_code": "R",
            "admin_code": ["V1", "V2"],
            "shared_admin_code": [None, None],
            "from_m": [0.0, 1000.0],
            "to_m": [1000.0, 2500.0],
        }
    )
    nan = np.nan
    assignments = pd.DataFrame(
        {
            "assignment_id": ["a1", "a2", "a3", "a4", "a5"],
            "target_type": "river",
            "river_code": ["R", "R", "R", "R", "X"],
            "chief_id": ["county", "town", "v1", "v2", "other"],
            "level": ["county", "township", "village", "village", "village"],
            "admin_code": ["C", "T", "V1", "V2", "V1"],
            "shared_admin_code": None,
            "from_m": [nan, 0.0, nan, 1200.0, nan],
            "to_m": [nan, 1800.0, nan, 2500.0, nan],
        }
    )
    links = chief_links(reaches, assignments, admin)
    got = {(r.reach_id, r.chief_id): (r.level, r.from_m, r.to_m) for r in links.itertuples()}
    assert got == {
        ("r1", "county"): ("county", 0.0, 1000.0),
        ("r2", "county"): ("county", 1000.0, 2500.0),
        ("r1", "town"): ("township", 0.0, 1000.0),
        ("r2", "town"): ("township", 1000.0, 1800.0),
        ("r1", "v1"): ("village", 0.0, 1000.0),
        ("r2", "v2"): ("village", 1200.0, 2500.0),
    }  # 'other' holds another river; v1 does not reach into V2


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("100-0000-0001", "100-****-0001"),
        ("13812345678", "138****5678"),
        ("12345", "***45"),
        (None, None),
        ("", None),
    ],
)
def test_mask_phone_keeps_three_and_four_digits(phone, masked):
    assert mask_phone(phone) == masked


def test_phones_in_text_and_frames_are_masked_but_codes_are_not():
    assert (
        mask_text("board shows 王建国 100-0000-0001; current: 李四")
        == "board shows 王建国 100-****-0001; current: 李四"
    )
    assert mask_text("call 13812345678 or 0838-1234567") == "call 138****5678 or 083*-***4567"
    for code in ("512099102203", "512099", "512099R001/V/837", "K12+345", "2026-10-08"):
        assert mask_text(code) == code
    df = pd.DataFrame(
        {
            "chief_id": ["512099C0001"],
            "phone": ["100-0000-0001"],
            "admin_code": ["512099102203"],
            "detail": ["board shows 王 100-0000-0002"],
        }
    )
    m = mask_frame(df)
    assert m.iloc[0].tolist() == [
        "512099C0001",
        "100-****-0001",
        "512099102203",
        "board shows 王 100-****-0002",
    ]
    assert df["phone"].iloc[0] == "100-0000-0001"  # a copy


def test_card_of_a_demo_reach(demo_j, demo_path):
    card = demo_j.card("512099R001/V/837")
    assert card["river_name"] == "黄沟江" and card["chainage"] == "K0+837 – K1+897"
    assert card["length_m"] == pytest.approx(card["to_m"] - card["from_m"], abs=0.15)
    chiefs = GeoPackageStore(demo_path).read("chiefs").set_index("chief_id")
    for c in card["chiefs"]:
        assert (
            c["name"] == chiefs.loc[c["chief_id"], "name"]
            and c["level"] == chiefs.loc[c["chief_id"], "level"]
        )
        assert c["phone"] == mask_phone(chiefs.loc[c["chief_id"], "phone"]) and "****" in c["phone"]
    assert {c["level"] for c in card["chiefs"]} == {"county", "township", "village"}
    staff = demo_j.card("512099R001/V/837", staff=True)
    assert [c["phone"] for c in staff["chiefs"]] == [
        chiefs.loc[c["chief_id"], "phone"] for c in staff["chiefs"]
    ]
    assert all(b["distance_m"] <= 1000 for b in card["signboards"])
    with pytest.raises(InputError, match="no reach 'nope'"):
        demo_j.card("nope")
    # an assignment naming a chief the register lacks still shows, by id
    import dataclasses

    lost = card["chiefs"][0]["chief_id"]
    partial = dataclasses.replace(demo_j, chiefs=demo_j.chiefs[demo_j.chiefs["chief_id"] != lost])
    first = partial.card("512099R001/V/837")["chiefs"][0]
    assert (first["chief_id"], first["name"], first["phone"]) == (lost, None, None)


def test_village_gaps_agree_with_the_coverage_analysis(demo_j, demo_path):
    from gis.coverage import analyse

    cov = analyse(GeoPackageStore(demo_path), level="village")
    expected = set(cov.unassigned["reach_id"])
    plain = demo_j.reaches[demo_j.reaches["shared_admin_code"].isna()]
    with_village = set(demo_j.links.loc[demo_j.links["level"] == "village", "reach_id"])
    assert set(plain["reach_id"]) - with_village == expected
    assert len(expected) > 0  # the demo plants unassigned village reaches


def test_a_rivers_reaches_add_up_to_its_length(demo_j, demo_path):
    from gis.crs import to_metric

    rivers = to_metric(GeoPackageStore(demo_path).read("rivers")).set_index("river_code")
    rows = demo_j.summary(demo_j.select("river", "黄沟江"))
    assert {r["river_code"] for r in rows} == {"512099R001"}
    assert sum(r["length_m"] for r in rows) == pytest.approx(
        rivers.geometry.loc["512099R001"].length, abs=1.0
    )


def test_selection_by_name_or_code_and_its_errors(demo_j, demo_path):
    town = demo_j.admin[demo_j.admin["level"] == "township"].iloc[0]
    by_name, by_code = (
        demo_j.select("township", town["name"]),
        demo_j.select("township", town["admin_code"]),
    )
    assert by_name.equals(by_code) and by_name.sum() > 0
    # geometrically: every selected reach touches the township; every reach well inside it is
    # selected
    admin = (
        GeoPackageStore(demo_path)
        .read("admin_units")
        .to_crs(demo_j.reaches.crs)
        .set_index("admin_code")
    )
    poly = admin.geometry.loc[town["admin_code"]]
    mids = demo_j.reaches.geometry.interpolate(0.5, normalized=True)
    assert mids[by_name].distance(poly).max() < 50
    assert by_name[mids.within(poly.buffer(-50))].all()
    chief = demo_j.links.iloc[0]["chief_id"]
    assert set(demo_j.reaches.loc[demo_j.select("chief", chief), "reach_id"]) == set(
        demo_j.links.loc[demo_j.links["chief_id"] == chief, "reach_id"]
    )
    with pytest.raises(InputError, match="no township '不存在'"):
        demo_j.select("township", "不存在")
    import dataclasses

    twins = demo_j.chiefs.copy()
    twins.loc[1, "name"] = twins.loc[0, "name"]  # two chiefs of one name: the name is not enough
    with pytest.raises(InputError, match="2 chiefs are named .* give the chief's code"):
        dataclasses.replace(demo_j, chiefs=twins).select("chief", twins.loc[0, "name"])
    with pytest.raises(KeyError):
        demo_j.select("county", "x")


def test_nearest_reach_to_a_click(demo_j):
    import geopandas as gpd

    r = demo_j.reaches.set_index("reach_id").geometry.loc["512099R001/V/837"]
    mid = (
        gpd.GeoSeries([r.interpolate(0.5, normalized=True)], crs=demo_j.reaches.crs)
        .to_crs(4490)
        .iloc[0]
    )
    assert demo_j.nearest(mid.x, mid.y) == "512099R001/V/837"
    assert demo_j.nearest(mid.x + 1.0, mid.y) is None  # 100 km away


def test_search_finds_by_name_and_code(demo_path):
    idx = search_index(GeoPackageStore(demo_path))
    counts = idx["kind"].value_counts().to_dict()
    assert counts == {"chief": 2137, "village": 407, "river": 337, "reservoir": 101, "township": 63}
    hit = find(idx, "黄沟江")
    assert hit.iloc[0][["kind", "code"]].tolist() == ["river", "512099R001"]
    assert find(idx, "512099r001").iloc[0]["code"] == "512099R001"  # case-insensitive, exact first
    assert (find(idx, "镇", kinds=["township"])["kind"] == "township").all()
    with pytest.raises(InputError, match="empty"):
        find(idx, "  ")
    with pytest.raises(InputError, match="unknown kind"):
        find(idx, "x", kinds=["lake"])


def test_cli_jurisdiction_and_search(demo_path, capsys):
    assert (
        main(["jurisdiction", "--data", str(demo_path), "--reach", "512099R001/V/837", "--json"])
        == 0
    )
    card = json.loads(capsys.readouterr().out)
    assert card["chainage"] == "K0+837 – K1+897" and all(
        "****" in c["phone"] for c in card["chiefs"]
    )
    assert (
        main(
            [
                "jurisdiction",
                "--data",
                str(demo_path),
                "--reach",
                "512099R001/V/837",
                "--json",
                "--show-phones",
            ]
        )
        == 0
    )
    assert not any("****" in c["phone"] for c in json.loads(capsys.readouterr().out)["chiefs"])
    assert main(["jurisdiction", "--data", str(demo_path), "--river", "512099R001", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) > 50 and rows[0]["chainage"].startswith("K0+000") and rows[0]["county"]
    assert main(["jurisdiction", "--data", str(demo_path), "--township", "不存在"]) == 2
    assert "no township '不存在'" in capsys.readouterr().err
    assert main(["jurisdiction", "--data", str(demo_path)]) == 2
    assert main(["search", "黄沟江", "--data", str(demo_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["code"] == "512099R001"
    assert main(["search", "没有这个名字", "--data", str(demo_path)]) == 1


def test_a_number_typed_into_a_name_or_post_is_masked_for_visitors(demo_path):
    j = jurisdiction_of(GeoPackageStore(demo_path))
    ids = {c["chief_id"] for c in j.card("512099R001/V/837")["chiefs"]}
    j.chiefs = j.chiefs.assign(
        post=j.chiefs["post"].where(~j.chiefs["chief_id"].isin(ids), "村支书 13812345678"),
        name=j.chiefs["name"].where(~j.chiefs["chief_id"].isin(ids), "王 0838-1234567"),
    )
    visitor = j.card("512099R001/V/837")["chiefs"]
    assert {c["post"] for c in visitor} == {"村支书 138****5678"} and {
        c["name"] for c in visitor
    } == {"王 083*-***4567"}
    staff = j.card("512099R001/V/837", staff=True)["chiefs"]
    assert {c["post"] for c in staff} == {"村支书 13812345678"}


def test_cli_card_prints_a_chief_missing_from_the_register(demo_j, capsys):
    """An assignment whose chief is not in the register gives a card row with no name or post
    (JSON null); the command line prints it blank instead of failing on None."""
    import dataclasses

    from gis.cli.jurisdiction import _print_card

    rid = demo_j.links["reach_id"].iloc[0]
    gone = demo_j.links.loc[demo_j.links["reach_id"] == rid, "chief_id"].iloc[0]
    j = dataclasses.replace(demo_j, chiefs=demo_j.chiefs[demo_j.chiefs["chief_id"] != gone])
    card = j.card(rid)
    assert any(c["name"] is None for c in card["chiefs"])
    _print_card(card)
    out = capsys.readouterr().out
    assert rid in out and "None" not in out
