"""The supervisor's unit board (issue 16, item 1): scope, order, per-worker counts, filters, the row
actions (reassign, remind), bounded queries and the home-page panel. The clock is pinned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from safeharbor.audit.models import AuditEvent
from safeharbor.core.errors import ApplicationError
from safeharbor.core.testing import factories as f
from safeharbor.deadlines import board, services
from safeharbor.deadlines.models import Deadline, Notification
from safeharbor.deadlines.services import deadline_open

pytestmark = pytest.mark.django_db

# Tuesday 12 May 2026, 11:00 in Los Angeles (the agency's zone, UTC-7): "today" ends at 07:00 UTC.
NOW = datetime(2026, 5, 12, 18, 0, tzinfo=UTC)
TITLE = "Report the missing youth to NCMEC"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def duty(p, *, owner, youth, hours, kind="missing.report_ncmec", subject=None, title=TITLE, agency=None):
    """An open duty due `hours` from now (negative: overdue)."""
    return deadline_open(
        agency_id=(agency or p.agency).pk,
        kind=kind,
        subject=subject if subject is not None else youth,
        title=title,
        due_at=NOW + timedelta(hours=hours),
        arose_at=NOW + timedelta(hours=hours) - timedelta(hours=24),
        owner=owner,
        youth_id=youth.pk if youth is not None else None,
    )


def board_ids(user, **filters):
    qs = board.board_duties_qs(user=user, now=NOW, filters=board.BoardFilters(**filters))
    return list(qs.values_list("pk", flat=True))


# --- Scope ----------------------------------------------------------------------------------------


@pytest.fixture
def scoped(personas):
    p = personas
    return {
        # owned by a worker of North, about North's youth
        "north": duty(p, owner=p.worker, youth=p.youth, hours=-2),
        # owned by South's worker, about South's youth
        "south": duty(p, owner=p.other_unit_worker, youth=p.other_unit_youth, hours=-2),
        # owned by South's worker (a former worker), about a youth now on North's caseload: on both boards
        "former": duty(p, owner=p.other_unit_worker, youth=p.youth, hours=5, kind="missing.report_law_enforcement"),
        # another agency's
        "other_agency": duty(
            p, owner=p.other_agency_worker, youth=p.other_agency_youth, hours=-2, agency=p.other_agency
        ),
    }


def test_supervisor_sees_own_units_duties_only(personas, scoped):
    assert set(board_ids(personas.supervisor)) == {scoped["north"].pk, scoped["former"].pk}
    assert set(board_ids(personas.other_unit_supervisor)) == {scoped["south"].pk, scoped["former"].pk}


def test_manager_sees_the_units_they_manage(personas, scoped):
    assert set(board_ids(personas.manager)) == {scoped["north"].pk, scoped["former"].pk}
    personas.other_unit.manager = personas.manager
    personas.other_unit.save()
    assert set(board_ids(personas.manager)) == {scoped["north"].pk, scoped["south"].pk, scoped["former"].pk}


def test_met_duties_leave_the_board(personas, scoped):
    services.deadline_meet(kind="missing.report_ncmec", subject=personas.youth, actor=personas.worker)
    assert board_ids(personas.supervisor) == [scoped["former"].pk]


@pytest.mark.parametrize(
    "who", ["worker", "worker2", "coordinator", "partner", "auditor", "admin", "other_agency_worker"]
)
def test_the_board_is_for_supervisors_and_managers(personas, login, who):
    assert login(getattr(personas, who)).get(reverse("deadlines:board")).status_code == 403
    assert AuditEvent.objects.filter(action="deadline.board_read", outcome="denied").exists()


def test_other_units_supervisor_does_not_see_north_on_the_page(personas, login, scoped):
    html = login(personas.other_unit_supervisor).get(reverse("deadlines:board")).content.decode()
    assert reverse("deadlines:board-reassign", args=[scoped["south"].pk]) in html
    assert reverse("deadlines:board-reassign", args=[scoped["north"].pk]) not in html
    assert personas.youth.display_name not in html  # not a youth they may open: no name


# --- Order ----------------------------------------------------------------------------------------


def test_overdue_first_then_today_then_the_rest(personas, login):
    p = personas
    later = duty(p, owner=p.worker, youth=p.youth, hours=14, kind="missing.report_law_enforcement", title="Later one")
    today_late = duty(p, owner=p.worker2, youth=p.youth2, hours=12, title="Today late one")  # 23:00 local
    overdue_old = duty(p, owner=p.worker, youth=p.youth, hours=-30, title="Overdue old one")
    today_soon = duty(p, owner=p.worker, youth=p.youth, hours=2, kind="missing.icwa_inquiry", title="Today soon one")
    overdue_new = duty(p, owner=p.worker2, youth=p.youth2, hours=-1, kind="missing.icwa_inquiry", title="Overdue new")
    expected = [overdue_old, overdue_new, today_soon, today_late, later]
    assert board_ids(p.supervisor) == [d.pk for d in expected]
    rows = list(board.board_duties_qs(user=p.supervisor, now=NOW))
    assert [r.bucket for r in rows] == [board.OVERDUE, board.OVERDUE, board.TODAY, board.TODAY, board.LATER]
    response = login(p.supervisor).get(reverse("deadlines:board"))
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(d.title) for d in expected]
    assert positions == sorted(positions)
    assert p.youth.display_name in html  # the supervisor may open the unit's youth
    assert response.headers["Cache-Control"] == "no-store" or "no-store" in response.headers["Cache-Control"]


# --- Per-worker summary --------------------------------------------------------------------------


def test_per_worker_counts(personas):
    from safeharbor.missing.services import episode_report

    p = personas
    second = f.YouthFactory(agency=p.agency)
    f.AssignmentFactory(youth=second, worker=p.worker2, start=datetime(2025, 1, 1).date())
    ended = f.YouthFactory(agency=p.agency)
    f.AssignmentFactory(
        youth=ended, worker=p.worker2, start=datetime(2025, 1, 1).date(), end=datetime(2025, 6, 1).date()
    )
    duty(p, owner=p.worker2, youth=p.youth2, hours=-3)
    duty(p, owner=p.worker2, youth=second, hours=-1, kind="missing.return_screening")
    duty(p, owner=p.worker2, youth=second, hours=400, kind="screening.periodic_rescreening")
    duty(p, owner=p.worker2, youth=second, hours=30, kind="missing.return_debrief")
    # the worker's youth goes missing: in the 72-hour window (and the 24-hour duties open for the worker)
    episode_report(actor=p.worker, youth=p.youth, episode_type="ran_away", discovered_at=NOW - timedelta(hours=3))
    workers = board.board_workers(user=p.supervisor)
    assert {w.pk for w in workers} == {p.worker.pk, p.worker2.pk}
    summaries = {s.worker.pk: s for s in board.board_worker_summaries(user=p.supervisor, now=NOW, workers=workers)}
    w2 = summaries[p.worker2.pk]
    assert (w2.caseload, w2.open, w2.overdue, w2.in_window, w2.screenings_due) == (2, 4, 2, 0, 2)
    w1 = summaries[p.worker.pk]
    opened = Deadline.objects.filter(owner=p.worker, status="open").count()
    assert opened >= 2
    assert (w1.caseload, w1.open, w1.overdue, w1.in_window, w1.screenings_due) == (1, opened, 0, 1, 0)
    # South's worker is not on North's board
    assert p.other_unit_worker.pk not in summaries


# --- Filters --------------------------------------------------------------------------------------


def test_filters(personas, login):
    p = personas
    a = duty(p, owner=p.worker, youth=p.youth, hours=-2)
    b = duty(p, owner=p.worker2, youth=p.youth2, hours=-2)
    c = duty(p, owner=p.worker2, youth=p.youth2, hours=3, kind="missing.icwa_inquiry")
    client = login(p.supervisor)
    url = reverse("deadlines:board")

    def shown(**params):
        response = client.get(url, params)
        assert response.status_code == 200, response.content.decode()[:500]
        html = response.content.decode()
        return {d.pk for d in (a, b, c) if reverse("deadlines:board-reassign", args=[d.pk]) in html}

    assert shown() == {a.pk, b.pk, c.pk}
    assert shown(worker=p.worker2.pk) == {b.pk, c.pk}
    assert shown(kind="missing.icwa_inquiry") == {c.pk}
    assert shown(youth=p.youth.pk) == {a.pk}
    assert shown(worker=p.worker2.pk, kind="missing.report_ncmec") == {b.pk}
    assert shown(worker="", kind="") == {a.pk, b.pk, c.pk}  # an empty filter is no filter
    details = [e.detail for e in AuditEvent.objects.filter(action="deadline.board_read", outcome="ok")]
    assert {
        "count": 1,
        "page": 1,
        "worker_id": p.worker2.pk,
        "kind": "missing.report_ncmec",
        "youth_id": None,
    } in details
    assert {"count": 1, "page": 1, "worker_id": None, "kind": None, "youth_id": p.youth.pk} in details


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"worker": "abc"}, "Choose one of the workers of your units."),
        ({"worker": "other_unit_worker"}, "Choose one of the workers of your units."),
        ({"kind": "not.a.kind"}, "Choose one of the duty kinds in the list."),
        ({"youth": "abc"}, "The youth filter must be a record number."),
        ({"youth": "0"}, "The youth filter must be a record number."),
    ],
)
def test_bad_filters_are_400_with_a_message(personas, login, params, message):
    d = duty(personas, owner=personas.worker, youth=personas.youth, hours=-2)
    if params.get("worker") == "other_unit_worker":
        params = {"worker": personas.other_unit_worker.pk}
    response = login(personas.supervisor).get(reverse("deadlines:board"), params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert reverse("deadlines:board-reassign", args=[d.pk]) not in html


# --- Reassign -------------------------------------------------------------------------------------


def test_reassign_to_another_worker_of_the_unit(personas, login):
    p = personas
    d = duty(p, owner=p.worker, youth=p.youth, hours=-2)
    client = login(p.supervisor)
    page = client.get(reverse("deadlines:board-reassign", args=[d.pk]))
    assert page.status_code == 200
    assert AuditEvent.objects.filter(action="deadline.board_open", object_id=str(d.pk), youth_id=p.youth.pk).exists()
    html = page.content.decode()
    assert f'value="{p.worker2.pk}"' in html
    assert f'value="{p.other_unit_worker.pk}"' not in html
    assert f'<option value="{p.worker.pk}"' not in html  # not the owner
    response = client.post(reverse("deadlines:board-reassign", args=[d.pk]), {"to_user": p.worker2.pk})
    assert response.status_code == 302
    assert response.url == reverse("deadlines:board")
    d.refresh_from_db()
    assert d.owner_id == p.worker2.pk
    assert d.status == "open"
    event = AuditEvent.objects.get(action="deadline.reassign", outcome="ok", object_id=str(d.pk))
    assert event.actor_id == p.supervisor.pk
    assert event.detail["from_user_id"] == p.worker.pk
    assert event.detail["to_user_id"] == p.worker2.pk
    note = Notification.objects.get(recipient=p.worker2, kind=services.REASSIGNED_KIND)
    assert TITLE in note.message
    assert p.youth.display_name not in note.message
    assert p.youth.legal_first_name not in note.message
    # the new owner sees it in their inbox, and the duty in "My duties"
    worker2 = login(p.worker2)
    assert "A duty was reassigned to you" in worker2.get(reverse("deadlines:inbox")).content.decode()
    assert TITLE in worker2.get(reverse("deadlines:duties")).content.decode()


def test_reassign_keeps_the_board_filters(personas, login):
    d = duty(personas, owner=personas.worker, youth=personas.youth, hours=-2)
    back = reverse("deadlines:board") + f"?worker={personas.worker.pk}&page=1"
    response = login(personas.supervisor).post(
        reverse("deadlines:board-reassign", args=[d.pk]), {"to_user": personas.worker2.pk, "back": back}
    )
    assert response.url == back
    response = login(personas.supervisor).post(
        reverse("deadlines:board-remind", args=[d.pk]), {"back": "https://elsewhere.example/"}
    )
    assert response.url == reverse("deadlines:board")


def test_reassign_across_units_is_refused_with_a_field_error(personas, login):
    p = personas
    d = duty(p, owner=p.worker, youth=p.youth, hours=-2)
    response = login(p.supervisor).post(
        reverse("deadlines:board-reassign", args=[d.pk]), {"to_user": p.other_unit_worker.pk}
    )
    assert response.status_code == 400
    assert escape(services.REASSIGN_TARGET_MESSAGE) in response.content.decode()
    assert 'id="to_user-error"' in response.content.decode()
    d.refresh_from_db()
    assert d.owner_id == p.worker.pk
    assert not AuditEvent.objects.filter(action="deadline.reassign", outcome="ok").exists()
    assert not Notification.objects.filter(kind=services.REASSIGNED_KIND).exists()


def test_reassign_service_refuses_bad_targets(personas):
    p = personas
    d = duty(p, owner=p.worker, youth=p.youth, hours=-2)
    inactive = f.UserFactory(username="gone", agency=p.agency, unit=p.unit, roles=["worker"], is_active=False)
    coordinator_in_unit = f.UserFactory(username="coord2", agency=p.agency, unit=p.unit, roles=["coordinator"])
    for target in (p.other_unit_worker, p.worker, inactive, coordinator_in_unit, p.other_agency_worker):
        with pytest.raises(ApplicationError) as caught:
            services.deadline_reassign(actor=p.supervisor, deadline=d, to_user=target)
        assert caught.value.field == "to_user"
    d.refresh_from_db()
    assert d.owner_id == p.worker.pk
    assert not AuditEvent.objects.filter(action="deadline.reassign").exists()


def test_a_former_workers_duty_goes_to_the_youths_unit(personas):
    """A duty owned by South's worker about North's youth: North's supervisor may give it to North."""
    p = personas
    d = duty(p, owner=p.other_unit_worker, youth=p.youth, hours=-2)
    services.deadline_reassign(actor=p.supervisor, deadline=d, to_user=p.worker)
    d.refresh_from_db()
    assert d.owner_id == p.worker.pk


def test_another_units_duty_is_404_and_unchanged(personas, login):
    p = personas
    d = duty(p, owner=p.other_unit_worker, youth=p.other_unit_youth, hours=-2)
    client = login(p.supervisor)
    assert client.get(reverse("deadlines:board-reassign", args=[d.pk])).status_code == 404
    response = client.post(reverse("deadlines:board-reassign", args=[d.pk]), {"to_user": p.worker2.pk})
    assert response.status_code == 404
    assert client.post(reverse("deadlines:board-remind", args=[d.pk])).status_code == 404
    assert client.post(reverse("deadlines:board-remind", args=[999999])).status_code == 404
    d.refresh_from_db()
    assert d.owner_id == p.other_unit_worker.pk
    assert AuditEvent.objects.filter(action="deadline.reassign", outcome="denied", object_id=str(d.pk)).exists()
    assert not Notification.objects.exists()


def test_a_closed_duty_cannot_be_reassigned(personas, login):
    p = personas
    d = duty(p, owner=p.worker, youth=p.youth, hours=-2)
    services.deadline_meet(kind="missing.report_ncmec", subject=p.youth, actor=p.worker)
    response = login(p.supervisor).post(reverse("deadlines:board-reassign", args=[d.pk]), {"to_user": p.worker2.pk})
    assert response.status_code == 404
    with pytest.raises(ApplicationError):
        services.deadline_reassign(actor=p.supervisor, deadline=d, to_user=p.worker2)


# --- Remind ---------------------------------------------------------------------------------------


def test_remind_once_an_hour(personas, login, clock):
    p = personas
    d = duty(p, owner=p.worker, youth=p.youth, hours=-2)
    client = login(p.supervisor)
    url = reverse("deadlines:board-remind", args=[d.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # a double click
    notes = Notification.objects.filter(recipient=p.worker, kind=services.REMINDER_KIND)
    assert notes.count() == 1
    assert TITLE in notes.get().message
    assert p.youth.display_name not in notes.get().message
    events = AuditEvent.objects.filter(action="deadline.remind").order_by("seq")
    assert [e.detail["sent"] for e in events] == [True, False]
    assert all(e.actor_id == p.supervisor.pk and e.object_id == str(d.pk) for e in events)
    clock.shift(timedelta(minutes=59))
    assert services.deadline_remind(actor=p.supervisor, deadline=d) is None
    clock.shift(timedelta(minutes=2))
    assert services.deadline_remind(actor=p.supervisor, deadline=d) is not None
    assert notes.count() == 2


def test_remind_message_on_the_page(personas, login):
    d = duty(personas, owner=personas.worker, youth=personas.youth, hours=-2)
    client = login(personas.supervisor)
    url = reverse("deadlines:board-remind", args=[d.pk])
    first = client.post(url, follow=True).content.decode()
    assert "A reminder was sent to" in first
    again = client.post(url, follow=True).content.decode()
    assert "already reminded of this duty less than an hour ago" in again


def test_remind_is_post_only(personas, login):
    d = duty(personas, owner=personas.worker, youth=personas.youth, hours=-2)
    assert login(personas.supervisor).get(reverse("deadlines:board-remind", args=[d.pk])).status_code == 405


# --- Bounded queries ------------------------------------------------------------------------------

BOARD_QUERY_BOUND = 20


def test_board_page_runs_the_same_queries_for_2_and_40_duties(personas, login, django_assert_max_num_queries):
    p = personas
    youth = [p.youth, p.youth2]
    for i in range(2):
        duty(p, owner=[p.worker, p.worker2][i], youth=youth[i], hours=-i - 1, kind=f"test.k{i}")
    client = login(p.supervisor)
    url = reverse("deadlines:board")
    with django_assert_max_num_queries(BOARD_QUERY_BOUND) as few:
        assert client.get(url).status_code == 200
    for i in range(2, 40):
        y = f.YouthFactory(agency=p.agency)
        f.AssignmentFactory(youth=y, worker=[p.worker, p.worker2][i % 2], start=datetime(2025, 1, 1).date())
        duty(p, owner=[p.worker, p.worker2][i % 2], youth=y, hours=i - 20, kind=f"test.k{i}")
    with django_assert_max_num_queries(BOARD_QUERY_BOUND) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert "Page 1 of 2" in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    with django_assert_max_num_queries(BOARD_QUERY_BOUND):
        assert client.get(url, {"page": 2, "worker": p.worker.pk}).status_code == 200


def test_home_panel_queries_do_not_grow(personas, login, django_assert_max_num_queries):
    p = personas
    for i in range(2):
        duty(p, owner=p.worker, youth=p.youth, hours=-i - 1, kind=f"test.k{i}")
    client = login(p.supervisor)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("core:home"))
    for i in range(2, 40):
        duty(p, owner=p.worker2, youth=p.youth2, hours=-i, kind=f"test.k{i}")
    with django_assert_max_num_queries(40) as many:
        client.get(reverse("core:home"))
    assert len(many.captured_queries) == len(few.captured_queries)


# --- The home page -------------------------------------------------------------------------------


def test_supervisor_home_shows_the_board_panel(personas, login):
    p = personas
    duty(p, owner=p.worker, youth=p.youth, hours=-2)
    duty(p, owner=p.worker2, youth=p.youth2, hours=3, kind="missing.icwa_inquiry", title="Make the ICWA inquiry")
    html = login(p.supervisor).get(reverse("core:home")).content.decode()
    assert "Your units&#x27; duties" in html or "Your units' duties" in html
    assert "2 open duties" in html
    assert "1 overdue" in html
    assert "1 due today" in html
    assert reverse("deadlines:board") in html
    assert TITLE in html
    assert p.youth.display_name not in html.split("panel-unit-board")[1].split("</section>")[0]


def test_manager_home_shows_the_panel_and_a_worker_does_not(personas, login):
    duty(personas, owner=personas.worker, youth=personas.youth, hours=-2)
    assert reverse("deadlines:board") in login(personas.manager).get(reverse("core:home")).content.decode()
    assert "panel-unit-board" not in login(personas.worker).get(reverse("core:home")).content.decode()


def test_empty_board_says_so(personas, login):
    html = login(personas.supervisor).get(reverse("deadlines:board")).content.decode()
    assert "Your units have no open duties." in html
    home = login(personas.supervisor).get(reverse("core:home")).content.decode()
    assert "0 open duties" in home
