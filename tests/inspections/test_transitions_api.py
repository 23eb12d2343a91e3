from rest_framework.test import APIClient

from casework.models import AuditEvent
from tests.factories import make_enterprise, make_inspection, make_user


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_start_with_two_valid_officers_moves_to_in_progress_and_audits_once(enterprise, officers):
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    before = AuditEvent.objects.count()

    response = client_for(officers[0]).post(
        f"/api/v1/inspections/{inspection.pk}/transitions/start/",
        {"officers": [o.username for o in officers], "version": 0},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "in_progress"
    assert response.json()["version"] == 1
    event = AuditEvent.objects.latest("seq")
    assert (event.source_state, event.target_state, event.transition) == (
        "planned",
        "in_progress",
        "start",
    )
    assert AuditEvent.objects.count() == before + 1


def test_start_with_an_expired_credential_is_refused_and_writes_nothing(enterprise, officers):
    import datetime

    expired = make_user(role="officer", credential_valid_until=datetime.date(2020, 1, 1))
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    before = AuditEvent.objects.count()

    response = client_for(officers[0]).post(
        f"/api/v1/inspections/{inspection.pk}/transitions/start/",
        {"officers": [officers[0].username, expired.username]},
        format="json",
    )

    assert response.status_code == 400
    assert "officers" in response.json()
    inspection.refresh_from_db()
    assert inspection.state == "planned"
    assert AuditEvent.objects.count() == before


def test_an_officer_of_another_county_gets_404(enterprise, officers):
    other = make_user(role="officer", jurisdiction="450123")
    inspection = make_inspection(enterprise=enterprise, officers=officers)

    response = client_for(other).get(f"/api/v1/inspections/{inspection.pk}/transitions/")

    assert response.status_code == 404


def test_enterprise_user_sees_own_inspection_but_may_not_start_it(enterprise, officers):
    portal_user = make_user(role="enterprise", enterprise=enterprise)
    stranger = make_user(role="enterprise", enterprise=make_enterprise())
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    url = f"/api/v1/inspections/{inspection.pk}/transitions/start/"
    body = {"officers": [o.username for o in officers]}

    assert client_for(portal_user).post(url, body, format="json").status_code == 403
    assert client_for(stranger).post(url, body, format="json").status_code == 404
