"""The admin writes registers through the same rules as the import, audited."""

import itertools

import pytest
from django.test import Client

from casework.models import AuditEvent
from registry.models import Worker
from tests.factories import make_enterprise, make_user, valid_id_number

_numbers = itertools.count(500)


@pytest.fixture
def admin_client(db):
    admin_user = make_user(role="admin", jurisdiction=None)
    client = Client()
    client.force_login(admin_user)
    return client


def worker_form(enterprise, **changes):
    return {
        "enterprise": enterprise.pk,
        "id_number": valid_id_number(next(_numbers)),
        "name": "张三",
        "job": "化工操作工",
        "special_ops": "[]",
        "hired_on": "2024-03-01",
        **changes,
    }


def test_a_wrong_check_digit_is_refused_on_the_field_and_nothing_is_saved(admin_client):
    enterprise = make_enterprise()
    good = worker_form(enterprise)
    wrong_digit = "0" if good["id_number"][17] != "0" else "1"
    bad = {**good, "id_number": good["id_number"][:17] + wrong_digit}

    response = admin_client.post("/admin/registry/worker/add/", bad)

    assert response.status_code == 200
    assert "id_number" in response.context["adminform"].form.errors
    assert not Worker.objects.exists()


def test_an_unknown_special_ops_category_is_refused_like_the_import(admin_client):
    enterprise = make_enterprise()

    response = admin_client.post(
        "/admin/registry/worker/add/", worker_form(enterprise, special_ops='["juggling"]')
    )

    assert response.status_code == 200
    assert "special_ops" in response.context["adminform"].form.errors
    assert not Worker.objects.exists()


def test_adding_and_changing_a_worker_is_audited_with_a_masked_id_number(admin_client):
    enterprise = make_enterprise()
    form = worker_form(enterprise)

    assert admin_client.post("/admin/registry/worker/add/", form).status_code == 302
    worker = Worker.objects.get()
    changed = {**form, "job": "仓库保管员"}
    response = admin_client.post(f"/admin/registry/worker/{worker.pk}/change/", changed)
    assert response.status_code == 302

    worker.refresh_from_db()
    assert worker.job == "仓库保管员"
    actions = list(
        AuditEvent.objects.filter(object_type="registry.worker").values_list("action", flat=True)
    )
    assert actions == ["register_row_created", "register_row_updated"]
    assert not AuditEvent.objects.filter(payload__icontains=worker.id_number).exists()


def test_the_worker_list_masks_id_numbers(admin_client):
    enterprise = make_enterprise()
    admin_client.post("/admin/registry/worker/add/", worker_form(enterprise))
    worker = Worker.objects.get()

    page = admin_client.get("/admin/registry/worker/").content.decode()

    assert worker.masked_id_number in page
    assert worker.id_number not in page
