import pytest


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium at 1366 x 768 per test module (support/browser.py)."""
    from support.browser import start

    driver = start()
    yield driver
    driver.quit()
