"""The portal's page of the consent to electronic service (送达地址确认书).

An enterprise user sees the consent in force and records a new one with the
signed paper's scan (a real upload, stored by its hash); errors land beside
their fields, the input is kept and nothing is written.
"""

import datetime
import hashlib
import html
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from casework import clock, filestore
from casework.models import AuditEvent, ServiceConsent
from casework.service import consent_in_force, service_consent_record
from tests.factories import PASSWORD, make_enterprise, make_user

pytestmark = pytest.mark.django_db

URL = "/portal/consent/"


def scan() -> bytes:
    """A photo of the signed paper."""
    out = io.BytesIO()
    Image.new("RGB", (80, 110), "white").save(out, "JPEG")
    return out.getvalue()


def log_in(user) -> Client:
    client = Client()
    response = client.post("/portal/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


@pytest.fixture
def user(enterprise):
    return make_user(role="enterprise", enterprise=enterprise)


@pytest.fixture
def client(user):
    return log_in(user)


def posted(**fields) -> dict:
    data = {
        "channel": "email",
        "address": "anquan@qingxiu-chem.example.cn",
        "signed_on": clock.today().isoformat(),
        "file": SimpleUploadedFile("确认书.jpg", scan(), "image/jpeg"),
        **fields,
    }
    return {k: v for k, v in data.items() if v is not None}


def field_error(content: str, name: str) -> str:
    """The error Viewflow shows beside field ``name`` ('' if none)."""
    tag = re.search(rf'<vf-field-[a-z-]+ [^>]*name="{name}"[^>]*>', content)
    assert tag, f"no field {name}"
    error = re.search(r'error="([^"]*)"', tag.group(0))
    return error.group(1) if error else ""


def field_value(content: str, name: str) -> str:
    tag = re.search(rf'<vf-field-[a-z-]+ [^>]*name="{name}"[^>]*>', content)
    value = re.search(r' value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def stored_files(evidence_dir) -> list:
    return [p for p in evidence_dir.rglob("*") if p.is_file()] if evidence_dir.exists() else []


def test_without_a_consent_the_page_says_so_and_offers_the_form(client):
    response = client.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="no-consent"' in content
    assert 'id="consent-form"' in content and 'enctype="multipart/form-data"' in content
    # Every channel the model knows, by its Chinese label (the default language).
    radios = re.search(r'<vf-field-radio-select [^>]*optgroups="([^"]*)"', content).group(1)
    options = [group["options"] for group in json.loads(html.unescape(radios))]
    assert [(o["value"], o["label"]) for o in options] == [
        ("email", "电子邮件"),
        ("sms", "短信"),
        ("platform", "在线送达平台"),
    ]
    for name in ("channel", "address", "signed_on", "file"):
        assert field_error(content, name) == ""


def test_recording_a_consent_stores_the_scan_and_puts_it_in_force(client, user, enterprise):
    response = client.post(URL, posted(channel="platform", address="平台账号 QX-0001"))

    assert response.status_code == 302 and response["Location"] == URL
    consent = ServiceConsent.objects.get()
    assert consent.enterprise == enterprise and consent.recorded_by == user
    assert consent.channel == "platform" and consent.address == "平台账号 QX-0001"
    assert consent.signed_on == clock.today()
    assert consent.file_sha256 == hashlib.sha256(scan()).hexdigest()
    assert consent.file_content_type == "image/jpeg" and consent.file_size == len(scan())
    assert filestore.file_read(consent.file_sha256) == scan()
    assert consent_in_force(enterprise, clock.today()) == consent
    assert AuditEvent.objects.filter(action="service_consent_recorded").count() == 1

    page = client.get(URL).content.decode()
    assert 'id="no-consent"' not in page
    assert re.search(r'id="consent-channel">\s*在线送达平台', page)
    assert "平台账号 QX-0001" in page
    assert clock.today().isoformat() in page


def test_the_latest_consent_is_in_force_and_earlier_ones_are_listed(client, enterprise, user):
    today = clock.today()
    service_consent_record(
        enterprise=enterprise,
        channel="sms",
        address="13800000000",
        signed_on=today - datetime.timedelta(days=30),
        file=SimpleUploadedFile("a.jpg", scan(), "image/jpeg"),
        actor=user,
    )

    assert client.post(URL, posted(address="new@qingxiu-chem.example.cn")).status_code == 302

    page = client.get(URL).content.decode()
    assert re.search(r'id="consent-address">\s*new@qingxiu-chem.example.cn', page)
    earlier = page[page.index('id="earlier-consents"') :]
    assert "13800000000" in earlier and "短信" in earlier


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"signed_on": "2999-01-01"}, "signed_on"),  # the service's rule: not in the future
        ({"signed_on": "2026-02-30"}, "signed_on"),  # not a date
        ({"file": SimpleUploadedFile("x.txt", b"just text", "text/plain")}, "file"),
        ({"file": SimpleUploadedFile("x.jpg", b"", "image/jpeg")}, "file"),
        ({"file": None}, "file"),
        ({"address": "   "}, "address"),
        ({"address": "a" * 201}, "address"),
        ({"channel": "fax"}, "channel"),
        ({"channel": None}, "channel"),
    ],
)
def test_an_error_is_shown_beside_its_field_keeps_the_input_and_writes_nothing(
    client, evidence_dir, fields, name
):
    events = AuditEvent.objects.count()

    response = client.post(URL, posted(**fields))

    assert response.status_code == 200
    content = response.content.decode()
    assert field_error(content, name), f"no error beside {name}"
    others = {"channel", "address", "signed_on", "file"} - {name}
    assert all(field_error(content, other) == "" for other in others)
    if name != "address":
        assert field_value(content, "address") == "anquan@qingxiu-chem.example.cn"
    if name != "channel":
        assert field_value(content, "channel") == "email"
    assert not ServiceConsent.objects.exists()
    assert AuditEvent.objects.count() == events
    assert stored_files(evidence_dir) == []


def test_the_submit_asks_first(client):
    content = client.get(URL).content.decode()

    form = re.search(r'<form [^>]*id="consent-form"[^>]*>', content, re.S).group(0)
    assert re.search(r'data-turbo-confirm="[^"]{20,}"', form)


def test_an_enterprise_user_sees_and_records_only_for_its_own_enterprise(client, enterprise):
    neighbour = make_enterprise(name="邻居化工有限公司")
    other_user = make_user(role="enterprise", enterprise=neighbour)
    service_consent_record(
        enterprise=neighbour,
        channel="email",
        address="neighbour@example.cn",
        signed_on=clock.today(),
        file=SimpleUploadedFile("n.jpg", scan(), "image/jpeg"),
        actor=other_user,
    )

    page = client.get(URL).content.decode()
    assert "neighbour@example.cn" not in page and "邻居化工有限公司" not in page
    assert 'id="no-consent"' in page
    # A posted enterprise field is ignored: the consent is the user's enterprise's.
    client.post(URL, posted(enterprise=str(neighbour.pk)))
    assert ServiceConsent.objects.filter(enterprise=enterprise).count() == 1
    assert ServiceConsent.objects.filter(enterprise=neighbour).count() == 1


def test_staff_get_404_and_anonymous_visitors_the_portal_login(officers):
    staff = Client()
    staff.post("/accounts/login/", {"username": officers[0].username, "password": PASSWORD})

    assert staff.get(URL).status_code == 404
    assert staff.post(URL, posted()).status_code == 404
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/portal/login/")
    assert Client().post(URL, posted()).status_code == 302
    assert not ServiceConsent.objects.exists()


def test_the_home_page_shows_the_consent_and_links_to_its_page(client, enterprise, user):
    home = client.get("/portal/").content.decode()
    assert f'href="{URL}"' in home
    assert "anquan@" not in home

    client.post(URL, posted())

    summary = client.get("/portal/").content.decode()
    summary = summary[summary.index('id="consent-summary"') :][:600]
    assert "电子邮件" in summary and "anquan@qingxiu-chem.example.cn" in summary
