"""The staff inspection page: findings with their dispose forms, worker checks, evidence."""

import datetime

from casework import clock
from casework.models import AuditEvent
from inspections.models import Finding
from inspections.services import worker_check_record
from tests.factories import make_started_inspection, make_worker


def unqualified_finding(enterprise, officers) -> Finding:
    inspection = make_started_inspection(enterprise=enterprise, officers=officers)
    worker = make_worker(enterprise=enterprise, job="operator")
    check = worker_check_record(
        inspection=inspection, actor=officers[0], id_number=worker.id_number, job="operator"
    )
    return check.finding


def dispose_form(finding, **fields):
    prefix = f"dispose-{finding.pk}"
    return {
        "finding": finding.pk,
        "transition": "dispose",
        "version": finding.version,
        **{f"{prefix}-{name}": value for name, value in fields.items()},
    }


def test_the_page_lists_findings_checks_and_masks_id_numbers(login, enterprise, officers):
    finding = unqualified_finding(enterprise, officers)
    client = login(officers[0])

    page = client.get(f"/inspections/{finding.inspection_id}/").content.decode()

    assert f'id="finding-{finding.pk}"' in page
    assert "UNTRAINED" in page
    assert f'id="finding-{finding.pk}-dispose"' in page
    assert finding.id_number not in page
    assert finding.id_number[:6] + "********" + finding.id_number[-4:] in page


def test_an_order_without_a_due_date_shows_the_field_error_and_changes_nothing(
    login, enterprise, officers
):
    finding = unqualified_finding(enterprise, officers)
    client = login(officers[0])
    before = AuditEvent.objects.count()

    page = client.post(
        f"/inspections/{finding.inspection_id}/",
        dispose_form(finding, disposition="order_and_penalty"),
    )

    assert page.status_code == 200
    assert page.context["findings"][0]["actions"][0]["form"].errors
    finding.refresh_from_db()
    assert finding.state == Finding.State.OPEN
    assert AuditEvent.objects.count() == before


def test_disposing_through_the_page_records_the_order_and_its_due_date(login, enterprise, officers):
    finding = unqualified_finding(enterprise, officers)
    client = login(officers[0])
    due = clock.today() + datetime.timedelta(days=15)

    response = client.post(
        f"/inspections/{finding.inspection_id}/",
        dispose_form(finding, disposition="order_and_penalty", due_date=due.isoformat()),
    )

    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.state, finding.disposition, finding.due_date) == (
        Finding.State.DISPOSED,
        "order_and_penalty",
        due,
    )
    event = AuditEvent.objects.filter(action="transition_performed").latest("seq")
    assert (event.object_type, event.transition) == ("inspections.finding", "dispose")
