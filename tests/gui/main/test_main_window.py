"""Main window through pytest-qt: paste to verdict, evidence, versions and draft; override; shortcuts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.gui.conftest import SPANS_BOTH_TICKET, TODAY, Dialogs, triage_and_wait
from triage_app.app import build_main_window
from triage_app.gui.main.main_window import MainWindow
from triage_app.gui.shared.shortcuts_dialog import ShortcutsDialog

OBJECT_NAMES = (
    "ticketEdit",
    "verdictBadge",
    "matchList",
    "overrideCombo",
    "versionTable",
    "draftEdit",
    "copyButton",
    "exportButton",
)


def _key(qtbot: QtBot, win: MainWindow, key: Qt.Key, mods: Qt.KeyboardModifier) -> None:
    qtbot.keyClick(win.editor, key, mods)


def _set_clipboard(text: str, html: str | None = None) -> None:
    mime = QMimeData()
    mime.setText(text)
    if html is not None:
        mime.setHtml(html)
    QGuiApplication.clipboard().setMimeData(mime)


def test_paste_shows_verdict_evidence_versions_and_draft(qtbot: QtBot, window: MainWindow) -> None:
    _set_clipboard(SPANS_BOTH_TICKET)
    with qtbot.waitSignal(window.triageUpdated, timeout=10000):
        _key(
            qtbot,
            window,
            Qt.Key.Key_V,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )

    assert window.editor.toPlainText() == SPANS_BOTH_TICKET
    badge = window.findChild(QLabel, "verdictBadge")
    assert badge.text() == "Spans both"
    assert window.verdict_card.spans_note.isVisible()
    assert "root cause" in window.verdict_card.spans_note.text()

    matches = window.verdict_card.match_model
    assert matches.rowCount() >= 2
    sides = {matches.matches()[i].side for i in range(matches.rowCount())}
    assert sides == {"in_scope", "out_of_scope"}
    first = matches.index(0, 0).data()
    bullet = window.services.policy.bullet(matches.matches()[0].title)
    assert bullet.description in first  # quoted verbatim

    spans = window.editor.highlighter.spans()
    painted = {side for _s, _e, side in spans}
    assert {"in_scope", "out_of_scope", "version"} <= painted
    text = window.editor.toPlainText()
    assert any(text[s:e].lower() == "istio" for s, e, side in spans if side == "out_of_scope")
    version_start = text.index("Prefect 3.4.7")
    tip = window.editor.highlighter.tooltip_at(version_start + 2)
    assert "3.4.7" in tip and "Unsupported" in tip
    istio = text.index("Istio")
    assert "Istio and service mesh configuration" in window.editor.highlighter.tooltip_at(istio + 1)

    versions = window.release_panel.model
    rows = [
        [versions.index(r, c).data() for c in range(versions.columnCount())]
        for r in range(versions.rowCount())
    ]
    assert rows[0][:5] == ["Prefect 3.4.7", "prefect", "3.4.7", "2025-06-26", "2025-12-26"]
    assert rows[0][6] == "Unsupported" and rows[0][7]  # upgrade target named
    assert "No longer supported: Prefect 3.4.7" in window.release_panel.summary.text()

    draft = window.findChild(QPlainTextEdit, "draftEdit").toPlainText()
    infra = next(m for m in matches.matches() if m.side == "out_of_scope")
    assert infra.title in draft and "3.4.7" in draft  # the reply names the customer's side


def test_html_on_the_clipboard_is_never_rendered(qtbot: QtBot, window: MainWindow) -> None:
    _set_clipboard("helm chart values <b>not bold</b>", html="<h1>Title</h1><script>x</script>")
    with qtbot.waitSignal(window.triageUpdated, timeout=10000):
        window.paste_and_triage()
    assert window.editor.toPlainText() == "helm chart values <b>not bold</b>"
    assert "Title" not in window.editor.toPlainText()


def test_typing_triages_after_a_pause(qtbot: QtBot, window: MainWindow) -> None:
    window.editor.setFocus()
    with qtbot.waitSignal(window.triageUpdated, timeout=10000):
        qtbot.keyClicks(window.editor, "redis sentinel failover lost our persistence config")
    assert window.current_triage.result is not None
    assert window.current_triage.text.startswith("redis")
    assert window.verdict_card.badge.text() == "Out of scope"


def test_override_verdict_and_bullet_are_kept_with_the_triage(
    qtbot: QtBot, window: MainWindow
) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    combo = window.findChild(QComboBox, "overrideCombo")
    with qtbot.waitSignal(window.triageUpdated) as blocker:
        combo.setCurrentIndex(combo.findData("out_of_scope"))
    state = blocker.args[0]
    assert state.override_verdict == "out_of_scope"
    assert state.effective_verdict == "out_of_scope"
    assert window.verdict_card.badge.text() == "Out of scope"
    assert "overridden" in window.verdict_card.override_note.text()
    assert not window.verdict_card.spans_note.isVisible()

    bullets = window.verdict_card.bullet_combo
    with qtbot.waitSignal(window.triageUpdated):
        bullets.setCurrentIndex(bullets.findData("Redis administration"))
    assert window.current_triage.override_bullet == "Redis administration"
    effective = window.current_triage.effective_result(window.services.policy)
    assert effective.verdict == "out_of_scope"
    assert effective.matches[0].title == "Redis administration"
    assert "Redis" in window.draft_pane.text()  # the draft follows the override

    # A new result for more typing keeps the override; Clear forgets it.
    with qtbot.waitSignal(window.triageUpdated, timeout=10000):
        window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
        window.editor.insertPlainText("\nAlso our redis pods restart.")
        window.triage_now()
    assert window.current_triage.override_verdict == "out_of_scope"
    window.clear_ticket()
    assert window.current_triage.override_verdict == ""
    assert combo.currentData() == ""


def test_ctrl_enter_triages_now(qtbot: QtBot, window: MainWindow) -> None:
    window.editor.setPlainText("Our ingress controller TLS certificate expired")
    window.debounce.stop()
    with qtbot.waitSignal(window.triageUpdated, timeout=10000):
        _key(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.current_triage.result is not None
    assert "\n" not in window.editor.toPlainText()  # the shortcut did not type a newline


def test_ctrl_l_clears_and_undo_brings_the_ticket_back(qtbot: QtBot, window: MainWindow) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    _key(qtbot, window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.toPlainText() == ""
    assert window.verdict_card.badge.text() == "No ticket yet"
    assert window.release_panel.model.rowCount() == 0
    assert window.draft_pane.text() == ""
    assert window.editor.highlighter.spans() == []
    window.debounce.stop()
    window.editor.undo()
    assert window.editor.toPlainText() == SPANS_BOTH_TICKET


def test_ctrl_shift_c_copies_the_draft(qtbot: QtBot, window: MainWindow) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    QGuiApplication.clipboard().setText("old")
    _key(
        qtbot,
        window,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    copied = QGuiApplication.clipboard().text()
    assert copied.strip() and copied != "old"
    # What leaves the app is the draft, less what the drafting area strips (agent-only notes).
    assert set(copied.splitlines()) <= set(window.draft_pane.text().splitlines())


def test_copy_button_copies_the_edited_draft(qtbot: QtBot, window: MainWindow) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    window.draft_pane.edit.setPlainText("My own words.")
    qtbot.mouseClick(window.draft_pane.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text().strip() == "My own words."


def test_ctrl_e_exports_the_draft_atomically(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    target = tmp_path / "out" / "reply"
    target.parent.mkdir()
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    with qtbot.waitSignal(window.draftExported) as blocker:
        _key(qtbot, window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    written = Path(blocker.args[0])
    assert written == target.with_suffix(".txt")
    content = written.read_text(encoding="utf-8")
    assert content.strip()
    assert set(content.splitlines()) <= set(window.draft_pane.text().splitlines())
    assert [p.name for p in target.parent.iterdir()] == ["reply.txt"]  # no temp file left
    assert window.settings.text("export_folder") == str(target.parent)


def test_export_to_an_unwritable_place_keeps_the_draft(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    dialogs: Dialogs,
) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    draft = window.draft_pane.text()
    missing = tmp_path / "no" / "such" / "folder" / "reply.txt"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(missing), ""))
    )
    window.act_export.trigger()  # the Draft menu's Export (same path as Ctrl+E and the button)
    assert any("could not be saved" in t for t in dialogs.texts("warning"))
    assert window.draft_pane.text() == draft
    assert not missing.exists()


def test_f1_lists_every_shortcut(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[ShortcutsDialog] = []
    monkeypatch.setattr(ShortcutsDialog, "exec", lambda self: shown.append(self) or 0)
    _key(qtbot, window, Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier)
    assert len(shown) == 1
    table = shown[0].table
    listed = {table.item(r, 1).text() for r in range(table.rowCount())}
    for keys in ("Ctrl+Shift+V", "Ctrl+Return", "Ctrl+L", "Ctrl+Shift+C", "Ctrl+E", "F1"):
        assert any(keys in entry for entry in listed), keys


def test_every_shortcut_is_in_a_menu(window: MainWindow) -> None:
    in_menus = {a for menu in window.menuBar().findChildren(QMenu) for a in menu.actions()}
    for action in window.shortcut_actions():
        assert action.shortcuts(), action.text()
        assert action in in_menus, action.text()


def test_ctrl_r_opens_the_release_schedule(qtbot: QtBot, window: MainWindow) -> None:
    _key(qtbot, window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    view = window.releases_view
    assert view is not None and view.isVisible()
    assert view.model.rowCount() > 300
    view.close()


def test_object_and_accessible_names(window: MainWindow) -> None:
    for name in OBJECT_NAMES:
        assert window.findChild(QWidget, name) is not None, name
    controls = [
        w
        for w in window.findChildren(QWidget)
        if isinstance(w, QAbstractButton | QComboBox | QAbstractItemView | QPlainTextEdit)
        # Qt's own parts (table headers, corner buttons, combo pop-ups) are named by Qt itself.
        and not isinstance(w, QHeaderView)
        and not w.objectName().startswith("qt_")
        and w.window() is window
    ]
    assert len(controls) >= 10
    unnamed = [w.objectName() or type(w).__name__ for w in controls if not w.accessibleName()]
    assert unnamed == []


def test_tab_order_follows_the_flow(window: MainWindow) -> None:
    order: list[str] = []
    widget: QWidget = window.editor
    for _ in range(500):
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.objectName():
            order.append(widget.objectName())
        widget = widget.nextInFocusChain()
        if widget is window.editor:
            break
    flow = [
        "ticketEdit",
        "matchList",
        "overrideCombo",
        "bulletCombo",
        "draftEdit",
        "copyButton",
        "exportButton",
        "versionTable",
    ]
    positions = [order.index(name) for name in flow]
    assert positions == sorted(positions), order


def test_stale_results_are_dropped(qtbot: QtBot, window: MainWindow) -> None:
    window.editor.setPlainText("first ticket about helm values")
    window.debounce.stop()
    shown: list[str] = []
    window.triageUpdated.connect(lambda state: shown.append(state.text))
    window.triage_now()
    window.editor.setPlainText("second ticket about istio sidecar injection")
    window.debounce.stop()
    with qtbot.waitSignal(window.triageUpdated, timeout=10000):
        window.triage_now()
    qtbot.waitUntil(lambda: not window.runner.busy)
    assert shown == ["second ticket about istio sidecar injection"]


def test_window_layout_persists_between_runs(qtbot: QtBot, data_dir: Path) -> None:
    first = build_main_window(data_dir, TODAY)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    # Smaller than the offscreen screen (800x600), which restoreGeometry clamps to.
    first.resize(760, 560)
    first.top_splitter.setSizes([200, 300, 200])
    qtbot.waitUntil(lambda: first.size().width() == 760)
    sizes = first.top_splitter.sizes()
    first.close()
    assert (data_dir / "gui-settings.ini").exists()

    second = build_main_window(data_dir, TODAY)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert (second.size().width(), second.size().height()) == (760, 560)
    assert second.top_splitter.sizes() == sizes
    second.close()


@pytest.mark.parametrize("size", [(1280, 720), (1024, 640)])
def test_resized_window_keeps_every_pane_usable(
    qtbot: QtBot, window: MainWindow, size: tuple[int, int]
) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    window.resize(*size)
    qtbot.waitUntil(lambda: window.size().width() == size[0])
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720
    central = window.centralWidget().rect()
    for name in OBJECT_NAMES:
        widget = window.findChild(QWidget, name)
        assert widget.isVisible(), name
        assert widget.width() >= 60 and widget.height() >= 20, (name, widget.size())
        top_left = widget.mapTo(window.centralWidget(), QPoint(0, 0))
        assert central.contains(top_left), name


def test_badge_colours_follow_the_verdict(qtbot: QtBot, window: MainWindow) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    spans_style = window.verdict_card.badge.styleSheet()
    combo = window.verdict_card.override_combo
    combo.setCurrentIndex(combo.findData("in_scope"))
    assert window.verdict_card.badge.styleSheet() != spans_style
    assert "#ffffff" in window.verdict_card.badge.styleSheet()


def test_dark_theme_changes_palette_and_is_remembered(qtbot: QtBot, window: MainWindow) -> None:
    try:
        window.set_theme("dark")
        qtbot.waitUntil(lambda: window.editor.palette().base().color().lightness() < 128)
        assert window.settings.text("theme") == "dark"
    finally:
        window.set_theme("system")
    assert window.settings.text("theme") == "system"
