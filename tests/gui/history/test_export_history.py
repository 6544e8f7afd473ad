"""Each copy and export is recorded with the triage in history: when, format, where, what was masked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from tests.gui.conftest import SPANS_BOTH_TICKET, triage_and_wait
from triage_app.gui.main.main_window import MainWindow

KEY = "pnu_" + "Q7w8E9r0T1" * 3 + "abcdef"
TOKEN = "abc123def456ghi789"


def _exports(window: MainWindow) -> list[dict[str, object]]:
    assert window.services is not None and window.state.history_id is not None
    from triage_app.storage import history_repo

    with window.services.kb.lock:
        return history_repo.list_exports(window.services.kb.db, window.state.history_id)


def _raw_exports_table(window: MainWindow) -> str:
    assert window.services is not None
    with window.services.kb.lock:
        rows = window.services.kb.db.execute("select * from exports").fetchall()
    return json.dumps(rows, default=str)


def test_copy_and_export_are_recorded_with_the_redacted_kinds(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    window.draft_pane.edit.appendPlainText(f"PREFECT_API_KEY={KEY}\nAuthorization: Bearer {TOKEN}")
    window.draft_actions.run_dialog = lambda _dialog: True  # accept the preview: both masked
    window.draft_pane.copy_button.click()

    target = tmp_path / "reply.eml"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )

    def keep_token(dialog: QDialog) -> bool:  # undo the bearer token's mask for the export
        item = dialog.items_list.item(1)  # type: ignore[attr-defined]
        item.setCheckState(item.checkState().Unchecked)
        return True

    window.draft_actions.run_dialog = keep_token
    with qtbot.waitSignal(window.draftExported):
        window.draft_pane.export_button.click()

    exports = _exports(window)
    assert [(e["format"], e["destination"]) for e in exports] == [
        ("clipboard", "clipboard"),
        ("eml", str(target)),
    ]  # one row per action: the export is not recorded twice
    assert all(e["at"] for e in exports)
    copy_kinds = sorted(r["kind"] for r in exports[0]["redacted"])  # type: ignore[union-attr]
    export_kinds = [r["kind"] for r in exports[1]["redacted"]]  # type: ignore[union-attr]
    assert len(copy_kinds) == 2 and len(export_kinds) == 1 and export_kinds[0] in copy_kinds
    stored = _raw_exports_table(window)
    assert KEY not in stored and TOKEN not in stored  # never the secret values themselves


def test_a_copy_with_nothing_masked_is_recorded_with_an_empty_list(
    qtbot: QtBot, window: MainWindow
) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    window.draft_pane.copy_button.click()
    exports = _exports(window)
    assert [(e["format"], e["redacted"]) for e in exports] == [("clipboard", [])]
