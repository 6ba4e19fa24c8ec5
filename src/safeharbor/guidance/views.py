"""Knowledge pages, the policy handbook, the live language check, and case notes. Thin views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from safeharbor import permissions
from safeharbor.guidance import selectors, services
from safeharbor.guidance.forms import CONTENT_FORMS, CaseNoteForm, LanguageCheckForm, SectionVersionForm
from safeharbor.guidance.indicators import HELP
from safeharbor.guidance.models import GlossaryTerm, LegalBasis, Myth, Need, PolicyDocument, Strategy
from safeharbor.guidance.rules import MAX_TEXT
from safeharbor.youth.selectors import require, youth_get_for_user

PAGE_SIZE = 25
HANDBOOK_CODE = "13-19"

KINDS: dict[str, tuple[type[Model], str, str]] = {
    # kind -> (model, page title, singular)
    "glossary": (GlossaryTerm, "Glossary: the words of the life", "glossary term"),
    "myths": (Myth, "Myths and facts", "myth"),
    "strategies": (Strategy, "Engaging youth: strategies", "strategy"),
    "needs": (Need, "Immediate and long-term needs", "need"),
    "legal": (LegalBasis, "Legal basis", "legal basis"),
}


def _read(request: HttpRequest) -> None:
    require(permissions.can_read_guidance, request.user, action="guidance.read")


def _edit(request: HttpRequest) -> None:
    require(permissions.can_edit_guidance, request.user, action="guidance.edit")


def _handbook() -> PolicyDocument | None:
    return PolicyDocument.objects.filter(code=HANDBOOK_CODE).first()


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _read(request)
    return render(
        request,
        "guidance/index.html",
        {"kinds": [(kind, title) for kind, (_, title, _) in KINDS.items()], "document": _handbook()},
    )


@login_required
def knowledge_list(request: HttpRequest, kind: str) -> HttpResponse:
    _read(request)
    if kind not in KINDS:
        raise Http404
    model, title, singular = KINDS[kind]
    page = Paginator(model._default_manager.all(), PAGE_SIZE).get_page(request.GET.get("page"))
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
    found = selectors.knowledge_search(query=query) if query else {}
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
    instance = get_object_or_404(model, pk=pk) if pk is not None else model()
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
    document = _handbook()
    if document is None:
        raise Http404("No policy handbook is loaded.")
    sections = selectors.sections_current(document=document)
    return render(
        request,
        "guidance/handbook.html",
        {
            "document": document,
            "sections": [(s, selectors.related_form_links(s)) for s in sections],
            "can_edit": permissions.can_edit_guidance(request.user),
        },
    )


@login_required
def section_detail(request: HttpRequest, key: str, version: int | None = None) -> HttpResponse:
    _read(request)
    document = _handbook()
    if document is None:
        raise Http404
    versions = list(selectors.section_versions(document=document, key=key).prefetch_related("legal_basis"))
    if not versions:
        raise Http404
    section = versions[0] if version is None else next((v for v in versions if v.version == version), None)
    if section is None:
        raise Http404
    return render(
        request,
        "guidance/section.html",
        {
            "document": document,
            "section": section,
            "is_current": section.version == versions[0].version,
            "versions": versions,
            "forms": selectors.related_form_links(section),
            "can_edit": permissions.can_edit_guidance(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_new_version(request: HttpRequest, key: str) -> HttpResponse:
    _edit(request)
    document = _handbook()
    if document is None:
        raise Http404
    current = selectors.section_versions(document=document, key=key).first()
    if current is None:
        raise Http404
    form = SectionVersionForm(request.POST or None, initial=SectionVersionForm.initial_from(current))
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
    return render(request, "guidance/rules.html", {"rows": selectors.rules_with_sections(document=_handbook())})


@login_required
def indicator_help(request: HttpRequest, code: str) -> HttpResponse:
    _read(request)
    help_entry = HELP.get(code)
    if help_entry is None:
        raise Http404
    terms = list(GlossaryTerm.objects.filter(key__in=help_entry.glossary_keys)) if help_entry.glossary_keys else []
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
        shown, indicators = selectors.findings_for_display(text, prefix=f"sh-{field}"[:60])
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
    glossary = selectors.glossary_by_key()
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
