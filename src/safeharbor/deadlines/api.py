"""Duties API: the duty ledger (`GET /api/v1/duties/`), the same rows as `safeharbor duties export`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeharbor import permissions
from safeharbor.audit.services import audit_record
from safeharbor.core.api import page_of
from safeharbor.deadlines import kinds, rules
from safeharbor.deadlines.ledger import ledger_qs, ledger_rows_for
from safeharbor.deadlines.models import DutyStatus, Notification
from safeharbor.youth.selectors import require

MAX_ID = 2**63 - 1  # the largest id a database integer holds: larger is a 400, never an overflow
INSTANT_HELP = "ISO 8601 UTC with a Z: 2026-11-02T08:30:00Z (.ffffff before the Z only when not zero)"


# `kind` and `status` are plain strings in the schema, not enums: drf-spectacular names an enum after
# its field, so another `kind` or `status` enum would rename the components other serializers have
# (KindEnum, StatusEnum). The values are listed in the help text instead.
REMINDER_KINDS = (rules.DUE_SOON, rules.DUE, rules.OVERDUE)


@extend_schema_field(OpenApiTypes.DATETIME)
class InstantField(serializers.CharField):
    """An instant already written by the ledger as ISO 8601 UTC with a Z."""

    def __init__(self, *, allow_null: bool = True, help_text: str = "", **kwargs: Any) -> None:
        text = f"{help_text} {INSTANT_HELP}".strip() + ("; null when absent." if allow_null else ".")
        super().__init__(allow_null=allow_null, help_text=text, **kwargs)


class DutyReminderSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="One of: " + ", ".join(REMINDER_KINDS) + ".")
    channel = serializers.ChoiceField(choices=Notification.Channel.choices)
    recipient_id = serializers.IntegerField()
    sent_at = InstantField(help_text="When it was delivered (null while an e-mail is pending).")


class DutyEscalationSerializer(serializers.Serializer[Any]):
    """One person told that the duty is overdue (their in-app and e-mail messages are one escalation)."""

    recipient_id = serializers.IntegerField()
    at = InstantField(allow_null=False, help_text="When they were told (the in-app message).")


class DutyLedgerRowSerializer(serializers.Serializer[Any]):
    """One duty of the ledger: ids and codes only (docs/duties.md, "The duty ledger")."""

    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="A code of the duty kinds registry (docs/duties.md).")
    youth_id = serializers.IntegerField(allow_null=True)
    subject = serializers.CharField(help_text="`<app>.<record>:<id>`, for example `missing.episode:12`.")
    arose_at = InstantField(allow_null=False, help_text="When the duty arose (its clock started).")
    due_at = InstantField(allow_null=False)
    owner_id = serializers.IntegerField()
    status = serializers.CharField(help_text="One of: " + ", ".join(DutyStatus.values) + ".")
    on_time = serializers.BooleanField(allow_null=True, help_text="done_at <= due_at when met; null otherwise.")
    done_at = InstantField(help_text="When it was done (as entered).")
    recorded_at = InstantField(help_text="When its completion was entered.")
    done_by_id = serializers.IntegerField(allow_null=True)
    cancelled_at = InstantField()
    cancel_reason = serializers.CharField(allow_null=True, help_text="A code; null unless cancelled or not applicable.")
    reminders = DutyReminderSerializer(many=True, help_text="By created_at, id.")
    escalations = DutyEscalationSerializer(many=True, help_text="By time, one per person told.")


class DutyListApi(APIView):
    """GET: the duty ledger the caller may read, by `arose_at, id`, paginated. Supervisors and
    managers: their units' duties; auditors: their agency's. Each page read is audited."""

    class FilterSerializer(serializers.Serializer[Any]):
        youth = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
        kind = serializers.CharField(required=False, max_length=60)
        status = serializers.ChoiceField(choices=DutyStatus.choices, required=False)
        owner = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)

        def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
            fields = super().get_fields()
            # `from` is a Python keyword: declared here rather than as a class attribute.
            fields["from"] = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
            fields["to"] = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
            return fields

        def validate_kind(self, value: str) -> str:
            if not kinds.is_registered(value):
                raise serializers.ValidationError("Unknown duty kind: use a code of the duty kinds registry.")
            return value

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            start, end = attrs.get("from"), attrs.get("to")
            if start is not None and end is not None and start > end:
                raise serializers.ValidationError({"to": ["The end date is before the start date."]})
            return attrs

    @extend_schema(
        operation_id="duties_list",
        parameters=[
            OpenApiParameter("youth", int, description="Only the duties of this youth (id)."),
            OpenApiParameter("kind", str, description="A duty kind code, for example missing.report_law_enforcement."),
            OpenApiParameter("status", str, enum=[c for c, _ in DutyStatus.choices]),
            OpenApiParameter("owner", int, description="Only the duties owned by this user (id)."),
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="YYYY-MM-DD: arose on or after this day (agency time zone)."
            ),
            OpenApiParameter(
                "to", OpenApiTypes.DATE, description="YYYY-MM-DD: arose on or before this day (agency time zone)."
            ),
            OpenApiParameter("page", int),
        ],
        responses={
            200: page_of(DutyLedgerRowSerializer),
            400: OpenApiResponse(description="A bad filter (field messages)"),
            401: OpenApiResponse(description="Not signed in (token authentication)"),
            403: OpenApiResponse(description="Not signed in (session), or not a supervisor, manager or auditor"),
        },
    )
    def get(self, request: Request) -> Response:
        require(permissions.can_read_duty_ledger, request.user, action="deadline.ledger_read")
        user: Any = request.user
        filters = self.FilterSerializer(data={k: v for k, v in request.query_params.items() if v != ""})
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        qs = ledger_qs(
            agency=user.agency,
            date_from=data.get("from"),
            date_to=data.get("to"),
            youth_id=data.get("youth"),
            kind=data.get("kind"),
            status=data.get("status"),
            owner_id=data.get("owner"),
            scope=permissions.duty_ledger_q(user),
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self) or []
        rows = ledger_rows_for(page)
        audit_record(
            actor=user,
            action="deadline.ledger_read",
            agency_id=user.agency_id,
            detail={
                "count": len(rows),
                "page": paginator.page.number if paginator.page else 1,
                "youth_id": data.get("youth"),
                "kind": data.get("kind"),
                "status": data.get("status"),
                "owner_id": data.get("owner"),
                "from": data["from"].isoformat() if data.get("from") else None,
                "to": data["to"].isoformat() if data.get("to") else None,
            },
        )
        return paginator.get_paginated_response(DutyLedgerRowSerializer(rows, many=True).data)
