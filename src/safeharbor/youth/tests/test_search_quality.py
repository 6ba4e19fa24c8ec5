"""Duplicate-search quality on a labelled corpus of name pairs (typos, swapped order, nicknames,
aliases, accents, date slips, and hard negatives: similar names of different people).

Run with -s to see the figures."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from safeharbor.core.testing import factories as f
from safeharbor.youth.search import MATCH_THRESHOLD, duplicate_candidates, youth_reindex

CORPUS = Path(__file__).resolve().parent / "name_pairs.csv"


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def load_pairs() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_corpus_is_large_and_varied():
    pairs = load_pairs()
    kinds = {p["kind"] for p in pairs}
    assert len(pairs) >= 60
    assert {"typo", "swap", "nickname", "alias", "hard_negative"} <= kinds
    assert sum(p["same_person"] == "0" for p in pairs) >= 15


@pytest.mark.django_db
def test_precision_and_recall_at_threshold():
    agency = f.AgencyFactory(slug="corpus")
    pairs = load_pairs()
    records = []
    for pair in pairs:
        youth = f.YouthFactory(
            agency=agency,
            legal_first_name=pair["legal_first"],
            legal_middle_name=pair["legal_middle"],
            legal_last_name=pair["legal_last"],
            preferred_name=pair["preferred"],
            date_of_birth=_date(pair["record_dob"]),
        )
        for alias in filter(None, pair["aliases"].split(";")):
            f.AliasFactory(youth=youth, name=alias, kind="street")
        youth_reindex(youth=youth)
        records.append(youth)

    tp = fp = fn = tn = 0
    misses = []
    for pair, youth in zip(pairs, records, strict=True):
        hits = duplicate_candidates(
            agency_id=agency.pk, query=pair["query"], date_of_birth=_date(pair["query_dob"]), limit=1000
        )
        found = any(h.youth_id == youth.pk for h in hits)
        same = pair["same_person"] == "1"
        if found and same:
            tp += 1
        elif found:
            fp += 1
            misses.append(("false match", pair["kind"], pair["query"]))
        elif same:
            fn += 1
            misses.append(("missed", pair["kind"], pair["query"]))
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    print(
        f"\nname search at threshold {MATCH_THRESHOLD}: {len(pairs)} pairs, tp={tp} fp={fp} fn={fn} tn={tn}, "
        f"precision={precision:.3f} recall={recall:.3f}"
    )
    for miss in misses:
        print("  ", *miss)
    assert precision >= 0.9
    assert recall >= 0.9
