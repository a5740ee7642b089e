"""The demo's quarter of events (issue 17): each handled in order 登记 → 交办 → 承办 → 办结 →
归档 (or sent back and resolved again), nothing after the data's date; the overdue ones are
exactly the keyed ones; a problem found on patrol lies beside its patrol's track, reported
just after the track passed; the planted chiefs do what the key says. Every expectation is
recomputed here from the tables with plain pandas/shapely."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyproj
import pytest

from gis import catalogue, coords
from gis.store import GeoPackageStore

AS_OF = pd.Timestamp("2026-10-01")
#: the only moves a status history may make
NEXT = {
    "registered": {"assigned"},
    "assigned": {"accepted"},
    "accepted": {"resolved"},
    "resolved": {"archived", "returned"},
    "returned": {"accepted", "resolved"},
}


@pytest.fixture(scope="module")
def demo(demo_path):
    store = GeoPackageStore(demo_path)
    if "events" not in store.layers() or store.read("events").empty:
        pytest.skip("demo without events: regenerate it (riverchief demo)")
    return store


@pytest.fixture(scope="module")
def events(demo):
    return demo.read("events").set_index("event_id")


@pytest.fixture(scope="module")
def key(demo):
    return demo.read("answer_key")


def test_every_history_is_in_order_and_ends_at_the_status(demo, events):
    steps = demo.read("event_steps")
    assert set(steps["event_id"]) == set(events.index)
    assert set(steps["status"]) <= set(catalogue.EVENT_STATUS)
    for eid, h in steps.groupby("event_id"):
        h = h.assign(n=h["step_id"].str.rsplit("-", n=1).str[1].astype(int)).sort_values("n")
        times = pd.to_datetime(h["time"])
        assert times.is_monotonic_increasing and times.max() < AS_OF, eid
        seq = list(h["status"])
        assert seq[0] == "registered", eid
        assert all(b in NEXT[a] for a, b in zip(seq, seq[1:], strict=False)), (eid, seq)
        e = events.loc[eid]
        assert e["status"] == seq[-1], eid
        assert pd.Timestamp(e["reported_at"]) == times.iloc[0], eid
        # resolved when its last resolution was not sent back
        resolved = times[h["status"].eq("resolved").to_numpy()]
        if len(resolved) and seq[-1] != "returned":
            assert pd.Timestamp(e["resolved_at"]) == resolved.iloc[-1], eid
        else:
            assert pd.isna(e["resolved_at"]), eid


def test_overdue_events_are_exactly_the_keyed_ones(events, key):
    deadline = pd.to_datetime(events["deadline"])
    done = pd.to_datetime(events["resolved_at"])
    late = (done > deadline) | (done.isna() & (deadline < AS_OF))
    days = ((done.fillna(AS_OF) - deadline).dt.total_seconds() / 86400)[late]
    keyed = key[key["kind"] == "assess_event_overdue"].set_index("ref_id")
    assert set(keyed.index) == set(days.index) and len(keyed) >= 5
    assert keyed["value"].to_numpy() == pytest.approx(days[keyed.index].to_numpy(), abs=0.01)
    # at least one still open past its deadline, not only late closures
    assert (late & done.isna()).any()


def test_patrol_finds_lie_beside_their_patrols_track_just_after_it_passed(demo, events):
    from gis.demo import patrols as demo_patrols

    points = demo_patrols.read(demo_patrols.ensure(store=demo))[0]
    lon = points["lon"].to_numpy(dtype=float).copy()
    lat = points["lat"].to_numpy(dtype=float).copy()
    gcj = (points["coords"] == "gcj02").to_numpy()
    lon[gcj], lat[gcj] = coords.gcj02_to_wgs84(lon[gcj], lat[gcj])
    gk = int(demo.meta()["gk_epsg"])
    x, y = pyproj.Transformer.from_crs(4490, gk, always_xy=True).transform(lon, lat)
    t = pd.DatetimeIndex(points["time_text"]).tz_convert("Asia/Shanghai").tz_localize(None)
    by_ref = pd.Series(np.arange(len(points))).groupby(points["patrol_ref"].to_numpy()).indices
    found = events[events["source"] == "patrol"].to_crs(gk)
    assert len(found) > 500
    for e in found.itertuples():
        i = by_ref[e.patrol_id]
        assert points["chief"].iloc[i[0]] == e.reporter, e.Index
        d = np.hypot(x[i] - e.geometry.x, y[i] - e.geometry.y)
        lag = (pd.Timestamp(e.reported_at) - t[i]).total_seconds() / 60
        # beside the river (3-30 m) where the walk went (a phone's few metres of noise),
        # reported within a quarter of an hour of being there (times kept to the minute)
        there = (d < 80) & (lag >= -1) & (lag <= 16)
        assert there.any(), (e.Index, d.min())


def test_planted_chiefs_do_what_the_key_says(demo, events, key):
    from gis.demo import patrols as demo_patrols

    planted = key[key["kind"].str.startswith("assess_")].set_index("kind")
    points = demo_patrols.read(demo_patrols.ensure(store=demo))[0]
    made = points.groupby("chief")["patrol_ref"].nunique()
    lazy = planted.loc["assess_lazy_chief"]
    assert made[lazy["ref_id"]] == lazy["value"] == 2  # 2 of 13 weeks
    faker = planted.loc["assess_fake_patroller"]
    fakes = demo_patrols.read(demo_patrols.ensure(store=demo))[1]
    assert (fakes["chief_id"] == faker["ref_id"]).sum() == faker["value"]
    handler = planted.loc["assess_overdue_handler"]
    mine = events[events["chief_id"] == handler["ref_id"]]
    deadline, done = pd.to_datetime(mine["deadline"]), pd.to_datetime(mine["resolved_at"])
    late = (done > deadline) | (done.isna() & (deadline < AS_OF))
    assert late.sum() == handler["value"] and late.mean() > 0.5
    major = planted.loc["assess_major_incident"]
    big = events[events["severity"] != "general"]
    assert list(big["chief_id"]) == [major["ref_id"]] and big.index[0] in major["detail"]
    polluted = planted.loc["assess_polluted_river"]
    section = polluted["detail"].split()[1]
    rows = demo.read("section_measurements")
    target = demo.read("monitoring_sections").set_index("section_id").loc[section, "target_class"]
    order = list(catalogue.WATER_CLASSES)
    classes = rows.loc[rows["section_id"] == section, "water_class"]
    assert len(classes) == 3 and all(order.index(c) > order.index(target) for c in classes)
    # every planted chief is someone else: five roles, five chiefs
    roles = [k for k in planted.index if k not in ("assess_event_overdue", "assess_section_breach")]
    assert len(roles) == planted.loc[roles, "ref_id"].nunique() == 5


def test_a_rivers_dossier_counts_its_events_and_lists_those_to_act_on(demo, events, key):
    from gis.dossier import river_dossier
    from gis.dossier.write import render

    overdue = key[key["kind"] == "assess_event_overdue"]
    code = overdue["river_code"].value_counts().index[0]  # the overdue handler's river
    d = river_dossier(demo, code)
    mine = events[events["river_code"] == code]
    by_type = d.parts["events"].table.set_index("event_type")
    assert by_type["count"].sum() == len(mine)
    assert by_type["count"].to_dict() == mine["event_type"].value_counts().to_dict()
    deadline, done = pd.to_datetime(mine["deadline"]), pd.to_datetime(mine["resolved_at"])
    late = (done > deadline) | (done.isna() & (deadline < AS_OF))
    assert by_type["overdue"].sum() == late.sum() and by_type["open"].sum() == done.isna().sum()
    act = late | done.isna() | (mine["status"] == "returned") | (mine["severity"] != "general")
    attention = d.parts["events_attention"].table
    assert len(attention) >= 3
    assert sorted(attention["event_id"]) == sorted(mine.index[act])
    page = render(demo, code)
    shown = attention if len(attention) else mine.reset_index()
    first = str(shown["reported_at"].iloc[0])
    if len(attention):  # printed as a register writes times, never ISO with "T"
        assert first.replace("T", " ")[:16] in page and first not in page
