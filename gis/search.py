"""Find rivers, townships, villages, chiefs and reservoirs by name or code.

:func:`search_features` is the verb (``gis.search_features``); :func:`search_index` and
:func:`find` are its two steps, for a face that keeps the index between queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from gis._errors import InputError
from gis.crs import STORAGE_EPSG
from gis.reports import records
from gis.store import Store

KINDS = ("river", "township", "village", "chief", "reservoir")
DEFAULT_LIMIT = 50  # hits returned by find()


def search_index(store: Store) -> gpd.GeoDataFrame:
    """Everything one can search for: ``kind, code, name, detail, geometry`` (EPSG:4490).

    A chief's geometry is the admin unit they serve; ``detail`` names the post and unit.

    Parameters
    ----------
    store : Store
        The county store (reads ``admin_units``, ``rivers``, ``reservoirs``, ``chiefs``).

    Returns
    -------
    GeoDataFrame
        One row per river, township, village, chief and reservoir; build it once per
        store version and pass it to :func:`find`.
    """
    admin = store.read("admin_units").to_crs(STORAGE_EPSG)
    unit_name = dict(zip(admin["admin_code"], admin["name"], strict=True))
    unit_geom = dict(zip(admin["admin_code"], admin.geometry, strict=True))
    rivers = store.read("rivers").to_crs(STORAGE_EPSG)
    res = store.read("reservoirs").to_crs(STORAGE_EPSG)
    chiefs = store.read("chiefs")
    parts = [
        pd.DataFrame(
            {
                "kind": "river",
                "code": rivers["river_code"],
                "name": rivers["name"],
                "detail": rivers["management_level"],
                "geometry": rivers.geometry.values,
            }
        ),
        *[
            pd.DataFrame(
                {
                    "kind": lv,
                    "code": a["admin_code"],
                    "name": a["name"],
                    "detail": a["parent_code"].map(unit_name),
                    "geometry": a.geometry.values,
                }
            )
            for lv, a in ((lv, admin[admin["level"] == lv]) for lv in ("township", "village"))
        ],
        pd.DataFrame(
            {
                "kind": "chief",
                "code": chiefs["chief_id"],
                "name": chiefs["name"],
                "detail": chiefs["post"] + " · " + chiefs["admin_code"].map(unit_name).fillna(""),
                "geometry": chiefs["admin_code"].map(unit_geom).values,
            }
        ),
        pd.DataFrame(
            {
                "kind": "reservoir",
                "code": res["reservoir_code"],
                "name": res["name"],
                "detail": res["scale"],
                "geometry": res.geometry.values,
            }
        ),
    ]
    return gpd.GeoDataFrame(
        pd.concat(parts, ignore_index=True), geometry="geometry", crs=STORAGE_EPSG
    )


def find(
    index: gpd.GeoDataFrame, text: str, *, kinds=KINDS, limit: int = DEFAULT_LIMIT
) -> gpd.GeoDataFrame:
    """Rows of :func:`search_index` whose name or code contains ``text`` (case-insensitive):
    exact matches first, then by kind and code.

    Parameters
    ----------
    index : GeoDataFrame
        From :func:`search_index`.
    text : str
        Part of a name or code.
    kinds : sequence of str
        Which of :data:`KINDS` to search.
    limit : int
        At most this many rows.

    Returns
    -------
    GeoDataFrame
        ``kind, code, name, detail, geometry`` (EPSG:4490).

    Raises
    ------
    InputError
        ``text`` is empty, or ``kinds`` names an unknown kind.

    Examples
    --------
    >>> from gis import datasets
    >>> from gis.store import GeoPackageStore
    >>> index = search_index(GeoPackageStore(datasets.get_path("demo")))
    >>> index["kind"].value_counts().to_dict()
    {'chief': 2137, 'village': 407, 'river': 337, 'reservoir': 101, 'township': 63}
    >>> find(index, "黄沟")[["kind", "code", "name", "detail"]].values.tolist()
    [['river', '512099R001', '黄沟江', 'county']]
    >>> find(index, "512099c0001", kinds=["chief"])[["name", "detail"]].values.tolist()
    [['董丽', '县委书记 · 示范县']]
    """
    q = str(text or "").strip().lower()
    if not q:
        raise InputError(code="search.empty", field="text")
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise InputError(
            code="search.unknown_kinds",
            field="kinds",
            params={"kinds": str(sorted(unknown)), "valid": list(KINDS)},
        )
    idx = index[index["kind"].isin(kinds)]
    name, code = idx["name"].fillna("").str.lower(), idx["code"].fillna("").str.lower()
    hit = idx[name.str.contains(q, regex=False) | code.str.contains(q, regex=False)].copy()
    hit["_exact"] = ~((hit["name"].str.lower() == q) | (hit["code"].str.lower() == q))
    hit["_kind"] = hit["kind"].map({k: i for i, k in enumerate(KINDS)})
    return (
        hit.sort_values(["_exact", "_kind", "code"])
        .drop(columns=["_exact", "_kind"])
        .head(limit)
        .reset_index(drop=True)
    )


@dataclass
class SearchHits:
    """The hits of one search: ``hits`` has ``kind, code, name, detail, geometry`` (EPSG:4490)."""

    text: str
    hits: gpd.GeoDataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """The one table ``hits``."""
        return {"hits": self.hits}

    def to_json(self) -> dict:
        """``{"text": ..., "hits": [{kind, code, name, detail}, ...]}`` (strict: no NaN)."""
        return {
            "text": self.text,
            "hits": records(pd.DataFrame(self.hits.drop(columns="geometry"))),
        }


def search_features(
    store: Store,
    text: str,
    *,
    kinds: Iterable[str] = KINDS,
    limit: int = DEFAULT_LIMIT,
    index: gpd.GeoDataFrame | None = None,
) -> SearchHits:
    """Find rivers, townships, villages, chiefs and reservoirs whose name or code contains
    ``text`` (case-insensitive): exact matches first, then by kind and code.

    Parameters
    ----------
    store : Store
        The county store.
    text : str
        Part of a name or code; empty text is refused.
    kinds : iterable of str
        Which of :data:`KINDS` to search.
    limit : int
        At most this many hits.
    index : GeoDataFrame, optional
        A :func:`search_index` of ``store`` built before (a face that searches often).

    Returns
    -------
    SearchHits
        ``hits`` as a frame; ``tables()`` and ``to_json()``.

    Examples
    --------
    >>> from gis import datasets, search_features
    >>> from gis.store import GeoPackageStore
    >>> found = search_features(GeoPackageStore(datasets.get_path("demo")), "512099R001")
    >>> found.to_json()["hits"][0]["kind"]
    'river'
    """
    index = search_index(store) if index is None else index
    return SearchHits(str(text), find(index, text, kinds=tuple(kinds), limit=limit))
