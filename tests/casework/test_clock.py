"""The one clock: a simulated time stored in the database, refused in production."""

import datetime
import io
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from casework import clock
from casework.audit import audit_record
from casework.models import SimulatedClock

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def clock_command(*args) -> str:
    out = io.StringIO()
    call_command("clock", *args, stdout=out)
    return out.getvalue().strip()


def now_in_another_connection() -> datetime.datetime:
    """Read the clock from a fresh thread, hence a fresh database connection."""
    seen = []

    def read():
        try:
            seen.append(clock.now())
        finally:
            connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(timeout=30)
    return seen[0]


def test_without_a_simulated_clock_now_is_real_time():
    before = timezone.now()

    now = clock.now()

    assert before <= now <= timezone.now()


def test_clock_set_frozen_makes_now_and_today_that_moment_and_stores_it():
    # when
    output = clock_command("set", "2027-02-03T04:05:06", "--frozen")

    # then
    expected = datetime.datetime(2027, 2, 3, 4, 5, 6, tzinfo=SHANGHAI)
    assert clock.now() == expected
    assert clock.today() == datetime.date(2027, 2, 3)
    assert SimulatedClock.objects.get(pk=1).set_to == expected
    assert output.startswith("2027-02-03T")


def test_a_running_simulated_clock_moves_on_from_the_time_set():
    # when
    clock_command("set", "2030-01-01")

    # then
    start = datetime.datetime(2030, 1, 1, tzinfo=SHANGHAI)
    first = clock.now()
    second = clock.now()
    assert start <= first <= second < start + datetime.timedelta(minutes=1)


def test_the_clock_is_read_from_the_database_each_time(django_assert_num_queries):
    # given
    clock_command("set", "2030-01-01T12:00:00", "--frozen")

    # when another writer changes the stored row behind the module's back
    SimulatedClock.objects.filter(pk=1).update(
        set_to=datetime.datetime(2031, 5, 6, 7, 0, tzinfo=datetime.UTC)
    )

    # then
    with django_assert_num_queries(1):
        assert clock.now() == datetime.datetime(2031, 5, 6, 7, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db(transaction=True)
def test_another_connection_sees_the_clock_that_was_set_and_then_reset():
    # when
    clock_command("set", "2029-09-09T09:09:09", "--frozen")
    seen_set = now_in_another_connection()
    clock_command("reset")
    seen_reset = now_in_another_connection()

    # then
    assert seen_set == datetime.datetime(2029, 9, 9, 9, 9, 9, tzinfo=SHANGHAI)
    assert abs(seen_reset - timezone.now()) < datetime.timedelta(minutes=1)
    assert not SimulatedClock.objects.exists()


def test_clock_reset_returns_to_real_time():
    # given
    clock_command("set", "2040-01-01", "--frozen")

    # when
    clock_command("reset")

    # then
    assert abs(clock.now() - timezone.now()) < datetime.timedelta(seconds=5)


def test_clock_set_accepts_a_date_with_time_zone():
    clock_command("set", "2027-06-30T20:00:00+00:00", "--frozen")

    assert clock.today() == datetime.date(2027, 7, 1)


def test_clock_set_refuses_what_is_not_an_iso_time():
    with pytest.raises(CommandError) as raised:
        clock_command("set", "next tuesday")

    assert raised.value.returncode != 0
    assert not SimulatedClock.objects.exists()


def test_audit_events_carry_the_clock_time_and_the_real_server_time():
    clock_command("set", "2035-03-03T03:03:03", "--frozen")

    event = audit_record(action="test")

    assert event.occurred_at == datetime.datetime(2035, 3, 3, 3, 3, 3, tzinfo=SHANGHAI)
    assert abs(event.recorded_at - timezone.now()) < datetime.timedelta(minutes=1)


@override_settings(CASEWORK_SIMULATED_CLOCK=False)
def test_production_refuses_to_set_or_reset_the_clock():
    # when / then
    with pytest.raises(CommandError) as raised:
        clock_command("set", "2030-01-01")
    assert raised.value.returncode != 0
    assert "production" in str(raised.value)
    with pytest.raises(CommandError):
        clock_command("reset")
    with pytest.raises(ImproperlyConfigured):
        clock.clock_set(to=datetime.datetime(2030, 1, 1))
    assert not SimulatedClock.objects.exists()


def test_production_ignores_a_simulated_time_left_in_the_database():
    # given
    clock.clock_set(to=datetime.datetime(2030, 1, 1), frozen=True)

    # when
    with override_settings(CASEWORK_SIMULATED_CLOCK=False):
        now = clock.now()

    # then
    assert abs(now - timezone.now()) < datetime.timedelta(seconds=5)


def test_clock_show_prints_the_clocks_now():
    clock_command("set", "2028-08-08T08:08:08", "--frozen")

    assert clock_command("show") == "2028-08-08T08:08:08+08:00"
