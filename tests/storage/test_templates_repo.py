"""Templates in the knowledge base: seeded by migration, saved with validation in one transaction, reset."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage_app.core.replies.templates import TEMPLATE_NAMES, shipped_templates
from triage_app.storage import templates_repo
from triage_app.storage.database import open_knowledge_base
from triage_app.storage.errors import ValidationError


def test_fresh_knowledge_base_has_the_shipped_templates(tmp_path: Path) -> None:
    kb = open_knowledge_base(tmp_path / "kb.db")
    assert "004_templates" in kb.applied_migrations()
    assert templates_repo.read_templates(kb.db) == shipped_templates()
    assert templates_repo.customized(kb.db) == set()
    kb.close()


def test_save_persists_and_reset_restores(tmp_path: Path) -> None:
    path = tmp_path / "kb.db"
    kb = open_knowledge_base(path)
    with kb.transaction() as db:
        templates_repo.save_template(db, "greeting", "Hello {customer_name|team},")
    kb.close()
    kb = open_knowledge_base(path)
    assert templates_repo.read_templates(kb.db)["greeting"] == "Hello {customer_name|team},"
    assert templates_repo.customized(kb.db) == {"greeting"}
    with kb.transaction() as db:
        body = templates_repo.reset_template(db, "greeting")
    assert body == shipped_templates()["greeting"]
    assert templates_repo.read_templates(kb.db)["greeting"] == body
    assert templates_repo.customized(kb.db) == set()
    kb.close()


def test_invalid_template_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    kb = open_knowledge_base(tmp_path / "kb.db")
    before = templates_repo.read_templates(kb.db)
    with pytest.raises(ValidationError) as info, kb.transaction() as db:
        templates_repo.save_templates(
            db, {"greeting": "Hi {customer_name},", "signature": "Bye\n{enginer_name}"}
        )
    assert info.value.where == "signature:2"
    assert "{enginer_name}" in str(info.value)
    assert (
        templates_repo.read_templates(kb.db) == before
    )  # the valid greeting was not written either
    kb.close()


def test_removing_a_block_a_reply_uses_is_refused(tmp_path: Path) -> None:
    kb = open_knowledge_base(tmp_path / "kb.db")
    with pytest.raises(ValidationError, match="circle"), kb.transaction() as db:
        templates_repo.save_template(db, "greeting", "{>signature}\n{>in_scope}")
    with pytest.raises(ValidationError, match="no such template"), kb.transaction() as db:
        templates_repo.save_template(db, "footer", "x")
    kb.close()


def test_missing_rows_fall_back_to_shipped_defaults(tmp_path: Path) -> None:
    kb = open_knowledge_base(tmp_path / "kb.db")
    with kb.transaction() as db:
        db.execute("delete from templates where name = 'escalation'")
    assert set(templates_repo.read_templates(kb.db)) == set(TEMPLATE_NAMES)
    assert templates_repo.read_templates(kb.db)["escalation"] == shipped_templates()["escalation"]
    kb.close()


def test_unedited_templates_follow_the_shipped_defaults(tmp_path: Path) -> None:
    kb = open_knowledge_base(tmp_path / "kb.db")
    with kb.transaction() as db:  # as if seeded by an older version of the app
        db.execute("update templates set body = 'old default' where name = 'escalation'")
        templates_repo.save_template(db, "greeting", "Hello,")
    templates = templates_repo.read_templates(kb.db)
    assert templates["escalation"] == shipped_templates()["escalation"]
    assert templates["greeting"] == "Hello,"
    kb.close()
