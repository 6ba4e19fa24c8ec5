"""Care API: the same services, the same door, the same permissions and audit as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeharbor import permissions
from safeharbor.audit.models import AuditEvent
from safeharbor.care import rules, selectors, services
from safeharbor.care.models import OrganisationKind, PartnerOrganisation
from safeharbor.care.refusals import DOOR_ACTION, refusal_record, refusals_recorded
from safeharbor.core.api import page_of
from safeharbor.core.timeutils import agency_today
from safeharbor.youth.selectors import require, youth_get_for_user

LONG_TERM = [(c, rules.CATEGORY_LABELS[c]) for c in rules.LONG_TERM_CATEGORIES]


class PartnerOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    services = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    city = serializers.CharField()
    area_served = serializers.CharField()
    languages = serializers.CharField()
    website = serializers.CharField()
    general_contact = serializers.CharField()
    is_active = serializers.BooleanField()


class PartnerInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=OrganisationKind.choices, required=False)
    services = serializers.ListField(child=serializers.ChoiceField(choices=LONG_TERM), required=False)
    description = serializers.CharField(max_length=400, required=False, allow_blank=True)
    city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    area_served = serializers.CharField(max_length=200, required=False, allow_blank=True)
    languages = serializers.CharField(max_length=200, required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)
    general_contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.")
        return value.strip()


class PartnerListApi(APIView):
    """Search the partner directory (everyone signed in); add an organisation (coordinator, admin)."""

    @extend_schema(
        operation_id="partners_list",
        parameters=[
            OpenApiParameter("q", str, required=False),
            OpenApiParameter("kind", str, required=False, enum=[c for c, _ in OrganisationKind.choices]),
            OpenApiParameter("service", str, required=False, enum=list(rules.LONG_TERM_CATEGORIES)),
            OpenApiParameter("city", str, required=False),
        ],
        responses={200: page_of(PartnerOutputSerializer)},
    )
    def get(self, request: Request) -> Response:
        require(permissions.can_view_partner_directory, request.user, action="care.partner_list")
        params = {k: str(request.query_params.get(k, ""))[:100].strip() for k in ("q", "kind", "service", "city")}
        qs = selectors.partner_search(user=request.user, **params)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(PartnerOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="partners_create", request=PartnerInputSerializer, responses={201: PartnerOutputSerializer}
    )
    def post(self, request: Request) -> Response:
        require(permissions.can_manage_partner_directory, request.user, action="care.partner_create")
        serializer = PartnerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = services.partner_create(actor=request.user, **serializer.validated_data)
        return Response(PartnerOutputSerializer(organisation).data, status=status.HTTP_201_CREATED)


class PartnerDetailApi(APIView):
    def _get(self, request: Request, pk: int, *, write: bool = False) -> PartnerOrganisation:
        return selectors.partner_get_for_user(user=request.user, pk=pk, write=write)

    @extend_schema(operation_id="partners_retrieve", responses={200: PartnerOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        require(permissions.can_view_partner_directory, request.user, action="care.partner_view")
        return Response(PartnerOutputSerializer(self._get(request, pk)).data)

    @extend_schema(
        operation_id="partners_partial_update",
        request=PartnerInputSerializer(partial=True),
        responses={200: PartnerOutputSerializer},
    )
    def patch(self, request: Request, pk: int) -> Response:
        require(permissions.can_manage_partner_directory, request.user, action="care.partner_update")
        organisation = self._get(request, pk, write=True)
        serializer = PartnerInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        organisation = services.partner_update(
            actor=request.user, organisation=organisation, **serializer.validated_data
        )
        return Response(PartnerOutputSerializer(organisation).data)


class ServiceItemOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    youth_id = serializers.IntegerField()
    kind = serializers.CharField()
    category = serializers.CharField()
    status = serializers.CharField()
    partner_id = serializers.IntegerField(allow_null=True)
    owner_id = serializers.IntegerField()
    due_at = serializers.DateTimeField(allow_null=True)
    determined_at = serializers.DateTimeField(allow_null=True)
    started_on = serializers.DateField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)
    notes = serializers.CharField()


def _date_in_range(serializer: serializers.Serializer[Any], value: Any) -> Any:
    """A plan date within rules.DATE_RANGE_YEARS of the agency's today (context "today")."""
    if value is not None and not rules.date_in_range(value=value, today=serializer.context["today"]):
        raise serializers.ValidationError(rules.DATE_RANGE_MESSAGE)
    return value


class ServiceItemCreateSerializer(serializers.Serializer[Any]):
    category = serializers.ChoiceField(choices=LONG_TERM)
    partner_id = serializers.IntegerField(required=False, allow_null=True)
    due_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000)

    def validate_due_on(self, value: Any) -> Any:
        return _date_in_range(self, value)


class ServiceItemPatchSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=[(c, rules.STATUS_LABELS[c]) for c in rules.STATUSES], required=False)
    effective_on = serializers.DateField(required=False, allow_null=True)
    partner_id = serializers.IntegerField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000)

    def validate_effective_on(self, value: Any) -> Any:
        return _date_in_range(self, value)


def _valid_or_refused(
    serializer: serializers.Serializer[Any], *, actor: Any, action: str, youth: Any, item: Any = None
) -> Any:
    """The serializer's data, or a 400 whose refusal is audited (care/refusals.py)."""
    if not serializer.is_valid():
        refusal_record(
            actor=actor,
            action=action,
            youth=youth,
            item=item,
            outcome=AuditEvent.Outcome.FAILED,
            fields=serializer.errors,
        )
        raise serializers.ValidationError(serializer.errors)
    return serializer.validated_data


def _partner_or_error(agency_id: int, partner_id: int | None) -> PartnerOrganisation | None:
    if partner_id is None:
        return None
    organisation = PartnerOrganisation.objects.filter(agency_id=agency_id, pk=partner_id).first()
    if organisation is None:
        raise serializers.ValidationError({"partner_id": ["No such organisation in this agency's directory."]})
    return organisation


class YouthServiceListApi(APIView):
    """A youth's service plan (anyone who may open the youth); add a long-term service (who may change it)."""

    @extend_schema(responses={200: page_of(ServiceItemOutputSerializer)})
    def get(self, request: Request, youth_id: int) -> Response:
        require(permissions.has_caseload_pages, request.user, action="care.plan_view")
        youth = youth_get_for_user(user=request.user, pk=youth_id, action="care.plan_view")
        items = selectors.service_plan(youth=youth)
        paginator = PageNumberPagination()
        page: Any = paginator.paginate_queryset(items, request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response(ServiceItemOutputSerializer(page, many=True).data)

    @extend_schema(request=ServiceItemCreateSerializer, responses={201: ServiceItemOutputSerializer})
    def post(self, request: Request, youth_id: int) -> Response:
        require(permissions.has_caseload_pages, request.user, action="care.service_create")
        youth = youth_get_for_user(user=request.user, pk=youth_id, write=True, action=DOOR_ACTION)
        serializer = ServiceItemCreateSerializer(data=request.data, context={"today": agency_today(youth.agency)})
        action = "care.service_create"
        data = _valid_or_refused(serializer, actor=request.user, action=action, youth=youth)
        with refusals_recorded(actor=request.user, action=action, youth=youth):
            item = services.service_item_create(
                actor=request.user,
                youth=youth,
                category=data["category"],
                partner=_partner_or_error(youth.agency_id, data.get("partner_id")),
                due_on=data.get("due_on"),
                notes=data.get("notes", ""),
            )
        return Response(ServiceItemOutputSerializer(item).data, status=status.HTTP_201_CREATED)


class ServiceItemDetailApi(APIView):
    def _get(self, request: Request, pk: int, *, write: bool) -> Any:
        return selectors.service_item_get_for_user(user=request.user, pk=pk, write=write)

    @extend_schema(responses={200: ServiceItemOutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(ServiceItemOutputSerializer(self._get(request, pk, write=False)).data)

    @extend_schema(request=ServiceItemPatchSerializer, responses={200: ServiceItemOutputSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        item = self._get(request, pk, write=True)
        serializer = ServiceItemPatchSerializer(data=request.data, context={"today": agency_today(item.youth.agency)})
        action = "care.service_update"
        data = _valid_or_refused(serializer, actor=request.user, action=action, youth=item.youth, item=item)
        with refusals_recorded(actor=request.user, action=action, youth=item.youth, item=item):
            kwargs: dict[str, Any] = {}
            if "partner_id" in data:
                kwargs["partner"] = _partner_or_error(item.agency_id, data["partner_id"])
            item = services.service_item_update(
                actor=request.user,
                item=item,
                status=data.get("status"),
                effective_on=data.get("effective_on"),
                notes=data.get("notes"),
                **kwargs,
            )
        return Response(ServiceItemOutputSerializer(item).data)
