"""Verdict card: large colour-coded badge, confidence, matching bullets verbatim, spans-both note, override."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QProgressBar,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from triage_app.core.verdicts import IN_SCOPE, OUT_OF_SCOPE, SPANS_BOTH, UNCLEAR, VERDICT_LABELS
from triage_app.gui.main.models import MatchListModel
from triage_app.gui.shared.lazy_qt import set_enum, show_plain
from triage_app.gui.shared.plain import plain_tooltip
from triage_app.gui.shared.theme import section_title, verdict_colour

if TYPE_CHECKING:  # core.policy (hashlib, regexes) loads with the services, after first paint
    from triage_app.core.knowledge.policy import Policy
    from triage_app.core.result import TriageResult

LOW_CONFIDENCE = 0.5  # below this the card asks the engineer to check the verdict
_ENGINE_CHOICE = ""  # item data of the "as triaged" entries in both combos
# Qt.ItemDataRole.ToolTipRole by value: the policy arrives before the Qt namespace's enums are
# built (lazy_qt), and naming the role would build all 93 of them (15-25 ms) right then.
_TOOLTIP_ROLE = 3


def _swatch(colour: QColor, size: int = 12) -> QIcon:
    """A square of the verdict's colour for the combo items. A plain fill: painting a disc would
    need QBrush and QPen, whose overloads build the Qt namespace before the first paint (lazy_qt)."""
    pix = QPixmap(size, size)
    pix.fill(colour)
    return QIcon(pix)


def _first_sentence(text: str) -> str:
    """Up to the first full stop followed by a space (the whole text when there is none)."""
    end = text.find(". ")
    return text[: end + 1] if end > 0 else text


class VerdictCard(QFrame):
    """Shows one triage result; emits overrideChanged(verdict or "", bullet title or "") on user choice."""

    overrideChanged = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdictCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._policy: Policy | None = None
        self._result: TriageResult | None = None
        self._updating = False

        self.badge = QLabel("No ticket yet")
        self.badge.setObjectName("verdictBadge")
        self.badge.setAccessibleName("Verdict")
        set_enum(self.badge, "alignment", "AlignCenter")
        self.badge.setMinimumHeight(48)
        self.badge.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.badge.setFont(font)
        show_plain(self.badge)

        self.confidence_label = QLabel("")
        self.confidence_label.setObjectName("confidenceLabel")
        self.confidence_label.setAccessibleName("Confidence")
        show_plain(self.confidence_label)
        self.confidence_bar = QProgressBar()
        self.confidence_bar.setObjectName("confidenceBar")
        self.confidence_bar.setAccessibleName("Confidence")
        self.confidence_bar.setRange(0, 100)
        self.confidence_bar.setTextVisible(False)
        self.confidence_bar.setFixedHeight(6)
        self.hint = QLabel("⚠ Low confidence: check this one before you reply.")
        self.hint.setObjectName("checkHint")
        self.hint.setAccessibleName("Low confidence hint")
        self.hint.setWordWrap(True)
        show_plain(self.hint)
        self.hint.setVisible(False)
        self.why_label = QLabel("")
        self.why_label.setObjectName("whyLabel")
        self.why_label.setAccessibleName("Words that moved the verdict")
        self.why_label.setWordWrap(True)
        self.why_label.setToolTip(
            "The words of the ticket that weighed most for this verdict; they are underlined in "
            "the ticket."
        )
        show_plain(self.why_label)  # ticket words: never rich text
        self.why_label.setVisible(False)
        self.override_note = QLabel("")
        self.override_note.setObjectName("overrideNote")
        self.override_note.setAccessibleName("Override note")
        self.override_note.setWordWrap(True)
        # Bullet titles come from the policy (editable, importable): shown verbatim, never as HTML.
        show_plain(self.override_note)
        self.override_note.setVisible(False)

        self.match_model = MatchListModel(self)
        self.match_list = QListView()
        self.match_list.setObjectName("matchList")
        self.match_list.setAccessibleName("Matching policy bullets")
        self.match_list.setModel(self.match_model)
        self.match_list.setWordWrap(True)
        self.match_list.setUniformItemSizes(False)
        self.match_list.setAlternatingRowColors(True)
        self.match_list.setSpacing(2)
        self.match_list.setIconSize(QSize(12, 12))
        self.match_list.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.match_list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.match_list.setMinimumHeight(80)

        self.spans_note = QLabel("")
        self.spans_note.setObjectName("spansNote")
        self.spans_note.setAccessibleName("Policy note on issues that span both")
        self.spans_note.setWordWrap(True)
        show_plain(self.spans_note)
        self.spans_note.setFrameShape(QFrame.Shape.StyledPanel)
        self.spans_note.setMargin(6)
        self.spans_note.setVisible(False)

        self.override_combo = QComboBox()
        self.override_combo.setObjectName("overrideCombo")
        self.override_combo.setAccessibleName("Override verdict")
        self.override_combo.setToolTip(
            "Correct the verdict; the override is kept with this triage."
        )
        self.override_combo.addItem("As triaged", _ENGINE_CHOICE)
        for verdict in (IN_SCOPE, OUT_OF_SCOPE, SPANS_BOTH, UNCLEAR):
            self.override_combo.addItem(
                _swatch(verdict_colour(verdict)), VERDICT_LABELS[verdict], verdict
            )
        self.bullet_combo = QComboBox()
        self.bullet_combo.setObjectName("bulletCombo")
        self.bullet_combo.setAccessibleName("Choose another bullet")
        self.bullet_combo.setToolTip(
            "Pick the policy bullet that really applies; kept with this triage."
        )
        self.bullet_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.bullet_combo.setMinimumContentsLength(18)
        self.bullet_combo.addItem("As triaged", _ENGINE_CHOICE)

        header = QVBoxLayout()
        header.setSpacing(4)
        header.addWidget(self.badge)
        conf_row = QHBoxLayout()
        conf_row.addWidget(self.confidence_label)
        conf_row.addWidget(self.confidence_bar, 1)
        header.addLayout(conf_row)
        header.addWidget(self.hint)
        header.addWidget(self.why_label)
        header.addWidget(self.override_note)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        verdict_label = QLabel("Verd&ict:")  # Alt+V opens the View menu
        verdict_label.setBuddy(self.override_combo)
        bullet_label = QLabel("&Bullet:")
        bullet_label.setBuddy(self.bullet_combo)
        form.addRow(verdict_label, self.override_combo)
        form.addRow(bullet_label, self.bullet_combo)

        bullets_title = section_title("Matching bullets")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(header)
        layout.addWidget(bullets_title)
        layout.addWidget(self.match_list, 1)
        layout.addWidget(self.spans_note)
        layout.addLayout(form)

        self.override_combo.currentIndexChanged.connect(self._emit_override)
        self.bullet_combo.currentIndexChanged.connect(self._emit_override)
        self.show_empty()

    # ------------------------------------------------------------------ input

    def set_policy(self, policy: Policy | None) -> None:
        self._policy = policy
        self.match_model.set_policy(policy)
        self._updating = True
        try:
            chosen = self.bullet_combo.currentData()
            self.bullet_combo.clear()
            self.bullet_combo.addItem("As triaged", _ENGINE_CHOICE)
            if policy is not None:
                for side in (IN_SCOPE, OUT_OF_SCOPE):
                    colour = verdict_colour(side)
                    for b in policy.by_side(side):
                        self.bullet_combo.addItem(_swatch(colour), b.title, b.title)
                        self.bullet_combo.setItemData(
                            self.bullet_combo.count() - 1,
                            plain_tooltip(b.text),
                            _TOOLTIP_ROLE,
                        )
            index = self.bullet_combo.findData(chosen)
            self.bullet_combo.setCurrentIndex(max(index, 0))
        finally:
            self._updating = False

    def show_empty(self, message: str = "No ticket yet") -> None:
        self._result = None
        self._paint_badge(UNCLEAR, message, neutral=True)
        self.confidence_label.setText("Paste a ticket to triage it.")
        self.confidence_bar.setValue(0)
        self.hint.setVisible(False)
        self.why_label.setVisible(False)
        self.spans_note.setVisible(False)
        self.override_note.setVisible(False)
        self.match_model.set_matches([])
        self.set_override("", "")

    def show_result(
        self, result: TriageResult, override_verdict: str = "", override_bullet: str = ""
    ) -> None:
        self._result = result
        self.match_model.set_matches(result.matches)
        self.set_override(override_verdict, override_bullet)
        self._refresh()

    def set_override(self, verdict: str, bullet: str) -> None:
        """Set the combos without emitting overrideChanged (e.g. when reopening a saved triage)."""
        self._updating = True
        try:
            self.override_combo.setCurrentIndex(
                max(self.override_combo.findData(verdict or _ENGINE_CHOICE), 0)
            )
            self.bullet_combo.setCurrentIndex(
                max(self.bullet_combo.findData(bullet or _ENGINE_CHOICE), 0)
            )
        finally:
            self._updating = False
        if self._result is not None:
            self._refresh()

    def override(self) -> tuple[str, str]:
        return str(self.override_combo.currentData() or ""), str(
            self.bullet_combo.currentData() or ""
        )

    # ------------------------------------------------------------------ rendering

    def _emit_override(self) -> None:
        if self._updating:
            return
        if self._result is not None:
            self._refresh()
        verdict, bullet = self.override()
        self.overrideChanged.emit(verdict, bullet)

    def _refresh(self) -> None:
        result = self._result
        if result is None:
            return
        verdict_override, bullet_override = self.override()
        verdict = verdict_override or result.verdict
        label = VERDICT_LABELS.get(verdict, verdict)
        self._paint_badge(verdict, label)
        self.badge.setAccessibleDescription(f"Verdict: {label}")
        pct = round(result.confidence * 100)
        self.confidence_label.setText(f"Confidence {pct}%")
        self.confidence_bar.setValue(pct)
        # The model says when it is unsure (its threshold is chosen on cross-validation so that
        # verdicts above it are right 9 times in 10); results without one fall back to 0.5.
        check = result.extras.get("check", result.confidence < LOW_CONFIDENCE)
        self.hint.setVisible(not verdict_override and bool(check))
        words = [str(item.get("term", "")) for item in result.extras.get("explanation", ())]
        words = [w for w in dict.fromkeys(words) if w.strip()]
        self.why_label.setText("Why: " + " · ".join(words) if words else "")
        self.why_label.setVisible(bool(words) and not verdict_override)
        notes = []
        if verdict_override:
            notes.append(
                f"Verdict overridden (triaged as {VERDICT_LABELS.get(result.verdict, result.verdict)})."
            )
        if bullet_override:
            top = result.top_match.title if result.top_match else "none"
            notes.append(f"Bullet chosen by you: {bullet_override} (triaged: {top}).")
        if notes:
            notes.append(
                "This correction will be learned: the model is refitted with it once the triage "
                "is saved (Knowledge Base > Corrections forgets it)."
            )
        self.override_note.setText(" ".join(notes))
        self.override_note.setVisible(bool(notes))
        note = self._policy.spans_note if self._policy else ""
        # The note's first sentence keeps the bullet list its room; the whole note is one hover
        # away (and in the draft), and read in full by screen readers.
        lead = _first_sentence(note)
        self.spans_note.setText(
            f"Policy note: {lead}{' …' if lead != note else ''}" if note else ""
        )
        self.spans_note.setToolTip(plain_tooltip(note) if lead != note else "")
        self.spans_note.setAccessibleDescription(note)
        self.spans_note.setVisible(verdict == SPANS_BOTH and bool(note))

    def _paint_badge(self, verdict: str, text: str, neutral: bool = False) -> None:
        self.badge.setText(text)
        if neutral:
            # palette() roles keep the empty state right in light and dark themes.
            self.badge.setStyleSheet(
                "QLabel#verdictBadge { border: 1px dashed palette(mid); border-radius: 8px;"
                " color: palette(text); padding: 6px 14px; }"
            )
            return
        colour = verdict_colour(verdict).name()
        self.badge.setStyleSheet(
            f"QLabel#verdictBadge {{ background: {colour}; color: #ffffff; border-radius: 8px;"
            " padding: 6px 14px; }"
        )

    def badge_verdict(self) -> str:
        if self._result is None:
            return ""
        return self.override()[0] or self._result.verdict
