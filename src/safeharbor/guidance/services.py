"""Writes of the guidance app: content edits by admins, new policy-section versions, case notes.

Each is one transaction with `full_clean()` and an audit row (codes and ids only). Content history is
also kept by django-simple-history, with the acting user.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Model

from safeharbor import permissions
from safeharbor.audit.services import audit_record
from safeharbor.guidance.models import CaseNote, LegalBasis, PolicySection


def content_save(*, actor: Any, instance: Model, kind: str) -> Model:
    """Create or change one knowledge entry (glossary term, myth, strategy, need, legal basis)."""
    if not permissions.can_edit_guidance(actor):
        raise PermissionDenied
    creating = instance.pk is None
    with transaction.atomic():
        instance.full_clean()
        instance._history_user = actor  # type: ignore[attr-defined]
        instance.save()
        audit_record(
            actor=actor,
            action=f"guidance.{kind}.{'create' if creating else 'update'}",
            obj=instance,
        )
    return instance


def section_new_version(
    *,
    actor: Any,
    current: PolicySection,
    title: str,
    summary: str,
    effective_date: date,
    last_updated: date,
    legal_basis: list[LegalBasis],
    enforced_by: list[str],
    related_forms: list[dict[str, str]],
    change_note: str,
) -> PolicySection:
    """A new version of a policy section. The old version stays, readable with its dates."""
    if not permissions.can_edit_guidance(actor):
        raise PermissionDenied
    with transaction.atomic():
        latest = (
            PolicySection.objects.select_for_update()
            .filter(document_id=current.document_id, key=current.key)
            .aggregate(v=Max("version"))["v"]
            or 0
        )
        section = PolicySection(
            document_id=current.document_id,
            key=current.key,
            version=latest + 1,
            order=current.order,
            title=title,
            summary=summary,
            effective_date=effective_date,
            last_updated=last_updated,
            enforced_by=enforced_by,
            related_forms=related_forms,
            change_note=change_note,
        )
        section.full_clean()
        section._history_user = actor  # type: ignore[attr-defined]
        section.save()
        section.legal_basis.set(legal_basis)
        audit_record(
            actor=actor,
            action="guidance.section.new_version",
            obj=section,
            detail={"key": section.key, "version": section.version},
        )
    return section


def case_note_create(*, actor: Any, youth: Any, text: str) -> CaseNote:
    """Save a case note. The caller got `youth` through the door with write=True.

    The language check never blocks: findings are shown, and the note saves anyway.
    """
    with transaction.atomic():
        note = CaseNote(youth=youth, author=actor, text=text)
        note.full_clean()
        note._history_user = actor  # type: ignore[attr-defined]
        note.save()
        audit_record(
            actor=actor, action="guidance.case_note.create", obj=note, youth_id=youth.pk, agency_id=youth.agency_id
        )
    return note
