"""Write casework/calendar_data/cn-national.csv from the chinesecalendar package.

The package carries the State Council's annual holiday schedules (国务院办公厅
关于部分节假日安排的通知) up to 2026. The CSV is committed so that the runtime
does not depend on the package; tests/casework/test_calendar_data.py checks the
file still matches it. Run: .venv/bin/python tools/gen_national_calendar.py
"""

import csv
from pathlib import Path

from chinese_calendar import constants

OUT = Path(__file__).resolve().parent.parent / "casework" / "calendar_data" / "cn-national.csv"


def source(year: int) -> str:
    return f"国务院办公厅关于{year}年部分节假日安排的通知"


def main() -> None:
    rows = [(d, "holiday", name) for d, name in constants.holidays.items()]
    rows += [(d, "workday", name) for d, name in constants.workdays.items()]
    rows.sort()
    with OUT.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["date", "kind", "name", "source"])
        for day, kind, name in rows:
            writer.writerow([day.isoformat(), kind, name, source(day.year)])
    print(f"{OUT}: {len(rows)} days, years {rows[0][0].year}-{rows[-1][0].year}")


if __name__ == "__main__":
    main()
