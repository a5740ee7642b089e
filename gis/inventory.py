"""The county inventory (the figures of the seed report), computed from the store."""

from __future__ import annotations

from gis.crs import to_metric
from gis.store import Store

#: Stable JSON keys of ``riverchief summary --json`` (tools depend on them), with labels.
SUMMARY_KEYS: dict[str, tuple[str, str]] = {
    "rivers": ("登记河流(条)", "Rivers registered"),
    "rivers_in_register": ("列入名录河流(条)", "Rivers in the register (名录)"),
    "county_rivers": ("县管河流(条)", "County-managed rivers"),
    "reservoirs": ("水库(座)", "Reservoirs"),
    "townships": ("镇乡(个)", "Townships"),
    "villages": ("村(个)", "Villages"),
    "chiefs_county": ("县级河长(名)", "County-level chiefs"),
    "chiefs_township": ("镇乡级河长(名)", "Township-level chiefs"),
    "patrollers_village": ("村级巡河员(名)", "Village patrollers"),
    "water_sources": ("集中式供水水源(处)", "Centralised water sources"),
    "water_sources_with_zone": ("已划定保护区水源(处)", "Sources with a protection zone"),
    "signboards": ("河长公示牌(块)", "Signboards"),
    "quarries": ("采砂场(个)", "Sand quarries"),
    "quarries_closed": ("已关停采砂场(个)", "Quarries closed"),
    "weighbridges": ("地磅(台)", "Weighbridges"),
    "video_systems": ("视频监控(套)", "Video-surveillance systems"),
    "river_length_km": ("河流总长(km)", "Total river length (km)"),
}


def summarize(store: Store) -> dict[str, int | float]:
    """Compute the inventory from the data in ``store``.

    Returns
    -------
    dict
        The keys of :data:`SUMMARY_KEYS`, in that order.
    """
    rivers = store.read("rivers")
    admin = store.read("admin_units")
    chiefs = store.read("chiefs")
    sources = store.read("water_sources")
    quarries = store.read("quarries")
    length_km = float(to_metric(rivers).length.sum() / 1000) if len(rivers) else 0.0
    level_counts = chiefs["level"].value_counts()
    return {
        "rivers": len(rivers),
        "rivers_in_register": int(rivers["in_register"].fillna(False).sum()),
        "county_rivers": int((rivers["management_level"] == "county").sum()),
        "reservoirs": len(store.read("reservoirs")),
        "townships": int((admin["level"] == "township").sum()),
        "villages": int((admin["level"] == "village").sum()),
        "chiefs_county": int(level_counts.get("county", 0)),
        "chiefs_township": int(level_counts.get("township", 0)),
        "patrollers_village": int(level_counts.get("village", 0)),
        "water_sources": len(sources),
        "water_sources_with_zone": int(sources["has_official_zone"].fillna(False).sum()),
        "signboards": len(store.read("signboards")),
        "quarries": len(quarries),
        "quarries_closed": int(quarries["closure_date"].notna().sum()),
        "weighbridges": int(quarries["has_weighbridge"].fillna(False).sum()),
        "video_systems": int(quarries["has_video"].fillna(False).sum()),
        "river_length_km": round(length_km, 1),
    }
