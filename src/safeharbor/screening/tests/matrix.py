"""Permission-matrix rows for every screening URL (see core/testing/matrix.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from safeharbor.core.testing.matrix import API_ANON, Row, expect

# The youth's own worker and the unit's supervisor may screen; everyone else gets a 404 (not a 403),
# so a record's existence is never revealed.
WRITE = expect(404, worker=200, supervisor=200)
WRITE_BAD_INPUT = expect(404, worker=400, supervisor=400)
WRITE_REDIRECT = expect(404, worker=302, supervisor=302)
# Whoever may open the youth: its worker, the unit's supervisor and manager (the coordinator only once the
# youth has a CSEC status or a referral).
READ = expect(404, worker=200, supervisor=200, manager=200)
READ_WITH_STATUS = expect(404, worker=200, supervisor=200, manager=200, coordinator=200)
CATALOGUE = expect(200, partner=403, auditor=403)


def _youth(p: Any) -> dict[str, Any]:
    return {"youth_pk": p.youth.pk}


def _draft(p: Any) -> dict[str, Any]:
    from safeharbor.screening.services import screening_start

    return {"pk": screening_start(actor=p.worker, youth=p.youth).pk}


def _final(p: Any, status: str = "at_risk") -> dict[str, Any]:
    from safeharbor.screening.services import screening_finalise, screening_save_answers, screening_start

    screening = screening_start(actor=p.worker, youth=p.youth)
    screening = screening_save_answers(
        actor=p.worker, screening=screening, answers={"foster_care": ("yes", "")}, facts=[]
    )
    extra = (
        {} if status == "at_risk" else {"when_category": "in_foster_care", "override_reason": "Matrix fixture reason."}
    )
    screening_finalise(actor=p.worker, screening=screening, determined_status=status, **extra)
    return {"pk": screening.pk}


def _indicator(p: Any, agency: str = "agency") -> dict[str, Any]:
    from safeharbor.screening.services import indicator_catalogue_ensure

    return {"pk": indicator_catalogue_ensure(agency=getattr(p, agency))[0].pk}


ROWS = [
    Row("screening:start", WRITE, kwargs=_youth),
    Row(
        "screening:start",
        expect(404, other_agency_worker=200),
        kwargs=lambda p: {"youth_pk": p.other_agency_youth.pk},
        label="other agency's youth",
    ),
    Row("screening:start", WRITE_REDIRECT, kwargs=_youth, method="post", data=lambda p: {}),
    Row("screening:external", WRITE, kwargs=_youth),
    Row("screening:external", WRITE_BAD_INPUT, kwargs=_youth, method="post", data=lambda p: {"level": "bogus"}),
    Row(
        "screening:external",
        expect(404, worker2=200, supervisor=200),
        kwargs=lambda p: {"youth_pk": p.youth2.pk},
        label="another worker's youth",
    ),
    Row("screening:history", READ, kwargs=_youth),
    Row("screening:detail", READ, kwargs=_draft, label="draft"),
    Row(
        "screening:detail",
        READ_WITH_STATUS,
        kwargs=lambda p: _final(p, "suspected_victim"),
        label="finalised suspected",
    ),
    Row("screening:detail", WRITE_BAD_INPUT, kwargs=_draft, method="post", data=lambda p: {}, label="bad answers"),
    Row("screening:recommend", WRITE, kwargs=_draft, method="post", data=lambda p: {"ind-branding_tattoo": "yes"}),
    Row("screening:finalise", WRITE, kwargs=_draft),
    Row("screening:finalise", WRITE_BAD_INPUT, kwargs=_draft, method="post", data=lambda p: {}, label="no status"),
    Row("screening:amend", WRITE, kwargs=_final),
    Row("screening:amend", WRITE_BAD_INPUT, kwargs=_final, method="post", data=lambda p: {"reason": "short"}),
    Row("screening:catalogue", CATALOGUE),
    Row("screening:indicator_edit", expect(403, admin=200), kwargs=_indicator),
    Row(
        "screening:indicator_edit",
        expect(403, admin=404),
        kwargs=lambda p: _indicator(p, "other_agency"),
        label="other agency's indicator",
    ),
    Row(
        "screening:indicator_edit",
        expect(403, admin=302),
        kwargs=_indicator,
        method="post",
        data=lambda p: {"label": "Fictional label", "help_text": "Fictional help text."},
    ),
    Row(
        "screening:indicator_edit",
        expect(403, admin=400),
        kwargs=_indicator,
        method="post",
        data=lambda p: {"label": "", "help_text": ""},
        label="bad input",
    ),
    Row(
        "screening:indicator_edit",
        expect(403, admin=404),
        kwargs=lambda p: _indicator(p, "other_agency"),
        method="post",
        data=lambda p: {"label": "Fictional label", "help_text": "Fictional help text."},
        label="other agency's indicator post",
    ),
]


# --- The law-enforcement report of an identified victim (page and API) --------------------------

API_NO_PAGE = {"anonymous": API_ANON, "partner": 404, "auditor": 403, "admin": 403}
WORKER_OF = {"youth": "worker", "youth2": "worker2", "other_agency_youth": "other_agency_worker"}


def _confirmed(p: Any, which: str = "youth", *, recorded: bool = False) -> Any:
    """Identify the persona youth `which` as a victim (its worker determines), opening the report duty;
    with `recorded`, the report is recorded too."""
    from safeharbor.screening.services import (
        FactInput,
        screening_finalise,
        screening_save_answers,
        screening_start,
    )
    from safeharbor.screening.victim_reports import victim_report_record

    youth = getattr(p, which)
    actor = getattr(p, WORKER_OF[which])
    screening = screening_start(actor=actor, youth=youth)
    fact = FactInput("commercial_sex_involvement", timezone.localdate() - timedelta(days=30), "Police report")
    screening = screening_save_answers(actor=actor, screening=screening, answers={}, facts=[fact])
    screening_finalise(
        actor=actor, screening=screening, determined_status="confirmed_victim", when_category="in_foster_care"
    )
    if recorded:
        victim_report_record(
            actor=actor,
            youth=youth,
            made_at=timezone.now(),
            law_enforcement_agency="Fictional County Sheriff",
            report_number="MX-1",
        )
    return youth


def _victim_youth(which: str = "youth", *, recorded: bool = False, api: bool = False) -> Any:
    key = "youth_id" if api else "youth_pk"
    return lambda p: {key: _confirmed(p, which, recorded=recorded).pk}


def _page_report(p: Any) -> dict[str, str]:
    made_at = timezone.now().astimezone(ZoneInfo(p.agency.time_zone))
    return {
        "made_at": made_at.strftime("%Y-%m-%dT%H:%M"),
        "law_enforcement_agency": "Fictional County Sheriff",
        "report_number": "MX-2",
    }


def _api_report(p: Any) -> dict[str, str]:
    return {
        "made_at": timezone.now().isoformat(),
        "law_enforcement_agency": "Fictional County Sheriff",
        "report_number": "MX-3",
    }


ROWS += [
    Row("screening:victim_report", WRITE, kwargs=_victim_youth(), label="due"),
    Row("screening:victim_report", WRITE, kwargs=_youth, label="nothing due"),
    Row("screening:victim_report", WRITE, kwargs=_victim_youth(recorded=True), label="recorded"),
    Row("screening:victim_report", WRITE_REDIRECT, kwargs=_victim_youth(), method="post", data=_page_report),
    Row(
        "screening:victim_report",
        WRITE_BAD_INPUT,
        kwargs=_victim_youth(),
        method="post",
        data=lambda p: {**_page_report(p), "report_number": ""},
        label="no report number",
    ),
    Row(
        "screening:victim_report",
        expect(404, worker2=200, supervisor=200),
        kwargs=_victim_youth("youth2"),
        label="another worker's youth",
    ),
    Row(
        "screening:victim_report",
        expect(404, worker2=302, supervisor=302),
        kwargs=_victim_youth("youth2"),
        method="post",
        data=_page_report,
        label="another worker's youth",
    ),
    Row(
        "screening:victim_report",
        expect(404, other_agency_worker=200),
        kwargs=_victim_youth("other_agency_youth"),
        label="other agency's youth",
    ),
    Row(
        "screening:victim_report",
        expect(404, other_agency_worker=302),
        kwargs=_victim_youth("other_agency_youth"),
        method="post",
        data=_page_report,
        label="other agency's youth",
    ),
    Row(
        "api:screening-victim-report",
        expect(200, worker2=404, other_unit_worker=404, other_agency_worker=404, **API_NO_PAGE),
        kwargs=_victim_youth(recorded=True, api=True),
        label="recorded",
    ),
    Row(
        "api:screening-victim-report",
        expect(404, **API_NO_PAGE),
        kwargs=_victim_youth(api=True),
        label="not recorded yet",
    ),
    Row(
        "api:screening-victim-report",
        expect(404, other_agency_worker=200, **API_NO_PAGE),
        kwargs=_victim_youth("other_agency_youth", recorded=True, api=True),
        label="other agency's youth",
    ),
    Row(
        "api:screening-victim-report",
        expect(404, worker=201, supervisor=201, **API_NO_PAGE),
        kwargs=_victim_youth(api=True),
        method="post",
        data=_api_report,
        content_type="application/json",
    ),
    Row(
        "api:screening-victim-report",
        expect(404, worker=400, supervisor=400, **API_NO_PAGE),
        kwargs=_victim_youth(api=True),
        method="post",
        data=lambda p: {**_api_report(p), "made_at": "2026-11-20T10:00:00"},
        content_type="application/json",
        label="no UTC offset",
    ),
    Row(
        "api:screening-victim-report",
        expect(404, worker2=201, supervisor=201, **API_NO_PAGE),
        kwargs=_victim_youth("youth2", api=True),
        method="post",
        data=_api_report,
        content_type="application/json",
        label="another worker's youth",
    ),
    Row(
        "api:screening-victim-report",
        expect(404, other_agency_worker=201, **API_NO_PAGE),
        kwargs=_victim_youth("other_agency_youth", api=True),
        method="post",
        data=_api_report,
        content_type="application/json",
        label="other agency's youth",
    ),
]
