"""POST /api/v1/imports/: the row-level report over the API."""

import pytest

from casework.models import AuditEvent
from registry.models import Worker
from tests.factories import client_for, make_enterprise, make_user, valid_id_number, valid_uscc
from tests.registry.helpers import WORKER_HEADER, write_csv

pytestmark = pytest.mark.django_db


def upload(client, path, kind="workers", **extra):
    with path.open("rb") as file:
        return client.post(
            "/api/v1/imports/", {"kind": kind, "file": file, **extra}, format="multipart"
        )


def rows_for(enterprise, numbers):
    return [
        [enterprise.uscc, valid_id_number(n), f"工人{n}", "operator", "否", "", "2024-01-01"]
        for n in numbers
    ]


def test_the_import_answers_with_the_report(company, tmp_path):
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows_for(company, [1, 2]))

    response = upload(client_for(make_user(role="officer")), path)

    assert response.status_code == 200, response.content
    body = response.json()
    assert {k: body[k] for k in ("kind", "encoding", "rows", "created", "updated", "refused")} == {
        "kind": "workers",
        "encoding": "utf-8",
        "rows": 2,
        "created": 2,
        "updated": 0,
        "refused": 0,
    }
    assert (body["errors"], body["error_count"], body["imported"]) == ([], 0, True)
    assert len(body["sha256"]) == 64
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.file_hashes) == ("register_imported", [body["sha256"]])


def test_a_refused_file_is_answered_400_with_the_report(company, tmp_path):
    rows = rows_for(company, [1, 2])
    rows[1][1] = rows[1][1][:-1] + ("1" if rows[1][1][-1] != "1" else "2")
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    response = upload(client_for(make_user(role="officer")), path)

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "row": 3,
            "column": "id_number",
            "reason": "The check digit of this ID number is wrong.",
            "header": "id_number",
        }
    ]
    assert Worker.objects.count() == 0


def test_an_unknown_kind_is_answered_400(company, tmp_path):
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows_for(company, [1]))

    response = upload(client_for(make_user(role="officer")), path, kind="pets")

    assert response.status_code == 400
    assert "kind" in response.json()


def test_an_enterprise_user_may_not_import(company, tmp_path):
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows_for(company, [1]))

    response = upload(client_for(make_user(role="enterprise", enterprise=company)), path)

    assert response.status_code == 403
    assert Worker.objects.count() == 0


def test_rows_of_a_foreign_jurisdiction_are_refused_per_row(company, tmp_path):
    mine = make_enterprise(uscc=valid_uscc(2), jurisdiction="450123")
    path = write_csv(
        tmp_path / "w.csv", WORKER_HEADER, rows_for(mine, [1]) + rows_for(company, [2])
    )
    officer = client_for(make_user(role="officer", jurisdiction="450123"))

    refused = upload(officer, path)
    partial = upload(officer, path, valid_only="true")

    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {
            "row": 3,
            "column": "enterprise_uscc",
            "reason": "No enterprise with this credit code is registered in your jurisdiction.",
            "header": "enterprise_uscc",
        }
    ]
    assert partial.status_code == 200
    assert (partial.json()["created"], partial.json()["refused"]) == (1, 1)
    assert list(Worker.objects.values_list("enterprise_id", flat=True)) == [mine.pk]


def test_the_error_list_is_capped_with_the_total(company, tmp_path, monkeypatch):
    monkeypatch.setattr("registry.api.MAX_REPORTED_ERRORS", 2)
    rows = rows_for(company, range(1, 6))
    for row in rows:
        row[6] = "2026-02-30"
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)

    body = upload(client_for(make_user(role="officer")), path).json()

    assert (len(body["errors"]), body["error_count"], body["errors_truncated"]) == (2, 5, True)
