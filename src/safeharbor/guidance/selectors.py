"""Reads of the guidance app, each with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from safeharbor.core import rules_registry
from safeharbor.guidance import rules as language
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


def knowledge_search(*, query: str) -> dict[str, list[Any]]:
    """Every kind of knowledge containing `query`, at most SEARCH_LIMIT of each (one query per kind)."""
    query = query.strip()
    if not query:
        return {}
    results: dict[str, list[Any]] = {
        "glossary": list(GlossaryTerm.objects.filter(_search_q(query, "term", "meaning"))[:SEARCH_LIMIT]),
        "myths": list(Myth.objects.filter(_search_q(query, "name", "myth", "facts"))[:SEARCH_LIMIT]),
        "strategies": list(Strategy.objects.filter(_search_q(query, "title", "body"))[:SEARCH_LIMIT]),
        "needs": list(Need.objects.filter(_search_q(query, "name", "description"))[:SEARCH_LIMIT]),
        "legal": list(LegalBasis.objects.filter(_search_q(query, "citation", "title", "summary"))[:SEARCH_LIMIT]),
    }
    sections = PolicySection.objects.filter(_search_q(query, "title", "summary")).select_related("document")
    latest: dict[tuple[int, str], PolicySection] = {}
    for section in sections.order_by("order", "-version")[: SEARCH_LIMIT * 3]:
        latest.setdefault((section.document_id, section.key), section)
    results["sections"] = list(latest.values())[:SEARCH_LIMIT]
    return {kind: items for kind, items in results.items() if items}


def glossary_by_key() -> dict[str, GlossaryTerm]:
    return {term.key: term for term in GlossaryTerm.objects.all()}


def _glossary_key(entry_key: str) -> str:
    return entry_key.replace("_", "-")


@dataclass(frozen=True)
class ShownFinding:
    finding: language.Finding
    meaning: str
    glossary_url: str
    tip_id: str


def findings_for_display(text: str, *, prefix: str = "text") -> tuple[list[ShownFinding], list[str]]:
    """The findings of the language check, with the glossary's current meaning for lingo (1 query)."""
    findings = language.check_language(text)
    glossary = glossary_by_key() if any(f.kind == language.LINGO for f in findings) else {}
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
