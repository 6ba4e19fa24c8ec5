"""`safeharbor demo`: fictional demo data, created once (running it again changes nothing).

One agency with the handbook's default settings, two units, a user for every role, and 40
fictional youth with aliases, placements and caseworker assignments; then each app's own demo data.
Every name here is invented. The agency name says DEMO so nobody mistakes it for real records.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeharbor.accounts.models import RoleGrant, Unit, User
from safeharbor.accounts.roles import ALWAYS_MFA, Role
from safeharbor.agency.models import Agency
from safeharbor.agency.services import agency_create
from safeharbor.care.models import PartnerOrganisation
from safeharbor.core.demo import DEMO_APPS, DemoContext
from safeharbor.youth.models import Alias, Assignment, Facility, Placement, Youth

DEMO_SLUG = "demo-county"
DEMO_PASSWORD = "safeharbor-demo-only-2026"  # noqa: S105 - fictional demo credential, documented in README

# (username, first, last, roles, unit key)
DEMO_USERS: list[tuple[str, str, str, list[str], str | None]] = [
    ("worker", "Wren", "Calloway", [Role.WORKER], "north"),
    ("worker2", "Tobias", "Ferrante", [Role.WORKER], "north"),
    ("worker3", "Imani", "Okafor", [Role.WORKER], "south"),
    ("supervisor", "Delphine", "Ashgrove", [Role.SUPERVISOR], None),
    ("supervisor2", "Marcus", "Lindqvist", [Role.SUPERVISOR], None),
    ("coordinator", "Rosalind", "Quintero", [Role.COORDINATOR], None),
    ("manager", "Harlan", "Whitcombe", [Role.MANAGER], None),
    ("partner", "Juniper", "Vale", [Role.PARTNER], None),
    ("auditor", "Percival", "Ng", [Role.AUDITOR], None),
    ("admin", "Odessa", "Brandt", [Role.ADMIN], None),
]

FIRST_NAMES = [
    "Amaris",
    "Bexley",
    "Calla",
    "Dariela",
    "Esmae",
    "Faelyn",
    "Giselle",
    "Halona",
    "Ilse",
    "Jessamy",
    "Kaia",
    "Liora",
    "Marisol",
    "Nerissa",
    "Odalys",
    "Paloma",
    "Quinley",
    "Rhiannon",
    "Saoirse",
    "Tamsin",
    "Ulani",
    "Vesper",
    "Willa",
    "Xiomara",
    "Yarrow",
    "Zinnia",
    "Anselm",
    "Brannock",
    "Caspian",
    "Dashiell",
    "Evander",
    "Florian",
    "Gideon",
    "Hollis",
    "Isandro",
    "Jory",
    "Kestrel",
    "Leander",
    "Matteo",
    "Nikolai",
]
LAST_NAMES = [
    "Abernathy",
    "Beaumont",
    "Castellanos",
    "Delacroix",
    "Everhart",
    "Fairweather",
    "Galloway",
    "Hargrove",
    "Iverson",
    "Juarez-Pell",
    "Kingsley",
    "Lockhart",
    "Montclair",
    "Northcott",
    "Oyelaran",
    "Pemberton",
    "Quillfeather",
    "Ravenscroft",
    "Sandoval-Ruiz",
    "Thistlewood",
]
STREET_NAMES = ["Sparrow", "Jinx", "Honey", "Blaze", "Kiki", "Echo", "Roxy", "Dice"]
# The ICWA status of demo youth i, cycling through every status. The first three on the demo worker's
# caseload (i = 0, 3, 6) are "not an Indian child": the missing-from-care demo records their tribe's
# notice as not applying ("no tribal affiliation found").
ICWA_CYCLE = ["not_inquired", "no", "yes", "not_inquired", "reason_to_know"]
ICWA_NOT_INDIAN = frozenset({0, 3, 6})


def demo_icwa_status(i: int) -> str:
    return "no" if i in ICWA_NOT_INDIAN else ICWA_CYCLE[i % len(ICWA_CYCLE)]


FACILITIES = [("Maplewood Youth Home (fictional)", "group_home"), ("Harbor Light Shelter (fictional)", "shelter")]


class Command(BaseCommand):
    help = "Load fictional demo data (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="allow outside DEBUG/development")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["force"]:
            raise CommandError("Refusing to load demo data in production.")
        with transaction.atomic():
            ctx = self._base()
        for app in DEMO_APPS:
            try:
                module = import_module(f"safeharbor.{app}.demo")
            except ModuleNotFoundError:
                continue
            with transaction.atomic():
                module.populate(ctx)
        verb = "Created" if ctx.created else "Kept"
        self.stdout.write(f"{verb} demo agency {ctx.agency.slug!r}: {len(ctx.users)} users, {len(ctx.youth)} youth.")

    def _base(self) -> DemoContext:
        agency = Agency.objects.filter(slug=DEMO_SLUG).first()
        if agency is not None:
            existing = {u.username: u for u in User.objects.filter(agency=agency)}
            youth = list(Youth.objects.filter(agency=agency).order_by("id"))
            return DemoContext(agency=agency, users=existing, youth=youth, created=False)
        # The same path as a real county's agency: default settings, catalogues and directory, audited.
        agency = agency_create(actor=None, name="Demo County Family Services (DEMO, fictional)", slug=DEMO_SLUG)
        org = PartnerOrganisation.objects.create(
            agency=agency, name="Lantern Youth Advocates (fictional)", city="Demo City"
        )
        users: dict[str, User] = {}
        for username, first, last, roles, _unit in DEMO_USERS:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.invalid",
                agency=agency,
                partner_organisation=org if Role.PARTNER in roles else None,
                # Only while DEBUG is on, and never for partners, auditors and admins (permissions.may_skip_mfa).
                mfa_exempt_in_demo=True,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            for role in roles:
                RoleGrant.objects.create(user=user, role=role)
            if ALWAYS_MFA.intersection(roles):
                # These roles can never skip the second factor; `safeharbor demo_code USERNAME` prints
                # the current code of this demo-only device.
                TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
            users[username] = user
        north = Unit.objects.create(
            agency=agency, name="North Family Services", supervisor=users["supervisor"], manager=users["manager"]
        )
        south = Unit.objects.create(
            agency=agency, name="South Family Services", supervisor=users["supervisor2"], manager=users["manager"]
        )
        units = {"north": north, "south": south}
        for username, _first, _last, _roles, unit_key in DEMO_USERS:
            if unit_key:
                User.objects.filter(pk=users[username].pk).update(unit=units[unit_key])
                users[username].unit = units[unit_key]
        facilities = [Facility.objects.create(agency=agency, name=name, kind=kind) for name, kind in FACILITIES]
        youth = self._youth(agency, users, facilities)
        return DemoContext(agency=agency, users=users, youth=youth, created=True)

    def _youth(self, agency: Agency, users: dict[str, User], facilities: list[Facility]) -> list[Youth]:
        rng = random.Random(20261129)  # noqa: S311 - deterministic demo data, not security
        workers = [users["worker"], users["worker2"], users["worker3"]]
        genders = ["female", "female", "female", "male", "transgender", "non_binary", "unknown"]
        result = []
        recorded_at = timezone.now() - timedelta(days=30)
        for i in range(40):
            first = FIRST_NAMES[i]
            last = LAST_NAMES[i % len(LAST_NAMES)]
            dob = date(2008, 1, 1) + timedelta(days=rng.randrange(0, 365 * 7))
            verified = i % 5 != 4
            icwa = demo_icwa_status(i)
            youth = Youth.objects.create(
                agency=agency,
                legal_first_name=first,
                legal_last_name=last,
                preferred_name=first[:4] if i % 6 == 0 else "",
                date_of_birth=dob if i % 13 != 12 else None,
                dob_verified=verified and i % 13 != 12,
                dob_verification="birth_certificate" if verified and i % 13 != 12 else "",
                gender=genders[i % len(genders)],
                state_client_id=f"DEMO-{1000 + i}",
                icwa_status=icwa,
                icwa_status_at=None if icwa == "not_inquired" else recorded_at,
                created_by=workers[i % 3],
            )
            if i % 2 == 0:
                Alias.objects.create(youth=youth, kind="street", name=STREET_NAMES[i % len(STREET_NAMES)])
            if i % 3 == 0:
                Alias.objects.create(youth=youth, kind="spelling", name=f"{first[:-1]}e {last}")
            start = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 500))
            Placement.objects.create(
                youth=youth, placement_type="relative", start=start - timedelta(days=200), end=start
            )
            if i % 4 == 0:
                facility = facilities[(i // 4) % 2]
                Placement.objects.create(youth=youth, placement_type=facility.kind, facility=facility, start=start)
            else:
                Placement.objects.create(youth=youth, placement_type="foster_family", start=start)
            worker = workers[i % 3]
            Assignment.objects.create(
                youth=youth, worker=workers[(i + 1) % 3], start=start - timedelta(days=300), end=start
            )
            Assignment.objects.create(youth=youth, worker=worker, start=start)
            from safeharbor.youth import search

            search.youth_reindex(youth=youth)
            result.append(youth)
        return result
