"""The audit log: who did what to a county store, and when, kept in the store itself.

One row per event in the ``audit_log`` table (see :mod:`gis.catalogue`): logins (ok,
failed, locked), imports and replacements with the rows written, unmasked exports, and
the command line's writes (who is then the OS user). Rows are only ever appended, through
the store's public ``write(..., mode="append")``.
"""

from __future__ import annotations

import datetime as dt
import getpass
import secrets
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # the store imports this module for its table name
    from gis.store import Store

TABLE = "audit_log"
LOCAL_ROLE = "local"  # the command line: the owner of the file on their own machine


def event(
    *,
    who: str,
    role: str,
    action: str,
    target: str | None = None,
    rows: int | None = None,
    client: str | None = None,
    detail: str | None = None,
    now: dt.datetime | None = None,
) -> pd.DataFrame:
    """One audit row as a frame, to write in the same transaction as the change it records.

    Parameters are those of :func:`record`.

    Returns
    -------
    DataFrame
        One row of the ``audit_log`` layer; the time in UTC to the second, and an
        ``event_id`` of that time and 8 random hex digits.

    Examples
    --------
    >>> import datetime as dt
    >>> beijing = dt.timezone(dt.timedelta(hours=8))
    >>> row = event(who="wang", role="staff", action="import", target="signboards", rows=2,
    ...             now=dt.datetime(2026, 7, 1, 8, 30, 5, 123, tzinfo=beijing)).iloc[0]
    >>> row["time_utc"], row["event_id"][:17], int(row["rows"])
    ('2026-07-01T00:30:05+00:00', 'E20260701T003005Z', 2)
    """
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    row = {
        "event_id": f"E{when:%Y%m%dT%H%M%SZ}{secrets.token_hex(4)}",
        "time_utc": when.isoformat(),
        "who": who,
        "role": role,
        "action": action,
        "target": target,
        "rows": None if rows is None else int(rows),
        "client": client,
        "detail": detail,
    }
    return pd.DataFrame([row])


def record(  # noqa: PLR0913 -- one keyword per column of the audit row, as event() takes
    store: Store,
    *,
    who: str,
    role: str,
    action: str,
    target: str | None = None,
    rows: int | None = None,
    client: str | None = None,
    detail: str | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Append one event to the store's audit log and return it.

    For an event that is not itself a write (a login, a download). A write records its
    event in its own transaction (``import_file(..., audit=)``), so the change and its
    row land together or not at all.

    Parameters
    ----------
    store : Store
        The county store the event concerns.
    who, role : str
        User name (``visitor`` when nobody is logged in) and role.
    action : str
        ``login_ok``, ``login_failed``, ``login_locked``, ``import``, ``replace``,
        ``export_unmasked``, ``zones_write``, ``patrols_import`` …
    target, rows, client, detail : optional
        Layer or file, rows written or exported, client address, free text.
    now : datetime, optional
        The time (UTC); the clock by default.

    Returns
    -------
    dict
        The row written.

    Raises
    ------
    StoreError
        When the store cannot be written; callers decide whether that stops the action.

    Examples
    --------
    >>> from gis.store import MemoryStore
    >>> store = MemoryStore()
    >>> record(store, who="wang", role="staff", action="login_ok", client="10.0.0.1")["action"]
    'login_ok'
    >>> store.read(TABLE)[["who", "action", "client"]].values.tolist()
    [['wang', 'login_ok', '10.0.0.1']]
    """
    frame = event(
        who=who,
        role=role,
        action=action,
        target=target,
        rows=rows,
        client=client,
        detail=detail,
        now=now,
    )
    store.write({TABLE: frame}, mode="append")
    row: dict[str, Any] = frame.iloc[0].to_dict()
    return row


def os_user() -> str:
    """The local account running the command line (``unknown`` when the OS does not say).

    Returns
    -------
    str
    """
    try:
        return getpass.getuser()
    except (
        Exception
    ):  # no login name (a container without a passwd entry): never fail a write for it
        return "unknown"
