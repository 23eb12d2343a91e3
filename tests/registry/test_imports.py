"""Importing register files: every bad input gets a precise report and nothing is imported."""

import datetime

import pytest
from django.db import connection, transaction

from casework.models import AuditEvent, Enterprise
from registry import imports_direct, imports_staged
from registry.imports import file_sha256
from registry.models import Certificate, Trainer, Training, Worker
from tests.factories import (
    make_enterprise,
    make_user,
    make_worker,
    valid_id_number,
    valid_uscc,
)
from tests.registry.helpers import WORKER_HEADER, errors_of, import_file, write_csv

pytestmark = pytest.mark.django_db

ENTERPRISE_HEADER = [
    "uscc",
    "name",
    "sector",
    "jurisdiction",
    "address",
    "legal_representative",
    "contact_phone",
]


def worker_row(company, n, **changes):
    row = {
        "enterprise_uscc": company.uscc,
        "id_number": valid_id_number(n),
        "name": f"工人{n}",
        "job": "operator",
        "is_team_leader": "false",
        "special_ops": "electrical;welding",
        "hired_on": "2024-03-01",
        **changes,
    }
    return [row[name] for name in WORKER_HEADER]


def wrong_check_digit(id_number: str) -> str:
    return id_number[:-1] + ("1" if id_number[-1] != "1" else "2")


# --- the bad-input bars ----------------------------------------------------------------


def test_a_wrong_id_checksum_is_reported_and_nothing_is_imported(company, tmp_path):
    bad = wrong_check_digit(valid_id_number(3))
    rows = [worker_row(company, 1), worker_row(company, 2), worker_row(company, 3, id_number=bad)]
    path = write_csv(tmp_path / "workers.csv", WORKER_HEADER, rows)

    report = import_file("workers", path)

    assert errors_of(report) == [(4, "id_number", "The check digit of this ID number is wrong.")]
    assert (report.rows, report.refused, report.imported) == (3, 1, False)
    assert Worker.objects.count() == 0


def test_a_wrong_uscc_check_character_is_reported_and_nothing_is_imported(tmp_path):
    good, bad = valid_uscc(10), valid_uscc(11)
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    rows = [
        [good, "甲化工", "hazardous_chemicals", "450103", "", "", ""],
        [bad, "乙化工", "hazardous_chemicals", "450103", "", "", ""],
    ]
    path = write_csv(tmp_path / "enterprises.csv", ENTERPRISE_HEADER, rows)

    report = import_file("enterprises", path)

    assert errors_of(report) == [(3, "uscc", "The check character of this credit code is wrong.")]
    assert not Enterprise.objects.filter(uscc__in=[good, bad]).exists()


def test_an_unknown_enterprise_is_reported_and_nothing_is_imported(company, tmp_path):
    unknown = valid_uscc(999)
    rows = [worker_row(company, 1), worker_row(company, 2, enterprise_uscc=unknown)]
    path = write_csv(tmp_path / "workers.csv", WORKER_HEADER, rows)

    report = import_file("workers", path)

    assert errors_of(report) == [
        (
            3,
            "enterprise_uscc",
            "No enterprise with this credit code is registered in your jurisdiction.",
        )
    ]
    assert Worker.objects.count() == 0


def test_a_duplicated_row_is_reported_with_the_row_it_repeats(company, tmp_path):
    rows = [worker_row(company, n) for n in (1, 2, 3)] + [worker_row(company, 2, name="又一个")]
    path = write_csv(tmp_path / "workers.csv", WORKER_HEADER, rows)

    report = import_file("workers", path)

    assert errors_of(report) == [(5, None, "This row repeats the natural key of row 3.")]
    assert (report.refused, report.imported) == (1, False)
    assert Worker.objects.count() == 0


def test_an_impossible_date_is_reported_and_nothing_is_imported(company, tmp_path):
    rows = [worker_row(company, 1), worker_row(company, 2, hired_on="2026-02-30")]
    path = write_csv(tmp_path / "workers.csv", WORKER_HEADER, rows)

    report = import_file("workers", path)

    assert errors_of(report) == [(3, "hired_on", "2026-02-30 is not a date that exists.")]
    assert Worker.objects.count() == 0


def test_a_nul_in_a_text_cell_is_reported_and_nothing_is_imported(company, tmp_path):
    rows = [worker_row(company, 1), worker_row(company, 2, name="工\x00人")]
    path = write_csv(tmp_path / "workers.csv", WORKER_HEADER, rows)

    report = import_file("workers", path)

    assert errors_of(report) == [(3, "name", "Text may not contain the NUL character.")]
    assert Worker.objects.count() == 0
    assert AuditEvent.objects.filter(action="register_imported").count() == 1


def test_a_nul_in_a_key_cell_is_reported_not_a_server_error(company, tmp_path):
    rows = [worker_row(company, 1), worker_row(company, 2, id_number="45010319\x00900101002")]
    path = write_csv(tmp_path / "workers.csv", WORKER_HEADER, rows)

    report = import_file("workers", path)

    assert [(row, column) for row, column, _reason in errors_of(report)] == [(3, "id_number")]
    assert Worker.objects.count() == 0


def test_an_empty_file_is_refused(db, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")

    report = import_file("workers", path)

    assert errors_of(report) == [(1, None, "The file is empty.")]
    assert not report.imported


def test_a_header_only_file_is_refused(db, tmp_path):
    path = write_csv(tmp_path / "header.csv", WORKER_HEADER, [])

    report = import_file("workers", path)

    assert errors_of(report) == [(1, None, "The file has a header but no rows.")]
    assert not report.imported


def test_an_unknown_header_is_named(db, tmp_path):
    path = write_csv(tmp_path / "w.csv", [*WORKER_HEADER, "shoe_size"], [])

    report = import_file("workers", path)

    assert report.error_count == 1
    row, column, reason = errors_of(report)[0]
    assert (row, column) == (1, "shoe_size")
    assert reason.startswith("Unknown column shoe_size;")


def test_a_missing_required_column_is_named(db, tmp_path):
    header = [name for name in WORKER_HEADER if name != "job"]
    path = write_csv(tmp_path / "w.csv", header, [])

    report = import_file("workers", path)

    assert errors_of(report) == [(1, "job", "The required column job is missing.")]


def test_a_gbk_file_with_a_bad_row_is_reported_and_nothing_is_imported(company, tmp_path):
    header = [
        "统一社会信用代码",
        "身份证号",
        "姓名",
        "岗位",
        "是否班组长",
        "特种作业类别",
        "入职日期",
    ]
    rows = [
        worker_row(company, 1, name="张三", is_team_leader="是"),
        worker_row(company, 2, name="李四", is_team_leader="也许"),
    ]
    path = write_csv(tmp_path / "gbk.csv", header, rows, encoding="gbk")

    report = import_file("workers", path)

    assert report.encoding == "gbk"
    assert errors_of(report) == [
        (
            3,
            "is_team_leader",
            "也许 is not yes or no; write one of: 是, 否, true, false, yes, no, y, n, 1, 0, √, ×.",
        )
    ]
    assert Worker.objects.count() == 0


def test_a_row_with_too_few_fields_is_reported(company, tmp_path):
    rows = [worker_row(company, 1), worker_row(company, 2)[:3]]
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    report = import_file("workers", path)

    assert errors_of(report) == [(3, None, "This row has 3 fields; the header has 7.")]


def test_an_unknown_special_operations_code_is_reported(company, tmp_path):
    rows = [worker_row(company, 1, special_ops="electrical;juggling")]
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    report = import_file("workers", path)

    [(row, column, reason)] = errors_of(report)
    assert (row, column) == (2, "special_ops")
    assert reason.startswith("juggling is not a special-operations category")


def test_a_file_of_several_bad_rows_reports_every_error_in_line_order(company, tmp_path):
    rows = [
        worker_row(company, 1, hired_on="01/03/2024", name=""),
        worker_row(company, 2),
        worker_row(company, 3, id_number="450103"),
    ]
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    report = import_file("workers", path)

    assert errors_of(report) == [
        (2, "hired_on", "A date is written YYYY-MM-DD."),
        (2, "name", "This column is required."),
        (4, "id_number", "An ID number has 18 characters."),
    ]
    assert (report.rows, report.refused) == (3, 2)


def test_a_50_mb_file_whose_only_bad_row_is_the_last_imports_nothing(company, tmp_path):
    # given: ~50 MB of valid workers, then one row with a wrong check digit
    path = tmp_path / "big.csv"
    padding = "某" * 90  # long names make the rows large
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(WORKER_HEADER) + "\n")
        while out.tell() < 50 * 1024 * 1024:
            count += 1
            born = (datetime.date(1990, 1, 1) + datetime.timedelta(days=count // 1000)).strftime(
                "%Y%m%d"
            )
            out.write(
                f"{company.uscc},{valid_id_number(count, born=born)},{padding},"
                f"operator,false,electrical,2024-03-01\n"
            )
        bad = wrong_check_digit(valid_id_number(1, born="19891231"))
        out.write(f"{company.uscc},{bad},{padding},operator,false,,2024-03-01\n")
    assert path.stat().st_size > 50 * 1024 * 1024

    # when
    report = import_file("workers", path)

    # then
    last_line = count + 2
    assert errors_of(report) == [
        (last_line, "id_number", "The check digit of this ID number is wrong.")
    ]
    assert (report.rows, report.refused, report.imported) == (count + 1, 1, False)
    assert Worker.objects.count() == 0


# --- what a good file does -------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(company, tmp_path):
    path = write_csv(
        tmp_path / "workers.csv", WORKER_HEADER, [worker_row(company, n) for n in range(1, 6)]
    )

    first = import_file("workers", path)
    second = import_file("workers", path)

    assert (first.created, first.updated, first.unchanged) == (5, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 5)
    assert Worker.objects.count() == 5


def test_a_changed_row_is_updated_by_its_natural_key(company, tmp_path):
    import_file(
        "workers",
        write_csv(tmp_path / "a.csv", WORKER_HEADER, [worker_row(company, n) for n in (1, 2)]),
    )

    report = import_file(
        "workers",
        write_csv(
            tmp_path / "b.csv",
            WORKER_HEADER,
            [worker_row(company, 1), worker_row(company, 2, job="welder", is_team_leader="TRUE")],
        ),
    )

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    worker = Worker.objects.get(id_number=valid_id_number(2))
    assert (worker.job, worker.is_team_leader, worker.special_ops) == (
        "welder",
        True,
        ["electrical", "welding"],
    )


def test_valid_only_imports_the_good_rows_and_reports_the_bad(company, tmp_path):
    rows = [
        worker_row(company, 1),
        worker_row(company, 2, hired_on="2026-02-30"),
        worker_row(company, 3),
        worker_row(company, 1, name="重复"),
    ]
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    report = import_file("workers", path, valid_only=True)

    assert errors_of(report) == [
        (3, "hired_on", "2026-02-30 is not a date that exists."),
        (5, None, "This row repeats the natural key of row 2."),
    ]
    assert (report.created, report.refused, report.imported, report.ok) == (2, 2, True, True)
    assert set(Worker.objects.values_list("id_number", "name")) == {
        (valid_id_number(1), "工人1"),
        (valid_id_number(3), "工人3"),
    }


def test_chinese_headers_and_a_bom_are_accepted(company, tmp_path):
    header = [
        "统一社会信用代码",
        "身份证号",
        "姓名",
        "岗位",
        "是否班组长",
        "特种作业类别",
        "入职日期",
    ]
    rows = [worker_row(company, 1, is_team_leader="是"), worker_row(company, 2, special_ops="")]
    path = write_csv(tmp_path / "zh.csv", header, rows, bom=True)

    report = import_file("workers", path)

    assert (report.encoding, report.created, report.error_count) == ("utf-8", 2, 0)
    leader = Worker.objects.get(id_number=valid_id_number(1))
    assert leader.is_team_leader and leader.name == "工人1"
    assert Worker.objects.get(id_number=valid_id_number(2)).special_ops == []


def test_a_gbk_file_is_detected_and_imported(company, tmp_path):
    rows = [worker_row(company, 1, name="张三")]
    path = write_csv(tmp_path / "gbk.csv", WORKER_HEADER, rows, encoding="gbk")

    report = import_file("workers", path)

    assert (report.encoding, report.created) == ("gbk", 1)
    assert Worker.objects.get().name == "张三"


def test_a_gbk_file_read_as_utf8_is_refused_with_the_line(company, tmp_path):
    rows = [worker_row(company, 1, name="张三")]
    path = write_csv(tmp_path / "gbk.csv", WORKER_HEADER, rows, encoding="gbk")

    report = import_file("workers", path, encoding="utf-8")

    [(row, column, reason)] = errors_of(report)
    assert reason.startswith("The file is not UTF-8 text")
    assert Worker.objects.count() == 0


def test_enterprises_are_imported_with_their_jurisdiction(tmp_path, db):
    rows = [
        [valid_uscc(20), "甲化工", "hazardous_chemicals", "450103", "青秀路1号", "王五", "0771-1"],
        [valid_uscc(21), "乙矿业", "non_coal_mining", "450999", "", "", ""],
        [valid_uscc(22), "丙冶炼", "steel", "450103", "", "", ""],
    ]
    path = write_csv(tmp_path / "e.csv", ENTERPRISE_HEADER, rows)

    report = import_file("enterprises", path, valid_only=True)

    assert errors_of(report)[0] == (
        3,
        "jurisdiction",
        "No division with this code lies within your jurisdiction.",
    )
    assert errors_of(report)[1][:2] == (4, "sector")
    enterprise = Enterprise.objects.get(uscc=valid_uscc(20))
    assert (enterprise.jurisdiction_id, enterprise.address) == ("450103", "青秀路1号")


def test_certificates_need_a_registered_worker_anywhere(company, tmp_path):
    elsewhere = make_enterprise(uscc=valid_uscc(2), jurisdiction="450123")
    make_worker(enterprise=elsewhere, id_number=valid_id_number(1))
    header = ["id_number", "category", "number", "issued_on", "valid_until", "review_due_on"]
    rows = [
        [valid_id_number(1), "electrical", "T001", "2024-01-01", "2030-01-01", ""],
        [valid_id_number(2), "electrical", "T002", "2024-01-01", "2030-01-01", ""],
        [valid_id_number(1), "welding", "T003", "2024-01-01", "2023-01-01", ""],
    ]
    path = write_csv(tmp_path / "c.csv", header, rows)

    report = import_file("certificates", path)

    assert errors_of(report) == [
        (3, "id_number", "No worker with this ID number is registered in your jurisdiction."),
        (4, "valid_until", "A certificate cannot expire before it is issued."),
    ]
    assert Certificate.objects.count() == 0


def test_trainings_need_a_worker_of_that_enterprise_and_a_job(company, tmp_path):
    other = make_enterprise(uscc=valid_uscc(3))
    make_worker(enterprise=company, id_number=valid_id_number(1))
    make_worker(enterprise=other, id_number=valid_id_number(2))
    header = [
        "enterprise_uscc",
        "id_number",
        "kind",
        "job",
        "course",
        "hours",
        "theory_passed",
        "practical_passed",
        "assessed_on",
    ]
    rows = [
        [
            company.uscc,
            valid_id_number(1),
            "job_safety",
            "operator",
            "基础",
            "8",
            "是",
            "否",
            "2025-01-02",
        ],
        [
            company.uscc,
            valid_id_number(2),
            "job_safety",
            "operator",
            "基础",
            "8",
            "是",
            "是",
            "2025-01-02",
        ],
        [company.uscc, valid_id_number(1), "job_safety", "", "基础", "8", "是", "是", "2025-01-02"],
        [
            company.uscc,
            valid_id_number(1),
            "team_leader_rotation",
            "",
            "轮训",
            "7.5",
            "true",
            "true",
            "2025-01-03",
        ],
        [
            company.uscc,
            valid_id_number(1),
            "job_safety",
            "operator",
            "复训",
            "8.25",
            "true",
            "true",
            "2025-01-04",
        ],
    ]
    path = write_csv(tmp_path / "t.csv", header, rows)

    report = import_file("trainings", path, valid_only=True)

    assert errors_of(report) == [
        (3, "id_number", "No worker with this ID number is registered at this enterprise."),
        (4, "job", "A job safety training names the job."),
        (6, "hours", "Hours have at most one decimal place."),
    ]
    assert report.created == 2
    rotation = Training.objects.get(kind="team_leader_rotation")
    assert (str(rotation.hours), rotation.passed) == ("7.5", True)
    assert not Training.objects.get(kind="job_safety").passed
    again = import_file("trainings", path, valid_only=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_trainers_are_imported_once_per_job(company, tmp_path):
    make_worker(enterprise=company, id_number=valid_id_number(1))
    rows = [
        [company.uscc, valid_id_number(1), "operator"],
        [company.uscc, valid_id_number(1), "welder"],
    ]
    path = write_csv(tmp_path / "tr.csv", ["enterprise_uscc", "id_number", "job"], rows)

    first = import_file("trainers", path)
    second = import_file("trainers", path)

    assert (first.created, second.created, second.unchanged) == (2, 0, 2)
    assert Trainer.objects.count() == 2


def test_rows_of_enterprises_outside_the_callers_jurisdiction_are_refused(company, tmp_path):
    officer = make_user(role="officer", jurisdiction="450123")
    mine = make_enterprise(uscc=valid_uscc(4), jurisdiction="450123")
    rows = [worker_row(mine, 1), worker_row(company, 2)]
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    report = import_file("workers", path, actor=officer, valid_only=True)

    assert errors_of(report) == [
        (
            3,
            "enterprise_uscc",
            "No enterprise with this credit code is registered in your jurisdiction.",
        )
    ]
    assert list(Worker.objects.values_list("enterprise_id", flat=True)) == [mine.pk]


def test_an_import_writes_one_audit_event_with_the_file_hash(company, tmp_path):
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, [worker_row(company, n) for n in (1, 2)])
    before = AuditEvent.objects.count()

    import_file("workers", path)

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("seq")
    with path.open("rb") as stream:
        assert event.file_hashes == [file_sha256(stream)]
    assert event.action == "register_imported"
    assert {k: event.payload[k] for k in ("kind", "rows", "created", "refused")} == {
        "kind": "workers",
        "rows": 2,
        "created": 2,
        "refused": 0,
    }


# --- the checks that PostgreSQL runs in SQL read as the Python ones --------------------


def test_a_row_repeating_a_refused_row_is_refused_too(company, tmp_path):
    rows = [
        worker_row(company, 1, hired_on="2026-02-30"),
        worker_row(company, 2),
        worker_row(company, 1),
    ]
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    report = import_file("workers", path, valid_only=True)

    assert errors_of(report) == [
        (2, "hired_on", "2026-02-30 is not a date that exists."),
        (4, None, "This row repeats the natural key of row 2."),
    ]
    assert (report.rows, report.refused, report.created) == (3, 2, 1)


def test_a_row_with_a_single_field_is_reported(company, tmp_path):
    rows = [worker_row(company, 1), [company.uscc]]
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    report = import_file("workers", path)

    assert errors_of(report) == [(3, None, "This row has 1 fields; the header has 7.")]
    assert Worker.objects.count() == 0


def test_text_with_tabs_backslashes_and_line_breaks_is_kept(company, tmp_path):
    name = '王\t"五"\\n\n六'
    rows = [worker_row(company, 1, name=name, hired_on=""), worker_row(company, 2, job="a\\b")]
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    report = import_file("workers", path)

    assert (report.created, report.error_count) == (2, 0)
    first = Worker.objects.get(id_number=valid_id_number(1))
    assert (first.name, first.hired_on) == (name, None)
    assert Worker.objects.get(id_number=valid_id_number(2)).job == "a\\b"
    again = import_file("workers", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_a_certificate_number_of_another_person_is_refused(company, tmp_path):
    make_worker(enterprise=company, id_number=valid_id_number(1))
    make_worker(enterprise=company, id_number=valid_id_number(2))
    Certificate.objects.create(
        id_number=valid_id_number(1),
        category="electrical",
        number="T001",
        issued_on=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2030, 1, 1),
    )
    header = ["id_number", "category", "number", "issued_on", "valid_until"]
    rows = [
        [valid_id_number(2), "electrical", "T001", "2024-01-01", "2030-01-01"],
        [valid_id_number(1), "electrical", "T001 ", "2024-01-01", "2031-01-01"],
        [valid_id_number(2), "welding", "T002", "2024-01-01", "2030-01-01"],
    ]
    path = write_csv(tmp_path / "c.csv", header, rows)

    report = import_file("certificates", path, valid_only=True)

    assert errors_of(report) == [
        (2, "number", "This certificate number is already registered for another ID number."),
        (3, None, "This row repeats the natural key of row 2."),
    ]
    assert (report.created, report.updated, report.unchanged, report.refused) == (1, 0, 0, 2)
    assert Certificate.objects.get(number="T001").id_number == valid_id_number(1)


def test_an_officer_imports_only_within_their_jurisdiction(company, tmp_path):
    officer = make_user(role="officer", jurisdiction="450123")
    elsewhere = make_enterprise(uscc=valid_uscc(5), jurisdiction="450103")
    make_worker(enterprise=elsewhere, id_number=valid_id_number(7))
    rows = [
        [valid_uscc(5), "改名", "hazardous_chemicals", "450123", "", "", ""],
        [valid_uscc(6), "新企业", "hazardous_chemicals", "450103", "", "", ""],
        [valid_uscc(8), "本辖区", "hazardous_chemicals", "450123", "", "", ""],
    ]
    enterprises = import_file(
        "enterprises",
        write_csv(tmp_path / "e.csv", ENTERPRISE_HEADER, rows),
        actor=officer,
        valid_only=True,
    )
    header = ["id_number", "category", "number", "issued_on", "valid_until"]
    certificates = import_file(
        "certificates",
        write_csv(
            tmp_path / "c.csv",
            header,
            [[valid_id_number(7), "electrical", "T009", "2024-01-01", "2030-01-01"]],
        ),
        actor=officer,
    )

    assert errors_of(enterprises) == [
        (
            2,
            "uscc",
            "This credit code is already registered.",
        ),
        (3, "jurisdiction", "No division with this code lies within your jurisdiction."),
    ]
    assert (enterprises.created, enterprises.refused) == (1, 2)
    assert Enterprise.objects.get(uscc=valid_uscc(5)).name == elsewhere.name
    assert errors_of(certificates) == [
        (2, "id_number", "No worker with this ID number is registered in your jurisdiction.")
    ]


def test_a_file_of_new_and_registered_rows_counts_each(company, tmp_path):
    import_file(
        "workers",
        write_csv(tmp_path / "a.csv", WORKER_HEADER, [worker_row(company, n) for n in (1, 2)]),
    )
    rows = [worker_row(company, 1), worker_row(company, 2, job="welder"), worker_row(company, 3)]

    report = import_file("workers", write_csv(tmp_path / "b.csv", WORKER_HEADER, rows))

    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    assert Worker.objects.count() == 3


# --- bad rows late in the file, after good ones ---------------------------------------


def test_a_file_of_good_rows_is_imported(company, tmp_path):
    rows = [worker_row(company, n) for n in range(1, 8)]
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    report = import_file("workers", path)

    assert (report.rows, report.created, report.error_count, report.imported) == (7, 7, 0, True)
    assert Worker.objects.count() == 7


def test_a_bad_reference_in_the_last_row_imports_nothing(company, tmp_path):
    rows = [worker_row(company, n) for n in range(1, 7)]
    rows.append(worker_row(company, 7, enterprise_uscc=valid_uscc(999)))
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    report = import_file("workers", path)

    assert errors_of(report) == [
        (
            8,
            "enterprise_uscc",
            "No enterprise with this credit code is registered in your jurisdiction.",
        )
    ]
    assert (report.created, report.refused, report.imported) == (0, 1, False)
    assert Worker.objects.count() == 0


def test_a_late_duplicate_and_a_registered_row(company, tmp_path):
    make_worker(enterprise=company, id_number=valid_id_number(6), job="welder")
    rows = [worker_row(company, n) for n in range(1, 6)]
    rows += [worker_row(company, 6), worker_row(company, 2, name="又一个"), worker_row(company, 7)]
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    refused = import_file("workers", path)
    after_refused = Worker.objects.count()
    report = import_file("workers", path, valid_only=True)

    assert errors_of(refused) == [(8, None, "This row repeats the natural key of row 3.")]
    assert (refused.imported, refused.created, after_refused) == (False, 0, 1)
    assert errors_of(report) == errors_of(refused)
    assert (report.created, report.updated, report.unchanged, report.refused) == (6, 1, 0, 1)
    assert Worker.objects.count() == 7
    assert Worker.objects.get(id_number=valid_id_number(6)).job == "operator"
    assert Worker.objects.get(id_number=valid_id_number(2)).name == "工人2"


def test_a_gbk_file_found_out_late_is_imported_once(company, tmp_path):
    # given: 2,000 rows that read as UTF-8 too (over 64 KB, read before), then 张三
    born = [(datetime.date(1990, 1, 1) + datetime.timedelta(days=n // 1000)) for n in range(2001)]
    rows = [
        worker_row(company, 1, id_number=valid_id_number(n, born=born[n].strftime("%Y%m%d")))
        for n in range(2000)
    ]
    rows = [[*row[:2], "worker", *row[3:]] for row in rows]
    last = valid_id_number(1, born="19891231")
    rows.append(worker_row(company, 1, id_number=last, name="张三"))
    path = write_csv(tmp_path / "gbk.csv", WORKER_HEADER, rows, encoding="gbk")

    # when
    report = import_file("workers", path)

    # then
    assert (report.encoding, report.created, report.error_count) == ("gbk", 2001, 0)
    assert Worker.objects.count() == 2001
    assert Worker.objects.get(name="张三").id_number == last


def test_valid_only_with_a_bad_row_late_in_the_file(company, tmp_path):
    rows = [worker_row(company, n) for n in range(1, 6)]
    rows.append(worker_row(company, 6, hired_on="2026-02-30"))
    rows.append(worker_row(company, 7))
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    report = import_file("workers", path, valid_only=True)

    assert errors_of(report) == [(7, "hired_on", "2026-02-30 is not a date that exists.")]
    assert (report.created, report.updated, report.unchanged, report.refused) == (6, 0, 0, 1)
    assert Worker.objects.count() == 6


# --- PostgreSQL: straight into the register, or by the staging table ------------------
#
# A file of new, valid enterprises or workers is copied straight into the register;
# anything else rolls that back and takes the staging table. Each file below is
# imported both ways (the first undone before the second), with the same outcome.
# (On SQLite neither way is taken and the two imports are the Python path twice.)

ON_POSTGRESQL = connection.vendor == "postgresql"


def _outcome(kind, path, **options):
    """The report and the register's rows after importing ``path``; then undone."""
    model = Enterprise if kind == "enterprises" else Worker
    fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    with transaction.atomic():
        report = import_file(kind, path, **options).as_dict()
        rows = list(model.objects.values(*fields).order_by(*fields[:2]))
        transaction.set_rollback(True)
    return report, rows


def both_ways(monkeypatch, kind, path, **options):
    """Import ``path`` straight (falling back when it must), then by the staging table.

    Returns both outcomes and whether the first went straight in (no staging table).
    """
    staged = []
    create = imports_staged._Staging.create

    def spy(self, cursor):
        staged.append(kind)
        return create(self, cursor)

    monkeypatch.setattr(imports_staged._Staging, "create", spy)
    direct = _outcome(kind, path, **options)
    went_straight = ON_POSTGRESQL and not staged
    monkeypatch.setattr(imports_direct.Direct, "KINDS", ())
    return direct, _outcome(kind, path, **options), went_straight


def test_a_new_valid_file_goes_straight_in_with_the_same_result(company, tmp_path, monkeypatch):
    rows = [worker_row(company, n) for n in range(1, 8)]
    rows.append(worker_row(company, 8, name="tab\there \\ back", hired_on="", special_ops=""))
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    direct, staged, went_straight = both_ways(monkeypatch, "workers", path)

    assert direct == staged
    assert went_straight == ON_POSTGRESQL
    report, workers = direct
    assert (report["rows"], report["created"], report["imported"]) == (8, 8, True)
    assert (report["updated"], report["unchanged"], report["refused"]) == (0, 0, 0)
    assert workers[-1]["name"] == "tab\there \\ back"
    assert (workers[-1]["hired_on"], workers[-1]["special_ops"]) == (None, [])
    assert workers[0]["barred_from_duty"] is False


def test_the_same_file_again_falls_back_and_changes_nothing(company, tmp_path, monkeypatch):
    path = write_csv(
        tmp_path / "w.csv", WORKER_HEADER, [worker_row(company, n) for n in range(1, 6)]
    )
    import_file("workers", path)

    direct, staged, went_straight = both_ways(monkeypatch, "workers", path)

    assert direct == staged
    assert not went_straight
    assert (direct[0]["created"], direct[0]["unchanged"], len(direct[1])) == (0, 5, 5)


def test_a_bad_last_row_falls_back_and_is_reported(company, tmp_path, monkeypatch):
    rows = [worker_row(company, n) for n in range(1, 7)]
    rows.append(worker_row(company, 7, hired_on="2026-02-30"))
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    direct, staged, went_straight = both_ways(monkeypatch, "workers", path)
    direct_valid, staged_valid, _ = both_ways(monkeypatch, "workers", path, valid_only=True)

    assert (direct, direct_valid) == (staged, staged_valid)
    assert not went_straight
    assert direct[0]["errors"] == [
        {
            "row": 8,
            "column": "hired_on",
            "reason": "2026-02-30 is not a date that exists.",
            "header": "hired_on",
        }
    ]
    assert (direct[0]["imported"], direct[1]) == (False, [])
    assert (direct_valid[0]["created"], len(direct_valid[1])) == (6, 6)


def test_a_file_repeating_a_registered_worker_falls_back(company, tmp_path, monkeypatch):
    make_worker(enterprise=company, id_number=valid_id_number(4), job="welder")
    path = write_csv(
        tmp_path / "w.csv", WORKER_HEADER, [worker_row(company, n) for n in range(1, 6)]
    )

    direct, staged, went_straight = both_ways(monkeypatch, "workers", path)

    assert direct == staged
    assert not went_straight
    report, workers = direct
    assert (report["created"], report["updated"], report["unchanged"]) == (4, 1, 0)
    assert {w["job"] for w in workers} == {"operator"}


def test_a_file_repeating_its_own_row_falls_back(company, tmp_path, monkeypatch):
    rows = [worker_row(company, n) for n in range(1, 5)] + [worker_row(company, 2)]
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    direct, staged, went_straight = both_ways(monkeypatch, "workers", path)

    assert direct == staged
    assert not went_straight
    assert direct[0]["errors"][0]["reason"] == "This row repeats the natural key of row 3."


def test_new_enterprises_go_straight_in_and_again_change_nothing(db, tmp_path, monkeypatch):
    header = ["uscc", "name", "sector", "jurisdiction"]  # no address, representative, phone
    rows = [[valid_uscc(30 + n), f"企业{n}", "other", "450103"] for n in range(4)]
    path = write_csv(tmp_path / "e.csv", header, rows)

    direct, staged, went_straight = both_ways(monkeypatch, "enterprises", path)
    assert (direct, went_straight) == (staged, ON_POSTGRESQL)
    assert (direct[0]["created"], direct[1][0]["address"]) == (4, "")

    import_file("enterprises", path)
    again, again_staged, went_straight = both_ways(monkeypatch, "enterprises", path)
    assert (again, went_straight) == (again_staged, False)
    assert again[0]["unchanged"] == 4


def test_an_officer_elsewhere_falls_back_and_is_refused(company, tmp_path, monkeypatch):
    officer = make_user(role="officer", jurisdiction="450123")
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, [worker_row(company, 1)])

    direct, staged, went_straight = both_ways(monkeypatch, "workers", path, actor=officer)

    assert direct == staged
    assert not went_straight
    assert (
        direct[0]["errors"][0]["reason"]
        == "No enterprise with this credit code is registered in your jurisdiction."
    )
