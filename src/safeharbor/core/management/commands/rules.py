"""`safeharbor rules NAME`: one JSON object on stdin, one on stdout, exit 0.

Bad input: exit 2 with one line on stderr naming the field and the bad value; never a traceback.
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from safeharbor.agency.policy import AgencyPolicy
from safeharbor.core import rules_registry
from safeharbor.core.ruleinput import RuleInputError


class Command(BaseCommand):
    help = "Evaluate one of the policy rules: JSON object on stdin, JSON object on stdout."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help="rule name; omit to list them")
        parser.add_argument("--agency", help="agency slug whose settings apply (default: the handbook's)")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options.get("name")
        if not name:
            for rule_name in rules_registry.names():
                self.stdout.write(f"{rule_name}\t{rules_registry.get_contract(rule_name).summary}")
            return
        if name not in rules_registry.CONTRACTS:
            self._fail(f"name: unknown rule {name!r} (known: {', '.join(rules_registry.names())})")
        policy = self._policy(options.get("agency"))
        raw = sys.stdin.read()
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            self._fail(f"input: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})")
        try:
            result = rules_registry.run(name, data, policy)
        except RuleInputError as exc:
            self._fail(str(exc))
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")

    def _policy(self, slug: str | None) -> AgencyPolicy:
        if not slug:
            return AgencyPolicy()
        from safeharbor.agency.models import Agency

        agency = Agency.objects.filter(slug=slug).first()
        if agency is None:
            self._fail(f"agency: no agency with slug {slug!r}")
        return agency.policy()

    def _fail(self, message: str) -> NoReturn:
        sys.stderr.write(message.replace("\n", " ") + "\n")
        sys.exit(2)
