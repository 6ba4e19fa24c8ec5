from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from safeharbor.core.errors import ApplicationError


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
