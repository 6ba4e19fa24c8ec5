from typing import Any

from safeharbor.core.testing.matrix import Row, expect


def _workers_token(p: Any) -> dict[str, Any]:
    """A live API token of the worker (as if made in a session), for the revoke rows."""
    from safeharbor.accounts.tokens import api_token_issue

    return {"pk": api_token_issue(user=p.worker, session_key="matrix-session").token.pk}


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
    # Revoking one token: its owner, or an IT admin of the owner's agency; 404 for everyone else.
    Row(
        "accounts:api-token-revoke",
        expect(404, anonymous=302, worker=302, admin=302),
        kwargs=_workers_token,
        method="post",
    ),
    # A user's API tokens (list; POST revokes them all): IT admins, users of their agency, not themselves.
    Row("accounts:user-api-tokens", expect(403, admin=200), kwargs=lambda p: {"pk": p.worker.pk}),
    Row(
        "accounts:user-api-tokens",
        expect(403, admin=302),
        kwargs=lambda p: {"pk": p.worker.pk},
        method="post",
        label="revoke all",
    ),
    Row(
        "accounts:user-api-tokens",
        expect(403, admin=404),
        kwargs=lambda p: {"pk": p.other_agency_worker.pk},
        label="other agency's user",
    ),
    Row("accounts:user-api-tokens", expect(403, admin=404), kwargs=lambda p: {"pk": p.admin.pk}, label="own"),
    # An enrolment code (to set up an authenticator): IT admins, for users of their agency, not themselves.
    Row("accounts:user-enrolment-code", expect(403, admin=200), kwargs=lambda p: {"pk": p.worker.pk}),
    Row(
        "accounts:user-enrolment-code",
        expect(403, admin=200),
        kwargs=lambda p: {"pk": p.worker.pk},
        method="post",
        label="issue",
    ),
    Row(
        "accounts:user-enrolment-code",
        expect(403, admin=404),
        kwargs=lambda p: {"pk": p.other_agency_worker.pk},
        method="post",
        label="other agency's user",
    ),
    Row(
        "accounts:user-enrolment-code",
        expect(403, admin=404),
        kwargs=lambda p: {"pk": p.admin.pk},
        method="post",
        label="own",
    ),
    # Sign-in locks of the agency's users: IT admins see them and lift them.
    Row("accounts:sign-in-locks", expect(403, admin=200)),
    Row(
        "accounts:sign-in-lock-lift",
        expect(403, admin=302),
        kwargs=lambda p: {"pk": p.worker.pk},
        method="post",
    ),
    Row(
        "accounts:sign-in-lock-lift",
        expect(403, admin=404),
        kwargs=lambda p: {"pk": p.other_agency_worker.pk},
        method="post",
        label="other agency's user",
    ),
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
