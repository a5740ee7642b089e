"""``demo``, ``app`` and ``hash-password``: build the demo county, serve the app, set up staff
logins."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from gis import auth, datasets
from gis._errors import InputError
from gis.cli.common import say

#: The commands of this module and their line in ``riverchief --help``.
COMMANDS = {
    "hash-password": "hash a staff password for the app's secrets",
    "demo": "regenerate the demo county (deterministic)",
    "app": "open the map app",
}

_ROOT = Path(__file__).resolve().parents[2]  # a checkout's root, or site-packages
#: An installed wheel's copy of the app (setup.py's APP_PACKAGE), else the checkout's app.py.
_INSTALLED_APP = _ROOT / "riverchief_app" / "app.py"
APP = _INSTALLED_APP if _INSTALLED_APP.is_file() else _ROOT / "app.py"
DEFAULT_PORT = 8501  # Streamlit's own default
DEFAULT_ADDRESS = "localhost"  # this PC only; 0.0.0.0 serves colleagues on the LAN
ANY_ADDRESS = ("0.0.0.0", "::")  # every interface of this PC
POLL_S = 0.5  # how often the wait for the server looks at the signals received
STOP_GRACE_S = 10.0  # after a stop signal, how long the server may take before it is killed
USER_NAME = re.compile(rf"[A-Za-z0-9_-]{{1,{auth.MAX_USER_NAME}}}")


def cmd_demo(args) -> int:
    """Regenerate the demo county (deterministic for a seed); print the GeoPackage path."""
    from gis.demo import generate

    print(generate(seed=args.seed, out=args.out, progress=lambda m: say("demo", m)))
    return 0


def cmd_app(args) -> int:
    """Serve the map app on ``--address``:``--port`` over ``--data``; open a browser unless
    ``--headless``. A missing store is refused before any server starts."""
    import threading
    import webbrowser

    from gis.store_pg import display_name, is_postgis_url, open_data

    if is_postgis_url(args.data):  # refused here too: unreachable, or no such county
        if not open_data(args.data).exists():
            raise InputError(code="cli.no_store_data", params={"path": display_name(args.data)})
        env = dict(os.environ, RIVERCHIEF_DATA=args.data)
    elif not Path(args.data).is_file():
        raise InputError(code="cli.app_no_store", params={"path": args.data})
    else:
        env = dict(os.environ, RIVERCHIEF_DATA=str(Path(args.data).resolve()))
    # always headless: a non-headless first run asks for an e-mail address on stdin
    # ``streamlit run``, with the app's libraries imported before the server answers (the
    # first visit after a restart does not wait for them: ui/server.py)
    cmd = [
        sys.executable,
        str(APP.parent / "ui" / "server.py"),
        "run",
        str(APP),
        "--server.address",
        args.address,
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    shown = "localhost" if args.address in ANY_ADDRESS else args.address
    url = f"http://{shown}:{args.port}"
    lan = " (colleagues: this PC's address)" if args.address in ANY_ADDRESS else ""
    data = display_name(args.data) if is_postgis_url(args.data) else args.data  # no password
    print(f"River Chief GIS: open {url}{lan}  (data: {data}; Ctrl+C stops)", file=sys.stderr)
    if not args.headless:
        threading.Timer(3.0, lambda: webbrowser.open(url)).start()
    # a checkout runs in its root (its .streamlit/secrets.toml, as always); an installed app in
    # the caller's folder, whose .streamlit/secrets.toml holds the staff users. Streamlit reads
    # the app's own .streamlit/config.toml beside the main script either way.
    return serve(cmd, env=env, cwd=None if APP == _INSTALLED_APP else APP.parent)


def serve(cmd: list[str], *, env: dict[str, str], cwd: Path | None) -> int:
    """Run the server ``cmd`` until it ends; a SIGTERM or SIGINT to this process is passed on
    to it (it runs in its own session, so a Ctrl+C reaches it once, from here), and a server
    that has not stopped :data:`STOP_GRACE_S` later is killed: never an orphan serving on."""
    import signal

    proc = subprocess.Popen(cmd, env=env, cwd=cwd, start_new_session=os.name == "posix")
    got: list[int] = []

    def forward(signum, _frame) -> None:
        got.append(signum)
        if proc.poll() is None:
            try:
                proc.send_signal(signum)
            except ValueError:  # Windows sends only SIGTERM (its Ctrl+C reaches both anyway)
                proc.terminate()

    wanted = [signal.SIGINT, signal.SIGTERM]
    previous = {s: signal.signal(s, forward) for s in wanted}
    try:
        waited = 0.0
        while (code := proc.poll()) is None:
            try:
                proc.wait(timeout=POLL_S)
            except subprocess.TimeoutExpired:
                waited = waited + POLL_S if got else 0.0
                if waited > STOP_GRACE_S:
                    proc.kill()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if proc.poll() is None:  # an exception here: never leave the server behind
            proc.kill()
            proc.wait()
    return 128 + got[0] if got else code


def cmd_hash_password(args) -> int:
    """Print the secrets.toml line (or ``[users.NAME]`` table) for a staff password."""
    import getpass

    password = (
        sys.stdin.readline().rstrip("\n") if args.stdin else getpass.getpass("staff password: ")
    )
    if args.user is None:
        print(f'{auth.SECRET_KEY} = "{auth.hash_password(password)}"')
    else:
        if not USER_NAME.fullmatch(args.user):
            raise InputError(
                code="cli.user_name", params={"name": args.user, "max": auth.MAX_USER_NAME}
            )
        entry = {
            "hash": auth.hash_password(password),
            "role": args.role,
            "counties": args.county or [],
        }
        auth.users_from_secrets(
            {auth.USERS_KEY: {args.user: entry}}, store_county=None
        )  # the app's checks
        counties = ", ".join(f'"{c}"' for c in entry["counties"])
        print(
            f'[{auth.USERS_KEY}.{args.user}]\nhash = "{entry["hash"]}"\nrole = "{args.role}"'
            + (f"\ncounties = [{counties}]" if counties else "")
        )
    say("hash-password", "put this in .streamlit/secrets.toml (never commit that file)")
    return 0


def register(sub, parents) -> None:
    """Add ``hash-password``, ``demo`` and ``app`` to the ``riverchief`` subparsers."""
    from gis.demo import DEFAULT_SEED

    s = sub.add_parser("hash-password", help=COMMANDS["hash-password"])
    s.add_argument("--stdin", action="store_true", help="read the password from standard input")
    s.add_argument("--user", help="print a [users.NAME] table instead of the one-user line")
    s.add_argument(
        "--role", choices=auth.USER_ROLES, default=auth.STAFF, help="with --user (default: staff)"
    )
    s.add_argument(
        "--county", nargs="+", metavar="CODE", help="with --user: county codes staff may write"
    )
    s.set_defaults(func=cmd_hash_password)

    s = sub.add_parser("demo", help=COMMANDS["demo"])
    s.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed of the county")
    s.add_argument(
        "--out",
        default=str(datasets.demo_build_dir()),
        help="folder to write the demo county into (default: the checkout's layers/demo; "
        "an installed package: a demo folder in the cache, never site-packages)",
    )
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("app", parents=[parents.data], help=COMMANDS["app"])
    s.add_argument(
        "--address",
        default=DEFAULT_ADDRESS,
        help="address to serve on (default: localhost, this PC only; 0.0.0.0 serves "
        "colleagues' PCs on the LAN, who must log in to change data)",
    )
    s.add_argument("--port", type=int, default=DEFAULT_PORT)
    s.add_argument("--headless", action="store_true", help="do not open a browser")
    s.set_defaults(func=cmd_app)
