"""Error pages that reveal nothing: no paths, no query strings, no record data."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import loader


def _render(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    template = loader.get_template("error.html")
    body = template.render({"status": status, "title": title, "message": message}, request)
    response = HttpResponse(body, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _render(request, 400, "Bad request", "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _render(request, 403, "Not allowed", "Your role does not allow this action.")


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _render(request, 404, "Not found", "There is nothing here, or you do not have access to it.")


def server_error(request: HttpRequest) -> HttpResponse:
    template = loader.get_template("error.html")
    body = template.render(
        {"status": 500, "title": "Something went wrong", "message": "The error has been logged. Please try again."}
    )
    return HttpResponse(body, status=500)
