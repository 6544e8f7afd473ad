"""Drafting in the window: prompted fields, draft follows until edited, redaction preview, copy, export, templates."""

from __future__ import annotations

import email
import email.policy
import errno
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from tests.gui.conftest import SPANS_BOTH_TICKET, Dialogs, triage_and_wait
from triage_app.gui.main.main_window import MainWindow
from triage_app.gui.main.redaction_dialog import RedactionDialog

KEY = "pnu_" + "Q7w8E9r0T1" * 3 + "abcdef"


def fake_save(monkeypatch: pytest.MonkeyPatch, target: Path, chosen: str = "") -> None:
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), chosen))
    )


def test_fields_fill_the_draft_and_notes_show_in_the_editor(
    qtbot: QtBot, window: MainWindow
) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    fields = window.draft_actions.fields
    assert window.draft_pane.text().startswith("// ")  # agent note visible in the editor
    fields.customer.setText("Ana")
    fields.ticket_ref.setText("CS-1234")
    text = window.draft_pane.text()
    assert "Hi Ana," in text and "CS-1234" in text
    assert "determine whether the root cause is within Prefect" in text


def test_hand_edits_are_never_silently_replaced(qtbot: QtBot, window: MainWindow) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    window.draft_pane.edit.setPlainText("My own reply.")
    window.draft_actions.fields.customer.setText("Ana")
    assert window.draft_pane.text() == "My own reply."
    assert window.draft_pane.regenerate_button.isVisibleTo(window)
    window.draft_pane.regenerate_button.click()
    assert "Hi Ana," in window.draft_pane.text()


def test_copy_masks_secrets_with_per_item_undo(qtbot: QtBot, window: MainWindow) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    window.draft_pane.edit.appendPlainText(
        f"PREFECT_API_KEY={KEY}\nAuthorization: Bearer abc123def456ghi789"
    )
    seen: list[RedactionDialog] = []

    def accept_all(dialog: QDialog) -> bool:
        assert isinstance(dialog, RedactionDialog)
        seen.append(dialog)
        return True

    window.draft_actions.run_dialog = accept_all
    window.draft_pane.copy_button.click()
    clip = QGuiApplication.clipboard()
    assert KEY not in clip.text() and "abc123def456ghi789" not in clip.text()
    assert "[redacted Prefect API key]" in clip.text()
    assert "//" not in clip.text()
    html = clip.mimeData().html()
    assert "[redacted Prefect API key]" in html and "<script" not in html
    assert seen[0].items_list.count() == 2
    assert seen[0].subject.isHidden()  # a copy has no subject

    def undo_bearer(dialog: QDialog) -> bool:
        assert isinstance(dialog, RedactionDialog)
        dialog.items_list.item(1).setCheckState(dialog.items_list.item(1).checkState().Unchecked)
        return True

    window.draft_actions.run_dialog = undo_bearer
    window.draft_pane.copy_button.click()
    assert KEY not in clip.text() and "abc123def456ghi789" in clip.text()
    assert window.draft_pane.text().count(KEY) == 1  # the draft itself is never changed


def test_cancelled_preview_copies_nothing(qtbot: QtBot, window: MainWindow) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    window.draft_pane.edit.appendPlainText(KEY)
    QGuiApplication.clipboard().setText("old")
    window.draft_actions.run_dialog = lambda _dialog: False
    window.draft_pane.copy_button.click()
    assert QGuiApplication.clipboard().text() == "old"


def test_export_eml_remembers_folder_and_never_overwrites(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    window.draft_actions.fields.ticket_ref.setText("CS-9")
    out = tmp_path / "out"
    out.mkdir()
    fake_save(monkeypatch, out / "reply.eml")
    for _ in range(2):
        with qtbot.waitSignal(window.draftExported):
            window.draft_pane.export_button.click()
    assert sorted(p.name for p in out.iterdir()) == ["reply-2.eml", "reply.eml"]
    msg = email.message_from_bytes((out / "reply.eml").read_bytes(), policy=email.policy.default)
    assert msg["Subject"] == "Re: CS-9" and msg["X-Unsent"] == "1" and msg["To"] == ""
    assert "//" not in msg.get_content()
    assert window.settings.text("export_folder") == str(out)
    assert window.draft_actions.export_folder() == out


def test_export_markdown_from_the_chosen_filter(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    fake_save(monkeypatch, tmp_path / "notes", "Markdown (*.md)")
    with qtbot.waitSignal(window.draftExported) as blocker:
        window.draft_pane.export_button.click()
    assert blocker.args[0].endswith("notes.md")
    md = (tmp_path / "notes.md").read_text(encoding="utf-8")
    assert '\n> "' in md  # quoted bullets become blockquotes
    assert "//" not in md


def test_unwritable_export_folder_keeps_the_draft(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    dialogs: Dialogs,
) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    draft = window.draft_pane.text()
    fake_save(monkeypatch, tmp_path / "reply.txt")

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("triage_app.core.files.tempfile.mkstemp", denied)
    window.draft_pane.export_button.click()
    warning = "\n".join(dialogs.texts("warning"))
    assert "permission denied" in warning and "The draft is still in the app." in warning
    assert window.draft_pane.text() == draft
    assert list(tmp_path.glob("reply*")) == []


def test_edit_reply_templates_opens_the_one_template_editor(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.draft_actions.act_templates.trigger()  # Draft > Edit reply templates… (Ctrl+Shift+T)
    editor = window.show_kb_editor()
    assert editor is not None and editor.isVisible()
    qtbot.addWidget(editor)
    tab = editor.tabs.tabText(editor.tabs.currentIndex()).replace("&", "")
    assert tab == "Reply templates"  # one editor, one name: the menu's and the tab's
    assert window.draft_actions.act_templates.text().replace("&", "") == "Edit reply templates…"
    editor.show_templates("greeting")
    assert editor.template_list.currentItem().text() == "Block: greeting"
    assert not editor.save_template("greeting", "Hello\n{customer_nme}")
    assert "greeting:2" in editor.status.text() and "{customer_nme}" in editor.status.text()
    with qtbot.waitSignal(window.servicesReady, timeout=10000):  # rebuilt on a worker
        assert editor.save_template("greeting", "Good day {customer_name|team},")
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    assert "Good day team," in window.draft_pane.text()
    assert editor.template_list.currentItem().text() == "Block: greeting (customized)"
    with qtbot.waitSignal(window.servicesReady, timeout=10000):
        assert editor.reset_template("greeting")
    assert editor.template_edit.toPlainText().startswith("Hi {customer_name|there}")
    editor.close()


def test_exported_subject_is_masked_like_the_body(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The Subject comes from the ticket's first line; it is masked by the same engine, and a value
    # the engineer chose to send in the preview (unchecked) stays in the subject as in the body.
    password = "Tr0ub4dor&3x"
    ticket = f"PREFECT_API_KEY={KEY} password: {password} worker crash\n\n" + SPANS_BOTH_TICKET
    triage_and_wait(qtbot, window, ticket)
    window.draft_pane.edit.appendPlainText(f"password: {password}")
    shown: list[RedactionDialog] = []
    window.draft_actions.run_dialog = lambda dialog: shown.append(dialog) or True
    fake_save(monkeypatch, tmp_path / "reply.eml")
    with qtbot.waitSignal(window.draftExported):
        window.draft_pane.export_button.click()
    data = (tmp_path / "reply.eml").read_bytes()
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert msg["Subject"].startswith("Re: PREFECT_API_KEY=[redacted Prefect API key] password:")
    assert KEY.encode() not in data and password.encode() not in data
    # The preview shows that subject, as plain text, above the list.
    label = shown[0].subject
    assert not label.isHidden() and label.textFormat() == label.textFormat().PlainText
    assert label.text() == f"Subject: {msg['Subject']}"

    def send_password(dialog: QDialog) -> bool:
        assert isinstance(dialog, RedactionDialog)
        dialog.items_list.item(0).setCheckState(dialog.items_list.item(0).checkState().Unchecked)
        assert password in dialog.subject.text() and KEY not in dialog.subject.text()
        return True

    window.draft_actions.run_dialog = send_password
    fake_save(monkeypatch, tmp_path / "second.eml")
    with qtbot.waitSignal(window.draftExported):
        window.draft_pane.export_button.click()
    second = email.message_from_bytes(
        (tmp_path / "second.eml").read_bytes(), policy=email.policy.default
    )
    assert password in second["Subject"] and password in second.get_content()
    assert KEY not in second["Subject"]
