"""CSV exports neutralise what a spreadsheet would run as a formula."""

import csv
import datetime
import io

import pytest

from casework.exports import csv_cell, csv_response


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x","点我")', '\'=HYPERLINK("http://x","点我")'),
        ("+86 771 000", "'+86 771 000"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("南宁青秀化工有限公司", "南宁青秀化工有限公司"),
        ("a=b", "a=b"),
        (-5, -5),
        (None, ""),
        (datetime.date(2026, 12, 3), "2026-12-03"),
    ],
)
def test_a_cell_that_would_run_as_a_formula_is_written_as_text(value, written):
    assert csv_cell(value) == written


def test_a_response_is_utf8_with_a_bom_and_every_cell_neutralised():
    response = csv_response("x.csv", ["名称", "=header"], [["=cmd|' /C calc'!A0", 3]])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["名称", "'=header"], ["'=cmd|' /C calc'!A0", "3"]]


def test_no_other_module_writes_csv():
    """Every export goes through casework.exports, so none can forget to neutralise."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    writers = [
        path.relative_to(root).as_posix()
        for app in ("casework", "registry", "inspections", "portal", "notifications", "penalties")
        for path in (root / app).rglob("*.py")
        if "csv.writer(" in path.read_text(encoding="utf-8")
        or "csv.DictWriter(" in path.read_text(encoding="utf-8")
    ]
    assert writers == ["casework/exports.py"]


def test_a_yes_or_no_is_written_in_the_users_language():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert [csv_cell(True), csv_cell(False)] == ["是", "否"]
    with translation.override("en"):
        assert [csv_cell(True), csv_cell(False)] == ["Yes", "No"]
