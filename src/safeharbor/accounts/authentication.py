"""DRF authentication with a personal API token: `Authorization: Token <secret>` (accounts/tokens.py).

A subclass of DRF's TokenAuthentication for the header parsing (and so drf-spectacular documents the
same `tokenAuth` scheme); the lookup is ours: by SHA-256, with the expiry, revocation, user, role and
session checks of `tokens.api_token_authenticate` on every call.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from safeharbor.accounts import tokens

_MESSAGES = {
    "unknown": "Invalid token.",
    "expired": "This token has expired. Make a new one on the My API tokens page.",
}
_ENDED = "This token was revoked or the session it was made in has ended. Make a new one on the My API tokens page."


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        try:
            token = tokens.api_token_authenticate(secret=key)
        except tokens.TokenRejected as rejected:
            raise exceptions.AuthenticationFailed(_MESSAGES.get(rejected.cause, _ENDED)) from None
        return (token.user, token)
