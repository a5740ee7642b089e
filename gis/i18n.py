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
