"""Export: plain text, Markdown, .eml parsed back, file names that never overwrite, unwritable folders."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import errno
import os
from pathlib import Path

import pytest

from triage_app.core.replies import export

DRAFT = '// internal: check the bullet\nHi Ana,\n\nOur policy covers:\n\n    "Helm chart configuration: values_file *and* [overrides] <b>x</b>"\n\nBest regards,\nBo\n'
DAY = dt.date(2026, 3, 1)


def test_plain_text_strips_agent_notes() -> None:
    assert export.plain_text(DRAFT).startswith("Hi Ana,\n")
    assert "//" not in export.plain_text(DRAFT)


def test_markdown_escapes_specials_and_keeps_structure() -> None:
    md = export.to_markdown(DRAFT)
    assert "internal" not in md
    assert (
        '> "Helm chart configuration: values\\_file \\*and\\* \\[overrides\\] \\<b\\>x\\</b\\>"'
        in md
    )
    assert "Best regards,\\\nBo" in md  # a hard line break, not a joined line
    assert "<b>" not in md


def test_eml_is_an_unsent_draft_that_parses_back() -> None:
    when = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    data = export.to_eml(
        DRAFT + "Ünïcödé — ok\n" + "x" * 300 + "\n", export.subject_for("CS-1234"), when
    )
    assert b"\r\n" in data  # RFC 5322 line endings
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert msg["To"] == ""
    assert msg["Subject"] == "Re: CS-1234"
    assert msg["X-Unsent"] == "1"
    assert msg["Date"].datetime == when
    assert msg.get_content_type() == "text/plain"
    body = msg.get_content()
    assert body.startswith("Hi Ana,")
    assert "Ünïcödé — ok" in body and "x" * 300 in body
    assert "internal" not in body


def test_subject_from_reference_else_first_line() -> None:
    assert export.subject_for("  CS-9 ", "ignored") == "Re: CS-9"
    assert (
        export.subject_for("", "\n\n  Worker   crashes on start\nmore")
        == "Re: Worker crashes on start"
    )
    assert len(export.subject_for("", "y" * 500)) < 90
    assert export.subject_for("", "") == export.DEFAULT_SUBJECT


def test_file_names_are_safe_and_never_overwrite(tmp_path: Path) -> None:
    assert export.file_stem("CS/12 34:x", DAY) == "reply-CS-12-34-x-2026-03-01"
    assert export.file_stem("../..", DAY) == "reply-2026-03-01"
    first = export.export_draft(tmp_path, DRAFT, "txt", "CS-1", day=DAY)
    second = export.export_draft(tmp_path, DRAFT + "second\n", "txt", "CS-1", day=DAY)
    third = export.export_draft(tmp_path, DRAFT, "md", "CS-1", day=DAY)
    assert first.path.name == "reply-CS-1-2026-03-01.txt"
    assert second.path.name == "reply-CS-1-2026-03-01-2.txt"
    assert third.path.name == "reply-CS-1-2026-03-01.md"
    assert "second" not in first.path.read_text(encoding="utf-8")
    assert "second" in second.path.read_text(encoding="utf-8")
    assert {p.name for p in tmp_path.iterdir()} == {
        first.path.name,
        second.path.name,
        third.path.name,
    }


def test_write_export_refuses_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "mine.txt"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(export.ExportError, match="already exists"):
        export.write_export(target, b"new")
    assert target.read_text(encoding="utf-8") == "keep me"


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions, not root"
)
def test_unwritable_folder_gives_a_clear_message(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(export.ExportError) as info:
            export.export_draft(folder, DRAFT, "eml", "CS-1", day=DAY)
    finally:
        folder.chmod(0o700)
    assert "permission denied" in str(info.value)
    assert "The draft is still in the app." in str(info.value)
    assert list(folder.iterdir()) == []


def test_permission_denied_even_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root ignores folder permissions, so the OS error is raised where the temporary file is made.
    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("triage_app.core.files.tempfile.mkstemp", denied)
    with pytest.raises(export.ExportError, match="permission denied") as info:
        export.export_draft(tmp_path, DRAFT, "md", "CS-1", day=DAY)
    assert info.value.path == tmp_path
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_and_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(export.ExportError, match="does not exist"):
        export.export_draft(tmp_path / "nope", DRAFT, "txt", day=DAY)

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export, "write_new_atomic", full)
    with pytest.raises(export.ExportError, match="disk .* is full"):
        export.export_draft(tmp_path, DRAFT, "txt", day=DAY)
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export.render(DRAFT, "pdf", "s")


@pytest.mark.parametrize(
    "ticket",
    [
        "Subject: worker crash\n\nHi, our worker crashes.",
        "subject:   Re: Fwd: worker crash\nbody",
        "RE: FW: worker crash",
        "Subject: RE[2]: AW: WG: worker crash",
        "Subject:\n\n  worker   crash\nmore",
    ],
)
def test_eml_subject_drops_the_tickets_own_subject_and_reply_prefixes(ticket: str) -> None:
    data = export.to_eml(
        DRAFT, export.subject_for("", ticket), dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    )
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert msg["Subject"] == "Re: worker crash"


def test_subject_keeps_words_that_only_look_like_prefixes() -> None:
    assert export.subject_for("", "Re-deploy: worker crash") == "Re: Re-deploy: worker crash"
    assert export.subject_for("", "Subjects of the flow run fail") == (
        "Re: Subjects of the flow run fail"
    )
    assert export.subject_for("Re: CS-9") == "Re: CS-9"
