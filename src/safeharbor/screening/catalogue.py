"""The default indicator catalogue: labels and help in our own words, each citing handbook 13-19.

Agencies may change labels and help (audited); codes never change. Pure data: no models.
The data migration `0002_seed_indicator_catalogue` carries a frozen copy of this table.
"""

from __future__ import annotations

from typing import NamedTuple

from safeharbor.screening.codes import CONFIRMING_FACTS, INDICATORS


class Entry(NamedTuple):
    label: str
    help_text: str
    section: str


_ID = "CSEC Victim Identification"

DEFAULT_CATALOGUE: dict[str, Entry] = {
    # Vulnerability factors
    "foster_care": Entry(
        "In foster care",
        "The youth is or has been in the foster care system. Exploiters target foster youth for their particular "
        "vulnerabilities and because they are easy to reach. Raises priority; not a sign of exploitation by itself.",
        _ID,
    ),
    "sexual_abuse_history": Entry(
        "History of sexual abuse",
        "Sexual abuse in childhood is the most common shared history of exploited children and raises the risk "
        "considerably, especially for youth in care.",
        _ID,
    ),
    "abuse_neglect_history": Entry(
        "History of abuse or neglect",
        "Many exploited children have earlier abuse or neglect in their history. Raises priority.",
        "Reference Points",
    ),
    "runaway_history": Entry(
        "Significant running away (AWOL)",
        "Repeated or long absences from placement. A youth who runs is most at risk of recruitment in the first "
        "72 hours away.",
        _ID,
    ),
    "homeless_or_unstably_housed": Entry(
        "Homeless or unstably housed",
        "A youth surviving on their own may be pressed to trade sex for shelter, food or other needs (survival sex).",
        _ID,
    ),
    "group_home_or_shelter": Entry(
        "Lives in a group home or shelter",
        "Exploiters target group homes and youth shelters, and residents may be asked to recruit others.",
        _ID,
    ),
    # Signs of exploitation
    "older_partner": Entry(
        "Relationship with an older partner or adults",
        "A relationship with an adult or a much older partner.",
        _ID,
    ),
    "controlling_relationship": Entry(
        "Controlling or dominating relationship",
        'For example repeated calls from a "boyfriend", or strong worry about displeasing a partner.',
        _ID,
    ),
    "unexplained_possessions": Entry(
        "Unexplained shopping, possessions or grooming",
        "Expensive items, new clothes, hair or nails done, without the means to pay for them independently.",
        _ID,
    ),
    "no_control_of_money": Entry(
        "Not in control of own money",
        "Someone else holds or decides over the youth's money.",
        _ID,
    ),
    "the_life_lingo": Entry(
        'Uses the lingo of "the life"',
        'Slang of "the life" among peers, or calling a boyfriend "Daddy". See the glossary of terms '
        "(handbook 13-19, Language and Terminology).",
        _ID,
    ),
    "unaccounted_time": Entry(
        "Unaccounted-for time",
        "Vague or secret about whereabouts, or defensive when asked.",
        _ID,
    ),
    "late_hours": Entry(
        "Late-night or unusual hours",
        "Keeps late-night or unusual hours.",
        _ID,
    ),
    "provocative_clothing": Entry(
        "Sexually provocative clothing",
        "Recorded for completeness only: clothing is never a warning sign by itself and counts toward no "
        "threshold. Many exploited youth dress plainly.",
        _ID,
    ),
    "sexual_online_profile": Entry(
        "Sexually explicit online profile",
        "An explicitly sexual profile on a social or community website.",
        _ID,
    ),
    "classified_sites_chat": Entry(
        "Heavy use of chat rooms or classified-ad sites",
        "Frequent use of chat rooms or classified-ad sites known for recruitment and advertising.",
        _ID,
    ),
    "law_enforcement_contact": Entry(
        "Frequent law-enforcement or probation contact",
        "Repeated police or probation involvement, such as citations related to prostitution.",
        _ID,
    ),
    "recruiting_peers": Entry(
        "Recruiting other youth",
        "The youth is asked to, or does, recruit other youth, for example in a group home. Recording this "
        "prompts a notice to the workers of other youth at the same facility.",
        _ID,
    ),
    "unexplained_injuries": Entry(
        "Unexplained injuries",
        "Visible signs of abuse: bruises, black eyes, cuts or marks that are not explained.",
        _ID,
    ),
    "branding_tattoo": Entry(
        "Branding or tattoo of an exploiter",
        "A tattoo or brand, often a name on the neck, chest or arms, that marks the youth as someone's.",
        _ID,
    ),
    # Confirming facts
    "commercial_sex_involvement": Entry(
        "Involvement in the commercial sex industry",
        "Any involvement: trafficking, pornography, stripping, escort, erotic massage, phone sex, or survival sex "
        "(sex exchanged for housing, food or anything of value). With a verified age under 18 on the date, the "
        "youth is a victim.",
        _ID,
    ),
    "prostitution_related_record": Entry(
        "Record or arrest for prostitution or a related charge",
        "A record, citation or earlier arrest for prostitution or a related charge. The youth is a victim, not "
        "an offender, when under 18 on the date.",
        _ID,
    ),
}

assert set(DEFAULT_CATALOGUE) == set(INDICATORS) | set(CONFIRMING_FACTS)

ORDER: tuple[str, ...] = (*INDICATORS, *CONFIRMING_FACTS)
