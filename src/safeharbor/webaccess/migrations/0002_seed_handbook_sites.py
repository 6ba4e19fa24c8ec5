"""Seed every existing agency's site catalogue with the sites handbook 13-19 names ("Internet").

A frozen copy (migrations never import app code); new agencies get the same list from
`safeharbor.webaccess.services.site_catalogue_seed`.
"""

from django.db import migrations

SITES = (
    ("facebook.com", "Facebook", "open"),
    ("myredbook.com", "MyRedbook", "approval_required"),
    ("craigslist.com", "Craigslist", "approval_required"),
    ("craigslist.org", "Craigslist", "approval_required"),
    ("myspace.com", "MySpace", "approval_required"),
    ("blackplanet.com", "BlackPlanet", "approval_required"),
    ("backpage.com", "Backpage", "approval_required"),
    ("instagram.com", "Instagram", "approval_required"),
    ("snapchat.com", "Snapchat", "approval_required"),
)


def seed(apps, schema_editor):
    Agency = apps.get_model("agency", "Agency")
    Site = apps.get_model("webaccess", "Site")
    for agency in Agency.objects.all():
        for domain, name, level in SITES:
            Site.objects.get_or_create(agency=agency, domain=domain, defaults={"name": name, "access_level": level})


class Migration(migrations.Migration):
    dependencies = [("webaccess", "0001_site_catalogue_requests_research")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
