"""Plain-words help for each screening indicator code (RULES.md §1), linked from the screening form.

Pure data: the codes are those of `safeharbor.screening.codes`; the text is ours, citing the handbook.
"""

from __future__ import annotations

from dataclasses import dataclass

H = "handbook 13-19, CSEC Victim Identification"


@dataclass(frozen=True)
class IndicatorHelp:
    code: str
    label: str
    explanation: str
    citation: str
    glossary_keys: tuple[str, ...] = ()


HELP: dict[str, IndicatorHelp] = {
    h.code: h
    for h in (
        IndicatorHelp(
            "foster_care",
            "In foster care",
            "Youth in care, above all those who were sexually abused, are targeted more often: exploiters look for their needs and their access.",
            H,
        ),
        IndicatorHelp(
            "sexual_abuse_history",
            "History of sexual abuse",
            "Earlier sexual abuse is the most common shared experience of exploited children and raises the risk.",
            H,
        ),
        IndicatorHelp(
            "abuse_neglect_history",
            "History of abuse or neglect",
            "Many exploited children were abused or neglected before they were exploited.",
            H,
        ),
        IndicatorHelp(
            "runaway_history",
            "Running away",
            "A youth who runs is at highest risk of recruitment in the first 72 hours away; repeated running is a strong risk factor.",
            H,
        ),
        IndicatorHelp(
            "homeless_or_unstably_housed",
            "Homeless or unstably housed",
            "A youth surviving alone may be made to trade sex for a place to sleep, food or other needs (survival sex).",
            H,
        ),
        IndicatorHelp(
            "group_home_or_shelter",
            "Group home or shelter",
            "Exploiters target group homes and shelters, and may push residents to recruit others.",
            H,
        ),
        IndicatorHelp("older_partner", "Older partner", "A relationship with an adult or a much older partner.", H),
        IndicatorHelp(
            "controlling_relationship",
            "Controlling relationship",
            "Signs of control: repeated calls from a partner, fear of displeasing them, a partner who decides where the youth goes.",
            H,
        ),
        IndicatorHelp(
            "unexplained_possessions",
            "Unexplained possessions",
            "New clothes, phones, hair or nails done, or shopping trips the youth has no means to pay for.",
            H,
        ),
        IndicatorHelp(
            "no_control_of_money", "No control of money", "Someone else holds or takes the youth's money.", H
        ),
        IndicatorHelp(
            "the_life_lingo",
            "Words of the life",
            "The youth uses the words of the life among peers, or calls a partner Daddy. The glossary explains each term.",
            "handbook 13-19, Language and Terminology of the Pimp Structure",
            (
                "daddy",
                "bottom",
                "dates",
                "johns",
                "tricks",
                "square",
                "track",
                "wife-in-law",
                "stable",
                "pimp-circle",
                "out-of-pocket",
                "the-life",
                "the-game",
            ),
        ),
        IndicatorHelp(
            "unaccounted_time",
            "Unaccounted-for time",
            "Time the youth cannot or will not explain, secrecy about where they were, defensiveness when asked.",
            H,
        ),
        IndicatorHelp("late_hours", "Late or unusual hours", "Keeping late-night or unusual hours.", H),
        IndicatorHelp(
            "provocative_clothing",
            "Sexually provocative clothing",
            "Never a warning sign by itself: many exploited youth dress in ordinary clothes. It does not count toward any threshold.",
            H,
        ),
        IndicatorHelp(
            "sexual_online_profile",
            "Sexual online profile",
            "An explicitly sexual profile on social or community sites.",
            H,
        ),
        IndicatorHelp(
            "classified_sites_chat",
            "Classified or chat sites",
            "Heavy use of chat rooms or classified-ad sites known for recruitment.",
            "handbook 13-19, Methods of Exploitation",
        ),
        IndicatorHelp(
            "law_enforcement_contact",
            "Law-enforcement contact",
            "Frequent contact with police or probation, such as citations related to commercial sex.",
            H,
        ),
        IndicatorHelp(
            "recruiting_peers",
            "Recruiting peers",
            "The youth brings other youth, for example in a group home, to an exploiter.",
            H,
        ),
        IndicatorHelp(
            "unexplained_injuries",
            "Unexplained injuries",
            "Bruises, black eyes, cuts or marks without a believable account.",
            H,
        ),
        IndicatorHelp(
            "branding_tattoo",
            "Branding tattoo",
            "A tattoo or brand, often an exploiter's name on the neck, chest or arms, marking the youth as property.",
            H,
        ),
    )
}
