from django.test import Client

from casework.models import AuditEvent
from tests.factories import PASSWORD, make_enterprise, make_inspection, make_user


def test_login_page_renders(db):
    response = Client().get("/accounts/login/")

    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_staff_login_lands_on_the_site(db, officers):
    client = Client()

    response = client.post(
        "/accounts/login/", {"username": officers[0].username, "password": PASSWORD}, follow=True
    )

    assert response.status_code == 200
    assert response.wsgi_request.user == officers[0]
    # Every staff role lands on the workbench.
    assert response.redirect_chain[-1][0] == "/inspections/workbench/"


def test_wrong_password_is_refused(db, officers):
    response = Client().post(
        "/accounts/login/", {"username": officers[0].username, "password": "wrong"}
    )

    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_inbox_queue_and_archive_render_for_an_officer(login, officers):
    client = login(officers[0])

    for page, title in (("inbox", "我的待办"), ("queue", "待领取"), ("archive", "已办")):
        response = client.get(f"/workflow/{page}/")
        assert response.status_code == 200, page
        assert title in response.content.decode(), page


def test_anonymous_visitor_is_sent_to_login(db):
    response = Client().get("/inspections/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_enterprise_user_is_sent_to_the_portal(login, enterprise):
    client = login(make_user(role="enterprise", enterprise=enterprise))

    for url in ("/workflow/inbox/", "/inspections/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == "/portal/"


def test_inspection_list_shows_only_visible_inspections(login, enterprise, officers):
    own = make_inspection(
        enterprise=make_enterprise(jurisdiction="450123", name="隆安企业"),
        officers=[make_user(role="officer", jurisdiction="450123")],
    )
    other = make_inspection(enterprise=enterprise, officers=officers)
    county_officer = make_user(role="officer", jurisdiction="450123")
    client = login(county_officer)

    response = client.get("/inspections/")

    assert response.status_code == 200
    assert f'href="/inspections/{own.pk}/"'.encode() in response.content
    assert f'href="/inspections/{other.pk}/"'.encode() not in response.content
    assert enterprise.name.encode() not in response.content
    assert client.get(f"/inspections/{other.pk}/").status_code == 404
    assert client.get(f"/inspections/{own.pk}/").status_code == 200


def test_inspection_page_shows_state_officers_transitions_and_timeline(login, enterprise, officers):
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    client = login(officers[0])
    client.cookies["django_language"] = "en"  # these assertions read English

    response = client.get(f"/inspections/{inspection.pk}/")

    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="inspection-state">Planned<' in content
    assert enterprise.name in content
    assert all(o.credential_no in content for o in officers)  # by name and credential
    assert 'id="transition-start"' in content
    assert 'id="transition-cancel"' in content
    assert "planned the inspection for" in content


def test_start_through_the_page_form_changes_state_and_writes_one_event(
    login, enterprise, officers
):
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    client = login(officers[0])
    client.cookies["django_language"] = "en"  # these assertions read English
    events_before = AuditEvent.objects.filter(action="transition_performed").count()

    response = client.post(
        f"/inspections/{inspection.pk}/",
        {
            "transition": "start",
            "version": inspection.version,
            "start-officers": [o.pk for o in officers],
        },
    )

    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.state == "in_progress"
    events = AuditEvent.objects.filter(action="transition_performed")
    assert events.count() == events_before + 1
    event = events.latest("seq")
    assert (event.object_id, event.transition, event.actor_id) == (
        str(inspection.pk),
        "start",
        officers[0].pk,
    )
    page = client.get(f"/inspections/{inspection.pk}/")
    assert 'id="inspection-state">In progress<' in page.content.decode()
    assert 'id="transition-record"' in page.content.decode()


def test_start_with_one_officer_shows_the_field_error_and_changes_nothing(
    login, enterprise, officers
):
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    client = login(officers[0])
    client.cookies["django_language"] = "en"  # these assertions read English
    events_before = AuditEvent.objects.count()

    response = client.post(
        f"/inspections/{inspection.pk}/",
        {
            "transition": "start",
            "version": inspection.version,
            "start-officers": [officers[0].pk],
        },
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="start-officers"' in content
    form = content[content.index('id="transition-start"') :]
    form = form[: form.index("</form>")]
    assert f'value="{officers[0].pk}"' in form
    assert officers[0].username not in form  # officers are chosen by name, never username
    assert "At least 2 different officers are required." in content
    inspection.refresh_from_db()
    assert inspection.state == "planned"
    assert inspection.version == 0
    assert AuditEvent.objects.count() == events_before


def test_stale_version_is_a_conflict_message_with_the_current_state(login, enterprise, officers):
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    client = login(officers[0])
    client.cookies["django_language"] = "en"  # these assertions read English
    data = {
        "transition": "start",
        "version": 0,
        "start-officers": [o.pk for o in officers],
    }
    client.post(f"/inspections/{inspection.pk}/", data)

    response = client.post(f"/inspections/{inspection.pk}/", data, follow=True)

    assert response.status_code == 200
    content = response.content.decode()
    # In plain words: someone else acted, what the case is now, what they did.
    assert "Someone else changed this case while you were reading it" in content
    assert "it is now “In progress”" in content
    assert "started the inspection on site" in content.split("Last change:")[1].split("</li>")[0]
    assert AuditEvent.objects.filter(action="transition_performed").count() == 1
    # Said once, in the page's message list (not again in a snackbar).
    assert content.count("Someone else changed this case") == 1


def test_irreversible_actions_ask_first_and_cancel_stands_apart(login, enterprise, officers):
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    client = login(officers[0])
    client.cookies["django_language"] = "en"

    content = client.get(f"/inspections/{inspection.pk}/").content.decode()

    start = content.split('id="transition-start"')[0].rsplit("<form", 1)[1]
    cancel = content.split('id="transition-cancel"')[0].rsplit("<form", 1)[1]
    assert "data-turbo-confirm" not in start  # starting can be followed by a cancel
    assert "cw-action--danger" in cancel
    assert (
        'data-turbo-confirm="Cancel the inspection? A cancelled inspection cannot be'
        in (content.split('id="transition-cancel"')[1][:200])
    )
    assert content.index('id="transition-start"') < content.index('id="transition-cancel"')


def test_transition_the_user_may_not_take_is_forbidden(login, enterprise, officers):
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    reviewer = make_user(role="legal_reviewer", jurisdiction="450103")
    client = login(reviewer)

    response = client.post(
        f"/inspections/{inspection.pk}/", {"transition": "cancel", "cancel-reason": "x"}
    )

    assert response.status_code == 403
    inspection.refresh_from_db()
    assert inspection.state == "planned"


def test_plan_inspection_form_creates_an_inspection(login, enterprise, officers):
    client = login(officers[0])

    response = client.post(
        "/inspections/plan/",
        {
            "enterprise": enterprise.pk,
            "planned_on": "2026-03-02",
            "officers": [o.pk for o in officers],
        },
    )

    assert response.status_code == 302
    inspection = enterprise.inspections.get()
    assert response["Location"] == f"/inspections/{inspection.pk}/"
    assert set(inspection.officers.all()) == set(officers)
    assert (
        AuditEvent.objects.filter(action="inspection_created", object_id=str(inspection.pk)).count()
        == 1
    )
