"""Read an official holiday schedule from a CSV or JSON file.

CSV: a header ``date,kind,name,source`` and one row per non-ordinary day;
``kind`` is ``holiday`` (a day off, 放假) or ``workday`` (a make-up working day,
调休上班). JSON: ``{"source": "...", "days": [{"date": ..., "kind": ...,
"name": ..., "source": ...}]}`` (a day's own source overrides the file's).
A file covers whole years: every year it mentions is declared official, and
its days replace that year's days.
"""

import csv
import datetime
import io
import json
from dataclasses import dataclass
from pathlib import Path

KINDS = ("holiday", "workday")


@dataclass(frozen=True)
class CalendarRow:
    date: datetime.date
    kind: str
    name: str
    source: str


class CalendarFileError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _row(where: str, raw: dict, default_source: str, problems: list[str]) -> CalendarRow | None:
    try:
        day = datetime.date.fromisoformat(str(raw.get("date", "")).strip())
    except ValueError:
        problems.append(f"{where}, date: {raw.get('date')!r} is not a YYYY-MM-DD date")
        return None
    kind = str(raw.get("kind", "")).strip()
    if kind not in KINDS:
        problems.append(f"{where}, kind: {kind!r} is not one of {', '.join(KINDS)}")
        return None
    source = str(raw.get("source") or default_source).strip()
    if not source:
        problems.append(f"{where}, source: every day needs the schedule it comes from")
        return None
    return CalendarRow(day, kind, str(raw.get("name", "")).strip(), source)


def calendar_rows_parse(text: str, *, fmt: str) -> list[CalendarRow]:
    """Parse a file's text; raise CalendarFileError listing every problem."""
    problems: list[str] = []
    rows: list[CalendarRow] = []
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CalendarFileError([f"not valid JSON: {exc}"]) from None
        if not isinstance(data, dict) or not isinstance(data.get("days"), list):
            raise CalendarFileError(['JSON must be an object with a "days" list'])
        for i, raw in enumerate(data["days"], start=1):
            row = _row(
                f"day {i}", raw if isinstance(raw, dict) else {}, data.get("source", ""), problems
            )
            rows.append(row)
    else:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        missing = {"date", "kind", "source"} - set(reader.fieldnames or [])
        if missing:
            raise CalendarFileError([f"header lacks column(s): {', '.join(sorted(missing))}"])
        for line, raw in enumerate(reader, start=2):
            rows.append(_row(f"line {line}", raw, "", problems))
    seen: dict[datetime.date, int] = {}
    for i, row in enumerate(rows):
        if row is None:
            continue
        if row.date in seen:
            problems.append(f"{row.date.isoformat()}: listed twice")
        seen[row.date] = i
    if not rows:
        problems.append("the file lists no days")
    if problems:
        raise CalendarFileError(problems)
    return rows


def calendar_file_read(path: Path) -> list[CalendarRow]:
    fmt = "json" if path.suffix.lower() == ".json" else "csv"
    return calendar_rows_parse(path.read_text(encoding="utf-8-sig"), fmt=fmt)


NATIONAL_FILE = Path(__file__).resolve().parent / "calendar_data" / "cn-national.csv"
