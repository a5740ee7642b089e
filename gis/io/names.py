"""Names in a register (乡镇, 村, 河流名称, 河长姓名) turned into the store's codes, never guessed.

A name that matches one thing gives its code. A name that matches several (two rivers, or two
arcs of one river under different codes; two townships; two chiefs) refuses the row with the
candidates and their codes, and the fix: write the code. A 村 whose township is not the
given 乡镇 refuses the row. A code the row already has is kept; names that contradict it
refuse the row.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from gis.admin_codes import above, level_of_code
from gis.catalogue import CODE_DECIDES, Layer
from gis.io.reasons import Reason
from gis.io.validate import Problem
from gis.store import Store

#: Register columns that are turned into codes and not stored themselves.
NAME_COLUMNS = ("river_name", "reservoir_name", "township_name", "village_name", "chief_name")
#: Fields whose ``--default`` fills only rows the name look-up left empty: a default county
#: code must not file township chiefs under the county.
RESOLVED_FIELDS = ("admin_code", "river_code", "reservoir_code", "chief_id")

Index = dict[str, list[str]]  # name -> codes, in store order, without repeats


def _index(names: list[Any], codes: list[Any]) -> Index:
    out: Index = {}
    for n, c in zip(names, codes, strict=True):
        if isinstance(n, str) and n.strip() and isinstance(c, str):
            found = out.setdefault(n.strip(), [])
            if c not in found:
                found.append(c)
    return out


def _text(v: object) -> str | None:
    """A cell as stripped text, or None when empty."""
    if v is None or (isinstance(v, float) and v != v):
        return None
    s = str(v).strip()
    return s or None


def _code(v: object) -> str | None:
    """A code cell as text (Excel gives 512099.0 for 512099), or None when empty."""
    if isinstance(v, float) and v == v and v.is_integer():
        return str(int(v))
    return _text(v)


def _ambiguous(
    what: str, name: str, cands: list[str], label: dict[str, str], code_zh: str
) -> Reason:
    shown = [f"{c} ({label[c]})" if c in label else c for c in cands]
    said = {"what": what, "name": name, "count": len(cands), "candidates": shown}
    return Reason("row.name_ambiguous", {**said, "code_zh": code_zh})


def resolve(
    df: pd.DataFrame, spec: Layer, store: Store, rows: list[int]
) -> tuple[pd.DataFrame, dict[int, Problem], list[str]]:
    """Fill ``admin_code``, ``river_code``, ``reservoir_code`` and ``chief_id`` from names.

    Parameters
    ----------
    df : DataFrame
        The register after column mapping; changed in place (code columns added or filled).
    spec : Layer
        The target layer: only its fields are filled.
    store : Store
        The store whose units, rivers, reservoirs and chiefs the names are looked up in.
    rows : list of int
        The row number a user would quote, per row of ``df``.

    Returns
    -------
    (DataFrame, dict of int to Problem, list of str)
        The frame, the refused rows by position (reason and fix name the candidates), and
        notes for the report.
    """
    problems: dict[int, Problem] = {}
    notes: list[str] = []
    fields = spec.field_names
    cols = set(df.columns)
    if "admin_code" in fields and {"township_name", "village_name"} & cols:
        _units(df, store, rows, problems)
        notes.append(Reason("note.admin_lookup"))
    if spec.name == "assignments" and "chief_id" in fields and "name" in cols:
        df = df.rename(columns={"name": "chief_name"})  # 姓名 in an assignments sheet
        cols = set(df.columns)
    for field, column, layer, zh, what, header in (
        ("river_code", "river_name", "rivers", "河流编码", "river", "河流名称"),
        ("reservoir_code", "reservoir_name", "reservoirs", "水库编码", "reservoir", "水库名称"),
        ("chief_id", "chief_name", "chiefs", "河长编号", "chief", "河长姓名"),
    ):
        if field in fields and column in cols and spec.name != layer:
            things = store.read(layer)
            _by_name(df, field, column, things, what, zh, rows, problems)
            notes.append(Reason("note.code_lookup", {"field": field, "header": header}))
    return df, problems, notes


def _by_name(
    df: pd.DataFrame,
    field: str,
    column: str,
    things: pd.DataFrame,
    what: str,
    code_zh: str,
    rows: list[int],
    problems: dict[int, Problem],
) -> None:
    """One code per row from a name column; chiefs of the same name are told apart by the
    row's admin unit where it has one."""
    key = {"river": "river_code", "reservoir": "reservoir_code", "chief": "chief_id"}[what]
    index = _index(things["name"].tolist(), things[key].tolist())
    unit_of = (
        dict(zip(things[key].tolist(), things["admin_code"].tolist(), strict=True))
        if what == "chief"
        else {}
    )
    label = {c: str(u) for c, u in unit_of.items()}
    given = df[field].tolist() if field in df.columns else [None] * len(df)
    units = df["admin_code"].tolist() if "admin_code" in df.columns else [None] * len(df)
    out: list[str | None] = []
    for i, (name_v, code_v, unit_v) in enumerate(
        zip(df[column].tolist(), given, units, strict=True)
    ):
        name, code = _text(name_v), _code(code_v)
        cands = index.get(name, []) if name else []
        if what == "chief" and len(cands) > 1 and _code(unit_v):
            cands = [c for c in cands if unit_of.get(c) == _code(unit_v)] or cands
        if code is not None:
            if name and cands and code not in index.get(name, []):
                said = {"what": what, "code": code, "name": name, "codes": index[name]}
                why = Reason("row.name_code_disagrees", {**said, "code_zh": code_zh})
                problems.setdefault(i, Problem.of(rows[i], field, why))
            out.append(code)
            continue
        if name is None:
            out.append(None)
        elif not cands:
            why = Reason("row.name_not_found", {"what": what, "name": name, "code_zh": code_zh})
            problems.setdefault(i, Problem.of(rows[i], field, why))
            out.append(None)
        elif len(cands) > 1:
            why = _ambiguous(what, name, cands, label, code_zh)
            problems.setdefault(i, Problem.of(rows[i], field, why))
            out.append(None)
        else:
            out.append(cands[0])
    df[field] = out


def _units(df: pd.DataFrame, store: Store, rows: list[int], problems: dict[int, Problem]) -> None:
    """admin_code from 乡镇 and 村 names: a village is looked up within its township, and a
    village of another township refuses the row rather than overriding the 乡镇."""
    admin = store.read("admin_units")
    level, name = admin["level"].tolist(), admin["name"].tolist()
    codes = admin["admin_code"].tolist()
    parent = dict(zip(codes, admin["parent_code"].tolist(), strict=True))
    name_of = dict(zip(codes, name, strict=True))
    towns = _index(
        [n if lv == "township" else None for n, lv in zip(name, level, strict=True)], codes
    )
    villages = _index(
        [n if lv == "village" else None for n, lv in zip(name, level, strict=True)], codes
    )
    label = {c: f"{name_of.get(parent.get(c), parent.get(c))}" for c in codes}
    given = df["admin_code"].tolist() if "admin_code" in df.columns else [None] * len(df)
    t_col = df["township_name"].tolist() if "township_name" in df.columns else [None] * len(df)
    v_col = df["village_name"].tolist() if "village_name" in df.columns else [None] * len(df)
    out: list[str | None] = []
    for i, (t_v, v_v, code_v) in enumerate(zip(t_col, v_col, given, strict=True)):
        t, v, code = _text(t_v), _text(v_v), _code(code_v)
        found, problem = _unit(t, v, towns, villages, parent, label)
        if code is not None:  # the row's own code decides, unless its names name another unit
            said = {"code": code, "names": f"{t or ''} {v or ''}", "found": found}
            problem = (
                None
                if found in (None, code)
                else Reason(
                    "row.unit_code_disagrees", {**said, "found_name": str(name_of.get(found))}
                )
            )
            found = code
        if problem:
            problems.setdefault(i, Problem.of(rows[i], "admin_code", problem))
            found = None
        out.append(found)
    df["admin_code"] = out


def _unit(
    t: str | None,
    v: str | None,
    towns: Index,
    villages: Index,
    parent: dict[str, str],
    label: dict[str, str],
) -> tuple[str | None, Reason | None]:
    """(code, None) or (None, reason) for one row's 乡镇 and 村; (None, None) if neither."""
    if t is None and v is None:
        return None, None
    t_cands = towns.get(t, []) if t else []
    if t and not t_cands:
        return None, Reason("row.no_township", {"name": t})
    if v is None:
        if len(t_cands) > 1:
            return None, _ambiguous("township", t or "", t_cands, {}, "行政区划代码")
        return t_cands[0], None
    v_cands = villages.get(v, [])
    if not v_cands:
        return None, Reason("row.no_village", {"name": v})
    if t is not None:
        inside = [c for c in v_cands if parent.get(c) in t_cands]
        if not inside:
            where = [f"{c} {label[c]}" for c in v_cands]  # code and township, in any language
            said = {"village": v, "township": t, "where": where}
            return None, Reason("row.village_elsewhere", said)
        v_cands = inside
    if len(v_cands) > 1:
        return None, _ambiguous("village", v, v_cands, label, "行政区划代码")
    return v_cands[0], None


def city_level_problems(
    df: pd.DataFrame, spec: Layer, store: Store, rows: list[int]
) -> dict[int, Problem]:
    """Decide 市级 (市) by the row's unit code, in place; refuse the rows no code decides.

    市级 is the prefecture city's level with a city code (``XXYY00``) and county level with
    a county code (a county-level city, 县级市; DOMAIN §1): ``df["level"]`` becomes
    ``city`` or ``county``. A row without a code, or with a code of another level, is
    refused with the candidates (the county's city code and its own code) and the fix.

    Parameters
    ----------
    df : DataFrame
        The register after the name look-up (``level`` still as written, ``admin_code``);
        its ``level`` column is changed in place.
    spec : Layer
        The target layer; only layers with ``level`` and ``admin_code`` are decided here
        (a river's 管理级别 has no unit: 市级 there is refused by the field check).
    store : Store
        Its county unit names the candidates.
    rows : list of int
        The row number a user would quote, per row of ``df``.

    Returns
    -------
    dict of int to Problem
    """
    if not {"level", "admin_code"} <= set(spec.field_names) or "level" not in df.columns:
        return {}
    said = df["level"].tolist()
    todo = [i for i, v in enumerate(said) if _text(v) in CODE_DECIDES]
    if not todo:
        return {}
    units = df["admin_code"].tolist() if "admin_code" in df.columns else [None] * len(df)
    out: dict[int, Problem] = {}
    for i in todo:
        word, code = _text(said[i]) or "", _code(units[i])
        got = level_of_code(code)
        if got in CODE_DECIDES[word]:
            said[i] = got
            continue
        out[i] = Problem.of(rows[i], "level", _city_problem(word, code, got, store))
    df["level"] = said
    return out


def _city_problem(word: str, code: str | None, got: str | None, store: Store) -> Reason:
    """Why a 市级 row is refused that no code decides."""
    if code is None:
        admin = store.read("admin_units")
        county = sorted(set(admin.loc[admin["level"] == "county", "admin_code"].dropna()))
        if not county:
            return Reason("row.city_no_code_any", {"word": word})
        cities = [above(c)["city"] for c in county if above(c)]
        said = {"word": word, "cities": cities, "counties": [str(c) for c in county]}
        return Reason("row.city_no_code", said)
    what = f"a {got} code" if got else "not an admin code"  # a kind.* row translates it
    return Reason("row.city_code_shape", {"word": word, "code": code, "what": what})
