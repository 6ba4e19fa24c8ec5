"""The agency's policy settings as a plain, immutable value that the pure rules read.

Defaults are the handbook's (DFCS handbook 13-19) and RULES.md's; each agency may change them
(stored on `Agency`, every change audited). Rules never read the database: they get this object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

STRONG_SIGNS_DEFAULT: tuple[str, ...] = (
    "branding_tattoo",
    "the_life_lingo",
    "sexual_online_profile",
    "recruiting_peers",
)

# The 24-hour notices of W&I 16501.35 (RULES.md §3); codes are part of the duty kinds
# (`missing.notice.<code>`). The tribe's notice applies only to an Indian child (ICWA).
NOTICES_DEFAULT: tuple[str, ...] = ("parents", "tribe")
ICWA_NOTICES_DEFAULT: tuple[str, ...] = ("tribe",)


@dataclass(frozen=True)
class AgencyPolicy:
    time_zone: str = "America/Los_Angeles"
    # Screening (RULES.md §1-2)
    strong_signs: tuple[str, ...] = STRONG_SIGNS_DEFAULT
    suspected_sign_threshold: int = 3
    rescreen_months: int = 6
    # Missing from care (RULES.md §3)
    report_hours: int = 24
    danger_window_hours: int = 72
    return_debrief_hours: int = 72
    return_screening_hours: int = 72
    notices: tuple[str, ...] = NOTICES_DEFAULT
    icwa_notices: tuple[str, ...] = ICWA_NOTICES_DEFAULT
    # MDT (RULES.md §4; handbook: first Wednesday, 10:00-12:00, one hour per youth)
    mdt_weekday: int = 2  # Monday=0
    mdt_week_of_month: int = 1
    mdt_start: time = time(10, 0)
    mdt_end: time = time(12, 0)
    mdt_room: str = "San Jose Room"
    mdt_slot_minutes: int = 60
    mdt_lead_business_days: int = 2
    partner_window_days: int = 30
    holiday_calendar: str = "US-CA"
    holiday_additions: tuple[tuple[str, str], ...] = field(default=())  # (ISO date, name)
    holiday_removals: tuple[str, ...] = field(default=())  # ISO dates that are not closures
    # Services (RULES.md §5)
    immediate_due_days: int = 7
    # Website access (RULES.md §6)
    webaccess_approval_days: int = 30
    # Deadlines and audit
    due_soon_hours: int = 4
    burst_threshold: int = 50

    @property
    def mdt_slots(self) -> int:
        minutes = (self.mdt_end.hour * 60 + self.mdt_end.minute) - (self.mdt_start.hour * 60 + self.mdt_start.minute)
        return max(0, minutes // self.mdt_slot_minutes)
