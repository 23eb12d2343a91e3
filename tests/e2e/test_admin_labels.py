"""No code reaches the administrator: the admin in Chinese and English, desk and phone width.

Headless Chromium logs in to ``/admin/`` as the demo administrator, with the
worked inspection of ``test_no_codes``, a deadline with a ledger entry and a
failed sign-in, and walks the index, every registered model's list and one
change form per model that has rows. Fails on a snake_case or UPPER_CASE token
or a known code in visible text (usernames are people's names for themselves,
not codes), and, in Chinese, on an app or model named without a Chinese word.
"""

import re

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from casework.deadlines import deadline_open
from casework.models import AuditEvent, DeadlineEntry, User
from tests.e2e.conftest import PHONE_WIDTH, WAIT_SECONDS
from tests.e2e.test_no_codes import (  # noqa: F401 (worked: a fixture)
    DEMO_PASSWORD,
    TOKEN,
    VISIBLE_TEXT,
    known_codes,
    worked,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHINESE = re.compile(r"[\u4e00-\u9fff]")
INDEX_NAMES = """
const links = '#content-main caption a, #content-main th[scope=row] a';
return Array.from(document.querySelectorAll(links)).map(a => a.textContent.trim());
"""
FIRST_ROW = "#result_list tbody tr a[href*='/change/']"


@pytest.fixture
def administered(worked):  # noqa: F811
    """The worked inspection, plus a legal clock with a ledger entry."""
    deadline = deadline_open(
        kind="payment",
        subject=worked,
        jurisdiction=worked.enterprise.jurisdiction,
        enterprise=worked.enterprise,
        start_event="served",
        started_at=timezone.now(),
    )
    DeadlineEntry.objects.create(
        deadline=deadline, kind=DeadlineEntry.Kind.RECOMPUTATION, at=timezone.now()
    )
    return worked


def sign_in(driver, base: str, username: str, password: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base}/admin/login/")
    WebDriverWait(driver, WAIT_SECONDS).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, 'input[name="username"]'))
    )
    driver.find_element(By.CSS_SELECTOR, 'input[name="username"]').send_keys(username)
    driver.find_element(By.CSS_SELECTOR, 'input[name="password"]').send_keys(password)
    driver.find_element(By.CSS_SELECTOR, '#login-form [type="submit"]').click()


def changelists() -> list[str]:
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]


def test_no_code_or_snake_case_token_in_the_admin(administered, live_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base = live_server.url
    # A failed sign-in, for the lockout list (of a name nobody has: success resets its own).
    sign_in(browser, base, "nobody", "wrong")
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".errornote")
    )
    sign_in(browser, base, "admin", DEMO_PASSWORD)
    WebDriverWait(browser, WAIT_SECONDS).until(lambda d: "login" not in d.current_url)

    codes = known_codes()
    usernames = set(User.objects.values_list("username", flat=True)) | {"nobody"}
    found, unnamed, visited = {}, {}, set()
    for language in ("zh-hans", "en"):
        browser.add_cookie({"name": "django_language", "value": language})
        for width in (1366, PHONE_WIDTH):
            browser.set_window_size(width, 900)
            pages = ["/admin/", *changelists()]
            while pages:
                url = pages.pop(0)
                browser.get(f"{base}{url}")
                assert "500" not in browser.title and "404" not in browser.title, url
                text = browser.execute_script(VISIBLE_TEXT)
                bad = (set(TOKEN.findall(text)) - usernames) | {c for c in codes if c in text}
                if bad:
                    found[(url, language, width)] = sorted(bad)
                visited.add(url)
                if url == "/admin/" and language == "zh-hans":
                    names = browser.execute_script(INDEX_NAMES)
                    assert len(names) > 20
                    unnamed[width] = [n for n in names if not CHINESE.search(n)]
                if url.endswith("/") and url.count("/") == 4:  # a list: open its first row
                    rows = browser.find_elements(By.CSS_SELECTOR, FIRST_ROW)
                    if rows:
                        pages.insert(0, rows[0].get_attribute("href").removeprefix(base))
    assert found == {}
    assert unnamed == {1366: [], PHONE_WIDTH: []}
    # The walk saw change forms, among them a deadline, an audit event and a failed sign-in.
    change_forms = {url.split("/")[2:4][1] for url in visited if url.endswith("/change/")}
    assert {"deadline", "deadlineentry", "auditevent", "accessattempt", "finding"} <= change_forms

    # The detector sees codes where they are: an event's raw payload, once its toggle is opened.
    disposed = AuditEvent.objects.get(transition="dispose")
    browser.get(f"{base}{reverse('admin:casework_auditevent_change', args=[disposed.pk])}")
    browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert TOKEN.findall(browser.execute_script(VISIBLE_TEXT))
