"""Browser journeys: a live portal on a free port, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from werkzeug.serving import make_server

from portal.demo.operations import load_demo
from portal.extensions import db
from portal.workbench.operations import scan
from tests.conftest import make_app

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


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal with the demo company, on SQLite, served by Werkzeug in a background thread."""
    database = tmp_path_factory.mktemp("e2e") / "portal.sqlite3"
    app = make_app(f"sqlite:///{database}", LOGIN_RATE_LIMIT="1000 per minute", JOBS_IMMEDIATE=False)
    with app.app_context():
        db.create_all()
        load_demo(date.today())
        scan(date.today())  # the workbench's alerts, as `make run` does with `flask risks scan`
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


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
