"""The chain: append-only, verified link by link, and checked against its exported heads."""

from __future__ import annotations

import importlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from safeharbor.audit.chain import _ENCODER, GENESIS, digest_of, event_digest
from safeharbor.audit.models import AppendOnlyError, AuditEvent, AuditHead
from safeharbor.audit.services import audit_record
from safeharbor.audit.tasks import audit_export_head
from safeharbor.audit.tests.helpers import raw_sql, rewrite_chain_from
from safeharbor.audit.verify import anchor_export_head, anchor_path, chain_verify, read_anchors

pytestmark = pytest.mark.django_db


def _events(n: int, **kwargs: Any) -> list[AuditEvent]:
    return [audit_record(actor=None, action="test.event", object_type="test", object_id=i, **kwargs) for i in range(n)]


def _run_verify(capsys: Any) -> tuple[int, str, str]:
    code = 0
    try:
        call_command("audit", "verify")
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


# --- an honest chain ----------------------------------------------------------------------------


def test_empty_chain_verifies():
    result = chain_verify()
    assert result.ok and result.count == 0 and result.last_hash == GENESIS
    assert result.warnings and "no events yet" in result.warnings[0]


def test_honest_chain_verifies_and_the_command_says_so(capsys):
    _events(25)
    result = chain_verify()
    assert result.ok, result.summary()
    assert result.count == 25 and result.last_seq == 25
    code, out, _ = _run_verify(capsys)
    assert code == 0
    assert out.strip().startswith("audit chain ok: 25 events")
    assert len(out.strip().splitlines()) == 1


def test_verify_streams_in_chunks():
    _events(23)
    assert chain_verify(chunk_size=5).count == 23


def test_events_at_a_whole_second_verify():
    """SQLite stores an instant without microseconds as text without a fraction: still canonical."""
    with time_machine.travel(datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC), tick=False):
        _events(2, detail={"kind": "x"})
    assert chain_verify(now=datetime(2026, 3, 1, 12, 0, 30, tzinfo=UTC)).ok


@given(
    seq=st.integers(min_value=1, max_value=2**53),
    ids=st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=2**53)), min_size=3, max_size=3),
    texts=st.lists(st.text(max_size=30), min_size=4, max_size=4),
    detail=st.dictionaries(st.text(max_size=10), st.one_of(st.integers(), st.text(max_size=10), st.booleans())),
)
def test_fast_payload_equals_the_general_encoder(seq, ids, texts, detail):
    """`digest_of` writes the canonical JSON by hand; it must equal the encoder's output exactly."""
    import hashlib

    at = "2026-01-01T00:00:00.000001+00:00"
    agency_id, actor_id, youth_id = ids
    action, object_type, object_id, outcome = texts
    payload = _ENCODER.encode([seq, at, agency_id, actor_id, action, object_type, object_id, youth_id, outcome, detail])
    expected = hashlib.sha256(f"{GENESIS}|{payload}".encode()).hexdigest()
    assert (
        digest_of(GENESIS, seq, at, agency_id, actor_id, action, object_type, object_id, youth_id, outcome, detail)
        == expected
    )


def test_event_digest_covers_every_field():
    base = {
        "prev_hash": GENESIS,
        "seq": 1,
        "at": datetime(2026, 1, 1, tzinfo=UTC),
        "agency_id": 1,
        "actor_id": 2,
        "action": "youth.view",
        "object_type": "youth.youth",
        "object_id": "3",
        "youth_id": 3,
        "outcome": "ok",
        "detail": {},
    }
    digest = event_digest(**base)
    changes = {
        "prev_hash": "1" * 64,
        "seq": 2,
        "at": datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC),
        "agency_id": 9,
        "actor_id": 9,
        "action": "youth.edit",
        "object_type": "x",
        "object_id": "4",
        "youth_id": 4,
        "outcome": "denied",
        "detail": {"k": 1},
    }
    for field, value in changes.items():
        assert event_digest(**{**base, field: value}) != digest, field


# --- tampering ------------------------------------------------------------------------------------


def test_a_row_changed_by_raw_sql_fails_verify_naming_its_seq(capsys):
    _events(10)
    raw_sql("UPDATE audit_auditevent SET action = %s WHERE seq = %s", ["youth.nothing_to_see", 7])
    result = chain_verify()
    assert not result.ok
    assert result.broken_seq == 7
    assert "digest mismatch" in result.problem
    code, _, err = _run_verify(capsys)
    assert code == 1
    assert "seq 7" in err and "digest mismatch" in err


def test_a_rehashed_row_breaks_the_next_link():
    """Recomputing the tampered row's own hash moves the break to the next row's prev_hash."""
    events = _events(6)
    target = events[2]
    new_hash = event_digest(
        prev_hash=target.prev_hash,
        seq=target.seq,
        at=target.at,
        agency_id=target.agency_id,
        actor_id=target.actor_id,
        action="tampered",
        object_type=target.object_type,
        object_id=target.object_id,
        youth_id=target.youth_id,
        outcome=target.outcome,
        detail=target.detail,
    )
    raw_sql("UPDATE audit_auditevent SET action = %s, hash = %s WHERE seq = %s", ["tampered", new_hash, 3])
    result = chain_verify()
    assert result.broken_seq == 4
    assert "prev_hash mismatch" in result.problem


def test_a_deleted_row_is_reported_as_a_gap(capsys):
    _events(8)
    raw_sql("DELETE FROM audit_auditevent WHERE seq = %s", [5])
    result = chain_verify()
    assert not result.ok
    assert result.broken_seq == 5
    assert result.problem.startswith("gap: seq 5 missing")
    code, _, err = _run_verify(capsys)
    assert code == 1 and "seq 5" in err and "gap" in err


def test_deleting_the_last_rows_is_caught_by_the_head():
    _events(5)
    raw_sql("DELETE FROM audit_auditevent WHERE seq >= %s", [4])
    result = chain_verify()
    assert not result.ok
    assert "head mismatch" in result.problem


def test_changed_detail_is_caught():
    _events(3, detail={"kind": "a"})
    raw_sql("UPDATE audit_auditevent SET detail = %s WHERE seq = %s", [json.dumps({"kind": "b"}), 2])
    assert chain_verify().broken_seq == 2


# --- append-only ------------------------------------------------------------------------------------


def test_orm_update_and_delete_are_refused():
    event = _events(1)[0]
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        event.delete()
    event.action = "x"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert chain_verify().ok


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite trigger statements")
def test_database_triggers_from_migration_0002_refuse_update_and_delete():
    migration = importlib.import_module("safeharbor.audit.migrations.0002_append_only_triggers")
    _events(3)
    with connection.cursor() as cursor:
        for statement in migration.SQLITE_UP:
            cursor.execute(statement)
    try:
        for sql in (
            "UPDATE audit_auditevent SET action = 'x' WHERE seq = 2",
            "DELETE FROM audit_auditevent WHERE seq = 2",
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
        # Appending still works.
        audit_record(actor=None, action="test.after_triggers")
    finally:
        with connection.cursor() as cursor:
            for statement in migration.SQLITE_DOWN:
                cursor.execute(statement)
    assert AuditEvent.objects.count() == 4
    assert chain_verify().ok


# --- same transaction, no personal data -------------------------------------------------------------


def test_audit_row_rolls_back_with_the_service_transaction(personas):
    class Boom(Exception):
        pass

    before = AuditEvent.objects.count()
    head_before = AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first()
    with pytest.raises(Boom), transaction.atomic():
        audit_record(actor=personas.worker, action="youth.edit", obj=personas.youth)
        raise Boom
    assert AuditEvent.objects.count() == before
    assert AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first() == head_before
    assert chain_verify().ok


@pytest.mark.parametrize("key", ["name", "first_name", "date_of_birth", "dob", "query", "q", "narrative", "reason"])
def test_personal_data_keys_are_refused(key):
    with pytest.raises(ValueError, match="personal data"):
        audit_record(actor=None, action="test.event", detail={key: "anything"})
    assert AuditEvent.objects.count() == 0


# --- anchors (exported heads) --------------------------------------------------------------------


def test_export_head_appends_lines(anchor_dir, capsys):
    _events(3)
    call_command("audit", "export-head")
    _events(2)
    call_command("audit", "export-head")
    anchors = read_anchors()
    assert [a.seq for a in anchors] == [3, 5]
    head = AuditHead.objects.get(pk=1)
    assert anchors[-1].hash == head.hash
    assert anchors[0].at.endswith("+00:00")
    assert anchor_path().parent == anchor_dir
    assert len(anchor_path().read_text().splitlines()) == 2
    assert "exported head seq 5" in capsys.readouterr().out
    assert chain_verify().anchors_checked == 2


def test_hourly_task_exports_the_head():
    _events(4)
    assert audit_export_head.call_local() == 4
    assert [a.seq for a in read_anchors()] == [4]


def test_a_consistently_rewritten_chain_fails_against_the_exported_head(capsys):
    _events(6)
    anchor_export_head()
    _events(2)
    rewrite_chain_from(2, "youth.rewritten")
    assert chain_verify(check_anchors=False).ok  # internally consistent...
    result = chain_verify()  # ...but not the chain whose head was exported
    assert not result.ok
    assert result.broken_seq == 6
    assert "anchor mismatch" in result.problem
    code, _, err = _run_verify(capsys)
    assert code == 1 and "seq 6" in err and "anchor" in err


def test_a_truncated_chain_fails_against_a_later_exported_head():
    _events(5)
    anchor_export_head()
    # Cut the last two events and set the head back: internally consistent, but shorter than exported.
    last = AuditEvent.objects.get(seq=3)
    raw_sql("DELETE FROM audit_auditevent WHERE seq > %s", [3])
    raw_sql("UPDATE audit_audithead SET seq = %s, hash = %s WHERE id = 1", [3, last.hash])
    assert chain_verify(check_anchors=False).ok
    result = chain_verify()
    assert not result.ok and result.broken_seq == 5 and "anchor mismatch" in result.problem


def test_an_unreadable_anchor_line_fails_verify():
    _events(2)
    anchor_export_head()
    with anchor_path().open("a") as handle:
        handle.write("not json\n")
    result = chain_verify()
    assert not result.ok and "line 2" in result.problem


def test_nightly_check_tells_every_auditor_once_a_day_when_the_chain_breaks(personas):
    from safeharbor.audit.tasks import audit_verify_nightly
    from safeharbor.deadlines.models import Notification

    _events(4)
    assert audit_verify_nightly.call_local() is True
    assert not Notification.objects.filter(kind="audit.verify_failed").exists()
    raw_sql("UPDATE audit_auditevent SET outcome = %s WHERE seq = %s", ["denied", 2])
    assert audit_verify_nightly.call_local() is False
    assert audit_verify_nightly.call_local() is False
    told = Notification.objects.filter(kind="audit.verify_failed")
    assert [n.recipient_id for n in told] == [personas.auditor.pk]
    assert "seq 2" in told.get().message
