"""An officer's morning on a 390-pixel phone, in a real browser against the live server.

Log in, open today's inspection, start it, check an unqualified worker and see
the red verdict with its reason, attach a photo from the "camera", record the
inspection with the representative's signature.
"""

import hashlib
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from inspections.models import Evidence, Inspection, WorkerCheck
from registry.demo import WORKERS, id_number
from tests.e2e.conftest import PHONE_WIDTH, WAIT_SECONDS, artefacts_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "demo-pass-2026"
CHEMICALS = "南宁青秀化工有限公司"


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    settings.CASEWORK_EVIDENCE_DIR = tmp_path / "evidence"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def demo_worker(finding: str) -> tuple[str, str, str]:
    """Name, ID number and job of the demo worker whose check finds ``finding``."""
    for name, _uscc, job, parts, _leader, _ops, found in WORKERS:
        if found == finding:
            return name, id_number(*parts), job
    raise LookupError(finding)


def wait(driver):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS)


def find(driver, css: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    return wait(driver).until(ec.visibility_of_element_located((By.CSS_SELECTOR, css)))


def _gone(element):
    """A wait condition: ``element`` has left the page.

    Chromium sometimes answers a check on a node that is being removed with an
    inspector error instead of a stale-element error; both mean it is gone.
    """
    from selenium.common.exceptions import WebDriverException

    def check(_driver) -> bool:
        try:
            element.is_enabled()
        except WebDriverException:  # StaleElementReferenceException included
            return True
        return False

    return check


def submit(driver, button_css: str, next_css: str, confirm: str = ""):
    """Click a submit button and wait for the next page to show ``next_css``.

    ``confirm``: the page asks first (an irreversible action); the question must
    contain it, and is accepted.
    """
    button = find(driver, button_css)
    # The login page submits through Turbo, which replaces the body, not the document.
    page = driver.find_element("tag name", "body")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    if confirm:
        from selenium.webdriver.support import expected_conditions as ec

        alert = wait(driver).until(ec.alert_is_present())
        assert confirm in alert.text, alert.text
        alert.accept()
    wait(driver).until(_gone(page))
    return find(driver, next_css)


def assert_fits_the_phone(driver):
    """No horizontal scrolling at 390 CSS pixels."""
    width, scroll_width = driver.execute_script(
        "return [window.innerWidth, document.documentElement.scrollWidth]"
    )
    assert width == PHONE_WIDTH, f"window.innerWidth is {width}"
    assert scroll_width <= width, f"{driver.current_url} scrolls sideways ({scroll_width}px)"


def snapshot(driver, name: str) -> None:
    """Save the whole page, as tall as it is, to var/e2e/<name>.png (to look at)."""
    import base64

    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
    )
    (artefacts_dir() / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


def log_in(driver, base_url: str, username: str):
    driver.get(f"{base_url}/m/")
    find(driver, 'input[name="username"]').send_keys(username)
    driver.find_element("css selector", 'input[name="password"]').send_keys(DEMO_PASSWORD)
    submit(driver, 'form button[type="submit"]', ".ph-main")
    assert driver.current_url == f"{base_url}/m/"


def jpeg_file(directory: Path) -> Path:
    path = directory / "site-photo.jpg"
    Image.new("RGB", (640, 480), (200, 120, 40)).save(path, "JPEG", quality=90)
    return path


def test_an_officer_checks_an_unqualified_worker_and_records_the_inspection(
    demo, live_server, browser, tmp_path
):
    name, worker_id_number, job = demo_worker("UNTRAINED")
    inspection = Inspection.objects.get(enterprise__name=CHEMICALS, state=Inspection.State.PLANNED)

    log_in(browser, live_server.url, "officer1")
    assert_fits_the_phone(browser)
    snapshot(browser, "1-home")

    # Today's inspections: open the chemical plant's.
    link = find(browser, f'a[href="/m/inspections/{inspection.pk}/"]')
    assert CHEMICALS in link.text
    link.click()
    find(browser, "#start")
    assert_fits_the_phone(browser)
    snapshot(browser, "2-start")

    # Start, with the planned officers already ticked.
    ticked = browser.find_elements("css selector", 'input[name="officers"]:checked')
    assert {box.get_attribute("value") for box in ticked} == {"officer1", "officer2"}
    submit(browser, "#start-button", "#check-form")
    assert_fits_the_phone(browser)
    snapshot(browser, "3-in-progress")
    inspection.refresh_from_db()
    assert inspection.state == Inspection.State.IN_PROGRESS

    # Type the worker's ID number and job: the verdict is on the next page. (This
    # Chromium has no BarcodeDetector: no scan button, typing is the way.)
    assert not browser.find_element("css selector", "#scan-button").is_displayed()
    find(browser, 'input[name="id_number"]').send_keys(worker_id_number)
    find(browser, 'input[name="job"]').send_keys(job)
    verdict = submit(browser, "#check-button", "#verdict")
    assert_fits_the_phone(browser)
    check = WorkerCheck.objects.get(inspection=inspection)
    assert not check.qualified and check.finding is not None
    assert "ph-verdict--bad" in verdict.get_attribute("class")
    assert verdict.value_of_css_property("background-color") == "rgba(198, 40, 40, 1)"
    assert name in verdict.text
    assert worker_id_number[-4:] in verdict.text and worker_id_number not in browser.page_source
    reasons = find(browser, "#reasons").text
    for reason in check.reasons:
        assert reason["message"] in reasons
        assert reason["legal_basis"] in reasons
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(artefacts_dir() / "verdict.png"))
    snapshot(browser, "4-verdict-whole-page")

    # Attach a photo "from the camera" to the finding, from the verdict page.
    photo = jpeg_file(tmp_path)
    chooser = browser.find_element("css selector", 'input[name="photo"]')
    assert chooser.get_attribute("capture") == "environment"
    chooser.send_keys(str(photo))
    submit(browser, '#photo-form button[type="submit"]', "#evidence-list")
    assert_fits_the_phone(browser)
    evidence = Evidence.objects.get(inspection=inspection)
    assert evidence.sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert evidence.finding == check.finding
    assert "site-photo.jpg" in find(browser, "#evidence-list").text
    snapshot(browser, "5-photo-attached")

    # The checks so far, then the record, signed by the representative.
    assert name in find(browser, "#checks").text
    find(browser, 'input[name="signed_by"]').send_keys("李建国")
    submit(browser, "#record-button", "#inspection-state", confirm="不能更改")
    assert_fits_the_phone(browser)
    assert not browser.find_elements("css selector", "#record-button")
    snapshot(browser, "6-recorded")
    inspection.refresh_from_db()
    assert inspection.state == Inspection.State.RECORDED
    assert inspection.signed_by == "李建国"


# A stand-in for the BarcodeDetector of phone browsers (desktop Chromium on
# Linux has none): it "reads" a QR code holding the given ID number.
FAKE_DETECTOR = """
window.BarcodeDetector = class {
  static getSupportedFormats() { return Promise.resolve(["qr_code"]); }
  detect() { return Promise.resolve([{ rawValue: "ID:%s;" }]); }
};
"""


def test_scan_fills_the_id_number_where_the_browser_reads_barcodes(
    demo, live_server, browser, tmp_path
):
    from casework.models import User
    from casework.transitions import transition_perform

    _name, worker_id_number, _job = demo_worker("UNTRAINED")
    officer = User.objects.get(username="officer1")
    inspection = Inspection.objects.get(enterprise__name=CHEMICALS)
    transition_perform(
        queryset=Inspection.objects.all(),
        pk=inspection.pk,
        name="start",
        actor=officer,
        data={"officers": ["officer1", "officer2"]},
    )
    browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": FAKE_DETECTOR % worker_id_number}
    )
    log_in(browser, live_server.url, "officer1")
    browser.get(f"{live_server.url}/m/inspections/{inspection.pk}/")

    find(browser, "#scan-button")  # shown only where a BarcodeDetector exists
    picker = browser.find_element("css selector", "#scan-picker")
    picker.send_keys(str(jpeg_file(tmp_path)))

    id_input = browser.find_element("css selector", 'input[name="id_number"]')
    wait(browser).until(lambda _driver: id_input.get_attribute("value") == worker_id_number)
    assert find(browser, "#scan-status").text
    assert_fits_the_phone(browser)
