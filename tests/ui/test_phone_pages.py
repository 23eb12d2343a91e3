"""The officer's phone pages (/m/): visibility, start, worker check, photo, record, Chinese."""

import datetime
import hashlib
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from casework import clock
from casework.identifiers import mask_id_number
from casework.models import AuditEvent
from inspections.models import Evidence, Inspection, RectificationOrder, WorkerCheck
from tests.factories import (
    make_inspection,
    make_started_inspection,
    make_user,
    make_worker,
    valid_id_number,
)

JOB = "化工操作工"
DUE_DATE_NEEDED = "下达整改指令须确定整改期限。"
TEMPLATES = Path(settings.BASE_DIR) / "templates" / "inspections" / "phone"


@pytest.fixture
def untrained(enterprise):
    """A registered worker with no training at all: UNTRAINED."""
    return make_worker(enterprise=enterprise, name="李强", job=JOB)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(out, "JPEG")
    return out.getvalue()


def check(client, inspection, **data):
    return client.post(f"/m/inspections/{inspection.pk}/checks/", data)


def pages(inspection, worker_check) -> list[str]:
    base = f"/m/inspections/{inspection.pk}/"
    return ["/m/", base, f"{base}checks/{worker_check.pk}/"]


def test_every_page_renders_for_an_officer(login, started, officers, untrained):
    client = login(officers[0])
    check(client, started, id_number=untrained.id_number, job=JOB)
    worker_check = WorkerCheck.objects.get()

    for url in pages(started, worker_check):
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert 'name="viewport"' in content, url
        assert "vf-page" not in content, url  # our own layout, not the Viewflow frame


def test_pages_are_404_for_another_county_and_for_an_enterprise_user(
    login, started, officers, untrained, enterprise
):
    check(login(officers[0]), started, id_number=untrained.id_number, job=JOB)
    worker_check = WorkerCheck.objects.get()
    county_officer = login(make_user(role="officer", jurisdiction="450123"))
    enterprise_user = login(make_user(role="enterprise", enterprise=enterprise))

    for client in (county_officer, enterprise_user):
        for url in pages(started, worker_check)[1:]:
            assert client.get(url).status_code == 404, url
        base = f"/m/inspections/{started.pk}/"
        for action in ("start/", "checks/", "photos/", "record/"):
            assert client.post(base + action, {}).status_code == 404, action
    assert enterprise_user.get("/m/").status_code == 404
    assert started.enterprise.name not in county_officer.get("/m/").content.decode()
    assert WorkerCheck.objects.count() == 1


def test_anonymous_visitor_is_sent_to_the_login(db):
    response = Client().get("/m/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/m/"


def test_home_lists_todays_and_running_inspections_only(login, enterprise, officers, today):
    import datetime

    today_inspection = make_inspection(enterprise=enterprise, officers=officers)
    running = make_started_inspection(enterprise=enterprise, officers=officers)
    later = make_inspection(
        enterprise=enterprise, officers=officers, planned_on=today + datetime.timedelta(days=3)
    )

    content = login(officers[0]).get("/m/").content.decode()

    assert f'href="/m/inspections/{today_inspection.pk}/"' in content
    assert f'href="/m/inspections/{running.pk}/"' in content
    assert f'href="/m/inspections/{later.pk}/"' not in content


def test_start_prefills_the_planned_officers_and_starts(login, planned, officers):
    client = login(officers[0])
    page = client.get(f"/m/inspections/{planned.pk}/").content.decode()
    for officer in officers:
        assert re.search(rf'value="{officer.username}"[^>]*checked', page), officer.username

    response = client.post(
        f"/m/inspections/{planned.pk}/start/",
        {"officers": [o.username for o in officers], "version": planned.version},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/m/inspections/{planned.pk}/"
    planned.refresh_from_db()
    assert planned.state == Inspection.State.IN_PROGRESS
    assert 'id="check-form"' in client.get(response["Location"]).content.decode()


def test_start_with_one_officer_shows_the_error_by_the_field(login, planned, officers):
    client = login(officers[0])

    response = client.post(
        f"/m/inspections/{planned.pk}/start/",
        {"officers": [officers[0].username], "version": planned.version},
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "ph-field--error" in content
    assert 'class="ph-error"' in content
    planned.refresh_from_db()
    assert planned.state == Inspection.State.PLANNED


def test_a_stale_start_shows_the_conflict(login, planned, officers):
    client = login(officers[0])
    data = {"officers": [o.username for o in officers], "version": planned.version}
    client.post(f"/m/inspections/{planned.pk}/start/", data)

    response = client.post(f"/m/inspections/{planned.pk}/start/", data, follow=True)

    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()  # the message, in red


def test_the_check_records_the_verdict_and_shows_it_with_its_reasons(
    login, started, officers, untrained
):
    client = login(officers[0])

    response = check(client, started, id_number=untrained.id_number, job=JOB)

    worker_check = WorkerCheck.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/m/inspections/{started.pk}/checks/{worker_check.pk}/"
    assert not worker_check.qualified
    assert worker_check.finding is not None
    content = client.get(response["Location"]).content.decode()
    assert "ph-verdict--bad" in content
    assert mask_id_number(untrained.id_number) in content
    assert untrained.id_number not in content
    for reason in worker_check.reasons:
        assert reason["message"] in content
        assert reason["legal_basis"] in content
    assert str(worker_check.finding) in content


def test_the_finding_is_disposed_of_on_the_phone_and_the_order_issued(
    login, started, officers, untrained
):
    client = login(officers[0])
    check(client, started, id_number=untrained.id_number, job=JOB)
    worker_check = WorkerCheck.objects.get()
    url = f"/m/inspections/{started.pk}/checks/{worker_check.pk}/"
    page = client.get(url).content.decode()
    assert 'id="dispose"' in page and "data-confirm" in page
    assert re.search(r'<input type="radio"[^>]*value="order_and_penalty"[^>]*checked', page)
    before = AuditEvent.objects.count()

    # No due date: refused beside the field, nothing written.
    refused = client.post(
        f"{url}dispose/",
        {"version": "0", "dispose-disposition": "order_and_penalty", "dispose-due_date": ""},
    )
    assert refused.status_code == 200
    assert (
        "整改指令须确定整改期限" in refused.content.decode()
        or "ph-error" in refused.content.decode()
    )
    assert AuditEvent.objects.count() == before
    assert RectificationOrder.objects.count() == 0

    due = clock.today() + datetime.timedelta(days=15)
    done = client.post(
        f"{url}dispose/",
        {
            "version": "0",
            "dispose-disposition": "order_and_penalty",
            "dispose-due_date": due.isoformat(),
        },
    )
    assert done.status_code == 302 and done["Location"] == url
    worker_check.finding.refresh_from_db()
    order = worker_check.finding.rectification_order
    assert order is not None and order.due_date == due
    page = client.get(url).content.decode()
    assert 'id="dispose"' not in page
    assert f'href="/inspections/orders/{order.pk}/"' in page and "已下达" in page


def test_a_qualified_worker_gets_the_green_verdict(login, started, officers, enterprise):
    from tests.factories import make_training

    worker = make_worker(enterprise=enterprise, name="王明", job=JOB)
    make_training(enterprise=enterprise, id_number=worker.id_number, job=JOB)
    client = login(officers[0])

    response = check(client, started, id_number=worker.id_number, job=JOB, is_team_leader="")

    content = client.get(response["Location"]).content.decode()
    assert "ph-verdict--ok" in content
    assert WorkerCheck.objects.get().qualified


def test_a_bad_id_number_shows_the_field_error_and_records_nothing(login, started, officers):
    client = login(officers[0])
    bad = valid_id_number(5)[:-1] + ("0" if valid_id_number(5)[-1] != "0" else "1")

    response = check(client, started, id_number=bad, job=JOB)

    assert response.status_code == 200
    content = response.content.decode()
    # The message is inside the ID number's own field, right under the input.
    assert re.search(
        r'<div class="ph-field ph-field--error">\s*<label for="id_id_number">'
        r'[^<]*</label>\s*<div class="ph-id-row">\s*<input[^>]*name="id_number"[^>]*>'
        r'.*?</div>\s*<p class="ph-error" role="alert">',
        content,
        re.S,
    )
    assert f'value="{bad}"' in content  # kept for correcting
    assert WorkerCheck.objects.count() == 0


def test_the_check_form_suits_an_id_number_and_offers_the_jobs(login, started, officers, untrained):
    content = login(officers[0]).get(f"/m/inspections/{started.pk}/").content.decode()

    id_input = re.search(r'<input[^>]*name="id_number"[^>]*>', content).group(0)
    assert 'autocapitalize="characters"' in id_input
    assert "inputmode=" in id_input
    assert '<datalist id="ph-jobs"><option value="化工操作工">' in content
    assert 'name="special_ops"' in content and 'type="checkbox"' in content
    assert 'id="scan-button"' in content


def test_a_photo_is_stored_with_the_sha256_of_the_file(login, started, officers, untrained):
    client = login(officers[0])
    check(client, started, id_number=untrained.id_number, job=JOB)
    finding = WorkerCheck.objects.get().finding
    content = jpeg()
    page = client.get(f"/m/inspections/{started.pk}/").content.decode()
    assert 'accept="image/*"' in page and 'capture="environment"' in page

    photo = io.BytesIO(content)
    photo.name = "site.jpg"
    response = client.post(
        f"/m/inspections/{started.pk}/photos/", {"photo": photo, "finding": finding.pk}
    )

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.size == len(content)
    assert evidence.content_type == "image/jpeg"
    assert evidence.finding == finding
    assert evidence.inspection == started


def test_a_file_that_is_no_photo_is_refused_by_the_field(login, started, officers):
    client = login(officers[0])
    text = io.BytesIO(b"just text, not a picture")
    text.name = "notes.jpg"

    response = client.post(f"/m/inspections/{started.pk}/photos/", {"photo": text})

    assert response.status_code == 200
    assert 'class="ph-error"' in response.content.decode()
    assert Evidence.objects.count() == 0


def test_record_through_the_form(login, started, officers):
    client = login(officers[0])

    response = client.post(
        f"/m/inspections/{started.pk}/record/",
        {"signed_by": "李建国", "version": started.version},
    )

    assert response.status_code == 302
    started.refresh_from_db()
    assert started.state == Inspection.State.RECORDED
    assert started.signed_by == "李建国"


def test_a_refusal_without_a_reason_shows_the_field_error(login, started, officers):
    client = login(officers[0])

    response = client.post(
        f"/m/inspections/{started.pk}/record/", {"refused": "on", "version": started.version}
    )

    assert response.status_code == 200
    content = response.content.decode()
    field = re.search(r'<div class="ph-field ph-field--error">.*?</div>', content, re.S)
    assert field is not None and 'name="refusal_reason"' in field.group(0)
    started.refresh_from_db()
    assert started.state == Inspection.State.IN_PROGRESS


def test_an_officer_not_on_the_inspection_gets_a_clear_message(login, started, untrained):
    client = login(make_user(role="officer", jurisdiction="450103"))

    response = client.post(
        f"/m/inspections/{started.pk}/checks/",
        {"id_number": untrained.id_number, "job": JOB},
        follow=True,
    )

    assert response.status_code == 200
    assert '<li class="error">' in response.content.decode()
    assert WorkerCheck.objects.count() == 0


def english_sources() -> set[str]:
    """Every string the phone pages translate, in its English source."""
    found = set()
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        found |= set(re.findall(r"{% translate [\"']([^\"']+)[\"'] %}", text))
    for module in ("phone.py", "phone_forms.py"):
        text = (Path(settings.BASE_DIR) / "inspections" / module).read_text()
        found |= set(re.findall(r'_\("([^"%]+)"\)', text))
    return found


def untranslated(content: str, sources: set[str]) -> list[str]:
    """The sources shown as they are: as an element's text or an attribute's value."""
    return sorted(s for s in sources if re.search(rf'(>|=")\s*{re.escape(s)}\s*(<|")', content))


def test_every_page_is_in_chinese_by_default(login, planned, started, officers, untrained):
    client = login(officers[0])
    check(client, started, id_number=untrained.id_number, job=JOB)
    worker_check = WorkerCheck.objects.get()
    sources = english_sources()
    assert len(sources) > 20

    for url in [*pages(started, worker_check), f"/m/inspections/{planned.pk}/"]:
        content = client.get(url).content.decode()
        assert '<html lang="zh-hans">' in content, url
        assert not untranslated(content, sources), url
    start_page = client.get(f"/m/inspections/{planned.pk}/").content.decode()
    assert "开始检查" in start_page
    verdict = client.get(pages(started, worker_check)[2]).content.decode()
    assert "不合格" in verdict
