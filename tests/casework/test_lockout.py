"""Failed sign-ins lock out per account and per address; API tokens expire, are revoked and die.

Real django-axes (its database handler, as configured), real knox tokens, the
real login forms and token endpoint; time passes by moving the recorded
attempts and the tokens' expiry back.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from casework.models import AuditEvent
from tests.factories import PASSWORD, make_enterprise, make_user

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"
WRONG = "not-the-password-1"


def token_request(user_or_name, password, address="10.1.1.1"):
    username = getattr(user_or_name, "username", user_or_name)
    return APIClient().post(
        TOKEN_URL, {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def time_passes(minutes: int) -> None:
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=minutes))


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(settings):
    officer = make_user(role="officer")
    for _ in range(settings.CASEWORK_FAILURES_PER_ACCOUNT - 1):
        assert token_request(officer, WRONG).status_code == 401
    assert not AuditEvent.objects.filter(action="login_locked_out").exists()

    fifth = token_request(officer, WRONG)
    right = token_request(officer, PASSWORD)

    assert fifth.status_code == right.status_code == 429
    assert right["Content-Type"].startswith("application/json")
    assert "15" in right.json()["detail"]
    assert "token" not in right.json()
    locked = AuditEvent.objects.filter(action="login_locked_out").first()
    assert locked.payload == {"username": officer.username, "address": "10.1.1.1"}
    assert not AuditEvent.objects.filter(action="logged_in", actor=officer).exists()
    assert not AuthToken.objects.filter(user=officer).exists()

    # From another address too: the account is locked, not the address.
    assert token_request(officer, PASSWORD, address="10.9.9.9").status_code == 429
    # Another account from the same address is not locked.
    colleague = make_user(role="officer")
    assert token_request(colleague, PASSWORD).status_code == 200

    time_passes(16)
    assert token_request(officer, PASSWORD).status_code == 200


def test_a_right_password_before_the_limit_resets_the_accounts_count(settings):
    officer = make_user(role="officer")
    for _ in range(settings.CASEWORK_FAILURES_PER_ACCOUNT - 1):
        token_request(officer, WRONG)
    assert token_request(officer, PASSWORD).status_code == 200
    for _ in range(settings.CASEWORK_FAILURES_PER_ACCOUNT - 1):
        assert token_request(officer, WRONG).status_code == 401


def test_one_address_trying_many_accounts_is_locked_out(settings):
    limit = settings.CASEWORK_FAILURES_PER_ADDRESS
    for n in range(limit):
        assert token_request(f"guess{n}", WRONG, address="10.6.6.6").status_code in (401, 429)
    officer = make_user(role="officer")

    assert token_request(officer, PASSWORD, address="10.6.6.6").status_code == 429
    assert token_request(officer, PASSWORD, address="10.7.7.7").status_code == 200
    assert AuditEvent.objects.filter(
        action="login_locked_out", payload__address="10.6.6.6"
    ).exists()


@pytest.mark.parametrize(
    ("url", "role"), [("/accounts/login/", "officer"), ("/portal/login/", "enterprise")]
)
def test_the_login_pages_lock_out_with_a_page_in_chinese(settings, url, role):
    user = make_user(role=role, enterprise=make_enterprise() if role == "enterprise" else None)
    browser = Client()
    for _ in range(settings.CASEWORK_FAILURES_PER_ACCOUNT):
        browser.post(url, {"username": user.username, "password": WRONG})

    page = browser.post(url, {"username": user.username, "password": PASSWORD})

    assert page.status_code == 429
    text = page.content.decode()
    assert "登录失败次数过多" in text and "15 分钟" in text
    assert f'href="{url}"' in text
    assert "_auth_user_id" not in browser.session


def test_the_token_endpoint_and_the_api_are_throttled_per_address_and_per_user(settings):
    from django.core.cache import cache

    cache.clear()
    settings.CASEWORK_API_RATES = {"anon": "3/min", "user": "4/min", "sign_in": "2/min"}
    officer = make_user(role="officer")

    signs = [token_request(officer, PASSWORD, address="10.2.2.2").status_code for _ in range(3)]
    # (An anonymous call to a protected endpoint is refused 401 before any throttle.)
    anonymous = [APIClient().get("/api/v1/schema/").status_code for _ in range(4)]
    me = APIClient()
    me.force_authenticate(officer)
    mine = [me.get("/api/v1/enterprises/").status_code for _ in range(5)]

    assert signs == [200, 200, 429]
    assert anonymous == [200, 200, 200, 429]
    assert mine == [200, 200, 200, 200, 429]
    cache.clear()


def test_a_token_expires_after_a_working_day_by_default_and_then_is_refused():
    officer = make_user(role="officer")
    key = token_request(officer, PASSWORD).json()["token"]
    token = AuthToken.objects.get(user=officer)

    lifetime = token.expiry - token.created
    assert datetime.timedelta(hours=7, minutes=59) < lifetime <= datetime.timedelta(hours=8)
    assert with_token(key).get("/api/v1/inspections/").status_code == 200

    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - datetime.timedelta(1))
    assert with_token(key).get("/api/v1/inspections/").status_code == 401


def test_the_lifetime_is_configured_per_kind_of_user(settings):
    settings.CASEWORK_TOKEN_HOURS_ENTERPRISE = 2
    portal_user = make_user(role="enterprise", enterprise=make_enterprise())
    token_request(portal_user, PASSWORD)
    token = AuthToken.objects.get(user=portal_user)

    assert token.expiry - token.created <= datetime.timedelta(hours=2)


def test_delete_revokes_the_callers_token_only():
    officer = make_user(role="officer")
    phone = token_request(officer, PASSWORD).json()["token"]
    desk = token_request(officer, PASSWORD).json()["token"]

    assert with_token(phone).delete(TOKEN_URL).status_code == 204

    assert with_token(phone).get("/api/v1/inspections/").status_code == 401
    assert with_token(desk).get("/api/v1/inspections/").status_code == 200
    assert AuditEvent.objects.filter(action="logged_out", actor=officer).count() == 1
    assert APIClient().delete(TOKEN_URL).status_code == 401


@pytest.mark.parametrize("ending", ["password_changed", "deactivated"])
def test_a_password_change_or_a_deactivation_revokes_every_token(ending):
    officer = make_user(role="officer")
    keys = [token_request(officer, PASSWORD).json()["token"] for _ in range(2)]

    if ending == "password_changed":
        officer.set_password("a-new-Password-2026")
    else:
        officer.is_active = False
    officer.save()

    for key in keys:
        assert with_token(key).get("/api/v1/inspections/").status_code == 401
    assert not AuthToken.objects.filter(user=officer).exists()
    revoked = AuditEvent.objects.get(action="tokens_revoked")
    assert revoked.payload == {"reason": ending, "count": 2}


def test_saving_a_user_without_changing_the_password_keeps_the_tokens():
    officer = make_user(role="officer")
    key = token_request(officer, PASSWORD).json()["token"]

    officer.first_name = "伟"
    officer.save()

    assert with_token(key).get("/api/v1/inspections/").status_code == 200
    assert not AuditEvent.objects.filter(action="tokens_revoked").exists()


def test_the_address_is_the_peer_unless_a_trusted_proxy_reports_it(settings, rf):
    from casework.logins import client_address

    spoofed = rf.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_address(spoofed) == "10.0.0.9"

    settings.CASEWORK_TRUSTED_PROXIES = 1
    # The client sent "6.6.6.6" itself; the proxy appended the address it saw.
    proxied = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_address(proxied) == "203.0.113.7"


@pytest.mark.parametrize(
    ("meta", "address"),
    [
        ({}, None),
        ({"REMOTE_ADDR": "unknown"}, None),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "not-an-address"}, "10.0.0.1"),
        ({"REMOTE_ADDR": "::1"}, "::1"),
    ],
)
def test_what_is_not_an_address_counts_as_none(settings, rf, meta, address):
    from casework.logins import client_address

    settings.CASEWORK_TRUSTED_PROXIES = 1
    request = rf.get("/")
    request.META.pop("REMOTE_ADDR", None)
    request.META.update(meta)
    assert client_address(request) == address


def test_a_sign_in_without_a_peer_address_is_refused_cleanly():
    """Found by the fuzzer: a request with no REMOTE_ADDR was a 500 on PostgreSQL (inet)."""
    officer = make_user(role="officer")
    client = APIClient(REMOTE_ADDR="")

    wrong = client.post(TOKEN_URL, {"username": officer.username, "password": WRONG}, format="json")
    right = client.post(
        TOKEN_URL, {"username": officer.username, "password": PASSWORD}, format="json"
    )

    assert (wrong.status_code, right.status_code) == (401, 200)
