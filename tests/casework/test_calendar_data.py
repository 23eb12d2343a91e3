"""The committed national calendar matches the official schedules it was made from."""

from chinese_calendar import constants

from casework.calendar_files import NATIONAL_FILE, calendar_file_read


def test_the_national_file_holds_every_official_day_the_package_holds():
    rows = {row.date: row for row in calendar_file_read(NATIONAL_FILE)}

    expected = {d: "holiday" for d in constants.holidays} | {
        d: "workday" for d in constants.workdays
    }
    assert {d: row.kind for d, row in rows.items()} == expected
    assert all(row.source.startswith("国务院办公厅关于") for row in rows.values())
