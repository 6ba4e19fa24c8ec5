"""The fast scoring path of the name search gives exactly the answers of full scoring, and a search
never returns a youth outside the user's scope.

`search._score` skips the token pairing of names whose upper bound cannot change the answer, and reads
the candidates' names and dates of birth in one query. The reference below is the plain algorithm:
every name of every candidate scored with `match_score`, the dates of birth read separately, the
blocking and the scope evaluated in Python from the stored keys. All names are invented.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeharbor import permissions
from safeharbor.core.testing import factories as f
from safeharbor.mdt.tests.helpers import make_referral
from safeharbor.youth import search
from safeharbor.youth.models import NameBlockKey, NameKey, Youth
from safeharbor.youth.search import (
    MATCH_THRESHOLD,
    _best_name,
    _QueryTable,
    match_score,
    name_similarity,
    tokens_of,
    youth_reindex,
    youth_search,
)

GIVEN = [
    "alexandra",
    "alex",
    "sandra",
    "andrea",
    "drea",
    "patricia",
    "tricia",
    "pat",
    "katherine",
    "kate",
    "daniela",
    "dani",
    "orla",
    "tamsin",
    "ysolde",
    "brannoc",
]
FAMILY = ["quenby", "tavrin", "morrowgate", "belcastre", "ostravin", "kelvane", "dunmarro", "pellory", "ferrand"]
STREET = ["sparrow", "jinx", "moth", "ember", "wren"]
DATES = [dt.date(2011, 3, 4), dt.date(2011, 4, 3), dt.date(2011, 3, 5), dt.date(2012, 7, 19), dt.date(2010, 1, 30)]


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word + word[-1]
    i = rng.randrange(len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:  # two letters swapped
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:  # a letter dropped
        return word[:i] + word[i + 1 :]
    return word[:i] + rng.choice("aeioursnt") + word[i + 1 :]  # a letter changed


def _name(rng: random.Random, pool: list[str]) -> str:
    word = rng.choice(pool)
    return _typo(rng, word) if rng.random() < 0.3 else word


# --- Pure scoring: the bounded path against `match_score` ----------------------------------------

_token = st.one_of(
    st.sampled_from(GIVEN + FAMILY + STREET),
    st.text(alphabet="abdeiklmnoprstuy", min_size=1, max_size=9),
)
_tokens = st.lists(_token, max_size=4)
_dates = st.sampled_from([None, *DATES])


@settings(max_examples=400, deadline=None)
@given(
    query=st.lists(_token, max_size=4, unique=True),
    names=st.lists(_tokens, max_size=5),
    query_dob=_dates,
    record_dob=_dates,
    threshold=st.sampled_from([0.0, 5.0, 40.0, 70.0, MATCH_THRESHOLD, 90.0, 100.0]),
)
def test_bounded_scoring_passes_the_same_youth_with_the_same_score_and_name(
    query, names, query_dob, record_dob, threshold
):
    expected = match_score(query, names, query_dob, record_dob)
    got = _best_name(_QueryTable(query), names, query_dob, record_dob, threshold)
    if expected[0] >= threshold:
        assert got == expected
    else:
        assert got[0] < threshold


@settings(max_examples=400, deadline=None)
@given(query=st.lists(_token, max_size=4, unique=True), name=_tokens)
def test_upper_bound_is_never_below_the_score_and_exact_when_it_says_so(query, name):
    bound, exact = _QueryTable(query).upper_bound(name)
    score = name_similarity(query, name)
    assert score <= bound
    if exact:
        assert score == bound


# --- Against the database: a generated agency, searched many ways ----------------------------------


class Reference:
    """The search computed the plain way, from the stored keys (read once: the data stays put)."""

    def __init__(self, agency_id: int) -> None:
        self.agency_id = agency_id
        self.youth_by_key: dict[str, set[int]] = defaultdict(set)
        for youth_id, key in NameBlockKey.objects.filter(agency_id=agency_id).values_list("youth_id", "key"):
            self.youth_by_key[key].add(youth_id)
        self.scopes: dict[int, set[int]] = {}

    def allowed(self, user: Any) -> set[int]:
        if user.pk not in self.scopes:
            scope = Youth.objects.filter(permissions.youth_read_q(user))
            self.scopes[user.pk] = set(scope.values_list("pk", flat=True))
        return self.scopes[user.pk]

    def candidates(self, query_tokens: list[str], date_of_birth: Any, allowed: set[int] | None) -> list[int]:
        """The scope applied per youth before the cap; the youth sharing the most keys first, then
        youth born that day (in the model's order: family name, given name, id)."""
        keys: set[str] = set()
        for token in query_tokens:
            keys |= search.block_keys_for_token(token)
        shared: dict[int, int] = defaultdict(int)
        for key in keys:
            for youth_id in self.youth_by_key.get(key, ()):
                if allowed is None or youth_id in allowed:
                    shared[youth_id] += 1
        ranked = sorted(shared, key=lambda pk: (-shared[pk], pk))[: search.MAX_CANDIDATES]
        if date_of_birth is not None:
            same_day = Youth.objects.filter(agency_id=self.agency_id, date_of_birth=date_of_birth)
            in_scope = [pk for pk in same_day.values_list("pk", flat=True) if allowed is None or pk in allowed]
            ranked += [pk for pk in in_scope[: search.MAX_CANDIDATES] if pk not in ranked]
        return ranked

    @staticmethod
    def score(candidate_ids: list[int], query_tokens: list[str], date_of_birth: Any, threshold: float) -> list:
        """Every name of every candidate scored in full (the scoring before the bounded path)."""
        names: dict[int, list[tuple[str, str, list[str]]]] = defaultdict(list)
        rows = NameKey.objects.filter(youth_id__in=candidate_ids).order_by("id")
        for youth_id, source, full_name, name_tokens in rows.values_list("youth_id", "source", "full_name", "tokens"):
            names[youth_id].append((source, full_name, list(name_tokens)))
        dobs = dict(Youth.objects.filter(pk__in=candidate_ids).values_list("pk", "date_of_birth"))
        hits = []
        for youth_id in candidate_ids:
            entries = names.get(youth_id, [])
            score, index = match_score(query_tokens, [e[2] for e in entries], date_of_birth, dobs.get(youth_id))
            if score >= threshold:
                source, full_name = (entries[index][0], entries[index][1]) if index >= 0 else ("dob", "")
                hits.append((youth_id, round(score, 1), source, full_name))
        hits.sort(key=lambda h: (-h[1], h[0]))
        return hits

    def search(self, query: str, date_of_birth: Any, threshold: float, limit: int, user: Any = None) -> list:
        query_tokens = tokens_of(query)
        if not query_tokens and date_of_birth is None:
            return []
        allowed = None if user is None else self.allowed(user)
        ids = self.candidates(query_tokens, date_of_birth, allowed)
        return self.score(ids, query_tokens, date_of_birth, threshold)[:limit]


def _persona_youth_born_apart(p: Any) -> None:
    """The personas' own youth (random birthdays) never share a date used here."""
    ids = [p.youth.pk, p.youth2.pk, p.other_unit_youth.pk, p.other_agency_youth.pk]
    Youth.objects.filter(pk__in=ids).update(date_of_birth=dt.date(2013, 2, 2))


def _generated_agency(p: Any, rng: random.Random, count: int) -> list[Youth]:
    statuses = ["no_known_risk", "no_known_risk", "at_risk", "suspected_victim", "confirmed_victim"]
    workers = [p.worker, p.worker2, p.other_unit_worker, None]
    made = []
    for _ in range(count):
        born = rng.choice([*DATES, None])
        youth = f.YouthFactory(
            agency=p.agency,
            legal_first_name=_name(rng, GIVEN).title(),
            legal_middle_name=_name(rng, GIVEN).title() if rng.random() < 0.2 else "",
            legal_last_name=_name(rng, FAMILY).title(),
            preferred_name=rng.choice(GIVEN).title() if rng.random() < 0.3 else "",
            date_of_birth=born,
            dob_verified=born is not None,
            dob_verification="birth_certificate" if born else "",
            csec_status=rng.choice(statuses),
        )
        worker = rng.choice(workers)
        if worker is not None:
            f.AssignmentFactory(youth=youth, worker=worker, start=dt.date(2025, 1, 1))
        for _ in range(rng.choice([0, 0, 1, 2])):
            alias = rng.choice(STREET) if rng.random() < 0.5 else f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            f.AliasFactory(youth=youth, name=alias.title(), kind="street")
        if rng.random() < 0.1:
            make_referral(youth, p.worker)
        youth_reindex(youth=youth)
        made.append(youth)
    return made


def _queries(rng: random.Random, count: int) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for _ in range(count):
        first, last = _name(rng, GIVEN), _name(rng, FAMILY)
        shape = rng.randrange(6)
        text = [
            f"{first} {last}",
            f"{last} {first}",
            first,
            last,
            f"{first} {_name(rng, GIVEN)} {last}",
            rng.choice(STREET),
        ][shape]
        out.append((text, rng.choice([None, None, *DATES])))
    out.append(("", DATES[0]))  # a date of birth alone
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("cap", [search.MAX_CANDIDATES, 6])
def test_search_gives_the_answers_of_full_scoring_on_a_generated_agency(personas, monkeypatch, cap):
    monkeypatch.setattr(search, "MAX_CANDIDATES", cap)
    rng = random.Random(20240611)
    _generated_agency(personas, rng, 90)
    reference = Reference(personas.agency.pk)
    users = [personas.worker, personas.coordinator, personas.supervisor, personas.manager]
    checked = returned = 0
    for query, dob in _queries(rng, 30):
        for threshold in (MATCH_THRESHOLD, 60.0, 0.0):
            for user in users:
                for limit in (50, 3):
                    expected = reference.search(query, dob, threshold, limit, user)
                    hits = youth_search(user=user, query=query, date_of_birth=dob, limit=limit, threshold=threshold)
                    got = [(h.youth_id, h.score, h.source, h.matched_name) for h in hits]
                    assert got == expected, (query, dob, threshold, user.username, limit)
                    assert all(h.youth.pk == h.youth_id for h in hits)
                    checked += 1
                    returned += len(got)
            duplicates = search.duplicate_candidates(
                agency_id=personas.agency.pk, query=query, date_of_birth=dob, threshold=threshold
            )
            got = [(h.youth_id, h.score, h.source, h.matched_name) for h in duplicates]
            assert got == reference.search(query, dob, threshold, 20), (query, dob, threshold)
    assert checked > 700 and returned > 500  # the generated data does produce matches


@pytest.mark.django_db
def test_a_youth_without_name_keys_found_by_date_of_birth_keeps_its_date(personas):
    _persona_youth_born_apart(personas)
    unindexed = f.YouthFactory(agency=personas.agency, date_of_birth=DATES[0])  # never indexed
    f.AssignmentFactory(youth=unindexed, worker=personas.worker, start=dt.date(2025, 1, 1))
    assert not NameKey.objects.filter(youth=unindexed).exists()
    hits = youth_search(user=personas.worker, query="", date_of_birth=DATES[0])
    assert [(h.youth_id, h.score, h.source) for h in hits] == [(unindexed.pk, 98.0, "dob")]


# --- Scope -----------------------------------------------------------------------------------------


def _twin(p: Any, *, worker: Any = None, status: str = "no_known_risk", aliases: int = 0) -> Youth:
    youth = f.YouthFactory(
        agency=p.agency,
        legal_first_name="Tamsin",
        legal_last_name="Morrowgate",
        date_of_birth=DATES[3],
        csec_status=status,
    )
    if worker is not None:
        f.AssignmentFactory(youth=youth, worker=worker, start=dt.date(2025, 1, 1))
    for i in range(aliases):
        # More names sharing the query's keys: these youth rank first in the blocking.
        f.AliasFactory(youth=youth, name=["Tamsyn Morrowgait", "Tam Morogate", "Tamsin Marrowgate"][i], kind="aka")
    youth_reindex(youth=youth)
    return youth


@pytest.mark.django_db
@pytest.mark.parametrize("cap", [search.MAX_CANDIDATES, 2])
def test_a_youth_outside_the_scope_is_never_returned(personas, monkeypatch, cap):
    monkeypatch.setattr(search, "MAX_CANDIDATES", cap)
    p = personas
    _persona_youth_born_apart(p)
    mine = [_twin(p, worker=p.worker), _twin(p, worker=p.worker, status="at_risk")]
    colleague = [_twin(p, worker=p.worker2, aliases=3) for _ in range(3)]
    flagged = [_twin(p, worker=p.other_unit_worker, status="suspected_victim", aliases=2) for _ in range(2)]
    referred = _twin(p, worker=p.other_unit_worker, aliases=1)
    make_referral(referred, p.other_unit_worker)
    unassigned = [_twin(p, aliases=3) for _ in range(3)]
    other_agency = f.YouthFactory(
        agency=p.other_agency, legal_first_name="Tamsin", legal_last_name="Morrowgate", date_of_birth=DATES[3]
    )
    youth_reindex(youth=other_agency)
    everyone = {y.pk for y in [*mine, *colleague, *flagged, referred, *unassigned, other_agency]}

    visible = {
        p.worker: {y.pk for y in mine},
        p.worker2: {y.pk for y in colleague},
        p.coordinator: {mine[1].pk, *(y.pk for y in flagged), referred.pk},
        p.supervisor: {y.pk for y in [*mine, *colleague]},
        p.partner: set(),
        p.auditor: set(),
        p.other_agency_worker: set(),
    }
    for user, allowed in visible.items():
        for query, dob in [
            ("Tamsin Morrowgate", None),
            ("morrowgate tamsin", None),
            ("", DATES[3]),
            ("Tamsin", DATES[3]),
        ]:
            for limit in (50, 1):
                hits = youth_search(user=user, query=query, date_of_birth=dob, limit=limit)
                found = {h.youth_id for h in hits}
                assert found <= allowed, (user.username, query, limit)
                assert found <= everyone
                # The scope applies before the cap: the user's own youth are found however many
                # hidden youth share more keys with the query (names and date: up to twice the cap).
                assert len(found) >= min(limit, len(allowed), cap), (user.username, query, limit)
                if not (query and dob):
                    assert len(found) == min(limit, len(allowed), cap), (user.username, query, limit)
        # A narrower base (a filtered list) is honoured too.
        base = Youth.objects.filter(permissions.youth_read_q(user), csec_status="no_known_risk")
        for hit in youth_search(user=user, query="Tamsin Morrowgate", base=base):
            assert hit.youth_id in allowed and hit.youth.csec_status == "no_known_risk"
