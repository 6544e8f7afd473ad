"""The window's details: F1 fits and lists everything, menus own their Alt keys, titles, Ctrl+L, drafts."""

from __future__ import annotations

from itertools import pairwise

import pytest
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QLabel
from pytestqt.qtbot import QtBot

from tests.gui.conftest import SPANS_BOTH_TICKET, triage_and_wait
from triage_app.gui.main.export_actions import rich_html
from triage_app.gui.main.main_window import MainWindow
from triage_app.gui.shared.shortcuts_dialog import ShortcutsDialog


def _mnemonic(text: str) -> str:
    """The Alt+letter of a label or menu title ('' when it has none)."""
    index = text.replace("&&", "").find("&")
    return text.replace("&&", "")[index + 1].upper() if index >= 0 else ""


def test_f1_fits_without_scrolling_and_lists_every_shortcut(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = ShortcutsDialog(window.shortcut_actions(), window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    assert not table.verticalScrollBar().isVisible()
    assert not table.horizontalScrollBar().isVisible()
    last = table.visualItemRect(table.item(table.rowCount() - 1, 0))
    assert last.bottom() <= table.viewport().height()  # the last row is whole
    keys = {table.item(r, 1).text() for r in range(table.rowCount())}
    assert any("Ctrl+Shift+T" in k for k in keys)
    screen = dialog.screen().availableGeometry()
    assert dialog.height() <= 640 and dialog.height() <= screen.height()


def test_alt_letters_of_the_menus_are_not_taken_by_buttons(window: MainWindow) -> None:
    menus = {_mnemonic(a.text()) for a in window.menuBar().actions()}
    assert {"T", "V", "R"} <= menus
    for widget in window.findChildren(QAbstractButton) + window.findChildren(QLabel):
        if isinstance(widget, QLabel) and widget.buddy() is None:
            continue
        letter = _mnemonic(widget.text())
        assert not letter or letter not in menus, (widget.objectName(), widget.text())


def test_theme_items_have_access_keys(window: MainWindow) -> None:
    letters = [_mnemonic(a.text()) for a in window.theme_actions.values()]
    assert all(letters) and len(set(letters)) == len(letters)


def test_window_titles_do_not_repeat_the_app_name(window: MainWindow) -> None:
    # Qt appends the application display name ("triage-app") to each title on its own.
    assert "triage-app" not in window.windowTitle()
    editor = window.show_kb_editor()
    assert "triage-app" not in editor.windowTitle()
    editor.close()
    window.show_releases()
    assert "triage-app" not in window.releases_view.windowTitle()
    window.releases_view.close()


def test_ctrl_l_clears_the_triage_time(qtbot: QtBot, window: MainWindow) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    assert window.busy_label.text().startswith("Triaged in")
    window.act_clear.trigger()
    assert window.busy_label.text() == ""


def test_draft_paragraphs_are_separated_and_rich_copy_keeps_the_quote(
    qtbot: QtBot, window: MainWindow
) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    draft = window.draft_pane.text()
    assert "runs on.\n\nOn the Prefect side" in draft
    combo = window.verdict_card.override_combo
    combo.setCurrentIndex(combo.findData("in_scope"))
    assert "support.\n\nOur support policy includes:" in window.draft_pane.text()
    window.act_copy.trigger()
    html = QGuiApplication.clipboard().mimeData().html()
    assert "<blockquote>&quot;" in html  # the quoted bullet stays set off in mail and chat


def test_rich_html_indents_only_indented_paragraphs() -> None:
    html = rich_html('Intro line.\n\n    "Quoted <b>bullet</b>"\n\nEnd.')
    assert html == (
        "<html><body><p>Intro line.</p>"
        "<blockquote>&quot;Quoted &lt;b&gt;bullet&lt;/b&gt;&quot;</blockquote>"
        "<p>End.</p></body></html>"
    )


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_settings_tab_is_compact(qtbot: QtBot, window: MainWindow, theme: str) -> None:
    try:
        window.set_theme(theme)
        editor = window.show_kb_editor()
        editor.resize(1100, 680)
        page = editor.settings_page
        editor.tabs.setCurrentWidget(page)
        qtbot.waitUntil(page.isVisible)
        spins = (editor.ending_soon_spin, editor.support_months_spin, editor.retention_spin)
        for spin in spins:
            assert spin.width() <= 240, spin.objectName()  # a number, not a full-width bar
        rows = [editor.ending_soon_spin, editor.support_months_spin, editor.engineer_edit]
        gaps = [b.geometry().top() - a.geometry().bottom() for a, b in pairwise(rows)]
        assert max(gaps) <= 16, gaps  # rows sit together at the top, no spread
        assert editor.settings_save.geometry().top() < page.height() / 2
        editor.close()
    finally:
        window.set_theme("system")


def test_shortcut_list_follows_the_actions(window: MainWindow) -> None:
    listed = window.shortcut_actions()
    assert {a for a in window.actions() if a.shortcuts()} <= set(listed)
    assert QKeySequence("Ctrl+Shift+T") in [k for a in listed for k in a.shortcuts()]


def test_secondary_windows_fit_the_screen(qtbot: QtBot, window: MainWindow) -> None:
    free = window.screen().availableGeometry().size()  # 800x800 on the offscreen platform
    editor = window.show_kb_editor()
    window.show_releases()
    window.show_history()
    for shown in (editor, window.releases_view, window._history_view):
        assert shown.width() <= free.width() and shown.height() <= free.height(), shown
        shown.close()
