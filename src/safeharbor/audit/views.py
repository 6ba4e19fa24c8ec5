"""Auditor pages: search the audit log, export it as CSV. Every view of the log is itself audited."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from safeharbor import permissions
from safeharbor.audit.forms import AuditSearchForm
from safeharbor.audit.models import AuditEvent
from safeharbor.audit.selectors import AuditFilters, audit_events_for, audit_export_rows, audit_rows
from safeharbor.audit.services import audit_log_read
from safeharbor.core.pagination import CappedPaginator

PAGE_SIZE = 50


class _Echo:
    """A write-only buffer: csv.writer hands each row back for streaming."""

    def write(self, value: str) -> str:
        return value


def _form(request: HttpRequest) -> AuditSearchForm:
    if not permissions.can_read_audit(request.user):
        raise PermissionDenied
    filled = {key: value for key, value in request.GET.items() if key != "page" and value}
    return AuditSearchForm(filled or None)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    if form.is_bound and not form.is_valid():
        audit_log_read(
            user=request.user,
            action="audit.search",
            filter_codes=form.submitted_codes(),
            outcome=AuditEvent.Outcome.FAILED,
        )
        return render(request, "audit/search.html", {"form": form, "page": None}, status=400)
    filters = form.filters() if form.is_bound else AuditFilters()
    audit_log_read(user=request.user, action="audit.search", filter_codes=filters.codes())
    events = audit_events_for(user=request.user, filters=filters)
    page = CappedPaginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        # Details as (key, text) pairs: a template must never read the detail dict (selectors.detail_pairs).
        "rows": audit_rows(page.object_list),
        "query": query.urlencode(),
        "filters_used": filters.codes(),
    }
    return render(request, "audit/search.html", context)


@login_required
def export(request: HttpRequest) -> HttpResponseBase:
    form = _form(request)
    if form.is_bound and not form.is_valid():
        audit_log_read(
            user=request.user,
            action="audit.export",
            filter_codes=form.submitted_codes(),
            outcome=AuditEvent.Outcome.FAILED,
        )
        return render(request, "audit/search.html", {"form": form, "page": None}, status=400)
    filters = form.filters() if form.is_bound else AuditFilters()
    audit_log_read(user=request.user, action="audit.export", filter_codes=filters.codes())
    writer = csv.writer(_Echo())
    rows = (writer.writerow(row) for row in audit_export_rows(user=request.user, filters=filters))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response
