from safeharbor.core.testing.matrix import Row, expect

ROWS = [
    # A signed-in visitor to the sign-in page is sent home.
    Row("accounts:login", expect(302, anonymous=200)),
    Row("accounts:logout", expect(302, anonymous=302), method="post"),
    # Second factor pages: any signed-in user (the test suite runs with MFA_REQUIRED off). Without an
    # authenticator the verify page sends the user to enrolment.
    Row("accounts:mfa-verify", expect(302)),
    Row("accounts:mfa-enrol", expect(200)),
    Row("accounts:mfa-recovery-codes", expect(200)),
    # A personal API token (issued only to a session that passed the second factor): not partners.
    Row("accounts:api-token", expect(200, partner=403)),
    Row("accounts:api-token", expect(200, partner=403), method="post", label="issue"),
    # Ending a user's sessions: IT admins, users of their own agency, not themselves.
    Row("accounts:user-sessions", expect(403, admin=200), kwargs=lambda p: {"pk": p.worker.pk}),
    Row(
        "accounts:user-sessions",
        expect(403, admin=200),
        kwargs=lambda p: {"pk": p.worker.pk},
        method="post",
        label="end",
    ),
    Row(
        "accounts:user-sessions",
        expect(403, admin=404),
        kwargs=lambda p: {"pk": p.other_agency_worker.pk},
        label="other agency's user",
    ),
    Row("accounts:user-sessions", expect(403, admin=404), kwargs=lambda p: {"pk": p.admin.pk}, label="own"),
    # Resetting a user's second factor (lost phone): IT admins, users of their own agency, not themselves.
    Row("accounts:user-mfa-reset", expect(403, admin=200), kwargs=lambda p: {"pk": p.worker.pk}),
    Row(
        "accounts:user-mfa-reset",
        expect(403, admin=302),
        kwargs=lambda p: {"pk": p.worker.pk},
        method="post",
        label="reset",
    ),
    Row(
        "accounts:user-mfa-reset",
        expect(403, admin=404),
        kwargs=lambda p: {"pk": p.other_agency_worker.pk},
        label="other agency's user",
    ),
    Row("accounts:user-mfa-reset", expect(403, admin=404), kwargs=lambda p: {"pk": p.admin.pk}, label="own"),
    Row(
        "accounts:user-mfa-reset",
        expect(403, admin=404),
        kwargs=lambda p: {"pk": p.admin.pk},
        method="post",
        label="own, post",
    ),
    # Single sign-on is off by default: both ends send everyone to the sign-in page.
    Row("accounts:oidc-start", expect(302, anonymous=302)),
    Row("accounts:oidc-callback", expect(302, anonymous=302)),
]
