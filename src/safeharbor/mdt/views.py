"""MDT pages: thin views over the services and selectors (RULES.md §4)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from safeharbor import permissions
from safeharbor.accounts.models import User
from safeharbor.agency.models import Holiday
from safeharbor.core.errors import ApplicationError
from safeharbor.core.timeutils import agency_today
from safeharbor.mdt import documents, forms, selectors, services
from safeharbor.mdt.models import (
    Attendance,
    ConfidentialityAcknowledgment,
    Invitation,
    MdtSession,
    Referral,
    Slot,
)
from safeharbor.mdt.rules import URGENCY_LABELS, HolidayCalendar
from safeharbor.youth.models import PlacementType
from safeharbor.youth.selectors import require, youth_get_for_user

PAGE_SIZE = 25
CALENDAR_MONTHS = 12


def _page(request: HttpRequest, items: QuerySet[Any] | list[Any]) -> Any:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _apply_error(form: Any, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, context, status=status)


def _user(request: HttpRequest) -> User:
    user: Any = request.user
    return user


def _coordinator(request: HttpRequest) -> User:
    user = _user(request)
    require(permissions.is_mdt_coordinator, user, action="mdt.coordinate")
    return user


def _docx(payload: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        payload, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Referrals --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request: HttpRequest, youth_pk: int) -> HttpResponse:
    user = _user(request)
    youth = youth_get_for_user(user=user, pk=youth_pk, write=True)
    if request.method == "POST":
        form = forms.ReferralForm(request.POST)
        if form.is_valid():
            try:
                referral = services.referral_submit(actor=user, youth=youth, **form.cleaned_data)
            except ApplicationError as exc:
                _apply_error(form, exc)
            else:
                messages.success(request, "Referral sent to the CSEC coordinator.")
                return redirect("mdt:referral-detail", pk=referral.pk)
        return _render(request, "mdt/referral_form.html", {"form": form, "youth": youth}, status=400)
    form = forms.ReferralForm(initial={"key_indicators": selectors.recorded_indicators(youth_id=youth.pk)})
    return _render(request, "mdt/referral_form.html", {"form": form, "youth": youth})


def _referral_context(request: HttpRequest, referral: Referral) -> dict[str, Any]:
    user = _user(request)
    slot = Slot.objects.filter(referral=referral).select_related("session").first()
    coordinating = permissions.can_coordinate_mdt(user, referral)
    answering = permissions.can_answer_referral(user, referral) and referral.status == Referral.Status.MORE_INFO
    return {
        "referral": referral,
        "youth": referral.youth,
        "slot": slot,
        "urgency_labels": [URGENCY_LABELS.get(code, code) for code in referral.urgency_reasons],
        "indicator_labels": [dict(forms.INDICATOR_CHOICES).get(c, c) for c in referral.key_indicators],
        "placement_label": dict(PlacementType.choices).get(referral.placement_type, ""),
        "coordinating": coordinating,
        "decision_form": forms.DecisionForm()
        if coordinating and referral.status in ("submitted", "more_info")
        else None,
        "answer_form": forms.ReferralForm(
            initial={
                "question": referral.question,
                "narrative": referral.narrative,
                "key_indicators": referral.key_indicators,
            }
        )
        if answering
        else None,
    }


@login_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get_for_user(user=_user(request), pk=pk)
    return _render(request, "mdt/referral_detail.html", _referral_context(request, referral))


@login_required
@require_POST
def referral_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    referral = selectors.referral_get_for_user(user=user, pk=pk, write=True)
    if not permissions.can_answer_referral(user, referral):
        raise Http404
    form = forms.ReferralForm(request.POST)
    if form.is_valid():
        try:
            services.referral_answer(actor=user, referral=referral, **form.cleaned_data)
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, "Your answer was sent to the coordinator.")
            return redirect("mdt:referral-detail", pk=referral.pk)
    context = _referral_context(request, referral)
    context["answer_form"] = form
    return _render(request, "mdt/referral_detail.html", context, status=400)


@login_required
@require_POST
def referral_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _coordinator(request)
    referral = selectors.referral_get_for_user(user=user, pk=pk, write=True)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        action, text = form.cleaned_data["action"], form.cleaned_data["text"]
        try:
            if action == "accept":
                services.referral_accept(actor=user, referral=referral, notes=text)
                messages.success(request, "Referral accepted. Choose its slot.")
                return redirect("mdt:referral-schedule", pk=referral.pk)
            if action == "decline":
                services.referral_decline(actor=user, referral=referral, reason=text)
            else:
                services.referral_request_info(actor=user, referral=referral, request=text)
        except ApplicationError as exc:
            form.add_error("text" if exc.field in ("decline_reason", "more_info_request") else None, exc.message)
        else:
            messages.success(request, "Decision recorded; the worker has been told.")
            return redirect("mdt:queue")
    context = _referral_context(request, referral)
    context["decision_form"] = form
    return _render(request, "mdt/referral_detail.html", context, status=400)


@login_required
def referral_docx(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    referral = selectors.referral_get_for_user(user=user, pk=pk, action="mdt.referral_export")
    label = dict(PlacementType.choices).get(referral.placement_type, "")
    payload = documents.referral_docx(referral=referral, placement_label=str(label))
    return _docx(payload, f"mdt-referral-{referral.pk}.docx")


@login_required
@require_http_methods(["GET", "POST"])
def referral_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    user = _coordinator(request)
    referral = selectors.referral_get_for_user(user=user, pk=pk, write=request.method == "POST")
    if referral.status != Referral.Status.ACCEPTED:
        messages.info(request, "This referral is not waiting for a slot.")
        return redirect("mdt:referral-detail", pk=referral.pk)
    form = forms.ScheduleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                slot = services.referral_schedule(
                    actor=user,
                    referral=referral,
                    slot_id=form.cleaned_data["slot"],
                    bump_reason=form.cleaned_data["bump_reason"],
                )
            except ApplicationError as exc:
                _apply_error(form, exc)
            else:
                messages.success(request, "Referral scheduled; the worker has been told.")
                return redirect("mdt:session-detail", pk=slot.session_id)
        status = 400
    services.referral_refresh_urgency(referral=referral)
    options = services.scheduling_options(referral=referral)
    slot_ids = [o.slot_key for o in [options["offer"], *options["bumps"]] if o is not None]
    slots = {s.pk: s for s in Slot.objects.filter(pk__in=slot_ids).select_related("session", "referral__youth")}
    context = {
        "referral": referral,
        "form": form,
        "offer": options["offer"],
        "offer_slot": slots.get(options["offer"].slot_key) if options["offer"] else None,
        "bumps": [(o, slots[o.slot_key]) for o in options["bumps"]],
        "earliest": options["earliest"],
        "urgency_labels": [URGENCY_LABELS.get(code, code) for code in referral.urgency_reasons],
    }
    return _render(request, "mdt/referral_schedule.html", context, status=status)


# --- Coordinator: queue and calendar -----------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = _coordinator(request)
    page = _page(request, selectors.referral_queue(user=user))
    return _render(request, "mdt/queue.html", {"page": page})


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    user = _coordinator(request)
    agency = user.agency
    assert agency is not None
    services.calendar_generate(agency=agency, months=CALENDAR_MONTHS, actor=user)
    today = agency_today(agency)
    page = _page(request, selectors.session_list(agency=agency, since=today))
    return _render(request, "mdt/calendar.html", {"page": page, "today": today})


@login_required
@require_http_methods(["GET", "POST"])
def session_add(request: HttpRequest) -> HttpResponse:
    user = _coordinator(request)
    agency = user.agency
    assert agency is not None
    form = forms.SessionAddForm(
        request.POST or None, initial={"start": agency.mdt_start, "end": agency.mdt_end, "room": agency.mdt_room}
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = services.session_add(
                    actor=user, on=data["date"], start=data["start"], end=data["end"], room=data["room"]
                )
            except ApplicationError as exc:
                _apply_error(form, exc)
            else:
                messages.success(request, "Session added.")
                return redirect("mdt:session-detail", pk=session.pk)
        return _render(request, "mdt/session_add.html", {"form": form}, status=400)
    return _render(request, "mdt/session_add.html", {"form": form})


def _session_context(session: MdtSession) -> dict[str, Any]:
    detail = selectors.session_detail(session=session)
    slot_minutes = session.agency.mdt_slot_minutes
    return {
        "session": session,
        "slot_rows": [{"slot": s, "starts": s.starts(slot_minutes)} for s in detail["slots"]],
        "invitations": detail["invitations"],
        "action_items": detail["action_items"],
        "cancel_form": forms.CancelForm(),
        "window_ends": session.window_ends(session.agency.partner_window_days),
    }


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _coordinator(request)
    session = selectors.session_get_for_user(user=user, pk=pk)
    return _render(request, "mdt/session_detail.html", _session_context(session))


@login_required
@require_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = _coordinator(request)
    session = selectors.session_get_for_user(user=user, pk=pk, write=True)
    form = forms.CancelForm(request.POST)
    if form.is_valid():
        try:
            services.session_cancel(actor=user, session=session, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Session cancelled; everyone affected has been told.")
            return redirect("mdt:calendar")
    context = _session_context(session)
    context["cancel_form"] = form
    return _render(request, "mdt/session_detail.html", context, status=400)


def _member_label(member: User) -> str:
    name = member.get_full_name() or member.username
    if member.partner_organisation_id and member.partner_organisation:
        return f"{name} ({member.partner_organisation.name}, partner)"
    return f"{name} ({member.title})" if member.title else name


@login_required
@require_http_methods(["GET", "POST"])
def session_publish(request: HttpRequest, pk: int) -> HttpResponse:
    user = _coordinator(request)
    session = selectors.session_get_for_user(user=user, pk=pk, write=request.method == "POST")
    members = list(selectors.invitable_members(agency=session.agency))
    choices = [(m.pk, _member_label(m)) for m in members]
    invited = list(Invitation.objects.filter(session=session).values_list("user_id", flat=True))
    form = forms.PublishForm(request.POST or None, member_choices=choices, initial={"members": invited})
    if request.method == "POST":
        if form.is_valid():
            chosen = {int(pk) for pk in form.cleaned_data["members"]}
            try:
                services.session_publish_agenda(
                    actor=user, session=session, members=[m for m in members if m.pk in chosen]
                )
            except ApplicationError as exc:
                _apply_error(form, exc)
            else:
                messages.success(request, "Agenda published; the members have their invitations.")
                return redirect("mdt:session-detail", pk=session.pk)
        return _render(request, "mdt/session_publish.html", {"form": form, "session": session}, status=400)
    return _render(request, "mdt/session_publish.html", {"form": form, "session": session})


@login_required
def session_ics(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    session = selectors.session_get_for_user(user=user, pk=pk)
    invitation = Invitation.objects.filter(session=session, user=user).first()
    response = HttpResponse(documents.session_ics(session=session, invitation=invitation), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="mdt-meeting-{session.date.isoformat()}.ics"'
    return response


# --- The meeting ------------------------------------------------------------------------------


def _meeting_context(user: User, session: MdtSession) -> dict[str, Any]:
    detail = selectors.session_detail(session=session)
    members = [i.user for i in detail["invitations"]]
    if user.pk not in {m.pk for m in members}:
        members.append(user)
    present = set(Attendance.objects.filter(session=session, present=True).values_list("user_id", flat=True))
    on_agenda = [s for s in detail["slots"] if s.referral is not None]
    member_choices = [(m.pk, _member_label(m)) for m in members]
    referral_choices = [(s.referral.pk, s.referral.youth.display_name) for s in on_agenda if s.referral]
    discussions = detail["discussions"]
    rows = []
    for slot in on_agenda:
        assert slot.referral is not None
        found = discussions.get(slot.referral.pk)
        rows.append(
            {
                "slot": slot,
                "form": forms.DiscussionForm(
                    initial={
                        "referral": slot.referral.pk,
                        "notes": found.notes if found else "",
                        "decisions": found.decisions if found else "",
                    },
                    prefix=f"youth{slot.referral.pk}",
                ),
            }
        )
    return {
        "session": session,
        "attendance_form": forms.AttendanceForm(member_choices=member_choices, initial={"present": sorted(present)}),
        "rows": rows,
        "action_form": forms.ActionItemForm(owner_choices=member_choices, referral_choices=referral_choices),
        "action_items": detail["action_items"],
        "member_choices": member_choices,
        "referral_choices": referral_choices,
    }


@login_required
def session_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    user = _coordinator(request)
    session = selectors.session_get_for_user(user=user, pk=pk)
    return _render(request, "mdt/session_meeting.html", _meeting_context(user, session))


@login_required
@require_POST
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    user = _coordinator(request)
    session = selectors.session_get_for_user(user=user, pk=pk, write=True)
    context = _meeting_context(user, session)
    form = forms.AttendanceForm(request.POST, member_choices=context["member_choices"])
    if form.is_valid():
        try:
            services.attendance_record(
                actor=user, session=session, present_ids=[int(v) for v in form.cleaned_data["present"]]
            )
        except ApplicationError as exc:
            form.add_error("present", exc.message)
        else:
            messages.success(request, "Attendance saved.")
            return redirect("mdt:session-meeting", pk=session.pk)
    context["attendance_form"] = form
    return _render(request, "mdt/session_meeting.html", context, status=400)


@login_required
@require_POST
def session_discussion(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    user = _coordinator(request)
    session = selectors.session_get_for_user(user=user, pk=pk, write=True)
    referral = selectors.referral_get_for_user(user=user, pk=referral_pk, write=True)
    if not selectors.referral_on_agenda(session=session, referral=referral):
        raise Http404
    form = forms.DiscussionForm(request.POST, prefix=f"youth{referral_pk}")
    if form.is_valid():
        try:
            services.discussion_save(
                actor=user,
                session=session,
                referral=referral,
                notes=form.cleaned_data["notes"],
                decisions=form.cleaned_data["decisions"],
            )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, "Notes and decisions saved.")
            return redirect("mdt:session-meeting", pk=session.pk)
    context = _meeting_context(user, session)
    for row in context["rows"]:
        if row["slot"].referral_id == referral_pk:
            row["form"] = form
    return _render(request, "mdt/session_meeting.html", context, status=400)


@login_required
@require_POST
def session_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _coordinator(request)
    session = selectors.session_get_for_user(user=user, pk=pk, write=True)
    context = _meeting_context(user, session)
    form = forms.ActionItemForm(
        request.POST, owner_choices=context["member_choices"], referral_choices=context["referral_choices"]
    )
    if form.is_valid():
        data = form.cleaned_data
        owner = User.objects.filter(pk=int(data["owner"]), agency_id=session.agency_id).first()
        referral = (
            Referral.objects.filter(pk=int(data["referral"]), agency_id=session.agency_id).first()
            if data["referral"]
            else None
        )
        try:
            if owner is None:
                raise ApplicationError("Choose an owner.", field="owner")
            services.action_item_create(
                actor=user,
                session=session,
                owner=owner,
                description=data["description"],
                due_date=data["due_date"],
                referral=referral,
            )
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, "Action item added; its owner has been told.")
            return redirect("mdt:session-meeting", pk=session.pk)
    context["action_form"] = form
    return _render(request, "mdt/session_meeting.html", context, status=400)


@login_required
@require_POST
def session_held(request: HttpRequest, pk: int) -> HttpResponse:
    user = _coordinator(request)
    session = selectors.session_get_for_user(user=user, pk=pk, write=True)
    try:
        services.session_mark_held(actor=user, session=session)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _render(request, "mdt/session_meeting.html", _meeting_context(user, session), status=400)
    messages.success(request, "The meeting is recorded as held; its referrals are closed.")
    return redirect("mdt:session-minutes", pk=session.pk)


def _minutes_context(session: MdtSession) -> dict[str, Any]:
    detail = selectors.session_detail(session=session)
    attendance = {a.user_id: a.present for a in Attendance.objects.filter(session=session).select_related("user")}
    people = {i.user_id: i.user for i in detail["invitations"]}
    extra = User.objects.filter(pk__in=set(attendance) - set(people))
    people.update({u.pk: u for u in extra})
    discussions = detail["discussions"]
    youth_rows = []
    for slot in detail["slots"]:
        if slot.referral is None:
            continue
        found = discussions.get(slot.referral.pk)
        youth_rows.append(
            {
                "label": slot.referral.youth.display_name,
                "notes": found.notes if found else "",
                "decisions": found.decisions if found else "",
            }
        )
    return {
        "session": session,
        "attendance": [
            {"name": u.get_full_name() or u.username, "present": attendance.get(pk, False)} for pk, u in people.items()
        ],
        "youth_rows": youth_rows,
        "action_items": detail["action_items"],
    }


@login_required
def session_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    user = _coordinator(request)
    session = selectors.session_get_for_user(user=user, pk=pk, action="mdt.minutes_view")
    return _render(request, "mdt/session_minutes.html", _minutes_context(session))


@login_required
def session_minutes_docx(request: HttpRequest, pk: int) -> HttpResponse:
    user = _coordinator(request)
    session = selectors.session_get_for_user(user=user, pk=pk, action="mdt.minutes_export")
    payload = documents.minutes_docx(session=session, context=_minutes_context(session))
    return _docx(payload, f"mdt-minutes-{session.date.isoformat()}.docx")


# --- Members and partners ---------------------------------------------------------------------


@login_required
def my_meetings(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    invitations = _page(request, selectors.my_invitations(user=user))
    acknowledged = set(ConfidentialityAcknowledgment.objects.filter(user=user).values_list("session_id", flat=True))
    items = Paginator(selectors.my_action_items(user=user), PAGE_SIZE).get_page(request.GET.get("items"))
    return _render(
        request,
        "mdt/my_meetings.html",
        {
            "invitations": invitations,
            "acknowledged": acknowledged,
            "items": items,
            "is_partner": permissions.has_mdt_meetings(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    session = selectors.session_get_for_user(user=user, pk=pk)
    if not permissions.mdt_needs_acknowledgment(user, session):
        return redirect("mdt:session-agenda", pk=session.pk)
    form = forms.AcknowledgeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.acknowledgment_record(actor=user, session=session)
            return redirect("mdt:session-agenda", pk=session.pk)
        return _render(request, "mdt/acknowledge.html", {"form": form, "session": session}, status=400)
    return _render(request, "mdt/acknowledge.html", {"form": form, "session": session})


@login_required
def session_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    session = selectors.session_get_for_user(user=user, pk=pk, action="mdt.agenda_view")
    if permissions.mdt_needs_acknowledgment(user, session):
        return redirect("mdt:session-acknowledge", pk=session.pk)
    return _render(
        request,
        "mdt/session_agenda.html",
        {
            "session": session,
            "rows": selectors.session_agenda_for_member(session=session),
            "window_ends": session.window_ends(session.agency.partner_window_days),
        },
    )


@login_required
def packet(request: HttpRequest, pk: int, youth_pk: int) -> HttpResponse:
    user = _user(request)
    session = selectors.session_get_for_user(user=user, pk=pk)
    if permissions.mdt_needs_acknowledgment(user, session):
        return redirect("mdt:session-acknowledge", pk=session.pk)
    values = selectors.packet_get(user=user, session=session, youth_pk=youth_pk)
    return _render(
        request,
        "mdt/packet.html",
        {
            "session": session,
            "packet": values,
            "indicator_labels": [dict(forms.INDICATOR_CHOICES).get(c, c) for c in values["key_indicators"]],
        },
    )


@login_required
@require_POST
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    item = selectors.action_item_get_for_user(user=user, pk=pk, write=True)
    services.action_item_complete(actor=user, item=item)
    messages.success(request, "Action item marked done.")
    if item.owner_id == user.pk:
        return redirect("mdt:my-meetings")
    return redirect("mdt:session-meeting", pk=item.session_id)


# --- Holidays (admin) -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def holidays(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require(permissions.can_edit_holidays, user, action="agency.holiday_edit")
    form = forms.HolidayForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.holiday_save(actor=user, on=data["date"], name=data["name"], closed=data["closed"])
            except ApplicationError as exc:
                _apply_error(form, exc)
            else:
                messages.success(request, "Holiday calendar updated. Sessions already generated keep their dates.")
                return redirect("mdt:holidays")
        status = 400
    page = _page(request, Holiday.objects.filter(agency=user.agency).order_by("-date"))
    agency = user.agency
    year = agency_today(agency).year
    assert agency is not None
    calendar = HolidayCalendar.from_policy(agency.policy())
    defaults = calendar.days_between(date(year, 1, 1), date(year + 1, 12, 31))
    return _render(request, "mdt/holidays.html", {"form": form, "page": page, "defaults": defaults}, status=status)


@login_required
@require_POST
def holiday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    require(permissions.can_edit_holidays, user, action="agency.holiday_edit")
    try:
        services.holiday_delete(actor=user, holiday_id=pk)
    except ApplicationError:
        raise Http404 from None
    messages.success(request, "Holiday change removed.")
    return redirect("mdt:holidays")
