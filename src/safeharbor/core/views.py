from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeharbor import permissions
from safeharbor.core import rules_registry
from safeharbor.core.homepanels import panels_for
from safeharbor.core.ruleinput import RuleInputError, offsets_required


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"panels": panels_for(request)})


class RuleRunApi(APIView):
    """Evaluate one pure rule of RULES.md: a JSON object in, a JSON object out.

    Date-times in the input must carry a UTC offset (or Z); one without is a 400 naming the field
    (`core.ruleinput.read_datetime`). The command line still reads them on the agency's wall clock.
    """

    class ErrorSerializer(serializers.Serializer[Any]):
        field = serializers.ListField(child=serializers.CharField())

    @extend_schema(
        request={"application/json": {"type": "object", "additionalProperties": True}},
        responses={
            200: OpenApiResponse(response={"type": "object", "additionalProperties": True}),
            400: OpenApiResponse(response={"type": "object", "additionalProperties": True}),
            404: OpenApiResponse(description="No such rule"),
        },
    )
    def post(self, request: Request, name: str) -> Response:
        if not permissions.can_run_rules(request.user):
            return Response({"detail": "You do not have permission to perform this action."}, status=403)
        if name not in rules_registry.CONTRACTS:
            return Response({"detail": "No such rule."}, status=404)
        user: Any = request.user
        try:
            with offsets_required():
                result = rules_registry.run(name, request.data, user.agency.policy())
        except RuleInputError as exc:
            return Response({exc.field: [exc.message]}, status=400)
        return Response(result)
