"""``manage.py import_register``: the report, and the exit code."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from registry.models import Worker
from tests.factories import make_enterprise, valid_id_number, valid_uscc
from tests.registry.helpers import WORKER_HEADER, write_csv

pytestmark = pytest.mark.django_db


def rows_for(enterprise, numbers):
    return [
        [enterprise.uscc, valid_id_number(n), f"工人{n}", "operator", "false", "", ""]
        for n in numbers
    ]


def test_the_command_imports_and_prints_the_counts(tmp_path, capsys):
    company = make_enterprise(uscc=valid_uscc(1))
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows_for(company, [1, 2]))

    call_command("import_register", "workers", str(path))

    out = capsys.readouterr().out
    assert "2 rows, 2 created, 0 updated, 0 unchanged, 0 refused; imported" in out
    assert Worker.objects.count() == 2


def test_the_command_fails_with_exit_code_1_when_a_row_is_refused(tmp_path, capsys):
    company = make_enterprise(uscc=valid_uscc(1))
    rows = rows_for(company, [1, 2])
    rows[1][6] = "2026-02-30"
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    with pytest.raises(CommandError) as refused:
        call_command("import_register", "workers", str(path))

    assert refused.value.returncode == 1
    assert (
        "row 3, column hired_on: 2026-02-30 is not a date that exists." in capsys.readouterr().out
    )
    assert Worker.objects.count() == 0


def test_the_command_with_valid_only_imports_the_good_rows_and_still_exits_1(tmp_path, capsys):
    company = make_enterprise(uscc=valid_uscc(1))
    rows = rows_for(company, [1, 2])
    rows[1][4] = "maybe"
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    with pytest.raises(CommandError):
        call_command("import_register", "workers", str(path), "--valid-only")

    assert Worker.objects.count() == 1
