from datetime import timedelta

from django.utils import timezone

from safeharbor.core.testing.matrix import Row, expect
from safeharbor.core.timeutils import agency_zone
from safeharbor.missing.tests.helpers import make_episode

# The youth's worker and the unit's supervisor may change; the unit's manager may read.
EDIT = {"worker": 302, "supervisor": 302}
READ = {"worker": 200, "supervisor": 200, "manager": 200}


def _local(delta_hours: float) -> str:
    """A wall-clock time in the agency's zone (how the form reads it), `delta_hours` ago."""
    return (timezone.now() - timedelta(hours=delta_hours)).astimezone(agency_zone(None)).strftime("%Y-%m-%dT%H:%M")


def _report_data(p):
    return {
        "episode_type": "ran_away",
        "last_seen_at": _local(5),
        "discovered_at": _local(3),
        "last_seen_location": "Downtown",
        "circumstances": "Left after a phone call.",
    }


def _le_data(p):
    return {
        "kind": "law_enforcement",
        "law_enforcement-made_at": _local(1),
        "law_enforcement-made_to": "Fictional City Police",
        "law_enforcement-reference_number": "R-1001",
        "law_enforcement-officer": "Officer Example",
    }


ROWS = [
    Row("missing:report", expect(404, **dict.fromkeys(EDIT, 200)), kwargs=lambda p: {"youth_pk": p.youth.pk}),
    Row(
        "missing:report",
        expect(404, **EDIT),
        kwargs=lambda p: {"youth_pk": p.youth.pk},
        method="post",
        data=_report_data,
    ),
    Row(
        "missing:report",
        expect(404, worker=400, supervisor=400),
        kwargs=lambda p: {"youth_pk": p.youth.pk},
        method="post",
        data=lambda p: {**_report_data(p), "discovered_at": _local(8)},
        label="discovered before last seen",
    ),
    Row(
        "missing:report",
        expect(404, other_unit_worker=200),
        kwargs=lambda p: {"youth_pk": p.other_unit_youth.pk},
        label="other unit's youth",
    ),
    Row("missing:youth-episodes", expect(404, **READ), kwargs=lambda p: {"youth_pk": p.youth.pk}),
    Row("missing:episode", expect(404, **READ), kwargs=lambda p: {"pk": make_episode(p).pk}),
    Row(
        "missing:episode",
        expect(404, other_unit_worker=200),
        kwargs=lambda p: {"pk": make_episode(p, youth=p.other_unit_youth, actor=p.other_unit_worker).pk},
        label="other unit's episode",
    ),
    Row(
        "missing:episode",
        expect(404, other_agency_worker=200),
        kwargs=lambda p: {"pk": make_episode(p, youth=p.other_agency_youth, actor=p.other_agency_worker).pk},
        label="other agency's episode",
    ),
    Row(
        "missing:record-report",
        expect(404, **EDIT),
        kwargs=lambda p: {"pk": make_episode(p).pk},
        method="post",
        data=_le_data,
    ),
    Row(
        "missing:record-report",
        expect(404, worker=400, supervisor=400),
        kwargs=lambda p: {"pk": make_episode(p).pk},
        method="post",
        data=lambda p: {**_le_data(p), "law_enforcement-reference_number": ""},
        label="no report number",
    ),
    Row(
        "missing:locate",
        expect(404, **EDIT),
        kwargs=lambda p: {"pk": make_episode(p).pk},
        method="post",
        data=lambda p: {"locate-at": _local(1)},
    ),
    Row(
        "missing:return",
        expect(404, **EDIT),
        kwargs=lambda p: {"pk": make_episode(p).pk},
        method="post",
        data=lambda p: {"return-at": _local(1)},
    ),
    Row(
        "missing:return",
        expect(404, worker=400, supervisor=400),
        kwargs=lambda p: {"pk": make_episode(p).pk},
        method="post",
        data=lambda p: {"return-at": _local(30)},
        label="return before leaving",
    ),
    Row(
        "missing:debrief",
        expect(404, worker=200, supervisor=200),
        kwargs=lambda p: {"pk": make_episode(p, returned=True).pk},
    ),
    Row(
        "missing:debrief",
        expect(404, **EDIT),
        kwargs=lambda p: {"pk": make_episode(p, returned=True).pk},
        method="post",
        data=lambda p: {
            "debriefed_at": _local(0.5),
            "primary_factors": "Conflict at the placement.",
            "experiences": "Stayed with a friend.",
        },
    ),
    Row(
        "missing:link-screening",
        expect(404, worker=400, supervisor=400),
        kwargs=lambda p: {"pk": make_episode(p, returned=True).pk},
        method="post",
        data=lambda p: {"screening-screening_id": "999999"},
        label="no such screening",
    ),
    Row(
        "missing:close",
        expect(404, worker=400, supervisor=400),
        kwargs=lambda p: {"pk": make_episode(p, returned=True).pk},
        method="post",
        label="duties still open",
    ),
]
