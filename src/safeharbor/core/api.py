from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, exceptions, serializers, status
from rest_framework.response import Response
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
