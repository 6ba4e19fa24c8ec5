"""Permission matrix rows of the MDT pages (see safeharbor.core.testing.matrix).

Partner-window cases that need a pinned clock (31 days after the session) are dedicated tests in
test_partner_access.py; the rows here cover the plain cases, with records built per row.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from safeharbor.core.testing.matrix import Row, expect
from safeharbor.core.timeutils import agency_today
from safeharbor.mdt.tests import helpers as h

COORD_ONLY = expect(403, coordinator=200)
COORD_POST = expect(403, coordinator=302)
HIDDEN = expect(404)


def _referral(p: Any, status: str = "submitted") -> dict[str, Any]:
    return {"pk": h.make_referral(p.youth, p.worker, status=status).pk}


def _other_agency_referral(p: Any, status: str = "submitted") -> dict[str, Any]:
    return {"pk": h.make_referral(p.other_agency_youth, p.other_agency_worker, status=status).pk}


def _schedulable_referral(p: Any) -> dict[str, Any]:
    """An accepted referral with a free slot after its lead time (a session two months out)."""
    h.make_session(p.agency, on=agency_today(p.agency) + timedelta(days=60))
    return _referral(p, "accepted")


def _session(p: Any) -> dict[str, Any]:
    return {"pk": h.make_session(p.agency).pk}


def _published(p: Any, **kwargs: Any) -> dict[str, Any]:
    session, referral = h.published_session(p, **kwargs)
    return {"pk": session.pk, "youth_pk": referral.youth_id, "referral_pk": referral.pk}


def _past_published(p: Any) -> dict[str, Any]:
    return _published(p, on=agency_today(p.agency) - timedelta(days=1))


def _packet(p: Any, **kwargs: Any) -> dict[str, Any]:
    found = _published(p, **kwargs)
    return {"pk": found["pk"], "youth_pk": found["youth_pk"]}


def _packet_not_on_agenda(p: Any) -> dict[str, Any]:
    found = _published(p)
    return {"pk": found["pk"], "youth_pk": p.youth2.pk}


def _packet_not_invited(p: Any) -> dict[str, Any]:
    return _packet(p, members=("worker2",))


def _discussion(p: Any) -> dict[str, Any]:
    found = _published(p)
    return {"pk": found["pk"], "referral_pk": found["referral_pk"]}


def _discussion_data(p: Any) -> dict[str, Any]:
    from safeharbor.mdt.models import Referral

    referral = Referral.objects.order_by("-id").first()
    assert referral is not None
    prefix = f"youth{referral.pk}"
    return {f"{prefix}-referral": referral.pk, f"{prefix}-notes": "Fictional notes.", f"{prefix}-decisions": "Agreed."}


def _partner_item(p: Any) -> dict[str, Any]:
    session, _ = h.published_session(p)
    return {"pk": h.make_action_item(session, p.partner, p.coordinator).pk}


def _holiday(p: Any) -> dict[str, Any]:
    from safeharbor.agency.models import Holiday

    return {"pk": Holiday.objects.create(agency=p.agency, date=agency_today(p.agency), name="Fictional closure").pk}


def _future(p: Any, days: int = 20) -> str:
    return (agency_today(p.agency) + timedelta(days=days)).isoformat()


REFERRAL_VIEW = expect(404, worker=200, coordinator=200)
PACKET = expect(404, partner=200, coordinator=200)

ROWS = [
    Row("mdt:queue", COORD_ONLY),
    Row("mdt:calendar", COORD_ONLY),
    # Referral: a worker or supervisor who may change the youth's record; through the one door (404).
    Row("mdt:referral-new", expect(404, worker=200, supervisor=200), kwargs=lambda p: {"youth_pk": p.youth.pk}),
    Row(
        "mdt:referral-new",
        expect(404, worker=302, supervisor=302),
        kwargs=lambda p: {"youth_pk": p.youth.pk},
        method="post",
        data=lambda p: {"question": "Is a safety plan with the school needed?", "key_indicators": ["runaway_history"]},
    ),
    Row(
        "mdt:referral-new",
        expect(404, other_agency_worker=200),
        kwargs=lambda p: {"youth_pk": p.other_agency_youth.pk},
        label="other agency",
    ),
    Row("mdt:referral-detail", REFERRAL_VIEW, kwargs=_referral),
    Row(
        "mdt:referral-detail", expect(404, other_agency_worker=200), kwargs=_other_agency_referral, label="other agency"
    ),
    Row("mdt:referral-docx", REFERRAL_VIEW, kwargs=_referral),
    Row(
        "mdt:referral-answer",
        expect(404, worker=302),
        kwargs=lambda p: _referral(p, "more_info"),
        method="post",
        data=lambda p: {"question": "A sharper question for the team.", "narrative": ""},
    ),
    Row(
        "mdt:referral-decide",
        COORD_POST,
        kwargs=_referral,
        method="post",
        data=lambda p: {"action": "accept", "text": ""},
    ),
    Row(
        "mdt:referral-decide",
        expect(403, coordinator=404),
        kwargs=_other_agency_referral,
        method="post",
        data=lambda p: {"action": "accept", "text": ""},
        label="other agency",
    ),
    Row("mdt:referral-schedule", COORD_ONLY, kwargs=lambda p: _referral(p, "accepted")),
    Row(
        "mdt:referral-schedule",
        expect(403, coordinator=404),
        kwargs=lambda p: _other_agency_referral(p, "accepted"),
        label="other agency",
    ),
    Row(
        "mdt:referral-schedule",
        COORD_POST,
        kwargs=_schedulable_referral,
        method="post",
        data=lambda p: {"bump_reason": ""},
        label="earliest slot",
    ),
    Row(
        "mdt:referral-schedule",
        expect(403, coordinator=400),
        kwargs=_schedulable_referral,
        method="post",
        data=lambda p: {"slot": 987654},
        label="bad slot",
    ),
    Row(
        "mdt:referral-schedule",
        expect(403, coordinator=404),
        kwargs=lambda p: _other_agency_referral(p, "accepted"),
        method="post",
        data=lambda p: {"bump_reason": ""},
        label="other agency post",
    ),
    Row("mdt:session-add", COORD_ONLY),
    Row(
        "mdt:session-add",
        COORD_POST,
        method="post",
        data=lambda p: {"date": _future(p), "start": "13:00", "end": "15:00", "room": "Fictional Room 2"},
    ),
    Row("mdt:session-detail", COORD_ONLY, kwargs=_session),
    Row(
        "mdt:session-detail",
        expect(403, coordinator=404),
        kwargs=lambda p: {"pk": h.make_session(p.other_agency).pk},
        label="other agency",
    ),
    Row("mdt:session-cancel", COORD_POST, kwargs=_session, method="post", data=lambda p: {"reason": "Room closed"}),
    Row("mdt:session-publish", COORD_ONLY, kwargs=_session),
    Row(
        "mdt:session-publish",
        COORD_POST,
        kwargs=lambda p: {"pk": _published(p)["pk"]},
        method="post",
        data=lambda p: {"members": [p.partner.pk, p.worker.pk]},
    ),
    Row("mdt:session-ics", expect(404, partner=200, coordinator=200), kwargs=lambda p: {"pk": _published(p)["pk"]}),
    Row("mdt:session-meeting", COORD_ONLY, kwargs=lambda p: {"pk": _published(p)["pk"]}),
    Row(
        "mdt:session-attendance",
        COORD_POST,
        kwargs=lambda p: {"pk": _published(p)["pk"]},
        method="post",
        data=lambda p: {"present": [p.partner.pk]},
    ),
    Row(
        "mdt:session-discussion",
        COORD_POST,
        kwargs=_discussion,
        method="post",
        data=_discussion_data,
    ),
    Row(
        "mdt:session-action-add",
        COORD_POST,
        kwargs=lambda p: {"pk": _published(p)["pk"]},
        method="post",
        data=lambda p: {"description": "Call the school", "owner": p.partner.pk, "due_date": _future(p, 30)},
    ),
    Row("mdt:session-held", COORD_POST, kwargs=lambda p: {"pk": _past_published(p)["pk"]}, method="post"),
    Row("mdt:session-minutes", COORD_ONLY, kwargs=lambda p: {"pk": _published(p)["pk"]}),
    Row("mdt:session-minutes-docx", COORD_ONLY, kwargs=lambda p: {"pk": _published(p)["pk"]}),
    # Partner access: invited, agenda published, within the window, after acknowledging.
    Row(
        "mdt:session-acknowledge",
        expect(404, partner=200, coordinator=302),
        kwargs=lambda p: {"pk": _published(p, acknowledge=False)["pk"]},
    ),
    Row(
        "mdt:session-acknowledge",
        expect(404, partner=302, coordinator=302),
        kwargs=lambda p: {"pk": _published(p, acknowledge=False)["pk"]},
        method="post",
        data=lambda p: {"agree": "on"},
    ),
    Row("mdt:session-agenda", PACKET, kwargs=lambda p: {"pk": _published(p)["pk"]}),
    Row(
        "mdt:session-agenda",
        expect(404, partner=302, coordinator=200),
        kwargs=lambda p: {"pk": _published(p, acknowledge=False)["pk"]},
        label="not acknowledged",
    ),
    Row("mdt:packet", PACKET, kwargs=_packet),
    Row(
        "mdt:packet",
        expect(404, partner=302, coordinator=200),
        kwargs=lambda p: _packet(p, acknowledge=False),
        label="not acknowledged",
    ),
    Row("mdt:packet", HIDDEN, kwargs=_packet_not_on_agenda, label="youth not on the agenda"),
    Row(
        "mdt:packet", expect(404, coordinator=200, worker2=200), kwargs=_packet_not_invited, label="partner not invited"
    ),
    Row("mdt:my-meetings", expect(200)),
    Row("mdt:action-done", expect(404, partner=302, coordinator=302), kwargs=_partner_item, method="post"),
    # Holidays: the IT administrator edits the agency calendar.
    Row("mdt:holidays", expect(403, admin=200)),
    Row(
        "mdt:holidays",
        expect(403, admin=302),
        method="post",
        data=lambda p: {"date": _future(p, 40), "name": "Fictional closure", "closed": "on"},
    ),
    Row("mdt:holiday-delete", expect(403, admin=302), kwargs=_holiday, method="post"),
]
