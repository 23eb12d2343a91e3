"""Counting legal periods on the official working-day calendar.

Pure functions over a ``WorkCalendar``: the day of the start event is not
counted; a working-day period counts only working days (make-up working days
included, statutory holidays excluded); a calendar-day period whose last day is
not a working day ends on the next working day. A year without an official
schedule falls back to weekends plus the statutory holidays, and every result
that touches such a year is provisional.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
MONTHS = "months"
DAY_OF_MONTH = "day_of_month"  # the Nth day of the month after the start's month
UNITS = (WORKING_DAYS, CALENDAR_DAYS, MONTHS, DAY_OF_MONTH)

HOLIDAY = "holiday"
WORKDAY = "workday"  # a make-up working day (调休上班), usually a weekend day

ONE_DAY = datetime.timedelta(days=1)

# A generous bound: no legal period here is longer than a few years.
MAX_SCAN_DAYS = 3 * 366 * 5

_WEEKDAYS_ZH = "一二三四五六日"


@dataclass(frozen=True)
class SpecialDay:
    """A day that is not ordinary: a holiday, or a make-up working day."""

    kind: str  # HOLIDAY or WORKDAY
    name: str
    source: str = ""


@dataclass
class WorkCalendar:
    """Special days by date, which years are official, and a fallback for the rest.

    ``fallback(year)`` returns the statutory holidays of a year that has no
    official schedule (weekends are added by the calendar itself).
    """

    special: Mapping[datetime.date, SpecialDay]
    official_years: frozenset[int]
    fallback: Callable[[int], Mapping[datetime.date, str]] = lambda year: {}
    _fallback_cache: dict[int, Mapping[datetime.date, str]] = field(default_factory=dict)

    def is_official(self, year: int) -> bool:
        return year in self.official_years

    def special_day(self, day: datetime.date) -> SpecialDay | None:
        special = self.special.get(day)  # official rows, or a local override
        if special is not None or self.is_official(day.year):
            return special
        if day.year not in self._fallback_cache:
            self._fallback_cache[day.year] = self.fallback(day.year)
        name = self._fallback_cache[day.year].get(day)
        if name is not None:
            return SpecialDay(HOLIDAY, name, "statutory holidays (provisional)")
        return None

    def is_working_day(self, day: datetime.date) -> bool:
        special = self.special_day(day)
        if special is not None:
            return special.kind == WORKDAY
        return day.weekday() < 5


@dataclass(frozen=True)
class Skipped:
    day: datetime.date
    reason: str  # "weekend", or the holiday's name


@dataclass(frozen=True)
class Deadline:
    start: datetime.date
    length: int
    unit: str
    due: datetime.date
    provisional: bool
    skipped: tuple[Skipped, ...]
    made_up: tuple[datetime.date, ...]  # make-up working days that were counted
    moved_from: datetime.date | None  # calendar period whose last day was not a working day
    explanation_zh: str
    explanation_en: str


class PeriodError(ValueError):
    """A period that cannot be computed; ``field`` names the bad argument."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _check(start, length, unit) -> None:
    if not isinstance(start, datetime.date) or isinstance(start, datetime.datetime):
        raise PeriodError("start", "start must be a date")
    if not isinstance(length, int) or isinstance(length, bool) or length <= 0:
        raise PeriodError("length", "length must be a positive whole number of days")
    if unit not in UNITS:
        raise PeriodError("unit", f"unit must be one of {', '.join(UNITS)}")
    if unit == DAY_OF_MONTH and length > 28:
        raise PeriodError("length", "a day of the month must be between 1 and 28")


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day ``months`` later; the month's last day when that day does not exist."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = (datetime.date(year + month // 12, month % 12 + 1, 1) - ONE_DAY).day
    return datetime.date(year, month, min(day.day, last))


def _last_day(start: datetime.date, length: int, unit: str) -> datetime.date:
    if unit == CALENDAR_DAYS:
        return start + datetime.timedelta(days=length)
    if unit == MONTHS:
        return _add_months(start, length)
    return _add_months(start.replace(day=1), 1).replace(day=length)


def _skip_reason(calendar: WorkCalendar, day: datetime.date) -> str:
    special = calendar.special_day(day)
    if special is not None and special.kind == HOLIDAY:
        return special.name
    return "weekend"


def deadline_compute(
    *, calendar: WorkCalendar, start: datetime.date, length: int, unit: str
) -> Deadline:
    """Compute the last day of a period of ``length`` ``unit`` after ``start``."""
    _check(start, length, unit)
    skipped: list[Skipped] = []
    made_up: list[datetime.date] = []
    moved_from = None
    day = start
    if unit == WORKING_DAYS:
        counted = 0
        for _ in range(MAX_SCAN_DAYS):
            day += ONE_DAY
            if calendar.is_working_day(day):
                counted += 1
                if day.weekday() >= 5:
                    made_up.append(day)
                if counted == length:
                    break
            else:
                skipped.append(Skipped(day, _skip_reason(calendar, day)))
        else:  # pragma: no cover - only with a calendar that has no working days
            raise PeriodError("length", "no working day found within the scan limit")
    else:
        day = _last_day(start, length, unit)
        if not calendar.is_working_day(day):
            moved_from = day
            while not calendar.is_working_day(day):
                skipped.append(Skipped(day, _skip_reason(calendar, day)))
                day += ONE_DAY
    first = start + ONE_DAY
    provisional = any(not calendar.is_official(year) for year in range(first.year, day.year + 1))
    zh, en = _explain(start, length, unit, day, skipped, made_up, moved_from, provisional)
    return Deadline(
        start=start,
        length=length,
        unit=unit,
        due=day,
        provisional=provisional,
        skipped=tuple(skipped),
        made_up=tuple(made_up),
        moved_from=moved_from,
        explanation_zh=zh,
        explanation_en=en,
    )


def _runs(skipped: Iterable[Skipped]) -> list[tuple[datetime.date, datetime.date, str]]:
    """Group consecutive skipped days with the same reason into ranges."""
    runs: list[tuple[datetime.date, datetime.date, str]] = []
    for item in skipped:
        if runs and runs[-1][2] == item.reason and runs[-1][1] + ONE_DAY == item.day:
            runs[-1] = (runs[-1][0], item.day, item.reason)
        else:
            runs.append((item.day, item.day, item.reason))
    return runs


_REASONS_ZH = {
    "weekend": "休息日",
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
}


def _zh_reason(reason: str) -> str:
    return _REASONS_ZH.get(reason, reason)


def _zh_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日（星期{_WEEKDAYS_ZH[day.weekday()]}）"


def _span(start: datetime.date, end: datetime.date, fmt: Callable[[datetime.date], str]) -> str:
    return fmt(start) if start == end else f"{fmt(start)}–{fmt(end)}"


def _en_date(day: datetime.date) -> str:
    return f"{day.isoformat()} ({day:%a})"


def _explain(start, length, unit, due, skipped, made_up, moved_from, provisional):
    runs = _runs(skipped)
    if unit == WORKING_DAYS:
        zh = [f"自{_zh_date(start)}起算，当日不计，{length}个工作日。"]
        en = [f"{length} working day(s) from {_en_date(start)}, the start day not counted."]
    elif unit == CALENDAR_DAYS:
        zh = [f"自{_zh_date(start)}起算，当日不计，{length}日。"]
        en = [f"{length} calendar day(s) from {_en_date(start)}, the start day not counted."]
    elif unit == MONTHS:
        zh = [f"自{_zh_date(start)}起算，当日不计，{length}个月。"]
        en = [f"{length} month(s) from {_en_date(start)}, the start day not counted."]
    else:
        zh = [f"{_zh_date(start)}之后的下一个月{length}日。"]
        en = [f"Day {length} of the month after {_en_date(start)}."]
    if moved_from is not None:
        zh.append(f"期间届满日{_zh_date(moved_from)}不是工作日，顺延至下一个工作日。")
        en.append(
            f"The last day, {_en_date(moved_from)}, is not a working day: "
            "the period ends on the next working day."
        )
    if runs:
        zh.append(
            "不计入："
            + "；".join(f"{_span(a, b, _zh_date)}（{_zh_reason(r)}）" for a, b, r in runs)
            + "。"
        )
        en.append(
            "Not counted: " + "; ".join(f"{_span(a, b, _en_date)} ({r})" for a, b, r in runs) + "."
        )
    if made_up:
        zh.append("调休上班日计入：" + "、".join(_zh_date(d) for d in made_up) + "。")
        en.append("Make-up working days counted: " + ", ".join(_en_date(d) for d in made_up) + ".")
    zh.append(f"届满日：{_zh_date(due)}。")
    en.append(f"Due: {_en_date(due)}.")
    if provisional:
        zh.append("涉及尚未公布官方节假日安排的年份，按周末和法定节假日推算，结果为暂定。")
        en.append(
            "A year involved has no official holiday schedule yet: weekends and statutory "
            "holidays were assumed, so the result is provisional."
        )
    return "".join(zh), " ".join(en)


def working_days_before(*, calendar: WorkCalendar, due: datetime.date, count: int) -> datetime.date:
    """The working day that lies ``count`` working days before ``due``."""
    day, seen = due, 0
    for _ in range(MAX_SCAN_DAYS):
        day -= ONE_DAY
        if calendar.is_working_day(day):
            seen += 1
            if seen == count:
                return day
    raise PeriodError("count", "no working day found within the scan limit")


def units_between(
    *, calendar: WorkCalendar, first: datetime.date, last: datetime.date, unit: str
) -> int:
    """Count the period's units in [first, last]: working days, or calendar days."""
    if last < first:
        return 0
    if unit != WORKING_DAYS:
        return (last - first).days + 1
    count, day = 0, first
    while day <= last:
        count += calendar.is_working_day(day)
        day += ONE_DAY
    return count
