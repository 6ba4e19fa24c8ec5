"""The inbox (my notifications), my duties and the supervisor's unit board. Every list is paginated;
each page runs fixed queries."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeharbor import permissions
from safeharbor.accounts.models import User
from safeharbor.audit.services import audit_record
from safeharbor.core.errors import ApplicationError
from safeharbor.deadlines import board as board_selectors
from safeharbor.deadlines import forms, selectors, services
from safeharbor.deadlines.selectors import duty_rows
from safeharbor.youth.selectors import require

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


# --- The supervisor's unit board ----------------------------------------------------------------


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def _board_url(back: str, request: HttpRequest) -> str:
    """Where a row action returns: the board page the person came from (its filters and page)."""
    board = reverse("deadlines:board")
    if back.startswith(board) and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return board


@login_required
@require_GET
def board(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every open duty of the units the user oversees, overdue first, with a summary row per worker."""
    user = request.user
    require(permissions.can_view_duty_board, user, action="deadline.board_read")
    now = timezone.now()
    workers = board_selectors.board_workers(user=user)
    data = {k: v for k, v in request.GET.items() if k in ("worker", "kind", "youth") and v != ""}
    form = forms.BoardFilterForm(
        data, workers=workers, kind_choices=board_selectors.board_kind_choices(agency=user.agency)
    )
    summaries = board_selectors.board_worker_summaries(user=user, now=now, workers=workers)
    context: dict[str, Any] = {"form": form, "summaries": summaries, "now": now, "rows": [], "page": None}
    if not form.is_valid():
        return render(request, "deadlines/board.html", context, status=400)
    filters = form.filters()
    qs = board_selectors.board_duties_qs(user=user, now=now, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = board_selectors.board_rows(user=user, deadlines=list(page.object_list), now=now)
    audit_record(
        actor=user,
        action="deadline.board_read",
        agency_id=user.agency_id,
        detail={"count": len(rows), "page": page.number, **filters.as_detail()},
    )
    youth_name = next((row["youth_name"] for row in rows if row["youth_name"]), "") if filters.youth_id else ""
    context.update(
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "filtered": bool(data),
            "youth_name": youth_name,
            "back": request.get_full_path(),
        }
    )
    return render(request, "deadlines/board.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def board_reassign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Give one duty of the board to another worker of its unit (GET: the form; POST: do it)."""
    user = request.user
    require(permissions.can_view_duty_board, user, action="deadline.reassign")
    # GET shows the duty (its opening is audited); a POST is audited by the service.
    showing = request.method == "GET"
    deadline = board_selectors.board_duty_get_for_user(
        user=user, pk=pk, action="deadline.board_open" if showing else "deadline.reassign", audit_ok=showing
    )
    targets = board_selectors.reassign_targets(user=user, deadline=deadline)
    form = forms.DutyReassignForm(request.POST or None, targets=targets)
    back = _board_url(request.POST.get("back") or request.GET.get("back") or "", request)
    context = {
        "form": form,
        "deadline": deadline,
        "kind_label": board_selectors.kind_label(deadline.kind),
        "youth_name": duty_rows(user=user, deadlines=[deadline], now=timezone.now())[0]["youth_name"],
        "back": back,
    }
    if request.method == "POST":
        if form.is_valid():
            try:
                services.deadline_reassign(actor=user, deadline=deadline, to_user=form.cleaned_data["to_user"])
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                new_owner = forms.person_label(form.cleaned_data["to_user"])
                messages.success(request, f"The duty was reassigned to {new_owner}, who has been told.")
                return redirect(back)
        return render(request, "deadlines/board_reassign.html", context, status=400)
    return render(request, "deadlines/board_reassign.html", context)


@login_required
@require_POST
def board_remind(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Send the owner of one duty of the board a reminder (at most one an hour per duty)."""
    user = request.user
    require(permissions.can_view_duty_board, user, action="deadline.remind")
    deadline = board_selectors.board_duty_get_for_user(user=user, pk=pk, action="deadline.remind", audit_ok=False)
    back = _board_url(request.POST.get("back", ""), request)
    try:
        sent = services.deadline_remind(actor=user, deadline=deadline)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    owner = forms.person_label(deadline.owner)
    if sent is None:
        messages.info(request, f"{owner} was already reminded of this duty less than an hour ago.")
    else:
        messages.success(request, f"A reminder was sent to {owner}.")
    return redirect(back)
