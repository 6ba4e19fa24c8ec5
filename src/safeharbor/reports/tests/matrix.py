"""Permission-matrix rows of the reports app."""

from safeharbor.core.testing.matrix import API_ANON, Row, expect

ROWS = [
    # The compliance report: the duty ledger's readers, over the duties they may read (scope tested
    # in test_compliance.py).
    Row("api:reports-compliance", expect(403, anonymous=API_ANON, supervisor=200, manager=200, auditor=200)),
]
