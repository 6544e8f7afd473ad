"""Releases view and item models: filters by product and status, "as of" date, sorting, CSV import."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.gui.conftest import SPANS_BOTH_TICKET, Dialogs, triage_and_wait
from triage_app.gui.main.main_window import MainWindow
from triage_app.gui.main.models import STATUS_ROLE
from triage_app.gui.releases.releases_view import ReleasesView
from triage_app.storage import releases_repo


def _open(window: MainWindow) -> ReleasesView:
    window.show_releases()
    view = window.releases_view
    assert view is not None
    return view


def import_and_wait(qtbot: QtBot, view: ReleasesView, path: Path) -> bool:
    """Start the import (it runs on a worker) and wait for its outcome."""
    with qtbot.waitSignal(view.importFinished, timeout=10000) as finished:
        assert view.import_file(path)
    return bool(finished.args[0])


def _column(view: ReleasesView, col: int, role: int = Qt.ItemDataRole.DisplayRole) -> list[object]:
    proxy = view.proxy
    return [proxy.index(r, col).data(role) for r in range(proxy.rowCount())]


def test_models_pass_the_model_tester(
    qtbot: QtBot, window: MainWindow, qtmodeltester: ModelTester
) -> None:
    triage_and_wait(qtbot, window, SPANS_BOTH_TICKET)
    qtmodeltester.check(window.verdict_card.match_model)
    qtmodeltester.check(window.release_panel.model)
    view = _open(window)
    qtmodeltester.check(view.model)
    qtmodeltester.check(view.proxy)
    view.close()


def test_filters_by_product_and_status(window: MainWindow) -> None:
    view = _open(window)
    total = view.model.rowCount()
    assert view.proxy.rowCount() == total > 300
    assert view.count_label.text() == f"{total} of {total} releases"

    view.product_combo.setCurrentIndex(view.product_combo.findData("prefect-helm"))
    helm = view.proxy.rowCount()
    assert 0 < helm < total
    assert set(_column(view, 0)) == {"prefect-helm"}

    view.status_combo.setCurrentIndex(view.status_combo.findData("supported"))
    assert set(_column(view, 6, STATUS_ROLE)) == {"supported"}
    assert 0 < view.proxy.rowCount() < helm
    assert view.count_label.text().startswith(f"{view.proxy.rowCount()} of {total}")

    view.product_combo.setCurrentIndex(0)
    view.status_combo.setCurrentIndex(0)
    assert view.proxy.rowCount() == total
    view.close()


def test_as_of_date_recomputes_status(window: MainWindow) -> None:
    view = _open(window)
    view.product_combo.setCurrentIndex(view.product_combo.findData("prefect"))
    view.status_combo.setCurrentIndex(view.status_combo.findData("supported"))
    supported_now = view.proxy.rowCount()
    view.as_of.setDate(QDate(2023, 1, 1))
    assert view.as_of_date() == dt.date(2023, 1, 1)
    versions_then = set(_column(view, 1))
    assert versions_then and supported_now
    assert all(v.startswith("2.") for v in versions_then)  # 3.x did not exist yet
    view.close()


def test_sorting_by_release_date_and_version(window: MainWindow) -> None:
    view = _open(window)
    view.product_combo.setCurrentIndex(view.product_combo.findData("prefect"))
    view.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    dates = _column(view, 3)
    assert dates == sorted(dates)
    view.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    versions = _column(view, 1)
    # Versions sort as versions, not text: 3.10.x comes after 3.9.x.
    ordered = [tuple(int(p) for p in str(v).split(".")[:3] if p.isdigit()) for v in versions]
    finals = [o for o in ordered if len(o) == 3]
    assert finals == sorted(finals, reverse=True)
    view.close()


def test_import_csv_adds_releases(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, dialogs: Dialogs
) -> None:
    view = _open(window)
    before = view.model.rowCount()
    csv_file = tmp_path / "cm.csv"
    csv_file.write_text(
        "product,version,release_date,name\n"
        "customer-managed,0.8.1,2025-10-15,October 2025\n"
        "customer-managed,1.2.0,2026-01-10,January 2026\n",
        encoding="utf-8",
    )
    with qtbot.waitSignal(window.servicesReady, timeout=10000):  # rebuilt on a worker
        assert import_and_wait(qtbot, view, csv_file)
    assert view.model.rowCount() == before + 2
    assert view.product_combo.findData("customer-managed") >= 0
    assert any("2 added" in t for t in dialogs.texts("information"))
    # The services were rebuilt: a ticket naming the CM release now resolves it.
    assert (
        "customer-managed"
        in window.services.triage.triage("we run prefect-cloud-0.8.1.tgz").versions[0].product
    )
    view.close()


def test_bad_csv_is_refused_and_changes_nothing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, dialogs: Dialogs
) -> None:
    view = _open(window)
    before = view.model.rowCount()
    stored = releases_repo.read_releases(window.services.kb.db)
    bad = tmp_path / "bad.csv"
    # A good row first: the bad one further down must still leave the whole file unwritten.
    bad.write_text(
        "product,version,release_date\n"
        "customer-managed,0.8.9,2025-12-01\n"
        "customer-managed,0.9.0,not-a-date\n",
        encoding="utf-8",
    )
    assert not import_and_wait(qtbot, view, bad)
    assert view.model.rowCount() == before
    assert releases_repo.read_releases(window.services.kb.db) == stored
    warning = "\n".join(dialogs.texts("warning"))
    # The message names the file, the line and the field.
    assert "bad.csv" in warning and "unchanged" in warning
    assert "bad.csv:3" in warning and "release_date" in warning
    assert view.import_button.isEnabled()
    view.close()


def test_release_import_runs_off_the_gui_thread_with_the_button_disabled(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from triage_app.core.releases import release_csv

    threads: list[int] = []
    parse = release_csv.parse_release_csv

    def recording_parse(data: bytes, name: str):  # type: ignore[no-untyped-def]
        threads.append(threading.get_ident())
        return parse(data, name)

    monkeypatch.setattr(release_csv, "parse_release_csv", recording_parse)
    view = _open(window)
    csv_file = tmp_path / "cm.csv"
    csv_file.write_text(
        "product,version,release_date,name\ncustomer-managed,0.8.1,2025-10-15,October 2025\n",
        encoding="utf-8",
    )
    with qtbot.waitSignal(view.importFinished, timeout=10000) as finished:
        assert view.import_file(csv_file)
        # The outcome is delivered through the event loop, so until then the import is running.
        assert not view.import_button.isEnabled()
        assert view.count_label.text() == "Importing cm.csv…"
        assert not view.import_file(csv_file)  # one import at a time
    assert finished.args == [True]
    assert threads and threading.get_ident() not in threads
    assert view.import_button.isEnabled()
    assert view.count_label.text().endswith("releases")
    assert window.settings.text("import_folder", "") == str(tmp_path)
    view.close()


def test_search_box_finds_a_version(qtbot: QtBot, window: MainWindow) -> None:
    view = _open(window)
    view.show()
    qtbot.waitExposed(view)
    box = view.search
    assert box.isVisible()
    # room for what it asks: the placeholder fits without being cut
    assert box.width() >= box.fontMetrics().horizontalAdvance(box.placeholderText())
    qtbot.keyClicks(box, "3.4")
    versions = _column(view, 1)
    assert versions and set(versions) == {f"3.4.{n}" for n in range(26)}  # not 3.40.x, not 2.3.4
    box.clear()
    qtbot.keyClicks(box, "v3.4.7")
    assert _column(view, 1) == ["3.4.7"]
    assert view.count_label.text().startswith("1 of ")
    box.clear()
    qtbot.keyClicks(box, "2.19.4")  # not a shipped release: the line says what is known
    assert view.proxy.rowCount() == 0
    assert view.count_label.text().startswith("0 of ")
    note = view.search_note
    assert note.isVisible() and note.wordWrap()  # a long note wraps instead of widening the window
    assert "older than 2.20.0, whose support ended on 2025-02-01" in note.text()
    assert note.textFormat() == Qt.TextFormat.PlainText
    box.clear()
    assert view.proxy.rowCount() == view.model.rowCount() and not note.isVisible()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus)
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # to the box
    qtbot.waitUntil(box.hasFocus)
    view.close()
