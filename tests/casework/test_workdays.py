"""Counting legal periods: properties, and the official 2026 calendar."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.calendar_files import NATIONAL_FILE, calendar_file_read
from casework.calendars import work_calendar_from_rows
from casework.workdays import (
    CALENDAR_DAYS,
    WORKING_DAYS,
    PeriodError,
    deadline_compute,
)

CALENDAR = work_calendar_from_rows(calendar_file_read(NATIONAL_FILE))

starts = st.dates(min_value=datetime.date(2004, 1, 1), max_value=datetime.date(2028, 12, 31))
lengths = st.integers(min_value=1, max_value=120)
D = datetime.date


def due(start, length, unit=WORKING_DAYS):
    return deadline_compute(calendar=CALENDAR, start=start, length=length, unit=unit)


def working_days_between(start, end):
    """Working days in (start, end], counted day by day."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += CALENDAR.is_working_day(day)
    return count


@settings(max_examples=300, deadline=None)
@given(starts, lengths)
def test_a_working_day_result_is_a_working_day_and_counts_exactly_length(start, length):
    result = due(start, length).due

    assert CALENDAR.is_working_day(result)
    assert working_days_between(start, result) == length


@settings(max_examples=200, deadline=None)
@given(starts, lengths)
def test_working_day_results_grow_strictly_with_length(start, length):
    assert due(start, length).due < due(start, length + 1).due


@settings(max_examples=200, deadline=None)
@given(starts, lengths, st.sampled_from([WORKING_DAYS, CALENDAR_DAYS]))
def test_results_never_move_back_when_the_start_moves_forward(start, length, unit):
    later = start + datetime.timedelta(days=1)
    assert due(start, length, unit).due <= due(later, length, unit).due


@settings(max_examples=200, deadline=None)
@given(starts, lengths)
def test_a_calendar_period_ends_on_its_last_day_or_the_next_working_day(start, length):
    last = start + datetime.timedelta(days=length)
    result = due(start, length, CALENDAR_DAYS).due

    assert CALENDAR.is_working_day(result)
    assert result >= last
    assert all(
        not CALENDAR.is_working_day(last + datetime.timedelta(days=i))
        for i in range((result - last).days)
    )


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 1, 1), False),  # New Year's Day
        (D(2026, 1, 4), True),  # Sunday, make-up working day
        (D(2026, 2, 14), True),  # Saturday, make-up for Spring Festival
        (D(2026, 2, 16), False),  # Spring Festival
        (D(2026, 2, 23), False),  # last day of the Spring Festival break
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),  # Saturday, make-up for Spring Festival
        (D(2026, 5, 1), False),  # Labour Day
        (D(2026, 5, 5), False),
        (D(2026, 5, 9), True),  # Saturday, make-up for Labour Day
        (D(2026, 9, 20), True),  # Sunday, make-up for National Day
        (D(2026, 10, 1), False),  # National Day
        (D(2026, 10, 7), False),
        (D(2026, 10, 10), True),  # Saturday, make-up for National Day
        (D(2026, 10, 11), False),  # an ordinary Sunday
    ],
)
def test_the_official_2026_calendar(day, working):
    assert CALENDAR.is_working_day(day) is working


def test_five_working_days_across_national_day_2026_count_the_make_up_saturday():
    result = due(D(2026, 9, 30), 5)

    assert result.due == D(2026, 10, 13)
    assert result.made_up == (D(2026, 10, 10),)
    assert not result.provisional
    assert "国庆节" in result.explanation_zh
    assert "2026-10-10 (Sat)" in result.explanation_en


def test_three_working_days_before_spring_festival_2026_skip_the_whole_break():
    # Friday 13 Feb; Saturday 14 is a make-up day; 15–23 are off.
    assert due(D(2026, 2, 13), 3).due == D(2026, 2, 25)


def test_a_calendar_period_ending_in_the_labour_day_break_moves_to_the_next_working_day():
    result = due(D(2026, 4, 16), 15, CALENDAR_DAYS)

    assert result.moved_from == D(2026, 5, 1)
    assert result.due == D(2026, 5, 6)
    assert "顺延" in result.explanation_zh


def test_2027_has_no_official_schedule_so_results_there_are_provisional():
    inside_2026 = due(D(2026, 12, 1), 5)
    into_2027 = due(D(2026, 12, 28), 10)

    assert not inside_2026.provisional
    assert into_2027.provisional
    assert not CALENDAR.is_working_day(D(2027, 1, 1))  # statutory New Year's Day
    assert not CALENDAR.is_working_day(D(2027, 10, 1))  # statutory National Day
    assert "provisional" in into_2027.explanation_en


@pytest.mark.parametrize(
    ("length", "unit", "field"),
    [(0, WORKING_DAYS, "length"), (-3, CALENDAR_DAYS, "length"), (5, "weeks", "unit")],
)
def test_an_impossible_period_is_refused_naming_the_field(length, unit, field):
    with pytest.raises(PeriodError) as error:
        due(D(2026, 3, 2), length, unit)
    assert error.value.field == field
