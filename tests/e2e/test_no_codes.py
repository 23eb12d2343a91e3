"""No code reaches a person: every page, both languages, desk and phone width.

Headless Chromium against the live server with the demo data and a worked
inspection (workers checked, a finding disposed). Fails when the visible text
holds a snake_case or UPPER_CASE token or a known code (a state, reason,
disposition, sector, category, role or audit action). Text a person opens on
purpose (a closed "details" toggle of the raw record) and literal file-format
names set in <code> are not visible text.
"""

import datetime
import io
import re

import pytest
from django.core.management import call_command

from casework import clock
from casework.audit import event_kinds
from casework.models import User
from casework.transitions import transition_perform
from inspections.models import Finding, Inspection
from inspections.services import worker_check_record
from registry.demo import WORKERS, id_number
from registry.models import SpecialOpsCategory
from registry.qualification import REASONS
from tests.e2e.conftest import PHONE_WIDTH, WAIT_SECONDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "demo-pass-2026"
TOKEN = re.compile(r"\b(?:[a-z]+(?:_[a-z0-9]+)+|[A-Z]+(?:_[A-Z0-9]+)+)\b")
VISIBLE_TEXT = """
const hidden = el => el.closest('script,style,template,code,[aria-hidden="true"],.material-icons')
  || (el.closest('details:not([open])') && !el.closest('summary'));
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const out = [];
while (walker.nextNode()) {
  const node = walker.currentNode, el = node.parentElement;
  if (!el || hidden(el) || !node.textContent.trim()) continue;
  const style = getComputedStyle(el);
  if (style.display === 'none' || style.visibility === 'hidden') continue;
  out.push(node.textContent.trim());
}
return out.join(' ');
"""


def known_codes() -> set[str]:
    codes = set(REASONS) | set(SpecialOpsCategory.values) | set(event_kinds())
    for model in (Inspection, Finding):
        for field in model._meta.fields:
            codes |= {str(value) for value, _label in field.flatchoices if value}
    codes |= set(User.Role.values)
    # Words that are codes and also plain English words a page may say.
    return {code for code in codes if "_" in code or code.isupper()}


@pytest.fixture
def worked(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    officers = [User.objects.get(username=u) for u in ("officer1", "officer2")]
    inspection = Inspection.objects.get(enterprise__uscc="91450103MA5KA00105")
    inspection = transition_perform(
        queryset=Inspection.objects.all(),
        pk=inspection.pk,
        name="start",
        actor=officers[0],
        data={"officers": [o.username for o in officers]},
    )
    for _name, uscc, job, parts, leader, ops, _found in WORKERS:
        if uscc == inspection.enterprise.uscc:
            worker_check_record(
                inspection=inspection,
                actor=officers[0],
                id_number=id_number(*parts),
                job=job,
                special_ops=ops,
                is_team_leader=leader,
            )
    finding = inspection.findings.order_by("pk").first()
    transition_perform(
        queryset=Finding.objects.all(),
        pk=finding.pk,
        name="dispose",
        actor=officers[0],
        data={
            "disposition": "order_and_penalty",
            "due_date": (clock.today() + datetime.timedelta(days=15)).isoformat(),
        },
    )
    return inspection


def log_in(driver, base: str, url: str, username: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.delete_all_cookies()
    driver.get(f"{base}{url}")
    wait = WebDriverWait(driver, WAIT_SECONDS)
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, 'input[name="username"]')))
    driver.find_element(By.CSS_SELECTOR, 'input[name="username"]').send_keys(username)
    driver.find_element(By.CSS_SELECTOR, 'input[name="password"]').send_keys(DEMO_PASSWORD)
    driver.find_element(By.CSS_SELECTOR, 'form button[type="submit"]').click()
    wait.until(lambda d: "login" not in d.current_url)


def test_no_code_or_snake_case_token_on_any_page(worked, live_server, browser):
    base, pk = live_server.url, worked.pk
    check = worked.worker_checks.filter(qualified=False).first()
    pages = {
        ("/accounts/login/", "supervisor"): [
            "/inspections/workbench/",
            "/inspections/",
            f"/inspections/{pk}/",
            "/inspections/plan/",
        ],
        ("/accounts/login/", "city_supervisor"): ["/inspections/workbench/"],
        ("/m/", "officer1"): [
            "/m/",
            f"/m/inspections/{pk}/",
            f"/m/inspections/{pk}/checks/{check.pk}/",
        ],
        ("/portal/login/", "enterprise1"): ["/portal/", f"/portal/inspections/{pk}/"],
    }
    codes, found = known_codes(), {}
    for (login, username), urls in pages.items():
        log_in(browser, base, login, username)
        for language in ("zh-hans", "en"):
            browser.add_cookie({"name": "django_language", "value": language})
            for width in (1366, PHONE_WIDTH):
                browser.set_window_size(width, 900)
                for url in urls:
                    browser.get(f"{base}{url}")
                    assert "404" not in browser.title and "Not Found" not in browser.title, url
                    text = browser.execute_script(VISIBLE_TEXT)
                    bad = set(TOKEN.findall(text)) | {c for c in codes if c in text}
                    if bad:
                        found[(url, language, width)] = sorted(bad)
    assert found == {}

    # The detector sees codes where they are: the raw record, once its toggle is opened.
    log_in(browser, base, "/accounts/login/", "supervisor")
    browser.get(f"{base}/inspections/{pk}/")
    browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert "worker_check" in TOKEN.findall(browser.execute_script(VISIBLE_TEXT))
