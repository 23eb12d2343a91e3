from django.test import Client

from tests.factories import make_inspection


def test_pages_are_chinese_by_default(db):
    response = Client().get("/accounts/login/")

    content = response.content.decode()
    assert '<html lang="zh-hans"' in content
    assert "工作人员登录" in content


def test_english_after_set_language(login, enterprise, officers):
    inspection = make_inspection(enterprise=enterprise, officers=officers)
    client = login(officers[0])
    page = f"/inspections/{inspection.pk}/"
    assert 'id="inspection-state">已计划<' in client.get(page).content.decode()
    assert "开始检查" in client.get(page).content.decode()

    response = client.post("/i18n/setlang/", {"language": "en", "next": page}, follow=True)

    content = response.content.decode()
    assert response.redirect_chain[-1][0] == page
    assert '<html lang="en"' in content
    assert 'id="inspection-state">Planned<' in content
    assert "开始检查" not in content
    assert "中文" in content  # the switch back


def test_every_page_offers_the_language_switch(login, officers, enterprise):
    from tests.factories import make_user

    staff = login(officers[0])
    portal = login(make_user(role="enterprise", enterprise=enterprise), url="/portal/login/")

    pages = [
        (Client(), "/accounts/login/"),
        (Client(), "/portal/login/"),
        (staff, "/workflow/inbox/"),
        (staff, "/inspections/"),
        (portal, "/portal/"),
    ]
    for client, url in pages:
        content = client.get(url).content.decode()
        assert 'action="/i18n/setlang/"' in content, url
        assert 'name="viewport"' in content, url


def test_pages_stay_chinese_for_a_browser_set_up_in_english(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert page.status_code == 200
    assert 'lang="zh-hans"' in page.content.decode()


def test_an_api_client_may_ask_for_english(client, db):
    response = client.post(
        "/api/v1/auth/token", {"username": "nobody", "password": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 401
    assert response.json()["detail"] == "Wrong username or password."
