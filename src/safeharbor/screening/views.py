"""Screening pages: thin views over the forms, the youth door and the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safeharbor import permissions
from safeharbor.core.errors import ApplicationError
from safeharbor.core.timeutils import agency_today
from safeharbor.screening import rules, selectors, services, victim_reports
from safeharbor.screening.codes import (
    FAMILY_RELATIONSHIPS,
    FAMILY_SETTINGS,
    INDICATORS,
    STATUS_LABELS,
)
from safeharbor.screening.forms import (
    AmendForm,
    ChecklistForm,
    DeterminationForm,
    ExternalResultForm,
    FactFormSet,
    IndicatorEditForm,
    VictimReportForm,
)
from safeharbor.screening.models import IndicatorDefinition, Screening
from safeharbor.youth.selectors import youth_get_for_user

PAGE_SIZE = 25


def _require(predicate: Any, request: HttpRequest, *args: Any, action: str) -> None:
    from safeharbor.youth.selectors import require

    require(predicate, request.user, *args, action=action)


def _step_rows(steps: list[str]) -> list[dict[str, str]]:
    rows = []
    for step in steps:
        key = next((k for k in rules.NEXT_STEP_HELP if step.startswith(k)), "")
        rows.append({"text": step[:1].upper() + step[1:], "help": rules.NEXT_STEP_HELP.get(key, "")})
    return rows


def _panel(result: rules.Determination, youth: Any, facts: list[Any]) -> dict[str, Any]:
    return {
        "status": result.status,
        "status_label": STATUS_LABELS[result.status],
        "reasons": result.reasons,
        "steps": _step_rows(result.next_steps),
        "fact_ages": selectors.fact_ages(youth, facts),
        "family": any(f.setting in FAMILY_SETTINGS or f.relationship in FAMILY_RELATIONSHIPS for f in facts),
    }


def _indicator_rows(catalogue: list[IndicatorDefinition], values: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    titles = {"vulnerability": "Vulnerability factors", "sign": "Signs of exploitation"}
    for definition in catalogue:
        if definition.code not in INDICATORS:
            continue
        group = groups.setdefault(definition.group, {"title": titles[definition.group], "rows": []})
        answer, note = values.get(definition.code, ("unknown", ""))
        group["rows"].append({"definition": definition, "answer": answer, "note": note})
    return [groups[key] for key in ("vulnerability", "sign") if key in groups]


def _checklist_context(
    request: HttpRequest, screening: Screening, form: ChecklistForm, formset: Any, result: rules.Determination
) -> dict[str, Any]:
    if form.is_bound:
        values = {
            code: (request.POST.get(f"ind-{code}", "unknown"), request.POST.get(f"note-{code}", ""))
            for code in INDICATORS
        }
    else:
        values = {a.code: (a.answer, a.note) for a in screening.answers.all()}
    saved_facts = list(screening.facts.all())
    return {
        "screening": screening,
        "youth": screening.youth,
        "form": form,
        "formset": formset,
        "groups": _indicator_rows(selectors.catalogue_for(screening.youth.agency), values),
        "panel": _panel(result, screening.youth, saved_facts if not form.is_bound else formset.facts()),
        "answer_choices": [("yes", "Yes"), ("no", "No"), ("unknown", "Unknown")],
    }


def _fact_initial(screening: Screening) -> list[dict[str, Any]]:
    return [
        {
            "kind": f.kind,
            "occurred_on": f.occurred_on,
            "source": f.source,
            "setting": f.setting,
            "relationship": f.relationship,
        }
        for f in screening.facts.all()
    ]


def _stored_result(screening: Screening) -> rules.Determination:
    return rules.Determination(
        status=screening.recommended_status,
        reasons=list(screening.recommended_reasons),
        next_steps=list(screening.recommended_next_steps),
    )


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, youth_pk: int) -> HttpResponse:
    """Choose how to screen a youth (handbook checklist or an external tool), and see open drafts."""
    user: Any = request.user
    youth = youth_get_for_user(user=user, pk=youth_pk, write=True, action="screening.start")
    if request.method == "POST":
        screening = services.screening_start(actor=user, youth=youth)
        return redirect("screening:detail", pk=screening.pk)
    drafts = list(
        Screening.objects.filter(youth=youth, status=Screening.State.DRAFT)
        .select_related("created_by")
        .order_by("-id")[:10]
    )
    return render(request, "screening/start.html", {"youth": youth, "drafts": drafts})


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft checklist is the screening form (for who may screen); anything else reads only."""
    user: Any = request.user
    write = request.method == "POST"
    screening = selectors.screening_get_for_user(user=user, pk=pk, write=write)
    youth = screening.youth
    can_screen = permissions.can_screen_youth(user, youth)
    if not screening.is_locked and can_screen:
        if screening.kind == Screening.Kind.EXTERNAL:
            return redirect("screening:finalise", pk=screening.pk)
        return _checklist(request, screening)
    if write:
        messages.error(request, "This screening is finalised and locked. Start an amendment to correct it.")
        return redirect("screening:detail", pk=screening.pk)
    answers = [a for a in screening.answers.all() if a.answer != "unknown"]
    catalogue = {d.code: d for d in selectors.catalogue_for(youth.agency)}
    context = {
        "screening": screening,
        "youth": youth,
        "answers": [(catalogue.get(a.code), a) for a in answers],
        "fact_ages": selectors.fact_ages(youth, list(screening.facts.all())),
        "steps": _step_rows(list(screening.recommended_next_steps)),
        "can_amend": can_screen and screening.is_locked and not list(screening.amendments.all()),
        "amendments": list(screening.amendments.all()),
    }
    return render(request, "screening/detail.html", context)


def _checklist(request: HttpRequest, screening: Screening) -> HttpResponse:
    user: Any = request.user
    if request.method == "POST":
        form = ChecklistForm(request.POST)
        formset: Any = FactFormSet(request.POST, prefix="facts")
        if form.is_valid() and formset.is_valid():
            try:
                screening = services.screening_save_answers(
                    actor=user,
                    screening=screening,
                    answers=form.answers(),
                    facts=formset.facts(),
                    assessed_on=form.cleaned_data["assessed_on"],
                    stated_age=form.cleaned_data.get("stated_age"),
                )
            except ApplicationError as exc:
                _attach_error(form, formset, exc)
            else:
                if request.POST.get("action") == "determine":
                    return redirect("screening:finalise", pk=screening.pk)
                messages.success(request, "Draft saved.")
                return redirect("screening:detail", pk=screening.pk)
        result = _preview(screening, form, formset)
        context = _checklist_context(request, screening, form, formset, result)
        return render(request, "screening/form.html", context, status=400)
    form = ChecklistForm(initial={"assessed_on": screening.assessed_on, "stated_age": screening.stated_age})
    formset_blank: Any = FactFormSet(prefix="facts", initial=_fact_initial(screening))
    context = _checklist_context(request, screening, form, formset_blank, _stored_result(screening))
    return render(request, "screening/form.html", context)


def _attach_error(form: Any, formset: Any, exc: ApplicationError) -> None:
    field = exc.field or ""
    if field.startswith("facts-"):
        _, index, name = field.split("-", 2)
        target = formset.forms[int(index)]
        target.add_error(name if name in target.fields else None, exc.message)
    elif field in form.fields:
        form.add_error(field, exc.message)
    else:
        form.add_error(None, exc.message)


def _preview(screening: Screening, form: ChecklistForm, formset: Any) -> rules.Determination:
    """The recommendation for what is on the page now, unsaved; incomplete rows are left out."""
    youth = screening.youth
    assessed_on = screening.assessed_on
    stated_age = None
    if form.is_valid():
        assessed_on = form.cleaned_data["assessed_on"]
        stated_age = form.cleaned_data.get("stated_age")
    yes = [code for code in INDICATORS if form.data.get(f"ind-{code}") == "yes"]
    facts = [
        fact
        for fact in formset.facts()
        if fact.occurred_on <= assessed_on and (youth.date_of_birth is None or fact.occurred_on >= youth.date_of_birth)
    ]
    return services.screening_recommend(
        youth=youth,
        assessed_on=assessed_on,
        indicators=yes,
        facts=facts,
        policy=youth.agency.policy(),
        stated_age=stated_age,
    )


@login_required
@require_POST
def recommend(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the recommendation panel for the answers on the page, recomputed as boxes are ticked."""
    user: Any = request.user
    screening = selectors.screening_get_for_user(user=user, pk=pk, write=True)
    if screening.is_locked:
        raise Http404
    form = ChecklistForm(request.POST)
    formset: Any = FactFormSet(request.POST, prefix="facts")
    result = _preview(screening, form, formset)
    facts = formset.facts()
    return render(request, "screening/_recommendation.html", {"panel": _panel(result, screening.youth, facts)})


@login_required
@require_http_methods(["GET", "POST"])
def finalise(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the determination (status, when it happened, a reason when it differs) and lock."""
    user: Any = request.user
    screening = selectors.screening_get_for_user(user=user, pk=pk, write=True)
    if screening.is_locked:
        messages.info(request, "This screening is already finalised.")
        return redirect("screening:detail", pk=screening.pk)
    youth = screening.youth
    status = 200
    if request.method == "POST":
        form = DeterminationForm(request.POST)
        if form.is_valid():
            try:
                services.screening_finalise(
                    actor=user,
                    screening=screening,
                    determined_status=form.cleaned_data["determined_status"],
                    when_category=form.cleaned_data.get("when_category") or "",
                    override_reason=form.cleaned_data.get("override_reason") or "",
                )
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "Determination recorded; the screening is finalised and locked.")
                return redirect("youth:detail", pk=youth.pk)
        status = 400
    else:
        form = DeterminationForm(
            initial={
                "determined_status": screening.recommended_status,
                "when_category": rules.when_category_default(screening.recommended_status),
            }
        )
    facts = list(screening.facts.all())
    context = {
        "screening": screening,
        "youth": youth,
        "form": form,
        "panel": _panel(_stored_result(screening), youth, facts),
        "external": getattr(screening, "external_result", None) if screening.kind == Screening.Kind.EXTERNAL else None,
    }
    return render(request, "screening/finalise.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a linked correction of a finalised screening, with a reason."""
    user: Any = request.user
    screening = selectors.screening_get_for_user(user=user, pk=pk, write=True)
    status = 200
    if request.method == "POST":
        form = AmendForm(request.POST)
        if form.is_valid():
            try:
                amendment = services.screening_amend(
                    actor=user, screening=screening, reason=form.cleaned_data["reason"]
                )
            except ApplicationError as exc:
                form.add_error("reason" if exc.field == "reason" else None, exc.message)
            else:
                messages.success(request, "Amendment started from a copy of the screening.")
                return redirect("screening:detail", pk=amendment.pk)
        status = 400
    else:
        form = AmendForm()
    return render(
        request, "screening/amend.html", {"screening": screening, "youth": screening.youth, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def external(request: HttpRequest, youth_pk: int) -> HttpResponse:
    """Record an external validated tool's result: name, level and date (never the tool's items)."""
    user: Any = request.user
    youth = youth_get_for_user(user=user, pk=youth_pk, write=True, action="screening.external")
    status = 200
    if request.method == "POST":
        form = ExternalResultForm(request.POST)
        if form.is_valid():
            try:
                screening = services.external_result_record(actor=user, youth=youth, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                return redirect("screening:finalise", pk=screening.pk)
        status = 400
    else:
        form = ExternalResultForm(initial={"assessed_on": agency_today(youth.agency)})
    return render(request, "screening/external.html", {"youth": youth, "form": form}, status=status)


@login_required
def history(request: HttpRequest, youth_pk: int) -> HttpResponse:
    """The youth's full CSEC status history and screenings, paginated."""
    user: Any = request.user
    youth = youth_get_for_user(user=user, pk=youth_pk, action="screening.history")
    changes = Paginator(selectors.status_history(youth), PAGE_SIZE).get_page(request.GET.get("page"))
    screenings = Paginator(selectors.youth_screenings(youth), PAGE_SIZE).get_page(request.GET.get("spage"))
    context = {
        "youth": youth,
        "changes": changes,
        "screenings": screenings,
        "can_screen": permissions.can_screen_youth(user, youth),
        "victim_report": victim_reports.victim_report_status(youth=youth),
    }
    return render(request, "screening/history.html", context)


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """The agency's indicator catalogue with the help for each indicator (linked from the form)."""
    user: Any = request.user
    _require(permissions.can_view_indicator_catalogue, request, action="screening.catalogue")
    rows = services.indicator_catalogue_ensure(agency=user.agency)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    policy = user.agency.policy()
    context = {
        "page": page,
        "strong": set(policy.strong_signs),
        "threshold": policy.suspected_sign_threshold,
        "rescreen_months": policy.rescreen_months,
        "can_edit": permissions.can_edit_indicator_catalogue(user),
    }
    return render(request, "screening/catalogue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    _require(permissions.can_edit_indicator_catalogue, request, action="screening.catalogue_update")
    definition = selectors.indicator_get_for_user(user=user, pk=pk, write=True)
    status = 200
    if request.method == "POST":
        form = IndicatorEditForm(request.POST)
        if form.is_valid():
            try:
                services.indicator_definition_update(actor=user, definition=definition, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "Indicator updated.")
                return redirect(reverse("screening:catalogue") + f"#{definition.code}")
        status = 400
    else:
        form = IndicatorEditForm(initial={"label": definition.label, "help_text": definition.help_text})
    return render(request, "screening/indicator_edit.html", {"definition": definition, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def victim_report(request: HttpRequest, youth_pk: int) -> HttpResponse:
    """Record the report to law enforcement of an identified victim (due 24 hours after the
    identification); once recorded, the page shows it."""
    user: Any = request.user
    youth = youth_get_for_user(user=user, pk=youth_pk, write=True, action="screening.victim_report_access")
    status = 200
    if request.method == "POST":
        form = VictimReportForm(request.POST)
        if form.is_valid():
            try:
                victim_reports.victim_report_record(actor=user, youth=youth, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "The report to law enforcement is recorded; the duty is met.")
                return redirect("youth:detail", pk=youth.pk)
        status = 400
    else:
        form = VictimReportForm(initial={"made_at": timezone.now()})
    context = {"youth": youth, "form": form, "victim_report": victim_reports.victim_report_status(youth=youth)}
    return render(request, "screening/victim_report.html", context, status=status)
