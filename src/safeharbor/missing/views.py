"""Pages of missing-from-care episodes. Thin: a form, the door, one service, a page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safeharbor import permissions
from safeharbor.agency.policy import NOTICES_DEFAULT
from safeharbor.core.errors import ApplicationError
from safeharbor.missing import services
from safeharbor.missing.forms import DebriefForm, EpisodeReportForm, LinkScreeningForm, RecordReportForm, WhenForm
from safeharbor.missing.models import MissingEpisode, ReportKind
from safeharbor.missing.panels import time_left
from safeharbor.missing.selectors import (
    episode_duties,
    episode_get_for_user,
    episode_list_for_youth,
    screenings_since_return,
)
from safeharbor.youth.selectors import youth_get_for_user


def _apply_error(form: Any, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _report_forms(episode: MissingEpisode, data: dict[str, Any]) -> dict[str, Any]:
    forms: dict[str, Any] = {}
    for line in data["reports"]:
        if line.report is not None:
            continue
        key = line.kind if line.kind != ReportKind.NOTICE else f"notice-{line.notice_code}"
        forms[key] = RecordReportForm(kind=line.kind, prefix=key, initial={"made_at": timezone.localtime()})
    return forms


def _episode_page(
    request: HttpRequest, episode: MissingEpisode, *, override: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    data = episode_duties(episode=episode)
    now = timezone.now()
    report_forms = _report_forms(episode, data)
    override = override or {}
    for key, form in override.items():
        if key in report_forms:
            report_forms[key] = form
    for line in data["reports"]:
        key = line.kind if line.kind != ReportKind.NOTICE else f"notice-{line.notice_code}"
        line.form = report_forms.get(key)
        line.key = key
    can_edit = bool(permissions.can_record_missing(request.user, episode.youth))
    in_window = episode.is_missing and episode.window_ends_at > now
    context = {
        "episode": episode,
        "youth": episode.youth,
        "now": now,
        "can_edit": can_edit,
        "in_window": in_window,
        "time_left": time_left(ends=episode.window_ends_at, now=now) if in_window else "",
        "locate_form": override.get("locate") or WhenForm(prefix="locate", label="When the youth was located"),
        "return_form": override.get("return") or WhenForm(prefix="return", label="When the youth returned to care"),
        "screening_form": override.get("screening") or LinkScreeningForm(prefix="screening"),
        "screenings": screenings_since_return(episode=episode) if episode.returned_at else [],
        "close_error": override.get("close_error", ""),
        "error_form": next((f for f in override.values() if hasattr(f, "errors")), None),
        **data,
    }
    return render(request, "missing/episode.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def episode_report(request: HttpRequest, youth_pk: int) -> HttpResponse:
    youth = youth_get_for_user(user=request.user, pk=youth_pk, write=True, action="missing.edit")
    form = EpisodeReportForm(request.POST or None, initial={"discovered_at": timezone.localtime()})
    missing_now_pk: int | None = None
    if request.method == "POST" and form.is_valid():
        try:
            episode = services.episode_report(actor=request.user, youth=youth, **form.cleaned_data)  # type: ignore[arg-type]
        except ApplicationError as exc:
            _apply_error(form, exc)
            if exc.code.startswith("already_missing:"):
                missing_now_pk = int(exc.code.split(":", 1)[1])
        else:
            messages.success(request, "Missing episode recorded. The 24-hour duties are on your list.")
            return redirect("missing:episode", pk=episode.pk)
    status = 400 if request.method == "POST" else 200
    notices = youth.agency.notices or list(NOTICES_DEFAULT)
    return render(
        request,
        "missing/report.html",
        {
            "form": form,
            "youth": youth,
            "notices": [services.notice_label(c) for c in notices],
            "missing_now_pk": missing_now_pk,
        },
        status=status,
    )


@login_required
def episode_detail(request: HttpRequest, pk: int) -> HttpResponse:
    episode = episode_get_for_user(user=request.user, pk=pk)
    return _episode_page(request, episode)


@login_required
def youth_episodes(request: HttpRequest, youth_pk: int) -> HttpResponse:
    youth = youth_get_for_user(user=request.user, pk=youth_pk, action="missing.view")
    page = Paginator(episode_list_for_youth(youth=youth), 20).get_page(request.GET.get("page"))
    return render(request, "missing/youth_episodes.html", {"youth": youth, "page": page})


@login_required
@require_POST
def record_report(request: HttpRequest, pk: int) -> HttpResponse:
    episode = episode_get_for_user(user=request.user, pk=pk, write=True)
    kind = request.POST.get("kind", "")
    notice_code = request.POST.get("notice_code", "")
    if kind not in ReportKind.values:
        return _episode_page(request, episode, status=400)
    key = kind if kind != ReportKind.NOTICE else f"notice-{notice_code}"
    form = RecordReportForm(request.POST, kind=kind, prefix=key)
    if form.is_valid():
        try:
            services.episode_record_report(
                actor=request.user,  # type: ignore[arg-type]
                episode=episode,
                kind=kind,
                notice_code=notice_code,
                made_at=form.cleaned_data["made_at"],
                made_to=form.cleaned_data["made_to"],
                reference_number=form.cleaned_data.get("reference_number", ""),
                officer=form.cleaned_data.get("officer", ""),
                not_applicable=bool(form.cleaned_data.get("not_applicable")),
            )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, "Recorded. The duty is met.")
            return redirect("missing:episode", pk=episode.pk)
    return _episode_page(request, episode, override={key: form}, status=400)


def _when_action(request: HttpRequest, pk: int, *, key: str, label: str, service: Any, done: str) -> HttpResponse:
    episode = episode_get_for_user(user=request.user, pk=pk, write=True)
    form = WhenForm(request.POST, prefix=key, label=label)
    if form.is_valid():
        try:
            service(actor=request.user, episode=episode, at=form.cleaned_data["at"])
        except ApplicationError as exc:
            form.add_error("at", exc.message)
        else:
            messages.success(request, done)
            return redirect("missing:episode", pk=episode.pk)
    return _episode_page(request, episode, override={key: form}, status=400)


@login_required
@require_POST
def episode_locate(request: HttpRequest, pk: int) -> HttpResponse:
    return _when_action(
        request,
        pk,
        key="locate",
        label="When the youth was located",
        service=lambda actor, episode, at: services.episode_locate(actor=actor, episode=episode, located_at=at),
        done="The youth is recorded as located.",
    )


@login_required
@require_POST
def episode_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _when_action(
        request,
        pk,
        key="return",
        label="When the youth returned to care",
        service=lambda actor, episode, at: services.episode_return(actor=actor, episode=episode, returned_at=at),
        done="Return recorded. The debrief and the return screening are now due.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def debrief(request: HttpRequest, pk: int) -> HttpResponse:
    episode = episode_get_for_user(user=request.user, pk=pk, write=True)
    form = DebriefForm(request.POST or None, initial={"debriefed_at": timezone.localtime()})
    if request.method == "POST" and form.is_valid():
        try:
            services.debrief_record(actor=request.user, episode=episode, **form.cleaned_data)  # type: ignore[arg-type]
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, "Debrief recorded. The duty is met.")
            return redirect("missing:episode", pk=episode.pk)
    status = 400 if request.method == "POST" else 200
    if request.method == "GET" and episode.returned_at is None:
        form.add_error(None, "Record the return before the debrief.")
    return render(
        request, "missing/debrief.html", {"form": form, "episode": episode, "youth": episode.youth}, status=status
    )


@login_required
@require_POST
def link_screening(request: HttpRequest, pk: int) -> HttpResponse:
    episode = episode_get_for_user(user=request.user, pk=pk, write=True)
    form = LinkScreeningForm(request.POST, prefix="screening")
    if form.is_valid():
        try:
            services.episode_link_screening(
                actor=request.user,  # type: ignore[arg-type]
                episode=episode,
                screening_id=form.cleaned_data["screening_id"],
            )
        except ApplicationError as exc:
            form.add_error("screening_id", exc.message)
        else:
            messages.success(request, "Return screening linked. The duty is met.")
            return redirect("missing:episode", pk=episode.pk)
    return _episode_page(request, episode, override={"screening": form}, status=400)


@login_required
@require_POST
def episode_close(request: HttpRequest, pk: int) -> HttpResponse:
    episode = episode_get_for_user(user=request.user, pk=pk, write=True)
    try:
        services.episode_close(actor=request.user, episode=episode)  # type: ignore[arg-type]
    except ApplicationError as exc:
        return _episode_page(request, episode, override={"close_error": exc.message}, status=400)
    messages.success(request, "Episode closed.")
    return redirect("missing:episode", pk=episode.pk)
