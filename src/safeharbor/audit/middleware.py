"""Audit every access denial (HTTP 403) that the refusing code did not audit itself.

The record door (`youth_get_for_user`) and `require` already write a "denied" row before refusing; a
view that simply raises PermissionDenied (or DRF's 403) is caught here. The row names the URL pattern
and the method, never the path or the query string.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import audit_record, denials_in_request

ACCESS_DENIED = "access.denied"


class AccessDenialAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        recorded: list[int] = []
        token = denials_in_request.set(recorded)
        try:
            response = self.get_response(request)
        finally:
            denials_in_request.reset(token)
        if response.status_code == 403 and not recorded:
            match = getattr(request, "resolver_match", None)
            user = getattr(request, "user", None)
            audit_record(
                actor=user,
                action=ACCESS_DENIED,
                outcome=AuditEvent.Outcome.DENIED,
                detail={
                    "view": (match.view_name if match is not None else "")[:100],
                    "method": (request.method or "")[:10],
                    "status": 403,
                },
            )
        return response
