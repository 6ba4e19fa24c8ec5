"""Care pages: thin views. A youth comes only through `youth_get_for_user`; writes are services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safeharbor import permissions
from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import audit_record
from safeharbor.care import forms, rules, selectors, services
from safeharbor.care.refusals import DOOR_ACTION, refusal_record, refusals_recorded
from safeharbor.core.errors import ApplicationError
from safeharbor.youth.selectors import require, youth_get_for_user

PAGE_SIZE = 25


def _form_error(form: Any, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)
    forms.uswds(form)


# --- Partner directory ---------------------------------------------------------------------------


@login_required
@require_GET
def partner_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(permissions.can_view_partner_directory, user, action="care.partner_list")
    form = forms.PartnerSearchForm(request.GET or None)
    filters = {"q": "", "kind": "", "service": "", "city": ""}
    if form.is_bound and form.is_valid():
        filters = {key: (form.cleaned_data.get(key) or "").strip() for key in filters}
    status = 200 if not form.is_bound or form.is_valid() else 400
    page = Paginator(selectors.partner_search(user=user, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_manage": permissions.can_manage_partner_directory(user),
    }
    return render(request, "care/partner_list.html", context, status=status)


@login_required
@require_GET
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    require(permissions.can_view_partner_directory, user, action="care.partner_view")
    organisation = selectors.partner_get_for_user(user=user, pk=pk)
    context = {"organisation": organisation, "can_manage": permissions.can_manage_partner_directory(user)}
    return render(request, "care/partner_detail.html", context)


def _partner_initial(organisation: Any) -> dict[str, Any]:
    return {name: getattr(organisation, name) for name in services.PARTNER_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def partner_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(permissions.can_manage_partner_directory, user, action="care.partner_create")
    form = forms.PartnerForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST":
        if form.is_valid():
            try:
                organisation = services.partner_create(actor=user, **form.cleaned_data)
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "The organisation was added to the directory.")
                return redirect("care:partner_detail", pk=organisation.pk)
        return render(request, "care/partner_form.html", {"form": form, "organisation": None}, status=400)
    return render(request, "care/partner_form.html", {"form": form, "organisation": None})


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    require(permissions.can_manage_partner_directory, user, action="care.partner_update")
    organisation = selectors.partner_get_for_user(user=user, pk=pk, write=True)
    form = forms.PartnerForm(request.POST or None, initial=_partner_initial(organisation))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.partner_update(actor=user, organisation=organisation, **form.cleaned_data)
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "The directory entry was saved.")
                return redirect("care:partner_detail", pk=organisation.pk)
        return render(request, "care/partner_form.html", {"form": form, "organisation": organisation}, status=400)
    return render(request, "care/partner_form.html", {"form": form, "organisation": organisation})


# --- Service plan --------------------------------------------------------------------------------


def _plan_context(request: HttpRequest, youth: Any, add_form: Any = None) -> dict[str, Any]:
    user: Any = request.user
    items = selectors.service_plan(youth=youth)
    can_plan = permissions.can_plan_services(user, youth)
    if can_plan and add_form is None:
        add_form = forms.ServiceAddForm(agency_id=youth.agency_id)
    return {
        "youth": youth,
        "items": items,
        "immediate": [i for i in items if i.kind == rules.IMMEDIATE],
        "long_term": [i for i in items if i.kind == rules.LONG_TERM],
        "timeline": selectors.plan_timeline(youth=youth, items=items),
        "can_plan": can_plan,
        "form": add_form,
    }


@login_required
@require_GET
def plan(request: HttpRequest, youth_id: int) -> HttpResponse:
    require(permissions.has_caseload_pages, request.user, action="care.plan_view")
    youth = youth_get_for_user(user=request.user, pk=youth_id, action="care.plan_view")
    return render(request, "care/plan.html", _plan_context(request, youth))


@login_required
@require_http_methods(["POST"])
def service_add(request: HttpRequest, youth_id: int) -> HttpResponse:
    user: Any = request.user
    require(permissions.has_caseload_pages, user, action="care.service_create")
    youth = youth_get_for_user(user=user, pk=youth_id, write=True, action=DOOR_ACTION)
    form = forms.ServiceAddForm(request.POST, agency_id=youth.agency_id)
    if form.is_valid():
        try:
            with refusals_recorded(actor=user, action="care.service_create", youth=youth):
                services.service_item_create(
                    actor=user,
                    youth=youth,
                    category=form.cleaned_data["category"],
                    partner=form.cleaned_data["partner"],
                    due_on=form.cleaned_data["due_on"],
                    notes=form.cleaned_data["notes"],
                )
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "The service was added to the plan.")
            return redirect("care:plan", youth_id=youth.pk)
    else:
        refusal_record(
            actor=user, action="care.service_create", youth=youth, outcome=AuditEvent.Outcome.FAILED, fields=form.errors
        )
    return render(request, "care/plan.html", _plan_context(request, youth, add_form=form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    write = request.method == "POST"
    item = selectors.service_item_get_for_user(user=user, pk=pk, write=write)
    youth = item.youth
    can_plan = write or permissions.can_plan_services(user, youth)
    initial = {"status": item.status, "partner": item.partner_id, "notes": item.notes}
    form = (
        forms.ServiceUpdateForm(request.POST or None, initial=initial, agency_id=youth.agency_id) if can_plan else None
    )
    status = 200
    if write and form is not None:
        if form.is_valid():
            try:
                with refusals_recorded(actor=user, action="care.service_update", youth=youth, item=item):
                    services.service_item_update(
                        actor=user,
                        item=item,
                        status=form.cleaned_data["status"],
                        effective_on=form.cleaned_data["effective_on"],
                        partner=form.cleaned_data["partner"],
                        notes=form.cleaned_data["notes"],
                    )
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "The service was updated.")
                return redirect("care:plan", youth_id=youth.pk)
        else:
            refusal_record(
                actor=user,
                action="care.service_update",
                youth=youth,
                item=item,
                outcome=AuditEvent.Outcome.FAILED,
                fields=form.errors,
            )
        status = 400
    item.overdue = rules.is_overdue(status=item.status, due_at=item.due_at, now=timezone.now())  # type: ignore[attr-defined]
    context = {
        "item": item,
        "youth": youth,
        "history": selectors.status_history(item=item),
        "form": form,
        "can_plan": can_plan,
    }
    return render(request, "care/service_detail.html", context, status=status)


# --- Open needs ------------------------------------------------------------------------------------


@login_required
@require_GET
def open_needs(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(permissions.can_view_open_needs, user, action="care.open_needs")
    form = forms.OpenNeedsFilterForm(request.GET or None, agency_id=user.agency_id)
    category, partner_id, status = "", None, 200
    if form.is_bound:
        if form.is_valid():
            category = form.cleaned_data["category"]
            partner = form.cleaned_data["partner"]
            partner_id = partner.pk if partner else None
        else:
            status = 400
    page = Paginator(selectors.open_needs(user=user, category=category, partner_id=partner_id), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = list(page.object_list)
    for item in rows:
        item.overdue = rules.is_overdue(status=item.status, due_at=item.due_at, now=now)
    with transaction.atomic():
        audit_record(
            actor=user,
            action="care.open_needs",
            detail={"items": [item.pk for item in rows], "category": category, "partner_id": partner_id},
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "care/open_needs.html", context, status=status)
