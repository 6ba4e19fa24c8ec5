"""Youth API: the same services, the same door, the same permissions and audit as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeharbor import permissions
from safeharbor.accounts.models import User
from safeharbor.core.timeutils import agency_today
from safeharbor.youth import selectors, services
from safeharbor.youth.models import CsecStatus, DobVerification, Gender, IcwaStatus
from safeharbor.youth.search import youth_search


def _deny_unless(predicate: Any, request: Request, action: str) -> None:
    selectors.require(predicate, request.user, action=action, partner_404=True)


def _validation_error(exc: ValidationError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(
            {
                ("non_field_errors" if k == "__all__" else k): v.messages if hasattr(v, "messages") else v
                for k, v in exc.message_dict.items()
            }
        )
    return serializers.ValidationError({"non_field_errors": exc.messages})


class YouthFieldsSerializer(serializers.Serializer[Any]):
    legal_first_name = serializers.CharField(max_length=100)
    legal_middle_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    legal_last_name = serializers.CharField(max_length=100)
    preferred_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    dob_verified = serializers.BooleanField(required=False)
    dob_verification = serializers.ChoiceField(choices=DobVerification.choices, required=False, allow_blank=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    state_client_id = serializers.CharField(max_length=40, required=False, allow_blank=True)
    icwa_status = serializers.ChoiceField(
        choices=IcwaStatus.choices,
        required=False,
        help_text="Indian Child Welfare Act status. A new record without it starts as `not_inquired`.",
    )

    def validate_date_of_birth(self, value: Any) -> Any:
        today = self.context.get("today") or timezone.localdate()
        if value is not None and value > today:
            raise serializers.ValidationError("The date of birth cannot be in the future.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name in ("legal_first_name", "legal_last_name"):
            if name in attrs and not attrs[name].strip():
                raise serializers.ValidationError({name: ["This field may not be blank."]})
        return attrs


class YouthOutputSerializer(serializers.Serializer[Any]):
    class AliasSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        kind = serializers.CharField()
        name = serializers.CharField()

    class AssignmentSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        worker_id = serializers.IntegerField()
        worker_name = serializers.SerializerMethodField()
        start = serializers.DateField()
        end = serializers.DateField(allow_null=True)

        def get_worker_name(self, obj: Any) -> str:
            return str(obj.worker.get_full_name() or obj.worker.username)

    class PlacementSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        placement_type = serializers.CharField()
        facility = serializers.SerializerMethodField()
        start = serializers.DateField()
        end = serializers.DateField(allow_null=True)

        def get_facility(self, obj: Any) -> str | None:
            return obj.facility.name if obj.facility_id else None

    id = serializers.IntegerField()
    legal_first_name = serializers.CharField()
    legal_middle_name = serializers.CharField()
    legal_last_name = serializers.CharField()
    preferred_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    dob_verified = serializers.BooleanField()
    dob_verification = serializers.CharField()
    gender = serializers.ChoiceField(choices=Gender.choices)
    state_client_id = serializers.CharField()
    csec_status = serializers.ChoiceField(choices=CsecStatus.choices)
    icwa_status = serializers.ChoiceField(choices=IcwaStatus.choices)
    icwa_status_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()


class YouthListItemSerializer(YouthOutputSerializer):
    current_assignments = YouthOutputSerializer.AssignmentSerializer(many=True)
    current_placements = YouthOutputSerializer.PlacementSerializer(many=True)


class YouthDetailSerializer(YouthOutputSerializer):
    aliases = YouthOutputSerializer.AliasSerializer(many=True, source="aliases.all")
    assignments = YouthOutputSerializer.AssignmentSerializer(many=True, source="assignments.all")
    placements = YouthOutputSerializer.PlacementSerializer(many=True, source="placements.all")


class YouthPageSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = YouthListItemSerializer(many=True)


class YouthFilterSerializer(serializers.Serializer[Any]):
    scope = serializers.ChoiceField(choices=["mine", "unit", "all"], required=False, default="all")
    status = serializers.ChoiceField(choices=CsecStatus.choices, required=False, allow_blank=True, default="")
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=120,
        default="",
        help_text="Name or alias; tolerates typos, swapped order, nicknames.",
    )
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)


def _youth_page(request: Request, view: APIView, filters: Any) -> Response:
    """One page of the youth the caller may open, filtered and searched as on the list page."""
    _deny_unless(permissions.has_caseload_pages, request, "youth.list")
    user: Any = request.user
    if not isinstance(filters, dict):
        raise serializers.ValidationError({"non_field_errors": ["Send a JSON object."]})
    serializer = YouthFilterSerializer(data=filters)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    scope = data["scope"] if data["scope"] != "unit" or permissions.has_unit_filter(user) else "all"
    base = selectors.youth_list_filtered(user=user, scope=scope, status=data["status"])
    rows: Any = base
    if data["q"].strip() or data["date_of_birth"]:
        hits = youth_search(user=user, query=data["q"], date_of_birth=data["date_of_birth"], limit=200, base=base)
        rows = [hit.youth for hit in hits]
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(rows, request, view=view) or []
    selectors.youth_list_audit(user=user, count=len(page), page=paginator.page.number if paginator.page else 1)
    return paginator.get_paginated_response(YouthListItemSerializer(page, many=True).data)


class YouthListApi(APIView):
    """GET: the youth the caller may open (paginated; filters as on the list page). POST: create.
    A search by name or date of birth belongs in POST /api/v1/youth/search/ (not in the URL)."""

    class InputSerializer(YouthFieldsSerializer):
        worker_id = serializers.IntegerField(required=False, allow_null=True)

    @extend_schema(
        operation_id="youth_list",
        parameters=[
            OpenApiParameter("scope", str, enum=["mine", "unit", "all"]),
            OpenApiParameter("status", str, enum=[c for c, _ in CsecStatus.choices]),
            OpenApiParameter(
                "q",
                str,
                deprecated=True,
                description="Name or alias. Deprecated: a name in a URL reaches logs and proxies; "
                "send it to POST /api/v1/youth/search/.",
            ),
            OpenApiParameter("date_of_birth", str, deprecated=True, description="YYYY-MM-DD. Deprecated, as `q`."),
            OpenApiParameter("page", int),
        ],
        responses={200: YouthPageSerializer, 400: OpenApiResponse(description="Bad filter"), 403: None},
    )
    def get(self, request: Request) -> Response:
        return _youth_page(request, self, request.query_params)

    @extend_schema(
        operation_id="youth_create",
        request=InputSerializer,
        responses={201: YouthDetailSerializer, 400: OpenApiResponse(description="Field errors"), 403: None},
    )
    def post(self, request: Request) -> Response:
        _deny_unless(permissions.can_create_youth, request, "youth.create")
        user: Any = request.user
        serializer = self.InputSerializer(data=request.data, context={"today": agency_today(user.agency)})
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        worker_id = fields.pop("worker_id", None)
        worker = None
        if worker_id is not None:
            worker = User.objects.filter(pk=worker_id, agency_id=user.agency_id).select_related("unit").first()
            if worker is None:
                raise serializers.ValidationError({"worker_id": ["No such worker in this agency."]})
        try:
            youth = services.youth_create(actor=user, worker=worker, **fields)
        except ValidationError as exc:
            raise _validation_error(exc) from exc
        youth = selectors.youth_get_for_user(user=user, pk=youth.pk, action="youth.view")
        return Response(YouthDetailSerializer(youth).data, status=status.HTTP_201_CREATED)


class YouthDetailApi(APIView):
    """GET: one youth (audited, through the door). PATCH: change it; `version` is required and a
    stale version is refused with 409."""

    class InputSerializer(YouthFieldsSerializer):
        legal_first_name = serializers.CharField(max_length=100, required=False)
        legal_last_name = serializers.CharField(max_length=100, required=False)
        version = serializers.IntegerField(min_value=1)

    @extend_schema(operation_id="youth_retrieve", responses={200: YouthDetailSerializer, 403: None, 404: None})
    def get(self, request: Request, pk: int) -> Response:
        _deny_unless(permissions.has_caseload_pages, request, "youth.view")
        youth = selectors.youth_get_for_user(user=request.user, pk=pk)
        return Response(YouthDetailSerializer(youth).data)

    @extend_schema(
        operation_id="youth_partial_update",
        request=InputSerializer,
        responses={
            200: YouthDetailSerializer,
            400: OpenApiResponse(description="Field errors"),
            403: None,
            404: None,
            409: OpenApiResponse(description="The record changed since the given version"),
        },
    )
    def patch(self, request: Request, pk: int) -> Response:
        _deny_unless(permissions.has_youth_edit_pages, request, "youth.edit")
        user: Any = request.user
        youth = selectors.youth_get_for_user(user=user, pk=pk, write=True)
        serializer = self.InputSerializer(
            data=request.data, partial=False, context={"today": agency_today(youth.agency)}
        )
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        version = fields.pop("version")
        if fields.get("dob_verified") is False and "dob_verification" not in fields:
            fields["dob_verification"] = ""
        try:
            services.youth_update(actor=user, youth=youth, version=version, **fields)
        except ValidationError as exc:
            raise _validation_error(exc) from exc
        return Response(YouthDetailSerializer(selectors.youth_reload(pk=youth.pk)).data)


class YouthSearchApi(APIView):
    """POST: the same list as GET /api/v1/youth/, searched by name or date of birth sent in the body, so
    they never appear in a URL. Nothing is written but the audit row. The page number stays in the
    URL (`?page=2`): the `next` and `previous` links are to be posted the same body."""

    @extend_schema(
        operation_id="youth_search",
        request=YouthFilterSerializer,
        parameters=[OpenApiParameter("page", int)],
        responses={200: YouthPageSerializer, 400: OpenApiResponse(description="Bad filter"), 403: None},
    )
    def post(self, request: Request) -> Response:
        return _youth_page(request, self, request.data)
