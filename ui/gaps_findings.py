"""The gaps page's findings: each finding's rows placed (a geometry and a township), shown
in the user's words, filtered by township, and written as the office's report.

A row is placed by the first thing it names that has a place: its reach, signboard or
reservoir, the target of its assignment, its river, else its administrative unit. A row
that names nothing with a place keeps an empty geometry (listed, not drawn) and no township
(shown under 全部 only).
"""

from __future__ import annotations

import re
from html import escape

import folium
import geopandas as gpd
import pandas as pd

from gis import catalogue
from gis.coverage import REGISTER_TABLES
from gis.i18n import LABELS, label, t
from gis.store import GeoPackageStore

#: every finding kind the page shows, in tab order (the tables of Coverage.tables())
KINDS = (
    "unassigned",
    "boundary_reaches_unagreed",
    "agreements_unmatched",
    "holes",
    "duplicates",
    "mismatches",
    "orphan_chiefs",
    "reservoirs_without_chief",
    "signboard_issues",
    *REGISTER_TABLES,
)
#: columns whose values are codes of a catalogue list, shown as words
_LEVEL_COLUMNS = ("level", "chief_level")
#: columns that are kept for placing and filtering but never shown (codes with a name beside)
_HIDDEN = ("geometry", "county_code")


def place_rows(tables: dict[str, pd.DataFrame], reaches, store: GeoPackageStore) -> dict:
    """Each finding of ``tables`` as a GeoDataFrame in EPSG:4490 with ``township_code``.

    ``reaches`` is :attr:`gis.coverage.Coverage.reaches` (any CRS)."""
    admin = store.read("admin_units")
    parent = dict(zip(admin["admin_code"], admin["parent_code"], strict=True))
    level = dict(zip(admin["admin_code"], admin["level"], strict=True))
    reach_geom = reaches.to_crs(4490).set_index("reach_id")
    where = {
        "reach_id": reach_geom.geometry,
        "board_id": _geoms(store, "signboards", "board_id"),
        "reservoir_code": _geoms(store, "reservoirs", "reservoir_code"),
        "river_code": _geoms(store, "rivers", "river_code"),
        "admin_code": admin.set_index("admin_code").geometry,
    }
    towns = admin[admin["level"] == "township"]
    assignments = store.read("assignments").set_index("assignment_id")

    def township(code) -> str | None:
        for _ in range(4):  # village -> township; a county or above has none
            if not isinstance(code, str) or code not in level:
                return None
            if level[code] == "township":
                return code
            code = parent.get(code)
        return None

    out = {}
    for kind in KINDS:
        df = pd.DataFrame(tables[kind]).copy()
        if "assignment_id" in df.columns and len(df):  # an assignment: placed by its target
            for col in ("river_code", "reservoir_code", "admin_code"):
                if col not in df.columns:
                    df[col] = df["assignment_id"].map(assignments[col])
        geoms, town = [], []
        for row in df.to_dict("records"):
            g = None
            for col, series in where.items():
                v = row.get(col)
                if isinstance(v, str) and v in series.index:
                    g = series.loc[v]
                    g = g.iloc[0] if isinstance(g, pd.Series) else g
                    break
            geoms.append(g)
            code = row.get("township_code")
            if not isinstance(code, str):
                code = township(row.get("admin_code"))
            if code is None and g is not None and len(towns):  # a reservoir: where it lies
                hit = towns[towns.intersects(g.representative_point())]
                code = hit["admin_code"].iloc[0] if len(hit) else None
            town.append(code)
        df["township_code"] = town
        df = df.drop(columns="geometry", errors="ignore")
        out[kind] = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, crs=4490, index=df.index))
    return out


def _geoms(store: GeoPackageStore, layer: str, key: str) -> gpd.GeoSeries:
    g = store.read(layer)
    return g.to_crs(4490).drop_duplicates(key).set_index(key).geometry


def in_township(df: pd.DataFrame, code: str | None) -> pd.DataFrame:
    """The rows of a placed finding in township ``code`` (None: all rows)."""
    return df if code is None else df[df["township_code"] == code]


def readable(df: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """A finding as the user reads it: code values as words, a name beside each admin code,
    headers in ``lang``, no geometry."""
    out = pd.DataFrame(df.drop(columns=[c for c in _HIDDEN if c in df.columns]))
    for col in _LEVEL_COLUMNS:
        if col in out.columns:
            out[col] = [
                label(catalogue.LEVELS[v], lang) if v in catalogue.LEVELS else v for v in out[col]
            ]
    if "kind" in out.columns:
        out["kind"] = [_kind_word(v, lang) for v in out["kind"]]
    if "detail" in out.columns:
        out["detail"] = [detail_words(v, names, lang) for v in out["detail"]]
    if "scale" in out.columns:
        out["scale"] = [
            label(catalogue.RESERVOIR_SCALES[v], lang) if v in catalogue.RESERVOIR_SCALES else v
            for v in out["scale"]
        ]
    for code_col, name_col in (
        ("township_code", "township_name"),
        ("admin_code", "admin_name"),
        ("shared_admin_code", "shared_admin_name"),
    ):
        if code_col == "admin_code" and "unit_name" in out.columns:  # named already
            out = out.drop(columns=code_col)
        elif code_col in out.columns and name_col not in out.columns:
            at = out.columns.get_loc(code_col)
            out.insert(
                at,
                name_col,
                [names.get(c, c) if isinstance(c, str) else "—" for c in out[code_col]],
            )
            out = out.drop(columns=code_col)
    if "chief_ids" in out.columns:
        out["chief_ids"] = [
            "、".join(v) if isinstance(v, list | tuple) else v for v in out["chief_ids"]
        ]
    heads: list[str] = []
    for c in out.columns:  # one heading per column, also where two fields share a word
        head = t(f"col.{c}", lang) if f"col.{c}" in LABELS else c
        heads.append(head if head not in heads else f"{head} ({c})")
    out.columns = heads
    return out


#: the coverage analysis's ``detail`` texts (English sentences with codes), as patterns
#: and the label that says them: the codes become names, the sentence the user's language
_DETAILS = (
    (re.compile(r"^no such chief$"), "detail.no_such_chief"),
    (re.compile(r"^a (?P<a>\w+) chief holds a (?P<b>\w+) assignment$"), "detail.level"),
    (re.compile(r"^chief of (?P<a>\S+) assigned in (?P<b>\S+)$"), "detail.outside"),
    (re.compile(r"^the reach has no (?P<a>\w+) chief$"), "detail.no_current"),
    (re.compile(r"^board shows (?P<a>.*); current: (?P<b>.*)$", re.S), "detail.stale"),
    (re.compile(r"^(?P<a>\S+): no board within (?P<b>\d+) m$"), "detail.no_board"),
)


def detail_words(text, names: dict[str, str], lang: str):
    """A finding's ``detail`` in ``lang``, admin codes and levels as words; a text of
    another shape stays as it is."""
    if not isinstance(text, str):
        return text
    for pattern, key in _DETAILS:
        hit = pattern.match(text)
        if hit:
            words = {
                k: label(catalogue.LEVELS[v], lang)
                if v in catalogue.LEVELS
                else (f"{names[v]}({v})" if v in names else v)
                for k, v in hit.groupdict().items()
            }
            return t(key, lang).format(**words)
    return text


def _kind_word(v, lang: str) -> str:
    key = f"finding_kind.{v}"
    return t(key, lang) if key in LABELS else v


def report_tables(
    placed: dict[str, gpd.GeoDataFrame],
    by_township: pd.DataFrame,
    names: dict[str, str],
    lang: str,
) -> dict[str, pd.DataFrame]:
    """The report as sheets (XLSX, CSV): one per finding named in ``lang``, then the
    per-township sheet; names instead of codes, no geometry (the GPKG has it)."""
    sheets = {t(f"finding.{k}", lang)[:31]: readable(placed[k], names, lang) for k in KINDS}
    sheets[t("finding.by_township", lang)[:31]] = readable(by_township, names, lang)
    return sheets


def finding_group(rows: gpd.GeoDataFrame, kind: str, lang: str) -> folium.FeatureGroup:
    """The rows of one finding drawn over the map (lines thick, points as rings)."""
    fg = folium.FeatureGroup(name=t(f"finding.{kind}", lang))
    drawn = rows[rows.geometry.notna() & ~rows.geometry.is_empty]
    if len(drawn):
        g = gpd.GeoDataFrame(
            {"tip": [_tip(r, lang) for r in drawn.to_dict("records")]},
            geometry=drawn.geometry.values,
            crs=4490,
        ).to_crs(4326)
        folium.GeoJson(
            g.to_json(),
            style_function=lambda _f: {
                "color": "#d55e00",
                "weight": 7,
                "opacity": 0.9,
                "fillOpacity": 0.15,
            },
            marker=folium.CircleMarker(radius=9, color="#d55e00", weight=3, fill=False),
            tooltip=folium.GeoJsonTooltip(["tip"], labels=False),
        ).add_to(fg)
    return fg


def row_label(row: dict) -> str:
    """A finding row as one line to pick it by: its key and its name (a widget's text,
    not HTML; the map's tooltip escapes the same words)."""
    return _key_and_name(row) or "—"


def _tip(row: dict, lang: str) -> str:
    return escape(_key_and_name(row))


def _key_and_name(row: dict) -> str:
    key = next(
        (
            row[c]
            for c in ("reach_id", "board_id", "reservoir_code", "assignment_id", "chief_id")
            if isinstance(row.get(c), str)
        ),
        "",
    )
    name = next(
        (row[c] for c in ("river_name", "name", "chief_name") if isinstance(row.get(c), str)), ""
    )
    return f"{key} {name}".strip()
