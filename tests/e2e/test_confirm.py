"""An irreversible action asks first, in the browser: dismissed, nothing happens."""

import io

import pytest
from django.core.management import call_command

from inspections.models import Inspection
from tests.e2e.test_plan_form import find, log_in, wait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def test_cancelling_an_inspection_asks_first(demo, live_server, browser):
    from selenium.webdriver.support import expected_conditions as ec

    browser.set_window_size(1366, 900)
    inspection = Inspection.objects.get(enterprise__uscc="91450103MA5KA00105")
    log_in(browser, live_server.url, "supervisor")
    browser.get(f"{live_server.url}/inspections/{inspection.pk}/")

    def cancel():
        find(browser, "#transition-cancel textarea[name='cancel-reason']").send_keys("企业停产")
        button = find(browser, "#transition-cancel button[type=submit]")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        return wait(browser).until(ec.alert_is_present())

    question = cancel()
    assert "取消后不能再开始" in question.text
    question.dismiss()
    inspection.refresh_from_db()
    assert inspection.state == "planned"

    browser.refresh()
    cancel().accept()
    wait(browser).until(lambda d: Inspection.objects.get(pk=inspection.pk).state == "cancelled")
