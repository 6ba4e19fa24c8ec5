"""The inbox (my notifications) and my duties. Every list is paginated; each page runs fixed queries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from safeharbor import permissions
from safeharbor.deadlines import selectors, services

PAGE_SIZE = 25


def _require_inbox(request: HttpRequest) -> None:
    if not permissions.can_use_inbox(request.user):
        raise PermissionDenied


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    _require_inbox(request)
    page = Paginator(selectors.inbox_qs(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    unread = selectors.unread_count(user=request.user)
    return render(request, "deadlines/inbox.html", {"page": page, "unread": unread})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    _require_inbox(request)
    notification = services.notification_mark_read(user=request.user, notification_id=pk)  # type: ignore[arg-type]
    target = notification.link if request.POST.get("open") and notification.link else ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("deadlines:inbox")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    _require_inbox(request)
    count = services.notification_mark_all_read(user=request.user)  # type: ignore[arg-type]
    messages.success(request, f"{count} notification(s) marked as read.")
    return redirect("deadlines:inbox")


@login_required
def duties(request: HttpRequest) -> HttpResponse:
    _require_inbox(request)
    now = timezone.now()
    page = Paginator(selectors.duties_open_qs(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.duty_rows(user=request.user, deadlines=list(page.object_list), now=now)
    return render(request, "deadlines/duties.html", {"page": page, "rows": rows, "now": now})
