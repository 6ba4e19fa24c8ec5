"""Youth pages: thin views. A view gets a youth only through `youth_get_for_user`; every write is a
service in `services.py`. A role without the page gets 403; a record the user may not open is a 404."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeharbor import permissions
from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import audit_record
from safeharbor.core.errors import ApplicationError, StaleEditError
from safeharbor.core.timeutils import agency_today
from safeharbor.youth import forms, selectors, services
from safeharbor.youth.search import duplicate_candidates, youth_search
from safeharbor.youth.sections import sections_for

PAGE_SIZE = 25


def _require(predicate: Any, request: HttpRequest, *args: Any, action: str) -> None:
    selectors.require(predicate, request.user, *args, action=action, partner_404=True)


def _form_error(form: Any, exc: Exception) -> None:
    """Put a service's refusal on the form: on its field when the form has one, else at the top."""
    if isinstance(exc, ApplicationError):
        field = exc.field if exc.field in form.fields and exc.field != "version" else None
        form.add_error(field, exc.message)
    elif isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                target = field if field in form.fields else None
                for error in errors:
                    for message in error.messages:
                        label = field.replace("_", " ").capitalize()
                        form.add_error(target, message if target or field == "__all__" else f"{label}: {message}")
        else:
            form.add_error(None, exc.messages)
    forms.uswds(form)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- List and search --------------------------------------------------------------------------


# A search by name or date of birth comes only in a POST body (with the CSRF token), never in the URL:
# URLs end up in access logs, browser history and proxies. In a GET these are ignored.
SEARCH_FIELDS = ("q", "date_of_birth")


@login_required
@require_http_methods(["GET", "POST"])
def youth_list(request: HttpRequest) -> HttpResponse:
    """The youth list. Scope, status and page may come in the URL (GET); a search comes as a POST."""
    user: Any = request.user
    _require(permissions.has_caseload_pages, request, action="youth.list")
    data: QueryDict
    if request.method == "POST":
        data = request.POST
    else:
        data = request.GET.copy()
        for name in SEARCH_FIELDS:
            data.pop(name, None)
    form = forms.YouthFilterForm(data or None, user=user)
    default_scope = "mine" if user.has_role("worker") else ("unit" if user.has_role("supervisor") else "all")
    scope, status, query, dob = default_scope, "", "", None
    if form.is_bound and form.is_valid():
        scope = form.cleaned_data["scope"] or default_scope
        status = form.cleaned_data["status"]
        query = form.cleaned_data["q"].strip()
        dob = form.cleaned_data["date_of_birth"]
    if scope == "unit" and not permissions.has_unit_filter(user):
        scope = "all"
    base = selectors.youth_list_filtered(user=user, scope=scope, status=status)
    searching = bool(query or dob)
    if searching:
        hits = youth_search(user=user, query=query, date_of_birth=dob, limit=200, base=base)
        rows: Any = [hit.youth for hit in hits]
    else:
        rows = base
    page = Paginator(rows, PAGE_SIZE).get_page(data.get("page"))
    today = agency_today(user.agency)
    for youth in page.object_list:
        youth.age_now = youth.age(today)
    selectors.youth_list_audit(user=user, count=len(page.object_list), page=page.number)
    filters = {"scope": scope, "status": status}
    context = {
        "form": form,
        "page": page,
        "searching": searching,
        "scope": scope,
        # Pages of a plain list are links; pages of a search are posted again with the search.
        "querystring": urlencode({k: v for k, v in filters.items() if v}),
        "search_fields": {**filters, "q": query, "date_of_birth": dob.isoformat() if dob else ""},
        "can_create": permissions.can_create_youth(user),
        "can_break_glass": permissions.can_break_glass(user),
    }
    template = "youth/_list_results.html" if _is_htmx(request) else "youth/list.html"
    return render(request, template, context, status=400 if form.is_bound and form.errors else 200)


# --- Profile ----------------------------------------------------------------------------------


@login_required
@require_GET
def youth_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    _require(permissions.has_caseload_pages, request, action="youth.view")
    youth = selectors.youth_get_for_user(user=user, pk=pk)
    today = agency_today(user.agency)
    context = {
        "youth": youth,
        **selectors.youth_profile(youth=youth, today=today),
        "sections": sections_for(request, youth),
        "can_edit": permissions.can_edit_youth(user, youth),
        "can_reassign": permissions.can_reassign_youth(user),
        "today": today,
    }
    return render(request, "youth/detail.html", context)


# --- Create and edit --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def youth_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    _require(permissions.can_create_youth, request, action="youth.create")
    form = forms.YouthCreateForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            try:
                youth = services.youth_create(
                    actor=user, worker=form.cleaned_data.get("worker"), **form.service_fields()
                )
            except (ApplicationError, ValidationError) as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "The youth's record was created.")
                return redirect("youth:detail", pk=youth.pk)
        return render(request, "youth/create.html", {"form": form}, status=400)
    return render(request, "youth/create.html", {"form": form})


@login_required
@require_POST
def youth_duplicates(request: HttpRequest) -> HttpResponse:
    """The duplicate check on the create page (htmx POST: the names and date of birth stay out of the
    URL): likely matches the user may open, with links; for those they may not, only that one exists
    and whom to ask. Audited without the query."""
    user: Any = request.user
    _require(permissions.can_create_youth, request, action="youth.duplicate_check")
    form = forms.DuplicateCheckForm(request.POST)
    context: dict[str, Any] = {"checked": False}
    if form.is_valid():
        first = form.cleaned_data["legal_first_name"].strip()
        last = form.cleaned_data["legal_last_name"].strip()
        dob = form.cleaned_data["date_of_birth"]
        if first and last:
            hits = duplicate_candidates(agency_id=user.agency_id, query=f"{first} {last}", date_of_birth=dob)
            visible = {
                y.pk: y for y in selectors.youth_list_visible_to(user=user).filter(pk__in=[h.youth_id for h in hits])
            }
            shown = [(hit, visible[hit.youth_id]) for hit in hits if hit.youth_id in visible]
            hidden_ids = [hit.youth_id for hit in hits if hit.youth_id not in visible]
            context = {
                "checked": True,
                "shown": shown,
                "hidden_count": len(hidden_ids),
                "contacts": selectors.whom_to_ask(agency_id=user.agency_id, youth_ids=hidden_ids),
                "can_break_glass": permissions.can_break_glass(user),
            }
            audit_record(
                actor=user,
                action="youth.duplicate_check",
                detail={"visible": len(shown), "hidden": len(hidden_ids)},
            )
    return render(request, "youth/_duplicates.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def youth_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    _require(permissions.has_youth_edit_pages, request, action="youth.edit")
    if request.method == "GET":
        youth = selectors.youth_get_for_user(user=user, pk=pk, write=True, action="youth.edit_form")
        form = forms.YouthEditForm(instance=youth, initial={"version": youth.version})
        return render(request, "youth/edit.html", {"form": form, "youth": youth})
    youth = selectors.youth_get_for_user(user=user, pk=pk, write=True)
    form = forms.YouthEditForm(request.POST, instance=youth)
    status = 400
    if form.is_valid():
        try:
            services.youth_update(
                actor=user, youth=youth, version=form.cleaned_data["version"], **form.service_fields()
            )
        except StaleEditError as exc:
            form.add_error(None, exc.message)
            status = 409
        except (ApplicationError, ValidationError) as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Your changes were saved.")
            return redirect("youth:detail", pk=youth.pk)
    return render(request, "youth/edit.html", {"form": form, "youth": youth, "stale": status == 409}, status=status)


# --- Aliases ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def alias_add(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    _require(permissions.has_youth_edit_pages, request, action="alias.create")
    youth = selectors.youth_get_for_user(user=user, pk=pk, write=True, action="alias.create")
    form = forms.AliasForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.alias_add(actor=user, youth=youth, **form.cleaned_data)
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "The alias was added.")
                return redirect("youth:detail", pk=youth.pk)
        return render(request, "youth/alias_form.html", {"form": form, "youth": youth}, status=400)
    return render(request, "youth/alias_form.html", {"form": form, "youth": youth})


@login_required
@require_POST
def alias_remove(request: HttpRequest, pk: int, alias_pk: int) -> HttpResponse:
    user: Any = request.user
    _require(permissions.has_youth_edit_pages, request, action="alias.delete")
    youth = selectors.youth_get_for_user(user=user, pk=pk, write=True, action="alias.delete")
    try:
        services.alias_remove(actor=user, youth=youth, alias_id=alias_pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("youth:detail", pk=youth.pk)
    messages.success(request, "The alias was removed.")
    return redirect("youth:detail", pk=youth.pk)


# --- Placements -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def placement_add(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    _require(permissions.has_youth_edit_pages, request, action="placement.create")
    youth = selectors.youth_get_for_user(user=user, pk=pk, write=True, action="placement.create")
    form = forms.PlacementForm(request.POST or None, agency_id=youth.agency_id)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.placement_add(actor=user, youth=youth, **form.cleaned_data)
            except (ApplicationError, ValidationError) as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "The placement was recorded.")
                return redirect("youth:detail", pk=youth.pk)
        return render(request, "youth/placement_form.html", {"form": form, "youth": youth}, status=400)
    return render(request, "youth/placement_form.html", {"form": form, "youth": youth})


@login_required
@require_http_methods(["GET", "POST"])
def placement_end(request: HttpRequest, pk: int, placement_pk: int) -> HttpResponse:
    user: Any = request.user
    _require(permissions.has_youth_edit_pages, request, action="placement.end")
    youth = selectors.youth_get_for_user(user=user, pk=pk, write=True, action="placement.end")
    placement = next((p for p in youth.placements.all() if p.pk == placement_pk), None)
    if placement is None:
        from django.http import Http404

        raise Http404
    form = forms.PlacementEndForm(request.POST or None, initial={"end": agency_today(youth.agency)})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.placement_end(actor=user, youth=youth, placement_id=placement.pk, end=form.cleaned_data["end"])
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "The placement was ended.")
                return redirect("youth:detail", pk=youth.pk)
        return render(
            request, "youth/placement_end.html", {"form": form, "youth": youth, "placement": placement}, status=400
        )
    return render(request, "youth/placement_end.html", {"form": form, "youth": youth, "placement": placement})


# --- Reassign ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def youth_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    _require(permissions.can_reassign_youth, request, action="assignment.create")
    youth = selectors.youth_get_for_user(user=user, pk=pk, write=True, action="assignment.create")
    form = forms.ReassignForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.youth_reassign(
                    actor=user, youth=youth, worker=form.cleaned_data["worker"], start=form.cleaned_data["start"]
                )
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "The youth was reassigned.")
                return redirect("youth:detail", pk=youth.pk)
        return render(request, "youth/reassign.html", {"form": form, "youth": youth}, status=400)
    return render(request, "youth/reassign.html", {"form": form, "youth": youth})


# --- Break-glass ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest) -> HttpResponse:
    """A worker opens a youth outside their caseload: state client ID and a written reason."""
    user: Any = request.user
    _require(permissions.can_break_glass, request, action="youth.break_glass")
    form = forms.BreakGlassForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            youth = selectors.youth_by_client_id(user=user, client_id=form.cleaned_data["client_id"])
            if youth is None:
                with transaction.atomic():
                    audit_record(actor=user, action="youth.break_glass", outcome=AuditEvent.Outcome.FAILED)
                form.add_error("client_id", "No record of this agency has this state client ID. Check the number.")
                forms.uswds(form)
            elif selectors.youth_is_visible(user=user, youth_id=youth.pk):
                form.add_error(
                    "client_id", "You can already open this record: find it in the youth list. No access was added."
                )
                forms.uswds(form)
            else:
                try:
                    services.break_glass_open(actor=user, youth=youth, reason=form.cleaned_data["reason"])
                except ApplicationError as exc:
                    _form_error(form, exc)
                except PermissionDenied:
                    form.add_error("client_id", "No record of this agency has this state client ID. Check the number.")
                    forms.uswds(form)
                else:
                    messages.warning(
                        request, "Break-glass access granted for 24 hours. The youth's supervisor has been told."
                    )
                    return redirect(reverse("youth:detail", kwargs={"pk": youth.pk}))
        return render(request, "youth/break_glass.html", {"form": form}, status=400)
    return render(request, "youth/break_glass.html", {"form": form})
