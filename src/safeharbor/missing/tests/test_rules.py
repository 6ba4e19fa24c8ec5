import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safeharbor.agency.policy import AgencyPolicy
from safeharbor.core import rules_registry
from safeharbor.core.ruleinput import RuleInputError

LA = ZoneInfo("America/Los_Angeles")


def run(data, policy=None):
    return rules_registry.run("missing-deadlines", data, policy)


def test_spring_forward_shifts_the_wall_clock_not_the_instant():
    # 2026-03-08 02:00 PST -> 03:00 PDT. 24 elapsed hours from 20:00 PST end at 21:00 PDT.
    out = run(
        {"last_seen_at": "2026-03-07T20:00:00-08:00", "discovered_at": "2026-03-07T20:00:00-08:00", "returned_at": None}
    )
    assert out == {
        "report_law_enforcement_by": "2026-03-08T21:00:00-07:00",
        "report_ncmec_by": "2026-03-08T21:00:00-07:00",
        "notices_by": "2026-03-08T21:00:00-07:00",
        "high_risk_window_ends": "2026-03-10T21:00:00-07:00",
        "return_debrief_due": None,
        "return_screening_due": None,
    }


def test_fall_back_shifts_the_wall_clock_the_other_way():
    # 2026-11-01 02:00 PDT -> 01:00 PST. 24 elapsed hours from 20:00 PDT end at 19:00 PST.
    out = run(
        {
            "last_seen_at": "2026-10-30T22:00:00",
            "discovered_at": "2026-10-31T20:00:00",
            "returned_at": "2026-10-31T23:30:00",
        }
    )
    assert out["notices_by"] == "2026-11-01T19:00:00-08:00"
    assert out["high_risk_window_ends"] == "2026-11-02T21:00:00-08:00"  # from last seen, 22:00 PDT + 72 h
    assert out["return_debrief_due"] == "2026-11-03T22:30:00-08:00"
    assert out["return_screening_due"] == "2026-11-03T22:30:00-08:00"


def test_window_runs_from_discovery_when_last_seen_unknown():
    out = run({"last_seen_at": None, "discovered_at": "2026-06-01T08:00:00-07:00"})
    assert out["high_risk_window_ends"] == "2026-06-04T08:00:00-07:00"
    assert out["return_debrief_due"] is None


def test_a_value_without_offset_is_read_in_the_agency_zone():
    out = run(
        {"last_seen_at": None, "discovered_at": "2026-01-10T09:00:00"}, AgencyPolicy(time_zone="America/New_York")
    )
    assert out["notices_by"] == "2026-01-11T09:00:00-05:00"


def test_utc_input_is_shown_in_the_agency_zone():
    out = run({"last_seen_at": None, "discovered_at": "2026-07-01T12:00:00Z"})
    assert out["report_ncmec_by"] == "2026-07-02T05:00:00-07:00"


def test_policy_hours_apply():
    policy = AgencyPolicy(return_debrief_hours=24, return_screening_hours=48)
    out = run(
        {
            "last_seen_at": None,
            "discovered_at": "2026-07-01T12:00:00-07:00",
            "returned_at": "2026-07-02T12:00:00-07:00",
        },
        policy,
    )
    assert out["return_debrief_due"] == "2026-07-03T12:00:00-07:00"
    assert out["return_screening_due"] == "2026-07-04T12:00:00-07:00"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"last_seen_at": "2026-03-07T20:00:00-08:00", "discovered_at": "2026-03-07T19:59:00-08:00"}, "discovered_at"),
        (
            {
                "last_seen_at": "2026-03-07T20:00:00-08:00",
                "discovered_at": "2026-03-08T20:00:00",
                "returned_at": "2026-03-07T19:00:00-08:00",
            },
            "returned_at",
        ),
        (
            {"last_seen_at": None, "discovered_at": "2026-03-08T10:00:00", "returned_at": "2026-03-08T09:00:00"},
            "returned_at",
        ),
        ({"last_seen_at": None}, "discovered_at"),
        ({"last_seen_at": None, "discovered_at": "yesterday"}, "discovered_at"),
        ({"last_seen_at": 5, "discovered_at": "2026-03-08T10:00:00"}, "last_seen_at"),
    ],
)
def test_bad_input_names_the_field(data, field):
    with pytest.raises(RuleInputError) as info:
        run(data)
    assert info.value.field == field


def test_return_between_last_seen_and_discovery_is_accepted():
    out = run(
        {
            "last_seen_at": "2026-03-01T10:00:00",
            "discovered_at": "2026-03-01T18:00:00",
            "returned_at": "2026-03-01T12:00:00",
        }
    )
    assert out["return_debrief_due"] == "2026-03-04T12:00:00-08:00"


instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC))


@given(last_seen=instants, gap=st.integers(0, 10_000), back=st.one_of(st.none(), st.integers(0, 20_000)))
def test_elapsed_time_whatever_the_season(last_seen, gap, back):
    discovered = last_seen + timedelta(minutes=gap)
    returned = None if back is None else last_seen + timedelta(minutes=back)
    out = run(
        {
            "last_seen_at": last_seen.isoformat(),
            "discovered_at": discovered.isoformat(),
            "returned_at": returned.isoformat() if returned else None,
        }
    )
    ends = datetime.fromisoformat(out["notices_by"])
    assert ends - discovered == timedelta(hours=24)
    assert ends.utcoffset() == ends.astimezone(LA).utcoffset()
    assert datetime.fromisoformat(out["high_risk_window_ends"]) - last_seen == timedelta(hours=72)
    if returned is None:
        assert out["return_screening_due"] is None
    else:
        assert datetime.fromisoformat(out["return_screening_due"]) - returned == timedelta(hours=72)


def _cli(payload: str) -> subprocess.CompletedProcess:
    exe = str(Path(sys.executable).with_name("safeharbor"))
    return subprocess.run(
        [exe, "rules", "missing-deadlines"], input=payload, capture_output=True, text=True, timeout=120, check=False
    )


def test_cli_contract():
    done = _cli(
        json.dumps(
            {
                "last_seen_at": "2026-03-07T20:00:00-08:00",
                "discovered_at": "2026-03-07T20:00:00-08:00",
                "returned_at": None,
            }
        )
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["report_law_enforcement_by"] == "2026-03-08T21:00:00-07:00"
    bad = _cli(
        json.dumps({"last_seen_at": None, "discovered_at": "2026-03-08T10:00:00", "returned_at": "2026-03-08T09:00:00"})
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("returned_at")
    assert "Traceback" not in bad.stderr


@pytest.mark.django_db
def test_api_contract(personas, client):
    client.force_login(personas.worker, backend="django.contrib.auth.backends.ModelBackend")
    url = "/api/v1/rules/missing-deadlines"
    ok = client.post(
        url, {"last_seen_at": None, "discovered_at": "2026-03-07T20:00:00-08:00"}, content_type="application/json"
    )
    assert ok.status_code == 200
    assert ok.json()["notices_by"] == "2026-03-08T21:00:00-07:00"
    bad = client.post(
        url,
        {"last_seen_at": "2026-03-07T20:00:00-08:00", "discovered_at": "2026-03-07T10:00:00-08:00"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "discovered_at" in bad.json()
