"""The MDT calendar and slot-assignment rules (RULES.md §4), pure: no database."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeharbor.agency.policy import AgencyPolicy
from safeharbor.core.ruleinput import RuleInputError
from safeharbor.core.rules_registry import run
from safeharbor.mdt import rules

POLICY = AgencyPolicy()
CAL = rules.HolidayCalendar.from_policy(POLICY)
NO_HOLIDAYS = rules.HolidayCalendar.only([])


# --- Calendar ---------------------------------------------------------------------------------


def test_contract_example_new_years_day_moves_the_session_a_week():
    out = run("mdt-sessions", {"from": "2031-01-01", "count": 3})
    assert out["sessions"][0] == {
        "date": "2031-01-08",
        "start": "10:00",
        "end": "12:00",
        "room": "San Jose Room",
        "slots": 2,
        "moved_from": "2031-01-01",
        "reason": "New Year's Day",
    }
    assert [s["date"] for s in out["sessions"]] == ["2031-01-08", "2031-02-05", "2031-03-05"]
    assert "moved_from" not in out["sessions"][1] and "reason" not in out["sessions"][1]


def test_first_wednesday_on_the_1st_and_on_the_7th():
    # October 2031 begins on a Wednesday; in May 2031 the first Wednesday is the 7th.
    assert rules.nth_weekday(2031, 10, 2, 1) == date(2031, 10, 1)
    assert rules.nth_weekday(2031, 5, 2, 1) == date(2031, 5, 7)
    out = run("mdt-sessions", {"from": "2031-05-01", "count": 1, "holidays": []})
    assert out["sessions"][0]["date"] == "2031-05-07"
    out = run("mdt-sessions", {"from": "2031-10-01", "count": 1, "holidays": []})
    assert out["sessions"][0]["date"] == "2031-10-01"


def test_a_session_on_or_after_from_only():
    # From 2031-10-02: October's session (the 1st) is before `from`, so November's comes first.
    out = run("mdt-sessions", {"from": "2031-10-02", "count": 2, "holidays": []})
    assert [s["date"] for s in out["sessions"]] == ["2031-11-05", "2031-12-03"]


def test_a_moved_session_crossing_from_is_kept():
    # January 2031's session moves from the 1st to the 8th: asking from the 2nd still returns it.
    out = run("mdt-sessions", {"from": "2031-01-02", "count": 1})
    assert out["sessions"][0]["date"] == "2031-01-08"
    assert out["sessions"][0]["moved_from"] == "2031-01-01"
    # From the 9th it has passed.
    out = run("mdt-sessions", {"from": "2031-01-09", "count": 1})
    assert out["sessions"][0]["date"] == "2031-02-05"


def test_previous_months_session_moved_past_from_is_included():
    # Week 4 Wednesday of January 2031 is the 22nd; closures on the 22nd and 29th push it to February 5.
    policy = AgencyPolicy(mdt_week_of_month=4)
    out = run("mdt-sessions", {"from": "2031-02-01", "count": 2, "holidays": ["2031-01-22", "2031-01-29"]}, policy)
    assert out["sessions"][0] == {
        "date": "2031-02-05",
        "start": "10:00",
        "end": "12:00",
        "room": "San Jose Room",
        "slots": 2,
        "moved_from": "2031-01-22",
        "reason": "Agency holiday",
    }
    assert out["sessions"][1]["date"] == "2031-02-26"


def test_explicit_holidays_replace_the_calendar():
    # With an explicit list, New Year's Day is not a holiday; the listed date is.
    out = run("mdt-sessions", {"from": "2031-01-01", "count": 2, "holidays": ["2031-02-05"]})
    assert out["sessions"][0] == {
        "date": "2031-01-01",
        "start": "10:00",
        "end": "12:00",
        "room": "San Jose Room",
        "slots": 2,
    }
    assert out["sessions"][1]["moved_from"] == "2031-02-05"
    assert out["sessions"][1]["date"] == "2031-02-12"
    assert out["sessions"][1]["reason"] == "Agency holiday"


def test_consecutive_holidays_move_twice():
    out = run("mdt-sessions", {"from": "2031-02-01", "count": 1, "holidays": ["2031-02-05", "2031-02-12"]})
    assert out["sessions"][0]["date"] == "2031-02-19"
    assert out["sessions"][0]["moved_from"] == "2031-02-05"


def test_california_holiday_moves_the_session():
    # 4 July 2029 is the first Wednesday of July: Independence Day.
    out = run("mdt-sessions", {"from": "2029-07-01", "count": 1})
    assert out["sessions"][0]["date"] == "2029-07-11"
    assert out["sessions"][0]["reason"] == "Independence Day"


def test_agency_additions_and_removals():
    policy = AgencyPolicy(holiday_additions=(("2031-02-05", "Staff training day"),), holiday_removals=("2031-01-01",))
    out = run("mdt-sessions", {"from": "2031-01-01", "count": 2}, policy)
    assert out["sessions"][0]["date"] == "2031-01-01"
    assert out["sessions"][1] == {
        "date": "2031-02-12",
        "start": "10:00",
        "end": "12:00",
        "room": "San Jose Room",
        "slots": 2,
        "moved_from": "2031-02-05",
        "reason": "Staff training day",
    }


def test_custom_settings():
    policy = AgencyPolicy(
        mdt_weekday=3,
        mdt_week_of_month=2,
        mdt_start=time(13, 30),
        mdt_end=time(16, 30),
        mdt_room="Room B",
        mdt_slot_minutes=45,
    )
    out = run("mdt-sessions", {"from": "2031-03-01", "count": 2, "holidays": []}, policy)
    assert out["sessions"] == [
        {"date": "2031-03-13", "start": "13:30", "end": "16:30", "room": "Room B", "slots": 4},
        {"date": "2031-04-10", "start": "13:30", "end": "16:30", "room": "Room B", "slots": 4},
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"count": 3}, "from"),
        ({"from": "2031-01-01"}, "count"),
        ({"from": "2031-01-01", "count": 0}, "count"),
        ({"from": "2031-01-01", "count": 37}, "count"),
        ({"from": "2031-01-01", "count": "3"}, "count"),
        ({"from": "2031-01-01", "count": 2.0}, "count"),
        ({"from": "2031-01-01", "count": True}, "count"),
        ({"from": "2031-13-01", "count": 3}, "from"),
        ({"from": "01/01/2031", "count": 3}, "from"),
        ({"from": None, "count": 3}, "from"),
        ({"from": "2031-01-01", "count": 3, "holidays": "2031-01-01"}, "holidays"),
        ({"from": "2031-01-01", "count": 3, "holidays": ["2031-02-30"]}, "holidays"),
        ({"from": "2031-01-01", "count": 3, "holidays": [20310101]}, "holidays"),
    ],
)
def test_bad_input_names_the_field(data, field):
    with pytest.raises(RuleInputError) as info:
        run("mdt-sessions", data)
    assert info.value.field == field


def test_cli_exit_codes():
    ok = subprocess.run(
        [sys.executable, "-m", "safeharbor.cli", "rules", "mdt-sessions"],
        input=json.dumps({"from": "2031-01-01", "count": 1}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["sessions"][0]["reason"] == "New Year's Day"
    bad = subprocess.run(
        [sys.executable, "-m", "safeharbor.cli", "rules", "mdt-sessions"],
        input=json.dumps({"from": "2031-01-01", "count": 37}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("count:")


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(min_value=date(2026, 1, 1), max_value=date(2060, 12, 31)),
    count=st.integers(min_value=1, max_value=36),
    weekday=st.integers(min_value=0, max_value=4),
    week=st.integers(min_value=1, max_value=4),
)
def test_sessions_are_ordered_on_or_after_from_and_never_on_a_holiday(start, count, weekday, week):
    policy = AgencyPolicy(mdt_weekday=weekday, mdt_week_of_month=week)
    calendar = rules.HolidayCalendar.from_policy(policy)
    found = rules.sessions_from(start, count, policy=policy, calendar=calendar)
    assert len(found) == count
    days = [s.date for s in found]
    assert days == sorted(days) and len(set(days)) == count
    assert days[0] >= start
    for s in found:
        assert s.date.weekday() == weekday
        assert not calendar.is_holiday(s.date)
        if s.moved_from:
            assert calendar.is_holiday(s.moved_from) and s.reason
            assert (s.date - s.moved_from).days % 7 == 0
        else:
            assert s.date == rules.nth_weekday(s.date.year, s.date.month, weekday, week)


# --- Business days and slot assignment --------------------------------------------------------


def test_lead_time_skips_weekends_and_holidays():
    # Accepted Thursday 2031-01-16: Friday 17, (weekend), Monday 20 is MLK Day, Tuesday 21.
    assert rules.add_business_days(date(2031, 1, 16), 2, CAL) == date(2031, 1, 21)
    assert rules.earliest_session_date(date(2031, 1, 5), policy=POLICY, calendar=NO_HOLIDAYS) == date(2031, 1, 7)


def _slots(
    *days: date, per: int = 2, taken: dict[tuple[date, int], tuple[str, bool]] | None = None
) -> list[rules.SlotState]:
    taken = taken or {}
    out = []
    for day in days:
        for position in range(1, per + 1):
            ref, urgent = taken.get((day, position), (None, False))
            out.append(rules.SlotState(f"{day}-{position}", day, position, ref, urgent))
    return out


FEB, MAR, APR = date(2031, 2, 5), date(2031, 3, 5), date(2031, 4, 2)


def test_earliest_free_slot_respects_the_lead_time():
    # Accepted Monday 3 February: 2 business days -> Wednesday 5 February is the earliest date.
    offer = rules.offer_slot(
        rules.Candidate("a", False, date(2031, 2, 3)), _slots(FEB, MAR), policy=POLICY, calendar=NO_HOLIDAYS
    )
    assert offer is not None and offer.session_date == FEB and offer.position == 1
    # Accepted Tuesday 4 February: too late for the 5th.
    offer = rules.offer_slot(
        rules.Candidate("a", False, date(2031, 2, 4)), _slots(FEB, MAR), policy=POLICY, calendar=NO_HOLIDAYS
    )
    assert offer is not None and offer.session_date == MAR


def test_full_sessions_go_to_the_next_one():
    slots = _slots(FEB, MAR, taken={(FEB, 1): ("x", False), (FEB, 2): ("y", True)})
    offer = rules.offer_slot(rules.Candidate("a", False, date(2031, 1, 20)), slots, policy=POLICY, calendar=NO_HOLIDAYS)
    assert offer is not None and (offer.session_date, offer.position) == (MAR, 1)


def test_nothing_free_means_unplaced():
    slots = _slots(FEB, per=1, taken={(FEB, 1): ("x", False)})
    result = rules.assign_slots(
        [rules.Candidate("a", False, date(2031, 1, 20))], slots, policy=POLICY, calendar=NO_HOLIDAYS
    )
    assert result.unplaced == ["a"] and not result.offers


def test_urgent_referrals_choose_first():
    candidates = [
        rules.Candidate("early-plain", False, date(2031, 1, 10), order=1),
        rules.Candidate("later-urgent", True, date(2031, 1, 20), order=2),
        rules.Candidate("mid-plain", False, date(2031, 1, 15), order=3),
    ]
    result = rules.assign_slots(candidates, _slots(FEB, MAR, per=1), policy=POLICY, calendar=NO_HOLIDAYS)
    assert result.offers["later-urgent"].session_date == FEB
    assert result.offers["early-plain"].session_date == MAR
    assert result.unplaced == ["mid-plain"]


def test_urgent_referral_whose_lead_time_excludes_a_session_does_not_take_it():
    candidates = [rules.Candidate("urgent", True, date(2031, 2, 4)), rules.Candidate("plain", False, date(2031, 1, 2))]
    result = rules.assign_slots(candidates, _slots(FEB, MAR, per=1), policy=POLICY, calendar=NO_HOLIDAYS)
    assert result.offers["urgent"].session_date == MAR
    assert result.offers["plain"].session_date == FEB


def test_bump_options_are_earlier_non_urgent_slots_only():
    slots = _slots(
        FEB,
        MAR,
        APR,
        per=1,
        taken={(FEB, 1): ("plain", False), (MAR, 1): ("urgent-other", True)},
    )
    candidate = rules.Candidate("new-urgent", True, date(2031, 1, 20))
    offer = rules.offer_slot(candidate, slots, policy=POLICY, calendar=NO_HOLIDAYS)
    assert offer is not None and offer.session_date == APR
    options = rules.bump_options(candidate, slots, policy=POLICY, calendar=NO_HOLIDAYS)
    assert [(o.session_date, o.bumps) for o in options] == [(FEB, "plain")]


def test_no_bump_option_when_a_free_slot_is_as_early():
    slots = _slots(FEB, taken={(FEB, 1): ("plain", False)})
    candidate = rules.Candidate("new", True, date(2031, 1, 20))
    assert rules.bump_options(candidate, slots, policy=POLICY, calendar=NO_HOLIDAYS) == []


def test_urgency_reasons():
    assert rules.urgency_reasons(csec_status="confirmed_victim", missing_or_in_window=False) == ["confirmed_victim"]
    assert rules.urgency_reasons(csec_status="suspected_victim", missing_or_in_window=True) == [
        "missing_or_72_hour_window"
    ]
    assert rules.urgency_reasons(csec_status="at_risk", missing_or_in_window=False) == []


def test_partner_window():
    session_day = date(2031, 2, 5)
    kwargs = {"published_on": date(2031, 1, 20), "session_date": session_day, "policy": POLICY}
    assert not rules.partner_window_open(today=date(2031, 1, 19), **kwargs)
    assert rules.partner_window_open(today=date(2031, 1, 20), **kwargs)
    assert rules.partner_window_open(today=session_day + timedelta(days=30), **kwargs)
    assert not rules.partner_window_open(today=session_day + timedelta(days=31), **kwargs)
    assert not rules.partner_window_open(published_on=None, session_date=session_day, today=session_day, policy=POLICY)
