"""The shared default guidance text: handbook 13-19's glossary, myths, strategies, needs, legal basis
and version 1 of the policy sections.

It belongs to no agency. `services.guidance_defaults_ensure(agency=...)` copies it into an agency
(when the agency is created, or on its first use of the guidance pages); from then on the agency's
admin edits only the agency's own copy. The data migration `0002_seed_handbook_13_19` carries a frozen
copy of this text (migrations never import app code); `tests/test_agency_content.py` checks that the
two still agree, so a new agency starts where the existing ones started.

All text is our own summary of the handbook and of the statutes, with the section it comes from.
It never copies the handbook's sentences, and it names no person and no telephone number.
"""

from __future__ import annotations

from datetime import date
from typing import Any

HANDBOOK_CODE = "13-19"
HANDBOOK_TITLE = "Commercial Sexual Exploitation of Children (CSEC)"
HANDBOOK_EFFECTIVE = date(2014, 4, 4)
FIRST_VERSION_NOTE = "First version, summarised from the handbook page effective 4/4/2014."
GLOSSARY_CITATION = "handbook 13-19, Language and Terminology of the Pimp Structure"
NEEDS_CITATION = "handbook 13-19, Strategies and Approaches"

H = "handbook 13-19"

GLOSSARY: list[tuple[str, str, str, str]] = [
    (
        "daddy",
        "Daddy",
        "What a youth may call the pimp who controls them. The word borrows the authority and affection of a father, which makes the control harder to name.",
        "the_life_lingo",
    ),
    (
        "bottom",
        "Bottom (bottom bitch)",
        "The person who has been under one pimp the longest. The pimp gives her a middle role: keeping the others in line, recruiting and reporting.",
        "the_life_lingo",
    ),
    (
        "dates",
        "Dates",
        "Buyers of sex from the youth. A youth may speak of seeing a number of dates in a night.",
        "the_life_lingo",
    ),
    ("johns", "Johns", "Another word for the buyers of sex.", "the_life_lingo"),
    ("tricks", "Tricks", "Another word for the buyers; to turn a trick is to be sold for sex once.", "the_life_lingo"),
    (
        "square",
        "Square",
        "Outside the life. Going square is trying to leave it; squares are people, including police, who are not part of it and are seen as not understanding it.",
        "the_life_lingo",
    ),
    (
        "track",
        "The stroll / the track",
        "A street or area, often a set of cross streets, where youth are sold for sex, usually at night.",
        "the_life_lingo",
    ),
    ("wife-in-law", "Wife-in-law", "What the youth controlled by the same pimp call one another.", "the_life_lingo"),
    ("stable", "Stable", "The group of youth one pimp controls.", "the_life_lingo"),
    (
        "pimp-circle",
        "Pimp circle",
        "Several pimps surrounding one youth and hurling insults, to humiliate and frighten her or him into obedience.",
        "the_life_lingo",
    ),
    (
        "out-of-pocket",
        "Out of pocket",
        "Breaking the pimp's rules, for example by looking at or talking to another pimp. It is often punished.",
        "the_life_lingo",
    ),
    (
        "the-life",
        "The life",
        "Commercial sexual exploitation seen as a whole way of living, with its own rules, words and ranks.",
        "the_life_lingo",
    ),
    (
        "the-game",
        "The game",
        "The business of pimping and its rules, as those inside it speak of it.",
        "the_life_lingo",
    ),
]

MYTHS: list[tuple[str, str, str, str]] = [
    (
        "Not in my backyard",
        "Buying and selling children for sex happens in other countries, not here.",
        "It is a large and growing business inside the United States and in California. A child moved across a city suffers the same harm as one moved across a border.",
        f"{H}, Myth Busters",
    ),
    (
        "The scarlet letter",
        'A sexually active girl is "fast" or "loose" and gets what she deserves.',
        "Labels like fast, loose or promiscuous move the blame from the exploiter to the child, and so help the exploiter. Responsibility belongs to the adult who sells or buys the child.",
        f"{H}, Myth Busters",
    ),
    (
        "Consent",
        "The child agreed to it, so it is not abuse.",
        "A child under 18 cannot legally consent, whatever the circumstances. What looks like agreement is won and kept through fraud, pressure or force.",
        f"{H}, Myth Busters",
    ),
    (
        "Choice",
        'A "child prostitute" chose this way of life.',
        "Calling a child a prostitute suggests a free choice and a crime by the child; such children have been arrested and treated as offenders. They are victims of deception and abuse.",
        f"{H}, Myth Busters",
    ),
]

STRATEGIES: list[tuple[str, str, str]] = [
    (
        "Change your language",
        "Do not call a child a prostitute: the word implies a choice the child did not have. Say the youth is a victim of commercial sexual exploitation, trafficked by adults. The language check in SafeHarbor flags such words as you write.",
        f"{H}, Strategies and Approaches",
    ),
    (
        "Account for trauma",
        "Plan interventions and services knowing that these youth have lived through severe physical and psychological violence. Expect layered trauma and build trust over time.",
        f"{H}, Strategies and Approaches",
    ),
    (
        "Meet immediate and long-term needs",
        "Address what the youth needs now (safety, health) and what they will need to build a life outside exploitation (housing, school, work, money skills).",
        f"{H}, Strategies and Approaches",
    ),
    (
        "Learn the words of the life",
        "Knowing the terms a youth uses helps you listen, understand and engage. Use the glossary; record the youth's words in quotation marks.",
        f"{H}, Language and Terminology of the Pimp Structure",
    ),
    (
        "Bring in the team",
        "When you believe a youth is exploited or at risk, ask the CSEC coordinator for an MDT meeting with the MDT referral form.",
        f"{H}, CSEC Multidisciplinary Team Meeting",
    ),
]

NEEDS: list[tuple[str, str, str, int]] = [
    ("immediate", "Safe placement", "A placement where the exploiter cannot reach the youth.", 1),
    ("immediate", "Physical health exam", "A medical examination soon after identification.", 2),
    (
        "immediate",
        "Trauma-informed mental health services",
        "Mental health care that addresses several layers of trauma.",
        3,
    ),
    ("long_term", "Child care", "Care for the youth's own children, so services and school are possible.", 1),
    ("long_term", "Housing", "Stable housing that does not depend on the exploiter.", 2),
    ("long_term", "Educational assistance", "Help returning to and staying in school.", 3),
    ("long_term", "Employment assistance", "Help finding and keeping lawful work.", 4),
    ("long_term", "Life skills training", "Everyday skills for living independently.", 5),
    ("long_term", "Financial management", "Learning to handle one's own money.", 6),
    ("long_term", "Legal services", "Help with records, court matters and victims' rights.", 7),
    ("long_term", "Mental health services", "Continuing therapy and support over time.", 8),
]

LEGAL: list[tuple[str, str, str, str, str, str]] = [
    (
        "18-usc-2251",
        "18 U.S.C. § 2251",
        "Sexual exploitation of children",
        "federal",
        "Federal crime of using, persuading or coercing a minor into sexually explicit conduct in order to make a visual depiction of it, and of parents or guardians who allow it.",
        f"{H}, Reference Points",
    ),
    (
        "pc-236-1",
        "Cal. Penal Code § 236.1",
        "Human trafficking",
        "california",
        "California's human-trafficking crime. Causing or persuading a minor to engage in a commercial sex act is trafficking, and the minor's consent is no defence.",
        f"{H}, Reference Points",
    ),
    (
        "pc-311-3",
        "Cal. Penal Code § 311.3",
        "Sexual exploitation of a child",
        "california",
        "California crime of knowingly developing, duplicating, printing or exchanging material that depicts a minor in sexual conduct.",
        f"{H}, Reference Points",
    ),
    (
        "42-usc-671-a-34",
        "42 U.S.C. § 671(a)(34)",
        "Reporting sex-trafficking victims and missing children",
        "federal",
        "A state plan for foster care must have the agency report to law enforcement, within 24 hours, a child identified as a sex-trafficking victim, and report a missing or abducted child to law enforcement (for NCIC) and to the National Center for Missing & Exploited Children.",
        "RULES.md §3",
    ),
    (
        "42-usc-671-a-35",
        "42 U.S.C. § 671(a)(35)",
        "Locating and responding to children who run away",
        "federal",
        "A state plan must have procedures to locate children missing from foster care, find out why they left and what happened while they were away, and screen them for sex trafficking.",
        "RULES.md §3",
    ),
    (
        "pl-113-183",
        "P.L. 113-183",
        "Preventing Sex Trafficking and Strengthening Families Act (2014)",
        "federal",
        "The federal act that added the identification, screening and reporting duties for youth in foster care who are, or are at risk of becoming, sex-trafficking victims.",
        "RULES.md §3",
    ),
    (
        "wic-16501-35",
        "Cal. Welf. & Inst. Code § 16501.35",
        "Sex-trafficking duties of county child-welfare agencies",
        "california",
        "Sets the county agency's duties toward children who are or may be sex-trafficking victims, including reporting a missing child to law enforcement and, as amended, giving notices within 24 hours.",
        "RULES.md §3",
    ),
    (
        "wic-16501-45",
        "Cal. Welf. & Inst. Code § 16501.45",
        "Data on commercially sexually exploited children",
        "california",
        "Requires the state's case-management system to record children identified as exploited, including whether the exploitation happened before entering care, while in care, while absent from care, or whether the child is at risk.",
        "RULES.md §2",
    ),
    (
        "wic-827",
        "Cal. Welf. & Inst. Code § 827",
        "Confidentiality of juvenile case files",
        "california",
        "Limits who may inspect juvenile case files and what they may share; MDT members see only what the law and the meeting need.",
        "RULES.md §4",
    ),
    (
        "wic-18961-7",
        "Cal. Welf. & Inst. Code § 18961.7",
        "Child abuse multidisciplinary personnel teams",
        "california",
        "Lets counties form multidisciplinary teams that may share otherwise confidential information about a child to prevent, identify and treat abuse, and keeps what they share confidential.",
        "RULES.md §4",
    ),
    (
        "pc-13753",
        "Cal. Penal Code § 13753",
        "Human-trafficking multidisciplinary teams",
        "california",
        "Allows multidisciplinary teams on human trafficking to share information among members, under a duty to keep it confidential.",
        "RULES.md §4",
    ),
    (
        "pc-11166",
        "Cal. Penal Code § 11166",
        "Mandated reporting of child abuse",
        "california",
        "Mandated reporters must report known or suspected child abuse, including commercial sexual exploitation, to the police or child-welfare agency at once by phone and in writing soon after.",
        "RULES.md §3",
    ),
]

MDT_FORM: dict[str, Any] = {
    "label": "CSEC MDT referral form",
    "url_name": "mdt:referral-new",
    "fallback_url_name": "youth:list",
    "note": "Filled in for one youth: open it from the youth's profile.",
}

SECTIONS: list[tuple[str, str, str, list[str], list[dict[str, Any]], list[str]]] = [
    (
        "reference-points",
        "Reference Points",
        "Defines the commercial sexual exploitation of children as the use of the power gap between an adult and a child for sex in exchange for something of value, including sex trafficking and child pornography. It notes that exploitation often starts around age 12, that California and the Bay Area see much of it, and that children known to child welfare, especially those with histories of abuse, neglect and sexual abuse, are targeted most.",
        ["18-usc-2251", "pc-236-1", "pc-311-3"],
        [MDT_FORM],
        [],
    ),
    (
        "victim-identification",
        "CSEC Victim Identification",
        "A youth whose age is verified as under 18 and who is involved in any part of the commercial sex industry, or who has a record of prostitution-related charges, is a victim. The section lists risk factors (foster care, sexual abuse, running away, group homes) and signs (older or controlling partners, unexplained possessions, no control of money, the words of the life, unaccounted time, sexual online profiles, branding tattoos). Provocative clothing is not a sign by itself. A youth who runs away is at highest risk of recruitment in the first 72 hours.",
        ["pl-113-183", "wic-16501-45", "42-usc-671-a-35"],
        [],
        ["screening", "missing-deadlines"],
    ),
    (
        "methods",
        "Methods of Exploitation",
        "Exploiters isolate, coerce, use violence, seduce and recruit. Exploitation happens on the street (the stroll or track), in strip clubs, massage and escort businesses, phone-sex lines, private parties, gangs, families and online. Looking at advertising and social sites for a case needs management approval; one social site is open for work research, and computer use may be reviewed.",
        [],
        [],
        [],
    ),
    (
        "terminology",
        "Language and Terminology of the Pimp Structure",
        "Workers should know the words used in the life so they can understand and engage youth: Daddy, bottom, dates, johns and tricks, square, the stroll or track, wife-in-law, stable, pimp circle and out of pocket. The glossary explains each one; SafeHarbor recognises them in notes and suggests the matching screening sign.",
        [],
        [],
        ["language"],
    ),
    (
        "myths",
        "Myth Busters",
        "Four myths keep exploited children from being seen as victims: that it happens elsewhere, that a sexually active girl is to blame, that a child can consent, and that a child chooses it. Labels such as fast, loose or promiscuous, and the word prostitute, shift blame onto the child.",
        [],
        [],
        ["language"],
    ),
    (
        "strategies",
        "Strategies and Approaches to Engaging CSEC Population",
        "Stop using the word prostitute; these children are victims trafficked by adults. Plan services around the serious violence and trauma they have lived through. Meet immediate needs (safe placement, health exam, trauma-informed mental health care) and long-term needs (child care, housing, education, employment, life skills, money management, legal help, mental health).",
        [],
        [MDT_FORM],
        ["language", "care-interventions"],
    ),
    (
        "mdt",
        "CSEC Multidisciplinary Team Meeting",
        "A team of the agency's CSEC committee, a law-enforcement detective and community organisations that work with exploited youth reviews youth referred to it. A worker asks the CSEC coordinator for a meeting with the referral form. Meetings are held monthly on the first Wednesday morning, with an hour for each youth.",
        ["wic-827", "wic-18961-7", "pc-13753"],
        [MDT_FORM],
        ["mdt-sessions"],
    ),
    (
        "missing-from-care",
        "Youth Missing from Care (agency addition)",
        "When a youth in care is missing, the agency reports to law enforcement and to the national missing-children centre within 24 hours of learning of it, gives the notices state law requires, and treats the first 72 hours as the most dangerous. On return, the agency learns why the youth left and what happened, and screens the youth for exploitation.",
        ["42-usc-671-a-34", "42-usc-671-a-35", "pl-113-183", "wic-16501-35", "pc-11166"],
        [],
        ["missing-deadlines", "screening"],
    ),
    (
        "resources",
        "Other References",
        "Further reading comes from national and Bay Area organisations that serve sexually exploited youth and survivors, from a national anti-trafficking hotline organisation, from a district attorney's anti-trafficking programme, and from the national centre for missing and exploited children.",
        [],
        [],
        [],
    ),
]
