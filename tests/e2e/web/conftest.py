"""Browser tests of the web page: Debian's chromium, headless, driven by
Playwright's Python package (never a downloaded browser), against the whole
stack the e2e tier starts (every process, a real Neo4j) with the demo town."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from deploy.demo_data import load_demo_data
from deploy.run_local import LocalStack

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "services" / "gateway" / "web" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# Solving, gap reports and imports share two cores with every process of the stack.
SLOW_MS = 90_000
expect.set_options(timeout=SLOW_MS)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    report = yield
    setattr(item, f"report_{report.when}", report)  # type: ignore[attr-defined]
    return report


@pytest.fixture(scope="module")
def keys(stack: LocalStack) -> dict[str, str]:
    """The demo town of `make up`, and a key per persona (and the admin's)."""
    return {**load_demo_data(stack.gateway_url, stack.admin_key), "admin": stack.admin_key}


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make chromium)")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, stack: LocalStack, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(
        base_url=stack.gateway_url, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(SLOW_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", request.node.name)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    context.close()


def sign_in(page: Page, key: str) -> None:
    page.goto("/")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def open_page(page: Page, link: str) -> None:
    page.get_by_role("navigation", name="Pages").get_by_role("link", name=link).click()
    expect(page.get_by_role("heading", level=1, name=link)).to_be_visible()


def serious_accessibility_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations of WCAG 2 A and AA on the page as it is."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
            const where = (v) => v.nodes.map((n) => n.target.join(" ")).join(", ");
            return result.violations
                .filter((v) => v.impact === "serious" || v.impact === "critical")
                .map((v) => `${v.id} (${v.impact}): ${v.help} at ${where(v)}`);
        }""",
        AXE_TAGS,
    )
    return list(found)
