"""Server-side authorization: roles, per-county staff, login limits, hash bounds, the audit
log, and forged browser messages for every staff action sent as a visitor.

A forged message is a widget trigger for a button the page drew disabled. Streamlit 1.67
drops such triggers itself; 1.60 (allowed by ``streamlit>=1.40``) ran the handler. The
forged tests switch that enforcement off (:func:`no_disabled_enforcement`) so they test the
page's own check, whatever the installed version.
"""

from __future__ import annotations

import hashlib
import io
import sys
import tomllib
from pathlib import Path

import pytest
import streamlit as st
from app_data import app_data
from markdown_text import plain
from streamlit.testing.v1 import AppTest

from gis import auth
from gis._errors import InputError
from gis.audit import record
from gis.auth import (
    ADMIN,
    EXPORT_UNMASKED,
    IMPORT,
    LOGIN_RULES,
    MAX_ITERATIONS,
    MIN_ITERATIONS,
    STAFF,
    UNMASKED_READ,
    VISITOR_SESSION,
    LoginLimiter,
    Session,
    authorize,
    hash_password,
    login,
    parse_hash,
    users_from_secrets,
)
from gis.cli import main
from gis.store import GeoPackageStore

ROOT = Path(__file__).resolve().parents[1]
COUNTY = "512099"  # the demo store's meta county_code
PW = "river-chief-2026"
HASH = hash_password(PW, iterations=MIN_ITERATIONS)  # the smallest accepted: keeps the tests quick


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- hashes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iterations, why",
    [
        ("0", "at least 100,000"),
        ("1", "at least 100,000"),
        ("99999", "at least 100,000"),
        ("-600000", "not a whole number"),
        ("6e5", "not a whole number"),
        ("abc", "not a whole number"),
        ("", "not a whole number"),
        ("٦٠٠٠٠٠", "not a whole number"),
        (str(MAX_ITERATIONS + 1), "more than 10,000,000"),
        ("9" * 5000, "more than 10,000,000"),
    ],
)
def test_hash_iterations_out_of_bounds_are_refused_with_the_fix(iterations, why):
    stored = f"pbkdf2_sha256${iterations}$salt$00"
    with pytest.raises(InputError, match=why) as err:
        parse_hash(stored, field="users.wang.hash")
    assert "riverchief hash-password" in str(err.value) and "users.wang.hash" in str(err.value)
    assert not auth.verify_password(PW, stored)


def test_hash_bounds_and_defaults():
    assert auth.ITERATIONS == 600_000 and MIN_ITERATIONS <= auth.ITERATIONS <= MAX_ITERATIONS
    assert parse_hash(f"pbkdf2_sha256${MAX_ITERATIONS}$s$00") == (MAX_ITERATIONS, "s", "00")
    assert parse_hash(HASH)[0] == MIN_ITERATIONS
    assert hash_password(PW).split("$")[1] == "600000"


# --- users and roles ------------------------------------------------------------------------

SECRETS = {
    "users": {
        "wang": {"hash": HASH, "role": "staff", "counties": [COUNTY]},
        "li": {"hash": HASH, "role": "staff", "counties": ["510101"]},
        "boss": {"hash": HASH, "role": "admin"},
    }
}


def test_users_from_secrets_and_the_one_user_form():
    users = users_from_secrets({**SECRETS, "staff_password_hash": HASH}, store_county=COUNTY)
    assert {n: (u.role, sorted(u.counties)) for n, u in users.items()} == {
        "staff": ("staff", [COUNTY]),
        "wang": ("staff", [COUNTY]),
        "li": ("staff", ["510101"]),
        "boss": ("admin", []),
    }
    assert users_from_secrets({}, store_county=COUNTY) == {}
    for bad, field in (
        ({"wang": {"hash": HASH, "role": "root"}}, "users.wang.role"),
        ({"wang": {"hash": HASH}}, "users.wang.counties"),  # staff by default, no county
        ({"wang": {"role": "admin"}}, "users.wang.hash"),
        ({"wang": "pbkdf2…"}, "users.wang"),
    ):
        with pytest.raises(InputError, match=field.replace(".", r"\.")):
            users_from_secrets({"users": bad}, store_county=COUNTY)


def test_authorize_by_role_and_county():
    wang, li = (
        Session("wang", STAFF, frozenset([COUNTY])),
        Session("li", STAFF, frozenset(["510101"])),
    )
    boss = Session("boss", ADMIN)
    for action in (IMPORT, UNMASKED_READ, EXPORT_UNMASKED):
        assert authorize(VISITOR_SESSION, action, COUNTY).reason == "auth_need_login"
        assert not authorize(None, action, COUNTY)
        assert (
            authorize(wang, action, COUNTY)
            and authorize(boss, action, COUNTY)
            and authorize(boss, action, None)
        )
        assert authorize(li, action, COUNTY).reason == "auth_other_county"
        assert not authorize(wang, action, None)  # a store naming no county belongs to no staff
    with pytest.raises(ValueError, match="unknown action"):
        authorize(boss, "drop_table", COUNTY)


def test_the_one_line_form_is_staff_of_the_served_store():
    served = auth.session_of(
        users_from_secrets({"staff_password_hash": HASH}, store_county=None)["staff"]
    )
    assert authorize(
        served, IMPORT, None
    )  # a store that names no county: as before, staff may write
    assert not authorize(served, IMPORT, "510101")
    county = auth.session_of(
        users_from_secrets({"staff_password_hash": HASH}, store_county=COUNTY)["staff"]
    )
    assert authorize(county, IMPORT, COUNTY) and not authorize(county, IMPORT, None)


def test_county_of_a_store_from_meta_else_admin_units(demo_path, tmp_path):
    demo = GeoPackageStore(demo_path)
    assert auth.county_of(demo) == COUNTY
    units = GeoPackageStore(tmp_path / "units.gpkg")
    units.write({"admin_units": demo.read("admin_units")})
    assert "county_code" not in units.meta() and auth.county_of(units) == COUNTY
    bare = GeoPackageStore(tmp_path / "bare.gpkg")
    bare.write({"chiefs": demo.read("chiefs").head(1)})
    assert auth.county_of(bare) is None


# --- login limits ---------------------------------------------------------------------------


def _limiter() -> tuple[LoginLimiter, Clock]:
    clock = Clock()
    return LoginLimiter(clock=clock), clock


def test_wait_grows_after_each_failure_and_is_capped():
    limiter, clock = _limiter()
    users = users_from_secrets(SECRETS, store_county=COUNTY)
    rule = LOGIN_RULES["user"]
    waits = []
    for _ in range(rule.lock_after - 1):
        assert login(users, "wang", "wrong", limiter=limiter).outcome == "failed"
        early = login(
            users, "wang", PW, limiter=limiter
        )  # the right password, too soon: not even checked
        assert early.outcome == "wait" and early.session is None
        waits.append(early.wait_s)
        clock.now += early.wait_s
    assert waits == [1.0, 2.0, 4.0, 8.0]
    capped = LoginLimiter(
        {"user": auth.LoginRule(1.0, 30.0, 100, 15.0), "ip": LOGIN_RULES["ip"]}, clock=clock
    )
    for _ in range(8):
        capped.failed({"user": "x"})
    assert capped.gate({"user": "x"}).wait_s == 30.0  # 2**7 = 128 s, capped at 30


def test_lockout_refuses_the_right_password_until_it_expires():
    limiter, clock = _limiter()
    users = users_from_secrets(SECRETS, store_county=COUNTY)
    rule = LOGIN_RULES["user"]
    results = []
    for _ in range(rule.lock_after):
        results.append(login(users, "wang", "wrong", limiter=limiter))
        clock.now += 60  # past every wait: only the lock-out is left
    assert [r.just_locked for r in results] == [False] * (rule.lock_after - 1) + [True]
    locked_at = clock.now - 60
    for minutes in (1, 5, rule.lock_minutes - 0.1):
        clock.now = locked_at + minutes * 60
        r = login(users, "wang", PW, limiter=limiter)
        assert r.outcome == "locked" and r.session is None, minutes
        assert r.wait_s == pytest.approx((rule.lock_minutes - minutes) * 60)
    assert login(users, "li", PW, limiter=limiter).outcome == "ok"  # another name is not locked
    clock.now = locked_at + rule.lock_minutes * 60
    ok = login(users, "wang", PW, limiter=limiter)
    assert ok.outcome == "ok" and ok.session == Session("wang", STAFF, frozenset([COUNTY]))


def test_one_address_is_locked_across_names_and_unknown_names_count():
    limiter, clock = _limiter()
    users = users_from_secrets(SECRETS, store_county=COUNTY)
    for i in range(LOGIN_RULES["ip"].lock_after):
        assert login(users, f"guess{i}", "x", ip="10.0.0.9", limiter=limiter).outcome == "failed"
        clock.now += 60
    assert login(users, "boss", PW, ip="10.0.0.9", limiter=limiter).outcome == "locked"
    assert login(users, "boss", PW, ip="10.0.0.7", limiter=limiter).outcome == "ok"


def test_clients_without_an_address_cannot_escape_the_limits_with_new_names():
    limiter, clock = _limiter()
    users = users_from_secrets(SECRETS, store_county=COUNTY)
    assert login(users, "guess0", "x", limiter=limiter).outcome == "failed"
    # a fresh name at once: the shared unknown-address key makes it wait, no hash is checked
    assert login(users, "guess1", "x", limiter=limiter).outcome == "wait"
    for i in range(2, LOGIN_RULES["ip"].lock_after + 1):
        clock.now += 60
        assert login(users, f"guess{i}", "x", limiter=limiter).outcome == "failed"
    clock.now += 60
    assert login(users, "boss", PW, limiter=limiter).outcome == "locked"


def test_bad_hash_in_secrets_is_said_not_crashed():
    users = users_from_secrets(
        {"users": {"wang": {"hash": "pbkdf2_sha256$0$salt$00", "counties": [COUNTY]}}},
        store_county=COUNTY,
    )
    r = login(users, "wang", PW, limiter=_limiter()[0])
    assert (
        r.outcome == "bad_hash"
        and "at least 100,000" in str(r.error)
        and "users.wang.hash" in str(r.error)
    )


def test_hash_password_cli_prints_a_users_table(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret\n"))
    assert main(["hash-password", "--stdin", "--user", "wang", "--county", COUNTY, "510101"]) == 0
    table = tomllib.loads(capsys.readouterr().out)
    user = users_from_secrets(table, store_county=None)["wang"]
    assert (
        user.role == STAFF
        and user.counties == {COUNTY, "510101"}
        and auth.verify_password("s3cret", user.hash)
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret\n"))
    assert main(["hash-password", "--stdin", "--user", "wang"]) == 2  # staff need a county
    monkeypatch.setattr(sys, "stdin", io.StringIO("s3cret\n"))
    assert main(["hash-password", "--stdin", "--user", 'x"]\nrole="admin', "--role", "staff"]) == 2


# --- audit log ------------------------------------------------------------------------------


def test_cli_writes_are_in_the_audit_log_as_the_os_user(demo_copy, tmp_path, monkeypatch):
    monkeypatch.setattr("gis.audit.getpass.getuser", lambda: "zhang")
    csv = tmp_path / "chiefs.csv"
    csv.write_text(
        "chief_id,name,level,post,phone,admin_code\n512099C9001,测试,county,副县长,100-0000-9001,512099\n",
        encoding="utf-8",
    )
    store = GeoPackageStore(demo_copy)
    assert (
        main(["import", str(csv), "--layer", "chiefs", "--data", str(demo_copy), "--dry-run"]) == 0
    )
    assert len(store.read("audit_log")) == 0  # nothing written, nothing logged
    assert main(["import", str(csv), "--layer", "chiefs", "--data", str(demo_copy)]) == 0
    log = store.read("audit_log")
    assert log[["who", "role", "action", "target", "rows"]].values.tolist() == [
        ["zhang", "local", "import", "chiefs", 1]
    ]
    assert log["detail"].iloc[0] == str(csv) and log["time_utc"].iloc[0].endswith("+00:00")
    with pytest.raises(SystemExit):  # the log is never an import target
        main(["import", str(csv), "--layer", "audit_log", "--data", str(demo_copy)])


def test_record_appends(tmp_path):
    import datetime as dt

    store = GeoPackageStore(tmp_path / "c.gpkg")
    when = dt.datetime(2026, 10, 2, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    record(store, who="wang", role="staff", action="login_ok", client="10.0.0.9", now=when)
    record(
        store, who="visitor", role="visitor", action="login_failed", detail="no such user", now=when
    )
    log = store.read("audit_log")
    assert log["time_utc"].tolist() == ["2026-10-02T08:00:00+00:00"] * 2
    assert log["action"].tolist() == ["login_ok", "login_failed"] and log["event_id"].is_unique


# --- the app: forged messages, per-county staff, login through the page -----------------------

CHIEF_CSV = (
    "chief_id,name,level,post,phone,admin_code\n"
    "512099C9001,伪造,county,副县长,100-0000-9001,512099\n"
)


class StubUpload:
    """What st.file_uploader returns for a file (AppTest cannot upload)."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self._data = name, data

    def getvalue(self) -> bytes:
        return self._data


@pytest.fixture()
def app_store(demo_copy, monkeypatch):
    """The app serving a private copy of the demo store, limits reset, a stub upload."""

    app_data(monkeypatch, demo_copy)
    monkeypatch.setattr(
        st, "file_uploader", lambda *a, **k: StubUpload("chiefs.csv", CHIEF_CSV.encode())
    )
    auth.LIMITER.clear()
    yield demo_copy
    auth.LIMITER.clear()


@pytest.fixture()
def no_disabled_enforcement(monkeypatch):
    """Streamlit as before 1.6x: a trigger for a disabled button reaches the script."""
    from streamlit.elements.widgets import button

    original = button.register_widget

    def register(*args, **kwargs):
        if "disabled" in kwargs:
            kwargs["disabled"] = False
        return original(*args, **kwargs)

    monkeypatch.setattr(button, "register_widget", register)


def _data_page(session: Session | None = None, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages/data.py"), default_timeout=300)
    at.session_state["lang"] = lang
    if session is not None:
        at.session_state["auth"] = session
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _forge_import(at: AppTest, mode: str) -> AppTest:
    at.selectbox[0].set_value("chiefs")
    at.selectbox[1].set_value(mode)
    button = next(b for b in at.button if b.label == "导入")
    assert button.disabled  # the browser shows it disabled ...
    button._value = True  # ... and the forged message says it was clicked
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("mode", ["append", "replace"])
def test_forged_import_as_a_visitor_changes_nothing(app_store, no_disabled_enforcement, mode):
    before = _sha(app_store)
    at = _forge_import(_data_page(), mode)
    assert _sha(app_store) == before  # not a byte written, not even the audit log
    assert [e.value for e in at.error] == ["此操作需工作人员登录：未写入任何数据。"]
    assert not at.metric  # no import report: the upload was never read


def test_forged_import_by_staff_of_another_county_changes_nothing(
    app_store, no_disabled_enforcement
):
    before = _sha(app_store)
    at = _forge_import(_data_page(Session("li", STAFF, frozenset(["510101"]))), "replace")
    assert _sha(app_store) == before
    assert [e.value for e in at.error] == ["你的账号无权操作本县数据库：未写入任何数据。"]


@pytest.mark.parametrize(
    "session", [Session("wang", STAFF, frozenset([COUNTY])), Session("boss", ADMIN)]
)
def test_staff_of_the_county_and_admin_import_and_it_is_logged(app_store, session):
    store = GeoPackageStore(app_store)
    n = len(store.read("chiefs"))
    at = _data_page(session)
    at.selectbox[0].set_value("chiefs")
    next(b for b in at.button if b.label == "导入").click()
    at.run()
    assert not at.exception and not at.error
    assert len(store.read("chiefs")) == n + 1
    log = store.read("audit_log")
    assert log[["who", "role", "action", "target", "rows", "detail"]].values.tolist() == [
        [session.user, session.role, "import", "chiefs", 1, "chiefs.csv"]
    ]


def test_exports_are_masked_for_visitors_and_other_counties(app_store):
    note = "未登录时导出的电话号码已隐去中间四位。"
    assert note in _data_page().caption[-1].value
    assert note in _data_page(Session("li", STAFF, frozenset(["510101"]))).caption[-1].value
    assert note not in _data_page(Session("wang", STAFF, frozenset([COUNTY]))).caption[-1].value


def _chiefs_phones(at: AppTest) -> list[str]:
    return [plain(p) for p in at.table[0].value.iloc[:, 3]]


def test_jurisdiction_phones_only_for_the_countys_staff(app_store):
    def page(session):
        at = AppTest.from_file(str(ROOT / "app_pages/jurisdiction.py"), default_timeout=300)
        at.session_state["lang"], at.session_state["juris_reach"] = "zh", "512099R001/V/837"
        if session:
            at.session_state["auth"] = session
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return _chiefs_phones(at)

    assert all("****" in p for p in page(None))
    assert all("****" in p for p in page(Session("li", STAFF, frozenset(["510101"]))))
    assert not any("****" in p for p in page(Session("boss", ADMIN)))


def _app(secrets: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    for k, v in secrets.items():
        at.secrets[k] = v
    at.switch_page("app_pages/data.py")
    return at


def _log_in(at: AppTest, name: str | None, password: str) -> AppTest:
    fields = at.sidebar.text_input
    if name is not None:
        fields[0].input(name)
    fields[-1].input(password)
    next(b for b in at.sidebar.button if b.label == "登录").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_logins_through_the_page_are_limited_across_sessions_and_logged(app_store, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(auth.LIMITER, "clock", clock)
    store = GeoPackageStore(app_store)
    rule = LOGIN_RULES["user"]
    for _ in range(rule.lock_after):
        at = _app(SECRETS).run()  # a new browser session every time: the count is kept
        _log_in(at, "wang", "wrong")
        clock.now += 60
    assert at.sidebar.error[0].value == "密码不正确"
    at = _log_in(_app(SECRETS).run(), "wang", PW)
    assert at.sidebar.error[0].value.startswith("登录失败次数过多，已锁定")
    assert "auth" not in at.session_state or at.session_state["auth"].role == "visitor"
    clock.now += rule.lock_minutes * 60
    at = _log_in(_app(SECRETS).run(), "wang", PW)
    assert at.session_state["auth"] == Session("wang", STAFF, frozenset([COUNTY]))
    assert not any(b.disabled for b in at.button if b.label == "导入")  # the stub upload is there
    log = store.read("audit_log")
    assert log["action"].tolist() == ["login_failed"] * rule.lock_after + [
        "login_locked",
        "login_ok",
    ]
    assert set(log["who"]) == {"wang"} and log["role"].tolist()[-1] == "staff"


def test_a_zero_iteration_hash_is_said_on_the_page(app_store):
    at = _log_in(_app({"staff_password_hash": "pbkdf2_sha256$0$salt$00"}).run(), None, PW)
    shown = plain(at.sidebar.error[0].value)
    assert "至少需要 100,000 次" in shown and "riverchief hash-password" in shown  # in zh
    at = _log_in(
        _app({"staff_password_hash": "pbkdf2_sha256$" + "9" * 3000 + "$salt$00"}).run(), None, PW
    )
    assert "10,000,000" in at.sidebar.error[0].value
    at = _app({"users": {"wang": {"hash": HASH, "role": "root"}}}).run()
    assert not at.exception and "users.wang.role" in plain(at.sidebar.error[0].value)


def test_cli_zones_and_patrols_writes_are_logged(demo_copy, tmp_path, monkeypatch):
    import numpy as np
    import pandas as pd
    import shapely

    monkeypatch.setattr("gis.audit.getpass.getuser", lambda: "zhang")
    data = str(demo_copy)
    assert main(["zones", "delineate", "--data", data, "--source", "512099S070", "--write"]) == 0
    store = GeoPackageStore(demo_copy)
    a = store.read("assignments")
    a = a[(a["level"] == "village") & (a["target_type"] == "river") & a["from_m"].isna()].iloc[0]
    river = store.read("rivers").set_index("river_code").geometry[a["river_code"]]
    pts = shapely.get_coordinates(shapely.line_interpolate_point(river, np.linspace(0, 0.01, 120)))
    t0 = pd.Timestamp("2026-10-08 09:00:00")
    track = tmp_path / "track.csv"
    pd.DataFrame(
        {
            "河长编号": a["chief_id"],
            "定位时间": [str(t0 + pd.Timedelta(seconds=10 * i)) for i in range(len(pts))],
            "经度": pts[:, 0].round(7),
            "纬度": pts[:, 1].round(7),
        }
    ).to_csv(track, index=False)
    assert main(
        [
            "patrols",
            "import",
            str(track),
            "--data",
            data,
            "--coords",
            "cgcs2000",
            "--no-offset-check",
        ]
    ) in (0, 1)
    written = len(store.read("patrols"))
    assert written >= 1
    log = store.read("audit_log")
    assert log[["who", "role", "action", "target", "rows"]].values.tolist() == [
        ["zhang", "local", "zones_write", "protection_zones", 2],
        ["zhang", "local", "patrols_import", "patrols", written],
    ]
    assert log["detail"].iloc[1] == str(track)


def test_unmasked_download_is_logged_when_built(app_store):
    def page():
        import streamlit as st

        from ui.common import audited

        build = audited("export_unmasked", "county.xlsx", lambda: b"bytes")
        st.write(f"built {build().decode()}")

    at = AppTest.from_function(page, default_timeout=300)
    at.session_state["auth"] = Session("wang", STAFF, frozenset([COUNTY]))
    at.run()
    assert not at.exception and at.markdown[0].value == "built bytes"
    log = GeoPackageStore(app_store).read("audit_log")
    assert log[["who", "role", "action", "target"]].values.tolist() == [
        ["wang", "staff", "export_unmasked", "county.xlsx"]
    ]


def test_masked_exports_leave_the_audit_log_out(app_store):
    record(
        GeoPackageStore(app_store), who="wang", role="staff", action="login_ok", client="10.0.0.9"
    )

    def page():
        import io
        import runpy
        import zipfile
        from pathlib import Path

        import streamlit as st

        import ui.common
        from ui.common import DATA, mtime

        page = runpy.run_path(str(Path(ui.common.__file__).parents[1] / "app_pages/data.py"))
        for masked in (True, False):
            data = (
                page["exported"](str(DATA), mtime(), ".csv")
                if masked
                else page["export_now"](str(DATA), ".csv", False)
            )
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                st.write(f"{masked}: {' '.join(sorted(z.namelist()))}")

    at = AppTest.from_function(page, default_timeout=300)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    shown = [m.value for m in at.markdown if m.value.startswith(("True:", "False:"))]
    assert len(shown) == 2 and "chiefs.csv" in shown[0] and "chiefs.csv" in shown[1]
    assert "audit_log" not in shown[0] and "audit_log.csv" in shown[1]
