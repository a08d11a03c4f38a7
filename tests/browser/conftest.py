"""Browser tests: Debian's Chromium driven by Playwright, against the app served on 127.0.0.1.

The server runs in a thread of the test process and can be stopped and started again on the
same port, so the service worker (tied to the origin) meets a real "no server" situation.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.conftest import DEMO_PASSWORD, ROOT, app_config
from tests.pg import free_port

CHROMIUM = os.environ.get("VELDWIJZER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
PHONE = {"width": 360, "height": 740}
ARTIFACTS = ROOT / "test-artifacts"


class LiveServer:
    def __init__(self, app, port):
        self.app = app
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._server = None
        self._thread = None

    def start(self):
        assert self._server is None, "already running"
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=10)
            self._server = self._thread = None

    @property
    def running(self):
        return self._server is not None


@pytest.fixture
def live_app(tmp_path):
    """A fresh app with its own SQLite database, migrated and filled with the demo data."""
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.demo import load_demo_data

    app = create_app(app_config(f"sqlite:///{tmp_path}/live.sqlite"))
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        upgrade()
        load_demo_data()
        from webapp.db import db

        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        from webapp.db import db

        db.engine.dispose()


@pytest.fixture
def live_server(live_app):
    server = LiveServer(live_app, free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing; `make test` installs Debian's chromium package")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="nl-NL", timezone_id="Europe/Amsterdam")
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, server, username, password=DEMO_PASSWORD):
    page.goto(server.url + "/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    # A request of the previous user's service worker can still start a new anonymous session
    # after a test cleared the cookies; the app then hands the form back ("Het inlogformulier was
    # verlopen", the username kept) and the person types the password again, as a user would.
    expired = page.get_by_text("Het inlogformulier was verlopen. Vul je wachtwoord opnieuw in.")
    home = page.get_by_role("navigation", name="Hoofdmenu")
    expect(home.or_(expired)).to_be_visible(timeout=15_000)
    if expired.is_visible():
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(server.url + "/")


def wait_for(page, expression: str, timeout: float = 15.0):
    """Poll a JavaScript expression until it is true. (Playwright's wait_for_function compiles
    its predicate with eval, which the app's Content Security Policy rightly refuses.)"""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        page.wait_for_timeout(100)


def wait_for_service_worker(page):
    """Until the service worker has installed (shell precached) and controls this page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
    wait_for(page, "navigator.serviceWorker.controller !== null")


def wait_until_offline_ready(page):
    """Until the service worker has fetched this user's offline pages (flows, contacts, call table)."""
    wait_for_service_worker(page)
    wait_for(page, "document.documentElement.dataset.offlineReady === 'true'", timeout=30)


PIN = "246810"


def set_up_pin(page, pin: str = PIN):
    """The PIN that seals the personal data on the phone (asked once, after the first login)."""
    page.get_by_role("textbox", name="Pincode", exact=True).fill(pin)
    page.get_by_role("textbox", name="Nog een keer").fill(pin)
    page.get_by_role("button", name="Pincode instellen").click()
    wait_for(page, "document.documentElement.dataset.vault === 'open'", timeout=30)


def open_sam_ready_for_offline(page, server) -> str:
    """Log in as demo-hulpverlener with a PIN, open Sam de Vries, and wait until the phone holds
    what it needs offline (the kept pages and the sealed caseload). Returns Sam's address."""
    log_in(page, server, "demo-hulpverlener")
    set_up_pin(page)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Cliënten").click()
    page.get_by_role("link", name="Sam de Vries").click()
    wait_until_offline_ready(page)
    wait_for(page, "document.documentElement.dataset.caseloadReady === 'true'")
    return page.url
