"""The page-weight budget: 60 KB (gzip) to open each main screen, of which at most 25 KB JavaScript.

The table (bench/page_weight.py measures it the same way) is printed after the run.
"""
from __future__ import annotations

import re
import sys

import pytest

from tests.conftest import DEMO_PASSWORD, ROOT, report
from tests.routes import ROUTES, ROLES

sys.path.insert(0, str(ROOT / "bench"))
import page_weight  # noqa: E402  (bench/page_weight.py: the benchmark prints the same table)

HTMX_ELEMENT = re.compile(r"<[^>]+\shx-(get|post|put|patch|delete)=")
HTMX_SCRIPT = re.compile(r'<script src="/static/vendor/htmx\.min\.js')


def test_every_main_screen_keeps_to_the_budget(app, demo, request):
    rows = page_weight.measure(app, DEMO_PASSWORD, {name: c.public_id for name, c in demo.clients.items()})
    if request.node.callspec.params.get("database_kind") == "sqlite" or len(request.config.getoption("--databases").split(",")) == 1:
        report(request.config, "page weight (bench/page_weight.py)", page_weight.table(rows))
    assert {r.screen for r in rows} == {s[0] for s in page_weight.SCREENS}
    for r in rows:
        assert r.html > 500 and r.css > 1000 and r.js > 1000, f"{r.screen}: nothing measured?"
        assert r.critical <= page_weight.CRITICAL_BUDGET, f"{r.screen}: {r.critical} bytes on the critical path"
        assert r.js <= page_weight.JS_BUDGET, f"{r.screen}: {r.js} bytes of JavaScript ({', '.join(r.scripts)})"
        # What a page loads later is still bounded: no screen may hide a heavy script there.
        assert r.js + r.later <= 2 * page_weight.JS_BUDGET, f"{r.screen}: {r.js + r.later} bytes of JavaScript in all"


def test_the_flows_open_with_htmx_and_load_the_background_later(app, demo):
    """An outcome opens with htmx and the call-table script; the hulpverlener's background
    scripts (store, outbox, sync status) come after the page has loaded."""
    rows = {r.screen: r for r in page_weight.measure(app, DEMO_PASSWORD, {n: c.public_id for n, c in demo.clients.items()})}
    outcome = rows["uitkomst: bel 112"]
    assert outcome.scripts == ["htmx.min.js", "app.js", "calls.js"]
    assert outcome.later > 5000  # measured, not just absent
    assert rows["cliënt: Sam de Vries"].later == 0  # a page with forms that write to the phone loads them at once


def test_the_measurement_counts_what_the_page_loads(app, demo):
    """The budget test can fail: a page's scripts are found and counted once, compressed."""
    client = app.test_client()
    weight = page_weight.weigh(client, "login", "/login")
    assert weight.scripts == ["app.js", "calls.js"]
    urls = re.findall(r'<script src="/static/([^"?]+)\?v=', client.get("/login").text)
    served = [(ROOT / "webapp" / "static" / u).read_bytes() for u in urls]
    assert weight.js == sum(page_weight.compressed(b) for b in served)
    assert page_weight.compressed(served[0]) < len(served[0]) / 2


def test_scripts_are_served_minified_until_their_source_changes(app, tmp_path):
    """`make assets` minifies js/ into min/ with the source's hash beside each copy; a script
    edited since is served as it is, never a stale copy."""
    from webapp.assets import file_hash, static_url

    with app.test_request_context():
        assert static_url("js/app.js").startswith("/static/min/js/app.js?v="), "run `make assets`"
        assert static_url("css/app.css").startswith("/static/css/app.css?v=")
    (tmp_path / "js").mkdir()
    (tmp_path / "min" / "js").mkdir(parents=True)
    source = tmp_path / "js" / "x.js"
    source.write_text("var answer = 42;  // the source\n")
    (tmp_path / "min" / "js" / "x.js").write_text("var answer=42;")
    (tmp_path / "min" / "js" / "x.js.source").write_text(file_hash(source) + "\n")
    original, app.static_folder = app.static_folder, str(tmp_path)
    try:
        with app.test_request_context():
            assert static_url("js/x.js").startswith("/static/min/js/x.js?v=")
            source.write_text("var answer = 43;  // edited after make assets\n")
            import os

            os.utime(source, (1, 1))  # a new mtime, as an editor leaves it
            assert static_url("js/x.js").startswith("/static/js/x.js?v=")
    finally:
        app.static_folder = original


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_every_page_with_htmx_elements_loads_htmx(app, demo, login_as, role):
    """htmx is loaded only by pages that set uses_htmx; one that forgot would silently lose its
    enhancements (the links and forms still work, as plain ones)."""
    client = login_as(demo.user({"hulpverlener": "demo-hulpverlener", "wijkagent": "demo-wijkagent",
                                 "coordinator": "demo-coordinator"}[role]))
    seen = 0
    for route in ROUTES:
        if route.method != "GET" or route.endpoint in ("static", "shell.service_worker"):
            continue
        response = client.get(route.url_for(demo))
        if response.status_code == 200 and response.mimetype == "text/html":
            html = response.text
            assert bool(HTMX_ELEMENT.search(html)) == bool(HTMX_SCRIPT.search(html)), f"{route.endpoint} as {role}"
            seen += 1
    assert seen > 5
