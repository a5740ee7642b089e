"""The one translation table for everything users read. 中文 is the default language."""

from __future__ import annotations

from gis._errors import UnknownNameError

LANGUAGES = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    "app_title": ("河长制 GIS", "River Chief GIS"),
    "language": ("语言", "Language"),
    "data_file": ("县级数据库", "County store"),
    "overview": ("总览", "Overview"),
    "inventory": ("基础台账", "Inventory"),
    "item": ("项目", "Item"),
    "value": ("数量", "Value"),
    "map": ("地图", "Map"),
    "layers_note": ("右上角图层控制可开关各图层。底图为离线山体阴影，无需联网。",
                    "Use the layer control (top right) to switch layers. The basemap is an offline hillshade; no internet needed."),
    "legend": ("图例", "Legend"),
    "hillshade": ("山体阴影(离线)", "Hillshade (offline)"),
    "townships": ("镇乡界", "Township boundaries"),
    "villages": ("村界", "Village boundaries"),
    "rivers_county": ("县管河流", "County-managed rivers"),
    "rivers_township": ("镇乡管河流", "Township-managed rivers"),
    "rivers_village": ("村管河流", "Village-managed rivers"),
    "reservoirs": ("水库", "Reservoirs"),
    "water_sources": ("饮用水水源", "Drinking-water sources"),
    "protection_zones": ("水源保护区", "Protection zones"),
    "quarries": ("采砂场", "Sand quarries"),
    "signboards": ("河长公示牌", "Signboards"),
    "page_gaps": ("管护空白", "Coverage gaps"),
    "unassigned": ("无河长河段", "Unassigned reaches"),
    "unassigned_km": ("无河长河段长度(km)", "Unassigned length (km)"),
    "holes": ("责任区间空档", "Holes in chainage ranges"),
    "township": ("镇乡", "Township"),
    "all": ("全部", "All"),
    "reach_id": ("河段编号", "Reach"),
    "river": ("河流", "River"),
    "length_m": ("长度(m)", "Length (m)"),
    "chainage": ("桩号", "Chainage"),
    "download": ("下载", "Download"),
    "level_county": ("县级", "County"),
    "level_township": ("镇乡级", "Township"),
    "level_village": ("村级", "Village"),
    "page_zones": ("水源保护区", "Protection zones"),
    "proposal": ("建议划定(未批复)", "Proposed (not approved)"),
    "query_point": ("查询点", "Query point"),
    "query": ("查询位置", "Query a place"),
    "query_help": ("输入坐标，或在地图上点击。", "Type coordinates, or click the map."),
    "coords": ("坐标 经度,纬度", "Coordinates LON,LAT"),
    "coord_system": ("坐标系", "Coordinate system"),
    "in_zones": ("所在保护区", "Zones at this place"),
    "in_no_zone": ("不在任何水源保护区内。", "Not inside any protection zone."),
    "zone_id": ("保护区编号", "Zone"),
    "source_code": ("水源编码", "Source"),
    "level": ("级别", "Level"),
    "origin": ("来源", "Origin"),
    "no_zone_sources": ("尚未划定保护区的水源", "Sources without an official zone"),
    "source_type": ("类型", "Type"),
    "propose_for": ("为水源建议划定保护区", "Propose a zone for a source"),
    "area_ha": ("面积(公顷)", "Area (ha)"),
    "notes": ("备注", "Notes"),
    "page_quarries": ("采砂监管", "Sand quarries"),
    "quarries_total": ("采砂场", "Quarries"),
    "quarries_violating": ("存在违规", "With violations"),
    "quarries_compliant": ("未发现违规", "No violation found"),
    "violations": ("违规清单", "Violations"),
    "rule_set": ("规则集", "Rule set"),
    "quarry_id": ("编号", "ID"),
    "name": ("名称", "Name"),
    "status": ("状态", "Status"),
    "rule": ("违反规则", "Rule broken"),
    "distance_m": ("沿河距离(m)", "Along-channel distance (m)"),
    "detail": ("说明", "Detail"),
    "rule_prohibited_mining_zone": ("位于禁采区", "Inside a prohibited mining zone"),
    "rule_protection_zone": ("位于水源保护区", "Inside a protection zone"),
    "rule_bridge_upstream": ("桥梁上游禁采距离内", "Within the prohibited distance upstream of a bridge"),
    "rule_bridge_downstream": ("桥梁下游禁采距离内", "Within the prohibited distance downstream of a bridge"),
    "rule_dam_upstream": ("大坝上游禁采距离内", "Within the prohibited distance upstream of a dam"),
    "rule_dam_downstream": ("大坝下游禁采距离内", "Within the prohibited distance downstream of a dam"),
    "rule_intake_upstream": ("取水口上游禁采距离内", "Within the prohibited distance upstream of an intake"),
    "rule_intake_downstream": ("取水口下游禁采距离内", "Within the prohibited distance downstream of an intake"),
    "rule_ferry_upstream": ("渡口上游禁采距离内", "Within the prohibited distance upstream of a ferry"),
    "rule_ferry_downstream": ("渡口下游禁采距离内", "Within the prohibited distance downstream of a ferry"),
    "rule_gauging_station_upstream": ("水文站上游禁采距离内", "Within the prohibited distance upstream of a gauging station"),
    "rule_gauging_station_downstream": ("水文站下游禁采距离内", "Within the prohibited distance downstream of a gauging station"),
    "rule_management_range_no_permit": ("管理范围内无证开采", "Working in a management range without a valid permit"),
    "rule_closed_still_operating": ("已关停仍在生产", "Closed by order but still operating"),
    "rule_missing_weighbridge": ("未安装地磅", "No weighbridge"),
    "rule_missing_video": ("未安装视频监控", "No video surveillance"),
    "no_data": ("找不到数据文件：", "No data file at: "),
    "no_data_fix": ("运行 `riverchief demo` 生成示范县，或用 --data 指定县级 GeoPackage。",
                    "Run `riverchief demo` to build the demo county, or pass --data with a county GeoPackage."),
}


def t(key: str, lang: str = "zh") -> str:
    """The label for ``key`` in ``lang`` ('zh' or 'en')."""
    if lang not in LANGUAGES:
        raise UnknownNameError("language", lang, LANGUAGES)
    try:
        zh, en = LABELS[key]
    except KeyError:
        raise UnknownNameError("label", key, sorted(LABELS)) from None
    return zh if lang == "zh" else en
