"""Pages of personal API tokens: "My API tokens" (list, make one, revoke one) and the IT admin's view of
a user's tokens (list, revoke one or all). The rules are in accounts/tokens.py."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safeharbor import permissions
from safeharbor.accounts import tokens
from safeharbor.accounts.models import ApiToken, User
from safeharbor.core.errors import ApplicationError


def _rows(items: list[ApiToken]) -> list[dict[str, object]]:
    now = timezone.now()
    return [{"token": t, "state": tokens.token_state(t, now)} for t in items]


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """My API tokens. POST makes one, shown once on the answer to the POST (only its hash is kept)."""
    user = cast(User, request.user)
    if not permissions.can_hold_api_token(user):
        raise PermissionDenied
    issued = None
    status = 200
    if request.method == "POST":
        try:
            issued = tokens.api_token_issue(user=user, session_key=request.session.session_key)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            status = 400
    context = {
        "issued": issued,
        "rows": _rows(list(tokens.api_tokens_of(user=user))),
        "hours": settings.API_TOKEN_HOURS,
        "max_live": settings.API_TOKEN_MAX_LIVE,
    }
    return render(request, "accounts/tokens/my_tokens.html", context, status=status)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner (or an IT admin of the owner's agency) revokes one token; back to the list it came from."""
    actor = cast(User, request.user)
    token = tokens.api_token_get_for_user(user=actor, pk=pk, write=True)
    revoked = tokens.api_token_revoke(actor=actor, token=token)
    messages.success(request, f"Token #{token.pk} revoked." if revoked else f"Token #{token.pk} had already ended.")
    if token.user_id == actor.pk:
        return redirect("accounts:api-token")
    return redirect("accounts:user-api-tokens", pk=token.user_id)


@login_required
@require_http_methods(["GET", "POST"])
def user_api_tokens(request: HttpRequest, pk: int) -> HttpResponse:
    """An IT admin sees a user's API tokens (their agency, not their own) and can revoke them all."""
    actor = cast(User, request.user)
    if not permissions.can_administer(actor):
        raise PermissionDenied
    target = User.objects.filter(pk=pk, agency_id=actor.agency_id or 0).first()
    if target is None or not permissions.can_manage_user_api_tokens(actor, target):
        raise Http404
    if request.method == "POST":
        revoked = tokens.user_api_tokens_revoke(actor=actor, user=target)
        messages.success(request, f"Revoked {revoked} token(s) of {target.username}.")
        return redirect("accounts:user-api-tokens", pk=target.pk)
    context = {"target": target, "rows": _rows(list(tokens.api_tokens_of(user=target)))}
    return render(request, "accounts/tokens/user_tokens.html", context)
