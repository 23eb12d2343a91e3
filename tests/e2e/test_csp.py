"""Every kind of page runs under the Content-Security-Policy without a violation.

Real pages in headless Chromium against the live server: the staff site, the
planning form, the admin, the API's Swagger page, the officer's phone pages
and the enterprise portal. Chromium reports each refused script or style on
its console; none may be there.
"""

import io

import pytest
from django.core.management import call_command

from tests.e2e.conftest import WAIT_SECONDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "demo-pass-2026"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def log_in(driver, url: str, username: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.delete_all_cookies()
    driver.get(url)
    wait = WebDriverWait(driver, WAIT_SECONDS)
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, 'input[name="username"]')))
    driver.find_element(By.CSS_SELECTOR, 'input[name="username"]').send_keys(username)
    driver.find_element(By.CSS_SELECTOR, 'input[name="password"]').send_keys(DEMO_PASSWORD)
    driver.find_element(By.CSS_SELECTOR, 'input[name="password"]').submit()
    wait.until(lambda d: "login" not in d.current_url)


def violations(driver) -> list[str]:
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]
    ]


def visit(driver, url: str) -> None:
    driver.get(url)
    # Let deferred scripts and web components run.
    driver.execute_script("return new Promise(done => setTimeout(done, 300))")


def test_no_page_breaks_the_content_security_policy(demo, live_server, browser):
    base = live_server.url
    seen: dict[str, list[str]] = {}
    pages = [
        ("/accounts/login/", "supervisor", ["/", "/inspections/", "/inspections/plan/"]),
        ("/admin/login/", "admin", ["/admin/", "/admin/registry/worker/", "/api/v1/docs/"]),
        ("/m/", "officer1", ["/m/"]),
        ("/portal/login/", "enterprise1", ["/portal/"]),
    ]
    visit(browser, f"{base}/accounts/login/")
    seen["/accounts/login/"] = violations(browser)
    for login, username, urls in pages:
        log_in(browser, f"{base}{login}", username)
        for url in urls:
            visit(browser, f"{base}{url}")
            seen[url] = violations(browser)

    response_policy = browser.execute_script(
        "return fetch('/m/').then(r => r.headers.get('Content-Security-Policy'))"
    )
    assert "script-src 'self'" in response_policy and "frame-ancestors 'none'" in response_policy
    assert {url: found for url, found in seen.items() if found} == {}
