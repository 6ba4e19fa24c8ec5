"""The anchor store is evidence too: an insider who can write the database file must not get a passing
`audit verify` by cutting the end of the chain, or by deleting the anchor file and rewriting the chain
(issue 14, item 5). What an empty store means for a new installation is pinned here as well."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from safeharbor.audit import tasks
from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import audit_record
from safeharbor.audit.tests.helpers import rewrite_chain_from, truncate_chain_after
from safeharbor.audit.verify import ANCHOR_EXPORT_PERIOD, anchor_export_head, anchor_path, chain_verify, read_anchors

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
PERIOD = ANCHOR_EXPORT_PERIOD


def _events_at(at: datetime, n: int) -> None:
    with time_machine.travel(at, tick=False):
        for i in range(n):
            audit_record(actor=None, action="test.event", object_type="test", object_id=i)


def _verify_command(capsys: Any, *, at: datetime) -> tuple[int, str, str]:
    code = 0
    with time_machine.travel(at, tick=False):
        try:
            call_command("audit", "verify")
        except SystemExit as exc:
            code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


# --- a brand-new installation ------------------------------------------------------------------------


def test_no_events_and_no_anchor_passes_with_a_warning(capsys):
    result = chain_verify(now=T0)
    assert result.ok
    assert result.warnings == (f"no exported head yet in {anchor_path()} (no events yet: a new installation)",)
    code, out, err = _verify_command(capsys, at=T0)
    assert code == 0 and out.startswith("audit chain ok: 0 events") and "warning: no exported head yet" in err


def test_events_younger_than_one_export_period_and_no_anchor_pass_with_a_warning(capsys):
    _events_at(T0, 3)
    result = chain_verify(now=T0 + PERIOD - timedelta(seconds=1))
    assert result.ok and result.count == 3
    assert "first export is due by 2026-06-01T10:30:00+00:00" in result.warnings[0]
    code, _, err = _verify_command(capsys, at=T0 + timedelta(minutes=5))
    assert code == 0 and "first export is due" in err


def test_events_older_than_one_export_period_and_no_anchor_fail(capsys):
    _events_at(T0, 3)
    result = chain_verify(now=T0 + PERIOD + timedelta(seconds=1))
    assert not result.ok
    assert result.problem.startswith("anchor store empty")
    assert "2026-06-01T09:30:00+00:00" in result.problem
    code, out, err = _verify_command(capsys, at=T0 + timedelta(hours=5))
    assert code == 1 and out == "" and "anchor store empty" in err


def test_an_honest_installation_with_hourly_exports_passes_without_warning():
    _events_at(T0, 2)
    anchor_export_head(now=T0 + timedelta(minutes=37))
    _events_at(T0 + timedelta(hours=1), 2)
    anchor_export_head(now=T0 + timedelta(hours=1, minutes=37))
    result = chain_verify(now=T0 + timedelta(hours=2))
    assert result.ok and result.anchors_checked == 2 and result.warnings == ()


# --- tamper (a): cut the end, move the head back --------------------------------------------------------


def test_cutting_the_end_and_moving_the_head_back_fails_against_the_last_anchor(capsys):
    _events_at(T0, 8)
    anchor_export_head(now=T0 + timedelta(minutes=1))
    truncate_chain_after(5)
    assert chain_verify(check_anchors=False).ok  # internally consistent...
    result = chain_verify(now=T0 + timedelta(minutes=2))  # ...but behind what was exported
    assert not result.ok and result.broken_seq == 8
    assert "the head row is at seq 5, behind the head exported at" in result.problem
    code, _, err = _verify_command(capsys, at=T0 + timedelta(minutes=2))
    assert code == 1 and "behind the head exported" in err


def test_cut_and_regrown_to_the_anchored_seq_fails_on_the_anchored_hash():
    """Regrowing the cut chain to the anchored length does not help: the anchored hash is not there."""
    _events_at(T0, 6)
    anchor_export_head(now=T0 + timedelta(minutes=1))
    truncate_chain_after(3)
    _events_at(T0 + timedelta(minutes=2), 3)
    result = chain_verify(now=T0 + timedelta(minutes=3))
    assert not result.ok and result.broken_seq == 6
    assert "differs from the chain at this seq" in result.problem


def test_the_worker_start_export_is_the_first_anchor(monkeypatch):
    """`make run` writes demo events and starts the worker: the start-up hook anchors them at once."""
    monkeypatch.setattr(tasks, "_start_done", False)
    _events_at(T0, 4)
    with time_machine.travel(T0 + timedelta(seconds=30), tick=False):
        assert tasks.audit_export_head_at_worker_start() == 4
        assert tasks.audit_export_head_at_worker_start() is None  # once per process, not per thread
    assert [(a.seq, a.at) for a in read_anchors()] == [(4, "2026-06-01T09:30:30+00:00")]
    truncate_chain_after(2)
    assert not chain_verify(now=T0 + timedelta(minutes=1)).ok


# --- tamper (b): delete the anchor file, rewrite the chain ----------------------------------------------


def test_deleting_the_anchor_file_and_rewriting_the_chain_fails():
    _events_at(T0, 5)
    anchor_export_head(now=T0 + timedelta(minutes=37))
    _events_at(T0 + timedelta(hours=1), 3)
    anchor_export_head(now=T0 + timedelta(hours=1, minutes=37))
    anchor_path().unlink()
    rewrite_chain_from(2, "youth.rewritten")
    assert chain_verify(check_anchors=False).ok
    result = chain_verify(now=T0 + timedelta(hours=1, minutes=40))
    assert not result.ok and result.problem.startswith("anchor store empty")


def test_a_new_anchor_file_started_over_a_rewritten_chain_fails():
    """After the deletion the hourly export writes a fresh file that matches the rewritten chain; the
    store now starts long after the chain does, which an honest store never does."""
    _events_at(T0, 5)
    anchor_export_head(now=T0 + timedelta(minutes=37))
    _events_at(T0 + timedelta(days=2), 3)
    anchor_export_head(now=T0 + timedelta(days=2, minutes=37))
    anchor_path().unlink()
    rewrite_chain_from(2, "youth.rewritten")
    anchor_export_head(now=T0 + timedelta(days=2, hours=1, minutes=7))  # the next hourly export
    result = chain_verify(now=T0 + timedelta(days=2, hours=1, minutes=10))
    assert not result.ok
    assert result.problem.startswith("anchor store incomplete")
    assert "but the chain starts at 2026-06-01T09:30:00+00:00" in result.problem


# --- an old store ------------------------------------------------------------------------------------------


def test_a_store_whose_newest_anchor_is_older_than_two_export_periods_fails():
    _events_at(T0, 2)
    anchor_export_head(now=T0 + timedelta(minutes=7))
    assert chain_verify(now=T0 + timedelta(minutes=7) + 2 * PERIOD).ok
    result = chain_verify(now=T0 + timedelta(minutes=7) + 2 * PERIOD + timedelta(seconds=1))
    assert not result.ok
    assert result.problem.startswith("anchor store stale: the newest exported head is from 2026-06-01T09:37:00")


def test_an_older_copy_of_the_anchor_file_fails_as_stale():
    """Swapping the anchor file for an older copy (to hide a later cut) leaves it stale."""
    _events_at(T0, 3)
    anchor_export_head(now=T0 + timedelta(minutes=7))
    old_copy = anchor_path().read_bytes()
    for hour in range(1, 4):
        _events_at(T0 + timedelta(hours=hour), 1)
        anchor_export_head(now=T0 + timedelta(hours=hour, minutes=7))
    truncate_chain_after(3)
    anchor_path().write_bytes(old_copy)
    result = chain_verify(now=T0 + timedelta(hours=3, minutes=10))
    assert not result.ok and result.problem.startswith("anchor store stale")


def test_an_anchor_line_without_a_readable_time_fails():
    _events_at(T0, 1)
    anchor_path().parent.mkdir(parents=True)
    with anchor_path().open("a") as handle:
        line = {"seq": 1, "hash": AuditEvent.objects.get(seq=1).hash, "at": "yesterday"}
        handle.write(json.dumps(line) + "\n")
    result = chain_verify(now=T0)
    assert not result.ok and "line 1" in result.problem


def test_no_anchors_skips_the_store_checks():
    _events_at(T0 - timedelta(days=30), 2)
    assert chain_verify(check_anchors=False, now=T0).ok
