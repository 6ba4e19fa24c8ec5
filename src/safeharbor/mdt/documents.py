"""Documents of the MDT: the .ics invitation (icalendar), the referral form and the minutes (python-docx).

The invitation carries no child's name: it travels by e-mail. The Word documents hold case data and
are downloaded only behind the coordinator's or the referring worker's permission, audited.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from docx import Document
from docx.shared import Pt
from icalendar import Calendar, Event

from safeharbor.core.timeutils import agency_today, agency_zone
from safeharbor.mdt.models import Invitation, MdtSession, Referral
from safeharbor.screening.codes import STATUS_LABELS

PRODID = "-//SafeHarbor//MDT//EN"


def _indicator_label(code: str) -> str:
    return code.replace("_", " ").capitalize()


def session_ics(*, session: MdtSession, invitation: Invitation | None = None) -> bytes:
    """One VEVENT for the session, in the agency's time zone (TZID), no child's name."""
    zone = agency_zone(session.agency)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if session.status == MdtSession.Status.CANCELLED else "REQUEST")
    event = Event()
    event.add("uid", invitation.uid if invitation else f"mdt-session-{session.pk}@safeharbor")
    event.add("sequence", session.ics_sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", datetime.combine(session.date, session.start, tzinfo=zone))
    event.add("dtend", datetime.combine(session.date, session.end, tzinfo=zone))
    event.add("summary", "CSEC multidisciplinary team meeting")
    event.add("location", session.room)
    event.add(
        "description",
        "Confidential meeting (W&I 827, W&I 18961.7, PC 13753). Sign in to SafeHarbor to read the packet.",
    )
    event.add("status", "CANCELLED" if session.status == MdtSession.Status.CANCELLED else "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical()


def _save(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _row(table: Any, label: str, value: Any) -> None:
    cells = table.add_row().cells
    cells[0].text = label
    cells[1].text = "" if value is None else str(value)
    for paragraph in cells[0].paragraphs:
        for run in paragraph.runs:
            run.bold = True


def _fmt(day: date | None) -> str:
    return f"{day:%m/%d/%Y}" if day else ""


def referral_docx(*, referral: Referral, placement_label: str = "") -> bytes:
    """The MDT referral form, laid out like the agency's Word form, prefilled from the case."""
    youth = referral.youth
    worker = referral.referred_by
    today = agency_today(referral.agency)
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(f"{referral.agency.name}", level=0)
    document.add_heading("CSEC Multidisciplinary Team (MDT) Referral", level=1)
    document.add_paragraph("Confidential: W&I 827, W&I 18961.7, PC 13753. Handbook 13-19, MDT meetings.")

    document.add_heading("1. Youth", level=2)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    _row(table, "Legal name", youth.legal_name)
    _row(table, "Preferred name", youth.preferred_name)
    _row(table, "Date of birth", _fmt(youth.date_of_birth))
    _row(table, "Age", youth.age(today))
    _row(table, "Date of birth verified", "Yes" if youth.dob_verified else "No")
    _row(table, "Gender", youth.get_gender_display())
    _row(table, "State client ID", youth.state_client_id)
    _row(table, "Current placement type", placement_label)

    document.add_heading("2. Referring worker", level=2)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    _row(table, "Name", worker.get_full_name() or worker.username)
    _row(table, "Title", worker.title)
    _row(table, "Unit", worker.unit.name if worker.unit_id and worker.unit else "")
    _row(table, "Phone", worker.phone)
    _row(table, "E-mail", worker.email)
    _row(
        table,
        "Date submitted",
        _fmt(
            timezone.localtime(referral.submitted_at, agency_zone(referral.agency)).date()
            if referral.submitted_at
            else None
        ),
    )

    document.add_heading("3. CSEC status and indicators", level=2)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    _row(
        table,
        "CSEC status at referral",
        STATUS_LABELS.get(referral.status_at_submission, referral.status_at_submission),
    )
    _row(table, "Urgent", "Yes" if referral.urgent else "No")
    _row(table, "Key indicators", ", ".join(_indicator_label(c) for c in referral.key_indicators) or "None recorded")

    document.add_heading("4. Question for the team", level=2)
    document.add_paragraph(referral.question)
    document.add_heading("5. Narrative", level=2)
    for paragraph in (referral.narrative or "").split("\n"):
        document.add_paragraph(paragraph)

    document.add_heading("6. Coordinator's use", level=2)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    _row(table, "Referral status", referral.get_status_display())
    _row(table, "Accepted on", _fmt(referral.accepted_on))
    _row(table, "Decline reason", referral.decline_reason)
    return _save(document)


def minutes_docx(*, session: MdtSession, context: dict[str, Any]) -> bytes:
    """The minutes: attendance, per-youth notes and decisions, action items."""
    document = Document()
    document.add_heading("CSEC MDT meeting minutes", level=0)
    document.add_paragraph(
        f"{session.date:%A, %B} {session.date.day}, {session.date.year}, "
        f"{session.start:%H:%M}-{session.end:%H:%M}, {session.room}"
    )
    document.add_paragraph("Confidential: W&I 827, W&I 18961.7, PC 13753.")
    document.add_heading("Attendance", level=1)
    for row in context["attendance"]:
        document.add_paragraph(f"{row['name']}: {'present' if row['present'] else 'absent'}", style="List Bullet")
    document.add_heading("Youth discussed", level=1)
    for row in context["youth_rows"]:
        document.add_heading(row["label"], level=2)
        document.add_paragraph("Notes: " + (row["notes"] or "none recorded"))
        document.add_paragraph("Decisions: " + (row["decisions"] or "none recorded"))
    document.add_heading("Action items", level=1)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, ("Action", "Owner", "Due", "Status"), strict=True):
        cell.text = title
    for item in context["action_items"]:
        cells = table.add_row().cells
        cells[0].text = item.description
        cells[1].text = item.owner.get_full_name() or item.owner.username
        cells[2].text = _fmt(item.due_date)
        cells[3].text = item.get_status_display()
    return _save(document)
