"""The phone pages at 390 px: the whole ID number in view, inspections by number and address,
findings by the worker's name, a logout, and a recorded inspection still at hand that day."""

import io

import pytest
from django.core.management import call_command

from casework.models import User
from casework.transitions import transition_perform
from inspections.models import Inspection
from inspections.services import worker_check_record
from registry.demo import WORKERS, id_number
from tests.e2e.conftest import PHONE_WIDTH, WAIT_SECONDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "demo-pass-2026"
CHEMICALS_USCC = "91450103MA5KA00105"


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
    driver.get(f"{base}/m/")
    find(driver, 'input[name="username"]').send_keys(username)
    driver.find_element("css selector", 'input[name="password"]').send_keys(DEMO_PASSWORD)
    driver.find_element("css selector", 'form button[type="submit"]').click()
    find(driver, ".ph-main")


def started_inspection_with_a_finding() -> tuple[Inspection, str]:
    inspection = Inspection.objects.get(enterprise__uscc=CHEMICALS_USCC)
    officers = [User.objects.get(username=name) for name in ("officer1", "officer2")]
    inspection = transition_perform(
        queryset=Inspection.objects.all(),
        pk=inspection.pk,
        name="start",
        actor=officers[0],
        data={"officers": [o.username for o in officers]},
    )
    name, _uscc, job, parts, *_rest = next(w for w in WORKERS if w[-1] == "UNTRAINED")
    worker_check_record(
        inspection=inspection, actor=officers[0], id_number=id_number(*parts), job=job
    )
    return inspection, name


def test_the_phone_pages_at_390_px(demo, live_server, browser):
    inspection, worker_name = started_inspection_with_a_finding()
    log_in(browser, live_server.url, "officer1")

    # Today's inspections: each with its number and the enterprise's address.
    card = find(browser, ".ph-card--link")
    assert f"{inspection.pk}" in card.text and inspection.enterprise.address in card.text

    browser.get(f"{live_server.url}/m/inspections/{inspection.pk}/")
    field = find(browser, "#id_id_number")
    field.send_keys("450103199001010313")
    width, scroll = browser.execute_script(
        "const f = document.querySelector('#id_id_number'); return [f.clientWidth, f.scrollWidth]"
    )
    assert scroll <= width, "the ID number does not fit its field"
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE_WIDTH

    # The photo form names the finding by the worker, not by a code.
    options = [o.text for o in browser.find_elements("css selector", "#id_finding option")]
    assert any(option.startswith(worker_name) for option in options), options
    assert not any("UNTRAINED" in option for option in options)

    # Recorded: still on today's list.
    Inspection.objects.filter(pk=inspection.pk).update(
        state=Inspection.State.RECORDED, recorded_at=inspection.started_at
    )
    browser.get(f"{live_server.url}/m/")
    assert inspection.enterprise.name in find(browser, ".ph-list").text

    find(browser, "#logout").click()
    wait(browser).until(lambda d: "/accounts/login/" in d.current_url)
    browser.get(f"{live_server.url}/m/")
    wait(browser).until(lambda d: "login" in d.current_url)
