"""Build a WorkCalendar from calendar data (files now; database rows per jurisdiction)."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

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


def work_calendar_for(jurisdiction, *, first_year: int, years: int = 4) -> WorkCalendar:
    """The calendar of ``jurisdiction`` (None: national) for ``years`` years from ``first_year``.

    National rows form the base; the rows of the jurisdiction and of each
    ancestor override it, the deepest one winning.
    """
    from casework.models import CalendarDay, CalendarYear

    span = (first_year, first_year + years - 1)
    codes = [c for c in (jurisdiction.path.strip("/").split("/") if jurisdiction else []) if c]
    rows = CalendarDay.objects.filter(date__year__range=span).filter(
        Q(jurisdiction__isnull=True) | Q(jurisdiction__in=codes)
    )
    depth = {code: i + 1 for i, code in enumerate(codes)}
    ordered = sorted(rows, key=lambda r: depth.get(r.jurisdiction_id, 0))
    special = {r.date: SpecialDay(r.kind, r.name, r.source) for r in ordered}
    official = CalendarYear.objects.filter(year__range=span).values_list("year", flat=True)
    return WorkCalendar(
        special=special, official_years=frozenset(official), fallback=statutory_holidays
    )


@dataclass
class CalendarLoaded:
    years: list[int]
    days: int
    jurisdiction: str
    changed: list = field(default_factory=list)  # DeadlineEntry rows whose due date moved


def calendar_days_replace(
    *, rows: list[CalendarRow], jurisdiction=None, actor=None, sha256: str = ""
) -> CalendarLoaded:
    """Replace the calendar days of the years the rows cover (audited).

    National rows (``jurisdiction`` None) make those years official; a
    jurisdiction's rows override the national ones there and below. What this
    means for open deadlines is ``casework.deadlines.calendar_load``'s business.
    """
    from casework import clock, events
    from casework.models import CalendarDay, CalendarYear

    years = sorted({row.date.year for row in rows})
    with transaction.atomic():
        CalendarDay.objects.filter(jurisdiction=jurisdiction, date__year__in=years).delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(
                jurisdiction=jurisdiction,
                date=row.date,
                kind=row.kind,
                name=row.name,
                source=row.source,
            )
            for row in rows
        )
        if jurisdiction is None:
            for year in years:
                source = next(row.source for row in rows if row.date.year == year)
                CalendarYear.objects.update_or_create(
                    year=year, defaults={"source": source, "loaded_at": clock.now()}
                )
        events.calendar_loaded(
            actor=actor,
            jurisdiction_code=jurisdiction.code if jurisdiction else "national",
            years=years,
            days=len(rows),
            sha256=sha256,
        )
    return CalendarLoaded(
        years=years, days=len(rows), jurisdiction=jurisdiction.code if jurisdiction else "national"
    )
