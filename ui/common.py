"""What every page needs: the data path, the language, and cached loaders.

Loaders are keyed on the store's path and mtime (never on a GeoDataFrame): a re-import
invalidates them, a rerun does not recompute.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import math
import os
import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from gis import datasets, maps
from gis._errors import InputError, RiverChiefError
from gis.audit import record
from gis.auth import (
    IMPORT,
    LEGACY_USER,
    MAX_USER_NAME,
    VISITOR,
    VISITOR_SESSION,
    Decision,
    Session,
    authorize,
    county_of,
    login,
    users_from_secrets,
)
from gis.i18n import t
from gis.maps import Backdrop, basemaps
from gis.maps.chrome import FocusInPlace, PrintView, ViewInUrl, map_tools
from gis.safe import md_text
from gis.store_pg import display_name, is_postgis_url, open_data, postgis_stem
from ui import kept_output, map_cache, urlstate

try:  # $RIVERCHIEF_DATA (riverchief app sets it), else the config file, else the demo
    DATA_KEY: str = datasets.default_data()[0]
    DATA_ERROR: RiverChiefError | None = None
except RiverChiefError as _exc:  # a broken config file: app.py says so instead of any page
    DATA_KEY, DATA_ERROR = str(datasets.get_path("demo")), _exc


def data_names(key: str) -> dict[str, object]:
    """The module's names for the store ``key`` (a path or a PostGIS URL): ``DATA_KEY``
    (what loaders are keyed on and open), ``ON_POSTGIS``, ``DATA`` (the file; for a
    PostGIS store the name its GeoPackage export gets), ``DATA_NAME`` (how users see it,
    never with a password) and ``DATA_STEM`` (export file names)."""
    pg = is_postgis_url(key)
    data = Path(f"{postgis_stem(key)}.gpkg") if pg else Path(key)
    return {
        "DATA_KEY": key,
        "ON_POSTGIS": pg,
        "DATA": data,
        "DATA_NAME": display_name(key) if pg else data.name,
        "DATA_STEM": data.stem,
    }


_names = data_names(DATA_KEY)
ON_POSTGIS: bool = bool(_names["ON_POSTGIS"])
DATA: Path = Path(str(_names["DATA"]))
DATA_NAME: str = str(_names["DATA_NAME"])
DATA_STEM: str = str(_names["DATA_STEM"])
SESSION_KEY = "auth"  # the session's gis.auth.Session; never a widget key
HIT_KEY = "search_hit"  # the sidebar search's hit (ui.search_box), drawn on every page's map
#: Files the app makes for browsers to fetch (Streamlit serves ./static beside app.py)
STATIC_CACHE = Path(__file__).resolve().parents[1] / "static" / "cache"
STATIC_CACHE_URL = "/app/static/cache"
log = logging.getLogger("riverchief.app")


def lang() -> str:
    return st.session_state.get("lang", "zh")


#: a server path under the temporary folder (an upload's copy): its folders are dropped
_TEMP_DIRS = re.compile(
    re.escape(tempfile.gettempdir().rstrip("/\\")) + r"[/\\](?:[^/\\\s'\"]+[/\\])*"
)


def error_text(exc: BaseException, lg: str, *, files: dict[str, str] | None = None) -> str:
    """A library error in the user's language, as plain text (escape it for Markdown):
    the server's paths become the names the user knows (``files``: server path -> name; the
    store as its file name; any other temporary copy as its own file name)."""
    text = exc.message(lg) if isinstance(exc, RiverChiefError) else str(exc)
    for old, new in sorted({**(files or {}), DATA_KEY: DATA_NAME}.items(), reverse=True):
        text = text.replace(old, new)
    return _TEMP_DIRS.sub("", text)


def show_error(
    exc: BaseException,
    lg: str,
    *,
    files: dict[str, str] | None = None,
    prefix: str | None = None,
    box: Callable[[str], object] | None = None,
) -> None:
    """Say a library error on the page, escaped, in the user's language (:func:`error_text`),
    after ``prefix`` (a label); ``box`` is ``st.error`` unless given (``st.warning`` ...)."""
    text = md_text(error_text(exc, lg, files=files))
    (box or st.error)(f"{prefix}: {text}" if prefix else text)


def secret(name: str) -> str | None:
    """A value from Streamlit secrets, or None when there is no secrets file or key."""
    try:
        return st.secrets.get(name)
    except Exception:  # no secrets.toml at all: Streamlit raises on first access
        return None


def session() -> Session:
    """Who this browser session acts as (a visitor until a login succeeds).

    Kept under a key no widget uses, so no browser message can set it."""
    return st.session_state.get(SESSION_KEY) or VISITOR_SESSION


def store_county() -> str | None:
    try:
        return load_county(DATA_KEY, mtime())
    except (RiverChiefError, OSError):
        return None


@st.cache_data(show_spinner=False)
def load_county(path: str, mtime: float) -> str | None:
    return county_of(open_data(path))


def may(action: str) -> Decision:
    """Whether this session may do ``action`` (gis.auth.ACTIONS) on the store the app serves.
    Every write and unmasked read asks here, in its handler."""
    return authorize(session(), action, store_county())


def client_ip() -> str | None:
    try:
        return st.context.ip_address
    except Exception:  # older Streamlit, or no request (AppTest)
        return None


def audit(
    action: str,
    *,
    as_session: Session | None = None,
    target: str | None = None,
    rows: int | None = None,
    detail: str | None = None,
    who: str | None = None,
    client: str | None = None,
) -> None:
    """One row in the store's audit log; a failure to write it is said, never hidden."""
    s = as_session or session()
    try:
        record(
            open_data(DATA_KEY),
            who=(who or s.user)[:MAX_USER_NAME],
            role=s.role,
            action=action,
            target=target,
            rows=rows,
            client=client if client is not None else client_ip(),
            detail=detail,
        )
    except RiverChiefError as exc:
        log.error("audit log not written (%s %s): %s", action, target, exc)
        with contextlib.suppress(
            Exception
        ):  # a deferred download runs outside the page: the log line stays
            show_error(exc, lang(), prefix=t("audit_failed", lang()), box=st.warning)


def audit_fields(detail: str | None = None) -> dict[str, str | None]:
    """Who is acting, for a write that records its own audit row (``import_file(audit=)``)."""
    s = session()
    return {"who": s.user[:MAX_USER_NAME], "role": s.role, "client": client_ip(), "detail": detail}


def audited(action: str, target: str, build: Callable[[], bytes]) -> Callable[[], bytes]:
    """A deferred download whose production is logged (the session is taken now: the file
    may be built outside this script run)."""
    s, ip = session(), client_ip()

    def run():
        data = build()
        audit(action, as_session=s, target=target, client=ip)
        return data

    return run


def configured_users() -> dict:
    """The accounts in secrets (``[users.*]`` tables and the one-user ``staff_password_hash``)."""
    try:
        raw = st.secrets.to_dict()
    except Exception:  # no secrets.toml at all: Streamlit raises on first access
        return {}
    return users_from_secrets(raw, store_county=store_county())


def staff_login(lang: str) -> None:
    """Sidebar: log in as a user from secrets (hash only), limited server-side per user
    name and client address; every attempt that is checked goes to the audit log."""
    s = session()
    if s.role != VISITOR:
        if may(IMPORT):
            st.sidebar.success(t("staff_on", lang))
        else:
            st.sidebar.warning(t("auth_not_this_county", lang))
        st.sidebar.caption(
            f"{t('signed_in_as', lang)}: {md_text(s.user)} · {t(f'role_{s.role}', lang)}"
        )
        if st.sidebar.button(t("staff_logout", lang)):
            st.session_state[SESSION_KEY] = VISITOR_SESSION
            st.rerun()
        return
    with st.sidebar.expander(t("staff_mode", lang)):
        try:
            users = configured_users()
        except InputError as exc:
            show_error(exc, lang, prefix=t("users_misconfigured", lang))
            return
        if not users:
            st.caption(t("staff_not_configured", lang))
            return
        name = LEGACY_USER
        if set(users) != {LEGACY_USER}:
            name = (
                st.text_input(
                    t("user_name", lang), key="staff_user", max_chars=MAX_USER_NAME
                ).strip()
                or LEGACY_USER
            )
        pw = st.text_input(t("password", lang), type="password", key="staff_pw")
        if st.button(t("staff_login", lang)):
            _attempt(users, name[:MAX_USER_NAME], pw, lang)


def _attempt(users: dict, name: str, pw: str, lang: str) -> None:
    ip = client_ip()
    result = login(users, name, pw, ip=ip)
    if result.outcome == "ok":
        st.session_state[SESSION_KEY] = result.session
        audit("login_ok", as_session=result.session, client=ip)
        st.rerun()
    elif result.outcome == "failed":
        audit(
            "login_failed",
            as_session=VISITOR_SESSION,
            who=name,
            client=ip,
            detail=None if name in users else "no such user",
        )
        if result.just_locked:
            audit("login_locked", as_session=VISITOR_SESSION, who=name, client=ip)
        st.error(t("staff_wrong", lang))
    elif result.outcome == "wait":
        st.error(t("login_wait", lang).format(s=math.ceil(result.wait_s)))
    elif result.outcome == "locked":
        st.error(t("login_locked", lang).format(m=math.ceil(result.wait_s / 60)))
    else:  # bad_hash: the account's stored hash is unusable; say why and how to fix it
        show_error(result.error, lang, prefix=t("login_bad_hash", lang))


def basemap() -> str:
    return st.session_state.get("basemap", "offline")


def show_map(
    m,
    *,
    key: str,
    height: int = 620,
    returned_objects=(),
    feature_group_to_add=None,
    center=None,
    zoom=None,
    base: tuple | None = None,
):
    """The map with the chosen basemap under the data. Everything drawn (the map, the
    groups added to it, the centre) moves with the basemap; the answer's ``last_clicked``
    comes back in CGCS2000 (the Gaode shift undone).

    ``base``: the inputs the map ``m`` is built from (a builder, then: ``m()``), when they
    are all there is to it: the map is then built and rendered once for them and reused
    on every rerun (see :mod:`ui.map_cache`); what changes goes in ``feature_group_to_add``.
    """
    bm, lg = basemap(), lang()
    tianditu = secret("tianditu_key")

    def build():
        mm = m() if callable(m) else m
        note = None
        try:
            basemaps.apply_basemap(mm, bm, tianditu_key=tianditu)
        except RiverChiefError as exc:
            note = exc
        # 打印此视图: the extent on screen, to the print page in a new tab (no phones on a sheet)
        mm.add_child(PrintView(t("dossier.print_view", lg), lang=lg, gcj=bm == "gaode"))
        mm.add_child(map_tools(lg, gcj=bm == "gaode"))  # cursor coordinates, measure
        # a reload or a copied link keeps the view; a language switch too (same scope)
        mm.add_child(ViewInUrl(gcj=bm == "gaode", scope=view_scope(base)))
        mm.add_child(FocusInPlace())  # a click on a map half below the fold is not lost
        return mm, note

    # the key the tiles are fetched with (a kept map outlives a restart: a new key is
    # another map), as a digest: the key itself is a secret
    tk = tianditu or os.environ.get(basemaps.TIANDITU_ENV, "")
    r = map_cache.rendered(
        None if base is None else (*base, bm, lg, hashlib.sha256(tk.encode()).hexdigest()[:12]),
        build,
        publish=(STATIC_CACHE, STATIC_CACHE_URL),
        keep=kept_output.folder_for(DATA_KEY),
    )
    if r.note is not None:
        show_error(r.note, lg, box=st.warning)
    groups = (
        feature_group_to_add if isinstance(feature_group_to_add, list) else [feature_group_to_add]
    )
    hit = st.session_state.get(HIT_KEY)
    if hit is not None and len(hit) and hit.geometry.notna().all():
        groups = [*groups, maps.highlight(hit, lang=lg)]  # the search, on every map
        if center is None:  # the page's own framing (a selection) comes first
            center, zoom = maps.view_of(hit.to_crs(4326), width_px=500)
    groups = [g for g in groups if g is not None]
    for fg in groups:
        if bm == "gaode":
            basemaps.shift_to_gcj02(fg)
    linked = urlstate.take_view()  # ?lat=&lon=&zoom=: a link's view, used once
    if center is None and linked is not None:
        center, zoom = linked
    if center is not None:
        center = basemaps.point_on(center[0], center[1], bm)
    out = map_cache.draw(
        r,
        key=f"{key}-{bm}",
        height=height,
        returned_objects=list(returned_objects),
        groups=groups,
        center=center,
        zoom=zoom,
    )
    return _answer(out, bm)


def view_scope(base: tuple | None) -> str:
    """What a map shows whatever its language and basemap (``base``, the page's inputs), as
    a short digest: a new map of the same scope opens where the last one was left
    (:class:`gis.maps.chrome.ViewInUrl`); "" (no base: a map of one run) never does."""
    return "" if base is None else hashlib.sha256(repr(base).encode()).hexdigest()[:16]


def map_answer(key: str) -> dict:
    """What the map ``key`` of :func:`show_map` last answered, read before it is drawn, so a
    page can act on a click in the same run (not draw, see the click, and run again)."""
    bm = basemap()
    return _answer(st.session_state.get(f"{key}-{bm}"), bm)


def _answer(out, bm: str) -> dict:
    out = dict(out or {})  # a copy: the component's value stays as the browser sent it
    click = out.get("last_clicked")
    if click:
        lon, lat = basemaps.click_to_cgcs2000(click["lng"], click["lat"], bm)
        out["last_clicked"] = {"lng": lon, "lat": lat}
    return out


def mtime() -> str:
    """The cache key of the store: its version, which changes with every committed write,
    also one still in QGIS's WAL file (where the file's mtime does not move)."""
    return open_data(DATA_KEY).version()


@st.cache_data(show_spinner=False)
def load_meta(path: str, mtime: float) -> dict:
    return open_data(path).meta()


@st.cache_data(show_spinner=False)
def load_layers(path: str, mtime: float) -> dict:
    # the heavy part (read + simplify); folium maps are rebuilt every run, identically
    # (stable ids), because a folium element must not be rendered twice
    return maps.overview_layers(open_data(path))


@functools.lru_cache(maxsize=8)
def backdrop(path: str) -> Backdrop | None:
    """The offline basemap of the store at ``path`` (the hillshade, demo county only),
    built once per store and handed to every map builder; its image is served from
    ``static/cache`` (fetched once by the browser, not resent with every map)."""
    found = Backdrop.for_store(path)
    return None if found is None else found.publish(STATIC_CACHE, STATIC_CACHE_URL)


_RESOURCES: dict[str, tuple[tuple, object]] = {}
_LOCK = threading.Lock()


def keyed_resource(name: str, key: tuple, build):
    """One shared object per ``name``, rebuilt when ``key`` (path, mtime, ...) changes.

    Like ``st.cache_resource`` but ``build`` may write progress to the page: Streamlit
    replays elements drawn inside a cached function, which breaks for placeholders.
    The lock makes concurrent sessions wait for one build instead of starting another.
    """
    with _LOCK:
        hit = _RESOURCES.get(name)
        if hit is None or hit[0] != key:
            _RESOURCES.pop(name, None)  # free the old version before building the new one
            _RESOURCES[name] = (key, build())
        return _RESOURCES[name][1]


def peek_resource(name: str, key: tuple):
    """The object :func:`keyed_resource` holds for ``name`` if it was built for ``key``,
    else None; never builds (a page may show what another page has already computed)."""
    with _LOCK:
        hit = _RESOURCES.get(name)
        return hit[1] if hit is not None and hit[0] == key else None
