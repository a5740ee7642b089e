"""``demo``, ``app`` and ``hash-password``.

Build the demo county, serve the app, set up staff logins.
"""

from __future__ import annotations

import getpass
import os
import re
import subprocess
import sys
import threading
import webbrowser
from pathlib import Path

from gis import auth, datasets
from gis._errors import InputError
from gis.cli.common import say
from gis.demo import DEFAULT_SEED, generate

APP = Path(__file__).resolve().parents[2] / "app.py"  # the Streamlit app of the checkout
DEFAULT_PORT = 8501  # Streamlit's own default
USER_NAME = re.compile(rf"[A-Za-z0-9_-]{{1,{auth.MAX_USER_NAME}}}")


def cmd_demo(args) -> int:
    """Regenerate the demo county (deterministic for a seed); print the GeoPackage path."""
    print(generate(seed=args.seed, out=args.out, progress=lambda m: say("demo", m)))
    return 0


def cmd_app(args) -> int:
    """Serve the map app on ``--port`` over ``--data``; open a browser unless ``--headless``."""
    env = dict(os.environ, RIVERCHIEF_DATA=str(Path(args.data).resolve()))
    # always headless: a non-headless first run asks for an e-mail address on stdin
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    url = f"http://localhost:{args.port}"
    print(f"River Chief GIS: open {url}  (data: {args.data}; Ctrl+C stops)", file=sys.stderr)
    if not args.headless:
        threading.Timer(3.0, lambda: webbrowser.open(url)).start()
    return subprocess.call(cmd, env=env, cwd=APP.parent)


def cmd_hash_password(args) -> int:
    """Print the secrets.toml line (or ``[users.NAME]`` table) for a staff password."""
    password = (
        sys.stdin.readline().rstrip("\n") if args.stdin else getpass.getpass("staff password: ")
    )
    if args.user is None:
        print(f'{auth.SECRET_KEY} = "{auth.hash_password(password)}"')
    else:
        if not USER_NAME.fullmatch(args.user):
            raise InputError(
                f"user name '{args.user}' must be 1-{auth.MAX_USER_NAME} letters, digits, "
                "'_' or '-'",
                fix="e.g. --user wang",
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
    s = sub.add_parser("hash-password", help="hash a staff password for the app's secrets")
    s.add_argument("--stdin", action="store_true", help="read the password from standard input")
    s.add_argument("--user", help="print a [users.NAME] table instead of the one-user line")
    s.add_argument(
        "--role", choices=auth.USER_ROLES, default=auth.STAFF, help="with --user (default: staff)"
    )
    s.add_argument(
        "--county", nargs="+", metavar="CODE", help="with --user: county codes staff may write"
    )
    s.set_defaults(func=cmd_hash_password)

    s = sub.add_parser("demo", help="regenerate the demo county (deterministic)")
    s.add_argument("--seed", type=int, default=DEFAULT_SEED)
    s.add_argument("--out", default=str(datasets.DEMO_DIR))
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("app", parents=[parents.data], help="open the map app")
    s.add_argument("--port", type=int, default=DEFAULT_PORT)
    s.add_argument("--headless", action="store_true", help="do not open a browser")
    s.set_defaults(func=cmd_app)
