"""Check a raw frame against the catalogue, row by row, and say exactly what is wrong.

Nothing is dropped silently: each row is accepted, accepted after a reported repair,
or rejected with its row number, field, reason and fix.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyproj
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon

from gis import catalogue, dates
from gis._errors import CRSError, InputError
from gis.coords import CHINA_BOUNDS, in_china
from gis.crs import STORAGE_EPSG, zone_prefixed_epsg
from gis.io import limits
from gis.io.readers import RawData
from gis.io.tables import parse_angle


@dataclass
class Problem:
    """One thing found about one row (or the whole file when row is None)."""

    row: int | None
    field: str | None
    reason: str
    fix: str | None = None
    action: str = "rejected"  # or "repaired"

    def text(self, row_word: str = "row") -> str:
        """The problem as one line: ``row 3, field 'geometry': reason. Fix: fix``.

        Parameters
        ----------
        row_word : str
            ``"row"`` for tables, ``"feature"`` for vector files.

        Returns
        -------
        str

        Examples
        --------
        >>> Problem(3, "lat", "latitude 105.3 is beyond ±90°", "check the columns").text()
        "row 3, field 'lat': latitude 105.3 is beyond ±90°. Fix: check the columns"
        """
        where = ", ".join(
            x
            for x in (
                f"{row_word} {self.row}" if self.row is not None else "",
                f"field '{self.field}'" if self.field else "",
            )
            if x
        )
        return f"{where}: {self.reason}" + (f". Fix: {self.fix}" if self.fix else "")


_FAMILY = {
    "Point": "Point",
    "MultiPoint": "Point",
    "LineString": "Line",
    "MultiLineString": "Line",
    "Polygon": "Polygon",
    "MultiPolygon": "Polygon",
}
_TRUE = {"1", "true", "t", "yes", "y", "是", "有", "√", "✓", "已", "已划定", "已安装"}
_FALSE = {"0", "false", "f", "no", "n", "否", "无", "×", "✗", "未", "未划定", "未安装"}
_OCR = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})


def map_columns(
    df: pd.DataFrame, layer: catalogue.Layer, field_map: dict[str, str]
) -> tuple[pd.DataFrame, list[str]]:
    """Rename source columns to catalogue fields: --field-map first, then known headers.

    Known headers are the field names in any letter case, DBF's 10-character cuts of them
    and :data:`gis.catalogue.HEADER_SYNONYMS` (Chinese register headers).

    Parameters
    ----------
    df : DataFrame
        The raw frame; not changed.
    layer : catalogue.Layer
        The target layer.
    field_map : dict
        Source column → catalogue field, from the user.

    Returns
    -------
    (DataFrame, list of str)
        The renamed frame and notes for the report; columns a GeoPackage cannot hold
        (``fid``, a case-insensitive twin) get a ``_src`` suffix.

    Raises
    ------
    InputError
        ``field_map`` names a column the file does not have.
    """
    notes, rename = [], {}
    lower_fields = {f.lower(): f for f in layer.field_names}
    labels = catalogue.header_labels(layer)
    for col in df.columns:
        key = str(col).strip()
        if key in field_map:
            rename[col] = field_map[key]
        elif key in layer.field_names:
            continue
        elif key.lower() in lower_fields:
            rename[col] = lower_fields[key.lower()]
        elif (
            len(key) == 10 and len([f for f in layer.field_names if f.startswith(key.lower())]) == 1
        ):
            # DBF cuts field names to 10 characters: population_served -> population
            rename[col] = next(f for f in layer.field_names if f.startswith(key.lower()))
        elif (by_label := _label_target(key, labels, df, rename)) is not None:
            rename[col] = by_label
        elif key in catalogue.HEADER_SYNONYMS or key.lower() in catalogue.HEADER_SYNONYMS:
            target = catalogue.HEADER_SYNONYMS.get(key) or catalogue.HEADER_SYNONYMS[key.lower()]
            if target not in df.columns and target not in rename.values():
                rename[col] = target
    unknown = [k for k in field_map if k not in map(str, df.columns)]
    if unknown:
        raise InputError(
            code="import.field_map_unknown",
            params={"unknown": unknown, "columns": [str(c) for c in df.columns][:30]},
        )
    if rename:
        notes.append("columns mapped: " + ", ".join(f"{k}→{v}" for k, v in rename.items()))
    df = df.rename(columns=rename)
    return _safe_names(df, layer, notes)


def _label_target(
    key: str, labels: dict[str, str], df: pd.DataFrame, rename: dict[Any, str]
) -> str | None:
    """The field a header names by the catalogue's own label (河长编号, chief id), unless
    the file already has that field under another header."""
    target = labels.get(key) or labels.get(key.lower())
    if target is None or target in df.columns or target in rename.values():
        return None
    return target


# Column names the GeoPackage keeps for itself (compared case-insensitively, as SQLite does):
# GDAL's feature id and geometry columns. SQL keywords are quoted by GDAL and need no change.
RESERVED = ("fid", "geom", "geometry")


def _safe_names(
    df: pd.DataFrame, layer: catalogue.Layer, notes: list[str]
) -> tuple[pd.DataFrame, list[str]]:
    """Rename source columns a GeoPackage cannot hold: reserved names and case-insensitive twins."""
    geom = getattr(df, "_geometry_column_name", None) if isinstance(df, gpd.GeoDataFrame) else None
    active = geom if geom in df.columns else None
    keep = {c for c in df.columns if c == active or c in layer.field_names}
    taken = {str(c).lower() for c in df.columns}
    seen: set[str] = set()
    renamed: dict[int, str] = {}
    for i, col in enumerate(df.columns):
        low = str(col).lower()
        if (
            col in keep and col not in seen
        ):  # the first column of a catalogue or geometry name stays
            seen.update((col, low))
            continue
        if low in RESERVED or low in seen or any(str(k).lower() == low for k in keep if k != col):
            new, k = f"{col}_src", 2
            while new.lower() in taken or new.lower() in seen:
                new, k = f"{col}_src{k}", k + 1
            renamed[i] = new
            taken.add(new.lower())
            low = new.lower()
        seen.add(low)
    if not renamed:
        return df, notes
    out = df.copy(deep=False)
    cols = list(df.columns)
    notes.append(
        "columns renamed because the GeoPackage reserves the name or already has it in other "
        "letter case: " + ", ".join(f"{cols[i]}→{n}" for i, n in renamed.items())
    )
    out.columns = [renamed.get(i, c) for i, c in enumerate(cols)]
    if active is not None:
        out = gpd.GeoDataFrame(out, geometry=active, crs=df.crs)
    return out, notes


def coerce(field: catalogue.Field, value: Any) -> tuple[Any, str | None]:
    """(value, repair note or None); raises ValueError with the reason.

    Parameters
    ----------
    field : catalogue.Field
        The target field: its type and code list decide.
    value : object
        A cell as read; empty text, None and NaN give ``(None, None)``.

    Returns
    -------
    (object, str or None)
        The stored value (numbers, ``True``/``False``, ISO dates, codes) and a note when
        it was repaired (OCR look-alike letters in a number).

    Raises
    ------
    ValueError
        The reason, for the report: not a number, not yes/no, not a date, not a code.

    Examples
    --------
    >>> from gis import catalogue
    >>> sources = catalogue.get_layer("water_sources")
    >>> coerce(sources.field("population_served"), "1,200")
    (1200, None)
    >>> coerce(sources.field("population_served"), "12O0")
    (1200, "read '12O0' as 1200 (OCR look-alike letters)")
    >>> coerce(sources.field("has_official_zone"), "是")
    (True, None)
    >>> coerce(sources.field("source_type"), "湖库型")
    ('reservoir', None)
    """
    if (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and not value.strip())
    ):
        return None, None
    if field.dtype in ("int", "float"):
        return _coerce_number(field, value)
    if field.dtype == "bool":
        return _coerce_bool(value), None
    if field.dtype in ("date", "datetime"):
        return _coerce_date(field, value), None
    return _coerce_text(field, value), None


def _coerce_number(field: catalogue.Field, value: Any) -> tuple[int | float, str | None]:
    """A number (whole for ``int`` fields), reading OCR look-alike letters as digits."""
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a number")
    if isinstance(value, int | float | np.integer | np.floating):
        num, note = float(value), None
    else:
        text = str(value).strip().replace(",", "")
        try:
            num, note = float(text), None
        except ValueError:
            fixed = text.translate(_OCR)
            try:
                num, note = float(fixed), f"read '{text}' as {fixed} (OCR look-alike letters)"
            except ValueError:
                raise ValueError(f"'{value}' is not a number") from None
    if not math.isfinite(num):
        raise ValueError(f"'{value}' is not a finite number")
    if field.dtype == "int":
        if num != int(num):
            raise ValueError(f"'{value}' is not a whole number")
        return int(num), note
    return num, note


def _coerce_bool(value: Any) -> bool:
    """Yes or no from a boolean, 是/否, 1/0 or true/false."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"'{value}' is not yes/no (use 是/否, 1/0 or true/false)")


def _coerce_date(field: catalogue.Field, value: Any) -> str:
    """ISO text of a date (or date and time) by the one strict reader (:mod:`gis.dates`):
    01/07/2026 is refused, never read as 7 January."""
    try:
        if field.dtype == "date":
            return dates.parse_date(value).isoformat()
        return str(dates.parse_datetime(value).isoformat())
    except InputError as exc:
        raise ValueError(exc.reason) from None


def _coerce_text(field: catalogue.Field, value: Any) -> str:
    """Stripped text; for a field with a code list, the code of a code, label or level word."""
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))  # codes read from Excel as 512099.0
    if field.codes is None:
        return text
    if text in field.codes:
        return text
    if text in catalogue.CODE_DECIDES and field.codes in (catalogue.LEVELS, catalogue.ADMIN_LEVELS):
        # a row with a unit code had the word decided by it (gis.io.names.city_level_problems)
        raise ValueError(
            f"'{text}' is city level for a prefecture city (code XXYY00) and county level for "
            "a county-level city (县级市, a county code); nothing in the row tells which: "
            "write 地市级 or 县级"
        )
    for code, (zh, en) in field.codes.items():
        if text in (zh, en) or text.lower() == en.lower():
            return code
    if text in catalogue.LEVEL_WORDS and catalogue.LEVEL_WORDS[text] in field.codes:
        return catalogue.LEVEL_WORDS[text]
    allowed = ", ".join(f"{c} ({zh})" for c, (zh, _) in field.codes.items())
    raise ValueError(f"'{value}' is not in the code list: {allowed}")


# text that float() reads exactly as numpy's object->float64 cast does (both call float())
PLAIN_NUMBER = r"[+-]?[0-9]+(?:\.[0-9]+)?"
_PLAIN_NUMBER = re.compile(PLAIN_NUMBER)
_INT_EXACT = 2.0**53  # below this a float holding a whole number converts to int64 exactly


def plain_numbers(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(positions, values) of the cells that are plain decimal text such as ``-105.25``.

    The same numbers ``float()`` gives (numpy's object cast calls it); the pattern match runs
    in Arrow for text columns. Anything else (commas, spaces, DMS, exponents) is left out.

    Parameters
    ----------
    column : Series
        Text cells (object or string dtype).

    Returns
    -------
    (numpy.ndarray of int, numpy.ndarray of float)
        Positions of the plain numbers and their values.
    """
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        # Arrow parses decimal text correctly rounded, as float() does (tests hold them equal)
        arr = pa.chunked_array(pa.array(column.array))
        mask = pc.fill_null(pc.match_substring_regex(arr, f"^(?:{PLAIN_NUMBER})$"), False)
        pos = np.flatnonzero(mask.to_numpy())
        return pos, pc.cast(pc.filter(arr, mask), pa.float64()).to_numpy()
    if isinstance(column.dtype, pd.StringDtype):
        mask = column.str.fullmatch(PLAIN_NUMBER).to_numpy(dtype=bool, na_value=False)
        pos = np.flatnonzero(mask)
        text = column.to_numpy(dtype=object)[pos]
    else:
        values = column.tolist()
        pos = np.array(
            [i for i, v in enumerate(values) if v.__class__ is str and _PLAIN_NUMBER.fullmatch(v)],
            dtype=np.intp,
        )
        text = np.array([values[i] for i in pos], dtype=object)
    return pos, text.astype(np.float64)


def coerce_column(
    field: catalogue.Field, column: pd.Series
) -> tuple[list[Any], dict[int, str], dict[int, str]]:
    """:func:`coerce` over a whole column, with the same outcome for every value.

    Returns ``(values, {position: reason rejected}, {position: repair note})``. Plain decimal
    text in number columns is converted in one numpy pass; every other value is coerced once
    per distinct value (code lists, yes/no and dates repeat), so a column costs about one
    dictionary look-up per row instead of a full :func:`coerce` call.

    Parameters
    ----------
    field : catalogue.Field
        The target field.
    column : Series
        The cells as read.

    Returns
    -------
    (list, dict of int to str, dict of int to str)
        The values, the reasons of rejected positions, and the notes of repaired ones.
    """
    values = column.tolist()
    out: list[Any] = [None] * len(values)
    errors: dict[int, str] = {}
    notes: dict[int, str] = {}
    rest: range | list[int] = range(len(values))
    if field.dtype in ("int", "float"):
        rest = _plain_numbers_into(field, column, out)
    elif field.dtype == "str" and field.codes is None:
        rest = _plain_text_into(values, out)
    memo: dict[object, tuple[Any, str | None, str | None]] = {}
    for i in rest:
        v = values[i]
        if v is None or (v.__class__ is float and v != v):
            continue  # empty: None, as coerce gives
        out[i], note, error = _coerce_memo(field, v, memo)
        if note is not None:
            notes[i] = note
        if error is not None:
            errors[i] = error
    return out, errors, notes


def _plain_numbers_into(field: catalogue.Field, column: pd.Series, out: list[Any]) -> list[int]:
    """Convert the plain decimal cells into ``out`` in one numpy pass; the positions left."""
    pos, nums = plain_numbers(column)
    if not len(pos):
        return list(range(len(out)))
    good = np.isfinite(nums)
    if field.dtype == "int":
        good &= (nums == np.trunc(nums)) & (np.abs(nums) < _INT_EXACT)
        converted = np.where(good, nums, 0).astype(np.int64).tolist()
    else:
        converted = nums.tolist()
    done = [False] * len(out)
    for i, ok, v in zip(pos.tolist(), good.tolist(), converted, strict=True):
        if ok:
            out[i], done[i] = v, True
    return [i for i in range(len(out)) if not done[i]]


def _plain_text_into(values: list[Any], out: list[Any]) -> list[int]:
    """Strip the text cells of a free-text column into ``out``; the positions left."""
    fast = [False] * len(values)
    for i, v in enumerate(values):
        if v.__class__ is str:
            out[i], fast[i] = v.strip() or None, True
    return [i for i in range(len(values)) if not fast[i]]


def _coerce_memo(
    field: catalogue.Field, v: Any, memo: dict[object, tuple[Any, str | None, str | None]]
) -> tuple[Any, str | None, str | None]:
    """``(value, note, error)`` of :func:`coerce` for one cell, once per distinct value."""
    key: object = v if v.__class__ is str else (v.__class__, v)
    try:
        hit = memo.get(key)
    except TypeError:  # unhashable (a list from a JSON property): no memo
        key, hit = None, None
    if hit is None:
        try:
            hit = (*coerce(field, v), None)
        except ValueError as exc:
            hit = (None, None, str(exc))
        if key is not None:
            memo[key] = hit
    return hit


def resolve_crs(raw: RawData, crs: str | None, file: str) -> tuple[pyproj.CRS, list[str]]:
    """The CRS to read the geometries in, or a CRSError that says how to find it.

    Parameters
    ----------
    raw : RawData
        The file as read, with the CRS it declares (if any).
    crs : str or None
        The user's ``--crs``; it overrides the file's.
    file : str
        The file's name in messages.

    Returns
    -------
    (pyproj.CRS, list of str)
        The CRS and notes for the report (an override, an unnamed datum).

    Raises
    ------
    CRSError
        ``crs`` is not a CRS, or the file declares none and none was given (the fix
        guesses one from the coordinates).
    """
    notes = []
    if crs:
        try:
            given = pyproj.CRS.from_user_input(crs)
        except pyproj.exceptions.CRSError as exc:
            raise CRSError(code="input.crs_unknown", file=file, params={"crs": crs}) from exc
        if raw.crs is not None and not pyproj.CRS(raw.crs).equals(given):
            notes.append(f"--crs {crs} overrides the file's own CRS ({pyproj.CRS(raw.crs).name})")
        return given, notes
    if raw.crs is None:
        raise CRSError(code="input.crs_missing", file=file, params={"guess": _crs_guess(raw.frame)})
    found = pyproj.CRS(raw.crs)
    datum = found.datum.name if found.datum else ""
    if "unknown" in datum.lower() or "unknown" in found.name.lower():
        notes.append(
            f"the file's datum is not named ('{datum or found.name}'); its ellipsoid is "
            f"{found.ellipsoid.name if found.ellipsoid else 'unknown'}; read as given"
        )
    return found, notes


def _crs_guess(frame: pd.DataFrame) -> str:
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all():
        return "find out which CRS the data was made in"
    x0, y0, x1, y1 = frame.total_bounds
    if -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90:
        return "the numbers look like degrees: CGCS2000 is EPSG:4490, WGS84 is EPSG:4326"
    if x0 > 1e7:
        epsg = zone_prefixed_epsg(x0)
        return (
            f"the eastings carry a zone prefix ({int(x0 // 1e6)}): CGCS2000 zone-prefixed GK is "
            f"EPSG:{epsg}"
            if epsg
            else "the eastings are very large: a zone-prefixed Gauss-Krüger CRS"
        )
    if 1e5 <= x0 <= x1 <= 9e5 and 1e6 <= y0 <= 6e6:
        return (
            "the numbers look like Gauss-Krüger metres: "
            "CGCS2000 3-degree zones are EPSG:4534-4554 (4544 is CM 105°E)"
        )
    return "find out which CRS the data was made in"


def points_from_table(
    df: pd.DataFrame, rows: list[int], swap_xy: bool
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Point geometries from lon/lat columns (decimal or DMS).

    Parameters
    ----------
    df : DataFrame
        With ``lon`` and ``lat`` columns.
    rows : list of int
        The row number a user would quote, per row of ``df``.
    swap_xy : bool
        The columns hold latitude where longitude belongs.

    Returns
    -------
    (GeoDataFrame, list of Problem)
        Without the lon/lat columns, EPSG:4490; a row whose angles cannot be read has no
        geometry and one Problem.
    """
    problems: list[Problem] = []
    geoms: list[Any] = []
    for i, (lon_v, lat_v) in enumerate(zip(df["lon"], df["lat"], strict=True)):
        try:
            lon, lat = parse_angle(lon_v), parse_angle(lat_v)
        except ValueError as exc:
            which = "lon" if _bad(lon_v) else "lat"
            problems.append(
                Problem(
                    rows[i],
                    which,
                    f"coordinate {exc}",
                    "write decimal degrees like 105.2345 or DMS like 105°12′30″",
                )
            )
            geoms.append(None)
            continue
        x, y = (lat, lon) if swap_xy else (lon, lat)
        # a latitude of 105 may be a swapped pair (check_location says so); beyond 180 either way
        # it is no angle
        bad = _out_of_range(x, y) if not (abs(x) <= 180 and abs(y) <= 180) else None
        if bad:
            problems.append(Problem(rows[i], "lat" if "latitude" in bad[0] else "lon", *bad))
            geoms.append(None)
            continue
        geoms.append(Point(x, y))
    return gpd.GeoDataFrame(
        df.drop(columns=["lon", "lat"]), geometry=geoms, crs=STORAGE_EPSG
    ), problems


def _out_of_range(lon: float, lat: float) -> tuple[str, str] | None:
    """(reason, fix) when degrees are not finite or not on the globe, else None."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return (
            f"coordinate ({lon}, {lat}) is not a finite number",
            "write decimal degrees like 105.2345; empty cells, NaN and infinity are not "
            "coordinates",
        )
    if not -180 <= lon <= 180:
        return (
            f"longitude {lon:g} is outside -180..180",
            "write longitude in degrees east (China is 73-135)",
        )
    if not -90 <= lat <= 90:
        return (
            f"latitude {lat:g} is outside -90..90",
            "write latitude in degrees north (China is 3-54)",
        )
    return None


def _bad(v: Any) -> bool:
    try:
        parse_angle(v)
        return False
    except ValueError:
        return True


def fit_geometry(geom: shapely.Geometry, target: str) -> tuple[shapely.Geometry, str | None]:
    """(geometry in the layer's type, repair note or None); raises ValueError.

    Parameters
    ----------
    geom : shapely geometry or None
        As read.
    target : str
        The layer's geometry type (``"Point"``, ``"LineString"``, ``"MultiPolygon"``, ...).

    Returns
    -------
    (shapely geometry, str or None)
        Invalid geometry repaired (``make_valid``), a single-point MultiPoint as a Point,
        a joined MultiLineString as a LineString, a Polygon as a MultiPolygon; the note
        says what was repaired.

    Raises
    ------
    ValueError
        No geometry, non-finite coordinates, the wrong kind, or parts that do not join.

    Examples
    --------
    >>> from shapely.geometry import Polygon
    >>> bow_tie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    >>> fixed, note = fit_geometry(bow_tie, "MultiPolygon")
    >>> fixed.geom_type, len(fixed.geoms), fixed.area, note
    ('MultiPolygon', 2, 0.5, 'invalid geometry repaired (Self-intersection[0.5 0.5])')
    """
    if geom is None or geom.is_empty:
        raise ValueError("the feature has no geometry (empty, or cut off in a truncated file)")
    if not np.isfinite(shapely.get_coordinates(geom)).all():
        raise ValueError(
            "the geometry has coordinates that are not finite numbers (NaN or infinity)"
        )
    family = _FAMILY.get(geom.geom_type)
    want = _FAMILY[target]
    note = None
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        fixed = (
            shapely.make_valid(geom, method="structure", keep_collapsed=False)
            if want == "Polygon"
            else shapely.make_valid(geom)
        )
        fixed = _only(fixed, want)
        if fixed is None or fixed.is_empty:
            raise ValueError(f"invalid geometry ({reason}) that cannot be repaired")
        geom, family, note = fixed, want, f"invalid geometry repaired ({reason})"
    if family != want:
        raise ValueError(f"geometry is {geom.geom_type}; layer needs {target}")
    if target == "LineString" and geom.geom_type == "MultiLineString":
        merged = shapely.line_merge(geom)
        if merged.geom_type != "LineString":
            raise ValueError(
                f"a multi-part line ({len(geom.geoms)} parts) that does not join into one line"
            )
        geom = merged
    if target == "Point" and geom.geom_type == "MultiPoint":
        if len(geom.geoms) != 1:
            raise ValueError(
                f"a multi-point with {len(geom.geoms)} points; the layer needs one point per row"
            )
        geom = geom.geoms[0]
    if target == "MultiPolygon" and isinstance(geom, Polygon):
        geom = MultiPolygon([geom])
    if target == "MultiLineString" and isinstance(geom, LineString):
        geom = MultiLineString([geom])
    return geom, note


def _only(geom: shapely.Geometry, family: str) -> shapely.Geometry | None:
    parts = [g for g in getattr(geom, "geoms", [geom]) if _FAMILY.get(g.geom_type) == family]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)


def check_location(
    geom: shapely.Geometry, *, allow_outside: bool = False
) -> tuple[str, str] | None:
    """(reason, fix) when a geometry in EPSG:4490 is not on the globe, or not in China, else None.

    ``allow_outside`` accepts places abroad, never coordinates beyond ±180° / ±90°.

    Parameters
    ----------
    geom : shapely geometry
        In EPSG:4490; its bounding box is checked.
    allow_outside : bool
        Accept places outside China.

    Returns
    -------
    (str, str) or None
        The reason and the fix, or None when the place is plausible.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> check_location(Point(105.3, 30.3)) is None
    True
    >>> check_location(Point(30.3, 105.3))[0]
    'longitude and latitude look swapped (30.3000, 105.3000)'
    >>> check_location(Point(2.35, 48.85))[0]
    'outside China (2.3500, 48.8500; China is lon 73.4–135.2, lat 3.5–53.6)'
    >>> check_location(Point(2.35, 48.85), allow_outside=True) is None
    True
    """
    x0, y0, x1, y1 = geom.bounds
    if not all(map(math.isfinite, (x0, y0, x1, y1))):
        return "coordinates are not finite after reprojection", "check the CRS of the file"
    if in_china(x0, y0) and in_china(x1, y1):
        return None
    bad = _out_of_range(x0, y0) or _out_of_range(x1, y1)
    if (bad or not allow_outside) and in_china(y0, x0) and in_china(y1, x1):
        return (
            f"longitude and latitude look swapped ({x0:.4f}, {y0:.4f})",
            "swap them in the source, or re-run with --swap-xy",
        )
    if bad:
        return bad[0], "check the CRS of the file (--crs) and the coordinates in the source"
    if allow_outside:
        return None
    lo = CHINA_BOUNDS
    return (
        f"outside China ({x0:.4f}, {y0:.4f}; China is lon {lo[0]}–{lo[2]}, lat {lo[1]}–{lo[3]})",
        "check the CRS (--crs); for reference data from abroad use --allow-outside-china",
    )


def reject_long_text(raw: RawData) -> list[Problem]:
    """Take rows with a text cell longer than ``max_cell_chars`` out of ``raw``; one Problem
    per row.

    The rows are rejected, not the file: one pasted document in a cell must not block the
    register, nor travel into every map the store draws. The rejects file lists the row
    without its content (the content is what is too long).

    Parameters
    ----------
    raw : RawData
        Changed in place: the rows are removed from ``frame`` and ``rows``.

    Returns
    -------
    list of Problem
        One per row taken out, naming its first over-long field.
    """
    lim = limits.current()
    cap = lim["max_cell_chars"]
    frame = raw.frame
    geom = (
        getattr(frame, "_geometry_column_name", None)
        if isinstance(frame, gpd.GeoDataFrame)
        else None
    )
    hits: dict[int, tuple[str, int]] = {}
    for j, col in enumerate(frame.columns):  # by position: a sheet may repeat a header
        column = frame.iloc[:, j]
        if col == geom:
            continue
        if column.dtype != object:
            if not pd.api.types.is_string_dtype(column.dtype):
                continue  # numbers, dates, booleans: no text to be too long
            long = (column.str.len() > cap).to_numpy(dtype=bool, na_value=False)
            for i in np.flatnonzero(long).tolist():
                hits.setdefault(i, (str(col), len(column.iloc[i])))
            continue
        values = column.to_numpy()
        try:
            if (
                max(map(len, values), default=0) <= cap
            ):  # all text and all short: the common case, fast
                continue
        except TypeError:
            pass
        for i, v in enumerate(values):
            if isinstance(v, str) and len(v) > cap:
                hits.setdefault(i, (str(col), len(v)))
    if not hits:
        return []
    problems = [
        Problem(
            raw.rows[i],
            col,
            f"the text has {n:,} characters, over the limit of {cap:,} "
            f"(max_cell_chars in {lim.rule_set})",
            "shorten the cell; keep long documents as files outside the table",
        )
        for i, (col, n) in sorted(hits.items())
    ]
    keep = np.ones(len(frame), dtype=bool)
    keep[list(hits)] = False
    raw.frame = frame[keep].reset_index(drop=True)
    raw.rows = [r for r, k in zip(raw.rows, keep, strict=True) if k]
    return problems
