from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import unquote_plus, unquote_to_bytes

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, resolve_url
from django.utils import timezone

from safeharbor.core.timeutils import agency_zone

Handler = Callable[[HttpRequest], HttpResponse]


def session_timed_out(session: Mapping[str, Any], now: datetime) -> bool:
    """Has a session passed the absolute limit since sign-in (`sh_started`) or the idle limit since its
    last recorded activity (`sh_last`)? The one rule, for pages and for the API tokens made in a session
    (accounts/tokens.py)."""
    started = session.get("sh_started")
    last = session.get("sh_last")
    if started and now - datetime.fromisoformat(started) > settings.SESSION_ABSOLUTE_TIMEOUT:
        return True
    return bool(last and now - datetime.fromisoformat(last) > settings.SESSION_IDLE_TIMEOUT)


class SessionPolicyMiddleware:
    """Idle timeout (default 30 minutes) and absolute timeout (default 12 hours), server-side."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now()
            started = request.session.get("sh_started")
            last = request.session.get("sh_last")
            if session_timed_out(request.session, now):
                # Read by the sign-out receivers: the tokens made in this session end as "session ended".
                request.sh_session_timed_out = True  # type: ignore[attr-defined]
                logout(request)
                if request.path.startswith("/api/"):
                    return HttpResponse(status=401)
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?expired=1")
            if not started:
                request.session["sh_started"] = now.isoformat()
            # Writing the session row is a database commit: record activity at most once per
            # SESSION_ACTIVITY_RESOLUTION. The recorded time lags by less than that, so the idle
            # timeout can only end a session early by that much, never late.
            if not last or now - datetime.fromisoformat(last) >= settings.SESSION_ACTIVITY_RESOLUTION:
                request.session["sh_last"] = now.isoformat()
        response = self.get_response(request)
        # A sign-in during this request: both clocks start now, not at the next request.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "sh_started" not in request.session:
            now_text = timezone.now().isoformat()
            request.session["sh_started"] = now_text
            request.session["sh_last"] = now_text
        return response


class AgencyTimezoneMiddleware:
    """Show times in the signed-in user's agency time zone (they are stored in UTC)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Lets permissions.py remember record-level answers for this request only.
            user._sh_request_scoped = True
        if user is not None and user.is_authenticated and user.agency_id:
            timezone.activate(agency_zone(user.agency))
        else:
            timezone.activate(agency_zone(None))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class SecurityHeadersMiddleware:
    """CSP, and no caching of any page for a signed-in user (pages may show a child's data).

    One exception to the strict CSP: the Swagger UI page (/api/docs/, sign-in required, no case data)
    gets settings.CONTENT_SECURITY_POLICY_API_DOCS, which allows inline styles, and inline scripts only
    while the URL map serves the non-split Swagger view (the split view loads its script as a file).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        from drf_spectacular.views import SpectacularSwaggerSplitView, SpectacularSwaggerView

        view_class = getattr(view_func, "view_class", None)
        if isinstance(view_class, type) and issubclass(view_class, SpectacularSwaggerView):
            policy = settings.CONTENT_SECURITY_POLICY_API_DOCS
            if not issubclass(view_class, SpectacularSwaggerSplitView):
                policy = policy.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
            request.sh_csp = policy  # type: ignore[attr-defined]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(request, "sh_csp", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response


# Bodies Django or DRF decode as text; a multipart body (file uploads) is binary and is not checked here.
TEXT_BODY_TYPES = frozenset({"application/x-www-form-urlencoded", "application/json", "text/plain"})


def _body_decodes(request: HttpRequest, body: bytes) -> bool:
    """Whether a form or JSON body is text in its charset (UTF-8 unless it names another), percent
    escapes included: Django would otherwise store undecodable bytes as U+FFFD replacement characters."""
    if request.content_type not in TEXT_BODY_TYPES:
        return True
    encoding = request.encoding or settings.DEFAULT_CHARSET
    if request.content_type == "application/x-www-form-urlencoded":
        body = unquote_to_bytes(body)
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


class RejectNulMiddleware:
    """Refuse malformed text input with a 400 before any view (or the database) sees it.

    - NUL characters, in the query string or a body: PostgreSQL cannot store NUL in text, so such input
      would otherwise fail deep in a query as a 500; no real form or API input ever contains one.
    - A form or JSON body (POST, PUT, PATCH) that is not valid UTF-8 (or its declared charset): it
      would be stored with replacement characters instead of what the person typed.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = unquote_plus(request.META.get("QUERY_STRING", ""))
        body = request.body if request.method in {"POST", "PUT", "PATCH"} else b""
        if "\x00" in query or b"\x00" in body or b"\\u0000" in body or b"%00" in body:
            return self._refuse(request, "Input may not contain NUL characters.")
        if body and not _body_decodes(request, body):
            return self._refuse(request, "The form or request body is not valid UTF-8 text. Send it as UTF-8.")
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, message: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        return HttpResponseBadRequest(message)
