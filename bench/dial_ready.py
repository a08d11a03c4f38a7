"""Offline "time to dial-ready": the 112-belkaart with the server stopped, in Chromium at 4x CPU slowdown.

    .venv/bin/python bench/dial_ready.py [--runs 15] [--slowdown 4]

Logs in as demo-hulpverlener in Debian's Chromium (Playwright, a 360 x 740 phone), waits until
the service worker holds the offline pages, then stops the server. Each run opens a new tab
with the CPU slowed down (CDP Emulation.setCPUThrottlingRate) and measures from the start of
the navigation to the moment a tel: button on /stappenplan/belkaart is visible, next to the
time the same service worker needs to show its minimal precached page (/offline: a heading and
a paragraph) to the first visible heading, the floor. Runs alternate between the two. The
ratio is the price of the belkaart (its page, the call table, calls.js) over the bare shell.
The throttling applies to the page; the service worker runs on its own thread at full speed.
"""
from __future__ import annotations

import argparse
import os
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PASSWORD = "bench-wachtwoord"


def live_app(directory: Path):
    from flask_migrate import upgrade

    from tests.conftest import app_config
    from webapp import create_app
    from webapp.db import db
    from webapp.demo import load_demo_data

    app = create_app(app_config(f"sqlite:///{directory}/live.sqlite", DEMO_PASSWORD=PASSWORD))
    app.instance_path = str(directory / "instance")
    with app.app_context():
        upgrade()
        load_demo_data()
        db.session.commit()
        db.session.remove()
    return app


def open_and_time(context, url: str, selector: str, slowdown: float) -> float:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.locator(selector).first.wait_for(state="visible")
        return time.perf_counter() - start
    finally:
        page.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--slowdown", type=float, default=4)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, LiveServer, log_in, wait_until_offline_ready
    from tests.pg import free_port

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = live_app(Path(tempfile.mkdtemp(prefix="vw-dial-")))
    server = LiveServer(app, free_port())
    server.start()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                      locale="nl-NL", timezone_id="Europe/Amsterdam")
        context.set_default_timeout(30_000)
        page = context.new_page()
        log_in(page, server, "demo-hulpverlener", PASSWORD)
        wait_until_offline_ready(page)
        page.goto(server.url + "/stappenplan/belkaart")  # the belkaart and its call table, online once
        page.locator('a[href^="tel:"]').first.wait_for(state="visible")
        server.stop()

        belkaart, floor = [], []
        open_and_time(context, server.url + "/offline", "h1", args.slowdown)  # warm-up, both
        open_and_time(context, server.url + "/stappenplan/belkaart", 'a[href^="tel:"]', args.slowdown)
        for _ in range(args.runs):
            belkaart.append(open_and_time(context, server.url + "/stappenplan/belkaart", 'a[href^="tel:"]', args.slowdown))
            floor.append(open_and_time(context, server.url + "/offline", "h1", args.slowdown))
        browser.close()

    def fmt(samples):
        ordered = sorted(samples)
        return (f"median {statistics.median(ordered) * 1000:6.0f} ms   "
                f"p95 {ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000:6.0f} ms")

    print("load average (1, 5, 15 min): %.1f %.1f %.1f (other work on this machine skews absolute figures; the ratios less)"
          % os.getloadavg())
    print(f"Chromium {CHROMIUM}, {args.slowdown:g}x CPU slowdown, server stopped, {args.runs} runs each (alternating)")
    print(f"belkaart: tel: button visible   {fmt(belkaart)}")
    print(f"floor: /offline heading visible {fmt(floor)}")
    print(f"ratio belkaart/floor: median {statistics.median(belkaart) / statistics.median(floor):.2f}x")


if __name__ == "__main__":
    main()
