"""The registry of duty kinds and docs/duties.md list the same kinds; every kind names its rule, due
instant, owner, and the services that meet and cancel it (issue 13)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from safeharbor.deadlines import kinds

DOC = Path(__file__).resolve().parents[4] / "docs" / "duties.md"
STABLE_CODES = {
    "missing.report_law_enforcement",
    "missing.report_ncmec",
    "missing.notice.<notice code>",
    "missing.icwa_inquiry",
    "missing.return_debrief",
    "missing.return_screening",
    "screening.victim_report_law_enforcement",
    "screening.periodic_rescreening",
    "care.immediate.safe_placement",
    "care.immediate.health_exam",
    "care.immediate.mental_health",
    "mdt.action_item",
}


def _doc_codes() -> list[str]:
    section = DOC.read_text().split("## Duty kinds", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE)


def test_the_table_and_the_registry_hold_the_same_kinds():
    documented = _doc_codes()
    assert len(documented) == len(set(documented)), "a kind is documented twice"
    assert set(documented) == set(kinds.KINDS), "no kind without a row, no row without a kind"


def test_the_issue_s_stable_codes_are_all_registered():
    assert set(kinds.KINDS) >= STABLE_CODES


@pytest.mark.parametrize("code", sorted(kinds.KINDS))
def test_every_kind_names_its_rule_due_owner_and_services(code):
    kind = kinds.KINDS[code]
    for field in ("label", "legal_basis", "opens", "due", "owner", "meets", "cancels"):
        assert getattr(kind, field).strip(), f"{code} has no {field}"
    # The services named as opening and meeting the duty exist.
    for spec in (kind.opens, kind.meets):
        dotted = spec.split(" ", 1)[0].rstrip(",;")
        module, _, function = dotted.rpartition(".")
        assert hasattr(importlib.import_module(f"safeharbor.{module}"), function), dotted


def test_notice_kinds_are_a_family_and_unknown_kinds_are_refused(monkeypatch):
    monkeypatch.setattr(kinds, "TEST_PREFIXES", ())
    assert kinds.is_registered("missing.notice.parents")
    assert kinds.is_registered("missing.notice.tribe")
    assert not kinds.is_registered("missing.notice.")
    assert not kinds.is_registered("missing.notice.Bad Code")
    assert not kinds.is_registered("service_item")
    assert not kinds.is_registered("test.anything")
    assert kinds.kind_of("missing.notice.tribe").code == "missing.notice.<notice code>"
    assert kinds.is_legal_duty("missing.notice.parents")
    assert not kinds.is_legal_duty("care.service")


@pytest.mark.django_db
def test_opening_an_unregistered_kind_fails_loudly(personas, monkeypatch):
    from safeharbor.deadlines.services import deadline_open

    monkeypatch.setattr(kinds, "TEST_PREFIXES", ())
    with pytest.raises(ValueError, match="unknown duty kind"):
        deadline_open(
            agency_id=personas.agency.pk,
            kind="le_report_victim",
            subject=personas.youth,
            title="x",
            due_at=personas.youth.created_at,
            owner=personas.worker,
        )
