"""The Slack install pages in a real browser: Debian's chromium, headless, driven by
Selenium through chromium-driver, from our install page through the fake Slack's
"allow this app?" page back to our success page (and, cancelled, to the failure page).

Needs the `chromium` and `chromium-driver` packages. Elsewhere it skips and says why;
.ci/run installs them and sets COPROD_REQUIRE_BROWSER=1, which makes a skip a failure
(COPROD_TEST_BROWSER=0 skips it on purpose)."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.slack import SlackRunner
from bot.clock import FakeClock
from storage.interface import Storage
from storage.slack_installs import SlackInstallStore
from tests.contract.slack.conftest import running
from tests.contract.slack.oauth import TEAM_B
from tests.contract.slack.oauth import start_oauth_runner
from tests.fakes.slack.server import FakeSlack

pytestmark = pytest.mark.browser

CHROMIUM = ("chromium", "chromium-browser")
DRIVER = "chromedriver"
PAGE_SECONDS = 20.0  # each page load and click is bounded by this


def _why_not() -> tuple[str, str, str]:
    """The browser and driver paths, or a reason they cannot be had."""
    if os.environ.get("COPROD_TEST_BROWSER", "") == "0":
        return "", "", "COPROD_TEST_BROWSER=0"
    browser = next((found for name in CHROMIUM if (found := shutil.which(name))), None)
    driver = shutil.which(DRIVER)
    if browser is None or driver is None:
        return "", "", ("chromium and chromium-driver are not installed "
                        "(apt-get install chromium chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "", "", "selenium is not installed (pip install -e '.[test]')"
    return browser, driver, ""


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless chromium under Selenium; quit afterwards."""
    chromium, driver_path, reason = _why_not()
    if reason:
        if (os.environ.get("COPROD_REQUIRE_BROWSER", "") not in ("", "0")
                and os.environ.get("COPROD_TEST_BROWSER", "") != "0"):
            pytest.fail(f"COPROD_REQUIRE_BROWSER is set, but {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                 "--disable-gpu", "--no-first-run", "--disable-extensions"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(PAGE_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
async def many(slack: FakeSlack, storage: Storage,
               clock: FakeClock) -> AsyncIterator[SlackRunner]:
    """The adapter serving many workspaces, reached as http://localhost:PORT (the
    OAuth state cookie is Secure, which browsers allow over plain HTTP to localhost)."""
    async with running(start_oauth_runner(slack, storage, clock, host="localhost")) as runner:
        yield runner


async def _in_browser(call: Any, *args: Any) -> Any:
    """A Selenium call, in a thread: the servers answering it run on this loop."""
    return await asyncio.wait_for(asyncio.to_thread(call, *args), PAGE_SECONDS)


async def _follow(driver: Any, runner: SlackRunner, choice: str) -> str:
    """Open the install page, press "Add to Slack", then `choice` on Slack's page; the
    heading of the page we land on."""
    from selenium.webdriver.common.by import By

    await _in_browser(driver.get, f"http://localhost:{runner.http_port}/slack/install")
    assert await _in_browser(lambda: driver.find_element(By.TAG_NAME, "html")
                             .get_attribute("lang")) == "en"
    assert await _in_browser(lambda: driver.find_element(By.TAG_NAME, "h1").text) \
        == "Add coprod to your Slack workspace"
    await _in_browser(lambda: driver.find_element(By.LINK_TEXT, "Add to Slack").click())
    assert "coprod is asking to join" in await _in_browser(
        lambda: driver.find_element(By.TAG_NAME, "h1").text)
    await _in_browser(lambda: driver.find_element(By.ID, choice).click())
    heading: str = await _in_browser(lambda: driver.find_element(By.TAG_NAME, "h1").text)
    return heading


async def test_an_install_in_a_browser_reaches_the_success_page(
        slack: FakeSlack, many: SlackRunner, storage: Storage, browser: Any) -> None:
    slack.signed_in_team = TEAM_B
    slack.team_names[TEAM_B] = "Second group"
    heading = await _follow(browser, many, "allow")
    assert heading == "coprod is now in your workspace"
    assert "Second group" in await _in_browser(lambda: browser.page_source)
    assert isinstance(storage, SlackInstallStore)
    saved = await storage.slack_install(TEAM_B)
    assert saved is not None and saved.details["bot_token"] == slack.tokens_of(TEAM_B)[0]


async def test_a_cancelled_install_in_a_browser_reaches_the_failure_page(
        slack: FakeSlack, many: SlackRunner, storage: Storage, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    heading = await _follow(browser, many, "cancel")
    assert heading == "coprod was not added"
    assert "You can try again" in await _in_browser(lambda: browser.page_source)
    # "Try again" leads back to the install page.
    await _in_browser(lambda: browser.find_element(By.LINK_TEXT, "Try again").click())
    assert await _in_browser(lambda: browser.find_element(By.TAG_NAME, "h1").text) \
        == "Add coprod to your Slack workspace"
    assert isinstance(storage, SlackInstallStore)
    assert await storage.slack_installed_workspaces() == []
