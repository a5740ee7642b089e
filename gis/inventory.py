"""The county inventory (the figures of the seed report), computed from the store."""

from __future__ import annotations

import pandas as pd

from gis.crs import to_metric
from gis.i18n import SUMMARY_LABELS
from gis.network import rivers_only
from gis.store import Store

#: Stable JSON keys of ``riverchief summary --json`` with their (中文, English) labels; the
#: labels are registered once, in :data:`gis.i18n.SUMMARY_LABELS`.
SUMMARY_KEYS: dict[str, tuple[str, str]] = SUMMARY_LABELS


class Summary(dict[str, int | float]):
    """The inventory: a dict of figures by :data:`SUMMARY_KEYS` key, in that order, with
    the report shape of every capability (``tables()``, ``to_json()``)."""

    def tables(self) -> dict[str, pd.DataFrame]:
        """One table ``summary``: key, 中文 and English label, value."""
        return {
            "summary": pd.DataFrame(
                [(k, *SUMMARY_KEYS[k], v) for k, v in self.items()],
                columns=["key", "label_zh", "label_en", "value"],
            )
        }

    def to_json(self) -> dict[str, int | float]:
        """The figures by key: the stable JSON of ``riverchief summary --json``."""
        return dict(self)


def summarize(store: Store) -> Summary:
    """Count the county's rivers, units, chiefs, sources, quarries, ... from ``store``.

    Parameters
    ----------
    store : Store
        The county store.

    Returns
    -------
    Summary
        A dict with the keys of :data:`SUMMARY_KEYS`, in that order; ``tables()`` and
        ``to_json()``.

    Examples
    --------
    >>> from gis import datasets, summarize
    >>> from gis.store import GeoPackageStore
    >>> figures = summarize(GeoPackageStore(datasets.get_path("demo")))
    >>> list(figures)[:3]
    ['rivers', 'rivers_in_register', 'county_rivers']
    >>> figures.tables()["summary"].columns.tolist()
    ['key', 'label_zh', 'label_en', 'value']
    """
    return Summary(_figures(store))


def _figures(store: Store) -> dict[str, int | float]:
    rivers = rivers_only(store.read("rivers"))  # not waterbody lines, connectors, coastlines
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
