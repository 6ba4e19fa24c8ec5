# ruff: noqa: RUF001 - curly quotes are the subject matter; regex tables read best one per line
"""The victim-centred language check of RULES.md §7 (handbook 13-19). Pure: no ORM, no request.

Two kinds of finding:

- ``stigmatizing``: words that label a child ("prostitute", "fast", "loose", "promiscuous") or frame
  the exploitation as the child's consent or choice. Each gets a warning and a victim-centred
  alternative (handbook 13-19, "Myth Busters" and "Strategies and Approaches").
- ``lingo``: terms of "the life" (handbook 13-19, "Language and Terminology of the Pimp Structure").
  Each is shown with its meaning, and the ``the_life_lingo`` sign is suggested for the next screening.

Words inside quotation marks (straight or curly, double or single) are the youth's own words (or
someone else's, reported): they are still found, with ``quoted: true``, and the message says so.

Precision over recall where a word has an ordinary sense. Most terms of the life are ordinary words
("track", "stable", "dates", "square"), so each is matched only with the context that gives it its
lingo sense ("on the track", "his stable", "had three dates", "going square"), or when it stands alone
inside quotation marks (``"Daddy"``, ``'the track'``).

"Daddy" needs a decision, because a child may call a father that. It is flagged when:
  1. the note says someone is *called* or *referred to as* Daddy ("she calls him Daddy");
  2. it is written capitalised as a name in the middle of a sentence and not after a possessive
     ("she had to give the money to Daddy"; "her Daddy" and "my Daddy" are left alone);
  3. the same sentence carries a cue of exploitation (pimp, boyfriend, money, quota, dates, johns,
     tricks, the track, the life ...); or
  4. it stands alone inside quotation marks.
"Daddy picked me up from school" and "my dad and I" are not flagged.

"Boyfriend" is not flagged: the handbook itself uses it, and a note cannot tell an exploiter from a
boyfriend by the word alone.

A stigmatizing phrase may contain a term of the life ("wants to be in the life"): both findings are
reported, one of each kind. Within one kind, findings never overlap.

The contract: ``{"text": "..."}`` (at most 100,000 characters) ->
``{"findings": [{"start", "end", "term", "kind", "quoted", "message", "suggestion"}],
"suggested_indicators": ["the_life_lingo"] | []}``; ``text[start:end] == term``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from safeharbor.agency.policy import AgencyPolicy
from safeharbor.core.ruleinput import read_str
from safeharbor.core.rules_registry import RuleContract

MAX_TEXT = 100_000
LINGO_INDICATOR = "the_life_lingo"
STIGMA = "stigmatizing"
LINGO = "lingo"

CITE_MYTHS = "handbook 13-19, “Myth Busters” and “Strategies and Approaches to Engaging CSEC Population”"
CITE_LINGO = "handbook 13-19, “Language and Terminology of the Pimp Structure”"

LINGO_SUGGESTION = f"Consider recording the sign `{LINGO_INDICATOR}` on the youth's next screening."


@dataclass(frozen=True)
class Entry:
    """One term the check knows: its key, its kind, what to say and what to suggest."""

    key: str
    kind: str
    label: str  # the term as the glossary names it
    explanation: str  # stigmatizing: why it harms; lingo: its meaning
    suggestion: str
    patterns: tuple[str, ...]  # each contains one `(?P<T>...)`: the words reported
    accept: Callable[[str, int, int], bool] | None = None  # (text, start, end) -> keep?


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    term: str
    kind: str
    quoted: bool
    message: str
    suggestion: str
    key: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "term": self.term,
            "kind": self.kind,
            "quoted": self.quoted,
            "message": self.message,
            "suggestion": self.suggestion,
        }


# --- Context helpers --------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?\n]")
_EXPLOITATION_CUES = re.compile(
    r"\b(?:pimps?|pimping|boyfriend|exploiter|trafficker|money|cash|quota|earnings|dates|johns|tricks|"
    r"the\s+(?:track|stroll|life|game)|bottom|stable|wife[\s-]in[\s-]law|choosing)\b",
    re.IGNORECASE,
)
_SPORT_CUES = re.compile(
    r"\b(?:scored?|scoring|played|plays|playing|team|coach|basketball|soccer|football|baseball|softball|"
    r"volleyball|referee|video|console|won|lost|tickets?|stadium|quarter|inning|halftime)\b",
    re.IGNORECASE,
)


def _sentence(text: str, start: int, end: int) -> str:
    lo = max(0, start - 240)
    head = text[lo:start]
    cut = max((m.end() for m in _SENTENCE_END.finditer(head)), default=0)
    tail = text[end : end + 240]
    stop = _SENTENCE_END.search(tail)
    return head[cut:] + text[start:end] + (tail[: stop.start()] if stop else tail)


def _daddy_accept(text: str, start: int, end: int) -> bool:
    word = text[start:end]
    before = text[max(0, start - 40) : start]
    sentence = _sentence(text, start, end)
    if re.search(
        r"\b(?:call|calls|called|calling|refers?\s+to|referred\s+to|referring\s+to|known\s+as|named)\b", before, re.I
    ):
        return True
    if _EXPLOITATION_CUES.search(sentence.replace(word, " ", 1)):
        return True
    if word != "Daddy":
        return False
    stripped = before.rstrip(" \t\"'“‘")
    at_sentence_start = stripped == "" or stripped[-1] in ".!?:\n"
    possessive = re.search(r"\b(?:my|her|his|their|your|our)\s*$", before, re.I) is not None
    return not at_sentence_start and not possessive


def _johns_accept(text: str, start: int, end: int) -> bool:
    """ "johns"/"a john", not a person named John or Johns ("Mr. Johns", "Jasper Johns")."""
    word = text[start:end]
    if word.lower() == "john":
        return word == "john"
    if word == "Johns":
        before = text[max(0, start - 30) : start].rstrip()
        if re.search(r"\b(?:Mr|Ms|Mrs|Dr|Det|Officer)\.?$", before):
            return False
        if re.search(r"\b[A-Z][a-z]+$", before):
            return False
    return True


def _not_sport(text: str, start: int, end: int) -> bool:
    return _SPORT_CUES.search(_sentence(text, start, end)) is None


# --- The terms --------------------------------------------------------------------------------

_PUNCT_AFTER = r"""(?=\s*[.,;:!?)"”'’—–]|\s*$|\s+(?:of|and|who|which|that|with|for|in|at|under|now|since|until|when|where|because|as|but)\b)"""
_BUYER_VERBS = (
    r"(?:see|sees|saw|seeing|seen|had|has|have|having|meet|meets|met|meeting|do|does|did|doing|done|take|takes|"
    r"took|taking|serve|served|serving|book|booked|booking|catch|caught|turn|turns|turned|turning|with|from|"
    r"for|find|found|get|gets|got|getting|other|her|his|their|number\s+of)"
)
_QUANTITY = r"(?:\s+(?:a|two|three|four|five|six|seven|eight|nine|ten|\d+|several|many|some|multiple|more|few|a\s+few|regular|her|his|the|those))?"

STIGMATIZING: tuple[Entry, ...] = (
    Entry(
        key="child_prostitution",
        kind=STIGMA,
        label="child prostitution",
        explanation="treats the abuse of a child as a trade the child takes part in",
        suggestion="commercial sexual exploitation of children",
        patterns=(
            r"\b(?P<T>(?:child|children's|teen|teenage|juvenile|underage|under-age|youth|minor)[\s-]+prostitution)\b",
            r"\b(?:engag(?:e|es|ed|ing)|involved|involvement|working|work|works|worked)\s+in\s+(?P<T>prostitution)\b",
        ),
    ),
    Entry(
        key="prostitute",
        kind=STIGMA,
        label="prostitute",
        explanation="implies the child chose this and is an offender; a child cannot consent and is a victim",
        suggestion="commercially sexually exploited child (or youth); a victim of sex trafficking",
        patterns=(
            r"\b(?P<T>(?:(?:child|teen|teenage|teenaged|juvenile|underage|under-age|young|minor|youth|girl|boy)[\s-]+)?prostitutes?)\b",
            r"\b(?P<T>prostituting\s+(?:herself|himself|themselves|themself))\b",
        ),
    ),
    Entry(
        key="sex_worker",
        kind=STIGMA,
        label="child sex worker",
        explanation="calls the abuse of a child work the child chose",
        suggestion="commercially sexually exploited child (or youth)",
        patterns=(r"\b(?P<T>(?:child|teen|teenage|juvenile|underage|minor|youth)\s+sex[\s-]+workers?)\b",),
    ),
    Entry(
        key="slur",
        kind=STIGMA,
        label="hooker / whore / working girl / slut",
        explanation="is a slur that blames and degrades the child",
        suggestion="commercially sexually exploited child (or youth); describe what was done to the youth",
        patterns=(r"\b(?P<T>hookers?|whores?|sluts?|slutty|working[\s-]+girls?)\b",),
    ),
    Entry(
        key="promiscuous",
        kind=STIGMA,
        label="promiscuous",
        explanation="labels the child and shifts responsibility away from the exploiter (the myth of the scarlet letter)",
        suggestion="describe what happened and who exploited the youth, without labelling the youth",
        patterns=(r"\b(?P<T>promiscu(?:ous|ously|ity))\b",),
    ),
    Entry(
        key="fast",
        kind=STIGMA,
        label="fast",
        explanation="labels the child and shifts responsibility away from the exploiter (the myth of the scarlet letter)",
        suggestion="describe what happened and who exploited the youth, without labelling the youth",
        patterns=(
            r"\b(?P<T>fast(?:[\s-]+tailed)?(?:\s+little)?\s+(?:girls?|boys?|kids?|child|teens?|ones?|young\s+(?:lady|ladies|woman|thing)))\b",
            r"\b(?:she|he|they)(?:'s|’s|\s+is|\s+was|\s+are|\s+were|\s+has\s+been|\s+have\s+been|\s+seems|\s+seemed|\s+acts|\s+acted|\s+acting|\s+looks)"
            r"(?:\s+(?:so|very|really|too|kind\s+of|kinda|pretty|a\s+little|real|always|known\s+to\s+be|known\s+as))?\s+(?P<T>fast)\b"
            r"(?!\s+(?:asleep|at|on|enough|runner|learner|reader|to|with|friends|food|and\s+(?:accurate|efficient)))",
        ),
    ),
    Entry(
        key="loose",
        kind=STIGMA,
        label="loose",
        explanation="labels the child and shifts responsibility away from the exploiter (the myth of the scarlet letter)",
        suggestion="describe what happened and who exploited the youth, without labelling the youth",
        patterns=(
            r"\b(?P<T>loose\s+(?:girls?|boys?|women|woman|teens?|young\s+(?:lady|ladies|woman)|morals))\b",
            r"\b(?:she|he|they)(?:'s|’s|\s+is|\s+was|\s+are|\s+were|\s+has\s+been|\s+seems|\s+seemed|\s+acts|\s+acted|\s+acting|\s+looks)"
            r"(?:\s+(?:so|very|really|too|kind\s+of|kinda|pretty|a\s+little|known\s+to\s+be))?\s+(?P<T>loose)\b"
            r"(?!\s+(?:again|from|in|on|at|and\s+(?:running|free)|for))",
        ),
    ),
    Entry(
        key="choice",
        kind=STIGMA,
        label="chose this life",
        explanation="frames the exploitation as the child's choice (the myth of choice); children are recruited, tricked and coerced",
        suggestion="was recruited into / is being exploited by (name the exploiter's conduct)",
        patterns=(
            r"\b(?P<T>(?:chose|chooses|choose|choosing|chosen)\s+(?:this|that|the|her|his|their|a)\s+(?:life(?:style)?|lifestyle))\b",
            r"\b(?P<T>(?:chose|chooses|choose|choosing)\s+to\s+(?:sell|trade|exchange|have\s+sex|engage|prostitute|work\s+(?:the|for)|be\s+(?:with\s+(?:him|her|them|the\s+pimp)|in\s+the\s+life)|stay\s+with\s+(?:him|her|them)|go\s+back\s+to\s+(?:him|her|them|the\s+life|the\s+track|the\s+stroll)|return\s+to\s+(?:him|her|them|the\s+life)))\b",
            r"\b(?P<T>(?:wants?|wanted|wanting)\s+to\s+(?:be|stay|remain)\s+in\s+the\s+life)\b",
            r"\b(?P<T>(?:it\s+was|is|was)\s+(?:her|his|their)\s+(?:own\s+)?(?:choice|decision)\s+to\s+(?:sell|trade|have\s+sex|work|prostitute|be\s+with))\b",
            r"\b(?P<T>deserve[sd]?\s+what\s+(?:she|he|they)\s+(?:get|gets|got))\b",
        ),
    ),
    Entry(
        key="consent",
        kind=STIGMA,
        label="consented / willing participant",
        explanation="treats the child as consenting (the myth of consent); a child under 18 cannot consent, and what looks like consent is obtained by fraud, pressure or force",
        suggestion="was exploited / was coerced (a minor cannot consent)",
        patterns=(
            r"\b(?P<T>willing(?:ly)?\s+(?:participants?|participated|participating|partner|went|engaged|involved))\b",
            r"\b(?P<T>consent(?:ed|s|ing)?\s+to\s+(?:sex|sexual|having\s+sex|the\s+sex|it|being\s+(?:with|sold|pimped|prostituted|exploited)|the\s+dates?|dates|work\s+for))\b",
            r"\b(?P<T>consensual(?:ly)?\s+(?:sex|sexual|relationship|with))\b",
            r"\b(?P<T>(?:she|he|they)\s+(?:was|were|is|are)\s+consenting)\b",
        ),
    ),
)

LINGO_ENTRIES: tuple[Entry, ...] = (
    Entry(
        key="daddy",
        kind=LINGO,
        label="Daddy",
        explanation="what a youth may call the pimp who controls them; the word borrows a father's authority and affection",
        suggestion=LINGO_SUGGESTION,
        patterns=(r"\b(?P<T>daddy)\b",),
        accept=_daddy_accept,
    ),
    Entry(
        key="bottom",
        kind=LINGO,
        label="bottom / bottom bitch",
        explanation="the person who has been under a pimp the longest and is made to control, recruit or punish the others for him",
        suggestion=LINGO_SUGGESTION,
        patterns=(
            r"\b(?P<T>bottom[\s-]+bitch(?:es)?)\b",
            r"\b(?:is|was|became|become|becomes|becoming|being|been|as|role\s+of|made\s+her|made\s+him|named)\s+(?:his|their|the|a|her\s+pimp's)\s+(?P<T>bottom)\b(?!\s+(?:of|line|drawer|shelf|bunk|floor|step|half|row|part|edge))",
            r"\b(?:his|their|the\s+pimp's|pimp's|exploiter's|trafficker's)\s+(?P<T>bottom)" + _PUNCT_AFTER,
            r"\bthe\s+(?P<T>bottom)\s+(?=(?:girl|recruits|recruited|collects|collected|keeps|kept|watches|watched|controls|controlled|who|beat|punished|posted)\b)",
        ),
    ),
    Entry(
        key="dates",
        kind=LINGO,
        label="dates",
        explanation="buyers of sex from the youth (also called johns or tricks)",
        suggestion=LINGO_SUGGESTION,
        patterns=(
            r"\b"
            + _BUYER_VERBS
            + _QUANTITY
            + r"\s+(?P<T>dates)\b(?!\s+(?:of|for\s+(?:court|the|her|his)|and\s+times|on\s+the\s+calendar|to\s+(?:the|a)\s+(?:dance|movies|prom)))",
            r"\b(?<!court\s)(?<!play\s)(?P<T>dates)\s+(?=(?:paid|pay|pays|picked|pick|hurt|beat|who\s+(?:paid|pay|hurt|beat)|would\s+(?:pay|pick|hurt))\b)",
        ),
    ),
    Entry(
        key="johns",
        kind=LINGO,
        label="johns",
        explanation="buyers of sex from the youth (also called dates or tricks)",
        suggestion=LINGO_SUGGESTION,
        patterns=(
            r"\b(?P<T>johns)\b",
            r"\b(?:a|one|another|each|every|her|his|two|three|several|\d+)\s+(?P<T>john)\b(?!\s+(?:doe|smith))",
        ),
        accept=_johns_accept,
    ),
    Entry(
        key="tricks",
        kind=LINGO,
        label="tricks",
        explanation="buyers of sex from the youth (also called dates or johns); to “turn a trick” is to be sold for sex once",
        suggestion=LINGO_SUGGESTION,
        patterns=(
            r"\b(?:turn|turns|turned|turning)\s+(?P<T>(?:a\s+)?tricks?)\b",
            r"\b"
            + _BUYER_VERBS
            + _QUANTITY
            + r"\s+(?P<T>tricks)\b(?!\s+(?:on|at|of|up|with\s+(?:cards|a\s+deck|coins|the\s+dog)|for\s+(?:the\s+)?(?:kids|children|class|show)))",
            r"\b(?:a|the)\s+(?P<T>trick)\s+(?=(?:paid|hurt|beat|picked|took|drove|who)\b)",
        ),
    ),
    Entry(
        key="square",
        kind=LINGO,
        label="square",
        explanation="outside the life: a youth “going square” is trying to leave; “squares” are people (or police) who are not part of it",
        suggestion=LINGO_SUGGESTION,
        patterns=(
            r"\b(?:go|goes|going|went|gone|get|getting|be|being|stay|stays|staying|living|live|lives|turn|turned|turning|become|becoming)\s+(?P<T>square)\b(?!\s*(?:foot|feet|meal|meals|one|mile|miles|inch|inches|yards?|meters?|metres?|root|with|away|up|off))",
            r"\b(?P<T>square)\s+(?=(?:life|world|job|people|folks|friends|guy|girl|dude)\b)",
            r"\b(?:the|those|other|with|around|like|to|dating\s+a|a\s+real)\s+(?P<T>squares)\b(?!\s+(?:on|of|in|at))",
        ),
    ),
    Entry(
        key="track",
        kind=LINGO,
        label="the stroll / the track",
        explanation="a street or area where youth are sold for sex, usually at night",
        suggestion=LINGO_SUGGESTION,
        patterns=(
            r"\b(?:on|onto|to|at|off|from|work|works|worked|working|walk|walks|walked|walking|hit|hits|hitting|back\s+on|back\s+to|near)\s+the\s+(?P<T>track|stroll)\b(?![\s-]+(?:meet|meets|team|and\s+field|practice|coach|event|events|season|star|race|races|at\s+school|at\s+(?:the\s+)?(?:high|middle)\s+school|for\s+(?:the|her|his)\s+(?:race|run)|of\s+(?:the|her|his)\s+(?:progress|case|goals)|record))",
        ),
    ),
    Entry(
        key="wife_in_law",
        kind=LINGO,
        label="wife-in-law",
        explanation="what the youth controlled by the same pimp call each other",
        suggestion=LINGO_SUGGESTION,
        patterns=(r"\b(?P<T>(?:wife|wives|wifey)[\s-]+in[\s-]+laws?)\b",),
    ),
    Entry(
        key="stable",
        kind=LINGO,
        label="stable",
        explanation="the group of youth one pimp controls",
        suggestion=LINGO_SUGGESTION,
        patterns=(
            r"\b(?:his|their|the\s+pimp's|pimp's|exploiter's|trafficker's)\s+(?P<T>stable)" + _PUNCT_AFTER,
            r"\b(?:part|member|members|one|girls|rest|others)\s+of\s+(?:his|their|the|a|a\s+pimp's|the\s+pimp's)\s+(?P<T>stable)"
            + _PUNCT_AFTER,
            r"\ba\s+(?P<T>stable)\s+(?=of\s+(?:girls|women|young|youth|victims|kids|boys|other|\d+|two|three|four|five|six)\b)",
        ),
    ),
    Entry(
        key="pimp_circle",
        kind=LINGO,
        label="pimp circle",
        explanation="several pimps surrounding one youth and insulting her or him, to humiliate and frighten",
        suggestion=LINGO_SUGGESTION,
        patterns=(r"\b(?P<T>pimp[\s-]+circl(?:e|es|ed|ing))\b",),
    ),
    Entry(
        key="out_of_pocket",
        kind=LINGO,
        label="out of pocket",
        explanation="breaking the pimp's rules, for example by looking at or speaking to another pimp; it is often punished",
        suggestion=LINGO_SUGGESTION,
        patterns=(
            r"\b(?:is|was|were|are|be|been|being|went|go|goes|going|gone|got|get|gets|getting|considered|called|deemed|acting|acted|act|for)\s+(?P<T>out[\s-]of[\s-]pocket)\b(?![\s-]*(?:costs?|expenses?|payments?|spending|maximum|max|money|medical|for\s+\$|\$|by\s+\$|for\s+(?:the|a|an|their|her|his|our|my)\s))",
        ),
    ),
    Entry(
        key="the_life",
        kind=LINGO,
        label="the life",
        explanation="commercial sexual exploitation as a way of living, with its own rules, words and hierarchy",
        suggestion=LINGO_SUGGESTION,
        patterns=(
            r"\b(?:in|into|out\s+of|leave|leaves|left|leaving|exit|exits|exited|exiting|return\s+to|returned\s+to|returning\s+to|back\s+to|back\s+in|back\s+into|from|introduced\s+(?:her\s+|him\s+|them\s+)?to|recruited\s+into|lured\s+into|drawn\s+into|pulled\s+into|stay\s+in|stayed\s+in|about)\s+"
            r"(?P<T>the\s+life)\b(?!\s+(?:of|skills|cycle|insurance|story|stories|book|span|expectancy|coach|she|he|they|you|i|we|that|which|plan|event|events|her|his|their|sciences?|science))",
        ),
    ),
    Entry(
        key="the_game",
        kind=LINGO,
        label="the game",
        explanation="the business of pimping and commercial sexual exploitation, and its rules",
        suggestion=LINGO_SUGGESTION,
        patterns=(
            r"\b(?:in|into|out\s+of|leave|leaves|left|leaving|exit|exited|recruited\s+into|lured\s+into|introduced\s+(?:her\s+|him\s+|them\s+)?to|back\s+in|back\s+into|back\s+to|learn|learns|learned|learning|taught\s+her|taught\s+him|knows|knew|about)\s+"
            r"(?P<T>the\s+game)\b(?!\s+(?:on|at\s+the|against|tonight|today|yesterday|tomorrow|this|last|next|was|is|schedule|room|night|day|console|with|between|of|she|he|they|started|ended|for))",
        ),
        accept=_not_sport,
    ),
)

# A quotation that is nothing but the term: “Daddy”, 'the track', "fast".
_BARE_QUOTED: dict[str, str] = {
    "daddy": "daddy",
    "bottom": "bottom",
    "bottom bitch": "bottom",
    "dates": "dates",
    "johns": "johns",
    "john": "johns",
    "tricks": "tricks",
    "trick": "tricks",
    "square": "square",
    "squares": "square",
    "stroll": "track",
    "the stroll": "track",
    "track": "track",
    "the track": "track",
    "stable": "stable",
    "the life": "the_life",
    "the game": "the_game",
    "in the life": "the_life",
    "in the game": "the_game",
    "out of pocket": "out_of_pocket",
    "fast": "fast",
    "loose": "loose",
    "fast girl": "fast",
}

ENTRIES: dict[str, Entry] = {entry.key: entry for entry in (*STIGMATIZING, *LINGO_ENTRIES)}


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _compile(entries: tuple[Entry, ...]) -> dict[str, tuple[re.Pattern[str], ...]]:
    """Each entry's patterns, compiled once, matched against the ASCII-lowercased note.

    Lowercasing only ASCII letters keeps every offset identical to the original text, and lets the
    patterns run without IGNORECASE (several times faster in Python's engine).
    """
    return {
        entry.key: tuple(re.compile(pattern.replace("(?P<T>", "(?P<term>", 1)) for pattern in entry.patterns)
        for entry in entries
    }


STIGMA_PATTERNS = _compile(STIGMATIZING)
LINGO_PATTERNS = _compile(LINGO_ENTRIES)
PATTERNS = {**STIGMA_PATTERNS, **LINGO_PATTERNS}

# Every term the check reports contains one of these words. One pass of this regex over the note finds
# the candidates; only the patterns of the entries a keyword names run, and only near it.
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"prostitut", ("child_prostitution", "prostitute")),
    (r"sex[\s-]+work", ("sex_worker",)),
    (r"hooker|whore|slut|working[\s-]+girl", ("slur",)),
    (r"promiscu", ("promiscuous",)),
    (r"fast", ("fast",)),
    (r"loose", ("loose",)),
    (r"chose|choos|choice|decision|want|deserve", ("choice",)),
    (r"willing|consen", ("consent",)),
    (r"daddy", ("daddy",)),
    (r"bottom", ("bottom",)),
    (r"dates", ("dates",)),
    (r"john", ("johns",)),
    (r"trick", ("tricks",)),
    (r"square", ("square",)),
    (r"track|stroll", ("track",)),
    (r"wife|wives", ("wife_in_law",)),
    (r"stable", ("stable",)),
    (r"pimp[\s-]+circl", ("pimp_circle",)),
    (r"out[\s-]of[\s-]pocket", ("out_of_pocket",)),
    (r"life", ("the_life",)),
    (r"game", ("the_game",)),
)
TRIGGER_RE = re.compile(r"\b(?:" + "|".join(f"(?P<k{i}>{word})" for i, (word, _) in enumerate(KEYWORDS)) + ")")
_TRIGGER_ENTRIES = {f"k{i}": keys for i, (_, keys) in enumerate(KEYWORDS)}
_LEAD = 90  # longer than any leading context a pattern needs before its keyword
_TRAIL = 90  # longer than any trailing context a pattern looks at

QUOTE_RE = re.compile(
    r'"[^"\n]{1,600}"'
    r"|“[^”\n]{1,600}”"
    r"|‘(?:[^’\n]|’(?=\w)){1,600}’(?!\w)"
    r"|(?<!\w)'(?:[^'\n]|'(?=\w)){1,600}'(?!\w)"
)


def _candidates(text: str) -> list[tuple[str, int, int]]:
    """(entry key, start, end) of every pattern match whose reported words contain a keyword."""
    lowered = text.translate(_ASCII_LOWER)
    size = len(text)
    seen: set[tuple[str, int, int]] = set()
    result: list[tuple[str, int, int]] = []
    for hit in TRIGGER_RE.finditer(lowered):
        group = hit.lastgroup
        if group is None:
            continue
        lo, hi = max(0, hit.start() - _LEAD), min(size, hit.end() + _TRAIL)
        for key in _TRIGGER_ENTRIES[group]:
            for pattern in PATTERNS[key]:
                for match in pattern.finditer(lowered, lo, hi):
                    start, end = match.span("term")
                    if start > hit.start() or end < hit.end():
                        continue
                    candidate = (key, start, end)
                    if candidate not in seen:
                        seen.add(candidate)
                        result.append(candidate)
    return result


def _quote_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start() + 1, m.end() - 1) for m in QUOTE_RE.finditer(text)]


def _in_quotes(spans: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    index = bisect.bisect_right(starts, start) - 1
    return index >= 0 and spans[index][0] <= start and end <= spans[index][1]


def _message(entry: Entry, term: str, quoted: bool) -> str:
    if entry.kind == STIGMA:
        base = f"“{term}” {entry.explanation}. Use victim-centred words instead ({CITE_MYTHS})."
        if quoted:
            return f"In quotation marks: these are someone's own words, kept as said. In your own words, avoid “{term}”: it {entry.explanation} ({CITE_MYTHS})."
        return base
    meaning = f"“{term}” is a term of the life: {entry.explanation} ({CITE_LINGO})."
    if quoted:
        return f"In quotation marks: the youth's own words. {meaning}"
    return meaning


def _finding(entry: Entry, text: str, start: int, end: int, quoted: bool) -> Finding:
    term = text[start:end]
    return Finding(
        start=start,
        end=end,
        term=term,
        kind=entry.kind,
        quoted=quoted,
        message=_message(entry, term, quoted),
        suggestion=entry.suggestion,
        key=entry.key,
    )


def check_language(text: str) -> list[Finding]:
    """Every finding in `text`, in order of position. Never raises on a string."""
    spans = _quote_spans(text)
    starts = [span[0] for span in spans]
    found: dict[str, list[Finding]] = {STIGMA: [], LINGO: []}
    for key, start, end in _candidates(text):
        entry = ENTRIES[key]
        if entry.accept is not None and not entry.accept(text, start, end):
            continue
        found[entry.kind].append(_finding(entry, text, start, end, _in_quotes(spans, starts, start, end)))
    for inner_start, inner_end in spans:
        inner = text[inner_start:inner_end]
        bare_key = _BARE_QUOTED.get(" ".join(inner.strip(" .,!?;:").lower().split()))
        if bare_key is None:
            continue
        stripped = inner.strip(" .,!?;:")
        start = inner_start + inner.index(stripped)
        entry = ENTRIES[bare_key]
        found[entry.kind].append(_finding(entry, text, start, start + len(stripped), True))
    result: list[Finding] = []
    for findings in found.values():
        findings.sort(key=lambda f: (f.start, -(f.end - f.start)))
        last_end = -1
        for finding in findings:
            if finding.start < last_end:
                continue
            result.append(finding)
            last_end = finding.end
    result.sort(key=lambda f: (f.start, f.end, f.kind))
    return result


def language_contract(data: Mapping[str, Any], policy: AgencyPolicy) -> dict[str, Any]:
    """{"text": "..."} -> {"findings": [...], "suggested_indicators": [...]} (RULES.md §7)."""
    text = read_str(data, "text", max_length=MAX_TEXT)
    assert text is not None
    findings = check_language(text)
    return {
        "findings": [finding.as_dict() for finding in findings],
        "suggested_indicators": [LINGO_INDICATOR] if any(f.kind == LINGO for f in findings) else [],
    }


LANGUAGE_CONTRACT = RuleContract(
    name="language",
    summary="Victim-centred language check: stigmatizing terms and terms of the life (RULES.md §7).",
    handler=language_contract,
)
