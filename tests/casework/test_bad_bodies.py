"""Bodies no client should send: a 400 in JSON, naming what is wrong; nothing written."""

import json

import pytest
from django.test import Client

from casework.models import AuditEvent
from tests.factories import client_for, make_enterprise, make_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/qualification-checks/"


@pytest.fixture
def officer():
    make_enterprise(jurisdiction="450103")
    return make_user(role="officer", jurisdiction="450103")


def post_raw(user, body: bytes, content_type="application/json", url=URL):
    client = client_for(user)
    return client.generic("POST", url, body, content_type=content_type)


def assert_json_400(response):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()


def test_a_body_nested_thousands_deep_is_a_400(officer):
    before = AuditEvent.objects.count()
    body = assert_json_400(post_raw(officer, b"[" * 5000 + b"]" * 5000))
    assert "detail" in body
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"job": "a\\u0000b", "enterprise": "x", "id_number": "y"}', "job"),
        ('{"job": "ok", "special_ops": ["\\ud800"]}', "special_ops"),
        ('{"job": {"deep": ["\\udfff"]}}', "job"),
        ('{"\\u0000": 1}', "\\x00"),  # a key itself: named escaped
    ],
)
def test_a_nul_or_a_lone_surrogate_anywhere_in_a_json_body_is_refused_naming_the_field(
    officer, text, where
):
    before = AuditEvent.objects.count()
    body = assert_json_400(post_raw(officer, text.encode()))
    assert list(body) == [where]
    assert AuditEvent.objects.count() == before


def test_an_emoji_is_text_like_any_other(officer):
    body = assert_json_400(post_raw(officer, b'{"job": "\\ud83d\\ude00"}'))
    assert "job" not in body  # refused for the missing fields only


def test_a_body_larger_than_the_limit_is_a_json_400(officer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = json.dumps({"job": "x" * 5000}).encode()
    body = assert_json_400(post_raw(officer, big))
    assert "detail" in body


def test_too_many_multipart_fields_is_a_json_400(officer):
    from tests.factories import make_started_inspection

    enterprise = make_enterprise(jurisdiction="450103")
    team = [officer, make_user(role="officer", jurisdiction="450103")]
    inspection = make_started_inspection(enterprise=enterprise, officers=team)
    fields = {f"f{i}": "v" for i in range(1500)}
    before = AuditEvent.objects.count()
    response = client_for(officer).post(
        f"/api/v1/inspections/{inspection.pk}/evidence/", fields, format="multipart"
    )
    assert "detail" in assert_json_400(response)
    assert AuditEvent.objects.count() == before


def test_an_unknown_api_path_answers_json_404():
    response = Client().get("/api/v1/no-such-collection/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_a_server_error_under_the_api_answers_json_in_production(settings):
    from django.test import RequestFactory
    from django.urls import get_callable

    from config.urls import handler500

    view = get_callable(handler500)
    response = view(RequestFactory().get("/api/v1/enterprises/"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert list(json.loads(response.content)) == ["detail"]
    page = view(RequestFactory().get("/inspections/"))
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "query",
    [
        "workers/?id_number=%00",
        "workers/?job=a%00b",
        "enterprises/?uscc=%00",
        "certificates/?number=%00",
        "findings/?level=%00",
        "deadlines/?kind=%00",
        "evidence/?sha256=%00",
    ],
)
def test_a_nul_in_a_query_parameter_is_a_400_naming_it(officer, query):
    response = client_for(officer).get(f"/api/v1/{query}")
    body = assert_json_400(response)
    assert list(body) == [query.split("?")[1].split("=")[0]]


def test_a_missing_object_is_one_plain_answer_in_the_callers_language(officer):
    client = client_for(officer)
    for url in ("/api/v1/enterprises/987654/", "/api/v1/inspections/987654/timeline/"):
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert english.status_code == chinese.status_code == 404
        assert english.json() == {"detail": "Not found."}  # naming no model
        assert chinese.json() == {"detail": "未找到。"}
