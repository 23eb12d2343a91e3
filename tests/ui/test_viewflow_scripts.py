"""Viewflow's scripts speak the user's language: its pages load our JavaScript catalogue."""

from tests.factories import make_user


def test_the_task_list_loads_the_catalogue_and_it_is_in_chinese(login, db):
    client = login(make_user(role="officer", jurisdiction="450103"))
    page = client.get("/workflow/inbox/").content.decode()
    assert '<script type="text/javascript" src="/jsi18n/"></script>' in page
    chosen = "已选 %(sel)s 项".encode("unicode_escape").decode()  # as the catalogue escapes it
    catalogue = client.get("/jsi18n/").content.decode()
    assert f'"%(sel)s selected": "{chosen}"' in catalogue
    english = client.get("/jsi18n/", HTTP_COOKIE="django_language=en").content.decode()
    assert chosen not in english
