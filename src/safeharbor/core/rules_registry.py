"""One registry of the pure rules of RULES.md, exposed to pages, the API and the CLI.

A rule contract takes one JSON object and the agency's policy, and returns one JSON object. It raises
`RuleInputError` for bad input. Contracts are listed here by import path so that importing the
registry stays cheap and each app keeps its rules in its own `rules.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from safeharbor.agency.policy import AgencyPolicy

Handler = Callable[[Mapping[str, Any], AgencyPolicy], dict[str, Any]]


@dataclass(frozen=True)
class RuleContract:
    name: str
    summary: str
    handler: Handler


# name -> "module:attribute" of a RuleContract
CONTRACTS: dict[str, str] = {}


def register(name: str, target: str) -> None:
    CONTRACTS[name] = target


def names() -> list[str]:
    return sorted(CONTRACTS)


def get_contract(name: str) -> RuleContract:
    try:
        target = CONTRACTS[name]
    except KeyError:
        raise LookupError(name) from None
    module_name, attr = target.split(":")
    contract = getattr(import_module(module_name), attr)
    if not isinstance(contract, RuleContract):
        raise TypeError(f"{target} is not a RuleContract")
    return contract


def run(name: str, data: Any, policy: AgencyPolicy | None = None) -> dict[str, Any]:
    from safeharbor.core.ruleinput import require_object

    contract = get_contract(name)
    return contract.handler(require_object(data), policy or AgencyPolicy())


# The contracts. Each app adds its line here.
register("age", "safeharbor.youth.rules:AGE_CONTRACT")
register("mdt-sessions", "safeharbor.mdt.rules:MDT_SESSIONS_CONTRACT")
register("missing-deadlines", "safeharbor.missing.rules:MISSING_DEADLINES_CONTRACT")
register("screening", "safeharbor.screening.rules:SCREENING_CONTRACT")
register("language", "safeharbor.guidance.rules:LANGUAGE_CONTRACT")
register("deidentify", "safeharbor.reports.rules:DEIDENTIFY_CONTRACT")
