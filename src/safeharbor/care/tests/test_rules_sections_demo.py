from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from safeharbor.care import rules
from safeharbor.care.demo import populate
from safeharbor.care.models import PartnerOrganisation, ServiceItem
from safeharbor.care.sections import service_plan_section
from safeharbor.care.services import immediate_interventions_ensure
from safeharbor.core.demo import DemoContext
from safeharbor.core.testing import factories as f

LA = ZoneInfo("America/Los_Angeles")
UTC = ZoneInfo("UTC")


@given(
    st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 12, 31), timezones=st.just(UTC)),
    st.integers(min_value=1, max_value=60),
)
def test_immediate_due_is_elapsed_time_whatever_the_clock_changes(determined_at, days):
    # RULES.md §3: deadlines are elapsed time; 7 days = 168 h even in the week of a daylight-saving change.
    due = rules.immediate_due_at(determined_at=determined_at, due_days=days, zone=LA)
    assert due - determined_at == dt.timedelta(hours=24 * days)
    assert due.utcoffset() == dt.timedelta(0)


@given(st.sampled_from(rules.STATUSES), st.sampled_from(rules.STATUSES))
def test_transitions_and_open_statuses(current, new):
    assert rules.transition_allowed(current, new) == (current != new)
    assert rules.is_open(current) != (current in rules.CLOSED_STATUSES)


def test_category_kinds():
    assert {rules.kind_of(c) for c in rules.IMMEDIATE_CATEGORIES} == {"immediate"}
    assert {rules.kind_of(c) for c in rules.LONG_TERM_CATEGORIES} == {"long_term"}


def test_profile_section_renders_plan_and_days(personas, django_assert_max_num_queries):
    with time_machine.travel(dt.datetime(2026, 3, 5, 18, 0, tzinfo=UTC), tick=False):
        youth = personas.youth
        youth.csec_status, youth.csec_status_at = "suspected_victim", dt.datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
        youth.save()
        immediate_interventions_ensure(youth=youth, determined_at=youth.csec_status_at, actor=personas.worker)
        request = RequestFactory().get("/")
        request.user = personas.worker
        with django_assert_max_num_queries(6):
            section = service_plan_section(request, youth)
        assert section is not None and len(section["immediate"]) == 3
        html = render_to_string(section["template"], {"section": section})
        assert "Safe placement" in html and "Days to safe placement" in html
        request.user = personas.auditor
        youth2 = personas.youth2
        assert service_plan_section(request, youth2) is None


def test_demo_populate_is_idempotent(personas):
    youth = f.YouthFactory(agency=personas.agency, csec_status="confirmed_victim")
    f.AssignmentFactory(youth=youth, worker=personas.worker)
    ctx = DemoContext(agency=personas.agency, users={"worker": personas.worker}, youth=[youth, personas.youth])
    populate(ctx)
    count = ServiceItem.objects.count()
    assert ServiceItem.objects.filter(youth=youth, kind="immediate").count() == 3
    assert count > 3
    populate(ctx)
    assert ServiceItem.objects.count() == count
    assert PartnerOrganisation.objects.filter(agency=personas.agency, name="Polaris Project").exists()
