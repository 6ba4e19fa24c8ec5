"""MDT calendar and slot assignment (RULES.md §4; handbook 13-19, "Multidisciplinary Team Meetings").

Pure functions: no ORM, no request. They read the agency's settings from `AgencyPolicy` and a holiday
calendar, and return plain values that the services store and the pages, API and CLI show.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import holidays as holidays_lib

from safeharbor.agency.policy import AgencyPolicy
from safeharbor.core.ruleinput import RuleInputError, parse_date_value, read_date, read_int
from safeharbor.core.rules_registry import RuleContract

AGENCY_HOLIDAY = "Agency holiday"
MAX_COUNT = 36
# A session never moves more than this many weeks: a calendar closed for longer is a setting error.
MAX_MOVES = 8


# --- Holidays ---------------------------------------------------------------------------------


class HolidayCalendar:
    """Dates the agency is closed, with their names.

    Either the default calendar (the `holidays` package for the agency's country and subdivision,
    e.g. "US-CA", plus the agency's additions, minus its removals) or an explicit list of dates.
    """

    def __init__(
        self,
        *,
        calendar: str | None = "US-CA",
        additions: Iterable[tuple[str, str]] = (),
        removals: Iterable[str] = (),
        explicit: Iterable[date] | None = None,
    ) -> None:
        self._explicit = None if explicit is None else frozenset(explicit)
        self._calendar = calendar or ""
        self._additions = {date.fromisoformat(day): name for day, name in additions}
        self._removals = frozenset(date.fromisoformat(day) for day in removals)
        self._loaded_years: set[int] = set()
        self._library: dict[date, str] = {}

    @classmethod
    def from_policy(cls, policy: AgencyPolicy) -> HolidayCalendar:
        return cls(
            calendar=policy.holiday_calendar, additions=policy.holiday_additions, removals=policy.holiday_removals
        )

    @classmethod
    def only(cls, dates: Iterable[date]) -> HolidayCalendar:
        return cls(explicit=dates)

    def _load(self, year: int) -> None:
        if year in self._loaded_years:
            return
        self._loaded_years.add(year)
        if not self._calendar:
            return
        country, _, subdiv = self._calendar.partition("-")
        table = holidays_lib.country_holidays(country, subdiv=subdiv or None, years=year)
        for day, name in table.items():
            if day.year == year:
                self._library[day] = name

    def name_of(self, day: date) -> str | None:
        """The holiday's name when the agency is closed on `day`, otherwise None."""
        if self._explicit is not None:
            return AGENCY_HOLIDAY if day in self._explicit else None
        if day in self._removals:
            return None
        if day in self._additions:
            return self._additions[day]
        self._load(day.year)
        return self._library.get(day)

    def is_holiday(self, day: date) -> bool:
        return self.name_of(day) is not None

    def days_between(self, first: date, last: date) -> list[tuple[date, str]]:
        """Every closure from `first` to `last` inclusive, with its name, in date order."""
        found = []
        day = first
        while day <= last:
            name = self.name_of(day)
            if name:
                found.append((day, name))
            day += timedelta(days=1)
        return found


# --- Session dates ----------------------------------------------------------------------------

_Date = date  # the dataclass below has a field named `date`


@dataclass(frozen=True)
class SessionDate:
    date: date
    start: str
    end: str
    room: str
    slots: int
    moved_from: _Date | None = None
    reason: str = ""

    @property
    def nominal_date(self) -> _Date:
        """The date the rule gives before any move (the key of a generated session)."""
        return self.moved_from or self.date

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "date": self.date.isoformat(),
            "start": self.start,
            "end": self.end,
            "room": self.room,
            "slots": self.slots,
        }
        if self.moved_from is not None:
            out["moved_from"] = self.moved_from.isoformat()
            out["reason"] = self.reason
        return out


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The nth (1-based) given weekday (Monday=0) of a month."""
    first = date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (nth - 1))


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def session_for_month(year: int, month: int, *, policy: AgencyPolicy, calendar: HolidayCalendar) -> SessionDate:
    """The month's session: the rule's date, moved week by week past holidays (the reason says why)."""
    nominal = nth_weekday(year, month, policy.mdt_weekday, policy.mdt_week_of_month)
    day = nominal
    first_reason = calendar.name_of(day)
    moves = 0
    while calendar.is_holiday(day):
        moves += 1
        if moves > MAX_MOVES:
            raise ValueError(f"no working {day:%A} within {MAX_MOVES} weeks of {nominal.isoformat()}")
        day += timedelta(days=7)
    return SessionDate(
        date=day,
        start=policy.mdt_start.strftime("%H:%M"),
        end=policy.mdt_end.strftime("%H:%M"),
        room=policy.mdt_room,
        slots=policy.mdt_slots,
        moved_from=None if day == nominal else nominal,
        reason="" if day == nominal else (first_reason or AGENCY_HOLIDAY),
    )


def sessions_from(
    start_from: date, count: int, *, policy: AgencyPolicy, calendar: HolidayCalendar
) -> list[SessionDate]:
    """`count` sessions on or after `start_from`, in date order.

    The month before `start_from` is looked at too: its session may have been moved forward past
    `start_from`. A month whose session (after moving) falls before `start_from` is skipped.
    """
    year, month = _add_months(start_from.year, start_from.month, -1)
    found: list[SessionDate] = []
    # Moves are at most MAX_MOVES weeks, so three extra months always suffice to keep the order.
    months_needed = count + 3
    for step in range(months_needed + 1):
        y, m = _add_months(year, month, step)
        session = session_for_month(y, m, policy=policy, calendar=calendar)
        if session.date >= start_from:
            found.append(session)
        if len(found) >= count + 2:
            break
    found.sort(key=lambda s: s.date)
    unique: list[SessionDate] = []
    for session in found:
        if not unique or unique[-1].date != session.date:
            unique.append(session)
    return unique[:count]


# --- Business days ----------------------------------------------------------------------------


def is_business_day(day: date, calendar: HolidayCalendar) -> bool:
    return day.weekday() < 5 and not calendar.is_holiday(day)


def add_business_days(day: date, days: int, calendar: HolidayCalendar) -> date:
    """The date `days` business days after `day` (weekends and holidays skipped)."""
    current = day
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_business_day(current, calendar):
            remaining -= 1
    return current


def earliest_session_date(accepted_on: date, *, policy: AgencyPolicy, calendar: HolidayCalendar) -> date:
    """A slot may be offered on or after this date (default: 2 business days after acceptance)."""
    return add_business_days(accepted_on, policy.mdt_lead_business_days, calendar)


# --- Urgency ----------------------------------------------------------------------------------


def urgency_reasons(*, csec_status: str, missing_or_in_window: bool) -> list[str]:
    """Why a referral is urgent (RULES.md §4): codes, empty when it is not."""
    reasons = []
    if csec_status == "confirmed_victim":
        reasons.append("confirmed_victim")
    if missing_or_in_window:
        reasons.append("missing_or_72_hour_window")
    return reasons


URGENCY_LABELS = {
    "confirmed_victim": "Confirmed victim",
    "missing_or_72_hour_window": "Missing from care, or within 72 hours of leaving",
}


# --- Slot assignment --------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotState:
    """One slot of a session as the rule sees it."""

    slot_key: Any
    session_date: date
    position: int
    referral_key: Any | None = None
    urgent: bool = False


@dataclass(frozen=True)
class Candidate:
    """A referral waiting for a slot."""

    key: Any
    urgent: bool
    accepted_on: date
    order: Any = 0  # tie-breaker (acceptance instant, id)


@dataclass(frozen=True)
class SlotOffer:
    slot_key: Any
    session_date: date
    position: int
    bumps: Any | None = None  # the referral moved out of the slot, when bumping


@dataclass
class Assignment:
    offers: dict[Any, SlotOffer] = field(default_factory=dict)
    unplaced: list[Any] = field(default_factory=list)


def candidate_order(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Urgent referrals first, then in order of acceptance."""
    return sorted(candidates, key=lambda c: (not c.urgent, c.accepted_on, c.order))


def _sorted_slots(slots: Iterable[SlotState]) -> list[SlotState]:
    return sorted(slots, key=lambda s: (s.session_date, s.position, str(s.slot_key)))


def assign_slots(
    candidates: Iterable[Candidate],
    slots: Sequence[SlotState],
    *,
    policy: AgencyPolicy,
    calendar: HolidayCalendar,
) -> Assignment:
    """Give each candidate the earliest free slot at least the lead time after its acceptance.

    Urgent candidates choose first. A candidate with no free slot is listed in `unplaced` (the
    coordinator adds a session or bumps a non-urgent slot). Free slots are never taken twice.
    """
    free = [s for s in _sorted_slots(slots) if s.referral_key is None]
    result = Assignment()
    for candidate in candidate_order(candidates):
        earliest = earliest_session_date(candidate.accepted_on, policy=policy, calendar=calendar)
        chosen = next((s for s in free if s.session_date >= earliest), None)
        if chosen is None:
            result.unplaced.append(candidate.key)
            continue
        free.remove(chosen)
        result.offers[candidate.key] = SlotOffer(chosen.slot_key, chosen.session_date, chosen.position)
    return result


def offer_slot(
    candidate: Candidate, slots: Sequence[SlotState], *, policy: AgencyPolicy, calendar: HolidayCalendar
) -> SlotOffer | None:
    """The earliest free slot for one referral, or None when every eligible session is full."""
    return assign_slots([candidate], slots, policy=policy, calendar=calendar).offers.get(candidate.key)


def bump_options(
    candidate: Candidate, slots: Sequence[SlotState], *, policy: AgencyPolicy, calendar: HolidayCalendar
) -> list[SlotOffer]:
    """Non-urgent occupied slots the coordinator may give to `candidate` instead, earliest first.

    Only slots earlier than the free slot on offer (if any) are worth a bump, and an urgent
    referral is never bumped.
    """
    earliest = earliest_session_date(candidate.accepted_on, policy=policy, calendar=calendar)
    offer = offer_slot(candidate, slots, policy=policy, calendar=calendar)
    options = []
    for slot in _sorted_slots(slots):
        if slot.referral_key is None or slot.urgent or slot.referral_key == candidate.key:
            continue
        if slot.session_date < earliest:
            continue
        if offer is not None and slot.session_date >= offer.session_date:
            continue
        options.append(SlotOffer(slot.slot_key, slot.session_date, slot.position, bumps=slot.referral_key))
    return options


# --- Partner window ---------------------------------------------------------------------------


def partner_window_open(*, published_on: date | None, session_date: date, today: date, policy: AgencyPolicy) -> bool:
    """An outside member sees the packet from the agenda's publication until N days after the session."""
    if published_on is None:
        return False
    return published_on <= today <= session_date + timedelta(days=policy.partner_window_days)


# --- The contract: `safeharbor rules mdt-sessions` --------------------------------------------


def _read_holidays(data: Mapping[str, Any]) -> HolidayCalendar | None:
    if "holidays" not in data:
        return None
    value = data["holidays"]
    if not isinstance(value, list):
        raise RuleInputError("holidays", "must be a list of dates (YYYY-MM-DD)")
    return HolidayCalendar.only(parse_date_value("holidays", item) for item in value)


def mdt_sessions(data: Mapping[str, Any], policy: AgencyPolicy) -> dict[str, Any]:
    start_from = read_date(data, "from")
    count = read_int(data, "count", minimum=1, maximum=MAX_COUNT)
    assert start_from is not None and count is not None
    calendar = _read_holidays(data) or HolidayCalendar.from_policy(policy)
    try:
        sessions = sessions_from(start_from, count, policy=policy, calendar=calendar)
    except ValueError as exc:
        raise RuleInputError("holidays", str(exc)) from None
    return {"sessions": [s.as_json() for s in sessions]}


MDT_SESSIONS_CONTRACT = RuleContract(
    name="mdt-sessions",
    summary="MDT session dates from a date: the agency's weekday and hours, holidays moved a week on.",
    handler=mdt_sessions,
)
