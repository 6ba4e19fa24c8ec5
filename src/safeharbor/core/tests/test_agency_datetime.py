"""Wall-clock input at the clock changes: the form field, its widget, the API field, the rules reader.

Los Angeles: 2025-11-02 01:00-01:59 happens twice (PDT, then PST); 2025-03-09 02:00-02:59 never happens.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeharbor.core.api import OffsetDateTimeField
from safeharbor.core.forms import AgencyDateTimeField
from safeharbor.core.ruleinput import RuleInputError, offsets_required, read_datetime
from safeharbor.core.timeutils import OFFSET_REQUIRED_MESSAGE, clock_change_around, wall_time_instants
from safeharbor.missing.forms import WhenForm
from safeharbor.webaccess.forms import ResearchSessionForm

LA = ZoneInfo("America/Los_Angeles")
FIRST = datetime(2025, 11, 2, 8, 30, tzinfo=UTC)  # 01:30 PDT
SECOND = datetime(2025, 11, 2, 9, 30, tzinfo=UTC)  # 01:30 PST


@pytest.fixture(autouse=True)
def los_angeles():
    with timezone.override(LA):
        yield


class AtForm(forms.Form):
    at = AgencyDateTimeField(label="When it happened")


# --- the pure helpers -------------------------------------------------------------------------------


def test_wall_time_instants_at_the_changes():
    assert wall_time_instants(datetime(2025, 6, 1, 10, 0), LA) == (datetime(2025, 6, 1, 17, 0, tzinfo=UTC),)
    assert wall_time_instants(datetime(2025, 11, 2, 1, 30), LA) == (FIRST, SECOND)
    assert wall_time_instants(datetime(2025, 3, 9, 2, 30), LA) == ()
    assert clock_change_around(datetime(2025, 11, 2, 1, 30), LA) == (
        datetime(2025, 11, 2, 2, 0),
        datetime(2025, 11, 2, 1, 0),
    )
    assert clock_change_around(datetime(2025, 3, 9, 2, 30), LA) == (datetime(2025, 3, 9, 2, 0), datetime(2025, 3, 9, 3))
    with pytest.raises(ValueError):
        clock_change_around(datetime(2025, 6, 1, 10, 0), LA)


# --- the form field ---------------------------------------------------------------------------------


def test_an_ordinary_wall_time_is_its_instant():
    form = AtForm({"at": "2025-06-01T10:00"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["at"] == datetime(2025, 6, 1, 17, 0, tzinfo=UTC)
    assert 'type="datetime-local"' in str(form["at"])
    assert "_fold" not in str(form["at"])


def test_a_time_in_the_repeated_hour_is_invalid_until_one_is_chosen():
    form = AtForm({"at": "2025-11-02T01:30"})
    assert not form.is_valid()
    assert form.errors["at"] == [
        "01:30 on 2 November 2025 occurs twice: the clocks go back from 02:00 to 01:00. Choose which 01:30 you mean."
    ]
    html = str(form["at"])
    assert 'value="2025-11-02T01:30"' in html
    assert '<fieldset class="usa-fieldset' in html
    assert '<legend class="usa-legend">When it happened: which 01:30 on 2 November 2025?</legend>' in html
    assert html.count('class="usa-radio__input"') == 2
    assert html.count('name="at_fold"') == 2
    assert "checked" not in html
    assert '<label class="usa-radio__label" for="id_at_fold_0">01:30 PDT (UTC\u22127, the first 01:30)</label>' in html
    assert '<label class="usa-radio__label" for="id_at_fold_1">01:30 PST (UTC\u22128, the second 01:30)</label>' in html


@pytest.mark.parametrize(("fold", "instant"), [("0", FIRST), ("1", SECOND)])
def test_the_chosen_fold_is_the_exact_instant(fold, instant):
    form = AtForm({"at": "2025-11-02T01:30", "at_fold": fold})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["at"] == instant
    # re-rendered (say, another field is wrong) the choice is kept
    assert f'value="{fold}"\n               checked' in str(form["at"])


def test_a_fold_value_other_than_0_or_1_is_no_choice():
    form = AtForm({"at": "2025-11-02T01:30", "at_fold": "2"})
    assert not form.is_valid()
    assert "occurs twice" in form.errors["at"][0]


def test_a_fold_is_ignored_for_an_ordinary_time():
    form = AtForm({"at": "2025-06-01T10:00", "at_fold": "1"})
    assert form.is_valid()
    assert form.cleaned_data["at"] == datetime(2025, 6, 1, 17, 0, tzinfo=UTC)


def test_a_time_in_the_skipped_hour_is_a_field_error():
    form = AtForm({"at": "2025-03-09T02:30"})
    assert not form.is_valid()
    assert form.errors["at"] == [
        "This time does not exist on 9 March 2025: clocks moved from 02:00 to 03:00. "
        "Enter the time the clock showed: before 02:00, or 03:00 or later."
    ]
    assert "_fold" not in str(form["at"])


def test_empty_and_unreadable_input():
    assert AtForm({"at": ""}).errors["at"] == ["This field is required."]
    assert AtForm({"at": "not a time"}).errors["at"] == ["Enter a valid date/time."]

    class Optional(forms.Form):
        at = AgencyDateTimeField(required=False)

    form = Optional({"at": ""})
    assert form.is_valid()
    assert form.cleaned_data["at"] is None


def test_an_initial_instant_in_the_repeated_hour_shows_which_one_it_is():
    html = str(AtForm(initial={"at": SECOND})["at"])
    assert 'value="2025-11-02T01:30"' in html
    assert 'value="1"\n               checked' in html
    assert 'value="2025-06-01T10:00"' in str(AtForm(initial={"at": datetime(2025, 6, 1, 17, tzinfo=UTC)})["at"])


def test_has_changed_compares_instants():
    field = AtForm.base_fields["at"]
    assert not field.has_changed(
        SECOND, AtForm().fields["at"].widget.value_from_datadict({"at": "2025-11-02T01:30", "at_fold": "1"}, {}, "at")
    )
    assert field.has_changed(
        FIRST, AtForm().fields["at"].widget.value_from_datadict({"at": "2025-11-02T01:30"}, {}, "at")
    )


def test_the_prefixed_missing_forms_name_the_companion_input_after_the_field():
    form = WhenForm({"locate-at": "2025-11-02T01:30"}, prefix="locate", label="When the youth was located")
    assert not form.is_valid()
    html = str(form["at"])
    assert 'name="locate-at_fold"' in html
    assert "When the youth was located: which 01:30" in html
    form = WhenForm({"locate-at": "2025-11-02T01:30", "locate-at_fold": "0"}, prefix="locate")
    assert form.is_valid()
    assert form.cleaned_data["at"] == FIRST


def test_the_field_templates_show_the_choice_and_its_error():
    form = ResearchSessionForm({"performed_at": "2025-11-02T01:30"}, agency_id=0)
    form.is_valid()
    html = render_to_string("care/_field.html", {"field": form["performed_at"]})
    assert "occurs twice" in html
    assert 'name="performed_at_fold"' in html
    assert "usa-input--error" in html
    form = WhenForm({"return-at": "2025-11-02T01:30"}, prefix="return")
    form.is_valid()
    html = render_to_string("missing/_field.html", {"field": form["at"]})
    assert "occurs twice" in html
    assert 'name="return-at_fold"' in html


# --- the API field ----------------------------------------------------------------------------------


class AtSerializer(serializers.Serializer):
    at = OffsetDateTimeField()
    maybe = OffsetDateTimeField(required=False, allow_null=True, help_text="When, if known.")


@pytest.mark.parametrize("value", ["2025-11-02T01:30:00", "2025-11-02T01:30", "2025-11-02"])
def test_the_api_refuses_a_time_without_offset(value):
    serializer = AtSerializer(data={"at": value})
    assert not serializer.is_valid()
    assert serializer.errors["at"] == [OFFSET_REQUIRED_MESSAGE]
    assert OFFSET_REQUIRED_MESSAGE == "Give the time with its UTC offset, for example 2026-11-01T01:30:00-07:00."


@pytest.mark.parametrize(
    ("value", "instant"),
    [("2025-11-02T01:30:00-07:00", FIRST), ("2025-11-02T01:30:00-08:00", SECOND), ("2025-11-02T09:30:00Z", SECOND)],
)
def test_the_api_takes_a_time_with_offset_as_the_exact_instant(value, instant):
    serializer = AtSerializer(data={"at": value, "maybe": None})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["at"] == instant
    assert serializer.validated_data["at"].utcoffset().total_seconds() == 0
    assert serializer.validated_data["maybe"] is None


def test_the_api_field_still_refuses_garbage():
    serializer = AtSerializer(data={"at": "soon"})
    assert not serializer.is_valid()
    assert "wrong format" in serializer.errors["at"][0]


class _AtApi(APIView):
    @extend_schema(request=AtSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        return Response(status=204)


def test_the_schema_documents_the_offset():
    schema = SchemaGenerator(patterns=[path("at/", _AtApi.as_view())]).get_schema(request=None, public=True)
    props = schema["components"]["schemas"]["AtRequest"]["properties"]
    assert props["at"]["type"] == "string"
    assert props["at"]["format"] == "date-time"
    assert "UTC offset" in props["at"]["description"]
    assert props["at"]["example"] == "2026-11-01T01:30:00-07:00"
    assert props["maybe"]["nullable"] is True
    assert props["maybe"]["description"].startswith("When, if known. An ISO 8601 date-time with its UTC offset")


# --- the rules reader -------------------------------------------------------------------------------


def test_rules_reader_on_the_command_line_reads_a_naive_time_on_the_wall_clock():
    value = read_datetime({"at": "2025-06-01T10:00:00"}, "at", zone=LA)
    assert value == datetime(2025, 6, 1, 17, 0, tzinfo=UTC)
    assert read_datetime({"at": "2025-11-02T01:30:00-08:00"}, "at", zone=LA) == SECOND


def test_rules_reader_never_guesses_a_repeated_or_skipped_time():
    with pytest.raises(RuleInputError) as info:
        read_datetime({"at": "2025-11-02T01:30:00"}, "at", zone=LA)
    assert info.value.field == "at"
    assert "occurs twice" in info.value.message
    assert "2025-11-02T01:30:00-07:00 (the first) or 2025-11-02T01:30:00-08:00 (the second)" in info.value.message
    with pytest.raises(RuleInputError) as info:
        read_datetime({"at": "2025-03-09T02:30:00"}, "at", zone=LA)
    assert info.value.message == (
        "'2025-03-09T02:30:00' does not exist: on 2025-03-09 the clocks in America/Los_Angeles moved from 02:00 to 03:00"
    )


def test_rules_reader_for_the_api_requires_the_offset():
    with offsets_required(), pytest.raises(RuleInputError) as info:
        read_datetime({"at": "2025-06-01T10:00:00"}, "at", zone=LA)
    assert info.value.field == "at"
    assert info.value.message.startswith(OFFSET_REQUIRED_MESSAGE)
    with offsets_required():
        assert read_datetime({"at": "2025-11-02T01:30:00-07:00"}, "at", zone=LA) == FIRST
    # the requirement ends with the block
    assert read_datetime({"at": "2025-06-01T10:00:00"}, "at", zone=LA) is not None


@pytest.mark.django_db
def test_rules_api_answers_400_for_a_time_without_offset(personas, login):
    client = login(personas.worker)
    url = "/api/v1/rules/missing-deadlines"
    bad = client.post(
        url, {"last_seen_at": None, "discovered_at": "2025-11-02T01:30:00"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert bad.json()["discovered_at"][0].startswith(OFFSET_REQUIRED_MESSAGE)
    ok = client.post(
        url, {"last_seen_at": None, "discovered_at": "2025-11-02T01:30:00-08:00"}, content_type="application/json"
    )
    assert ok.status_code == 200
    assert ok.json()["notices_by"] == "2025-11-03T01:30:00-08:00"


def test_a_year_at_the_edge_of_the_calendar_is_a_field_error_not_a_500():
    from django import forms as django_forms

    from safeharbor.core.forms import AgencyDateTimeField

    field = AgencyDateTimeField()
    for text in ("9999-12-31T23:59", "0001-01-01T00:00"):
        with pytest.raises(django_forms.ValidationError):
            field.clean(text)
