"""Registers of events and water-quality sections written the way a 河长办 writes them
(issue 17, item 1): Chinese headers and code words (乱占, 办结, Ⅲ类), a GBK CSV and an
XLSX, imported with the generic importer into a copy of the demo county."""

from __future__ import annotations

import pandas as pd
import pytest

from gis.io import import_file
from gis.store import GeoPackageStore


@pytest.fixture()
def county(demo_copy) -> GeoPackageStore:
    """The demo copy with a second river named like 512099R001 (another code)."""
    store = GeoPackageStore(demo_copy)
    rivers = store.read("rivers")
    arc = rivers[rivers["river_code"] == "512099R001"].copy()
    arc["river_code"] = "512099R901"
    store.write({"rivers": arc}, mode="append")
    return store


def _lonlat(store: GeoPackageStore, river_code: str, share: float) -> tuple[float, float]:
    rivers = store.read("rivers")
    line = rivers[rivers["river_code"] == river_code].to_crs(4326).geometry.iloc[0]
    p = line.interpolate(share, normalized=True)
    return p.x, p.y


def test_events_gbk_csv_maps_chinese_words_and_refuses_a_shared_river_name(county, tmp_path):
    rivers = county.read("rivers").set_index("river_code")
    shared = rivers.loc["512099R001", "name"]
    other = rivers.loc["512099R031", "name"]
    lon1, lat1 = _lonlat(county, "512099R031", 0.5)
    lon2, lat2 = _lonlat(county, "512099R001", 0.5)
    table = pd.DataFrame(
        {
            "事件编号": ["EV1", "EV2"],
            "问题类型": ["乱占", "排污口"],
            "来源": ["群众投诉", "巡河发现"],
            "严重程度": ["一般", "重大"],
            "河流": [other, shared],
            "经度": [lon1, lon2],
            "纬度": [lat1, lat2],
            "上报时间": ["2026-07-03 10:20", "2026-07-05 08:00"],
            "办理时限": ["2026-07-10 10:20", "2026-07-12 08:00"],
            "状态": ["办结", "交办"],
            "办结时间": ["2026-07-08 16:00", ""],
        }
    )
    path = tmp_path / "问题台账.csv"
    table.to_csv(path, index=False, encoding="gbk")
    before = len(county.read("events"))  # the demo's own quarter of events
    report = import_file(path, "events", store=county)
    events = county.read("events").set_index("event_id")
    assert len(events) == before + 1 and "EV1" in events.index and "EV2" not in events.index
    row = events.loc["EV1"]
    assert (row["event_type"], row["source"], row["severity"], row["status"]) == (
        "occupation",
        "public",
        "general",
        "resolved",
    )
    assert row["river_code"] == "512099R031"
    assert str(row["resolved_at"]).startswith("2026-07-08T16:00")
    # the shared name is refused with both codes, never given to one of them
    [refused] = report.rejected
    assert "512099R001" in refused.reason and "512099R901" in refused.reason


def test_sections_and_measurements_xlsx(county, tmp_path):
    lon, lat = _lonlat(county, "512099R031", 0.3)
    sections = pd.DataFrame(
        {
            "断面编号": ["S99"],
            "断面名称": ["青龙桥"],
            "河流编码": ["512099R031"],
            "断面类别": ["省控"],
            "目标水质": ["Ⅲ类"],
            "基准年": [2025],
            "基准年水质": ["劣Ⅴ类"],
            "经度": [lon],
            "纬度": [lat],
        }
    )
    path = tmp_path / "断面.xlsx"
    sections.to_excel(path, index=False)
    import_file(path, "monitoring_sections", store=county)
    got = county.read("monitoring_sections").set_index("section_id").loc["S99"]
    assert (got["name"], got["kind"], got["target_class"], got["base_class"]) == (
        "青龙桥",
        "provincial",
        "III",
        "worse_V",
    )
    measurements = pd.DataFrame(
        {
            "监测编号": ["M91", "M92"],
            "断面编号": ["S99", "S99"],
            "监测月份": ["2026-07-01", "2026-08-01"],
            "水质类别": ["Ⅳ类", "Ⅱ类"],
        }
    )
    path = tmp_path / "监测结果.xlsx"
    measurements.to_excel(path, index=False)
    import_file(path, "section_measurements", store=county)
    rows = county.read("section_measurements").set_index("measurement_id")
    assert rows.loc[["M91", "M92"], "water_class"].to_dict() == {"M91": "IV", "M92": "II"}
    assert str(rows.loc["M91", "month"]).startswith("2026-07-01")
