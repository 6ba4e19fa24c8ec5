"""Website access pages: thin views. A youth comes only through `youth_get_for_user`; writes are services."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeharbor import permissions
from safeharbor.accounts.models import User
from safeharbor.audit.services import audit_record
from safeharbor.core.errors import ApplicationError
from safeharbor.core.exports import spreadsheet_safe
from safeharbor.core.timeutils import agency_zone
from safeharbor.webaccess import forms, rules, selectors, services
from safeharbor.youth.selectors import require, youth_get_for_user

PAGE_SIZE = 25
EXPORT_LIMIT = 50_000


def _form_error(form: Any, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)
    forms.uswds(form)


def _query_without_page(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """My requests and active approvals; links for managers, auditors and admins."""
    user: Any = request.user
    require(permissions.can_view_site_catalogue, user, action="webaccess.home")
    is_worker = permissions.can_request_web_access(user)
    page = (
        Paginator(selectors.my_requests(user=user), PAGE_SIZE).get_page(request.GET.get("page")) if is_worker else None
    )
    context = {
        "is_worker": is_worker,
        "page": page,
        "approvals": list(selectors.my_active_approvals(user=user)[:50]) if is_worker else [],
        "pending_count": selectors.pending_for_decision(user=user).count()
        if permissions.can_see_web_decision_queue(user)
        else None,
        "can_review": permissions.can_review_web_usage(user),
        "can_manage_sites": permissions.can_manage_site_catalogue(user),
        "open_sites": list(selectors.sites_for(user=user).filter(access_level=rules.OPEN)),
        "now": timezone.now(),
    }
    return render(request, "webaccess/home.html", context)


# --- Site catalogue ------------------------------------------------------------------------------


@login_required
@require_GET
def site_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(permissions.can_view_site_catalogue, user, action="webaccess.site_list")
    can_manage = permissions.can_manage_site_catalogue(user)
    page = Paginator(selectors.sites_for(user=user, include_inactive=can_manage), 50).get_page(request.GET.get("page"))
    return render(request, "webaccess/site_list.html", {"page": page, "can_manage": can_manage, "query": ""})


@login_required
@require_http_methods(["GET", "POST"])
def site_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(permissions.can_manage_site_catalogue, user, action="webaccess.site_create")
    form = forms.SiteForm(request.POST or None, initial={"is_active": True, "access_level": rules.APPROVAL_REQUIRED})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.site_create(actor=user, **form.cleaned_data)
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "The site was added to the catalogue.")
                return redirect("webaccess:site_list")
        return render(request, "webaccess/site_form.html", {"form": form, "site": None}, status=400)
    return render(request, "webaccess/site_form.html", {"form": form, "site": None})


@login_required
@require_http_methods(["GET", "POST"])
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    require(permissions.can_manage_site_catalogue, user, action="webaccess.site_update")
    site = selectors.site_get_for_user(user=user, pk=pk, write=True)
    initial = {name: getattr(site, name) for name in services.SITE_FIELDS}
    form = forms.SiteForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.site_update(actor=user, site=site, **form.cleaned_data)
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "The site was saved.")
                return redirect("webaccess:site_list")
        return render(request, "webaccess/site_form.html", {"form": form, "site": site}, status=400)
    return render(request, "webaccess/site_form.html", {"form": form, "site": site})


# --- Requests and decisions ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest, youth_id: int) -> HttpResponse:
    user: Any = request.user
    require(permissions.can_request_web_access, user, action="webaccess.request")
    youth = youth_get_for_user(user=user, pk=youth_id, action="webaccess.request")
    form = forms.AccessRequestForm(request.POST or None, agency_id=youth.agency_id)
    if request.method == "POST":
        if form.is_valid():
            try:
                access_request = services.access_request_create(
                    actor=user, youth=youth, site=form.cleaned_data["site"], reason=form.cleaned_data["reason"]
                )
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "Your request was sent to management. The CSEC coordinator was told.")
                return redirect("webaccess:request_detail", pk=access_request.pk)
        return render(request, "webaccess/request_form.html", {"form": form, "youth": youth}, status=400)
    return render(request, "webaccess/request_form.html", {"form": form, "youth": youth})


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    access_request = selectors.request_get_for_user(user=user, pk=pk)
    can_decide = access_request.status == rules.PENDING and permissions.can_decide_web_access(user, access_request)
    return render(request, "webaccess/request_detail.html", _detail_context(access_request, can_decide, None))


def _detail_context(access_request: Any, can_decide: bool, form: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "req": access_request,
        "can_decide": can_decide,
        "form": form or (forms.DecisionForm() if can_decide else None),
        "active": access_request.is_active_at(now),
        "lapsed": access_request.is_lapsed_at(now),
    }


@login_required
@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    require(permissions.can_see_web_decision_queue, user, action="webaccess.decide")
    access_request = selectors.request_get_for_user(user=user, pk=pk, write=True)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.access_request_decide(
                actor=user,
                access_request=access_request,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Your decision was recorded; the worker and the coordinator were told.")
            return redirect("webaccess:queue")
    can_decide = access_request.status == rules.PENDING and permissions.can_decide_web_access(user, access_request)
    return render(
        request, "webaccess/request_detail.html", _detail_context(access_request, can_decide, form), status=400
    )


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(permissions.can_see_web_decision_queue, user, action="webaccess.queue")
    page = Paginator(selectors.pending_for_decision(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "webaccess/queue.html", {"page": page, "query": ""})


# --- Research log ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def research(request: HttpRequest, youth_id: int) -> HttpResponse:
    """The youth's research log; workers record a session here."""
    user: Any = request.user
    require(permissions.has_caseload_pages, user, action="webaccess.research_view")
    youth = youth_get_for_user(user=user, pk=youth_id, action="webaccess.research_view")
    can_log = permissions.can_log_web_research(user)
    form = forms.ResearchSessionForm(request.POST or None, agency_id=youth.agency_id) if can_log else None
    status = 200
    if request.method == "POST":
        if form is None:
            require(permissions.can_log_web_research, user, action="webaccess.research")
        assert form is not None
        if form.is_valid():
            try:
                services.research_session_record(
                    actor=user,
                    youth=youth,
                    site=form.cleaned_data["site"],
                    performed_at=form.cleaned_data["performed_at"],
                    looked_for=form.cleaned_data["looked_for"],
                    findings=form.cleaned_data["findings"],
                )
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "The research session was recorded on the youth's record.")
                return redirect("webaccess:research", youth_id=youth.pk)
        status = 400
    page = Paginator(selectors.research_for_youth(youth=youth), PAGE_SIZE).get_page(request.GET.get("page"))
    approvals = list(selectors.my_active_approvals(user=user).filter(youth_id=youth.pk)) if can_log else []
    context = {"youth": youth, "page": page, "form": form, "approvals": approvals, "query": ""}
    return render(request, "webaccess/research.html", context, status=status)


# --- Usage review ----------------------------------------------------------------------------------


def _usage_filters(request: HttpRequest) -> tuple[Any, dict[str, Any], bool]:
    user: Any = request.user
    workers = [
        (u.pk, u.get_full_name() or u.username)
        for u in User.objects.filter(agency_id=user.agency_id, role_grants__role="worker")
        .distinct()
        .order_by("last_name", "first_name", "username")
    ]
    sites = [(s.pk, f"{s.name} ({s.domain})") for s in selectors.sites_for(user=user, include_inactive=True)]
    form = forms.UsageFilterForm(request.GET or None, workers=workers, sites=sites)
    filters: dict[str, Any] = {}
    valid = True
    if form.is_bound:
        valid = form.is_valid()
        if valid:
            filters = {
                "worker_id": form.cleaned_data["worker"],
                "site_id": form.cleaned_data["site"],
                "youth_id": form.cleaned_data["youth"],
                "date_from": form.cleaned_data["date_from"],
                "date_to": form.cleaned_data["date_to"],
            }
    return form, filters, valid


def _filter_codes(filters: dict[str, Any]) -> dict[str, Any]:
    """Identifiers and codes of the filters used, for the audit row (no free text)."""
    return {
        key: (value.isoformat() if hasattr(value, "isoformat") else value)
        for key, value in filters.items()
        if value not in (None, "")
    }


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    require(permissions.can_review_web_usage, user, action="webaccess.review")
    form, filters, valid = _usage_filters(request)
    requests_page = Paginator(selectors.usage_requests(user=user, **filters), PAGE_SIZE).get_page(
        request.GET.get("rpage")
    )
    sessions_page = Paginator(selectors.usage_sessions(user=user, **filters), PAGE_SIZE).get_page(
        request.GET.get("spage")
    )
    with transaction.atomic():
        audit_record(actor=user, action="webaccess.review", detail={"filters": _filter_codes(filters)})
    context = {
        "form": form,
        "requests_page": requests_page,
        "sessions_page": sessions_page,
        "rquery": _query_without_page(request, "rpage"),
        "squery": _query_without_page(request, "spage"),
        "export_query": _query_without_page(request, "rpage", "spage"),
        "now": timezone.now(),
    }
    return render(request, "webaccess/review.html", context, status=200 if valid else 400)


class _Echo:
    def write(self, value: str) -> str:
        return value


EXPORT_HEADER = [
    "event",
    "at_utc",
    "worker_id",
    "worker",
    "site_domain",
    "youth_id",
    "request_id",
    "decided_by_id",
    "detail",
]


def _export_rows(user: Any, filters: dict[str, Any]) -> Any:
    now = timezone.now()
    yield EXPORT_HEADER
    for req in selectors.usage_requests(user=user, **filters)[:EXPORT_LIMIT].iterator(chunk_size=500):
        worker = req.requested_by.get_full_name() or req.requested_by.username
        base = [req.requested_by_id, worker, req.site.domain, req.youth_id, req.pk]
        yield ["request", req.requested_at.isoformat(), *base, "", "pending" if req.status == rules.PENDING else ""]
        if req.decided_at:
            yield [req.status, req.decided_at.isoformat(), *base, req.decided_by_id, ""]
        if req.is_lapsed_at(now) and req.expires_at:
            yield ["lapsed", req.expires_at.isoformat(), *base, "", ""]
    for session in selectors.usage_sessions(user=user, **filters)[:EXPORT_LIMIT].iterator(chunk_size=500):
        worker = session.worker.get_full_name() or session.worker.username
        yield [
            "research",
            session.performed_at.isoformat(),
            session.worker_id,
            worker,
            session.site.domain,
            session.youth_id,
            session.access_request_id or "",
            "",
            "open_site" if session.access_request_id is None else "under_approval",
        ]


@login_required
@require_GET
def review_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    user: Any = request.user
    require(permissions.can_review_web_usage, user, action="webaccess.export")
    form, filters, valid = _usage_filters(request)
    if not valid:
        return render(request, "webaccess/review.html", {"form": form, "export_error": True}, status=400)
    with transaction.atomic():
        audit_record(actor=user, action="webaccess.export", detail={"filters": _filter_codes(filters)})
    writer = csv.writer(_Echo())
    rows = (writer.writerow([spreadsheet_safe(cell) for cell in row]) for row in _export_rows(user, filters))
    stamp = timezone.now().astimezone(agency_zone(user.agency)).strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="website-usage-{stamp}.csv"'
    return response
