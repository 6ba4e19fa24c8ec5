"""The law-enforcement report of an identified victim (RULES.md §3; 42 USC 671(a)(34)(A)).

A confirmed-victim determination opens one duty per youth (`duties.victim_report_after_confirmation`),
due 24 hours after it. `victim_report_record` records the report and meets the duty: done when the report
was made (entered by the person), recorded now, so a report made at 23:35 and typed in the next morning
is on time. `victim_report_status` is what the pages show. Audit rows carry codes and ids only, never the
report number or the officer's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeharbor import permissions
from safeharbor.accounts.models import User
from safeharbor.audit.services import audit_record
from safeharbor.core.errors import ApplicationError
from safeharbor.deadlines.models import Deadline, DutyStatus
from safeharbor.deadlines.services import check_done_at, deadline_meet
from safeharbor.screening.duties import KIND_VICTIM_REPORT
from safeharbor.screening.models import Screening, VictimReport
from safeharbor.youth.models import Youth

CONFIRMED = "confirmed_victim"
MAX_DUTIES = 10  # a youth has one; rows from before the duty was per youth may add one per screening
ALREADY_RECORDED = "The report is already recorded."
NOT_DUE = "No report to law enforcement is due: the youth has not been identified as a victim of sex trafficking."


@dataclass(frozen=True)
class VictimReportStatus:
    """The youth's report duty (open or met; None when there never was one) and the report, if recorded."""

    duty: Deadline | None
    report: VictimReport | None

    @property
    def is_due(self) -> bool:
        return self.duty is not None and self.duty.status == DutyStatus.OPEN and self.report is None

    @property
    def is_overdue(self) -> bool:
        return self.is_due and self.duty is not None and self.duty.due_at < timezone.now()

    @property
    def on_time(self) -> bool | None:
        """Made by the due instant (None without both a report and a duty)."""
        if self.report is None or self.duty is None:
            return None
        return self.report.made_at <= self.duty.due_at


def _duty_rows(youth: Youth) -> Any:
    """The youth's victim-report duties. By `youth_id`, not by subject: rows opened before the duty's
    subject became the youth (the old `le_report_victim` rows, on the determining screening) count too."""
    return Deadline.objects.filter(kind=KIND_VICTIM_REPORT, youth_id=youth.pk)


def victim_report_status(*, youth: Youth) -> VictimReportStatus:
    """The duty (the open one, else the latest met; never a cancelled one) and the report. Two queries."""
    rows = list(_duty_rows(youth).filter(status__in=[DutyStatus.OPEN, DutyStatus.MET]).order_by("-id")[:MAX_DUTIES])
    duty = next((row for row in rows if row.status == DutyStatus.OPEN), rows[0] if rows else None)
    report = VictimReport.objects.filter(youth_id=youth.pk).select_related("made_by").first()
    return VictimReportStatus(duty=duty, report=report)


def victim_report_get(*, youth: Youth) -> VictimReport | None:
    """The youth's recorded report, or None (one query). Call after the youth door."""
    return VictimReport.objects.filter(youth_id=youth.pk).select_related("made_by").first()


def _same_minute_as_arose(made_at: datetime, duties: list[Deadline]) -> datetime:
    """A time typed to the minute, in the very minute the victim was identified, is that instant: the
    form has no seconds, the determination has, and 10:15 must not read as before 10:15:42."""
    if not duties:
        return made_at
    arose_at = max(duty.arose_at for duty in duties)
    if arose_at.replace(second=0, microsecond=0) <= made_at < arose_at:
        return arose_at
    return made_at


def _subject(duty: Deadline, youth: Youth) -> Any:
    """The record a duty is about: the youth, or (a row from before) the screening that identified it."""
    if duty.subject_type == youth._meta.label_lower:
        return youth
    return Screening.objects.get(pk=duty.subject_id)


def victim_report_record(
    *,
    actor: User,
    youth: Youth,
    made_at: datetime,
    law_enforcement_agency: str,
    report_number: str,
    officer: str = "",
) -> VictimReport:
    """Record the report to law enforcement of a youth identified as a victim, and meet its duty.

    Refused (ApplicationError) when nothing is due (no open duty and the youth was never confirmed a
    victim), when the report is already recorded, without the agency or the report number, and when
    `made_at` is in the future or before the identification. Whoever may screen the youth records it.
    """
    if not permissions.can_screen_youth(actor, youth):
        raise PermissionDenied
    agency_name = (law_enforcement_agency or "").strip()
    number = (report_number or "").strip()
    officer = (officer or "").strip()
    if not agency_name:
        raise ApplicationError(
            "Enter the law enforcement agency the report was made to.", field="law_enforcement_agency"
        )
    if not number:
        raise ApplicationError("Enter the report number law enforcement gave.", field="report_number")
    if timezone.is_naive(made_at):
        raise ApplicationError("Give the time with its time zone.", field="made_at")
    with transaction.atomic(durable=False):
        if VictimReport.objects.filter(youth_id=youth.pk).exists():
            raise ApplicationError(ALREADY_RECORDED, code="already_recorded")
        duties = list(_duty_rows(youth).filter(status=DutyStatus.OPEN).order_by("due_at", "id"))
        if not duties and youth.csec_status != CONFIRMED:
            raise ApplicationError(NOT_DUE, code="not_due")
        made_at = _same_minute_as_arose(made_at, duties)
        subjects = [_subject(duty, youth) for duty in duties]
        # Before anything is written: a refusal leaves nothing half-done.
        if not subjects:
            check_done_at(kind=KIND_VICTIM_REPORT, subject=youth, done_at=made_at, field="made_at")
        for subject in subjects:
            check_done_at(kind=KIND_VICTIM_REPORT, subject=subject, done_at=made_at, field="made_at")
        report = VictimReport(
            agency_id=youth.agency_id,
            youth=youth,
            made_at=made_at,
            law_enforcement_agency=agency_name,
            report_number=number,
            officer=officer,
            made_by=actor,
        )
        try:
            report.full_clean()
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            if field in ("__all__", "youth"):  # one per youth (victim_report_once_per_youth)
                raise ApplicationError(ALREADY_RECORDED, code="already_recorded") from exc
            raise ApplicationError("; ".join(messages), field=field) from exc
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError as exc:  # recorded at the same moment by another request
            raise ApplicationError(ALREADY_RECORDED, code="already_recorded") from exc
        audit_record(
            actor=actor,
            action="screening.victim_report",
            obj=report,
            youth_id=youth.pk,
            agency_id=youth.agency_id,
            detail={
                "deadlines": [duty.pk for duty in duties],
                "on_time": all(made_at <= duty.due_at for duty in duties) if duties else None,
                "officer_given": bool(officer),
            },
        )
        # Done when it was made, recorded now (deadline_meet): on time when made by the due instant.
        for subject in subjects:
            deadline_meet(kind=KIND_VICTIM_REPORT, subject=subject, actor=actor, done_at=made_at, field="made_at")
    return report
