"""What a refused Knowledge Base change is (nothing written, the reason shown) and the settings' names."""

from __future__ import annotations

from triage_app.core.knowledge.bundle import BundleError
from triage_app.core.triage.vocabulary import VocabularyError
from triage_app.storage.errors import ValidationError

TERM_GROUPS_HINT = "terms"
SIGNATURE_SETTING = "signature"
ENGINEER_SETTING = "engineer_name"
SUPPORT_MONTHS_SETTING = "support_months"


class ChangeRefused(Exception):
    """A change failed validation; nothing was written. The message is shown to the user."""


class FileRefused(Exception):
    """A file could not be read or parsed, or an undo failed; nothing was written. The message is shown as it is,
    `details` (if any) in the diff view."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


# Failures of a change that are the input's fault: said in the status line, nothing written.
REFUSED = (ChangeRefused, ValidationError, VocabularyError, BundleError, ValueError)
# The one template editor, by one name (the Draft menu's "Edit reply templates…" opens it).
TEMPLATES_TAB = "Reply &templates"
