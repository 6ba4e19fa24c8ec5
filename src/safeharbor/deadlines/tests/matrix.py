from safeharbor.core.testing.matrix import API_ANON, Row, expect
from safeharbor.deadlines.models import Notification


def _notification_for_worker(p):
    row = Notification.objects.create(agency=p.agency, recipient=p.worker, kind="test", message="A test message")
    return {"pk": row.pk}


ROWS = [
    Row("deadlines:inbox", expect(200)),
    Row("deadlines:duties", expect(200)),
    Row("deadlines:read-all", expect(302), method="post"),
    # Only the recipient may mark a notification read; anyone else gets a 404.
    Row("deadlines:read", expect(404, worker=302), kwargs=_notification_for_worker, method="post"),
    # The duty ledger: supervisors, managers and auditors (which rows: permissions.duty_ledger_q, tested
    # record by record in test_ledger.py); the other agency's worker is a worker, so 403 too.
    Row("api:duties", expect(403, anonymous=API_ANON, supervisor=200, manager=200, auditor=200)),
]
