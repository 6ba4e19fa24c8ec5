"""Reports API: the compliance report (`GET /api/v1/reports/compliance`), the same JSON as
`safeharbor report compliance`, scoped to the duties the reader may see (the duty ledger's scope)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeharbor import permissions
from safeharbor.audit.services import audit_record
from safeharbor.core.timeutils import agency_today
from safeharbor.reports.compliance import compliance_report
from safeharbor.youth.selectors import require

DEFAULT_DAYS = 365


class ComplianceFiguresSerializer(serializers.Serializer[Any]):
    arose = serializers.IntegerField()
    met_on_time = serializers.IntegerField()
    met_late = serializers.IntegerField()
    open_overdue = serializers.IntegerField()
    open_not_due = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    not_applicable = serializers.IntegerField()
    on_time_rate = serializers.FloatField(
        allow_null=True, help_text="met_on_time / (arose - cancelled - not_applicable)"
    )
    median_hours_to_done = serializers.FloatField(allow_null=True)


class ComplianceReportSerializer(serializers.Serializer[Any]):
    agency = serializers.CharField(help_text="The agency's slug")
    duties = serializers.DictField(child=ComplianceFiguresSerializer(), help_text="Figures per duty kind code")

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields["from"] = serializers.DateField()
        fields["to"] = serializers.DateField()
        return fields


class ComplianceReportApi(APIView):
    """GET: per duty kind, how the duties that arose in the range were met (on time = done by the due
    instant). Supervisors and managers: their units' duties; auditors: their agency's. Audited."""

    class RangeSerializer(serializers.Serializer[Any]):
        def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
            fields = super().get_fields()
            fields["from"] = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
            fields["to"] = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
            return fields

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            start, end = attrs.get("from"), attrs.get("to")
            if start is not None and end is not None and start > end:
                raise serializers.ValidationError({"to": ["The end date is before the start date."]})
            return attrs

    @extend_schema(
        operation_id="reports_compliance",
        parameters=[
            OpenApiParameter(
                "from",
                OpenApiTypes.DATE,
                description="YYYY-MM-DD, first day a duty arose (default a year before `to`).",
            ),
            OpenApiParameter("to", OpenApiTypes.DATE, description="YYYY-MM-DD, last day a duty arose (default today)."),
        ],
        responses={
            200: ComplianceReportSerializer,
            400: OpenApiResponse(description="A bad date (field messages)"),
            401: OpenApiResponse(description="Not signed in (token authentication)"),
            403: OpenApiResponse(description="Not signed in (session), or not a supervisor, manager or auditor"),
        },
    )
    def get(self, request: Request) -> Response:
        require(permissions.can_read_duty_ledger, request.user, action="report.compliance_read")
        user: Any = request.user
        dates = self.RangeSerializer(data={k: v for k, v in request.query_params.items() if v != ""})
        dates.is_valid(raise_exception=True)
        date_to = dates.validated_data.get("to") or agency_today(user.agency)
        date_from = dates.validated_data.get("from") or date_to - timedelta(days=DEFAULT_DAYS)
        if date_from > date_to:
            raise serializers.ValidationError({"from": ["The start date is after the end date."]})
        report = compliance_report(
            agency=user.agency,
            date_from=date_from,
            date_to=date_to,
            now=timezone.now(),
            scope=permissions.duty_ledger_q(user),
        )
        audit_record(
            actor=user,
            action="report.compliance_read",
            agency_id=user.agency_id,
            detail={"from": date_from.isoformat(), "to": date_to.isoformat()},
        )
        return Response(report)
