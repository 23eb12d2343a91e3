"""Concurrency on PostgreSQL: many writers at once leave one linear, verifiable chain.

Each worker is a real thread with its own database connection (closed when the
thread ends); a barrier releases them together.
"""

import threading
from collections import Counter

import pytest
from django.db import connection
from rest_framework.test import APIClient

from casework.audit import audit_record, audit_verify
from casework.exceptions import Conflict
from casework.models import AuditEvent
from casework.transitions import transition_perform
from inspections.models import Inspection
from tests.factories import client_for, make_enterprise, make_inspection, make_user
from tests.threads import N, run_together

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def assert_linear_chain(expected_count: int) -> None:
    result = audit_verify()
    assert result.ok, result
    assert result.count == expected_count
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, expected_count + 1))
    prevs = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(set(prevs)) == len(prevs), "two events claim the same predecessor"


@pytest.fixture
def scene():
    enterprise = make_enterprise()
    officers = [make_user(role="officer", jurisdiction="450103") for _ in range(2)]
    supervisor = make_user(role="supervisor", jurisdiction="450103")
    return enterprise, officers, supervisor


def test_twenty_simultaneous_starts_on_twenty_inspections_all_succeed(scene):
    # given
    enterprise, officers, _supervisor = scene
    inspections = [make_inspection(enterprise=enterprise, officers=officers) for _ in range(N)]
    before = AuditEvent.objects.count()
    body = {"officers": [o.username for o in officers], "version": 0}

    # when
    def start(i):
        response = client_for(officers[i % 2]).post(
            f"/api/v1/inspections/{inspections[i].pk}/transitions/start/", body, format="json"
        )
        return response.status_code

    statuses = run_together(start)

    # then
    assert statuses == [200] * N
    assert set(Inspection.objects.values_list("state", "version")) == {("in_progress", 1)}
    started = AuditEvent.objects.filter(action="transition_performed", transition="start")
    assert started.count() == N
    assert {e.object_id for e in started} == {str(i.pk) for i in inspections}
    assert_linear_chain(before + N)


def test_twenty_simultaneous_starts_with_the_same_version_on_one_inspection_one_wins_rest_409(
    scene,
):
    # given
    enterprise, officers, _supervisor = scene
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    before = AuditEvent.objects.count()
    url = f"/api/v1/inspections/{inspection.pk}/transitions/start/"
    body = {"officers": [o.username for o in officers], "version": 0}

    # when
    def start(i):
        response = client_for(officers[i % 2]).post(url, body, format="json")
        return response.status_code, response.json()

    results = run_together(start)

    # then
    statuses = Counter(status for status, _body in results)
    assert statuses == {200: 1, 409: N - 1}
    for status, answer in results:
        if status == 409:
            assert answer["state"] == "in_progress"
            assert answer["version"] == 1
    inspection.refresh_from_db()
    assert (inspection.state, inspection.version) == ("in_progress", 1)
    assert (
        AuditEvent.objects.filter(
            action="transition_performed", object_id=str(inspection.pk)
        ).count()
        == 1
    )
    assert_linear_chain(before + 1)


def test_a_simultaneous_mix_of_start_and_cancel_on_one_inspection_lets_exactly_one_through(scene):
    # given
    enterprise, officers, supervisor = scene
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    before = AuditEvent.objects.count()
    pk = inspection.pk

    # when: half try to start, half to cancel, no version given
    def attempt(i):
        if i % 2:
            name, data, actor = "start", {"officers": [o.username for o in officers]}, officers[0]
        else:
            name, data, actor = "cancel", {"reason": "enterprise closed"}, supervisor
        try:
            transition_perform(
                queryset=Inspection.objects.visible_to(actor),
                pk=pk,
                name=name,
                actor=actor,
                data=data,
            )
        except Conflict as exc:
            return ("conflict", exc.state)
        return ("ok", name)

    results = run_together(attempt)

    # then
    successes = [r for r in results if r[0] == "ok"]
    assert len(successes) == 1, results
    winner = successes[0][1]
    expected_state = {"start": "in_progress", "cancel": "cancelled"}[winner]
    assert sorted(results, key=str) == sorted(
        [("ok", winner)] + [("conflict", expected_state)] * (N - 1), key=str
    )
    inspection.refresh_from_db()
    assert (inspection.state, inspection.version) == (expected_state, 1)
    events = AuditEvent.objects.filter(action="transition_performed", object_id=str(pk))
    assert [(e.transition, e.source_state, e.target_state) for e in events] == [
        (winner, "planned", expected_state)
    ]
    assert_linear_chain(before + 1)


def test_a_simultaneous_start_record_close_storm_succeeds_only_in_lifecycle_order(scene):
    # given
    enterprise, officers, _supervisor = scene
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    before = AuditEvent.objects.count()
    payloads = {
        "start": {"officers": [o.username for o in officers]},
        "record": {"signed_by": "Legal representative"},
        "close": {},
    }
    names = ["start", "record", "close"]

    # when: each thread tries one of the three transitions, in no particular order
    def attempt(i):
        name = names[i % 3]
        response = client_for(officers[i % 2]).post(
            f"/api/v1/inspections/{inspection.pk}/transitions/{name}/",
            payloads[name],
            format="json",
        )
        return name, response.status_code

    results = run_together(attempt)

    # then: each transition succeeded at most once, only the others got 409, and the
    # successes form a prefix of start → record → close in audit order
    assert {status for _name, status in results} <= {200, 409}, results
    succeeded = [name for name, status in results if status == 200]
    assert len(succeeded) == len(set(succeeded))
    events = AuditEvent.objects.filter(action="transition_performed", object_id=str(inspection.pk))
    performed = [e.transition for e in events.order_by("seq")]
    assert sorted(performed) == sorted(succeeded)
    assert performed == names[: len(performed)]
    assert "start" in performed
    inspection.refresh_from_db()
    final_state = {1: "in_progress", 2: "recorded", 3: "closed"}[len(performed)]
    assert (inspection.state, inspection.version) == (final_state, len(performed))
    # recording also issues the 现场检查记录, audited in the same transaction
    issued = AuditEvent.objects.filter(action="document_issued").count()
    assert issued == (1 if "record" in performed else 0)
    assert_linear_chain(before + len(performed) + issued)


def test_twenty_simultaneous_audit_writes_leave_a_linear_chain():
    # given
    users = [make_user(role="officer", jurisdiction="450103") for _ in range(3)]
    before = AuditEvent.objects.count()

    # when: a login storm
    def login(i):
        return audit_record(
            action="logged_in", actor=users[i % 3], payload={"channel": "staff"}
        ).seq

    seqs = run_together(login)

    # then
    assert sorted(seqs) == list(range(before + 1, before + N + 1))
    assert AuditEvent.objects.filter(action="logged_in").count() == N
    assert_linear_chain(before + N)


def test_twenty_simultaneous_token_logins_each_write_one_login_event():
    # given
    from tests.factories import PASSWORD

    users = [make_user(role="officer", jurisdiction="450103") for _ in range(N)]
    before = AuditEvent.objects.count()

    # when: half log in right, half with a wrong password
    def login(i):
        password = PASSWORD if i % 2 else "wrong-password"
        response = APIClient().post(
            "/api/v1/auth/token",
            {"username": users[i].username, "password": password},
            format="json",
        )
        return response.status_code

    statuses = run_together(login)

    # then
    assert Counter(statuses)[200] == N // 2
    assert AuditEvent.objects.filter(action="logged_in").count() == N // 2
    assert AuditEvent.objects.filter(action="login_failed").count() == N // 2
    assert_linear_chain(before + N)


def test_verifying_while_events_are_being_written_reports_no_false_break():
    # given a chain long enough that a verification takes a while
    for i in range(300):
        audit_record(action="test", payload={"i": i})
    stop = threading.Event()

    def write():
        try:
            while not stop.is_set():
                audit_record(action="logged_in", payload={"channel": "staff"})
        finally:
            connection.close()

    writers = [threading.Thread(target=write) for _ in range(4)]
    for writer in writers:
        writer.start()

    # when
    try:
        results = [audit_verify(chunk_size=50) for _ in range(10)]
    finally:
        stop.set()
        for writer in writers:
            writer.join(timeout=60)

    # then
    assert [r for r in results if not r.ok] == []
    assert audit_verify().ok
