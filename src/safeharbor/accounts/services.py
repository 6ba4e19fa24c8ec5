"""Account changes that end a user's existing access: role changes and disabling (issue 14 item 2).

Each is one transaction, audited by the service, and revokes the user's API tokens (a token must not
keep the rights of a role the user no longer holds, nor outlive the account). Tokens also stop at use
when roles or the active flag changed by any other path (accounts/tokens.py checks both).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction

from safeharbor import permissions
from safeharbor.accounts import enrolment, tokens
from safeharbor.accounts.models import ApiToken, RoleGrant, User
from safeharbor.accounts.roles import Role
from safeharbor.audit.services import audit_record
from safeharbor.core.errors import ApplicationError


def user_roles_set(*, actor: User | None, user: User, roles: Iterable[str], source: str = "admin") -> bool:
    """Make `user`'s roles exactly `roles`: one audited row per role granted or revoked
    (`accounts.role_grant` / `accounts.role_revoke`, with the role code and the source). Any change
    revokes the user's API tokens. `actor` None is the system (single sign-on's group sync); a person
    must be an IT admin of the user's agency, and never changes their own roles. Returns whether
    anything changed."""
    if actor is not None and not permissions.can_change_roles(actor, user):
        raise PermissionDenied
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ApplicationError(f"Unknown role: {', '.join(sorted(unknown))}.", field="roles")
    with transaction.atomic():
        current = set(RoleGrant.objects.select_for_update().filter(user=user).values_list("role", flat=True))
        for role in sorted(wanted - current):
            RoleGrant.objects.create(user=user, role=role)
            audit_record(
                actor=actor,
                action="accounts.role_grant",
                obj=user,
                agency_id=user.agency_id,
                detail={"role": role, "source": source},
            )
        for role in sorted(current - wanted):
            RoleGrant.objects.filter(user=user, role=role).delete()
            audit_record(
                actor=actor,
                action="accounts.role_revoke",
                obj=user,
                agency_id=user.agency_id,
                detail={"role": role, "source": source},
            )
        user.__dict__.pop("roles", None)
        changed = wanted != current
        if changed:
            tokens.api_tokens_revoke_for_user(user=user, cause=ApiToken.Cause.ROLE_CHANGE, actor=actor)
    return changed


def user_deactivate(*, actor: User, user: User) -> None:
    """An IT admin disables a user of their agency (never themselves): no sign-in, sessions ended,
    API tokens revoked, outstanding enrolment codes voided. Audited (`accounts.user_deactivate`)."""
    if not permissions.can_deactivate_user(actor, user):
        raise PermissionDenied
    with transaction.atomic():
        revoked = tokens.api_tokens_revoke_for_user(user=user, cause=ApiToken.Cause.DEACTIVATED, actor=actor)
        voided = enrolment.enrolment_codes_void(user=user)
        user.is_active = False
        user.full_clean()
        user.save()  # the post_save receiver ends the sessions (accounts/sessions.py)
        audit_record(
            actor=actor, action="accounts.user_deactivate", obj=user, detail={"tokens": revoked, "codes": voided}
        )
