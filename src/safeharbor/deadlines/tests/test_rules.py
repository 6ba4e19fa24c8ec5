from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from safeharbor.deadlines import rules

LA = ZoneInfo("America/Los_Angeles")


def test_stages_in_order():
    due = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)
    assert rules.current_stage(due_at=due, now=due - timedelta(hours=5), due_soon_hours=4) is None
    assert rules.current_stage(due_at=due, now=due - timedelta(hours=4), due_soon_hours=4) == rules.DUE_SOON
    assert rules.current_stage(due_at=due, now=due, due_soon_hours=4) == rules.DUE
    assert rules.current_stage(due_at=due, now=due + timedelta(minutes=59), due_soon_hours=4) == rules.DUE
    assert rules.current_stage(due_at=due, now=due + timedelta(hours=1), due_soon_hours=4) == rules.OVERDUE


def test_due_soon_across_spring_forward_is_elapsed_time():
    # Due 2026-03-08 04:00 PDT; four elapsed hours earlier is 23:00 PST the evening before (wall clock 5 h).
    due = datetime(2026, 3, 8, 4, 0, tzinfo=LA)
    starts = rules.stage_starts(due_at=due, due_soon_hours=4)[rules.DUE_SOON]
    assert due - starts == timedelta(hours=4)
    assert starts.astimezone(LA).isoformat() == "2026-03-07T23:00:00-08:00"


def test_due_soon_across_fall_back_is_elapsed_time():
    # Due 2026-11-01 03:00 PST; four elapsed hours earlier is 00:00 PDT (wall clock 3 h).
    due = datetime(2026, 11, 1, 3, 0, tzinfo=LA)
    starts = rules.stage_starts(due_at=due, due_soon_hours=4)[rules.DUE_SOON]
    assert due - starts == timedelta(hours=4)
    assert starts.astimezone(LA).isoformat() == "2026-11-01T00:00:00-07:00"


@given(
    due=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)),
    offset_minutes=st.integers(min_value=-600, max_value=600),
    hours=st.integers(min_value=0, max_value=48),
)
def test_stage_is_monotonic(due, offset_minutes, hours):
    now = due + timedelta(minutes=offset_minutes)
    later = now + timedelta(minutes=30)
    order = [None, *rules.STAGES]
    a = rules.current_stage(due_at=due, now=now, due_soon_hours=hours)
    b = rules.current_stage(due_at=due, now=later, due_soon_hours=hours)
    assert order.index(b) >= order.index(a)
    assert (a == rules.OVERDUE) == rules.is_overdue(due_at=due, now=now)
