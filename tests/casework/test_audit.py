"""The audit chain: a fresh chain verifies, and any single tampering is named.

These tests run on SQLite and, in the services lane, on PostgreSQL. There the
append-only trigger is first shown to refuse UPDATE and DELETE; the tampering
tests then disable it as the superuser (inside the test's transaction, which
rolls the ALTER TABLE back with everything else) and re-enable it after.
"""

import contextlib
import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from casework.audit import GENESIS_HASH, audit_record, audit_verify, event_hash
from casework.models import AuditEvent, AuditHead

pytestmark = pytest.mark.django_db

TRIGGER = "casework_auditevent_append_only"


def chain_of(n: int) -> list[AuditEvent]:
    """Write ``n`` events through the one writer and return them in order."""
    return [
        audit_record(action="test", object_type="tests.thing", object_id=str(i), payload={"i": i})
        for i in range(1, n + 1)
    ]


def verify_command() -> str:
    out = []

    class Sink:
        def write(self, text):
            out.append(text)

        def flush(self):
            pass

    call_command("verify_audit", stdout=Sink())
    return "".join(out)


def assert_command_names(broken: AuditEvent) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit")
    assert raised.value.returncode != 0
    assert f"event id {broken.pk} " in str(raised.value)


@contextlib.contextmanager
def trigger_disabled():
    """On PostgreSQL, disable the append-only trigger (we connect as superuser)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE casework_auditevent DISABLE TRIGGER {TRIGGER}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE casework_auditevent ENABLE TRIGGER {TRIGGER}")


@pytest.fixture
def tamperable():
    """Let the test change audit rows."""
    with trigger_disabled():
        yield


def renumber(event: AuditEvent, seq: int) -> None:
    AuditEvent.objects.filter(pk=event.pk).update(seq=seq)


def forge(*, seq: int, prev_hash: str, consistent: bool = True) -> AuditEvent:
    """Build a forged event, with a hash that matches its own content if ``consistent``."""
    moment = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
    forged = AuditEvent(
        seq=seq,
        recorded_at=moment,
        occurred_at=moment,
        action="transition_performed",
        object_type="tests.thing",
        object_id="forged",
        payload={"forged": True},
        prev_hash=prev_hash,
    )
    forged.hash = event_hash(forged) if consistent else "f" * 64
    forged.save(force_insert=True)
    return forged


# --- an untouched chain ---------------------------------------------------------------


def test_an_empty_chain_verifies_with_count_zero():
    # given no event at all (the head names the genesis)
    assert AuditHead.objects.get(pk=1).hash == GENESIS_HASH

    # when / then
    result = audit_verify()
    assert (result.ok, result.count, result.broken_id) == (True, 0, None)


def test_a_fresh_chain_verifies_with_the_right_count_and_links_each_event_to_the_previous():
    # given
    events = chain_of(5)

    # when
    result = audit_verify()

    # then
    assert (result.ok, result.count) == (True, 5)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (5, events[-1].hash)


def test_verify_audit_command_prints_ok_with_the_count_and_exits_zero():
    # given
    chain_of(3)

    # when
    output = verify_command()

    # then: call_command raised nothing, so the process would exit 0
    assert output.startswith("OK 3")


def test_a_chain_written_with_rich_payloads_still_verifies_after_reading_back():
    # given payload values whose JSON form differs from the Python value
    audit_record(
        action="test",
        payload={
            "day": datetime.date(2026, 2, 1),
            "when": datetime.datetime(2026, 2, 1, 8, 30, tzinfo=datetime.UTC),
            "name": "南宁市青秀区",
            "nested": {"b": [1, 2], "a": None},
        },
        rule_versions={"penalty_procedure": "2026-02-01"},
        file_hashes=["ab" * 32],
    )

    # when / then
    assert audit_verify().ok


# --- tampering ------------------------------------------------------------------------


def test_an_altered_payload_is_named_as_the_broken_event(tamperable):
    # given
    events = chain_of(5)

    # when
    AuditEvent.objects.filter(pk=events[2].pk).update(payload={"i": 999})

    # then
    result = audit_verify()
    assert (result.ok, result.broken_id, result.count) == (False, events[2].pk, 2)
    assert "content" in result.reason
    assert_command_names(events[2])


def test_an_altered_actor_or_state_is_named_as_the_broken_event(tamperable):
    # given
    events = chain_of(4)

    # when
    AuditEvent.objects.filter(pk=events[1].pk).update(target_state="closed")

    # then
    result = audit_verify()
    assert (result.ok, result.broken_id) == (False, events[1].pk)
    assert_command_names(events[1])


def test_an_event_deleted_from_the_middle_names_the_event_after_the_gap(tamperable):
    # given
    events = chain_of(5)

    # when
    AuditEvent.objects.filter(pk=events[2].pk).delete()

    # then
    result = audit_verify()
    assert (result.ok, result.broken_id, result.count) == (False, events[3].pk, 2)
    assert_command_names(events[3])


def test_a_middle_deletion_with_renumbering_names_the_event_after_the_gap(tamperable):
    # given
    events = chain_of(5)

    # when: delete #3 and close the gap so the sequence looks contiguous
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    renumber(events[3], 3)
    renumber(events[4], 4)

    # then
    result = audit_verify()
    assert (result.ok, result.broken_id) == (False, events[3].pk)
    assert_command_names(events[3])


def test_the_last_event_deleted_is_detected_against_the_head(tamperable):
    # given
    events = chain_of(5)

    # when
    AuditEvent.objects.filter(pk=events[4].pk).delete()

    # then: the chain itself is intact up to #4 but the head names #5
    result = audit_verify()
    assert (result.ok, result.count, result.broken_id) == (False, 4, events[3].pk)
    assert "#5" in result.reason
    assert_command_names(events[3])


def test_a_forged_event_appended_after_the_head_is_named(tamperable):
    # given
    events = chain_of(3)

    # when: a forger appends a perfectly chained event but cannot move the head
    forged = forge(seq=4, prev_hash=events[-1].hash)

    # then
    result = audit_verify()
    assert (result.ok, result.broken_id) == (False, forged.pk)
    assert_command_names(forged)


def test_a_forged_event_inserted_in_the_middle_with_renumbering_is_detected(tamperable):
    # given
    events = chain_of(5)

    # when: #3..#5 move up by one (highest first, seq is unique) and a chained forgery
    # takes #3
    for event in reversed(events[2:]):
        renumber(event, event.seq + 1)
    forge(seq=3, prev_hash=events[1].hash)

    # then: the forgery itself is consistent; the old #3 no longer links to it
    result = audit_verify()
    assert (result.ok, result.broken_id) == (False, events[2].pk)
    assert_command_names(events[2])


def test_a_naive_forged_event_in_a_gap_is_named_itself(tamperable):
    # given: a chain with #3 removed, leaving a gap
    events = chain_of(4)
    AuditEvent.objects.filter(pk=events[2].pk).delete()

    # when: a row with a made-up hash fills the gap
    forged = forge(seq=3, prev_hash=events[1].hash, consistent=False)

    # then
    result = audit_verify()
    assert (result.ok, result.broken_id) == (False, forged.pk)
    assert_command_names(forged)


def test_two_events_with_swapped_sequence_numbers_are_detected(tamperable):
    # given
    events = chain_of(5)
    second, third = events[1], events[2]

    # when: swap #2 and #3 (through a free number, seq is unique)
    renumber(second, 100)
    renumber(third, 2)
    renumber(second, 3)

    # then: the event now at #2 does not link to #1
    result = audit_verify()
    assert (result.ok, result.broken_id) == (False, third.pk)
    assert_command_names(third)


def test_a_rehashed_event_still_breaks_the_link_to_its_successor(tamperable):
    # given
    events = chain_of(4)

    # when: the forger alters #2 and recomputes its own hash
    altered = AuditEvent.objects.get(pk=events[1].pk)
    altered.payload = {"i": "changed"}
    AuditEvent.objects.filter(pk=altered.pk).update(
        payload=altered.payload, hash=event_hash(altered)
    )

    # then
    result = audit_verify()
    assert (result.ok, result.broken_id) == (False, events[2].pk)
    assert "previous hash" in result.reason
    assert_command_names(events[2])


# --- PostgreSQL refuses to change the table -------------------------------------------


@pytest.mark.services
def test_postgresql_refuses_update_of_an_audit_event():
    # given
    event = chain_of(1)[0]

    # when / then
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(payload={"tampered": True})
    assert AuditEvent.objects.get(pk=event.pk).payload == {"i": 1}
    assert audit_verify().ok


@pytest.mark.services
def test_postgresql_refuses_delete_of_an_audit_event():
    # given
    event = chain_of(2)[0]

    # when / then
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM casework_auditevent")
    assert AuditEvent.objects.count() == 2
    assert audit_verify().ok


@pytest.mark.services
def test_the_superuser_can_disable_the_trigger_to_tamper_and_it_refuses_again_after():
    # given
    event = chain_of(1)[0]

    # when: tampered with the trigger disabled
    with trigger_disabled():
        AuditEvent.objects.filter(pk=event.pk).update(payload={"tampered": True})

    # then: the change is caught, and the trigger refuses changes again
    assert audit_verify().broken_id == event.pk
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(payload={"i": 1})


def test_a_chain_head_that_names_another_hash_is_detected():
    # given
    events = chain_of(3)

    # when: the head row (not the events) is altered
    AuditHead.objects.filter(pk=1).update(hash="e" * 64)

    # then
    result = audit_verify()
    assert (result.ok, result.broken_id) == (False, events[-1].pk)
    assert_command_names(events[-1])


def test_a_forged_chain_appended_after_the_head_is_named_at_its_first_event(tamperable):
    # given
    events = chain_of(2)

    # when: two perfectly chained forgeries are appended
    first = forge(seq=3, prev_hash=events[-1].hash)
    forge(seq=4, prev_hash=first.hash)

    # then
    result = audit_verify()
    assert (result.ok, result.broken_id, result.broken_seq) == (False, first.pk, 3)
    assert_command_names(first)


def test_an_undeclared_action_is_refused_and_writes_nothing(db):
    # given
    before = AuditEvent.objects.count()

    # when / then
    with pytest.raises(LookupError, match="not declared"):
        audit_record(action="something_happened", object_type="tests.thing", object_id="1")
    assert AuditEvent.objects.count() == before
    assert AuditHead.objects.get(pk=1).seq == before
