"""Release panel: every version needing action in the summary, worst first; a stand-in release said."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from triage_app.core.knowledge import defaults
from triage_app.core.releases.release_csv import parse_release_csv
from triage_app.core.releases.schedule import Schedule
from triage_app.core.releases.versions import resolve_versions
from triage_app.gui.main.models import VERSION_COLUMNS
from triage_app.gui.main.release_panel import ReleasePanel
from triage_app.gui.shared.lazy_qt import Qt

TODAY = dt.date(2026, 12, 1)
TICKET = (
    "We upgraded to 3.4.7 last week and now flow runs crash on the workers. Server is 3.8.3. "
    "One worker still runs prefect==2.19.4, the new one 3.8.0."
)


def shipped_schedule() -> Schedule:
    return Schedule(
        tuple(parse_release_csv(defaults.resource(defaults.RELEASES_FILE).read_bytes()))
    )


def panel_for(qtbot: QtBot, text: str) -> ReleasePanel:
    schedule = shipped_schedule()
    panel = ReleasePanel()
    qtbot.addWidget(panel)
    panel.resize(1200, 400)
    panel.show()
    panel.set_versions(resolve_versions(text, schedule, TODAY), triaged=True)
    return panel


def cells(panel: ReleasePanel, column: str) -> list[str]:
    c = VERSION_COLUMNS.index(column)
    return [panel.model.index(r, c).data() for r in range(panel.model.rowCount())]


def test_summary_names_every_version_that_needs_action_worst_first(qtbot: QtBot) -> None:
    panel = panel_for(qtbot, TICKET)
    summary = panel.summary.text()
    assert panel.summary.isVisible() and panel.summary.wordWrap()
    assert summary.startswith(
        "⚠ No longer supported: prefect==2.19.4 (not in the schedule; older than 2.20.0, "
        "which ended 2025-02-01) and 3.4.7 (ended 2025-12-26)."
    )
    assert summary.index("prefect==2.19.4") < summary.index("3.4.7 (ended 2025-12-26)")
    assert "3.8.0 (" not in summary  # supported until 2027-01-23
    assert "3.8.3 (" not in summary  # supported: no action, not in the summary
    assert summary.endswith("Upgrade to 3.8.3.")


def test_a_stand_in_release_is_said_in_the_row_not_only_the_tooltip(qtbot: QtBot) -> None:
    panel = panel_for(qtbot, TICKET)
    row = cells(panel, "Version found").index("prefect==2.19.4")
    assert cells(panel, "Release")[row] == "nearest: 2.19.0"
    assert cells(panel, "Supported until")[row] == "see note"  # 2.19.0's date is not 2.19.4's
    note = cells(panel, "Note")[row]
    assert note.startswith("Not in the schedule: 2.19.4 is older than 2.20.0")
    # the Note column is on screen with room for its text, not hidden past the table's edge
    column = VERSION_COLUMNS.index("Note")
    assert not panel.table.isColumnHidden(column)
    assert panel.table.columnViewportPosition(column) < panel.table.viewport().width()


def test_the_tooltip_says_what_the_version_was_read_as_and_why(qtbot: QtBot) -> None:
    panel = panel_for(qtbot, TICKET)
    row = cells(panel, "Version found").index("3.8.3")
    tip = panel.model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Read as prefect, decided by “Server is”" in tip


def test_the_ticket_highlight_names_the_product_the_words_and_a_stand_in() -> None:
    from triage_app.core.result import TriageResult
    from triage_app.gui.main.highlights import highlights_for

    versions = tuple(resolve_versions(TICKET, shipped_schedule(), TODAY))
    tips = {
        TICKET[h.start : h.end]: h.tooltip
        for h in highlights_for(TriageResult("in_scope", 0.9, (), versions), len(TICKET))
    }
    assert "Read as prefect, decided by “upgraded to”" in tips["3.4.7"]
    assert "not in the schedule, nearest release 2.19.0" in tips["prefect==2.19.4"]


def test_the_plain_summary_draft_gives_a_stand_in_no_dates() -> None:
    from triage_app.core.result import TriageResult
    from triage_app.gui.main.draft_pane import summary_draft

    versions = tuple(resolve_versions(TICKET, shipped_schedule(), TODAY))
    text = summary_draft(TriageResult("in_scope", 0.9, (), versions), None, "in_scope", "")
    line = next(s for s in text.splitlines() if s.startswith("- prefect==2.19.4"))
    assert "2.19.0" not in line and "older than 2.20.0" in line
