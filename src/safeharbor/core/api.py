from __future__ import annotations

import re
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, exceptions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.utils import json as drf_json
from rest_framework.views import exception_handler as drf_exception_handler

from safeharbor.core.errors import ApplicationError
from safeharbor.core.timeutils import OFFSET_REQUIRED_MESSAGE


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus ApplicationError as a 400 (409 for a stale edit) with a field error."""
    if isinstance(exc, ApplicationError):
        field = exc.field or "non_field_errors"
        code = status.HTTP_409_CONFLICT if exc.code == "stale" else status.HTTP_400_BAD_REQUEST
        return Response({field: [exc.message]}, status=code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)


_PAGE_SERIALIZERS: dict[type, type] = {}


def page_of(item_serializer: type[serializers.Serializer[Any]]) -> type[serializers.Serializer[Any]]:
    """The schema of a PageNumberPagination response whose `results` are `item_serializer` items."""
    if item_serializer not in _PAGE_SERIALIZERS:
        name = item_serializer.__name__.removesuffix("Serializer").removesuffix("Output") + "PageSerializer"
        _PAGE_SERIALIZERS[item_serializer] = type(
            name,
            (serializers.Serializer,),
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": item_serializer(many=True),
                "__module__": item_serializer.__module__,
            },
        )
    return _PAGE_SERIALIZERS[item_serializer]


OFFSET_HELP = (
    "An ISO 8601 date-time with its UTC offset or Z, for example 2026-11-01T01:30:00-07:00. "
    "A time without an offset is refused (400): on the day the clocks go back, 01:30 names two instants."
)


@extend_schema_field({"type": "string", "format": "date-time", "example": "2026-11-01T01:30:00-07:00"})
class OffsetDateTimeField(serializers.DateTimeField):
    """A datetime the API accepts: ISO 8601 with a UTC offset or Z, never a wall time to be guessed.

    A value without an offset fails with a field error (OFFSET_REQUIRED_MESSAGE); a value with one is
    the exact instant, returned aware in UTC. The OpenAPI schema says so (string, date-time, with the
    rule in the description). Output is DRF's usual ISO 8601 with the offset.
    """

    default_error_messages = {"offset": OFFSET_REQUIRED_MESSAGE}

    def __init__(self, **kwargs: Any) -> None:
        if "input_formats" in kwargs:
            raise TypeError("OffsetDateTimeField reads ISO 8601 only")
        help_text = kwargs.pop("help_text", "")
        kwargs["help_text"] = f"{help_text} {OFFSET_HELP}".strip()
        super().__init__(input_formats=[ISO_8601], **kwargs)

    def to_internal_value(self, value: Any) -> datetime:
        parsed: datetime | None = None
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, str):
            with suppress(ValueError):
                parsed = parse_datetime(value.strip())
        if parsed is not None and timezone.is_naive(parsed):
            self.fail("offset")
        return super().to_internal_value(value).astimezone(UTC)


# --- Request body limits ---------------------------------------------------------------------------

MAX_JSON_DEPTH = 32
# A JSON string token (escapes included) or one bracket; brackets inside strings do not count.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def json_nesting_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON `text` nests arrays and objects deeper than `limit`, counted in one pass without
    recursion (so a body of a million `[` costs a scan, not a RecursionError)."""
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        piece = match.group()
        if piece in "[{":
            depth += 1
            if depth > limit:
                return True
        elif piece in "]}":
            depth -= 1
    return False


def _has_lone_surrogate(data: Any) -> bool:
    """Whether any key or string in parsed JSON holds a lone surrogate (`"\\ud800"`): valid JSON, but
    not text any database can store. Iterative; the depth is already bounded."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser (the default parser of every API view, settings REST_FRAMEWORK) with input
    limits: the body must be UTF-8, nest at most MAX_JSON_DEPTH levels and hold no lone surrogate.
    Anything else is a 400 ParseError, never a RecursionError or a database error (a 500)."""

    max_depth = MAX_JSON_DEPTH

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise exceptions.ParseError(f"The request body is not valid {encoding} text.") from exc
        if json_nesting_exceeds(text, self.max_depth):
            raise exceptions.ParseError(f"JSON nested deeper than {self.max_depth} levels is not accepted.")
        try:
            data = drf_json.loads(text, parse_constant=drf_json.strict_constant if self.strict else None)
        except RecursionError as exc:
            raise exceptions.ParseError(f"JSON nested deeper than {self.max_depth} levels is not accepted.") from exc
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc
        if _has_lone_surrogate(data):
            raise exceptions.ParseError("JSON strings must be valid Unicode text (no lone surrogate escapes).")
        return data
