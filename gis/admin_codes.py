"""Administrative division codes: the level a code's shape says, and the province and city
codes above a county.

GB/T 2260 gives six digits to a province (``XX0000``), a prefecture city (``XXYY00``) and a
county, district or county-level city (``XXYYZZ``, ``ZZ`` not ``00``); the statistical codes
below it add three digits for a township, 镇/乡/街道 (9), and three for a village, 村/社区
(12). A county store holds polygons from the county down: its province and city are known
by these codes only, read off the county's own code.
"""

from __future__ import annotations

#: The code shape of each level (digits, and the shape as a refusal names it), top down.
CODE_SHAPES: dict[str, tuple[int, str]] = {
    "province": (6, "XX0000"),
    "city": (6, "XXYY00"),
    "county": (6, "XXYYZZ, not ending in 00"),
    "township": (9, "9 digits"),
    "village": (12, "12 digits"),
}
#: The levels a county store has no polygons of: their units are named by code only, and
#: their chiefs hold whole rivers (the part inside the county).
ABOVE_COUNTY: tuple[str, ...] = ("province", "city")


def level_of_code(code: object) -> str | None:
    """The level whose shape ``code`` has, or None for anything that is not such a code.

    Parameters
    ----------
    code : object
        An admin code as text.

    Returns
    -------
    str or None
        ``"province"``, ``"city"``, ``"county"``, ``"township"``, ``"village"`` or None.

    Examples
    --------
    >>> [level_of_code(c) for c in ("330000", "330100", "330106", "330106001", "51")]
    ['province', 'city', 'county', 'township', None]
    """
    if not isinstance(code, str) or not code.isdigit():
        return None
    if len(code) == 6:
        if code.endswith("0000"):
            return "province"
        return "city" if code.endswith("00") else "county"
    return {9: "township", 12: "village"}.get(len(code))


def shape_problem(level: str, code: object) -> str | None:
    """Why ``code`` cannot be the code of a unit of ``level``, or None when its shape fits.

    Text that is not all digits is left to other checks (None).

    Parameters
    ----------
    level : str
        A level of :data:`CODE_SHAPES`.
    code : object
        The admin code as text.

    Returns
    -------
    str or None
        The reason, naming the shape the code has and the one the level needs.

    Examples
    --------
    >>> shape_problem("city", "330106")
    'level city but the admin code 330106 has 6 digits (a county code); a city code is XXYY00'
    >>> shape_problem("township", "330106001") is None
    True
    """
    if level not in CODE_SHAPES or not isinstance(code, str) or not code.isdigit():
        return None
    got = level_of_code(code)
    if got == level:
        return None
    what = f"has {len(code)} digits" + (f" (a {got} code)" if got else "")
    return f"level {level} but the admin code {code} {what}; a {level} code is {describe(level)}"


def describe(level: str) -> str:
    """The shape of a code of ``level`` in words (``XXYY00``, ``9 digits``)."""
    return CODE_SHAPES[level][1]


#: The fix of a level that contradicts its code: every shape, top down.


def above(county_code: str) -> dict[str, str]:
    """The province and city codes of a county (``{"province": "330000", "city": "330100"}``).

    Parameters
    ----------
    county_code : str
        A county code (``XXYYZZ``).

    Returns
    -------
    dict of str to str
        One code per level of :data:`ABOVE_COUNTY`; empty when ``county_code`` is not a
        county code.

    Examples
    --------
    >>> above("330106")
    {'province': '330000', 'city': '330100'}
    >>> above("330100")
    {}
    """
    if level_of_code(county_code) != "county":
        return {}
    return {"province": county_code[:2] + "0000", "city": county_code[:4] + "00"}
