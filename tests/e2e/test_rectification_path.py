"""The whole rectification path in a real browser, each actor at the width they work at.

1. On the phone (390 px) an officer starts the inspection of the chemical plant,
   checks a worker who was never trained (red verdict), disposes the finding on
   the verdict page as a rectification order and penalty case with a due date
   (the order is issued with it), and records the
   inspection with the representative's name, who then signs the record with a
   finger on the phone.
2. At a desk (1366 px) the officer serves the order.
3. The enterprise logs in to the portal, opens the order, sends a file (a PNG
   written to disk) and reports completion with a summary.
4. The worker is trained and assessed meanwhile (the register row is made here);
   two officers record the re-inspection as rectified.
5. The order's page says its state in Chinese (经复查已整改) and its timeline in
   sentences; the worker is cleared for duty.
6. The enterprise, on its phone, sees the verified order.

Every page on the way is read as a person reads it: no code, no English word
(``assert_in_chinese``), and the phone pages do not scroll sideways at 390 px.

A screenshot of every step is kept in var/e2e/rectification_path/ (var/ is not
committed).
"""

import base64
import datetime
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image

from casework import clock
from inspections.models import Finding, Inspection, RectificationOrder, WorkerCheck
from registry.demo import OPERATOR, WORKERS, id_number
from tests.e2e.conftest import PHONE_WIDTH, WAIT_SECONDS, artefacts_dir
from tests.e2e.test_no_codes import TOKEN, VISIBLE_TEXT, known_codes
from tests.e2e.test_phone_signature import finger_strokes
from tests.factories import make_training

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "demo-pass-2026"
CHEMICALS = "南宁青秀化工有限公司"
DESK_WIDTH, DESK_HEIGHT = 1366, 900
# Every code a person must never read: states, reasons, dispositions, service methods…
CODES = {
    code
    for code in known_codes()
    | {str(value) for field in RectificationOrder._meta.fields for value, _ in field.flatchoices}
    if "_" in code or code.isupper()
}
SUMMARY = "李强已参加化工操作工岗位安全培训，理论和实操考核均合格，附培训签到表。"


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.CASEWORK_OUTBOX_DIR = tmp_path / "outbox"
    call_command("seed_demo", stdout=io.StringIO())


def shots() -> Path:
    directory = artefacts_dir() / "rectification_path"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def snapshot(driver, name: str) -> None:
    """The whole page, as tall as it is, to var/e2e/rectification_path/<name>.png.

    Taken once the page's transitions (a floating label going up) have ended.
    """
    wait(driver).until(
        lambda d: d.execute_script(
            "return document.getAnimations().every(a => a.playState !== 'running')"
        )
    )
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
    )
    (shots() / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


def wait(driver):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS)


def find(driver, css: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    return wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, css)))


def _gone(element):
    """A wait condition: ``element`` has left the page (stale, or an inspector error)."""
    from selenium.common.exceptions import WebDriverException

    def check(_driver) -> bool:
        try:
            element.is_enabled()
        except WebDriverException:
            return True
        return False

    return check


def click(driver, element) -> None:
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def submit(driver, button_css: str, next_css: str, confirm: str = ""):
    """Click a submit button, answer its question if it asks one, wait for the next page."""
    from selenium.webdriver.support import expected_conditions as ec

    button = find(driver, button_css)
    page = driver.find_element("tag name", "body")
    click(driver, button)
    if confirm:
        alert = wait(driver).until(ec.alert_is_present())
        assert confirm in alert.text, alert.text
        alert.accept()
    wait(driver).until(_gone(page))
    return find(driver, next_css)


def type_into(driver, css: str, text: str) -> None:
    field = find(driver, css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", field)
    field.clear()
    field.send_keys(text)


def pick(driver, field_css: str, label: str) -> None:
    """Choose ``label`` in a Material select (open it, click the option)."""
    from selenium.webdriver.common.by import By

    click(driver, find(driver, f"{field_css} .mdc-select__anchor"))
    option = wait(driver).until(
        lambda d: next(
            (
                item
                for item in d.find_elements(By.CSS_SELECTOR, f"{field_css} li")
                if item.text.strip() == label and item.is_displayed()
            ),
            None,
        )
    )
    option.click()


def width_of(driver) -> tuple[int, int]:
    return tuple(
        driver.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]")
    )


def assert_fits(driver, width: int) -> None:
    inner, scroll = width_of(driver)
    assert inner == width, f"window.innerWidth is {inner}"
    assert scroll <= width, f"{driver.current_url} scrolls sideways ({scroll}px at {width}px)"


# What test_no_codes reads as visible text, less <noscript> (its text is no node a
# browser running scripts shows).
SHOWN_TEXT = VISIBLE_TEXT.replace("'script,style,", "'script,noscript,style,")
assert SHOWN_TEXT != VISIBLE_TEXT


def visible_text(driver) -> str:
    return driver.execute_script(SHOWN_TEXT)


# English a Chinese page may show: the language switch, "SHA-256", file types.
ENGLISH_ALLOWED = {"English", "SHA", "png", "PDF"}
CREDENTIAL = re.compile(r"\b[A-Z]{2}-\d{6}-\d{4}\b")


def assert_in_chinese(driver) -> None:
    """No English word and no code in the page's visible text."""
    text = visible_text(driver)
    words = CREDENTIAL.sub("", text)  # officers' credential numbers: GX-450103-0001
    english = set(re.findall(r"\b[A-Za-z]{2,}\b", words)) - ENGLISH_ALLOWED
    assert not english, f"{driver.current_url} shows English: {sorted(english)}"
    codes = set(TOKEN.findall(text)) | {code for code in CODES if code in text}
    assert not codes, f"{driver.current_url} shows codes: {sorted(codes)}"


def log_in(driver, url: str, username: str, next_css: str) -> None:
    """Log in from a fresh session through the page that ``url`` sends a visitor to."""
    driver.delete_all_cookies()
    driver.get(url)
    find(driver, 'input[name="username"]').send_keys(username)
    driver.find_element("css selector", 'input[name="password"]').send_keys(DEMO_PASSWORD)
    submit(driver, 'form button[type="submit"]', next_css)


def untrained_worker() -> tuple[str, str, str]:
    for name, _uscc, job, parts, _leader, _ops, found in WORKERS:
        if found == "UNTRAINED":
            return name, id_number(*parts), job
    raise LookupError("UNTRAINED")


def png_file(directory: Path) -> Path:
    path = directory / "培训签到表.png"
    Image.new("RGB", (320, 200), (40, 120, 200)).save(path, "PNG")
    return path


def test_the_rectification_path_from_the_site_to_the_verified_order(
    demo, live_server, browser, tmp_path
):
    base = live_server.url
    name, worker_id, job = untrained_worker()
    assert job == OPERATOR
    inspection = Inspection.objects.get(enterprise__name=CHEMICALS, state=Inspection.State.PLANNED)
    due = clock.today() + datetime.timedelta(days=15)

    # 1. On site, on the phone.
    browser.set_window_size(PHONE_WIDTH, 844)
    log_in(browser, f"{base}/m/", "officer1", ".ph-main")
    assert browser.current_url == f"{base}/m/"
    find(browser, f'a[href="/m/inspections/{inspection.pk}/"]').click()
    submit(browser, "#start-button", "#check-form")
    assert find(browser, "#inspection-state").text == "检查中"
    type_into(browser, 'input[name="id_number"]', worker_id)
    type_into(browser, 'input[name="job"]', job)
    verdict = submit(browser, "#check-button", "#verdict")
    assert "不合格" in verdict.text and name in verdict.text
    assert "ph-verdict--bad" in verdict.get_attribute("class")
    reasons = find(browser, "#reasons").text
    assert_fits(browser, PHONE_WIDTH)
    snapshot(browser, "1a-phone-verdict")
    assert_in_chinese(browser)
    check = WorkerCheck.objects.get(inspection=inspection)
    finding = check.finding
    assert finding is not None and not check.qualified
    assert [r["code"] for r in check.reasons if r["level"] == "worker"] == ["UNTRAINED"]
    assert check.reasons[0]["message"] in reasons and check.reasons[0]["legal_basis"] in reasons

    # Disposed of on the verdict page: an order to rectify, by the proposed or a chosen date.
    find(browser, "#dispose")
    ordered = find(browser, 'input[name="dispose-disposition"][value="order_and_penalty"]')
    assert ordered.is_selected()  # proposed
    due_field = find(browser, 'input[name="dispose-due_date"]')
    assert due_field.get_attribute("value")  # a due date is proposed from the rule table
    browser.execute_script("arguments[0].value = arguments[1]", due_field, due.isoformat())
    snapshot(browser, "1b-phone-dispose-form")
    submit(browser, "#dispose-button", "#order-link", confirm="处置方式不能更改")
    disposed = find(browser, "#finding").text
    assert "责令限期整改并立案处罚" in disposed and due.isoformat() in disposed
    assert "已下达" in find(browser, "#order-link").text
    assert_fits(browser, PHONE_WIDTH)
    snapshot(browser, "1c-phone-disposed")
    assert_in_chinese(browser)

    # Record the inspection, on the phone page, signed by the representative.
    browser.get(f"{base}/m/inspections/{inspection.pk}/")
    type_into(browser, 'input[name="signed_by"]', "李建国")
    submit(browser, "#record-button", "#inspection-state", confirm="不能更改")
    assert find(browser, "#inspection-state").text == "已记录"
    assert "李建国" in find(browser, ".ph-facts").text
    assert not browser.find_elements("css selector", "#record-button")
    assert_fits(browser, PHONE_WIDTH)
    snapshot(browser, "1d-phone-recorded")
    assert_in_chinese(browser)

    # The representative signs the 现场检查记录 with a finger, on the phone.
    find(browser, "#sign-link").click()
    canvas = find(browser, "#signature-pad")
    assert find(browser, 'input[name="signer"]').get_attribute("value") == "李建国"
    finger_strokes(browser, canvas)
    submit(browser, "#sign-button", "#signature-list", confirm="不能撤回")
    assert "李建国" in find(browser, "#signature-list").text
    assert_fits(browser, PHONE_WIDTH)
    snapshot(browser, "1e-phone-signed")
    assert_in_chinese(browser)

    # 2. At the desk: from the inspection's page to its order, and serve it.
    browser.set_window_size(DESK_WIDTH, DESK_HEIGHT)
    browser.get(f"{base}/inspections/{inspection.pk}/")
    order = RectificationOrder.objects.get(inspection=inspection)
    find(browser, f'#finding-{finding.pk} a[href="/inspections/orders/{order.pk}/"]').click()
    find(browser, "#transition-serve")
    assert find(browser, "#order-state").text == "已下达"
    pick(browser, "#id_serve-method", "直接送达")
    type_into(browser, "#id_serve-served_on input", clock.today().isoformat())
    type_into(browser, 'input[name="serve-recipient"]', "李建国")
    snapshot(browser, "2a-desk-serve-form")
    submit(browser, "#transition-serve button[type=submit]", "#order-state", confirm="送达后")
    assert find(browser, "#order-state").text == "整改中"
    assert "李建国" in find(browser, ".cw-facts").text
    assert_fits(browser, DESK_WIDTH)
    snapshot(browser, "2b-desk-served")
    assert_in_chinese(browser)

    # 3. The enterprise, in its portal: the order, a file, the completion report.
    log_in(browser, f"{base}/portal/login/", "enterprise1", "#to-do")
    link = find(browser, f'a[href="/portal/orders/{order.pk}/"]')
    assert due.isoformat() in find(browser, "#to-do").text
    snapshot(browser, "3a-portal-home")
    assert_in_chinese(browser)
    link.click()
    expected = find(browser, "#expected")
    assert due.isoformat() in expected.text
    assert name in browser.find_element("css selector", ".cw-card").text
    upload = png_file(tmp_path)
    browser.find_element("css selector", '#upload input[type="file"]').send_keys(str(upload))
    type_into(browser, 'input[name="description"]', "培训签到表")
    submit(browser, "#upload button[type=submit]", "#files")
    assert upload.name in find(browser, "#files").text
    type_into(browser, 'textarea[name="report_completion-summary"]', SUMMARY)
    snapshot(browser, "3b-portal-file-sent")
    submit(
        browser,
        "#transition-report_completion button[type=submit]",
        "#order-state",
        confirm="确认报告整改完成",
    )
    assert find(browser, "#order-state").text == "报告整改完成"
    snapshot(browser, "3c-portal-reported")
    assert_in_chinese(browser)

    # 4. The worker was trained and passed meanwhile; two officers re-inspect.
    make_training(
        enterprise=order.enterprise,
        id_number=worker_id,
        job=job,
        course="化工操作工岗位安全培训",
        assessed_on=clock.today(),
    )
    log_in(browser, f"{base}/accounts/login/", "officer1", ".vf-page__grid")
    assert "/accounts/login/" not in browser.current_url
    browser.get(f"{base}/inspections/orders/{order.pk}/")
    find(browser, "#transition-record_reinspection")
    click(browser, find(browser, "label[for=id_record_reinspection-rectified_control]"))
    # The officers are chosen by name, never typed as usernames.
    form_text = find(browser, "#transition-record_reinspection").text
    assert "张伟" in form_text and "刘洋" in form_text and "officer1" not in form_text
    for username in ("officer1", "officer2"):
        pk = get_user_model().objects.get(username=username).pk
        click(
            browser,
            find(
                browser,
                f"#transition-record_reinspection input[name='record_reinspection-officers']"
                f"[value='{pk}']",
            ),
        )
    snapshot(browser, "4a-desk-reinspection-form")
    submit(
        browser,
        "#transition-record_reinspection button[type=submit]",
        "#order-state",
        confirm="确认记录复查结果",
    )

    # 5. What the order's page says.
    state = find(browser, "#order-state").text
    snapshot(browser, "5-desk-verified")
    assert state == "经复查已整改"
    order.refresh_from_db()
    assert order.state == RectificationOrder.State.VERIFIED
    assert {o.username for o in order.reinspection_officers.all()} == {"officer1", "officer2"}
    workers = find(browser, "#workers").text
    assert f"{name}（" in workers and "已解除禁止上岗" in workers, workers
    assert_fits(browser, DESK_WIDTH)
    timeline = find(browser, "#timeline").text
    title = f"{name}（{job}）：未经岗位安全培训"
    today = clock.today().isoformat()
    for sentence in (
        f"张伟 处置第 {finding.pk} 号检查发现（{title}）：责令限期整改并立案处罚，整改期限 {due}",
        f"张伟 就{title}下达第 {order.pk} 号整改指令，责令于 {due} 前整改",
        f"张伟 于 {today} 送达整改指令（直接送达），签收人 李建国",
        f"李建国 报告整改完成（附件 1 个）：{SUMMARY}",
        f"{title}：复查时已具备资格，解除禁止上岗",
        "复查：已整改",
    ):
        assert sentence in timeline, (sentence, timeline)
    assert_in_chinese(browser)
    text = visible_text(browser)
    for code in ("record_reinspection", "in_rectification", "report_completion", "verified"):
        assert code not in text
    assert not re.search(r"\b(?:True|False|None)\b", text), text
    assert Finding.objects.get(pk=finding.pk).worker.barred_from_duty is False

    # 6. The enterprise sees the outcome too, on its phone.
    browser.set_window_size(PHONE_WIDTH, 844)
    log_in(browser, f"{base}/portal/login/", "enterprise1", "#orders")
    find(browser, f'a[href="/portal/orders/{order.pk}/"]').click()
    assert find(browser, "#order-state").text == "经复查已整改"
    assert "经复查，已完成整改" in find(browser, "#expected").text
    assert "已解除禁止上岗" in browser.find_element("css selector", ".cw-card").text
    assert "会同" in find(browser, "#timeline").text
    assert_fits(browser, PHONE_WIDTH)
    snapshot(browser, "6-portal-phone-verified")
    assert_in_chinese(browser)
