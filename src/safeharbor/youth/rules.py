"""Pure rules about youth records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from safeharbor.agency.policy import AgencyPolicy
from safeharbor.core.ruleinput import RuleInputError, read_date
from safeharbor.core.rules_registry import RuleContract
from safeharbor.core.timeutils import age_on


def age_contract(data: Mapping[str, Any], policy: AgencyPolicy) -> dict[str, Any]:
    """Age in completed years on a date: {"date_of_birth": "YYYY-MM-DD", "on": "YYYY-MM-DD"}."""
    dob = read_date(data, "date_of_birth")
    on = read_date(data, "on")
    assert dob is not None and on is not None
    if on < dob:
        raise RuleInputError("on", f"is before the date of birth ({on.isoformat()})")
    years = age_on(dob, on)
    return {"age": years, "minor": years < 18}


AGE_CONTRACT = RuleContract(name="age", summary="Age in completed years on a date.", handler=age_contract)
