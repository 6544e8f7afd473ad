"""Ticket, policy, CSV and history text is never rendered as HTML in labels, tooltips or message boxes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtGui import Qt as QtGuiNs  # Qt.mightBeRichText lives in QtGui
from PySide6.QtWidgets import QLabel, QToolTip
from pytestqt.qtbot import QtBot

from tests.gui.conftest import Dialogs
from triage_app.core.knowledge.policy import parse_policy
from triage_app.core.result import Match, TriageResult, VersionMention
from triage_app.gui.history.history_view import HistoryTableModel
from triage_app.gui.knowledge.kb_status import KbInfo
from triage_app.gui.main.highlights import Highlight
from triage_app.gui.main.main_window import MainWindow
from triage_app.gui.main.models import MatchListModel, VersionTableModel
from triage_app.gui.main.release_panel import ReleasePanel
from triage_app.gui.main.ticket_editor import TicketEditor
from triage_app.gui.main.verdict_card import VerdictCard
from triage_app.storage.history_repo import HistoryEntry

HOSTILE = "<b>x</b><img src=y>"
ESCAPED = "&lt;b&gt;x&lt;/b&gt;&lt;img src=y&gt;"

POLICY = f"""Support

Each release is officially supported for six months from the release date.

What's in Scope

  • {HOSTILE}: Issues with <i>the</i> Prefect API.
  • Helm chart configuration: Questions about values.

What's out of Scope

  • Redis administration: Redis cluster setup.
"""


def _assert_literal(label: QLabel, text: str) -> None:
    assert QtGuiNs.mightBeRichText(text)  # on AutoText, Qt would render it as HTML
    assert label.text() == text
    assert label.textFormat() == Qt.TextFormat.PlainText


def _assert_escaped_tip(tip: object) -> None:
    assert isinstance(tip, str)
    assert ESCAPED in tip and "<b>" not in tip and "<img" not in tip


def _version(text: str, status: str = "unsupported") -> VersionMention:
    return VersionMention(
        text, 0, len(text), "prefect", "2.0.0", "2.0.0", "2024-01-01", "2024-07-01",
        status, -100, note=HOSTILE, upgrade_target=HOSTILE,
    )  # fmt: skip


def test_verdict_card_override_note_and_bullet_tooltips_are_literal(qtbot: QtBot) -> None:
    card = VerdictCard()
    qtbot.addWidget(card)
    policy = parse_policy(POLICY)
    card.set_policy(policy)
    index = card.bullet_combo.findData(HOSTILE)
    assert index > 0
    _assert_escaped_tip(card.bullet_combo.itemData(index, Qt.ItemDataRole.ToolTipRole))
    result = TriageResult("in_scope", 0.9, (Match(HOSTILE, "in_scope", 1.0, ()),))
    card.show_result(result, "out_of_scope", HOSTILE)
    assert HOSTILE in card.override_note.text()
    assert card.override_note.textFormat() == Qt.TextFormat.PlainText
    for label in (card.badge, card.confidence_label, card.hint, card.spans_note):
        assert label.textFormat() == Qt.TextFormat.PlainText


def test_release_summary_shows_ticket_and_csv_text_literally(qtbot: QtBot) -> None:
    panel = ReleasePanel()
    qtbot.addWidget(panel)
    panel.set_versions([_version(HOSTILE)], triaged=True)
    _assert_literal(
        panel.summary,
        f"⚠ No longer supported: {HOSTILE} (ended 2024-07-01). Upgrade to {HOSTILE}.",
    )


def test_model_tooltips_escape_bullet_version_and_history_text(qapp: object) -> None:
    matches = MatchListModel()
    matches.set_matches([Match(HOSTILE, "in_scope", 0.5, ())])
    _assert_escaped_tip(matches.data(matches.index(0), Qt.ItemDataRole.ToolTipRole))
    versions = VersionTableModel()
    versions.set_versions([_version(HOSTILE)])
    _assert_escaped_tip(versions.data(versions.index(0, 0), Qt.ItemDataRole.ToolTipRole))
    entry = HistoryEntry(
        1, "2026-01-15T10:00:00", "2026-01-15T10:00:00", "gui", HOSTILE, "in_scope", "",
        0.5, None, None, "in_scope", "", "",
    )  # fmt: skip
    history = HistoryTableModel(lambda _limit, _offset: [entry])
    history.reset()
    _assert_escaped_tip(history.data(history.index(0, 3), Qt.ItemDataRole.ToolTipRole))
    assert history.data(history.index(0, 3, QModelIndex()), Qt.ItemDataRole.DisplayRole) == HOSTILE


def test_ticket_editor_tooltip_is_escaped(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    editor = TicketEditor()
    qtbot.addWidget(editor)
    editor.setPlainText("prefect down " * 4)
    editor.show()
    qtbot.waitExposed(editor)
    editor.highlighter.set_highlights([Highlight(0, 12, "in_scope", f"In scope: {HOSTILE}\nmore")])
    shown: list[str] = []
    monkeypatch.setattr(QToolTip, "showText", lambda _pos, text, *_a: shown.append(text))
    cursor = editor.textCursor()
    cursor.setPosition(3)
    pos = editor.cursorRect(cursor).center()
    editor.event(QHelpEvent(QEvent.Type.ToolTip, pos, editor.mapToGlobal(pos)))
    assert len(shown) == 1
    _assert_escaped_tip(shown[0])
    assert "<br>" in shown[0]


def test_status_bar_shows_kb_policy_and_csv_source_literally(window: MainWindow) -> None:
    assert window.services is not None
    window.set_services(window.services, KbInfo(HOSTILE, HOSTILE, HOSTILE, HOSTILE))
    for label in (window.kb_label, window.policy_label, window.releases_label):
        assert HOSTILE in label.text() and label.textFormat() == Qt.TextFormat.PlainText
    _assert_escaped_tip(window.releases_label.toolTip())
    _assert_escaped_tip(window.kb_label.toolTip())


def test_release_import_messages_are_escaped(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, dialogs: Dialogs
) -> None:
    window.show_releases()
    view = window.releases_view
    assert view is not None
    bad = tmp_path / "<b>x<img src=y>.csv"
    bad.write_text(
        f"product,version,release_date\nprefect,{HOSTILE},2025-01-01\n", encoding="utf-8"
    )
    with qtbot.waitSignal(view.importFinished, timeout=10000) as finished:
        assert view.import_file(bad)
    assert finished.args == [False]
    [text] = dialogs.texts("warning")
    assert "&lt;b&gt;x&lt;img src=y&gt;.csv" in text and "<b>" not in text and "<img" not in text
    view.close()


def test_history_delete_question_escapes_the_ticket(
    qtbot: QtBot, window: MainWindow, dialogs: Dialogs
) -> None:
    from tests.gui.conftest import triage_and_wait
    from triage_app.gui.history.history_view import HistoryView

    triage_and_wait(qtbot, window, f"{HOSTILE} prefect-server helm chart values")
    window.show_history()
    view = window._history_view
    assert isinstance(view, HistoryView)
    qtbot.addWidget(view)
    view.table.selectRow(0)
    view.delete_selected()
    [text] = dialogs.texts("question")
    assert ESCAPED in text and "<b>" not in text
    assert view.count_label.textFormat() == Qt.TextFormat.PlainText  # "Exported to <path>"
    view.close()


def test_the_clipboards_rich_copy_escapes_ticket_text(qtbot: QtBot, window: MainWindow) -> None:
    """Ticket text quoted in the draft reaches rich-text targets escaped, never as markup."""
    from PySide6.QtGui import QGuiApplication

    from tests.gui.conftest import triage_and_wait

    triage_and_wait(qtbot, window, f"Helm chart values broke the UI: {HOSTILE}\n")
    window.draft_pane.edit.setPlainText(f"They wrote:\n{HOSTILE}\n\n<script>alert(1)</script> & co")
    window.draft_actions.run_dialog = lambda _dialog: True  # nothing to mask; accept if asked
    window.draft_pane.copy_button.click()
    html = QGuiApplication.clipboard().mimeData().html()
    assert ESCAPED in html and "&lt;script&gt;" in html and "&amp; co" in html
    assert "<img" not in html and "<script" not in html and "<b>x" not in html
    assert "<br>" in html  # line breaks survive as breaks, not as text
