"""The audit log page renders every event whatever its detail holds (issue 14, item 3).

The template once looped over `event.detail.items`: Django's template lookup tries `detail["items"]`
before the dict method, so one event with a detail key named `items` (the open-needs page writes one)
made the auditor's page a 500. The page now renders (key, value) pairs built in Python. This test writes
one event for every action code the application audits, found by scanning the source for
`audit_record(...)` calls, each with a detail full of awkward keys, and renders them all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

import safeharbor
from safeharbor.audit import services
from safeharbor.audit.selectors import detail_pairs
from safeharbor.audit.services import audit_record
from safeharbor.audit.views import PAGE_SIZE

pytestmark = pytest.mark.django_db

SOURCE = Path(safeharbor.__file__).parent
_CALL = re.compile(r"\baudit_record\(")
_ACTION_ARG = re.compile(r"\baction\s*=(?!=)")
_LITERAL = re.compile(r"""["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")

# Method names of dict and of the objects a template could reach, markup, and nesting.
AWKWARD_DETAIL: dict[str, Any] = {
    "items": [1, "two", {"three": 3}],
    "keys": "<script>alert('keys')</script>",
    "values": {"nested": {"deeper": ["<b>bold</b>", None, True]}},
    "get": None,
    "__class__": "<i>class</i>",
    "pop": 0,
    "update": False,
    "0": "zero",
    "": "empty key",
    "count": 3.5,
}


def _balanced(source: str, start: int, *, stop_at_comma: bool = False) -> str:
    """From `start` to the parenthesis that closes the one open there (or, with `stop_at_comma`, to
    the first comma outside any parentheses): one call, or one argument of it."""
    depth = 0
    for index in range(start, len(source)):
        char = source[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth <= 0 and not stop_at_comma:
                return source[start : index + 1]
            if depth < 0:
                return source[start:index]
        elif char == "," and depth == 0 and stop_at_comma:
            return source[start:index]
    return source[start:]


def audited_action_codes() -> set[str]:
    """Every action code written literally in the `action=` argument of an `audit_record(` call in the
    application (tests excluded), plus the action constants the audit services pass by name."""
    codes = {services.YOUTH_VIEW, services.BURST_ALERT}
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.relative_to(SOURCE).parts:
            continue
        text = path.read_text(encoding="utf-8")
        for match in _CALL.finditer(text):
            call = _balanced(text, match.end() - 1)
            for argument in _ACTION_ARG.finditer(call):
                # Every code the argument can take: `action="x"`, `action=a or ("x" if w else "y")`.
                value = _balanced(call, argument.end(), stop_at_comma=True)
                codes.update(_LITERAL.findall(value))
    return codes


def test_the_scan_finds_the_audited_actions():
    codes = audited_action_codes()
    # A scan that silently found nothing would make the page test below prove nothing.
    assert len(codes) >= 40
    assert {"youth.view", "youth.edit", "auth.sign_in", "mdt.referral_submit", "audit.burst_alert"} <= codes
    assert all(re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", code) for code in codes), sorted(codes)


def test_the_audit_page_renders_one_event_of_every_action_with_awkward_details(personas, login):
    codes = sorted(audited_action_codes())
    for code in codes:
        audit_record(actor=personas.worker, action=code, obj=personas.youth, detail=AWKWARD_DETAIL)
    client = login(personas.auditor)
    seen: set[str] = set()
    pages = (len(codes) + 1) // PAGE_SIZE + 2
    for page in range(1, pages + 1):
        response = client.get(reverse("audit:search"), {"page": page})
        assert response.status_code == 200, f"page {page}"
        html = response.content.decode()
        # Escaped, never markup: values and keys alike.
        assert "<script>" not in html and "<b>bold</b>" not in html and "<i>class</i>" not in html
        assert "&lt;script&gt;alert(&#x27;keys&#x27;)&lt;/script&gt;" in html
        seen.update(re.findall(r"<code>([a-z0-9_.]+)</code>", html))
    assert set(codes) <= seen


def test_detail_pairs_are_sorted_text_whatever_the_keys():
    pairs = detail_pairs(AWKWARD_DETAIL)
    assert [key for key, _ in pairs] == sorted(AWKWARD_DETAIL)
    assert dict(pairs)["items"] == '[1,"two",{"three":3}]'
    assert dict(pairs)["values"] == '{"nested":{"deeper":["<b>bold</b>",null,true]}}'
    assert dict(pairs)["get"] == "null"
    assert dict(pairs)["keys"] == "<script>alert('keys')</script>"  # escaped by the template, not here
    assert dict(pairs)["count"] == "3.5"
    assert detail_pairs({}) == []


@pytest.mark.parametrize("stored", [["a", "list"], "text", 7, None])
def test_a_detail_that_is_not_an_object_still_renders(stored):
    assert detail_pairs(stored) == ([] if stored is None else [("value", detail_pairs({"v": stored})[0][1])])


def test_filtering_on_an_event_with_an_items_key_renders(personas, login):
    """The shape the open-needs page writes."""
    audit_record(actor=personas.worker, action="youth.view", obj=personas.youth, detail={"items": 3})
    response = login(personas.auditor).get(reverse("audit:search"), {"action": "youth.view"})
    assert response.status_code == 200
    assert '<span class="sh-detail__key">items</span> 3' in response.content.decode()
