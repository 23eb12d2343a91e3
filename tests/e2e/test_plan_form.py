"""A supervisor plans an inspection through the plan form, at a desk and on a phone.

The officers are picked from checkboxes that show names and credential
numbers (never usernames); a plan with one officer is refused with the reason
at the top of the form and beside the field, and what was typed stays.
"""

import io

import pytest
from django.core.management import call_command

from inspections.models import Inspection
from tests.e2e.conftest import WAIT_SECONDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "demo-pass-2026"
CHEMICALS = "南宁青秀化工有限公司"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def wait(driver):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS)


def find(driver, css: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    return wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, css)))


def log_in(driver, base: str, username: str) -> None:
    driver.get(f"{base}/accounts/login/")
    find(driver, 'input[name="username"]').send_keys(username)
    driver.find_element("css selector", 'input[name="password"]').send_keys(DEMO_PASSWORD)
    driver.find_element("css selector", 'form button[type="submit"]').click()
    wait(driver).until(lambda d: "/accounts/login/" not in d.current_url)


def pick_enterprise(driver, name: str) -> None:
    from selenium.webdriver.common.by import By

    find(driver, "#id_enterprise .mdc-select__anchor").click()
    option = wait(driver).until(
        lambda d: next(
            (
                item
                for item in d.find_elements(By.CSS_SELECTOR, "#id_enterprise li")
                if item.text.strip() == name and item.is_displayed()
            ),
            None,
        )
    )
    option.click()


def fill_plan(driver, base: str, officers: list[str]) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/inspections/plan/")
    pick_enterprise(driver, CHEMICALS)
    find(driver, "#id_planned_on input").send_keys("2026-12-10")
    labels = {label.text: label for label in driver.find_elements(By.CSS_SELECTOR, ".cw-checkbox")}
    assert labels, "no officer to pick"
    assert all("officer" not in text for text in labels), list(labels)
    for name in officers:
        label = next(label for text, label in labels.items() if text.startswith(name))
        label.find_element(By.TAG_NAME, "input").click()
    driver.find_element(By.CSS_SELECTOR, "button[type=submit].mdc-card__action").click()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_supervisor_plans_an_inspection_with_two_officers(demo, live_server, browser, width):
    browser.set_window_size(width, 900)
    log_in(browser, live_server.url, "supervisor")
    before = Inspection.objects.count()

    # One officer: refused, with the reason at the top and beside the field.
    fill_plan(browser, live_server.url, ["张伟"])
    top = find(browser, "#form-errors")
    beside = find(browser, "#id_officers .cw-field-error")
    assert "2" in beside.text and beside.text.split()[0] in top.text
    assert Inspection.objects.count() == before
    kept = browser.find_elements("css selector", ".cw-checkbox input:checked")
    assert len(kept) == 1

    fill_plan(browser, live_server.url, ["张伟", "刘洋"])
    wait(browser).until(lambda d: "/inspections/plan/" not in d.current_url)

    planned = Inspection.objects.latest("pk")
    assert Inspection.objects.count() == before + 1
    assert planned.enterprise.name == CHEMICALS
    assert planned.planned_on.isoformat() == "2026-12-10"
    assert sorted(o.get_full_name() for o in planned.officers.all()) == sorted(["张伟", "刘洋"])
    assert f"/inspections/{planned.pk}/" in browser.current_url
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
