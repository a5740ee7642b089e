"""Who may do what: roles, users from the app's secrets, password hashes, and login limits.

Three roles. A *visitor* (nobody logged in) sees phones masked and writes nothing. *Staff*
are bound to counties: they may import into, and read unmasked phones of, a store whose
``county_code`` (in its meta table) is one of theirs. An *admin* may do both in every
county. Handlers call :func:`authorize` before every write and every unmasked read; a
widget's ``disabled`` is only a hint to the browser.

Users come from ``.streamlit/secrets.toml``::

    [users.wang]
    hash = "pbkdf2_sha256$600000$…"       # riverchief hash-password --user wang
    role = "staff"                       # or "admin"
    counties = ["512099"]                # staff only: the county codes they may write

The older single line ``staff_password_hash = "…"`` keeps working: it is one staff user
named ``staff`` for the county of the store the app serves. Clear passwords are never
stored. The CLI is local use by the owner of the file and asks for no login.

Login attempts are limited in process memory shared by every session (:data:`LIMITER`):
a growing wait after each failure, per user name and per client address, and a lock-out
after repeated failures (:data:`LOGIN_RULES`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from gis._errors import InputError

SCHEME = "pbkdf2_sha256"
#: PBKDF2-SHA256 iterations for new hashes: OWASP's Password Storage Cheat Sheet (2023).
ITERATIONS = 600_000
#: Fewer iterations than this make a stolen hash cheap to crack: such a hash is refused.
MIN_ITERATIONS = 100_000
#: More than this would stall the server for seconds per login (a hostile secrets file).
MAX_ITERATIONS = 10_000_000
SECRET_KEY = "staff_password_hash"  # the one-user form in .streamlit/secrets.toml
USERS_KEY = "users"  # the [users.<name>] tables
LEGACY_USER = "staff"  # the name the one-user form logs in as
MAX_USER_NAME = 64  # characters; a longer typed name is cut before it is counted or logged
SERVED_STORE = "*"  # the one-user form's county when the served store names none

VISITOR, STAFF, ADMIN = "visitor", "staff", "admin"
ROLES = (VISITOR, STAFF, ADMIN)
USER_ROLES = (STAFF, ADMIN)  # roles a [users.NAME] table may give (a visitor has no login)
#: What a handler asks permission for.
IMPORT, UNMASKED_READ, EXPORT_UNMASKED = "import", "unmasked_read", "export_unmasked"
ACTIONS = (IMPORT, UNMASKED_READ, EXPORT_UNMASKED)


def hash_password(password: str, *, iterations: int = ITERATIONS, salt: str | None = None) -> str:
    """``pbkdf2_sha256$ITERATIONS$SALT$HASH`` for ``password`` (a fresh random salt by default).

    Parameters
    ----------
    password : str
        Not empty.
    iterations : int
        PBKDF2-SHA256 rounds; :func:`verify_password` refuses fewer than
        :data:`MIN_ITERATIONS`.
    salt : str, optional
        Only for reproducible examples and tests; a random 32-hex-digit salt by default.

    Returns
    -------
    str
        The line to put in ``.streamlit/secrets.toml``.

    Raises
    ------
    InputError
        The password is empty.

    Examples
    --------
    The fewest iterations :func:`verify_password` accepts, and a fixed salt, so the
    digest can be checked with :mod:`hashlib` alone:

    >>> stored = hash_password("河长2026", iterations=100_000, salt="demo-salt")
    >>> stored[:40]
    'pbkdf2_sha256$100000$demo-salt$0654a75d4'
    >>> digest = hashlib.pbkdf2_hmac("sha256", "河长2026".encode(), b"demo-salt", 100_000)
    >>> stored.endswith(digest.hex())
    True
    """
    if not password:
        raise InputError(code="auth.empty_password", field="password")
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations).hex()
    return f"{SCHEME}${iterations}${salt}${digest}"


def parse_hash(stored: object, *, field: str = SECRET_KEY) -> tuple[int, str, str]:
    """``(iterations, salt, digest)`` of a stored hash, or an :class:`InputError` saying why
    it cannot be used (malformed, too few iterations, too many).

    Parameters
    ----------
    stored : object
        The value from the secrets file.
    field : str
        Where it came from, named in the error (``users.wang.hash``).

    Returns
    -------
    (int, str, str)

    Raises
    ------
    InputError
        Not a ``pbkdf2_sha256`` hash, or iterations outside
        :data:`MIN_ITERATIONS`..:data:`MAX_ITERATIONS`.
    """
    parts = stored.split("$") if isinstance(stored, str) else []
    if len(parts) != 4 or parts[0] != SCHEME or not parts[2] or not parts[3]:
        raise InputError(code="auth.not_a_hash", field=field, params={"scheme": SCHEME})
    text = parts[1].strip()
    if not text.isascii() or not text.isdigit():  # also refuses "-5", "1e6", "٣"
        raise InputError(
            code="auth.iterations_not_int", field=field, params={"value": parts[1][:20]}
        )
    iterations = int(text[:9]) if len(text) <= 9 else MAX_ITERATIONS + 1  # no huge-int parsing
    if iterations < MIN_ITERATIONS:
        raise InputError(
            code="auth.iterations_low",
            field=field,
            params={"iterations": iterations, "min": MIN_ITERATIONS},
        )
    if iterations > MAX_ITERATIONS:
        raise InputError(code="auth.iterations_high", field=field, params={"max": MAX_ITERATIONS})
    return iterations, parts[2], parts[3]


def verify_password(password: str, stored: object) -> bool:
    """Whether ``password`` matches the ``stored`` hash; False for a missing, malformed or
    out-of-bounds hash (:func:`parse_hash` says why).

    Parameters
    ----------
    password : str
        As typed.
    stored : object
        A :func:`hash_password` line from the secrets file (anything else gives False).

    Returns
    -------
    bool
        Compared in constant time.

    Examples
    --------
    >>> stored = hash_password("河长2026", iterations=100_000)
    >>> verify_password("河长2026", stored), verify_password("河长2025", stored)
    (True, False)

    A hash with too few iterations is cheap to crack, and refused:

    >>> verify_password("河长2026", hash_password("河长2026", iterations=1_000))
    False
    """
    if not password or not isinstance(stored, str):
        return False
    try:
        iterations, salt, digest = parse_hash(stored)
    except InputError:
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations).hex()
    return hmac.compare_digest(candidate, digest)


@dataclass(frozen=True)
class User:
    """One account from the secrets: its role, the counties it may write (staff), its hash."""

    name: str
    role: str
    counties: frozenset[str]
    hash: str
    where: str = SECRET_KEY  # the secrets key it came from, named in errors


@dataclass(frozen=True)
class Session:
    """Who a browser session acts as. ``VISITOR_SESSION`` until someone logs in."""

    user: str
    role: str
    counties: frozenset[str] = frozenset()


VISITOR_SESSION = Session(VISITOR, VISITOR)


def session_of(user: User) -> Session:
    """The session a successful login of ``user`` opens.

    Parameters
    ----------
    user : User

    Returns
    -------
    Session
        With the user's name, role and counties.
    """
    return Session(user.name, user.role, user.counties)


def users_from_secrets(
    secrets_: Mapping[str, object], *, store_county: str | None
) -> dict[str, User]:
    """The accounts configured in the app's secrets, by name.

    Parameters
    ----------
    secrets_ : mapping
        ``st.secrets`` or any mapping with ``users`` tables and/or ``staff_password_hash``.
    store_county : str or None
        The county of the store the app serves (:func:`county_of`): the county of the one-user
        form, which is staff for whatever store the app serves when that store names none.

    Returns
    -------
    dict of str to User

    Raises
    ------
    InputError
        For an entry that cannot be used (unknown role, staff without counties, not a table);
        the field is named as ``users.<name>.<key>``.
    """
    out: dict[str, User] = {}
    legacy = secrets_.get(SECRET_KEY)
    if legacy:
        out[LEGACY_USER] = User(
            LEGACY_USER, STAFF, frozenset([store_county or SERVED_STORE]), str(legacy)
        )
    tables = secrets_.get(USERS_KEY) or {}
    if not isinstance(tables, Mapping):
        raise InputError(code="auth.users_not_table", field=USERS_KEY)
    for name, entry in tables.items():
        where = f"{USERS_KEY}.{name}"
        if not isinstance(entry, Mapping):
            raise InputError(code="auth.user_not_table", field=where)
        role = entry.get("role", STAFF)
        if role not in USER_ROLES:
            raise InputError(code="auth.unknown_role", field=f"{where}.role", params={"role": role})
        counties = entry.get("counties", [])
        if isinstance(counties, str):
            counties = [counties]
        if not isinstance(counties, Iterable) or not all(
            isinstance(c, str | int) for c in counties
        ):
            raise InputError(code="auth.counties_not_list", field=f"{where}.counties")
        counties = frozenset(str(c) for c in counties)
        if role == STAFF and not counties:
            raise InputError(code="auth.staff_without_counties", field=f"{where}.counties")
        if not entry.get("hash"):
            raise InputError(code="auth.no_hash", field=f"{where}.hash")
        out[str(name)] = User(str(name), role, counties, str(entry["hash"]), f"{where}.hash")
    return out


def county_of(store: _Store) -> str | None:
    """The county code of a store: its meta ``county_code``, else the code of the one
    county-level unit in ``admin_units``; None when neither says.

    Parameters
    ----------
    store : Store

    Returns
    -------
    str or None

    Examples
    --------
    >>> from gis import datasets
    >>> from gis.store import GeoPackageStore
    >>> county_of(GeoPackageStore(datasets.get_path("demo")))
    '512099'
    """
    code = store.meta().get("county_code")
    if code:
        return str(code)
    admin = store.read("admin_units")
    codes = admin.loc[admin["level"] == "county", "admin_code"].dropna().unique()
    return str(codes[0]) if len(codes) == 1 else None


class _Store(Protocol):
    """What :func:`county_of` needs of a store (the engine's Store; foundations cannot
    import it)."""

    def meta(self) -> dict[str, str]: ...

    def read(self, layer: str) -> Any: ...


@dataclass(frozen=True)
class Decision:
    """The answer of :func:`authorize`; falsy when refused. ``reason`` is an i18n key."""

    allowed: bool
    reason: str | None = None

    def __bool__(self) -> bool:
        return self.allowed


def authorize(session: Session | None, action: str, county_code: str | None) -> Decision:
    """May ``session`` do ``action`` on the store of ``county_code``?

    Visitors may do none of :data:`ACTIONS`; admins all of them anywhere; staff all of them
    in their own counties only. A store that names no county belongs to no staff but the
    one-user form's (:data:`SERVED_STORE`).

    Parameters
    ----------
    session : Session or None
        None is a visitor.
    action : str
        One of :data:`ACTIONS`.
    county_code : str or None
        The store's county (:func:`county_of`).

    Returns
    -------
    Decision
        Truthy when allowed; else ``reason`` is the i18n key of the message to show.

    Raises
    ------
    ValueError
        An unknown action (a programming error, not a user's).

    Examples
    --------
    >>> wang = Session("wang", STAFF, frozenset({"512099"}))
    >>> bool(authorize(wang, IMPORT, "512099")), authorize(wang, IMPORT, "512100").reason
    (True, 'auth_other_county')
    >>> authorize(None, UNMASKED_READ, "512099").reason
    'auth_need_login'
    >>> bool(authorize(Session("li", ADMIN), EXPORT_UNMASKED, "512100"))
    True
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; valid: {ACTIONS}")
    session = session or VISITOR_SESSION
    if session.role == ADMIN:
        return Decision(True)
    if session.role == STAFF:
        if (str(county_code) if county_code is not None else SERVED_STORE) in session.counties:
            return Decision(True)
        return Decision(False, "auth_other_county")
    return Decision(False, "auth_need_login")


# --- login limits -------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginRule:
    """Limits for one kind of key (a user name, a client address)."""

    first_wait_s: float  # after the first failure; doubles with each further one
    max_wait_s: float
    lock_after: int  # failures in a row that lock the key
    lock_minutes: float


#: Why these numbers: a person who mistypes waits 1, 2, 4 … s (capped at 30 s) and is
#: locked out only after 5 failures in a row for one name, for 15 minutes — at most 20
#: guesses an hour for a name, against a password of 8+ characters. One client address gets
#: 20 failures (any names; offices share an address behind NAT) before a 15-minute lock.
LOGIN_RULES: dict[str, LoginRule] = {
    "user": LoginRule(first_wait_s=1.0, max_wait_s=30.0, lock_after=5, lock_minutes=15.0),
    "ip": LoginRule(first_wait_s=1.0, max_wait_s=30.0, lock_after=20, lock_minutes=15.0),
}
UNKNOWN_ADDRESS = "(unknown address)"  # the address key of clients the server cannot see
MAX_TRACKED = 10_000  # keys kept in memory; the stalest are forgotten first


@dataclass
class _Track:
    failures: int = 0
    not_before: float = 0.0  # no attempt before this time (the growing wait)
    locked_until: float = 0.0


@dataclass(frozen=True)
class Gate:
    """Whether an attempt may be checked now; else how long to wait and whether it is a lock."""

    open: bool
    wait_s: float = 0.0
    locked: bool = False


class LoginLimiter:
    """Failed-login counts per key, shared by every session of the process (thread-safe).

    Parameters
    ----------
    rules : mapping
        Kind of key (``"user"``, ``"ip"``) to its :class:`LoginRule`.
    clock : callable
        Seconds, monotonic; tests inject their own.
    """

    def __init__(
        self,
        rules: Mapping[str, LoginRule] = LOGIN_RULES,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_tracked: int = MAX_TRACKED,
    ) -> None:
        self.rules, self.clock, self.max_tracked = dict(rules), clock, max_tracked
        self._tracks: dict[tuple[str, str], _Track] = {}
        self._lock = threading.Lock()

    def gate(self, keys: Mapping[str, str | None]) -> Gate:
        """May an attempt for ``keys`` (``{"user": name, "ip": address}``) be checked now?

        Parameters
        ----------
        keys : mapping
            Kind of key to its value; a missing value is not counted.

        Returns
        -------
        Gate
            Open, or closed with the seconds to wait and whether a lock-out holds it.
        """
        now = self.clock()
        with self._lock:
            locked = [t.locked_until - now for t in self._each(keys) if t.locked_until > now]
            if locked:
                return Gate(False, max(locked), locked=True)
            waits = [t.not_before - now for t in self._each(keys) if t.not_before > now]
            return Gate(False, max(waits)) if waits else Gate(True)

    def failed(self, keys: Mapping[str, str | None]) -> bool:
        """Count a wrong password; True when this failure locked one of the keys.

        Parameters
        ----------
        keys : mapping
            As for :meth:`gate`.

        Returns
        -------
        bool
        """
        now, locked = self.clock(), False
        with self._lock:
            for kind, value in keys.items():
                if not value:
                    continue
                rule = self.rules[kind]
                t = self._tracks.setdefault((kind, value), _Track())
                if t.locked_until and t.locked_until <= now:  # a lock that ran out starts afresh
                    t.failures, t.locked_until = 0, 0.0
                t.failures += 1
                t.not_before = now + min(rule.first_wait_s * 2 ** (t.failures - 1), rule.max_wait_s)
                if t.failures >= rule.lock_after:
                    t.locked_until = now + rule.lock_minutes * 60
                    locked = True
            self._forget_stale(now)
        return locked

    def succeeded(self, keys: Mapping[str, str | None]) -> None:
        """A right password clears the counts of its keys.

        Parameters
        ----------
        keys : mapping
            As for :meth:`gate`.
        """
        with self._lock:
            for kind, value in keys.items():
                if value:  # as failed(): empty keys are never counted
                    self._tracks.pop((kind, value), None)

    def clear(self) -> None:
        """Forget every count (tests; an admin restarting the limits)."""
        with self._lock:
            self._tracks.clear()

    def _each(self, keys: Mapping[str, str | None]) -> list[_Track]:
        return [
            t for kind, value in keys.items() if value and (t := self._tracks.get((kind, value)))
        ]

    def _forget_stale(self, now: float) -> None:
        if len(self._tracks) <= self.max_tracked:
            return
        for k in [k for k, t in self._tracks.items() if max(t.not_before, t.locked_until) <= now]:
            del self._tracks[k]
        while len(self._tracks) > self.max_tracked:  # still too many: the soonest to expire go
            del self._tracks[
                min(
                    self._tracks,
                    key=lambda k: max(self._tracks[k].not_before, self._tracks[k].locked_until),
                )
            ]


#: The one limiter of the app process: a new browser session does not reset it.
LIMITER = LoginLimiter()


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt came to.

    ``outcome`` is ``ok``, ``failed``, ``locked`` (refused unchecked: locked out),
    ``wait`` (refused unchecked: too soon after a failure) or ``bad_hash`` (the account's
    hash cannot be used; ``error`` says why). ``just_locked``: this failure set a lock.
    """

    outcome: str
    session: Session | None = None
    wait_s: float = 0.0
    just_locked: bool = False
    error: InputError | None = None


_DUMMY_SALT = secrets.token_hex(16)


def login(
    users: Mapping[str, User],
    name: str,
    password: str,
    *,
    ip: str | None = None,
    limiter: LoginLimiter = LIMITER,
) -> LoginResult:
    """Check ``password`` for the user ``name`` under the limits of ``limiter``.

    An unknown name costs the same hashing as a known one and counts as a failure, so
    neither timing nor the answer tells which names exist.

    Parameters
    ----------
    users : mapping of str to User
        From :func:`users_from_secrets`.
    name, password : str
        As typed.
    ip : str, optional
        The client's address; clients without one share one key.
    limiter : LoginLimiter
        The process's :data:`LIMITER` by default.

    Returns
    -------
    LoginResult

    Examples
    --------
    A limiter on a clock that stands still: after a wrong password the next attempt
    must wait the first wait of :data:`LOGIN_RULES` (1 s), even with the right one:

    >>> users = {"wang": User("wang", STAFF, frozenset({"512099"}),
    ...                       hash_password("河长2026", iterations=100_000))}
    >>> limiter = LoginLimiter(clock=lambda: 0.0)
    >>> login(users, "wang", "河长2025", ip="10.0.0.1", limiter=limiter).outcome
    'failed'
    >>> r = login(users, "wang", "河长2026", ip="10.0.0.1", limiter=limiter)
    >>> r.outcome, r.wait_s
    ('wait', 1.0)
    >>> limiter.clear()
    >>> r = login(users, "wang", "河长2026", ip="10.0.0.1", limiter=limiter)
    >>> r.outcome, r.session.counties
    ('ok', frozenset({'512099'}))
    """
    # a client whose address the server cannot see shares one address key: otherwise a
    # new name per attempt would escape every limit (and write an audit row each time)
    keys = {"user": name or "", "ip": ip or UNKNOWN_ADDRESS}
    gate = limiter.gate(keys)
    if not gate.open:
        return LoginResult("locked" if gate.locked else "wait", wait_s=gate.wait_s)
    user = users.get(name)
    if user is None:
        hashlib.pbkdf2_hmac("sha256", (password or "").encode(), _DUMMY_SALT.encode(), ITERATIONS)
        return LoginResult("failed", just_locked=limiter.failed(keys))
    try:
        parse_hash(user.hash, field=user.where)
    except InputError as exc:
        return LoginResult("bad_hash", error=exc)
    if verify_password(password, user.hash):
        limiter.succeeded(keys)
        return LoginResult("ok", session=session_of(user))
    return LoginResult("failed", just_locked=limiter.failed(keys))
