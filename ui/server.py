"""The app's server: Streamlit, with the app's libraries imported before it serves.

``python ui/server.py run app.py [streamlit options]`` is ``streamlit run`` (``riverchief
app`` and the browser tests start it so). Streamlit imports a page's modules in its first
run: 2-4 s of geopandas, folium, scipy and the app's own modules inside the first visit
after a restart. Here they are imported first, so the server answers its health check a few
seconds later and the first visit does not pay them.
"""

from __future__ import annotations

import ast
import importlib
import logging
import sys
from pathlib import Path

APP_DIR = Path(__file__).resolve().parents[1]  # app.py's folder (a checkout, riverchief_app)
log = logging.getLogger("riverchief.app")


#: Modules left to the first run: a Streamlit component registers itself only when imported
#: inside a script's run (imported here, its front end would be a 404); the app's own ``ui``
#: modules are light once what they import is loaded.
LEFT_TO_THE_PAGE = ("streamlit_folium", "ui", "__future__")
#: What Streamlit itself imports on first use, inside a page's run: its charts' library
#: (0.4 s of the patrols page's first visit)
STREAMLIT_LAZY = ("altair",)


def page_imports(app_dir: Path = APP_DIR) -> list[str]:
    """The modules ``app.py``, its pages and ``ui`` import (read from their source, not
    run) and :data:`STREAMLIT_LAZY`, but :data:`LEFT_TO_THE_PAGE`: what the first visit to
    any page would import."""
    names: dict[str, None] = {}
    files = [app_dir / "app.py", *sorted((app_dir / "app_pages").glob("*.py"))]
    for f in files + sorted((app_dir / "ui").glob("*.py")):
        try:
            tree = ast.parse(f.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            continue  # the page's own run says what is wrong with it
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update((a.name, None) for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names[node.module] = None
    names.update(dict.fromkeys(STREAMLIT_LAZY))
    return [n for n in names if n.split(".")[0] not in LEFT_TO_THE_PAGE]


def preload(modules: list[str]) -> list[str]:
    """Import ``modules``; the ones that fail are left to the page that needs them (which
    says why in the user's words), never a server that does not start. Returns those."""
    failed = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 -- anything: the page will meet it and report it
            failed.append(name)
    if failed:
        log.warning("not imported before serving (a page will say why): %s", ", ".join(failed))
    return failed


def main() -> None:
    # the app's folder, as Streamlit puts the main script's, in place of this file's (ui/:
    # its modules are ``ui.x``, never top-level names)
    sys.path[0] = str(APP_DIR)
    preload(page_imports())
    from streamlit.web import cli

    sys.argv = ["streamlit", *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
