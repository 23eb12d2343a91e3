import pytest
from rest_framework.test import APIClient

from casework.models import AuditEvent
from tests.factories import client_for, make_enterprise, make_inspection, make_user


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


# --- helpers for the tests below --------------------------------------------------------


def transitions_url(inspection, name=None) -> str:
    base = f"/api/v1/inspections/{inspection.pk}/transitions/"
    return f"{base}{name}/" if name else base


def names_available(user, inspection) -> list[str]:
    response = client_for(user).get(transitions_url(inspection))
    assert response.status_code == 200, response.content
    return [t["name"] for t in response.json()]


def perform(user, inspection, name, body=None):
    return client_for(user).post(transitions_url(inspection, name), body or {}, format="json")


def started(inspection, officers):
    response = perform(
        officers[0], inspection, "start", {"officers": [o.username for o in officers]}
    )
    assert response.status_code == 200, response.content
    return response


def recorded(inspection, officers):
    started(inspection, officers)
    response = perform(officers[0], inspection, "record", {"signed_by": "Wang Wei"})
    assert response.status_code == 200, response.content
    return response


def snapshot(inspection) -> tuple:
    """State, version and the number of audit events: what a refusal must leave alone."""
    inspection.refresh_from_db()
    return inspection.state, inspection.version, AuditEvent.objects.count()


# --- listing the available transitions ------------------------------------------------


def test_a_planned_inspection_offers_its_officer_start_and_cancel_with_their_fields(
    enterprise, officers
):
    # given
    inspection = make_inspection(enterprise=enterprise, officers=officers)

    # when
    response = client_for(officers[0]).get(transitions_url(inspection))

    # then
    assert response.status_code == 200
    listed = {t["name"]: t for t in response.json()}
    assert set(listed) == {"start", "cancel"}
    assert listed["start"]["target"] == "in_progress"
    assert listed["start"]["label"]
    assert listed["start"]["fields"] == [
        {
            "name": "officers",
            "type": "list",
            "required": True,
            "label": listed["start"]["fields"][0]["label"],
            "help_text": listed["start"]["fields"][0]["help_text"],
        }
    ]
    assert [(f["name"], f["type"], f["required"]) for f in listed["cancel"]["fields"]] == [
        ("reason", "char", True)
    ]


def test_a_supervisor_may_only_cancel_a_planned_inspection(enterprise, officers, supervisor):
    inspection = make_inspection(enterprise=enterprise, officers=officers)

    assert names_available(supervisor, inspection) == ["cancel"]


def test_an_enterprise_user_is_offered_no_inspection_transition(enterprise, officers):
    portal_user = make_user(role="enterprise", enterprise=enterprise)
    inspection = make_inspection(enterprise=enterprise, officers=officers)

    assert names_available(portal_user, inspection) == []


def test_an_inspection_in_progress_offers_record_to_its_officers_only(
    enterprise, officers, supervisor
):
    # given
    colleague = make_user(role="officer", jurisdiction="450103")
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    started(inspection, officers)

    # when
    response = client_for(officers[1]).get(transitions_url(inspection))

    # then
    assert [t["name"] for t in response.json()] == ["record"]
    fields = {f["name"]: f for f in response.json()[0]["fields"]}
    assert {name: (f["type"], f["required"]) for name, f in fields.items()} == {
        "signed_by": ("char", False),
        "refused": ("boolean", False),
        "refusal_reason": ("char", False),
        "witness": ("char", False),
    }
    assert names_available(colleague, inspection) == []
    assert names_available(supervisor, inspection) == []


def test_a_recorded_inspection_offers_close_and_a_closed_one_nothing(
    enterprise, officers, supervisor
):
    # given
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    recorded(inspection, officers)

    # when / then
    assert names_available(officers[0], inspection) == ["close"]
    assert names_available(supervisor, inspection) == ["close"]
    assert perform(supervisor, inspection, "close").status_code == 200
    assert names_available(officers[0], inspection) == []


# --- performing: the happy paths and what they audit ----------------------------------


def test_the_whole_lifecycle_writes_one_event_per_transition_and_the_timeline_shows_them_in_order(
    enterprise, officers, supervisor
):
    # given
    inspection = make_inspection(enterprise=enterprise, officers=officers)

    # when
    started(inspection, officers)
    assert perform(officers[1], inspection, "record", {"signed_by": "Wang Wei"}).status_code == 200
    closing = perform(supervisor, inspection, "close", {"version": 2})

    # then
    assert closing.status_code == 200
    assert (closing.json()["state"], closing.json()["version"]) == ("closed", 3)
    timeline = client_for(officers[0]).get(f"/api/v1/inspections/{inspection.pk}/timeline/")
    assert timeline.status_code == 200
    events = timeline.json()
    assert [
        (e["action"], e["transition"], e["source_state"], e["target_state"]) for e in events
    ] == [
        ("inspection_created", "", "", "planned"),
        ("transition_performed", "start", "planned", "in_progress"),
        ("transition_performed", "record", "in_progress", "recorded"),
        ("transition_performed", "close", "recorded", "closed"),
    ]
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    assert [e["actor"] for e in events] == [
        officers[0].username,
        officers[0].username,
        officers[1].username,
        supervisor.username,
    ]
    assert [e["role"] for e in events[1:]] == ["officer", "officer", "supervisor"]
    assert events[1]["payload"] == {"officers": [o.username for o in officers]}
    assert events[2]["payload"] == {
        "signed_by": "Wang Wei",
        "refused": False,
        "refusal_reason": "",
        "witness": "",
    }


def test_the_timeline_holds_only_this_inspections_events(enterprise, officers):
    # given
    mine = make_inspection(enterprise=enterprise, officers=officers)
    other = make_inspection(enterprise=enterprise, officers=officers)
    started(other, officers)

    # when
    events = client_for(officers[0]).get(f"/api/v1/inspections/{mine.pk}/timeline/").json()

    # then
    assert [e["action"] for e in events] == ["inspection_created"]


def test_the_timeline_of_an_invisible_inspection_is_404(enterprise, officers):
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    stranger = make_user(role="officer", jurisdiction="450123")

    response = client_for(stranger).get(f"/api/v1/inspections/{inspection.pk}/timeline/")

    assert response.status_code == 404


def test_a_record_with_a_noted_refusal_to_sign_is_accepted(enterprise, officers):
    # given
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    started(inspection, officers)

    # when
    response = perform(
        officers[0],
        inspection,
        "record",
        {"refused": True, "refusal_reason": "The manager left the site.", "witness": "Li Na"},
    )

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["signature_refused"], body["signed_by"]) == (
        "recorded",
        True,
        "",
    )
    event = AuditEvent.objects.latest("seq")
    assert event.payload["refused"] is True
    assert event.payload["refusal_reason"] == "The manager left the site."


def test_cancel_stores_its_reason_and_audits_it(enterprise, officers, supervisor):
    inspection = make_inspection(enterprise=enterprise, officers=officers)

    response = perform(supervisor, inspection, "cancel", {"reason": "Enterprise closed down"})

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["cancel_reason"]) == (
        "cancelled",
        "Enterprise closed down",
    )
    event = AuditEvent.objects.latest("seq")
    assert (event.transition, event.actor_username, event.payload) == (
        "cancel",
        supervisor.username,
        {"reason": "Enterprise closed down"},
    )


# --- refusals: each answers with its code and writes nothing --------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "officers"),
        ({"officers": "not-a-list"}, "officers"),
        ({"officers": ["nobody", "nobody-else"]}, "officers"),
        ({"officers": ["SELF"]}, "officers"),
        ({"officers": ["OTHER", "OTHER"]}, "officers"),
        ({"officers": ["SELF", "OTHER"], "version": "abc"}, "version"),
        ({"officers": ["SELF", "OTHER"], "version": True}, "version"),
    ],
)
def test_a_bad_start_payload_is_400_naming_the_field_and_writes_nothing(
    enterprise, officers, body, field
):
    # given
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    names = {"SELF": officers[0].username, "OTHER": officers[1].username}
    if isinstance(body.get("officers"), list):
        body = {**body, "officers": [names.get(u, u) for u in body["officers"]]}
    before = snapshot(inspection)

    # when
    response = perform(officers[0], inspection, "start", body)

    # then
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot(inspection) == before


def test_a_start_by_an_officer_who_is_not_among_the_officers_named_is_400(enterprise, officers):
    # given
    colleague = make_user(role="officer", jurisdiction="450103")
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    before = snapshot(inspection)

    # when
    response = perform(colleague, inspection, "start", {"officers": [o.username for o in officers]})

    # then
    assert response.status_code == 400
    assert "officers" in response.json()
    assert snapshot(inspection) == before


def test_a_start_naming_an_officer_without_jurisdiction_over_the_enterprise_is_400(
    enterprise, officers
):
    # given
    outsider = make_user(role="officer", jurisdiction="450123")
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    before = snapshot(inspection)

    # when
    response = perform(
        officers[0], inspection, "start", {"officers": [officers[0].username, outsider.username]}
    )

    # then
    assert response.status_code == 400
    assert outsider.username in " ".join(response.json()["officers"])
    assert snapshot(inspection) == before


def test_a_body_that_is_not_an_object_is_400_and_writes_nothing(enterprise, officers):
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    before = snapshot(inspection)

    response = perform(officers[0], inspection, "start", [officers[0].username])

    assert response.status_code == 400
    assert snapshot(inspection) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "signed_by"),
        ({"signed_by": "   "}, "signed_by"),
        ({"refused": True}, "refusal_reason"),
        ({"refused": True, "refusal_reason": "  "}, "refusal_reason"),
        ({"refused": True, "refusal_reason": "Left", "signed_by": "Wang Wei"}, "signed_by"),
        ({"refused": "perhaps", "refusal_reason": "Left"}, "refused"),
    ],
)
def test_record_needs_a_signatory_or_a_refusal_with_its_reason(enterprise, officers, body, field):
    # given
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    started(inspection, officers)
    before = snapshot(inspection)

    # when
    response = perform(officers[0], inspection, "record", body)

    # then
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot(inspection) == before


def test_cancel_without_a_reason_is_400_naming_reason(enterprise, officers, supervisor):
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    before = snapshot(inspection)

    response = perform(supervisor, inspection, "cancel", {})

    assert response.status_code == 400
    assert "reason" in response.json()
    assert snapshot(inspection) == before


@pytest.mark.parametrize(
    ("who", "name", "body"),
    [
        ("supervisor", "start", {"officers": ["OFFICER0", "OFFICER1"]}),
        ("enterprise", "cancel", {"reason": "We are busy"}),
        ("legal_reviewer", "cancel", {"reason": "No"}),
    ],
)
def test_a_visible_planned_inspection_the_role_may_not_transition_is_403_and_writes_nothing(
    enterprise, officers, supervisor, who, name, body
):
    # given
    actor = {
        "supervisor": supervisor,
        "enterprise": make_user(role="enterprise", enterprise=enterprise),
        "legal_reviewer": make_user(role="legal_reviewer", jurisdiction="450100"),
    }[who]
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    if "officers" in body:
        body = {"officers": [o.username for o in officers]}
    assert client_for(actor).get(f"/api/v1/inspections/{inspection.pk}/").status_code == 200
    before = snapshot(inspection)

    # when
    response = perform(actor, inspection, name, body)

    # then
    assert response.status_code == 403
    assert snapshot(inspection) == before


def test_record_by_an_officer_who_is_not_inspecting_is_403_and_writes_nothing(enterprise, officers):
    # given
    colleague = make_user(role="officer", jurisdiction="450103")
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    started(inspection, officers)
    before = snapshot(inspection)

    # when
    response = perform(colleague, inspection, "record", {"signed_by": "Wang Wei"})

    # then
    assert response.status_code == 403
    assert snapshot(inspection) == before


def test_a_transition_on_an_invisible_inspection_is_404_and_writes_nothing(enterprise, officers):
    # given
    stranger_officers = [make_user(role="officer", jurisdiction="450123") for _ in range(2)]
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    before = snapshot(inspection)

    # when
    response = perform(
        stranger_officers[0],
        inspection,
        "start",
        {"officers": [o.username for o in stranger_officers], "version": 0},
    )

    # then
    assert response.status_code == 404
    assert snapshot(inspection) == before


def test_a_transition_on_an_inspection_that_does_not_exist_is_404(officers):
    response = perform(officers[0], type("Missing", (), {"pk": 999999})(), "cancel", {})

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["explode", "save", "delete", "officers"])
def test_an_unknown_transition_name_is_404_and_writes_nothing(enterprise, officers, name):
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    before = snapshot(inspection)

    response = perform(officers[0], inspection, name, {"reason": "x"})

    assert response.status_code == 404
    assert snapshot(inspection) == before


@pytest.mark.parametrize(
    ("name", "body"),
    [("close", {}), ("record", {"signed_by": "Wang Wei"})],
)
def test_a_transition_not_possible_from_the_state_is_409_with_state_and_version(
    enterprise, officers, name, body
):
    # given
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    before = snapshot(inspection)

    # when
    response = perform(officers[0], inspection, name, body)

    # then
    assert response.status_code == 409
    assert (response.json()["state"], response.json()["version"]) == ("planned", 0)
    assert response.json()["detail"]
    assert snapshot(inspection) == before


def test_a_second_start_is_409_with_the_current_state(enterprise, officers):
    # given
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    started(inspection, officers)
    before = snapshot(inspection)

    # when
    response = perform(
        officers[0], inspection, "start", {"officers": [o.username for o in officers]}
    )

    # then
    assert response.status_code == 409
    assert (response.json()["state"], response.json()["version"]) == ("in_progress", 1)
    assert snapshot(inspection) == before


def test_a_stale_version_is_409_with_the_current_state_and_version(
    enterprise, officers, supervisor
):
    # given: two readers at version 0; one cancels first
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    assert (
        perform(supervisor, inspection, "cancel", {"reason": "Dup", "version": 0}).status_code
        == 200
    )
    before = snapshot(inspection)

    # when: the other acts on what it read
    response = perform(
        officers[0], inspection, "start", {"officers": [o.username for o in officers], "version": 0}
    )

    # then
    assert response.status_code == 409
    assert (response.json()["state"], response.json()["version"]) == ("cancelled", 1)
    assert snapshot(inspection) == before


def test_a_version_from_the_future_is_also_409(enterprise, officers):
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    before = snapshot(inspection)

    response = perform(
        officers[0], inspection, "start", {"officers": [o.username for o in officers], "version": 7}
    )

    assert response.status_code == 409
    assert (response.json()["state"], response.json()["version"]) == ("planned", 0)
    assert snapshot(inspection) == before


def test_the_current_version_as_a_string_is_accepted(enterprise, officers):
    inspection = make_inspection(enterprise=enterprise, officers=officers)

    response = perform(
        officers[0],
        inspection,
        "start",
        {"officers": [o.username for o in officers], "version": "0"},
    )

    assert response.status_code == 200
    assert response.json()["version"] == 1


def test_an_anonymous_caller_is_refused_and_nothing_is_written(enterprise, officers):
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    before = snapshot(inspection)

    response = APIClient().post(
        transitions_url(inspection, "start"),
        {"officers": [o.username for o in officers]},
        format="json",
    )

    assert response.status_code in (401, 403)
    assert snapshot(inspection) == before
