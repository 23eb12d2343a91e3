from django.test import Client

from tests.factories import (
    PASSWORD,
    make_enterprise,
    make_inspection,
    make_started_inspection,
    make_user,
)


def test_portal_login_page_renders(db):
    response = Client().get("/portal/login/")

    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_enterprise_user_logs_in_to_my_enterprise(db):
    enterprise = make_enterprise(
        name="南宁化工有限公司", address="南宁市青秀区民族大道 1 号", legal_representative="张三"
    )
    user = make_user(role="enterprise", enterprise=enterprise)
    client = Client()

    response = client.post(
        "/portal/login/", {"username": user.username, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain == [("/portal/", 302)]
    content = response.content.decode()
    for text in ("南宁化工有限公司", enterprise.uscc, "危险化学品", "民族大道", "张三"):
        assert text in content


def test_my_enterprise_shows_only_own_enterprise_and_its_inspections(login, officers, enterprise):
    neighbour = make_enterprise(name="Neighbour Works")
    own_inspection = make_inspection(enterprise=enterprise, officers=officers)
    make_inspection(enterprise=neighbour, officers=officers)
    client = login(make_user(role="enterprise", enterprise=enterprise), url="/portal/login/")

    response = client.get("/portal/")

    content = response.content.decode()
    assert enterprise.name in content
    assert "Neighbour Works" not in content
    assert neighbour.uscc not in content
    assert f'href="/portal/inspections/{own_inspection.pk}/"' in content
    assert content.count('class="cw-inspection"') == 1  # the one own inspection


def test_staff_are_refused_by_the_portal_login(db, officers):
    client = Client()

    response = client.post(
        "/portal/login/", {"username": officers[0].username, "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "工作人员登录入口" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_staff_get_no_portal_pages(login, officers):
    client = login(officers[0])

    assert client.get("/portal/").status_code == 404


def test_anonymous_visitor_is_sent_to_the_portal_login(db):
    response = Client().get("/portal/")

    assert response.status_code == 302
    assert response["Location"].startswith("/portal/login/")


def test_an_inspection_page_shows_its_timeline_in_words_to_its_enterprise_only(
    login, enterprise, officers
):
    # given: an inspection of the enterprise, started, and one of a neighbour
    officers[0].last_name = "张伟"
    officers[0].save()
    inspection = make_started_inspection(enterprise=enterprise, officers=officers)
    neighbours = make_inspection(enterprise=make_enterprise(), officers=officers)
    client = login(make_user(role="enterprise", enterprise=enterprise), url="/portal/login/")

    # when
    content = client.get(f"/portal/inspections/{inspection.pk}/").content.decode()

    # then: what happened, who did it (a name, never a username), the state it reached
    assert "计划于" in content and "进行现场检查" in content
    assert "张伟 开始现场检查，执法人员：张伟" in content
    assert "张伟" in content
    assert "检查中" in content
    for officer in officers:
        assert officer.username not in content
    assert "transition_performed" not in content and "in_progress" not in content
    assert client.get(f"/portal/inspections/{neighbours.pk}/").status_code == 404


def test_the_portal_home_says_what_to_do_by_when_and_who_is_barred(login, enterprise, officers):
    import datetime

    from casework import clock
    from casework.frontend import StaffSite
    from casework.identifiers import mask_id_number
    from casework.transitions import transition_perform
    from inspections.models import Finding, RectificationOrder
    from inspections.services import worker_check_record
    from tests.factories import make_worker

    officers[0].first_name = "张伟"
    officers[0].save()
    untrained = make_worker(enterprise=enterprise, name="李强", job="化工操作工")
    inspection = make_started_inspection(enterprise=enterprise, officers=officers)
    worker_check_record(
        inspection=inspection, actor=officers[0], id_number=untrained.id_number, job="化工操作工"
    )
    finding = Finding.objects.get(inspection=inspection, level="worker")
    due = clock.today() + datetime.timedelta(days=28)
    transition_perform(
        queryset=Finding.objects.all(),
        pk=finding.pk,
        name="dispose",
        actor=officers[0],
        data={"disposition": "order_and_penalty", "due_date": due.isoformat()},
    )
    client = login(make_user(role="enterprise", enterprise=enterprise), url="/portal/login/")
    # An order not yet served is the bureau's draft: the enterprise is not told of it.
    assert "整改：李强" not in client.get("/portal/").content.decode()
    finding.refresh_from_db()
    transition_perform(
        queryset=RectificationOrder.objects.all(),
        pk=finding.rectification_order_id,
        name="serve",
        actor=officers[0],
        data={"method": "in_person", "served_on": clock.today().isoformat(), "recipient": "王"},
    )

    page = client.get("/portal/").content.decode()

    assert "整改：李强（化工操作工）：未经岗位安全培训" in page
    assert f"{due:%Y-%m-%d} 前" in page and "个工作日" in page
    assert f"李强</strong>（{mask_id_number(untrained.id_number)}，化工操作工）" in page
    # The inspection's findings: the worker by name and masked ID number.
    assert f"李强（化工操作工）：未经岗位安全培训 · {mask_id_number(untrained.id_number)}" in page
    assert f"张伟（{officers[0].credential_no}）" in page
    assert untrained.id_number not in page
    for officer in officers:
        assert officer.username not in page
    assert f"--mdc-theme-primary: {StaffSite.primary_color}" in page
