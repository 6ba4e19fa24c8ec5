"""Name search and duplicate detection across legal names, preferred names and aliases.

Two stages, so it stays fast on a state's worth of records:

1. Blocking: every name of every youth is stored as a `NameKey` with indexed `NameBlockKey` rows
   (the token itself, its first three letters, its Metaphone and NYSIIS codes, and its nickname
   groups). A query is turned into the same keys and one indexed query finds the candidate youth,
   the ones sharing the most keys first; youth with the same date of birth are added.
2. Scoring: each candidate's names are compared with the query token by token (rapidfuzz), in any
   order (so "Lopez Maria" finds "Maria Lopez"), with nicknames counted as the same name
   (Alex = Alexandra) and the date of birth raising or lowering the score. A name whose upper bound
   (each token's best partner, without the pairing) cannot beat the youth's best name or reach the
   threshold is not paired: the answers are those of scoring every name in full.

`youth_search` shows only what the user may open. `duplicate_candidates` looks across the whole
agency, for the duplicate check on create; its callers must not reveal hidden youth.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jellyfish
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from rapidfuzz import fuzz

from safeharbor import permissions
from safeharbor.youth.models import Alias, NameBlockKey, NameKey, NameSource, Youth

# A candidate at or above this score is a likely match (see tests/test_search_quality.py).
MATCH_THRESHOLD = 82.0
# At most this many candidates are scored per query, those sharing the most keys first.
MAX_CANDIDATES = 400

NICKNAMES_FILE = Path(__file__).resolve().parent / "data" / "nicknames.txt"
_NON_LETTERS = re.compile(r"[^a-z ]+")
_APOSTROPHES = re.compile(r"['\u2019`]")


# --- Normalising ------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower case, accents removed, apostrophes dropped (O'Brien = obrien), other marks as spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    plain = _APOSTROPHES.sub("", plain)
    return " ".join(_NON_LETTERS.sub(" ", plain).split())


def tokens_of(text: str) -> list[str]:
    seen: list[str] = []
    for token in normalise(text).split():
        if token not in seen:
            seen.append(token)
    return seen


@cache
def nickname_groups() -> dict[str, frozenset[int]]:
    """Each name -> the numbers of the nickname groups it belongs to."""
    groups: dict[str, set[int]] = defaultdict(set)
    number = 0
    for line in NICKNAMES_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        number += 1
        for name in line.split(","):
            key = normalise(name)
            if key:
                groups[key].add(number)
    return {name: frozenset(ids) for name, ids in groups.items()}


@cache
def _group_heads() -> dict[int, str]:
    heads: dict[int, str] = {}
    number = 0
    for line in NICKNAMES_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        number += 1
        heads[number] = normalise(line.split(",")[0])
    return heads


def canonical_first_name(token: str) -> str:
    """The formal name a nickname stands for (the first group it belongs to), or the token itself."""
    ids = nickname_groups().get(token)
    if not ids:
        return token
    return _group_heads()[min(ids)]


@lru_cache(maxsize=20000)
def _phonetic(token: str) -> tuple[str, str]:
    return jellyfish.metaphone(token), jellyfish.nysiis(token)


def block_keys_for_token(token: str) -> set[str]:
    keys = {f"t:{token}", f"p:{token[:3]}"}
    if len(token) >= 2:
        metaphone, nysiis = _phonetic(token)
        if metaphone:
            keys.add(f"m:{metaphone}")
        if nysiis:
            keys.add(f"n:{nysiis}")
    for group in nickname_groups().get(token, ()):
        keys.add(f"g:{group}")
    return keys


# --- Scoring ----------------------------------------------------------------------------------


@lru_cache(maxsize=50000)
def token_similarity(a: str, b: str) -> float:
    """0-100: how likely two name tokens are the same name (typos, sounds-alike, nicknames)."""
    if a == b:
        return 100.0
    if len(a) == 1 or len(b) == 1:
        return 70.0 if a[0] == b[0] else 0.0
    groups = nickname_groups()
    if groups.get(a, frozenset()) & groups.get(b, frozenset()):
        return 95.0
    score = float(fuzz.ratio(a, b))
    if min(len(a), len(b)) >= 5 and score >= 70 and _phonetic(a) == _phonetic(b):
        score = max(score, 88.0)
    return score


def name_similarity(query_tokens: list[str], name_tokens: list[str]) -> float:
    """0-100, order-free: the shorter side's tokens are each paired with their best partner.

    A record name of one token (a street name) is compared only with a one-token query.
    """
    if not query_tokens or not name_tokens:
        return 0.0
    if len(name_tokens) == 1 and len(query_tokens) > 1:
        return 0.0
    short, long_ = (query_tokens, name_tokens) if len(query_tokens) <= len(name_tokens) else (name_tokens, query_tokens)
    pairs = sorted(
        ((token_similarity(s, t), i, j) for i, s in enumerate(short) for j, t in enumerate(long_)),
        reverse=True,
    )
    used_short: set[int] = set()
    used_long: set[int] = set()
    best: dict[int, float] = {}
    for score, i, j in pairs:
        if i in used_short or j in used_long:
            continue
        used_short.add(i)
        used_long.add(j)
        best[i] = score
    scores = [best.get(i, 0.0) for i in range(len(short))]
    mean = sum(scores) / len(scores)
    return 0.5 * mean + 0.5 * min(scores)


def date_of_birth_adjustment(query_dob: date | None, record_dob: date | None) -> float:
    """Same date: +8. A likely slip (day and month swapped, one digit off): 0. Otherwise: -25."""
    if query_dob is None or record_dob is None:
        return 0.0
    if query_dob == record_dob:
        return 8.0
    if (query_dob.day, query_dob.month, query_dob.year) == (record_dob.month, record_dob.day, record_dob.year):
        return 0.0
    a, b = query_dob.strftime("%Y%m%d"), record_dob.strftime("%Y%m%d")
    if sum(1 for x, y in zip(a, b, strict=True) if x != y) == 1:
        return 0.0
    return -25.0


def match_score(
    query_tokens: list[str], names: list[list[str]], query_dob: date | None, record_dob: date | None
) -> tuple[float, int]:
    """The best score over a youth's names, and which name gave it (index into `names`)."""
    best, best_index = 0.0, -1
    for index, name_tokens in enumerate(names):
        score = name_similarity(query_tokens, name_tokens)
        if score > best:
            best, best_index = score, index
    if not query_tokens:
        best = 90.0 if query_dob and record_dob == query_dob else 0.0
    return min(100.0, best + date_of_birth_adjustment(query_dob, record_dob)), best_index


# --- The index --------------------------------------------------------------------------------


def _names_of(youth: Youth, aliases: list[Alias]) -> list[tuple[str, Alias | None, list[str]]]:
    names: list[tuple[str, Alias | None, list[str]]] = []
    last = tokens_of(youth.legal_last_name)
    names.append((NameSource.LEGAL, None, tokens_of(youth.legal_name)))
    if youth.preferred_name:
        names.append((NameSource.PREFERRED, None, tokens_of(youth.preferred_name) + [t for t in last if t]))
    for alias in aliases:
        alias_tokens = tokens_of(alias.name)
        if not alias_tokens:
            continue
        names.append((NameSource.ALIAS, alias, alias_tokens))
        if len(alias_tokens) == 1:
            # A street name alone, and with the family name, both find the youth.
            names.append((NameSource.ALIAS, alias, alias_tokens + [t for t in last if t not in alias_tokens]))
    return names


def youth_reindex(*, youth: Youth) -> None:
    """Refresh the search keys of one youth (legal, preferred and alias names)."""
    aliases = list(Alias.objects.filter(youth_id=youth.pk).order_by("id"))
    with transaction.atomic():
        NameKey.objects.filter(youth_id=youth.pk).delete()
        blocks: list[NameBlockKey] = []
        for source, alias, name_tokens in _names_of(youth, aliases):
            key = NameKey.objects.create(
                youth_id=youth.pk,
                agency_id=youth.agency_id,
                source=source,
                alias=alias,
                full_name=" ".join(name_tokens)[:300],
                tokens=name_tokens,
                phonetic=" ".join(_phonetic(t)[0] for t in name_tokens)[:300],
                first_canonical=canonical_first_name(name_tokens[0])[:100] if name_tokens else "",
            )
            keys: set[str] = set()
            for token in name_tokens:
                keys |= block_keys_for_token(token)
            blocks.extend(
                NameBlockKey(name_key=key, youth_id=youth.pk, agency_id=youth.agency_id, key=k[:64])
                for k in sorted(keys)
            )
        NameBlockKey.objects.bulk_create(blocks)


# --- Searching --------------------------------------------------------------------------------


@dataclass
class Hit:
    youth_id: int
    score: float
    source: str
    matched_name: str
    youth: Any = field(default=None, repr=False)


def _candidate_ids(*, agency_id: int, query_tokens: list[str], date_of_birth: date | None, scope: Any) -> list[int]:
    keys: set[str] = set()
    for token in query_tokens:
        keys |= block_keys_for_token(token)
    ids: list[int] = []
    if keys:
        blocked = NameBlockKey.objects.filter(agency_id=agency_id, key__in=sorted(keys))
        if scope is not None:
            blocked = blocked.filter(youth__in=Youth.objects.filter(scope))
        rows = (
            blocked.values("youth_id")
            .annotate(hits=Count("key", distinct=True))
            .order_by("-hits", "youth_id")[:MAX_CANDIDATES]
        )
        ids = [row["youth_id"] for row in rows]
    if date_of_birth is not None:
        same_day = Youth.objects.filter(agency_id=agency_id, date_of_birth=date_of_birth)
        if scope is not None:
            same_day = same_day.filter(scope)
        found = set(ids)
        ids.extend(pk for pk in same_day.values_list("pk", flat=True)[:MAX_CANDIDATES] if pk not in found)
    return ids


class _QueryTable:
    """One query's token similarities, computed once per name token within one search.

    `upper_bound` gives, without pairing tokens, a score that `name_similarity` never exceeds: each
    token of the shorter side scores at most its best partner (the row maximum), and the mean and
    minimum of the row maxima bound those of the paired scores (floating-point sums and products
    are monotone). With one token on the shorter side, the pairing takes that best partner, so the
    bound is the score itself, computed with the same arithmetic.
    """

    def __init__(self, query_tokens: list[str]) -> None:
        self.query = query_tokens
        self._query_first: dict[str, tuple[float, ...]] = {}
        self._name_first: dict[str, tuple[float, ...]] = {}

    def _with_query_first(self, token: str) -> tuple[float, ...]:
        row = self._query_first.get(token)
        if row is None:
            row = self._query_first[token] = tuple([token_similarity(q, token) for q in self.query])
        return row

    def _with_name_first(self, token: str) -> tuple[float, ...]:
        row = self._name_first.get(token)
        if row is None:
            row = self._name_first[token] = tuple([token_similarity(token, q) for q in self.query])
        return row

    def upper_bound(self, name_tokens: list[str]) -> tuple[float, bool]:
        """(bound, whether the bound is the exact `name_similarity`)."""
        query = self.query
        if not query or not name_tokens:
            return 0.0, True
        if len(name_tokens) == 1 and len(query) > 1:
            return 0.0, True
        exact = False
        if len(query) <= len(name_tokens):
            # The query is the shorter side: each query token's best score over the name's tokens.
            columns = [self._with_query_first(token) for token in name_tokens]
            best = list(map(max, *columns)) if len(columns) > 1 else list(columns[0])
            exact = len(query) == 1
        else:
            # The name is the shorter side (two tokens or more): each name token's best over the query.
            best = [max(self._with_name_first(token)) for token in name_tokens]
        return 0.5 * (sum(best) / len(best)) + 0.5 * min(best), exact


def _best_name(
    table: _QueryTable, names: list[list[str]], query_dob: date | None, record_dob: date | None, threshold: float
) -> tuple[float, int]:
    """`match_score`, skipping the token pairing of names that cannot change the answer.

    A name is not paired when its bound is no more than the best name so far (it cannot come
    first), or when the bound with the date of birth stays below `threshold` (if that name were
    the best, the youth would not pass either way). So a youth passes exactly when `match_score`
    passes it, with the same score and the same name.
    """
    if not table.query:
        return match_score(table.query, names, query_dob, record_dob)
    adjustment = date_of_birth_adjustment(query_dob, record_dob)
    best, best_index = 0.0, -1
    for index, name_tokens in enumerate(names):
        bound, exact = table.upper_bound(name_tokens)
        if bound <= best or bound + adjustment < threshold:
            continue
        score = bound if exact else name_similarity(table.query, name_tokens)
        if score > best:
            best, best_index = score, index
    return min(100.0, best + adjustment), best_index


def _names_and_dates(
    candidate_ids: list[int],
) -> tuple[dict[int, list[tuple[str, str, list[str]]]], dict[int, date | None]]:
    """The candidates' names (in index order) and dates of birth, in one query.

    A youth without name keys (not indexed yet) gets its date of birth from a second query, only then.
    """
    names: dict[int, list[tuple[str, str, list[str]]]] = defaultdict(list)
    dobs: dict[int, date | None] = {}
    # The date of birth by primary key per name row: a join lets PostgreSQL choose a scan of every youth.
    date_of_birth = Youth.objects.filter(pk=OuterRef("youth_id")).order_by().values("date_of_birth")[:1]
    rows = (
        NameKey.objects.filter(youth_id__in=candidate_ids)
        .order_by("id")
        .annotate(record_dob=Subquery(date_of_birth))
        .values_list("youth_id", "source", "full_name", "tokens", "record_dob")
    )
    for youth_id, source, full_name, name_tokens, dob in rows:
        names[youth_id].append((source, full_name, list(name_tokens)))
        dobs[youth_id] = dob
    unnamed = [pk for pk in candidate_ids if pk not in dobs]
    if unnamed:
        dobs.update(Youth.objects.filter(pk__in=unnamed).order_by().values_list("pk", "date_of_birth"))
    return names, dobs


def _score(
    *, candidate_ids: list[int], query_tokens: list[str], date_of_birth: date | None, threshold: float
) -> list[Hit]:
    if not candidate_ids:
        return []
    names, dobs = _names_and_dates(candidate_ids)
    table = _QueryTable(query_tokens)
    hits: list[Hit] = []
    for youth_id in candidate_ids:
        entries = names.get(youth_id, [])
        score, index = _best_name(table, [e[2] for e in entries], date_of_birth, dobs.get(youth_id), threshold)
        if score >= threshold:
            source, full_name = (entries[index][0], entries[index][1]) if index >= 0 else ("dob", "")
            hits.append(Hit(youth_id=youth_id, score=round(score, 1), source=source, matched_name=full_name))
    hits.sort(key=lambda h: (-h.score, h.youth_id))
    return hits


def duplicate_candidates(
    *,
    agency_id: int,
    query: str,
    date_of_birth: date | None = None,
    threshold: float = MATCH_THRESHOLD,
    limit: int = 20,
) -> list[Hit]:
    """Likely matches in the whole agency, visible to the user or not. Never show these as they are:
    the caller splits them into what the user may open and what they may not."""
    query_tokens = tokens_of(query)
    if not query_tokens and date_of_birth is None:
        return []
    ids = _candidate_ids(agency_id=agency_id, query_tokens=query_tokens, date_of_birth=date_of_birth, scope=None)
    return _score(candidate_ids=ids, query_tokens=query_tokens, date_of_birth=date_of_birth, threshold=threshold)[
        :limit
    ]


def youth_search(
    *,
    user: Any,
    query: str,
    date_of_birth: date | None = None,
    limit: int = 50,
    threshold: float = MATCH_THRESHOLD,
    base: Any = None,
) -> list[Hit]:
    """Youth the user may open whose legal name, preferred name or an alias matches `query`.

    Tolerates typos, swapped first and last names, nicknames; best first. `hit.youth` is set, from
    `base` (a narrower queryset of visible youth, such as a filtered list) when given.
    """
    if not getattr(user, "agency_id", None):
        return []
    query_tokens = tokens_of(query)
    if not query_tokens and date_of_birth is None:
        return []
    scope = permissions.youth_read_q(user)
    ids = _candidate_ids(agency_id=user.agency_id, query_tokens=query_tokens, date_of_birth=date_of_birth, scope=scope)
    hits = _score(candidate_ids=ids, query_tokens=query_tokens, date_of_birth=date_of_birth, threshold=threshold)[
        :limit
    ]
    from safeharbor.youth.selectors import youth_list_visible_to

    visible = youth_list_visible_to(user=user) if base is None else base
    rows = {y.pk: y for y in visible.filter(pk__in=[h.youth_id for h in hits])}
    kept = []
    for hit in hits:
        if hit.youth_id in rows:
            hit.youth = rows[hit.youth_id]
            kept.append(hit)
    return kept
