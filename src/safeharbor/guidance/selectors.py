"""Reads of the guidance app, each with a fixed number of queries.

Every read is of the user's own agency's content (`permissions.guidance_read_q`). A URL that names an
entry or a policy section reaches it only through its door (`guidance_<entity>_get_for_user`), which
answers 404 for another agency's record as for a missing one, and audits both outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from safeharbor import permissions
from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import audit_record
from safeharbor.core import rules_registry
from safeharbor.guidance import rules as language
from safeharbor.guidance.defaults import HANDBOOK_CODE
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

SEARCH_LIMIT = 25
SECTION = "document__"  # how a policy section reaches its agency

M = TypeVar("M", bound=Model)


# --- Doors --------------------------------------------------------------------------------------


def _entry_get_for_user(model: type[M], *, kind: str, user: Any, pk: Any, write: bool) -> M:
    """The door to one knowledge entry of the user's agency (with `write`: one they may change)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    scope = permissions.guidance_write_q(user) if write else permissions.guidance_read_q(user)
    entry = model._default_manager.filter(scope, pk=pk).first()
    action = f"guidance.{kind}.{'edit' if write else 'view'}"
    with transaction.atomic():
        if entry is None:
            audit_record(
                actor=user,
                action=action,
                object_type=model._meta.label_lower,
                object_id=pk,
                outcome=AuditEvent.Outcome.DENIED,
            )
        else:
            audit_record(actor=user, action=action, obj=entry)
    if entry is None:
        raise Http404("No such entry here, or you do not have access to it.")
    return entry


def guidance_glossary_term_get_for_user(*, user: Any, pk: Any, write: bool = False) -> GlossaryTerm:
    return _entry_get_for_user(GlossaryTerm, kind="glossary", user=user, pk=pk, write=write)


def guidance_myth_get_for_user(*, user: Any, pk: Any, write: bool = False) -> Myth:
    return _entry_get_for_user(Myth, kind="myths", user=user, pk=pk, write=write)


def guidance_strategy_get_for_user(*, user: Any, pk: Any, write: bool = False) -> Strategy:
    return _entry_get_for_user(Strategy, kind="strategies", user=user, pk=pk, write=write)


def guidance_need_get_for_user(*, user: Any, pk: Any, write: bool = False) -> Need:
    return _entry_get_for_user(Need, kind="needs", user=user, pk=pk, write=write)


def guidance_legal_basis_get_for_user(*, user: Any, pk: Any, write: bool = False) -> LegalBasis:
    return _entry_get_for_user(LegalBasis, kind="legal", user=user, pk=pk, write=write)


ENTRY_DOORS: dict[str, Any] = {
    "glossary": guidance_glossary_term_get_for_user,
    "myths": guidance_myth_get_for_user,
    "strategies": guidance_strategy_get_for_user,
    "needs": guidance_need_get_for_user,
    "legal": guidance_legal_basis_get_for_user,
}


def guidance_section_get_for_user(
    *, user: Any, key: str, version: int | None = None, write: bool = False
) -> PolicySection:
    """The door to a section of the user's agency's handbook, named by key as the URLs name it (the
    current version, or `version`). With `write`: the current version, for an admin of the agency.
    Another agency's section is a 404 like a missing one; both outcomes are audited."""
    scope = permissions.guidance_write_q(user, via=SECTION) if write else permissions.guidance_read_q(user, via=SECTION)
    rows = PolicySection.objects.filter(scope, document__code=HANDBOOK_CODE, key=key).select_related("document")
    if version is not None and not write:
        rows = rows.filter(version=version)
    section = rows.order_by("-version").first()
    action = "guidance.section.edit" if write else "guidance.section.view"
    with transaction.atomic():
        if section is None:
            audit_record(
                actor=user,
                action=action,
                object_type="guidance.policysection",
                outcome=AuditEvent.Outcome.DENIED,
                detail={"key": key[:60], "version": version},
            )
        else:
            audit_record(
                actor=user, action=action, obj=section, detail={"key": section.key, "version": section.version}
            )
    if section is None:
        raise Http404("No such section in this agency's handbook.")
    return section


# --- The agency's content -----------------------------------------------------------------------


def handbook_for(*, user: Any) -> PolicyDocument | None:
    """The user's agency's policy handbook (13-19), if it has one."""
    return PolicyDocument.objects.filter(permissions.guidance_read_q(user), code=HANDBOOK_CODE).first()


def entries_for(model: type[M], *, user: Any) -> QuerySet[M]:
    """The knowledge entries of one kind of the user's agency, in their order."""
    return model._default_manager.filter(permissions.guidance_read_q(user))


def legal_basis_for(*, user: Any) -> QuerySet[LegalBasis]:
    return LegalBasis.objects.filter(permissions.guidance_read_q(user)).order_by("order")


def sections_current(*, document: PolicyDocument) -> list[PolicySection]:
    """The latest version of each section of a document, in order (2 queries)."""
    rows = (
        PolicySection.objects.filter(document=document)
        .prefetch_related(Prefetch("legal_basis", queryset=LegalBasis.objects.order_by("order")))
        .order_by("order", "key", "-version")
    )
    latest: dict[str, PolicySection] = {}
    for section in rows:
        latest.setdefault(section.key, section)
    return list(latest.values())


def section_versions(*, document: PolicyDocument, key: str) -> QuerySet[PolicySection]:
    return PolicySection.objects.filter(document=document, key=key).order_by("-version")


def related_form_links(section: PolicySection) -> list[dict[str, Any]]:
    """Each related form with a URL when its page exists in this installation; omitted otherwise."""
    links = []
    for form in section.related_forms:
        url = None
        for name in (form.get("url_name"), form.get("fallback_url_name")):
            if not name:
                continue
            try:
                url = reverse(name)
                break
            except NoReverseMatch:
                continue
        if url is None:
            continue
        links.append({"label": form.get("label", ""), "url": url, "note": form.get("note", "")})
    return links


@dataclass(frozen=True)
class RuleRow:
    name: str
    summary: str
    registered: bool
    sections: list[PolicySection]


def rules_with_sections(*, document: PolicyDocument | None) -> list[RuleRow]:
    """Every rule the software enforces, with the policy sections it implements, and any rule key a
    section names that the software does not (yet) register."""
    sections = sections_current(document=document) if document is not None else []
    names = set(rules_registry.names())
    for section in sections:
        names.update(section.enforced_by)
    result = []
    for name in sorted(names):
        registered = name in rules_registry.CONTRACTS
        summary = rules_registry.get_contract(name).summary if registered else ""
        result.append(RuleRow(name, summary, registered, [s for s in sections if name in s.enforced_by]))
    return result


def _search_q(query: str, *fields: str) -> Q:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": query})
    return condition


def knowledge_search(*, user: Any, query: str) -> dict[str, list[Any]]:
    """Every kind of the user's agency's knowledge containing `query`, at most SEARCH_LIMIT of each
    (one query per kind)."""
    query = query.strip()
    if not query:
        return {}
    mine = permissions.guidance_read_q(user)
    results: dict[str, list[Any]] = {
        "glossary": list(GlossaryTerm.objects.filter(mine, _search_q(query, "term", "meaning"))[:SEARCH_LIMIT]),
        "myths": list(Myth.objects.filter(mine, _search_q(query, "name", "myth", "facts"))[:SEARCH_LIMIT]),
        "strategies": list(Strategy.objects.filter(mine, _search_q(query, "title", "body"))[:SEARCH_LIMIT]),
        "needs": list(Need.objects.filter(mine, _search_q(query, "name", "description"))[:SEARCH_LIMIT]),
        "legal": list(LegalBasis.objects.filter(mine, _search_q(query, "citation", "title", "summary"))[:SEARCH_LIMIT]),
    }
    sections = PolicySection.objects.filter(
        permissions.guidance_read_q(user, via=SECTION), _search_q(query, "title", "summary")
    ).select_related("document")
    latest: dict[tuple[int, str], PolicySection] = {}
    for section in sections.order_by("order", "-version")[: SEARCH_LIMIT * 3]:
        latest.setdefault((section.document_id, section.key), section)
    results["sections"] = list(latest.values())[:SEARCH_LIMIT]
    return {kind: items for kind, items in results.items() if items}


def glossary_by_key(*, user: Any) -> dict[str, GlossaryTerm]:
    """The user's agency's glossary by key (the language check's tooltips and the notes read it)."""
    return {term.key: term for term in GlossaryTerm.objects.filter(permissions.guidance_read_q(user))}


def glossary_terms_for(*, user: Any, keys: tuple[str, ...]) -> list[GlossaryTerm]:
    if not keys:
        return []
    return list(GlossaryTerm.objects.filter(permissions.guidance_read_q(user), key__in=keys))


def _glossary_key(entry_key: str) -> str:
    return entry_key.replace("_", "-")


@dataclass(frozen=True)
class ShownFinding:
    finding: language.Finding
    meaning: str
    glossary_url: str
    tip_id: str


def findings_for_display(text: str, *, user: Any, prefix: str = "text") -> tuple[list[ShownFinding], list[str]]:
    """The findings of the language check, with the meaning the user's agency's glossary gives each term
    of the life (1 query; the built-in explanation when the agency's glossary lacks the term)."""
    findings = language.check_language(text)
    glossary = glossary_by_key(user=user) if any(f.kind == language.LINGO for f in findings) else {}
    shown = []
    for index, finding in enumerate(findings):
        meaning = ""
        url = ""
        if finding.kind == language.LINGO:
            term = glossary.get(_glossary_key(finding.key))
            meaning = term.meaning if term else language.ENTRIES[finding.key].explanation
            url = reverse("guidance:glossary") + f"#term-{_glossary_key(finding.key)}"
        shown.append(ShownFinding(finding, meaning, url, f"{prefix}-tip-{index}"))
    has_lingo = any(f.kind == language.LINGO for f in findings)
    return shown, [language.LINGO_INDICATOR] if has_lingo else []


def note_segments(text: str, glossary: dict[str, GlossaryTerm], *, prefix: str = "note") -> list[dict[str, Any]]:
    """A note split into plain text and found terms, so a page can give each term a tooltip."""
    segments: list[dict[str, Any]] = []
    position = 0
    for finding in language.check_language(text):
        if finding.start < position:
            continue
        if finding.start > position:
            segments.append({"text": text[position : finding.start]})
        if finding.kind == language.LINGO:
            term = glossary.get(_glossary_key(finding.key))
            tip = term.meaning if term else language.ENTRIES[finding.key].explanation
        else:
            tip = f"Victim-centred alternative: {finding.suggestion}."
        segments.append(
            {
                "text": finding.term,
                "kind": finding.kind,
                "tip": tip,
                "quoted": finding.quoted,
                "tip_id": f"{prefix}-tip-{len(segments)}",
            }
        )
        position = finding.end
    if position < len(text):
        segments.append({"text": text[position:]})
    return segments


def notes_for_youth(*, youth: Any) -> QuerySet[CaseNote]:
    return CaseNote.objects.filter(youth=youth).select_related("author").order_by("-created_at", "-id")
