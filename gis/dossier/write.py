"""Write river archives: one river to ``.html`` or ``.pdf``, or many rivers of a county
into a folder with an index page."""

from __future__ import annotations

import html
import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from gis._errors import OutputError
from gis.dossier.html import to_html
from gis.dossier.pdf import Printer
from gis.dossier.river import County, county_context, resolve_river, river_dossier
from gis.i18n import t
from gis.store import Store

FORMATS = (".html", ".pdf")
#: Tabs of the batch's one browser printing at once while the next pages are drawn
#: (measured in BENCHMARKS.md); pages drawn ahead of the printer are bounded by twice this.
PDF_WORKERS = 2


def _county_name(store: Store) -> str:
    return str(store.meta().get("county_name") or "")


def render(
    store: Store, river: str, *, lang: str = "zh", staff: bool = False, county: County | None = None
) -> str:
    """The archive of ``river`` as one HTML page (see :func:`write_dossier`)."""
    d = river_dossier(store, river, staff=staff, county=county)
    return to_html(
        d,
        lang=lang,
        county=_county_name(store),
        store=Path(str(getattr(store, "path", ""))).name,
        staff=staff,
    )


def write_dossier(  # noqa: PLR0913 -- the archive's options, all keyword-only
    store: Store,
    river: str,
    out: str | Path,
    *,
    lang: str = "zh",
    staff: bool = False,
    county: County | None = None,
) -> Path:
    """Write the archive of ``river`` to ``out`` (``.html`` or ``.pdf``).

    Parameters
    ----------
    store : Store
        The county store.
    river : str
        A river code, or a name only one river has.
    out : path
        The file to write; its suffix chooses the format.
    lang : {"zh", "en"}
        The reader's language.
    staff : bool
        Phones unmasked (staff only).
    county : County, optional
        :func:`gis.dossier.county_context` of the store (made here when not given).

    Returns
    -------
    Path
        ``out``.
    """
    out = Path(out)
    if out.suffix.lower() not in FORMATS:
        raise OutputError(code="dossier.bad_output", params={"name": out.name})
    if out.suffix.lower() == ".pdf":
        # the browser starts while the archive is drawn, not after
        with Printer() as printer:
            return printer.pdf(render(store, river, lang=lang, staff=staff, county=county), out)
    out.write_text(render(store, river, lang=lang, staff=staff, county=county), encoding="utf-8")
    return out


def write_dossiers(  # noqa: PLR0913 -- the batch's options, all keyword-only
    store: Store,
    folder: str | Path,
    *,
    rivers: Iterable[str] | None = None,
    fmt: str = ".html",
    lang: str = "zh",
    staff: bool = False,
    county: County | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Path]:
    """Many rivers' archives into ``folder`` (``<code>.html`` or ``.pdf``) and an
    ``index.html`` listing them, the county's analyses run once.

    Parameters
    ----------
    store : Store
        The county store.
    folder : path
        Created if missing.
    rivers : iterable of str, optional
        River codes or unique names; every river of the county by default.
    fmt : {".html", ".pdf"}
        The format of each archive.
    lang, staff, county
        As :func:`write_dossier`.
    progress : callable, optional
        Called with (done, total, river code) after each river.

    Returns
    -------
    list of Path
        The archives written, in river-code order.
    """
    if fmt not in FORMATS:
        raise OutputError(code="dossier.bad_output", params={"name": f"*{fmt}"})
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    c = county or county_context(store)
    table = c.rivers.sort_values("river_code")
    if rivers is not None:
        wanted = {resolve_river(c.rivers, r) for r in rivers}
        table = table[table["river_code"].isin(wanted)]
    codes = list(table["river_code"])
    written = [folder / f"{code}{fmt}" for code in codes]
    count, lock = [0], threading.Lock()

    def tick(code: str) -> None:
        with lock:
            count[0] += 1
            if progress is not None:
                progress(count[0], len(codes), code)

    if fmt == ".pdf":
        # matplotlib is not thread-safe: pages are drawn here, one browser prints them
        with Printer(pages=PDF_WORKERS) as printer, ThreadPoolExecutor(PDF_WORKERS) as pool:

            def print_one(page: str, out: Path, code: str) -> None:
                printer.pdf(page, out)
                tick(code)

            ahead: deque[Future[None]] = deque()
            for code, out in zip(codes, written, strict=True):
                page = render(store, code, lang=lang, staff=staff, county=c)
                ahead.append(pool.submit(print_one, page, out, code))
                while len(ahead) > 2 * PDF_WORKERS or (ahead and ahead[0].done()):
                    ahead.popleft().result()  # a failed print stops the batch here
            while ahead:
                ahead.popleft().result()
    else:
        for code, out in zip(codes, written, strict=True):
            write_dossier(store, code, out, lang=lang, staff=staff, county=c)
            tick(code)
    items = "".join(
        f'<li><a href="{html.escape(p.name)}">{html.escape(str(n))}</a> '
        f"({html.escape(str(code))})</li>"
        for p, code, n in zip(written, codes, table["name"], strict=True)
    )
    title = html.escape(f"{_county_name(store)} {t('dossier.title', lang)}")
    (folder / "index.html").write_text(
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><h1>{title}</h1><ol>{items}</ol></body></html>",
        encoding="utf-8",
    )
    return written
