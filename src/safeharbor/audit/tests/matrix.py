from safeharbor.core.testing.matrix import Row, expect

ROWS = [
    # Only auditors read the audit log; everyone else signed in gets 403, anonymous goes to sign-in.
    Row("audit:search", expect(403, auditor=200)),
    Row("audit:export", expect(403, auditor=200)),
]
