"""Single sign-on against a local stub identity provider: the token and userinfo endpoints are answered
in-process (requests patched), the ID token is signed with the client secret (HS256)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from django.urls import reverse

from safeharbor.accounts.models import RoleGrant, User
from safeharbor.accounts.oidc import idp_did_mfa, roles_from_groups
from safeharbor.audit.models import AuditEvent
from safeharbor.core.testing.factories import UserFactory

CLIENT_ID = "safeharbor-test-client"
CLIENT_SECRET = "stub-idp-shared-secret-for-tests-only-0123456789"
ISSUER = "http://127.0.0.1:9/stub-idp"
ROLE_MAP = {"csec-workers": "worker", "csec-supervisors": "supervisor", "it-admins": "admin"}


class StubResponse:
    def __init__(self, payload: dict[str, Any], status: int = 200) -> None:
        self._payload = payload
        self.status_code = status
        self.headers = {"content-type": "application/json"}
        self.url = ISSUER
        self.text = ""

    def json(self) -> dict[str, Any]:
        return self._payload

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise RuntimeError(self.status_code)


@dataclass
class StubIdp:
    """What the fake provider will say about the next person who signs in."""

    sub: str = "idp-subject-0001"
    username: str = "casey.sso@example.test"
    groups: list[str] = field(default_factory=lambda: ["csec-workers"])
    amr: list[str] = field(default_factory=lambda: ["pwd", "mfa"])
    audience: str = CLIENT_ID
    token_requests: list[dict[str, Any]] = field(default_factory=list)
    nonce: str = ""

    def post(self, url: str, data: dict[str, Any], **kwargs: Any) -> StubResponse:
        self.token_requests.append(data)
        claims = {
            "iss": ISSUER,
            "aud": self.audience,
            "sub": self.sub,
            "nonce": self.nonce,
            "iat": int(time.time()),
            "exp": int(time.time()) + 300,
            "amr": self.amr,
        }
        id_token = jwt.encode(claims, CLIENT_SECRET, algorithm="HS256")
        return StubResponse({"id_token": id_token, "access_token": "stub-access-token", "token_type": "Bearer"})

    def get(self, url: str, headers: dict[str, str], **kwargs: Any) -> StubResponse:
        assert headers["Authorization"] == "Bearer stub-access-token"
        return StubResponse(
            {
                "sub": self.sub,
                "preferred_username": self.username,
                "email": self.username,
                "given_name": "Casey",
                "family_name": "Fictional",
                "groups": self.groups,
            }
        )


@pytest.fixture
def idp(settings: Any, personas: Any) -> Iterator[StubIdp]:
    settings.OIDC_ENABLED = True
    settings.MFA_REQUIRED = True
    settings.DEBUG = False
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{ISSUER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{ISSUER}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{ISSUER}/userinfo"
    settings.OIDC_AGENCY_SLUG = personas.agency.slug
    settings.OIDC_GROUP_ROLE_MAP = ROLE_MAP
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "safeharbor.accounts.oidc.SafeHarborOidcBackend",
    ]
    stub = StubIdp()
    with (
        mock.patch("mozilla_django_oidc.auth.requests.post", side_effect=stub.post),
        mock.patch("mozilla_django_oidc.auth.requests.get", side_effect=stub.get),
    ):
        yield stub


def sso_sign_in(client: Any, idp: StubIdp) -> Any:
    start = client.get(reverse("accounts:oidc-start"))
    assert start.status_code == 302
    location = urlparse(start["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{ISSUER}/authorize"
    params = parse_qs(location.query)
    assert params["client_id"] == [CLIENT_ID]
    assert params["code_challenge_method"] == ["S256"]
    idp.nonce = params["nonce"][0]
    return client.get(reverse("accounts:oidc-callback"), {"code": "stub-code", "state": params["state"][0]})


def test_sso_creates_the_user_in_the_agency_with_mapped_roles(idp: StubIdp, personas: Any, client: Any) -> None:
    idp.groups = ["csec-workers", "some-unmapped-group"]
    response = sso_sign_in(client, idp)
    assert response.status_code == 302
    user = User.objects.get(username=idp.username)
    assert user.agency_id == personas.agency.pk
    assert not user.has_usable_password()
    assert set(RoleGrant.objects.filter(user=user).values_list("role", flat=True)) == {"worker"}
    assert idp.token_requests[0]["code_verifier"]
    # The IdP reported a second factor (amr=mfa): pages open.
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.user_create_sso", object_id=str(user.pk)).exists()
    assert AuditEvent.objects.filter(
        action="accounts.role_grant", object_id=str(user.pk), detail__role="worker"
    ).exists()


def test_sso_without_idp_mfa_still_needs_local_totp(idp: StubIdp, client: Any) -> None:
    idp.amr = ["pwd"]
    sso_sign_in(client, idp)
    held = client.get("/")
    assert held.status_code == 302
    assert held["Location"].startswith(reverse("accounts:mfa-enrol"))
    assert client.get(reverse("api-schema")).status_code == 403


def test_sso_session_enrols_a_local_authenticator_without_an_enrolment_code(idp: StubIdp, client: Any) -> None:
    idp.amr = ["pwd"]
    sso_sign_in(client, idp)
    page = client.get(reverse("accounts:mfa-enrol")).content.decode()
    assert "data:image/svg+xml" in page  # straight to the QR code: the IdP vouched for the user
    assert "Enter your enrolment code" not in page


def test_password_session_of_the_same_user_still_needs_a_code(idp: StubIdp, personas: Any, client: Any) -> None:
    from safeharbor.core.testing.factories import TEST_PASSWORD

    user = UserFactory(username=idp.username, agency=personas.agency, roles=["worker"])
    assert user.check_password(TEST_PASSWORD)
    client.post(reverse("accounts:login"), {"username": idp.username, "password": TEST_PASSWORD})
    assert "Enter your enrolment code" in client.get(reverse("accounts:mfa-enrol")).content.decode()


def test_roles_follow_the_idp_groups_at_each_sign_in(idp: StubIdp, personas: Any, client: Any) -> None:
    existing = UserFactory(username=idp.username, agency=personas.agency, roles=["worker"])
    idp.groups = ["csec-supervisors"]
    sso_sign_in(client, idp)
    assert set(RoleGrant.objects.filter(user=existing).values_list("role", flat=True)) == {"supervisor"}
    assert AuditEvent.objects.filter(
        action="accounts.role_revoke", object_id=str(existing.pk), detail__role="worker"
    ).exists()


def test_no_mapped_group_means_no_sign_in(idp: StubIdp, client: Any) -> None:
    idp.groups = ["marketing"]
    response = sso_sign_in(client, idp)
    assert response.status_code == 302
    assert "sso=failed" in response["Location"]
    assert not User.objects.filter(username=idp.username).exists()
    assert client.get("/").status_code == 302


def test_user_of_another_agency_is_refused(idp: StubIdp, personas: Any, client: Any) -> None:
    UserFactory(username=idp.username, agency=personas.other_agency, roles=["worker"])
    response = sso_sign_in(client, idp)
    assert "sso=failed" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_disabled_user_is_refused(idp: StubIdp, personas: Any, client: Any) -> None:
    UserFactory(username=idp.username, agency=personas.agency, roles=["worker"], is_active=False)
    response = sso_sign_in(client, idp)
    assert "sso=failed" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_token_for_another_client_is_refused(idp: StubIdp, client: Any) -> None:
    idp.audience = "some-other-application"
    response = sso_sign_in(client, idp)
    assert "_auth_user_id" not in client.session
    assert response.status_code in (302, 400)


def test_sso_is_off_by_default(db: Any, client: Any) -> None:
    response = client.get(reverse("accounts:oidc-start"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    page = client.get(reverse("accounts:login")).content.decode()
    assert "single sign-on" not in page


def test_sign_in_page_offers_sso_when_on(idp: StubIdp, client: Any) -> None:
    assert "sign in with your agency account" in client.get(reverse("accounts:login")).content.decode()


def test_group_and_amr_rules() -> None:
    assert roles_from_groups(["a", "b"], {"a": "worker", "b": "not-a-role"}) == {"worker"}
    assert roles_from_groups("a", {"a": "auditor"}) == {"auditor"}
    assert roles_from_groups(None, {"a": "worker"}) == set()
    assert idp_did_mfa({"amr": ["pwd", "OTP"]})
    assert idp_did_mfa({"amr": "mfa"})
    assert not idp_did_mfa({"amr": ["pwd"]}, {})
