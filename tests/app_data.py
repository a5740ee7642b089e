"""Point the app's pages at another store in an AppTest (pages read ui.common at each run)."""

from __future__ import annotations


def app_data(monkeypatch, data) -> None:
    """Every ``ui.common`` name of the store (:func:`ui.common.data_names`) for ``data``."""
    import ui.common

    for name, value in ui.common.data_names(str(data)).items():
        monkeypatch.setattr(ui.common, name, value)
