"""factory_boy factories for tests and benchmarks. All data is fictional."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from factory.django import DjangoModelFactory

from safeharbor.accounts.models import RoleGrant, Unit, User
from safeharbor.agency.models import Agency
from safeharbor.care.models import PartnerOrganisation
from safeharbor.youth.models import Alias, Assignment, Facility, Placement, Youth

TEST_PASSWORD = "correct-horse-battery-staple-42"  # noqa: S105 - fictional test credential


class AgencyFactory(DjangoModelFactory[Agency]):
    class Meta:
        model = Agency
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Fictional County {n} Agency")
    slug = factory.Sequence(lambda n: f"county-{n}")


class UnitFactory(DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Unit {n}")


def _letters(n: int) -> str:
    """0 -> "a", 25 -> "z", 26 -> "ba": a suffix with no digits, as a surname would have."""
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(ord("a") + r) + out
        if n == 0:
            return out


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # Staff names come from their own pool, never Faker's: a page header shows the signed-in user's
    # name, and tests assert that a youth's (Faker) name is absent from a page.
    first_name = "Staff"
    last_name = factory.Sequence(lambda n: f"Member{_letters(n)}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    agency = factory.SubFactory(AgencyFactory)

    @factory.post_generation
    def password(obj: Any, create: bool, extracted: str | None, **kwargs: Any) -> None:
        obj.set_password(extracted or TEST_PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def roles(obj: Any, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if create and extracted:
            for role in extracted:
                RoleGrant.objects.create(user=obj, role=role)
            obj.__dict__.pop("roles", None)


class PartnerOrganisationFactory(DjangoModelFactory[PartnerOrganisation]):
    class Meta:
        model = PartnerOrganisation

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Fictional Advocacy Group {n}")


class YouthFactory(DjangoModelFactory[Youth]):
    class Meta:
        model = Youth

    agency = factory.SubFactory(AgencyFactory)
    legal_first_name = factory.Faker("first_name")
    legal_last_name = factory.Faker("last_name")
    # Always a minor of 12 to 16 today, so tests never depend on which random birthday was drawn.
    date_of_birth = factory.Faker("date_between", start_date="-16y", end_date="-12y")
    dob_verified = True
    dob_verification = "birth_certificate"
    gender = "female"
    icwa_status = "not_inquired"  # the model's default: the ICWA inquiry not yet made


class AliasFactory(DjangoModelFactory[Alias]):
    class Meta:
        model = Alias

    youth = factory.SubFactory(YouthFactory)
    kind = "aka"
    name = factory.Faker("first_name")


class FacilityFactory(DjangoModelFactory[Facility]):
    class Meta:
        model = Facility

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Fictional Group Home {n}")
    kind = "group_home"


class PlacementFactory(DjangoModelFactory[Placement]):
    class Meta:
        model = Placement

    youth = factory.SubFactory(YouthFactory)
    placement_type = "foster_family"
    start = dt.date(2025, 1, 1)


class AssignmentFactory(DjangoModelFactory[Assignment]):
    class Meta:
        model = Assignment

    youth = factory.SubFactory(YouthFactory)
    worker = factory.SubFactory(UserFactory)
    start = dt.date(2025, 1, 1)
