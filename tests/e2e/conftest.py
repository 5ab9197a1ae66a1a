"""Browser journeys: a live portal on a free port, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from portal.demo.operations import load_demo
from portal.extensions import db
from portal.jobs import queue
from portal.workbench.operations import scan
from tests.conftest import make_app
from tests.serving import serving

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium (Playwright cannot download its own here), quiet on a closed network."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    }


PATIENCE_MS = 180_000


@pytest.fixture(scope="session", autouse=True)
def patient_browser() -> Iterator[None]:
    """Steps wait for what they expect, not for a clock: on a machine whose cores are busy with other
    work a page or an evidence pack may take many times its usual time. Playwright's defaults (5 s
    for an expectation, 30 s for an action or a download) made such runs fail; the bound stays only
    so that a real hang still ends the run."""
    expect.set_options(timeout=PATIENCE_MS)
    original = Browser.new_context

    def new_context(self: Browser, *args: Any, **kwargs: Any) -> BrowserContext:
        context = original(self, *args, **kwargs)
        context.set_default_timeout(PATIENCE_MS)
        context.set_default_navigation_timeout(PATIENCE_MS)
        return context

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Browser, "new_context", new_context)
        yield
    expect.set_options(timeout=5_000)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal with the demo company, on SQLite, served by Werkzeug in a background thread."""
    folder = tmp_path_factory.mktemp("e2e")
    app = make_app(f"sqlite:///{folder / 'portal.sqlite3'}", LOGIN_RATE_LIMIT="1000 per minute", JOBS_IMMEDIATE=False,
                   JOBS_SQLITE_PATH=str(folder / "jobs.sqlite3"),
                   LESSON_READING_SCALE=0)  # journeys click through; the web tests time the reading
    with app.app_context():
        db.create_all()
        load_demo(date.today())
        scan(date.today())  # the workbench's alerts, as `make run` does with `flask risks scan`
        db.session.remove()
    # Background jobs (evidence packs) run in a worker beside the server, as with `make run`.
    worker = queue.create_consumer(workers=1, worker_type="thread", periodic=False)
    worker.start()
    try:
        with serving(app) as url:
            yield url
    finally:
        worker.stop(graceful=True)
        queue.immediate = True


def _context(browser: Browser, javascript: bool, locale: str) -> BrowserContext:
    return browser.new_context(viewport=PHONE, java_script_enabled=javascript, locale=locale,
                               is_mobile=True, has_touch=True)


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def phone(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    """A phone-sized page in Chinese, with JavaScript on and off."""
    context = _context(browser, request.param, "zh-CN")
    page = context.new_page()
    page.javascript = request.param  # type: ignore[attr-defined]
    yield page
    context.close()


def screenshot(page: Page, name: str) -> None:
    """Saved for the README's tour when PORTAL_SCREENSHOTS names a folder (make screenshots)."""
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    if folder and getattr(page, "javascript", True):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def menu(page: Page) -> Locator:
    """The main navigation, opening the phone menu (a <details>) first when it is closed."""
    page.wait_for_load_state("load")  # the stylesheet applied: it hides the menu's button on a wide screen
    summary = page.locator("details.menu > summary")
    if summary.is_visible() and page.locator("details.menu[open]").count() == 0:
        summary.click()
    return page.get_by_role("navigation", name="主导航")
