"""Seed every existing agency's partner directory with the organisations handbook 13-19 lists.

A frozen copy of the list (migrations never import app code); new agencies get the same list from
`safeharbor.care.services.partner_directory_seed`.
"""

from django.db import migrations

ORGANISATIONS = (
    (
        "MISSSEY (Motivating, Inspiring, Supporting and Serving Sexually Exploited Youth)",
        "community_advocacy",
        "Oakland, CA",
        "San Francisco Bay Area",
        "https://www.misssey.org",
        [],
    ),
    (
        "The SAGE Project (Standing Against Global Exploitation)",
        "community_advocacy",
        "San Francisco, CA",
        "San Francisco Bay Area",
        "https://www.sagesf.org",
        [],
    ),
    (
        "GEMS (Girls Educational and Mentoring Services)",
        "community_advocacy",
        "New York, NY",
        "",
        "https://www.gems-girls.org",
        [],
    ),
    ("Polaris Project", "national_resource", "Washington, DC", "United States", "https://www.polarisproject.org", []),
    ("Runaway Girl, FPC", "employment", "", "", "", ["employment_assistance"]),
    (
        "H.E.A.T. Watch (Alameda County District Attorney's Office)",
        "law_enforcement",
        "",
        "Alameda County, CA",
        "https://www.heat-watch.org",
        [],
    ),
    (
        "National Center for Missing & Exploited Children",
        "national_resource",
        "",
        "United States",
        "https://www.missingkids.com",
        [],
    ),
)


def seed(apps, schema_editor):
    Agency = apps.get_model("agency", "Agency")
    PartnerOrganisation = apps.get_model("care", "PartnerOrganisation")
    for agency in Agency.objects.all():
        for name, kind, city, area, website, services in ORGANISATIONS:
            PartnerOrganisation.objects.get_or_create(
                agency=agency,
                name=name,
                defaults={"kind": kind, "city": city, "area_served": area, "website": website, "services": services},
            )


class Migration(migrations.Migration):
    dependencies = [("care", "0002_partner_directory_and_service_plans")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
