"""Build a WorkCalendar from calendar data (files now; database rows per jurisdiction)."""

import datetime
from collections.abc import Iterable, Mapping

from casework.calendar_files import CalendarRow
from casework.workdays import SpecialDay, WorkCalendar


def statutory_holidays(year: int) -> Mapping[datetime.date, str]:
    """Return the statutory holidays of ``year`` (no make-up days, no in-lieu guesses)."""
    import holidays

    return dict(holidays.China(years=year, observed=False, language="en_US").items())


def work_calendar_from_rows(
    rows: Iterable[CalendarRow], *, official_years: Iterable[int] | None = None
) -> WorkCalendar:
    """A calendar whose official years are those the rows cover (or those given)."""
    rows = list(rows)
    special = {row.date: SpecialDay(row.kind, row.name, row.source) for row in rows}
    years = official_years if official_years is not None else {row.date.year for row in rows}
    return WorkCalendar(
        special=special, official_years=frozenset(years), fallback=statutory_holidays
    )
