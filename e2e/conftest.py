"""Browser journeys: Playwright (Python) driving Debian's chromium against the live test server.

Fixtures: `page` (a fresh browser page), `live_url`, `demo` (the standing personas, created in the
live server's database), `sign_in(page, username)`, `axe_check(page)`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("SAFEHARBOR_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-first-run",
]


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.fspath)).resolve().parent == here:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Debian chromium is required for browser journeys ({CHROMIUM}); apt-get install chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
    # browser steps are still synchronous and safe. Set only while browsers run, so no subprocess
    # started by another test (e.g. the deploy check) inherits it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # bypass_csp lets the test inject axe-core; the app's own pages still send their CSP header.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def live_url(live_server: Any) -> str:
    return str(live_server.url)


@pytest.fixture
def demo(transactional_db: Any) -> Any:
    from conftest import make_personas

    return make_personas()


@pytest.fixture
def sign_in(live_url: str) -> Any:
    """Sign in through the real form (and the second factor when the account has one)."""
    from safeharbor.core.testing.factories import TEST_PASSWORD

    def _sign_in(page: Any, username: str, password: str = TEST_PASSWORD) -> None:
        page.goto(f"{live_url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("networkidle")
        from safeharbor.core.testing.mfa import complete_second_factor

        complete_second_factor(page, username)
        assert "/accounts/login/" not in page.url, f"sign-in failed for {username}"

    return _sign_in


@pytest.fixture
def axe_check() -> Any:
    """Run axe-core on the page; fail on serious or critical violations."""

    def _check(page: Any, *, context: str = "") -> list[dict[str, Any]]:
        if not AXE_JS.exists():
            pytest.fail("axe-core is missing: run `make install` (npm ci)")
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations'],"
            " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
        bad = [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]
        summary = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in bad]
        assert not bad, f"axe found serious/critical violations {context}: {summary}"
        return result["violations"]

    return _check
