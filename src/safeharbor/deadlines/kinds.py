"""The registry of duty kinds: every legal duty the software tracks, with its stable code.

Codes are a contract (the duty ledger, `GET /api/v1/duties/`, exports): add, never rename.
`docs/duties.md` holds the same table in prose; a test checks that the two agree.

Each kind names the rule that opens it, when it is due, who owns it, who is told when it is late,
the service that meets it and the service that cancels it (RULES.md §9). Plain data: no ORM here.
"""

from __future__ import annotations

from dataclasses import dataclass

NOTICE_PREFIX = "missing.notice."


@dataclass(frozen=True)
class DutyKind:
    code: str
    label: str
    legal_basis: str
    opens: str
    due: str
    owner: str
    meets: str
    cancels: str
    # Is this one of the protocol's legal duties (counted by the compliance figures)?
    legal_duty: bool = True


_KINDS: tuple[DutyKind, ...] = (
    DutyKind(
        code="missing.report_law_enforcement",
        label="Report the missing youth to law enforcement (NCIC entry)",
        legal_basis="42 USC 671(a)(34)(B); Cal. PC 11166; RULES.md §3",
        opens="missing.services.episode_report",
        due="24 h after the agency learned of the absence (discovered_at)",
        owner="the youth's current worker (else the reporter)",
        meets="missing.services.episode_record_report",
        cancels="none: the duty stands for every reported episode",
    ),
    DutyKind(
        code="missing.report_ncmec",
        label="Report the missing youth to NCMEC",
        legal_basis="42 USC 671(a)(34)(B); RULES.md §3",
        opens="missing.services.episode_report",
        due="24 h after discovered_at",
        owner="the youth's current worker (else the reporter)",
        meets="missing.services.episode_record_report",
        cancels="none",
    ),
    DutyKind(
        code=NOTICE_PREFIX + "<notice code>",
        label="24-hour notice (one kind per notice on the agency's list, e.g. parents, tribe)",
        legal_basis="Cal. W&I 16501.35 (2024); RULES.md §3 and §9",
        opens="missing.services.episode_report; for ICWA notices also missing.services.episodes_icwa_status_changed",
        due="24 h after discovered_at",
        owner="the youth's current worker (else the reporter)",
        meets="missing.services.episode_record_report (a notice that does not apply is closed as not_applicable)",
        cancels="missing.services.episodes_icwa_status_changed (ICWA notice when the youth is found not an Indian child)",
    ),
    DutyKind(
        code="missing.icwa_inquiry",
        label="Make the ICWA inquiry (is the youth an Indian child?)",
        legal_basis="25 USC 1912; Cal. W&I 224.2; RULES.md §9",
        opens="missing.services.episode_report, when the youth's ICWA status is 'inquiry not yet made'",
        due="24 h after discovered_at (the tribe notice it decides is due then)",
        owner="the youth's current worker (else the reporter)",
        meets="missing.services.episodes_icwa_status_changed (the status is recorded as yes, no or reason to know)",
        cancels="none",
    ),
    DutyKind(
        code="missing.return_debrief",
        label="Debrief the youth after the return",
        legal_basis="42 USC 671(a)(35); RULES.md §3",
        opens="missing.services.episode_return",
        due="the agency's return_debrief_hours after the return (default 72 h)",
        owner="the youth's current worker (else the person recording the return)",
        meets="missing.services.debrief_record",
        cancels="none",
    ),
    DutyKind(
        code="missing.return_screening",
        label="CSEC screening after the return",
        legal_basis="42 USC 671(a)(35); RULES.md §2 and §3",
        opens="missing.services.episode_return",
        due="the agency's return_screening_hours after the return (default 72 h)",
        owner="the youth's current worker (else the person recording the return)",
        meets="screening.services.screening_finalise (via missing.services.episode_return_screening_done)",
        cancels="none",
    ),
    DutyKind(
        code="screening.victim_report_law_enforcement",
        label="Report an identified victim of sex trafficking to law enforcement",
        legal_basis="42 USC 671(a)(34)(A); RULES.md §3",
        opens="screening.services.screening_finalise, at the youth's first confirmed-victim determination",
        due="24 h after the determination",
        owner="the youth's current worker (else the person who determined)",
        meets="screening.victim_reports.victim_report_record",
        cancels="none",
    ),
    DutyKind(
        code="screening.periodic_rescreening",
        label="Re-screen the youth (every 6 months while at risk or higher)",
        legal_basis="RULES.md §2 (agency setting rescreen_months, default 6)",
        opens="screening.services.screening_finalise, with a status of at risk or higher",
        due="rescreen_months after the screening was finalised (same wall-clock time, agency zone)",
        owner="the youth's current worker (else the person who finalised)",
        meets="screening.services.screening_finalise (the next screening; it opens the next period's duty)",
        cancels="screening.services.screening_finalise (a new status of no known risk)",
    ),
    DutyKind(
        code="care.immediate.safe_placement",
        label="Immediate intervention: safe placement",
        legal_basis="Handbook 13-19, Strategies; RULES.md §5",
        opens="care.services.immediate_interventions_ensure (suspected or confirmed determination)",
        due="immediate_due_days x 24 h after the determination (elapsed time, default 168 h)",
        owner="the youth's current worker (else the person who determined)",
        meets="care.services.service_item_update (status completed)",
        cancels="care.services.service_item_update (declined or not available)",
    ),
    DutyKind(
        code="care.immediate.health_exam",
        label="Immediate intervention: physical health exam",
        legal_basis="Handbook 13-19, Strategies; RULES.md §5",
        opens="care.services.immediate_interventions_ensure",
        due="immediate_due_days x 24 h after the determination",
        owner="the youth's current worker (else the person who determined)",
        meets="care.services.service_item_update (status completed)",
        cancels="care.services.service_item_update (declined or not available)",
    ),
    DutyKind(
        code="care.immediate.mental_health",
        label="Immediate intervention: mental health care for layered trauma",
        legal_basis="Handbook 13-19, Strategies; RULES.md §5",
        opens="care.services.immediate_interventions_ensure",
        due="immediate_due_days x 24 h after the determination",
        owner="the youth's current worker (else the person who determined)",
        meets="care.services.service_item_update (status completed)",
        cancels="care.services.service_item_update (declined or not available)",
    ),
    DutyKind(
        code="mdt.action_item",
        label="MDT action item",
        legal_basis="Handbook 13-19, MDT; RULES.md §4",
        opens="mdt.services.action_item_create",
        due="end of the due date (23:59, agency time)",
        owner="the person named at the meeting (a worker, the coordinator or a partner)",
        meets="mdt.services.action_item_complete",
        cancels="none",
    ),
    DutyKind(
        code="care.service",
        label="Long-term service with a due date",
        legal_basis="Handbook 13-19, Strategies (long-term services); a planning date, not a legal deadline",
        opens="care.services.service_item_create (when a due date is given)",
        due="close of business (17:00 agency time) on the chosen date",
        owner="the item's owner",
        meets="care.services.service_item_update (status completed)",
        cancels="care.services.service_item_update (declined or not available)",
        legal_duty=False,
    ),
)

KINDS: dict[str, DutyKind] = {kind.code: kind for kind in _KINDS}

# Care categories and their duty kinds (the category codes are the care app's own).
CARE_IMMEDIATE_KINDS: dict[str, str] = {
    "safe_placement": "care.immediate.safe_placement",
    "physical_health_exam": "care.immediate.health_exam",
    "mental_health_trauma": "care.immediate.mental_health",
}
CARE_LONG_TERM_KIND = "care.service"


def notice_kind(notice_code: str) -> str:
    return NOTICE_PREFIX + notice_code


# Prefixes of throwaway kinds the test suite opens to exercise the engine itself (set by the root
# conftest for tests only; empty in the application, where every kind is one of the registry's).
TEST_PREFIXES: tuple[str, ...] = ()


def is_registered(code: str) -> bool:
    """Is `code` a kind of the registry? A notice kind is any `missing.notice.<code>`."""
    if code in KINDS:
        return True
    if TEST_PREFIXES and code.startswith(TEST_PREFIXES):
        return True
    if code.startswith(NOTICE_PREFIX):
        rest = code[len(NOTICE_PREFIX) :]
        return bool(rest) and rest.replace("_", "").isalnum() and rest.islower()
    return False


def kind_of(code: str) -> DutyKind:
    if code.startswith(NOTICE_PREFIX) and is_registered(code):
        return KINDS[NOTICE_PREFIX + "<notice code>"]
    return KINDS[code]


def is_legal_duty(code: str) -> bool:
    return is_registered(code) and kind_of(code).legal_duty
