"""Each app page opened as the first visit after a server restart (issue 16: cold ≤ 5 s),
with the app's launcher (``ui/server.py``: the pages' libraries imported before it serves)
against plain ``streamlit run`` (the reference), in the same run.

    .venv/bin/python benchmarks/bench_cold_pages.py [page ...]

For each page and launcher: a new server on the demo county (the results kept beside the
store from earlier runs stay: "store unchanged"), then the page in headless Chromium, twice:

- *new browser*: an empty browser cache, so Streamlit's own front end (about 1.6 s) is
  fetched too;
- *browser cache warm*: a browser that had loaded the app from the same address before the
  restart, as an office PC would.

The time is from navigation until the script has finished and the page's map has drawn.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from app_server import free_port, serve_app  # noqa: E402

from gis import datasets  # noqa: E402

PAGES = ("", "jurisdiction", "gaps", "zones", "quarries", "patrols", "assess", "dossier", "data")
NO_MAP = ("data", "dossier", "assess")  # the assessment page's map is for staff only
CHROMIUM = shutil.which("chromium") or "chromium"
LAUNCHERS = {
    "ui/server.py": None,
    "streamlit run": [sys.executable, "-m", "streamlit", "run"],
}


def _open(context, url: str, mapped: bool) -> float:
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=180_000
    )
    if mapped:
        page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator(
            ".leaflet-overlay-pane canvas, .leaflet-overlay-pane svg path"
        ).first.wait_for(timeout=60_000)
    took = time.perf_counter() - t0
    page.close()
    return took


def cold(page: str, launch, port: int, profile: Path, p) -> tuple[float, float]:
    """(new browser, browser cache warm) seconds for ``page`` on two fresh servers."""
    mapped = page not in NO_MAP
    out = []
    for warm_browser in (False, True):
        if warm_browser:  # the browser loads the app once, then the server restarts
            with serve_app(datasets.get_path("demo"), launch=launch, port=port) as (url, _):
                ctx = p.chromium.launch_persistent_context(
                    str(profile), executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
                )
                _open(ctx, f"{url}/data", False)
                ctx.close()
        else:
            shutil.rmtree(profile, ignore_errors=True)
        with serve_app(datasets.get_path("demo"), launch=launch, port=port) as (url, _):
            ctx = p.chromium.launch_persistent_context(
                str(profile), executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
            )
            out.append(_open(ctx, f"{url}/{page}", mapped))
            ctx.close()
    return out[0], out[1]


def main(pages: list[str]) -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        print(f"{'page':<14}" + "".join(f"{name:>34}" for name in LAUNCHERS))
        print(f"{'':<14}" + f"{'new browser / cache warm':>34}" * len(LAUNCHERS))
        for page in pages:
            cells = []
            for launch in LAUNCHERS.values():
                a, b = cold(page, launch, port, Path(tmp) / "profile", p)
                cells.append(f"{a:>24.2f} s / {b:.2f} s")
            print(f"{page or 'overview':<14}" + "".join(f"{c:>34}" for c in cells), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or list(PAGES))
