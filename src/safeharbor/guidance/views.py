"""Knowledge pages, the policy handbook, the live language check, and case notes. Thin views.

Every page shows the user's own agency's content; an entry or a section named in a URL is reached only
through its door in `selectors` (404 across agencies, audited). The first use of the guidance pages by
an agency copies the shared default text into it (`services.guidance_defaults_ensure`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from safeharbor import permissions
from safeharbor.guidance import selectors, services
from safeharbor.guidance.forms import CONTENT_FORMS, CaseNoteForm, LanguageCheckForm, SectionVersionForm
from safeharbor.guidance.indicators import HELP
from safeharbor.guidance.models import GlossaryTerm, LegalBasis, Myth, Need, Strategy
from safeharbor.guidance.rules import MAX_TEXT
from safeharbor.youth.selectors import require, youth_get_for_user

PAGE_SIZE = 25

KINDS: dict[str, tuple[type[Model], str, str]] = {
    # kind -> (model, page title, singular)
    "glossary": (GlossaryTerm, "Glossary: the words of the life", "glossary term"),
    "myths": (Myth, "Myths and facts", "myth"),
    "strategies": (Strategy, "Engaging youth: strategies", "strategy"),
    "needs": (Need, "Immediate and long-term needs", "need"),
    "legal": (LegalBasis, "Legal basis", "legal basis"),
}


def _ensure(request: HttpRequest) -> None:
    """The agency's own copy of the default content, made on its first use (one query afterwards)."""
    services.guidance_defaults_ensure(agency=request.user.agency)  # type: ignore[union-attr]


def _read(request: HttpRequest) -> None:
    require(permissions.can_read_guidance, request.user, action="guidance.read")
    _ensure(request)


def _edit(request: HttpRequest) -> None:
    require(permissions.can_edit_guidance, request.user, action="guidance.edit")
    _ensure(request)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _read(request)
    return render(
        request,
        "guidance/index.html",
        {
            "kinds": [(kind, title) for kind, (_, title, _) in KINDS.items()],
            "document": selectors.handbook_for(user=request.user),
        },
    )


@login_required
def knowledge_list(request: HttpRequest, kind: str) -> HttpResponse:
    _read(request)
    if kind not in KINDS:
        raise Http404
    model, title, singular = KINDS[kind]
    page = Paginator(selectors.entries_for(model, user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "guidance/knowledge_list.html",
        {
            "kind": kind,
            "title": title,
            "singular": singular,
            "page": page,
            "can_edit": permissions.can_edit_guidance(request.user),
        },
    )


def glossary(request: HttpRequest) -> HttpResponse:
    return knowledge_list(request, "glossary")


@login_required
def search(request: HttpRequest) -> HttpResponse:
    _read(request)
    query = (request.GET.get("q") or "").strip()[:200]
    found = selectors.knowledge_search(user=request.user, query=query) if query else {}
    headings = {kind: title for kind, (_, title, _) in KINDS.items()} | {"sections": "Policy handbook"}
    results = [(kind, headings[kind], items) for kind, items in found.items()]
    return render(request, "guidance/search.html", {"query": query, "results": results})


@login_required
@require_http_methods(["GET", "POST"])
def content_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    _edit(request)
    if kind not in CONTENT_FORMS:
        raise Http404
    model, title, singular = KINDS[kind]
    if pk is None:
        instance = model(agency_id=request.user.agency_id)  # type: ignore[union-attr]
    else:
        instance = selectors.ENTRY_DOORS[kind](user=request.user, pk=pk, write=True)
    form_class = CONTENT_FORMS[kind]
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            services.content_save(actor=request.user, instance=form.instance, kind=kind)
            messages.success(request, f"Saved the {singular}. The change is kept in its history.")
            return redirect("guidance:list", kind=kind)
        status = 400
    else:
        status = 200
    history = list(instance.history.select_related("history_user")[:20]) if instance.pk else []  # type: ignore[attr-defined]
    return render(
        request,
        "guidance/content_edit.html",
        {"form": form, "kind": kind, "title": title, "singular": singular, "instance": instance, "history": history},
        status=status,
    )


@login_required
def handbook(request: HttpRequest) -> HttpResponse:
    _read(request)
    document = selectors.handbook_for(user=request.user)
    if document is None:
        raise Http404("No policy handbook is loaded.")
    sections = selectors.sections_current(document=document)
    return render(
        request,
        "guidance/handbook.html",
        {
            "document": document,
            "sections": [(s, selectors.related_form_links(s)) for s in sections],
            "can_edit": permissions.can_edit_guidance_content(request.user, document),
        },
    )


@login_required
def section_detail(request: HttpRequest, key: str, version: int | None = None) -> HttpResponse:
    _read(request)
    section = selectors.guidance_section_get_for_user(user=request.user, key=key, version=version)
    document = section.document
    versions = list(selectors.section_versions(document=document, key=key).prefetch_related("legal_basis"))
    section = next(v for v in versions if v.version == section.version)
    return render(
        request,
        "guidance/section.html",
        {
            "document": document,
            "section": section,
            "is_current": section.version == versions[0].version,
            "versions": versions,
            "forms": selectors.related_form_links(section),
            "can_edit": permissions.can_edit_guidance_content(request.user, document),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_new_version(request: HttpRequest, key: str) -> HttpResponse:
    _edit(request)
    current = selectors.guidance_section_get_for_user(user=request.user, key=key, write=True)
    document = current.document
    form = SectionVersionForm(
        request.POST or None,
        initial=SectionVersionForm.initial_from(current),
        legal_basis=selectors.legal_basis_for(user=request.user),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            section = services.section_new_version(
                actor=request.user,
                current=current,
                title=data["title"],
                summary=data["summary"],
                effective_date=data["effective_date"],
                last_updated=data["last_updated"],
                legal_basis=list(data["legal_basis"]),
                enforced_by=data["enforced_by"],
                related_forms=current.related_forms,
                change_note=data["change_note"],
            )
            messages.success(request, f"Version {section.version} is now current; earlier versions stay readable.")
            return redirect("guidance:section", key=key)
        status = 400
    return render(
        request,
        "guidance/section_version_form.html",
        {"form": form, "current": current, "document": document},
        status=status,
    )


@login_required
def rules_page(request: HttpRequest) -> HttpResponse:
    _read(request)
    document = selectors.handbook_for(user=request.user)
    return render(request, "guidance/rules.html", {"rows": selectors.rules_with_sections(document=document)})


@login_required
def indicator_help(request: HttpRequest, code: str) -> HttpResponse:
    _read(request)
    help_entry = HELP.get(code)
    if help_entry is None:
        raise Http404
    terms = selectors.glossary_terms_for(user=request.user, keys=help_entry.glossary_keys)
    return render(request, "guidance/indicator_help.html", {"help": help_entry, "terms": terms})


@login_required
@require_POST
def language_check(request: HttpRequest) -> HttpResponse:
    """The live check under a free-text field (htmx). Reads the named field, or `text`. Never blocks."""
    require(permissions.can_check_language, request.user, action="guidance.language_check")
    field = request.POST.get("field") or "text"
    text = request.POST.get(field)
    if text is None:
        text = request.POST.get("text", "")
    context: dict[str, Any] = {"field": field, "too_long": len(text) > MAX_TEXT, "limit": MAX_TEXT}
    if not context["too_long"]:
        shown, indicators = selectors.findings_for_display(text, user=request.user, prefix=f"sh-{field}"[:60])
        context.update({"findings": shown, "indicators": indicators})
    return render(request, "guidance/partials/findings.html", context)


@login_required
def check_page(request: HttpRequest) -> HttpResponse:
    require(permissions.can_check_language, request.user, action="guidance.language_check")
    return render(request, "guidance/check.html", {"form": LanguageCheckForm()})


@login_required
@require_http_methods(["GET", "POST"])
def notes(request: HttpRequest, youth_pk: int) -> HttpResponse:
    writing = request.method == "POST"
    youth = youth_get_for_user(user=request.user, pk=youth_pk, write=writing, action="guidance.case_notes")
    form = CaseNoteForm(request.POST or None)
    status = 200
    if writing:
        if form.is_valid():
            services.case_note_create(actor=request.user, youth=youth, text=form.cleaned_data["text"])
            messages.success(request, "Note saved.")
            return redirect(reverse("guidance:notes", kwargs={"youth_pk": youth.pk}))
        status = 400
    page = Paginator(selectors.notes_for_youth(youth=youth), 10).get_page(request.GET.get("page"))
    glossary = selectors.glossary_by_key(user=request.user)
    rows = [(note, selectors.note_segments(note.text, glossary, prefix=f"note-{note.pk}")) for note in page.object_list]
    return render(
        request,
        "guidance/notes.html",
        {
            "youth": youth,
            "form": form,
            "page": page,
            "rows": rows,
            "can_write": writing or permissions.can_edit_youth(request.user, youth),
        },
        status=status,
    )
