"""Screening API: the same services, the same door, the same permissions and audit as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeharbor import permissions
from safeharbor.core.api import OffsetDateTimeField
from safeharbor.screening import victim_reports
from safeharbor.youth.selectors import require, youth_get_for_user

FIELD_ERRORS = OpenApiResponse(description="Field errors: {field: [message]}, or non_field_errors.")
NO_PAGE = OpenApiResponse(description="Not signed in, or a role without youth records.")
NOT_FOUND = OpenApiResponse(description="No such youth, no access to it, or (GET) no report recorded yet.")


class VictimReportOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    youth_id = serializers.IntegerField()
    made_at = serializers.DateTimeField(help_text="When the report was made (entered by the person).")
    law_enforcement_agency = serializers.CharField()
    report_number = serializers.CharField()
    officer = serializers.CharField()
    made_by_id = serializers.IntegerField()
    recorded_at = serializers.DateTimeField(help_text="When the report was entered.")


class VictimReportInputSerializer(serializers.Serializer[Any]):
    made_at = OffsetDateTimeField(help_text="When the report was made.")
    law_enforcement_agency = serializers.CharField(max_length=200)
    report_number = serializers.CharField(max_length=80)
    officer = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class YouthVictimReportApi(APIView):
    """The report to law enforcement of a youth identified as a victim of sex trafficking (due 24 hours
    after the identification, 42 USC 671(a)(34)(A)). GET: the recorded report. POST: record it, which
    meets the duty (done when it was made, recorded now)."""

    @extend_schema(
        operation_id="youth_victim_report_retrieve",
        responses={200: VictimReportOutputSerializer, 403: NO_PAGE, 404: NOT_FOUND},
    )
    def get(self, request: Request, youth_id: int) -> Response:
        require(permissions.has_caseload_pages, request.user, action="screening.victim_report_view", partner_404=True)
        youth = youth_get_for_user(user=request.user, pk=youth_id, action="screening.victim_report_view")
        report = victim_reports.victim_report_get(youth=youth)
        if report is None:
            raise Http404
        return Response(VictimReportOutputSerializer(report).data)

    @extend_schema(
        operation_id="youth_victim_report_create",
        request=VictimReportInputSerializer,
        responses={201: VictimReportOutputSerializer, 400: FIELD_ERRORS, 403: NO_PAGE, 404: NOT_FOUND},
    )
    def post(self, request: Request, youth_id: int) -> Response:
        require(permissions.has_caseload_pages, request.user, action="screening.victim_report_access", partner_404=True)
        youth = youth_get_for_user(user=request.user, pk=youth_id, write=True, action="screening.victim_report_access")
        serializer = VictimReportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor: Any = request.user
        report = victim_reports.victim_report_record(actor=actor, youth=youth, **serializer.validated_data)
        return Response(VictimReportOutputSerializer(report).data, status=status.HTTP_201_CREATED)
