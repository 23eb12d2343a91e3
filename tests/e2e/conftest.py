"""Headless Chromium for the browser tests, at a phone's size (390 × 844 CSS pixels).

Debian's Chromium and ChromeDriver are used as installed (the network is closed:
nothing is downloaded, and Chromium's own background traffic is switched off).
"""

from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PHONE_WIDTH, PHONE_HEIGHT = 390, 844
WAIT_SECONDS = 15


def artefacts_dir() -> Path:
    """Where screenshots go: var/e2e/ (var/ is not committed)."""
    directory = Path(settings.BASE_DIR) / "var" / "e2e"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture
def browser(request, tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        f"--window-size={PHONE_WIDTH},{PHONE_HEIGHT}",
        "--hide-scrollbars",  # as on a phone: scrollbars take no width
        "--lang=zh-CN",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    # The console, for tests that read what the page reported (CSP violations).
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    # Chromium keeps a window at least 500 pixels wide from the command line;
    # WebDriver can still size the viewport to the phone's.
    driver.set_window_size(PHONE_WIDTH, PHONE_HEIGHT)
    assert driver.execute_script("return window.innerWidth") == PHONE_WIDTH
    try:
        yield driver
        if getattr(request.node, "call_failed", False):
            # What the browser showed when the test failed, for the reader of the log.
            stem = artefacts_dir() / f"failed-{request.node.name}"
            driver.save_screenshot(f"{stem}.png")
            Path(f"{stem}.html").write_text(driver.page_source)
            print(f"browser at {driver.current_url}; screenshot {stem}.png")
    finally:
        driver.quit()
