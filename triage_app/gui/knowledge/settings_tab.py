"""The Settings tab: engineer name, signature and the support window in months."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from triage_app.gui.knowledge.changes import (
    ENGINEER_SETTING,
    SIGNATURE_SETTING,
    SUPPORT_MONTHS_SETTING,
    ChangeRefused,
)
from triage_app.storage import (
    history_repo,
    policy_repo,
    releases_repo,
)

if TYPE_CHECKING:
    from sqlite_utils import Database


class SettingsTab:
    """Methods of KbEditor for this tab (a mixin: the editor owns the widgets, services and write path)."""

    def _settings_tab(self) -> QWidget:
        self.ending_soon_spin = QSpinBox()
        self.ending_soon_spin.setObjectName("kbEndingSoon")
        self.ending_soon_spin.setRange(0, 365)
        self.ending_soon_spin.setSuffix(" days")
        self.support_months_spin = QSpinBox()
        self.support_months_spin.setObjectName("kbSupportMonths")
        self.support_months_spin.setRange(1, 60)
        self.support_months_spin.setSuffix(" months")
        self.engineer_edit = QLineEdit()
        self.engineer_edit.setObjectName("kbEngineerName")
        self.signature_edit = QPlainTextEdit()
        self.signature_edit.setObjectName("kbSignature")
        self.signature_edit.setMaximumHeight(90)
        self.retention_spin = QSpinBox()
        self.retention_spin.setObjectName("kbRetention")
        self.retention_spin.setRange(0, 3650)
        self.retention_spin.setSpecialValueText("keep forever")
        self.retention_spin.setSuffix(" days")
        self.settings_save = QPushButton("Save settings")
        self.settings_save.setObjectName("kbSettingsSave")
        self.settings_save.clicked.connect(self.save_settings)
        # Compact: numbers as wide as a number, text fields as wide as a name, rows at the top.
        for spin in (self.ending_soon_spin, self.support_months_spin, self.retention_spin):
            spin.setMaximumWidth(180)
        self.engineer_edit.setMinimumWidth(260)
        self.engineer_edit.setMaximumWidth(360)
        self.signature_edit.setMaximumWidth(480)
        page = QWidget()
        self.settings_page = page
        outer = QVBoxLayout(page)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        outer.addLayout(form)
        outer.addStretch(1)
        form.addRow("Ending-soon warning", self.ending_soon_spin)
        form.addRow("Support period", self.support_months_spin)
        form.addRow("Engineer name", self.engineer_edit)
        form.addRow("Signature", self.signature_edit)
        form.addRow("Keep history for", self.retention_spin)
        save_row = QHBoxLayout()
        save_row.addWidget(self.settings_save)
        save_row.addStretch(1)
        form.addRow("", save_row)
        for label, widget in (
            ("Days before end of support that count as ending soon", self.ending_soon_spin),
            ("Months a release is supported", self.support_months_spin),
            ("Engineer name used in drafts", self.engineer_edit),
            ("Signature used in drafts", self.signature_edit),
            ("Days to keep saved triages, 0 keeps them forever", self.retention_spin),
        ):
            widget.setAccessibleName(label)
        return page

    def _fill_settings(self) -> None:
        def read(db: Database) -> dict[str, Any]:
            return {
                "ending": releases_repo.ending_soon_days(db),
                "months": self.services.policy.support_months,
                "engineer": policy_repo.get_setting(db, ENGINEER_SETTING, "") or "",
                "signature": policy_repo.get_setting(db, SIGNATURE_SETTING, "") or "",
                "retention": history_repo.retention_days(db) or 0,
            }

        v = self._read(read)
        self.ending_soon_spin.setValue(v["ending"])
        self.support_months_spin.setValue(v["months"])
        self.engineer_edit.setText(v["engineer"])
        self.signature_edit.setPlainText(v["signature"])
        self.retention_spin.setValue(v["retention"])

    def save_settings(self) -> bool:
        engineer = self.engineer_edit.text().strip()
        signature = self.signature_edit.toPlainText().rstrip()

        def change(db: Database) -> None:
            if len(engineer) > 120 or len(signature) > 2000:
                raise ChangeRefused("the engineer name or signature is too long")
            releases_repo.set_ending_soon_days(db, self.ending_soon_spin.value())
            policy_repo.set_setting(
                db, SUPPORT_MONTHS_SETTING, str(self.support_months_spin.value())
            )
            policy_repo.set_setting(db, ENGINEER_SETTING, engineer)
            policy_repo.set_setting(db, SIGNATURE_SETTING, signature)
            # Old triages go at the next save (so undoing a too-short retention loses nothing now).
            history_repo.set_retention_days(db, self.retention_spin.value())

        return self.apply_change("settings", ["settings"], change)
