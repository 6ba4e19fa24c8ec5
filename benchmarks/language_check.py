"""Time the victim-centred language check (RULES.md §7) on a 100,000-character case note.

    .venv/bin/python benchmarks/language_check.py [RUNS]

The note is built from fictional case-note sentences (ordinary prose, stigmatizing terms, terms of the
life, quotations, words with ordinary senses) repeated to exactly the contract's limit. The contract
runs RUNS times (default 5); the median, minimum and maximum wall times and the number of findings
are printed. The contract is pure: no database is needed.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

SENTENCES = (
    "Met with the youth at the group home to review her school attendance and the service plan. ",
    "Staff described her as a child prostitute; she is a victim of commercial sexual exploitation. ",
    "She said \u201cDaddy gets mad if I don\u2019t make my quota\u201d and would not say more. ",
    "She keeps track of her appointments in a planner and is on track to finish tenth grade. ",
    "Her dad and I discussed court dates and dates of birth for the siblings. ",
    "She reported being on the track near the motel with two other girls from his stable. ",
    "The placement is stable and the out-of-pocket costs for the bus pass were reimbursed. ",
    "She ran fast at the track meet and then had fast food with her foster family. ",
    "She talked about leaving the life and going square, and a pimp circle that scared her. ",
    "Loose clothing was provided; the bottom drawer holds her school records. ",
)


def build_note(size: int = 100_000) -> str:
    text = ""
    index = 0
    while len(text) < size:
        text += SENTENCES[index % len(SENTENCES)]
        index += 1
    return text[:size]


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    os.environ.setdefault("SAFEHARBOR_ENV", "development")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeharbor.settings")
    import django

    django.setup()
    from safeharbor.agency.policy import AgencyPolicy
    from safeharbor.guidance.rules import MAX_TEXT, language_contract

    note = build_note(MAX_TEXT)
    policy = AgencyPolicy()
    timings = []
    result: dict[str, object] = {}
    for _ in range(runs):
        started = time.perf_counter()
        result = language_contract({"text": note}, policy)
        timings.append(time.perf_counter() - started)
    findings = result.get("findings", [])
    count = len(findings) if isinstance(findings, list) else 0
    print(f"language check, {len(note):,} characters, {runs} runs, {count} findings")
    print(
        f"median {statistics.median(timings) * 1000:.1f} ms  "
        f"min {min(timings) * 1000:.1f} ms  max {max(timings) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
