"""Token authentication, and the audit events that logins and failed logins leave."""

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from casework.models import AuditEvent
from tests.factories import PASSWORD, make_enterprise, make_user

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"


def event_text(event: AuditEvent) -> str:
    """Every stored field of an event, as one string."""
    values = {f.attname: getattr(event, f.attname) for f in AuditEvent._meta.concrete_fields}
    return json.dumps(values, default=str, ensure_ascii=False)


def authenticated(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def form_login(user, url: str, password: str = PASSWORD):
    """Sign in through the real login form (as a browser does)."""
    return Client().post(url, {"username": user.username, "password": password})


def test_the_right_credentials_get_a_token_that_authenticates_api_calls():
    # given
    officer = make_user(role="officer")
    before = AuditEvent.objects.count()

    # when
    response = APIClient().post(
        TOKEN_URL, {"username": officer.username, "password": PASSWORD}, format="json"
    )

    # then
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) >= 20
    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert me.get("/api/v1/inspections/").status_code == 200
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.actor_id, event.actor_username, event.actor_role) == (
        "logged_in",
        officer.pk,
        officer.username,
        "officer",
    )
    assert event.payload == {"channel": "api_token"}


def test_each_sign_in_gets_its_own_token_and_is_audited():
    officer = make_user(role="officer")
    body = {"username": officer.username, "password": PASSWORD}

    first = APIClient().post(TOKEN_URL, body, format="json").json()["token"]
    second = APIClient().post(TOKEN_URL, body, format="json").json()["token"]

    assert first != second
    assert AuditEvent.objects.filter(action="logged_in", actor=officer).count() == 2
    for token in (first, second):
        assert authenticated(token).get("/api/v1/inspections/").status_code == 200


def test_a_wrong_password_is_401_and_writes_a_login_failed_event_without_the_password():
    # given
    officer = make_user(role="officer")
    wrong = "Tr0ub4dor&3-secret-guess"
    before = AuditEvent.objects.count()

    # when
    response = APIClient().post(
        TOKEN_URL, {"username": officer.username, "password": wrong}, format="json"
    )

    # then
    assert response.status_code == 401
    assert "token" not in response.json()
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("seq")
    assert event.action == "login_failed"
    assert event.payload == {"username": officer.username}
    assert wrong not in event_text(event)
    assert "password" not in json.dumps(event.payload)


def test_an_unknown_username_is_401_and_audited_as_a_failed_login():
    response = APIClient().post(
        TOKEN_URL, {"username": "nobody-here", "password": "whatever-1"}, format="json"
    )

    assert response.status_code == 401
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.actor_id, event.payload) == (
        "login_failed",
        None,
        {"username": "nobody-here"},
    )


def test_an_inactive_user_gets_no_token():
    officer = make_user(role="officer")
    officer.is_active = False
    officer.save()

    response = APIClient().post(
        TOKEN_URL, {"username": officer.username, "password": PASSWORD}, format="json"
    )

    assert response.status_code == 401
    assert not AuditEvent.objects.filter(action="logged_in", actor=officer).exists()


@pytest.mark.parametrize(
    "body", [{}, {"username": "someone"}, {"password": "x"}, {"username": "", "password": ""}]
)
def test_a_token_request_missing_fields_is_400_naming_them_and_writes_nothing(body):
    before = AuditEvent.objects.count()

    response = APIClient().post(TOKEN_URL, body, format="json")

    assert response.status_code == 400
    missing = {"username", "password"} - {k for k, v in body.items() if v}
    assert missing <= set(response.json())
    assert AuditEvent.objects.count() == before


def test_a_session_login_of_staff_writes_a_login_event_on_the_staff_channel():
    officer = make_user(role="officer")

    assert form_login(officer, "/accounts/login/").status_code == 302

    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.actor_id, event.payload) == (
        "logged_in",
        officer.pk,
        {"channel": "staff"},
    )


def test_a_session_login_of_an_enterprise_user_is_on_the_portal_channel():
    portal_user = make_user(role="enterprise", enterprise=make_enterprise())

    assert form_login(portal_user, "/portal/login/").status_code == 302

    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.actor_role, event.payload) == (
        "logged_in",
        "enterprise",
        {"channel": "portal"},
    )


def test_a_failed_session_login_writes_login_failed_without_the_password():
    officer = make_user(role="officer")
    wrong = "not-the-Password-42"

    assert form_login(officer, "/accounts/login/", password=wrong).status_code == 200

    event = AuditEvent.objects.latest("seq")
    assert event.action == "login_failed"
    assert event.payload == {"username": officer.username}
    assert wrong not in event_text(event)
