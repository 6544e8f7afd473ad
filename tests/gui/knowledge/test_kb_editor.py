"""The Knowledge Base window: validated edits in one transaction, undo, live term counts, sharing."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.conftest import triage_and_wait
from triage_app.gui.knowledge.kb_editor import KbEditor
from triage_app.gui.main.main_window import MainWindow
from triage_app.storage import (
    bundle_repo,
    history_repo,
    policy_repo,
    releases_repo,
    templates_repo,
)


@pytest.fixture
def editor(qtbot: QtBot, window: MainWindow) -> KbEditor:
    window.show_kb_editor()
    ed = window._kb_editor
    assert isinstance(ed, KbEditor)
    qtbot.addWidget(ed)
    ed.confirm = lambda _title, _text: True
    return ed


def run_file_job(qtbot: QtBot, ed: KbEditor, start: Callable[[], bool]) -> bool:
    """Start an import or export (it runs on the editor's file worker) and wait for its outcome."""
    with qtbot.waitSignal(ed.fileJobFinished, timeout=10000) as finished:
        assert start()
    return bool(finished.args[0])


def db(ed: KbEditor):  # type: ignore[no-untyped-def]
    return ed.services.kb.db


def terms(ed: KbEditor, bullet: str) -> list[str]:
    return [
        r["term"] for r in db(ed).query("select term from vocabulary where bullet = ?", [bullet])
    ]


def test_bullets_are_verbatim_and_terms_are_added_removed_and_undone(
    qtbot: QtBot, editor: KbEditor
) -> None:
    policy = editor.services.policy
    editor.bullet_list.setCurrentRow(3)
    bullet = policy.bullet(editor.current_bullet() or "")
    assert bullet is not None
    assert editor.bullet_title.text() == bullet.title
    assert editor.bullet_desc.text() == bullet.description
    before = terms(editor, bullet.title)
    assert editor.term_table.rowCount() == len(before)

    editor.new_term.setText("zeebe-gateway")
    editor.add_term_button.click()
    assert "zeebe-gateway" in terms(editor, bullet.title)
    assert editor.undo_button.isEnabled()
    assert not editor.add_term(bullet.title, "zeebe-gateway")  # duplicate refused
    assert "already" in editor.status.text()
    assert not editor.add_term(bullet.title, "   ")
    assert run_file_job(qtbot, editor, editor.undo)
    assert terms(editor, bullet.title) == before
    assert policy_repo.read_policy(db(editor)).bullet(bullet.title) == bullet  # policy untouched

    editor.term_table.selectRow(0)
    editor.remove_term_button.click()
    assert len(terms(editor, bullet.title)) == len(before) - 1
    assert run_file_job(qtbot, editor, editor.undo)
    assert sorted(terms(editor, bullet.title)) == sorted(before)


def test_term_hits_count_history_tickets_live(
    qtbot: QtBot, window: MainWindow, editor: KbEditor
) -> None:
    triage_and_wait(qtbot, window, "Our Zeebe-gateway sidecar breaks the prefect worker")
    window.history_recorder.flush()
    editor.new_term.setText("zeebe-gateway")
    qtbot.waitUntil(lambda: editor.new_term_hits.text() == "1 history ticket")
    editor.new_term.setText("no-ticket-mentions-this")
    qtbot.waitUntil(lambda: editor.new_term_hits.text() == "0 history tickets")
    editor.add_term(editor.current_bullet() or "", "zeebe-gateway")

    def hits() -> dict[str, str]:
        return {
            editor.term_table.item(r, 0).text(): editor.term_table.item(r, 3).text()
            for r in range(editor.term_table.rowCount())
        }

    qtbot.waitUntil(lambda: hits()["zeebe-gateway"] == "1")


def test_term_counts_run_off_the_gui_thread(
    qtbot: QtBot, editor: KbEditor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting 100,000 saved tickets per term took 375 ms on the GUI thread (issue 5)."""
    threads: list[threading.Thread] = []
    real = history_repo.term_hit_count

    def recording(db, term):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return real(db, term)

    monkeypatch.setattr(history_repo, "term_hit_count", recording)
    editor.bullet_list.setCurrentRow(2)
    editor.new_term.setText("helm")
    rows = editor.term_table.rowCount()
    qtbot.waitUntil(lambda: len(threads) >= rows + 1)
    qtbot.waitUntil(lambda: editor.new_term_hits.text().endswith(("ticket", "tickets")))
    assert threads and threading.main_thread() not in threads


def test_template_with_unknown_placeholder_is_refused_and_reset_works(
    qtbot: QtBot, editor: KbEditor
) -> None:
    editor.template_list.setCurrentRow(0)
    name = editor.current_template()
    original = templates_repo.read_templates(db(editor))[name]
    assert not editor.save_template(name, original + "\n{no_such_placeholder}\n")
    assert "no_such_placeholder" in editor.status.text()
    assert templates_repo.read_templates(db(editor))[name] == original
    assert editor.save_template(name, original + "\nThanks again!\n")
    assert name in templates_repo.customized(db(editor))
    assert editor.reset_template(name)
    assert templates_repo.read_templates(db(editor))[name] == original
    assert run_file_job(qtbot, editor, editor.undo)  # back to the customized text
    assert "Thanks again!" in templates_repo.read_templates(db(editor))[name]


def test_releases_edit_add_delete_import_export(
    qtbot: QtBot, editor: KbEditor, tmp_path: Path
) -> None:
    first = db(editor).execute("select product, version from releases limit 1").fetchone()
    assert not editor.edit_release(first[0], first[1], "release_date", "next tuesday")
    assert "not a date" in editor.status.text()
    assert editor.edit_release(first[0], first[1], "release_date", "2020-02-02")
    assert run_file_job(qtbot, editor, editor.undo)
    assert editor.add_release("prefect", "9.9.9", "2026-01-01")
    assert any(r.version == "9.9.9" for r in releases_repo.read_releases(db(editor)))
    assert editor.delete_release("prefect", "9.9.9")
    out = tmp_path / "releases.csv"
    assert run_file_job(qtbot, editor, lambda: editor.export_releases(out))
    n = len(releases_repo.read_releases(db(editor)))
    bad = tmp_path / "bad.csv"
    bad.write_text("product,version,release_date\nprefect,1.0.0,yesterday\n", "utf-8")
    assert not run_file_job(qtbot, editor, lambda: editor.import_releases(bad))
    assert len(releases_repo.read_releases(db(editor))) == n
    assert run_file_job(qtbot, editor, lambda: editor.import_releases(out))


def test_settings_are_validated_saved_and_undone(qtbot: QtBot, editor: KbEditor) -> None:
    editor.engineer_edit.setText("Ada Lovelace")
    editor.signature_edit.setPlainText("-- Ada, Prefect support")
    editor.ending_soon_spin.setValue(45)
    editor.support_months_spin.setValue(9)
    editor.retention_spin.setValue(90)
    assert editor.save_settings()
    assert policy_repo.get_setting(db(editor), "engineer_name") == "Ada Lovelace"
    assert releases_repo.ending_soon_days(db(editor)) == 45
    # The window rebuilds the services on its worker once told of the change.
    qtbot.waitUntil(lambda: editor.services.policy.support_months == 9)
    editor.engineer_edit.setText("x" * 500)
    assert not editor.save_settings()
    assert policy_repo.get_setting(db(editor), "engineer_name") == "Ada Lovelace"
    assert run_file_job(qtbot, editor, editor.undo)
    assert policy_repo.get_setting(db(editor), "engineer_name") is None
    qtbot.waitUntil(lambda: editor.services.policy.support_months == 6)


def test_bundle_export_then_import_shows_the_diff_first(
    qtbot: QtBot, editor: KbEditor, tmp_path: Path
) -> None:
    out = tmp_path / "kb.json"
    assert editor.add_term(editor.current_bullet() or "", "exported-term")
    assert run_file_job(qtbot, editor, lambda: editor.export_bundle(out))
    assert run_file_job(qtbot, editor, editor.undo)
    asked: list[str] = []
    editor.confirm = lambda _t, text: asked.append(text) is None and False
    assert not run_file_job(qtbot, editor, lambda: editor.import_bundle(out, "merge"))
    assert "Vocabulary: 1 added" in asked[0]
    assert "exported-term" not in terms(editor, editor.current_bullet() or "")
    editor.confirm = lambda _t, _text: True
    assert run_file_job(qtbot, editor, lambda: editor.import_bundle(out, "merge"))
    assert "exported-term" in terms(editor, editor.current_bullet() or "")
    tampered = json.loads(out.read_text("utf-8"))
    tampered["sections"]["settings"]["rows"].append({"key": "x", "value": "y"})
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(tampered), "utf-8")
    assert not run_file_job(qtbot, editor, lambda: editor.import_bundle(bad, "replace"))
    assert "wrong checksum" in editor.diff_view.toPlainText()


def test_release_csv_and_bundle_files_are_read_and_written_off_the_gui_thread(
    qtbot: QtBot, editor: KbEditor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from triage_app.core.knowledge import bundle
    from triage_app.core.releases import release_csv

    threads: dict[str, list[int]] = {}

    def recorded(module: object, name: str) -> None:
        original = getattr(module, name)

        def record(*args, **kwargs):  # type: ignore[no-untyped-def]
            threads.setdefault(name, []).append(threading.get_ident())
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, record)

    for module, name in (
        (release_csv, "parse_release_csv"),
        (release_csv, "export_release_csv"),
        (bundle, "dumps"),
        (bundle, "loads"),
    ):
        recorded(module, name)
    csv_out, kb_out = tmp_path / "releases.csv", tmp_path / "kb.json"
    assert editor.add_term(editor.current_bullet() or "", "undo-waits-its-turn")
    assert editor.undo_button.isEnabled()
    with qtbot.waitSignal(editor.fileJobFinished, timeout=10000) as finished:
        assert editor.export_releases(csv_out)
        # The outcome comes through the event loop: until then the job is running.
        assert not editor.release_import.isEnabled() and not editor.import_bundle_button.isEnabled()
        assert editor.status.text() == f"Exporting to {csv_out}…"
        assert not editor.export_bundle(kb_out)  # one file job at a time
        assert not editor.undo_button.isEnabled() and not editor.undo()
    assert finished.args == [True]
    assert editor.release_import.isEnabled() and editor.import_bundle_button.isEnabled()
    assert editor.undo_button.isEnabled()
    assert run_file_job(qtbot, editor, lambda: editor.import_releases(csv_out))
    assert editor.add_term(editor.current_bullet() or "", "bundled-term")
    assert run_file_job(qtbot, editor, lambda: editor.export_bundle(kb_out))
    recorded(bundle_repo, "preview")  # apply (undo's too) calls preview
    recorded(bundle_repo, "apply")
    assert run_file_job(qtbot, editor, editor.undo)  # a whole section's snapshot: on the worker
    assert len(threads["apply"]) == 1
    assert run_file_job(qtbot, editor, lambda: editor.import_bundle(kb_out, "merge"))
    assert "bundled-term" in terms(editor, editor.current_bullet() or "")
    assert set(threads) == {
        "parse_release_csv",
        "export_release_csv",
        "dumps",
        "loads",
        "preview",
        "apply",
    }
    main = threading.get_ident()
    assert all(main not in idents for idents in threads.values()), threads


def test_a_bad_release_csv_leaves_the_knowledge_base_unchanged(
    qtbot: QtBot, editor: KbEditor, tmp_path: Path
) -> None:
    before = bundle_repo.current_sections(db(editor), ["releases"])
    bad = tmp_path / "bad.csv"
    # Valid rows first: the bad one on line 4 must keep the whole file out.
    bad.write_text(
        "product,version,release_date\n"
        "prefect,9.8.0,2026-01-01\n"
        "prefect,9.8.1,2026-01-02\n"
        "prefect,9.8.2,someday\n",
        "utf-8",
    )
    assert not run_file_job(qtbot, editor, lambda: editor.import_releases(bad))
    assert bundle_repo.current_sections(db(editor), ["releases"]) == before
    status = editor.status.text()
    assert status.startswith("Not imported:") and "bad.csv:4" in status
    assert "release_date" in status
    assert not editor.undo_button.isEnabled()  # nothing was written, nothing to undo
    assert editor.release_import.isEnabled()
