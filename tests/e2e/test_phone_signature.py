"""The party signs the 现场检查记录 with a finger on the officer's phone, in headless Chromium.

A finger's strokes on the <canvas> (touch pointer actions), the confirm, the
PNG posted to the phone view and placed by ``document_sign``: the signature's
image has the strokes, the signed PDF carries it, the page fits 390 px and
runs under the Content-Security-Policy without a violation.
"""

import io

import pytest
from django.core.management import call_command
from PIL import Image
from pypdf import PdfReader

from casework import filestore
from casework.documents import documents_for
from casework.models import DocumentSignature, User
from casework.transitions import transition_perform
from inspections.models import Inspection
from tests.e2e.conftest import PHONE_WIDTH, WAIT_SECONDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "demo-pass-2026"
CHEMICALS_USCC = "91450103MA5KA00105"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def recorded(demo) -> Inspection:
    """Today's inspection of 南宁青秀化工有限公司, started and recorded: its record is issued."""
    inspection = Inspection.objects.get(enterprise__uscc=CHEMICALS_USCC)
    officer = User.objects.get(username="officer1")
    for name, data in (
        ("start", {"officers": ["officer1", "officer2"]}),
        ("record", {"signed_by": "李建国"}),
    ):
        inspection = transition_perform(
            queryset=Inspection.objects.all(),
            pk=inspection.pk,
            name=name,
            actor=officer,
            data=data,
        )
    return inspection


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


def finger_strokes(driver, canvas) -> None:
    """Two strokes of a finger across the box (touch pointer events, as on a phone)."""
    from selenium.webdriver.common.actions import interaction
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput

    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    box = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width, r.height]",
        canvas,
    )
    left, top, width, height = box
    strokes = [
        [(0.1, 0.7), (0.3, 0.2), (0.5, 0.8), (0.7, 0.3), (0.9, 0.6)],
        [(0.2, 0.5), (0.8, 0.45)],
    ]
    finger = PointerInput(interaction.POINTER_TOUCH, "finger")
    actions = ActionBuilder(driver, mouse=finger)
    for stroke in strokes:
        points = [(int(left + x * width), int(top + y * height)) for x, y in stroke]
        actions.pointer_action.move_to_location(*points[0])
        actions.pointer_action.pointer_down()
        for x, y in points[1:]:
            actions.pointer_action.move_to_location(x, y)
        actions.pointer_action.pointer_up()
    actions.perform()


def ink_box(data: bytes):
    """Where the drawing has ink (None for an empty canvas)."""
    with Image.open(io.BytesIO(data)) as picture:
        alpha = picture.convert("RGBA").getchannel("A")
    return alpha.point(lambda v: 255 if v > 64 else 0).getbbox()


def csp_violations(driver) -> list[str]:
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]
    ]


def test_the_party_signs_the_record_with_a_finger(recorded, live_server, browser):
    base = live_server.url
    log_in(browser, base, "officer1")
    browser.get(f"{base}/m/inspections/{recorded.pk}/")
    find(browser, "#sign-link").click()
    canvas = find(browser, "#signature-pad")
    assert browser.current_url == f"{base}/m/inspections/{recorded.pk}/sign/"
    assert find(browser, 'input[name="signer"]').get_attribute("value") == "李建国"

    # The box is as wide as the column, tall enough for a finger, and nothing scrolls sideways.
    width, height, page_width = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return [r.width, r.height, document.documentElement.scrollWidth]",
        canvas,
    )
    assert width >= 300 and height >= 180, (width, height)
    assert page_width <= PHONE_WIDTH
    for css in ("#sign-button", "#signature-clear"):
        assert browser.find_element("css selector", css).size["height"] >= 48, css

    # Nothing drawn: the page says so and posts nothing.
    browser.find_element("css selector", "#sign-button").click()
    wait(browser).until(lambda d: d.find_element("css selector", "#signature-status").text)
    assert find(browser, "#signature-status").text == canvas.get_attribute("data-empty")
    assert not DocumentSignature.objects.exists()

    # A stroke, cleared, then the signature itself.
    finger_strokes(browser, canvas)
    browser.find_element("css selector", "#signature-clear").click()
    finger_strokes(browser, canvas)
    assert browser.execute_script(
        "const c = arguments[0], d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        "for (let i = 3; i < d.length; i += 4) if (d[i]) return true; return false",
        canvas,
    )

    # The confirm, dismissed: nothing is signed.
    button = browser.find_element("css selector", "#sign-button")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    wait(browser).until(lambda d: d.switch_to.alert).dismiss()
    assert not DocumentSignature.objects.exists()

    button.click()
    wait(browser).until(lambda d: d.switch_to.alert).accept()
    listed = find(browser, "#signature-list")
    assert "李建国" in listed.text

    record = documents_for(subject=recorded).get(kind="inspection_record")
    signature = DocumentSignature.objects.get()
    assert signature.document == record and signature.signer == "李建国"
    assert signature.signs_sha256 == record.sha256
    assert signature.recorded_by.username == "officer1"
    assert "Chrome" in signature.device
    drawn = filestore.file_read(signature.image_sha256)
    assert drawn.startswith(b"\x89PNG")
    left, top, right, bottom = ink_box(drawn)
    with Image.open(io.BytesIO(drawn)) as picture:
        # The strokes span most of the box, as drawn (not a dot, not the cleared stroke only).
        assert right - left > picture.width * 0.6 and bottom - top > picture.height * 0.4
    signed = PdfReader(io.BytesIO(filestore.file_read(signature.final_sha256)))
    assert sum(len(page.images) for page in signed.pages) == 1
    assert "李建国（签名）" in "".join("".join(p.extract_text().split()) for p in signed.pages)

    # The officer signs next, on the signed file; the name field starts empty for them.
    assert find(browser, 'input[name="signer"]').get_attribute("value") == ""
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE_WIDTH
    assert csp_violations(browser) == []
