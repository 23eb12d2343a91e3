"""The admin's register import page."""

import pytest

from registry.models import Worker
from tests.factories import make_enterprise, make_user, valid_id_number, valid_uscc
from tests.registry.helpers import WORKER_HEADER, write_csv


@pytest.mark.django_db
def test_the_admin_uploads_a_file_and_sees_the_report(client, tmp_path):
    company = make_enterprise(uscc=valid_uscc(1))
    rows = [
        [company.uscc, valid_id_number(1), "甲", "operator", "否", "", ""],
        [company.uscc, valid_id_number(2), "乙", "operator", "maybe", "", ""],
    ]
    path = write_csv(tmp_path / "w.csv", WORKER_HEADER, rows)
    client.force_login(make_user(role="admin", jurisdiction=None))

    changelist = client.get("/admin/casework/enterprise/")
    with path.open("rb") as file:
        response = client.post(
            "/admin/casework/enterprise/import/",
            {"kind": "workers", "file": file, "encoding": "auto", "valid_only": "on"},
        )

    assert b"/admin/casework/enterprise/import/" in changelist.content
    assert response.status_code == 200
    report = response.context["report"]
    assert (report["created"], report["refused"]) == (1, 1)
    assert report["errors"][0]["row"] == 3
    assert "is_team_leader" in response.content.decode()
    assert Worker.objects.count() == 1
