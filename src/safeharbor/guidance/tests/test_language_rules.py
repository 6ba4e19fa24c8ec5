# ruff: noqa: RUF001 - curly quotes are the subject matter
"""The language check of RULES.md §7: corpus precision and recall, the contract, properties."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safeharbor.agency.policy import AgencyPolicy
from safeharbor.core import rules_registry
from safeharbor.core.ruleinput import RuleInputError
from safeharbor.guidance.rules import MAX_TEXT, check_language, language_contract
from safeharbor.guidance.tests.language_corpus import CORPUS, L, S

THRESHOLD = 0.9


def _expected_spans(sentence: str, expected: list) -> set[tuple[int, int, str]]:
    spans = set()
    for item in expected:
        words, kind = item[0], item[1]
        occurrence = item[2] if len(item) > 2 else 0
        index = -1
        for _ in range(occurrence + 1):
            index = sentence.index(words, index + 1)
        spans.add((index, index + len(words), kind))
    return spans


def corpus_scores() -> tuple[float, float, list[str]]:
    true_pos = false_pos = false_neg = 0
    misses: list[str] = []
    for sentence, expected in CORPUS:
        want = _expected_spans(sentence, expected)
        got = {(f.start, f.end, f.kind) for f in check_language(sentence)}
        true_pos += len(want & got)
        false_pos += len(got - want)
        false_neg += len(want - got)
        if got != want:
            misses.append(sentence)
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0
    recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 1.0
    return precision, recall, misses


def test_corpus_is_large_and_balanced():
    assert len(CORPUS) >= 100
    positives = [s for s, e in CORPUS if e]
    negatives = [s for s, e in CORPUS if not e]
    assert len(positives) >= 40 and len(negatives) >= 40
    kinds = {item[1] for _, e in CORPUS for item in e}
    assert kinds == {S, L}
    assert any("“" in s or "‘" in s for s in positives) and any('"' in s for s in positives)


def test_corpus_precision_and_recall_at_least_0_9():
    precision, recall, misses = corpus_scores()
    print(f"\nlanguage check over {len(CORPUS)} sentences: precision {precision:.3f}, recall {recall:.3f}")
    print("sentences not matched exactly:", misses)
    assert precision >= THRESHOLD, misses
    assert recall >= THRESHOLD, misses


@pytest.mark.parametrize(
    "text",
    [
        "She ran fast.",
        "keep track of",
        "my dad and I",
        "the bottom drawer",
        "a stable placement",
        "out-of-pocket costs",
        "court dates",
        "tricks at the magic show",
        "the game on Saturday",
    ],
)
def test_ordinary_senses_are_not_flagged(text):
    assert check_language(text) == []


def test_contract_output_shape_and_offsets():
    text = "Staff called her a child prostitute. She said “Daddy took the money” and she was on the track."
    result = language_contract({"text": text}, AgencyPolicy())
    assert set(result) == {"findings", "suggested_indicators"}
    assert result["suggested_indicators"] == ["the_life_lingo"]
    findings = result["findings"]
    assert [(f["term"], f["kind"], f["quoted"]) for f in findings] == [
        ("child prostitute", "stigmatizing", False),
        ("Daddy", "lingo", True),
        ("track", "lingo", False),
    ]
    for finding in findings:
        assert set(finding) == {"start", "end", "term", "kind", "quoted", "message", "suggestion"}
        assert text[finding["start"] : finding["end"]] == finding["term"]
        assert finding["message"] and finding["suggestion"]
    stigma = findings[0]
    assert "commercially sexually exploited" in stigma["suggestion"]
    assert "handbook 13-19" in stigma["message"]
    assert "own words" in findings[1]["message"]
    assert "pimp" in findings[1]["message"]


def test_no_lingo_no_indicator():
    result = language_contract({"text": "She is promiscuous."}, AgencyPolicy())
    assert result["suggested_indicators"] == []
    assert result["findings"][0]["kind"] == "stigmatizing"


def test_registered_and_run_through_registry():
    assert "language" in rules_registry.names()
    result = rules_registry.run("language", {"text": "She chose this life."})
    assert result["findings"][0]["term"] == "chose this life"


@pytest.mark.parametrize(
    ("data", "field"),
    [({}, "text"), ({"text": 12}, "text"), ({"text": None}, "text"), ({"text": "a" * (MAX_TEXT + 1)}, "text")],
)
def test_bad_input_names_text(data, field):
    with pytest.raises(RuleInputError) as error:
        language_contract(data, AgencyPolicy())
    assert error.value.field == field


def test_limit_is_inclusive():
    result = language_contract({"text": "x" * MAX_TEXT}, AgencyPolicy())
    assert result == {"findings": [], "suggested_indicators": []}


def test_cli_contract_and_exit_2_on_long_text():
    ok = subprocess.run(
        [sys.executable, "-m", "safeharbor.cli", "rules", "language"],
        input=json.dumps({"text": "She is a teen prostitute."}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["findings"][0]["term"] == "teen prostitute"
    too_long = subprocess.run(
        [sys.executable, "-m", "safeharbor.cli", "rules", "language"],
        input=json.dumps({"text": "a" * (MAX_TEXT + 1)}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert too_long.returncode == 2
    assert too_long.stderr.startswith("text:")


_vocab = st.sampled_from(
    [
        "Daddy",
        "daddy",
        "the track",
        "prostitute",
        "fast",
        "loose",
        "“",
        "”",
        '"',
        "'",
        "‘",
        "’",
        "the life",
        "bottom",
        "stable",
        "dates",
        "johns",
        "tricks",
        "square",
        "out of pocket",
        "wife-in-law",
        "İ",
        "ß",
        "ﬁ",
        "\n",
        " ",
        ".",
        "chose this life",
        "pimp circle",
        "the game",
        "consented to sex",
        "Johns",
    ]
)
_texts = st.one_of(st.text(max_size=400), st.lists(st.one_of(_vocab, st.text(max_size=5)), max_size=80).map(" ".join))


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_offsets_are_within_the_text_and_match_the_term(text):
    result = language_contract({"text": text}, AgencyPolicy())
    previous: dict[str, int] = {}
    for finding in result["findings"]:
        assert 0 <= finding["start"] < finding["end"] <= len(text)
        assert text[finding["start"] : finding["end"]].lower() == finding["term"].lower()
        assert finding["kind"] in {"stigmatizing", "lingo"}
        assert isinstance(finding["quoted"], bool)
        assert finding["suggestion"]
        # within one kind, findings never overlap
        assert finding["start"] >= previous.get(finding["kind"], 0)
        previous[finding["kind"]] = finding["end"]
    has_lingo = any(f["kind"] == "lingo" for f in result["findings"])
    assert result["suggested_indicators"] == (["the_life_lingo"] if has_lingo else [])


@settings(max_examples=20, deadline=None)
@given(st.text(min_size=0, max_size=200).map(lambda chunk: (chunk * (MAX_TEXT // max(len(chunk), 1) + 1))[:MAX_TEXT]))
def test_never_raises_on_unicode_up_to_the_limit(text):
    result = language_contract({"text": text}, AgencyPolicy())
    assert isinstance(result["findings"], list)


@pytest.mark.django_db
def test_same_contract_through_the_api(personas, login):
    from django.urls import reverse

    client = login(personas.worker)
    url = reverse("api:rules-run", kwargs={"name": "language"})
    ok = client.post(url, {"text": "She was on the track."}, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["suggested_indicators"] == ["the_life_lingo"]
    assert ok.json() == language_contract({"text": "She was on the track."}, AgencyPolicy())
    too_long = client.post(url, {"text": "a" * (MAX_TEXT + 1)}, content_type="application/json")
    assert too_long.status_code == 400
    assert "text" in too_long.json()
