"""Headless Chromium driven by selenium, as a student's browser opens an exported replay:
the fixture's browser (tests/replay/conftest.py) and the helpers its tests share.

Needs Debian's chromium and chromium-driver (.ci/run installs them) and selenium (the
test extra); the tests are skipped, saying which is missing, without them."""

from __future__ import annotations

import json
import shutil

import pytest

CHROMEDRIVER = shutil.which("chromedriver")


def needs_chromium():
    return pytest.mark.skipif(
        CHROMEDRIVER is None or not (shutil.which("chromium") or shutil.which("chromium-browser")),
        reason="Debian's chromium and chromium-driver are not installed (.ci/run installs them)")


def start(width: int = 1366, height: int = 768):
    """A headless Chromium window of this size (1366 x 768 gives a 1366 x 625 viewport less
    the headless bars: what a laptop shows), logging the console and the network."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={width},{height}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def open_page(browser, path):
    browser.get_log("browser")  # what earlier pages logged
    browser.get_log("performance")
    browser.get(path.as_uri())


def press(browser, key, times=1):
    from selenium.webdriver.common.action_chains import ActionChains

    actions = ActionChains(browser)
    for _ in range(times):
        actions.send_keys(key)
    actions.perform()


def state(browser) -> dict:
    return browser.execute_script("return window.unrolled.state()")


def requests(browser) -> list[str]:
    """Every URL the page asked for, from Chromium's network log."""
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls
