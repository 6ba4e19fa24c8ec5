"""Seed the default indicator catalogue (handbook 13-19) for every existing agency.

A frozen copy of `safeharbor.screening.catalogue` at the time of writing: migrations never import app
code. Agencies created later get their catalogue on demand (`indicator_catalogue_ensure`).
"""

from django.db import migrations

CATALOGUE = [
    (
        "foster_care",
        "vulnerability",
        "In foster care",
        "The youth is or has been in the foster care system. Exploiters target foster youth for their particular vulnerabilities and because they are easy to reach. Raises priority; not a sign of exploitation by itself.",
        "CSEC Victim Identification",
    ),
    (
        "sexual_abuse_history",
        "vulnerability",
        "History of sexual abuse",
        "Sexual abuse in childhood is the most common shared history of exploited children and raises the risk considerably, especially for youth in care.",
        "CSEC Victim Identification",
    ),
    (
        "abuse_neglect_history",
        "vulnerability",
        "History of abuse or neglect",
        "Many exploited children have earlier abuse or neglect in their history. Raises priority.",
        "Reference Points",
    ),
    (
        "runaway_history",
        "vulnerability",
        "Significant running away (AWOL)",
        "Repeated or long absences from placement. A youth who runs is most at risk of recruitment in the first 72 hours away.",
        "CSEC Victim Identification",
    ),
    (
        "homeless_or_unstably_housed",
        "vulnerability",
        "Homeless or unstably housed",
        "A youth surviving on their own may be pressed to trade sex for shelter, food or other needs (survival sex).",
        "CSEC Victim Identification",
    ),
    (
        "group_home_or_shelter",
        "vulnerability",
        "Lives in a group home or shelter",
        "Exploiters target group homes and youth shelters, and residents may be asked to recruit others.",
        "CSEC Victim Identification",
    ),
    (
        "older_partner",
        "sign",
        "Relationship with an older partner or adults",
        "A relationship with an adult or a much older partner.",
        "CSEC Victim Identification",
    ),
    (
        "controlling_relationship",
        "sign",
        "Controlling or dominating relationship",
        'For example repeated calls from a "boyfriend", or strong worry about displeasing a partner.',
        "CSEC Victim Identification",
    ),
    (
        "unexplained_possessions",
        "sign",
        "Unexplained shopping, possessions or grooming",
        "Expensive items, new clothes, hair or nails done, without the means to pay for them independently.",
        "CSEC Victim Identification",
    ),
    (
        "no_control_of_money",
        "sign",
        "Not in control of own money",
        "Someone else holds or decides over the youth's money.",
        "CSEC Victim Identification",
    ),
    (
        "the_life_lingo",
        "sign",
        'Uses the lingo of "the life"',
        'Slang of "the life" among peers, or calling a boyfriend "Daddy". See the glossary of terms (handbook 13-19, Language and Terminology).',
        "CSEC Victim Identification",
    ),
    (
        "unaccounted_time",
        "sign",
        "Unaccounted-for time",
        "Vague or secret about whereabouts, or defensive when asked.",
        "CSEC Victim Identification",
    ),
    (
        "late_hours",
        "sign",
        "Late-night or unusual hours",
        "Keeps late-night or unusual hours.",
        "CSEC Victim Identification",
    ),
    (
        "provocative_clothing",
        "sign",
        "Sexually provocative clothing",
        "Recorded for completeness only: clothing is never a warning sign by itself and counts toward no threshold. Many exploited youth dress plainly.",
        "CSEC Victim Identification",
    ),
    (
        "sexual_online_profile",
        "sign",
        "Sexually explicit online profile",
        "An explicitly sexual profile on a social or community website.",
        "CSEC Victim Identification",
    ),
    (
        "classified_sites_chat",
        "sign",
        "Heavy use of chat rooms or classified-ad sites",
        "Frequent use of chat rooms or classified-ad sites known for recruitment and advertising.",
        "CSEC Victim Identification",
    ),
    (
        "law_enforcement_contact",
        "sign",
        "Frequent law-enforcement or probation contact",
        "Repeated police or probation involvement, such as citations related to prostitution.",
        "CSEC Victim Identification",
    ),
    (
        "recruiting_peers",
        "sign",
        "Recruiting other youth",
        "The youth is asked to, or does, recruit other youth, for example in a group home. Recording this prompts a notice to the workers of other youth at the same facility.",
        "CSEC Victim Identification",
    ),
    (
        "unexplained_injuries",
        "sign",
        "Unexplained injuries",
        "Visible signs of abuse: bruises, black eyes, cuts or marks that are not explained.",
        "CSEC Victim Identification",
    ),
    (
        "branding_tattoo",
        "sign",
        "Branding or tattoo of an exploiter",
        "A tattoo or brand, often a name on the neck, chest or arms, that marks the youth as someone's.",
        "CSEC Victim Identification",
    ),
    (
        "commercial_sex_involvement",
        "confirming",
        "Involvement in the commercial sex industry",
        "Any involvement: trafficking, pornography, stripping, escort, erotic massage, phone sex, or survival sex (sex exchanged for housing, food or anything of value). With a verified age under 18 on the date, the youth is a victim.",
        "CSEC Victim Identification",
    ),
    (
        "prostitution_related_record",
        "confirming",
        "Record or arrest for prostitution or a related charge",
        "A record, citation or earlier arrest for prostitution or a related charge. The youth is a victim, not an offender, when under 18 on the date.",
        "CSEC Victim Identification",
    ),
]


def seed(apps, schema_editor):
    Agency = apps.get_model("agency", "Agency")
    IndicatorDefinition = apps.get_model("screening", "IndicatorDefinition")
    for agency in Agency.objects.all():
        existing = set(IndicatorDefinition.objects.filter(agency=agency).values_list("code", flat=True))
        IndicatorDefinition.objects.bulk_create(
            [
                IndicatorDefinition(
                    agency=agency,
                    code=code,
                    group=group,
                    label=label,
                    help_text=help_text,
                    handbook_section=section,
                    position=position,
                )
                for position, (code, group, label, help_text, section) in enumerate(CATALOGUE)
                if code not in existing
            ]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("agency", "0001_initial"),
        ("screening", "0001_screenings_and_status_history"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
