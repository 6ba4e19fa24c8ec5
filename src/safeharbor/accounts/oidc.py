"""Single sign-on with OpenID Connect (mozilla-django-oidc), for agencies on Microsoft Entra ID or Okta.

Off unless OIDC_ENABLED. The IdP's users sign in to the agency named by OIDC_AGENCY_SLUG; their roles
come from the IdP's groups through OIDC_GROUP_ROLE_MAP (a user with no mapped group is refused) and
are brought in line at every sign-in, each change audited. The ID token's audience must be our client.

The second factor still applies: when the ID token's `amr` claim names one of OIDC_MFA_AMR_VALUES
(e.g. "mfa", "otp") the IdP did it; otherwise the user passes the local TOTP step (accounts/mfa.py),
and may enrol an authenticator there without an admin's enrolment code (the IdP vouched for them).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from safeharbor.accounts.mfa import SESSION_IDP_MFA, SESSION_SSO_USER
from safeharbor.accounts.models import User
from safeharbor.accounts.roles import Role
from safeharbor.accounts.services import user_roles_set
from safeharbor.agency.models import Agency
from safeharbor.audit.services import audit_record


def roles_from_groups(groups: Any, role_map: dict[str, str]) -> set[str]:
    """The SafeHarbor roles that the IdP's group names map to (unknown groups and roles are ignored)."""
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list | tuple):
        return set()
    valid = set(Role.values)
    return {role_map[g] for g in groups if isinstance(g, str) and role_map.get(g) in valid}


def idp_did_mfa(*claim_sets: dict[str, Any]) -> bool:
    """Does any claim set's `amr` (authentication methods references) name a second factor?"""
    wanted = {value.lower() for value in settings.OIDC_MFA_AMR_VALUES}
    for claims in claim_sets:
        amr = claims.get("amr") or []
        if isinstance(amr, str):
            amr = [amr]
        if wanted.intersection(str(value).lower() for value in amr):
            return True
    return False


def oidc_user_sync(*, agency: Agency, claims: dict[str, Any]) -> User | None:
    """Create or update the agency's user named by the IdP's claims; align their roles. Audited.

    Returns None (sign-in refused) when the claims name no username, the username belongs to another
    agency, the user is disabled, or no IdP group maps to a role.
    """
    username = str(claims.get(settings.OIDC_USERNAME_CLAIM) or claims.get("email") or "").strip()
    roles = roles_from_groups(claims.get(settings.OIDC_GROUPS_CLAIM), settings.OIDC_GROUP_ROLE_MAP)
    if not username or not roles:
        return None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username__iexact=username).first()
        created = user is None
        if user is None:
            user = User(username=username, agency=agency)
            user.set_unusable_password()
        if user.agency_id != agency.pk or not user.is_active:
            return None
        user.email = str(claims.get("email") or user.email)[:254]
        user.first_name = str(claims.get("given_name") or user.first_name)[:150]
        user.last_name = str(claims.get("family_name") or user.last_name)[:150]
        user.full_clean()
        user.save()
        if created:
            audit_record(actor=None, action="accounts.user_create_sso", obj=user, agency_id=agency.pk)
        # A change of roles also revokes the user's API tokens (accounts/services.py).
        user_roles_set(actor=None, user=user, roles=roles, source="sso")
    return user


class SafeHarborOidcBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, with our user mapping, audience check and MFA claim."""

    def verify_token(self, token: Any, **kwargs: Any) -> Any:
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if "nonce" in kwargs and self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token audience is not this client.")
        return payload

    def get_or_create_user(self, access_token: Any, id_token: Any, payload: Any) -> Any:
        claims = self.get_userinfo(access_token, id_token, payload)
        if not isinstance(claims, dict) or claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("User info does not belong to the ID token's subject.")
        agency = Agency.objects.filter(slug=settings.OIDC_AGENCY_SLUG).first()
        if agency is None:
            return None
        user = oidc_user_sync(agency=agency, claims=claims)
        if user is not None:
            user.sh_idp_mfa = idp_did_mfa(payload, claims)  # type: ignore[attr-defined]
        return user

    def get_user(self, user_id: Any) -> Any:
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class OidcStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the IdP. Without OIDC_ENABLED it is the ordinary sign-in page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            return redirect(settings.LOGIN_URL)
        return super().get(request)


class OidcCallbackView(OIDCAuthenticationCallbackView):
    """The IdP sends the browser back here; records whether the IdP did the second factor."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            return redirect(settings.LOGIN_URL)
        return super().get(request)

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        # Signed in through the IdP: this session may enrol a local authenticator without an enrolment
        # code (accounts/enrolment.py); a password sign-in never may.
        self.request.session[SESSION_SSO_USER] = self.user.pk
        if getattr(self.user, "sh_idp_mfa", False):
            self.request.session[SESSION_IDP_MFA] = self.user.pk
        else:
            self.request.session.pop(SESSION_IDP_MFA, None)
        return response
