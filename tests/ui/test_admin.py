from casework.models import AuditEvent
from tests.factories import make_user


def test_admin_lists_audit_events_with_filters(login, db):
    admin = make_user(role="admin", jurisdiction=None)
    client = login(admin)

    everything = client.get("/admin/casework/auditevent/")
    logins = client.get("/admin/casework/auditevent/", {"action": "logged_in"})
    by_username = client.get("/admin/casework/auditevent/", {"q": admin.username})

    assert {e.action for e in everything.context["cl"].result_list} >= {"user_created", "logged_in"}
    assert {e.action for e in logins.context["cl"].result_list} == {"logged_in"}
    assert {e.actor_username for e in by_username.context["cl"].result_list} == {admin.username}


def test_admin_audit_event_change_and_delete_are_refused(login, db):
    admin = make_user(role="admin", jurisdiction=None)
    client = login(admin)
    event = AuditEvent.objects.latest("seq")
    before = (event.action, event.hash)

    change = client.post(f"/admin/casework/auditevent/{event.pk}/change/", {"action": "forged"})
    delete = client.post(f"/admin/casework/auditevent/{event.pk}/delete/", {"post": "yes"})
    add = client.get("/admin/casework/auditevent/add/")

    assert change.status_code == 403
    assert delete.status_code == 403
    assert add.status_code == 403
    event.refresh_from_db()
    assert (event.action, event.hash) == before
    assert client.get(f"/admin/casework/auditevent/{event.pk}/change/").status_code == 200


def test_admin_is_for_the_admin_role_only(login, officers):
    client = login(officers[0])

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_user_pages_render(login, officers):
    client = login(make_user(role="admin", jurisdiction=None))

    assert client.get("/admin/casework/user/").status_code == 200
    assert client.get(f"/admin/casework/user/{officers[0].pk}/change/").status_code == 200
    assert client.get("/admin/casework/user/add/").status_code == 200
    assert client.get("/admin/casework/jurisdiction/").status_code == 200
    assert client.get("/admin/casework/enterprise/").status_code == 200
    assert client.get("/admin/inspections/inspection/").status_code == 200
