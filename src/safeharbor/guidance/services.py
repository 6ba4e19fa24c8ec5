"""Writes of the guidance app: the agency's copy of the default content, content edits by admins, new
policy-section versions, case notes.

Each is one transaction with `full_clean()` and an audit row (codes and ids only). Content history is
also kept by django-simple-history, with the acting user. Guidance content belongs to an agency: an
admin changes only their own agency's entries and sections (`permissions.can_edit_guidance_content`).
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Model
from simple_history.utils import bulk_create_with_history

from safeharbor import permissions
from safeharbor.agency.models import Agency
from safeharbor.audit.services import audit_record
from safeharbor.guidance import defaults
from safeharbor.guidance.models import (
    CaseNote,
    GlossaryTerm,
    LegalBasis,
    Myth,
    Need,
    PolicyDocument,
    PolicySection,
    Strategy,
)

DEFAULT_KINDS = ("glossary", "myths", "strategies", "needs", "legal", "sections")


def guidance_defaults_ensure(*, agency: Any) -> dict[str, int]:
    """Copy the shared default text (`guidance/defaults.py`) into an agency that lacks it.

    Called when an agency is created (`agency_seed`) and on the first use of the guidance pages, so an
    agency made any other way gets its copy too. Each kind of content the agency already has is left
    as the agency keeps it: from the first copy on it is the agency's own, edited by its admin alone.
    Returns how many rows each kind added. When the agency has its handbook (every agency after its
    first copy) this is one query and opens no transaction.
    """
    added = dict.fromkeys(DEFAULT_KINDS, 0)
    if PolicyDocument.objects.filter(agency_id=agency.pk, code=defaults.HANDBOOK_CODE).exists():
        return added
    with transaction.atomic():
        # One copier per agency at a time: a second first use waits here, then finds the copy made.
        Agency.objects.select_for_update().filter(pk=agency.pk).values_list("pk", flat=True).first()
        if PolicyDocument.objects.filter(agency_id=agency.pk, code=defaults.HANDBOOK_CODE).exists():
            return added
        added["glossary"] = _copy_if_none(GlossaryTerm, agency, _default_glossary(agency))
        added["myths"] = _copy_if_none(Myth, agency, _default_myths(agency))
        added["strategies"] = _copy_if_none(Strategy, agency, _default_strategies(agency))
        added["needs"] = _copy_if_none(Need, agency, _default_needs(agency))
        added["legal"] = _copy_if_none(LegalBasis, agency, _default_legal(agency))
        added["sections"] = _copy_handbook(agency)
        audit_record(
            actor=None,
            action="guidance.defaults_seed",
            object_type="agency.agency",
            object_id=agency.pk,
            agency_id=agency.pk,
            detail=added,
        )
    return added


def _checked(row: Model) -> Model:
    """`full_clean()` without the database round trips: the agency was just read, and the agency has
    nothing of this kind yet, so nothing can collide with the defaults (whose keys are distinct)."""
    row.full_clean(exclude=["agency", "document"], validate_unique=False, validate_constraints=False)
    return row


def _copy_if_none(model: type[Model], agency: Any, rows: list[Model]) -> int:
    if model._default_manager.filter(agency_id=agency.pk).exists():
        return 0
    bulk_create_with_history([_checked(row) for row in rows], model)  # each copy starts its history
    return len(rows)


def _default_glossary(agency: Any) -> list[Model]:
    return [
        GlossaryTerm(
            agency_id=agency.pk,
            key=key,
            term=term,
            meaning=meaning,
            indicator=indicator,
            order=order,
            citation=defaults.GLOSSARY_CITATION,
        )
        for order, (key, term, meaning, indicator) in enumerate(defaults.GLOSSARY, start=1)
    ]


def _default_myths(agency: Any) -> list[Model]:
    return [
        Myth(agency_id=agency.pk, name=name, myth=myth, facts=facts, citation=citation, order=order)
        for order, (name, myth, facts, citation) in enumerate(defaults.MYTHS, start=1)
    ]


def _default_strategies(agency: Any) -> list[Model]:
    return [
        Strategy(agency_id=agency.pk, title=title, body=body, citation=citation, order=order)
        for order, (title, body, citation) in enumerate(defaults.STRATEGIES, start=1)
    ]


def _default_needs(agency: Any) -> list[Model]:
    return [
        Need(
            agency_id=agency.pk,
            horizon=horizon,
            name=name,
            description=description,
            order=order,
            citation=defaults.NEEDS_CITATION,
        )
        for horizon, name, description, order in defaults.NEEDS
    ]


def _default_legal(agency: Any) -> list[Model]:
    return [
        LegalBasis(
            agency_id=agency.pk,
            key=key,
            citation=citation,
            title=title,
            jurisdiction=jurisdiction,
            summary=summary,
            source=source,
            order=order,
        )
        for order, (key, citation, title, jurisdiction, summary, source) in enumerate(defaults.LEGAL, start=1)
    ]


def _copy_handbook(agency: Any) -> int:
    """Version 1 of every default section, linked to the agency's own legal basis (by key)."""
    document = PolicyDocument(agency_id=agency.pk, code=defaults.HANDBOOK_CODE, title=defaults.HANDBOOK_TITLE)
    _checked(document).save()
    legal = {basis.key: basis for basis in LegalBasis.objects.filter(agency_id=agency.pk)}
    for order, (key, title, summary, legal_keys, forms, enforced_by) in enumerate(defaults.SECTIONS, start=1):
        section = PolicySection(
            document=document,
            key=key,
            version=1,
            order=order,
            title=title,
            summary=summary,
            effective_date=defaults.HANDBOOK_EFFECTIVE,
            last_updated=defaults.HANDBOOK_EFFECTIVE,
            related_forms=copy.deepcopy(forms),
            enforced_by=list(enforced_by),
            change_note=defaults.FIRST_VERSION_NOTE,
        )
        _checked(section).save()  # one at a time, so its history keeps its legal basis
        section.legal_basis.set([legal[k] for k in legal_keys if k in legal])
    return len(defaults.SECTIONS)


def content_save(*, actor: Any, instance: Model, kind: str) -> Model:
    """Create or change one knowledge entry (glossary term, myth, strategy, need, legal basis) of the
    actor's own agency. The caller got an existing entry through its door with write=True, or made a
    new one with the actor's agency."""
    if not permissions.can_edit_guidance_content(actor, instance):
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
    """A new version of a policy section of the actor's own agency. The old version stays, readable with
    its dates. The legal basis it cites must be the agency's own too."""
    if not permissions.can_edit_guidance_content(actor, current):
        raise PermissionDenied
    if any(basis.agency_id != current.agency_id for basis in legal_basis):
        raise ValidationError({"legal_basis": "Choose from this agency's legal basis."})
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
