from datetime import timedelta

from django.utils import timezone

from safeharbor.core.testing.matrix import API_ANON, Row, expect
from safeharbor.deadlines.models import Notification
from safeharbor.deadlines.services import deadline_open


def _notification_for_worker(p):
    row = Notification.objects.create(agency=p.agency, recipient=p.worker, kind="test", message="A test message")
    return {"pk": row.pk}


def _duty(owner_attr, youth_attr):
    """An overdue duty owned by a persona, about a persona's youth: the pk for a board row action."""

    def make(p):
        youth = getattr(p, youth_attr)
        row = deadline_open(
            agency_id=p.agency.pk,
            kind="missing.report_ncmec",
            subject=youth,
            title="Report the missing youth to NCMEC",
            due_at=timezone.now() - timedelta(hours=2),
            arose_at=timezone.now() - timedelta(hours=26),
            owner=getattr(p, owner_attr),
            youth_id=youth.pk,
        )
        return {"pk": row.pk}

    return make


# The unit board: supervisors (their units) and managers (the units they manage); everyone else 403.
BOARD = expect(403, supervisor=200, manager=200)
# A row action on a duty of the North unit (the supervisor's, the manager's) ...
NORTH_DUTY = _duty("worker", "youth")
# ... and on a duty of the South unit: on nobody's board among the personas (its supervisor is not a
# persona; the manager does not manage it), so 404 for those who have the board.
SOUTH_DUTY = _duty("other_unit_worker", "other_unit_youth")
ON_BOARD_POST = expect(403, supervisor=302, manager=302)
OFF_BOARD = expect(403, supervisor=404, manager=404)

ROWS = [
    Row("deadlines:inbox", expect(200)),
    Row("deadlines:duties", expect(200)),
    Row("deadlines:read-all", expect(302), method="post"),
    # Only the recipient may mark a notification read; anyone else gets a 404.
    Row("deadlines:read", expect(404, worker=302), kwargs=_notification_for_worker, method="post"),
    # The duty ledger: supervisors, managers and auditors (which rows: permissions.duty_ledger_q, tested
    # record by record in test_ledger.py); the other agency's worker is a worker, so 403 too.
    Row("api:duties", expect(403, anonymous=API_ANON, supervisor=200, manager=200, auditor=200)),
    # The unit board and its row actions (which duties: permissions.duty_board_q, tested in test_board.py).
    Row("deadlines:board", BOARD),
    Row("deadlines:board-reassign", BOARD, kwargs=NORTH_DUTY),
    Row("deadlines:board-reassign", OFF_BOARD, kwargs=SOUTH_DUTY, label="another unit's duty"),
    Row(
        "deadlines:board-reassign",
        ON_BOARD_POST,
        kwargs=NORTH_DUTY,
        method="post",
        data=lambda p: {"to_user": p.worker2.pk},
        label="to another worker of the unit",
    ),
    Row(
        "deadlines:board-reassign",
        expect(403, supervisor=400, manager=400),
        kwargs=NORTH_DUTY,
        method="post",
        data=lambda p: {"to_user": p.other_unit_worker.pk},
        label="to a worker of another unit",
    ),
    Row(
        "deadlines:board-reassign",
        OFF_BOARD,
        kwargs=SOUTH_DUTY,
        method="post",
        data=lambda p: {"to_user": p.other_unit_worker.pk},
        label="another unit's duty",
    ),
    Row("deadlines:board-remind", ON_BOARD_POST, kwargs=NORTH_DUTY, method="post"),
    Row("deadlines:board-remind", OFF_BOARD, kwargs=SOUTH_DUTY, method="post", label="another unit's duty"),
]
