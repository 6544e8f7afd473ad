"""A rejected import's message: every problem it found, one a line, in a box that fits the screen."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from triage_app.gui.shared.plain import plain_message

SHOWN_PROBLEMS = 12  # lines in the box itself; the rest (all of them, copyable) under Show Details


def problem_lines(exc: BaseException) -> list[str]:
    """Each problem of a ReleaseCsvError (file:line: field: what), or the error's one message."""
    problems = getattr(exc, "problems", None)
    return [str(p) for p in problems] if problems else [str(exc)]


def problems_text(exc: BaseException, limit: int = SHOWN_PROBLEMS) -> str:
    """Up to `limit` problems one a line, then how many more (never a silent "and 1 more")."""
    lines = problem_lines(exc)
    shown = lines if len(lines) <= limit else lines[:limit]
    text = "\n".join(shown)
    if len(lines) > len(shown):
        text += f"\n… and {len(lines) - len(shown)} more (Show Details lists every problem)."
    return text


def warn_problems(parent: QWidget, title: str, headline: str, exc: BaseException) -> None:
    """A warning naming every problem: in the box up to SHOWN_PROBLEMS, all under Show Details."""
    lines = problem_lines(exc)
    count = f"{len(lines)} problems:" if len(lines) > 1 else ""
    text = "\n\n".join(part for part in (headline, count, problems_text(exc)) if part)
    if len(lines) <= SHOWN_PROBLEMS:
        QMessageBox.warning(parent, title, plain_message(text))
        return
    box = QMessageBox(QMessageBox.Icon.Warning, title, plain_message(text), parent=parent)
    box.setDetailedText("\n".join(lines))  # plain text: CSV cells stay literal
    box.exec()
