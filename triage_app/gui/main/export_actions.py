"""Drafting in the main window: prompted fields, the full template draft, redaction preview, copy and export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QMimeData, QObject
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence

from triage_app import paths
from triage_app.gui.main.draft_fields import DraftFields
from triage_app.gui.shared.plain import plain_message

# The export formats, drafting, templates and redaction (with the email modules behind them) are
# imported where they are used: this area is installed before the window's first paint, and by the
# time a draft exists the loading thread has imported them anyway.
if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QDialog, QMenuBar, QStatusBar

    from triage_app.core.replies import redaction
    from triage_app.core.replies.drafting import Drafter
    from triage_app.core.replies.export import OutgoingMessage
    from triage_app.gui.history.history_recorder import HistoryRecorder
    from triage_app.gui.main.draft_pane import DraftPane
    from triage_app.gui.main.state import CurrentTriage
    from triage_app.gui.shared.settings import GuiSettings
    from triage_app.services import Services


class DraftingWindow(Protocol):
    """What the drafting area needs from the window it is installed in (the main window)."""

    services: Services | None
    settings: GuiSettings
    state: CurrentTriage
    draft_pane: DraftPane
    history_recorder: HistoryRecorder
    act_export: QAction
    compose_draft: Callable[[CurrentTriage], str | None]
    draftExported: SignalInstance

    def statusBar(self) -> QStatusBar: ...

    def menuBar(self) -> QMenuBar: ...

    def addAction(self, action: QAction) -> None: ...

    def _refresh_draft(self) -> None: ...

    def show_kb_editor(self, templates: bool = False) -> Any: ...


# (dialog) -> accepted?  Tests replace it; the app runs the dialog modally.
DialogRunner = Callable[["QDialog"], bool]
SETTING_FOLDER = "export_folder"
SETTING_FORMAT = "export_format"
SETTING_ENGINEER = "engineer_name"
SETTING_PERSONAL = "redact_personal"


def _filters() -> dict[str, str]:
    """File dialog filters by export format."""
    from triage_app.core.replies import export

    return {fmt: export.FORMAT_LABELS[fmt] for fmt in export.FORMATS}


def rich_html(text: str) -> str:
    """The plain draft as minimal HTML for rich-text targets: escaped, paragraphs and line breaks
    kept, and an indented paragraph (the quoted policy bullet) kept indented, as a blockquote."""
    import html

    def paragraph(lines: list[str]) -> str:
        if all(line[:1].isspace() for line in lines):
            inner = "<br>".join(html.escape(line.strip()) for line in lines)
            return f"<blockquote>{inner}</blockquote>"
        return "<p>" + "<br>".join(html.escape(line) for line in lines) + "</p>"

    paragraphs = [p for p in text.strip("\n").split("\n\n") if p.strip()]
    body = "".join(paragraph(p.split("\n")) for p in paragraphs)
    return f"<html><body>{body}</body></html>"


def release_clipboard() -> None:
    """Hand our clipboard data back to Qt as plain text while Python is still alive.

    A QMimeData created in Python and given to the clipboard is deleted by Qt's own exit
    handlers, after the interpreter is gone, which crashes shiboken (seen with offscreen and xcb).
    Re-setting the text lets Qt free it now; the copied text itself stays on the clipboard.
    """
    clipboard = QGuiApplication.clipboard()
    mime = clipboard.mimeData()
    if mime is not None and mime.hasText():
        clipboard.setText(mime.text())


class DraftActions(QObject):
    """Owns the drafting behaviour of one main window; installed once by install().

    copy() and export() are the window's only copy and export: its Copy/Export actions, shortcuts
    and the draft pane's buttons are connected to them by the window.
    """

    def __init__(self, window: DraftingWindow, run_dialog: DialogRunner | None = None) -> None:
        super().__init__(window)  # the main window, a QObject
        self.window = window
        self.run_dialog: DialogRunner = run_dialog or (lambda d: d.exec() == d.DialogCode.Accepted)
        self.fields = DraftFields()
        self.fields.engineer.setText(window.settings.text(SETTING_ENGINEER, ""))
        window.draft_pane.extras.addWidget(self.fields)
        self.fields.changed.connect(self._fields_changed)
        self._state: CurrentTriage | None = None
        self.last_redactions: list[redaction.Redaction] = []
        window.compose_draft = self.compose
        self.act_templates = QAction("Edit reply &templates…", window)
        self.act_templates.setObjectName("editTemplatesAction")
        self.act_templates.triggered.connect(self.edit_templates)
        # setShortcuts: setShortcut's overload check builds the Qt namespace (lazy_qt).
        self.act_templates.setShortcuts([QKeySequence("Ctrl+Shift+T")])
        for menu_action in window.menuBar().actions():
            if menu_action.menu() is not None and window.act_export in menu_action.menu().actions():
                menu_action.menu().addSeparator()
                menu_action.menu().addAction(self.act_templates)
        window.addAction(self.act_templates)

    # -------------------------------------------------------------- draft composition

    def _drafter(self) -> Drafter | None:
        from triage_app.core.replies.drafting import Drafter

        services = self.window.services
        step = services.triage.draft if services else None
        return step if isinstance(step, Drafter) else None

    def compose(self, state: CurrentTriage) -> str | None:
        """The draft for the editor (agent notes shown) from result, override and fields."""
        if state is not self._state:
            # Another ticket: its own saved fields (none for a new one); the old ticket's stay with it.
            if state.variables or (self._state is not None and self._state.result is not None):
                self.fields.set_ticket_fields(state.variables)
            self._state = state
        drafter = self._drafter()
        if drafter is None or state.result is None or self.window.services is None:
            return None
        inputs = self.fields.inputs(state.override_verdict, state.override_bullet)
        return drafter.draft(state.result, self.window.services.triage.today(), inputs)

    def _fields_changed(self) -> None:
        self.window.settings.set(SETTING_ENGINEER, self.fields.engineer.text())
        state = self.window.state
        state.variables = self.fields.ticket_values()  # they stay with the ticket (history)
        self.window._refresh_draft()
        if state.result is not None:
            self.window.history_recorder.schedule(state)

    # -------------------------------------------------------------- outgoing text

    def outgoing(self, purpose: str) -> OutgoingMessage | None:
        """Agent notes stripped, the redaction preview, then body, subject and reference masked
        alike (core/export.outgoing_message); None when the engineer cancels."""
        from triage_app.core.replies import export, redaction
        from triage_app.core.replies.templates import strip_agent_notes
        from triage_app.gui.main.redaction_dialog import RedactionDialog

        text = strip_agent_notes(self.window.draft_pane.text())
        if not text.strip():
            self.window.statusBar().showMessage(f"There is no draft to {purpose} yet.", 5000)
            return None
        services = self.window.services
        allow = (services.policy.support_email,) if services else ()
        personal = self.window.settings.text(SETTING_PERSONAL, "") == "1"
        ref, ticket = self.fields.ticket_ref.text(), self.window.state.text
        subject_from = (ref, ticket) if purpose == "export" else None
        dialog = RedactionDialog(text, purpose, allow, personal, self.window, subject_from)
        if not dialog.found() and not personal:
            self.last_redactions = []  # nothing to show: keyboard flow stays one keystroke
            return export.outgoing_message(text, ref, ticket, redaction.DEFAULT_KINDS, allow)
        if not self.run_dialog(dialog):
            return None
        self.window.settings.set(SETTING_PERSONAL, "1" if dialog.personal.isChecked() else "")
        self.last_redactions = dialog.kept_masked()
        return export.outgoing_message(
            dialog.outgoing(), ref, ticket, dialog.kinds(), (*allow, *dialog.sent_as_is())
        )

    def _record(self, fmt: str, destination: str) -> None:
        """Each copy and export is kept with the triage in history: when, format, where, what was masked."""
        recorder = getattr(self.window, "history_recorder", None)
        if recorder is None:
            return
        masked = [
            {"kind": r.kind, "label": r.label, "start": r.start, "end": r.end}
            for r in self.last_redactions
        ]
        recorder.record_export(destination, fmt, masked)

    def copy(self) -> None:
        message = self.outgoing("copy")
        if message is None:
            return
        text = message.body
        mime = QMimeData()
        mime.setText(text)
        mime.setHtml(rich_html(text))
        QGuiApplication.clipboard().setMimeData(mime)
        self._record("clipboard", "clipboard")
        self.window.statusBar().showMessage("Draft copied (plain and rich text).", 5000)

    def export_folder(self) -> Path:
        return Path(self.window.settings.text(SETTING_FOLDER, "") or paths.documents_dir())

    def export(self) -> None:
        import datetime as dt

        from triage_app.core.replies import export

        window = self.window
        filters = _filters()
        message = self.outgoing("export")
        if message is None:
            return
        day = window.services.triage.today() if window.services else dt.date.today()
        ref = message.ticket_ref  # masked like the subject: it names the file
        folder = self.export_folder()
        stem = export.file_stem(ref, day)
        # The type chosen last time: its filter shows the .eml files already in the folder.
        last = window.settings.text(SETTING_FORMAT, "txt")
        last = last if last in filters else "txt"
        suggested = next(
            (p for p in export.candidate_paths(folder, stem, last) if not p.exists()),
            folder / f"{stem}.{last}",
        )
        from PySide6.QtWidgets import QFileDialog  # dialogs load when first used, not at start-up

        # The static dialog is the platform's own where it has one (Windows, macOS, GTK, portal).
        name, chosen = QFileDialog.getSaveFileName(
            window,
            "Export draft",
            str(suggested),
            ";;".join(filters.values()),
            filters[last],
            QFileDialog.Option.DontConfirmOverwrite,  # we never replace: a taken name gets -2, -3, ...
        )
        if not name:
            return
        path = Path(name)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in export.FORMATS:
            fmt = next((f for f, label in filters.items() if label == chosen), "txt")
            path = path.with_name(path.name + f".{fmt}")
        taken = ""
        if path.exists():
            taken = path.name
            path = next(
                p for p in export.candidate_paths(path.parent, path.stem, fmt) if not p.exists()
            )
        data = export.render(message.body, fmt, message.subject)
        try:
            export.write_export(path, data)
        except export.ExportError as exc:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(
                window,
                "Export failed",
                plain_message(f"The draft could not be saved to {path}.\n{exc}"),
            )
            return
        window.settings.set(SETTING_FOLDER, str(path.parent))
        window.settings.set(SETTING_FORMAT, fmt)
        self._record(fmt, str(path))
        # What was done, short enough for a 1024 px bar; the folder is the one just chosen.
        done = (
            f"Draft exported as {path.name}: {taken} already exists and was kept."
            if taken
            else f"Draft exported to {path}"
        )
        window.statusBar().showMessage(done, 10000)
        window.draftExported.emit(str(path))

    # -------------------------------------------------------------- templates

    def edit_templates(self) -> None:
        """The one template editor: the Knowledge Base window's Reply templates tab."""
        self.window.show_kb_editor(templates=True)


def install(window: DraftingWindow) -> DraftActions:
    """Plug the drafting area into a main window (called by the composition root)."""
    return DraftActions(window)
