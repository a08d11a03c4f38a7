"""Page weight: the compressed bytes needed to open the app and each main screen.

    .venv/bin/python bench/page_weight.py

For each screen: its HTML plus every stylesheet and script the page loads (each counted once
per page, as for a phone that has nothing cached), each gzip-compressed at level 6 as the
shipped nginx sends them (deploy/nginx/veldwijzer.conf: gzip_comp_level 6). The critical path
is HTML + CSS + JS; the JavaScript is also counted on its own. Budgets: 60 KB critical path,
25 KB JavaScript (1 KB = 1000 bytes). Scripts a page loads only after it has loaded
(`data-later` on app.js: the hulpverlener's background scripts on the flow pages) are not
needed to open the screen; they are shown in their own column, "later". tests/test_page_weight.py checks the same table in
`make test`. HTTP headers and the service worker's background precache are not counted.
"""
from __future__ import annotations

import gzip
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

KB = 1000
CRITICAL_BUDGET = 60 * KB
JS_BUDGET = 25 * KB
GZIP_LEVEL = 6

# (screen, user or None, URL or a function of the demo world giving the URL)
SCREENS = [
    ("login", None, "/login"),
    ("home", "demo-hulpverlener", "/"),
    ("stappenplan", "demo-hulpverlener", "/stappenplan/"),
    ("uitkomst: bel 112", "demo-hulpverlener", "/stappenplan/politie-inschakelen/bel-112"),
    ("112-belkaart", "demo-hulpverlener", "/stappenplan/belkaart"),
    ("contacten", "demo-hulpverlener", "/contacten/"),
    ("cliënten", "demo-hulpverlener", "/clienten/"),
    ("cliënt: Sam de Vries", "demo-hulpverlener", "client:Sam de Vries"),
    ("notities", "demo-hulpverlener", "/notities/"),
    ("home (wijkagent)", "demo-wijkagent", "/"),
    ("AOP opzoeken (wijkagent)", "demo-wijkagent", "/aop/"),
]


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.css, self.js, self.later = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").split() and a.get("href"):
            self.css.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.js.append(a["src"])
            self.later.extend((a.get("data-later") or "").split())


def compressed(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


@dataclass
class Weight:
    screen: str
    url: str
    html: int
    css: int
    js: int
    scripts: list[str] = field(default_factory=list)
    later: int = 0

    @property
    def critical(self) -> int:
        return self.html + self.css + self.js


def weigh(client, screen: str, url: str) -> Weight:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    html = response.get_data()
    parser = _Assets()
    parser.feed(html.decode())

    def total(urls):
        size = 0
        for asset in dict.fromkeys(urls):  # each asset once per page
            r = client.get(asset)
            assert r.status_code == 200, f"{asset}: {r.status_code}"
            size += compressed(r.get_data())
            r.close()
        return size

    return Weight(screen, url, compressed(html), total(parser.css), total(parser.js),
                  [s.split("?")[0].rsplit("/", 1)[-1] for s in parser.js],
                  total([u for u in parser.later if u not in parser.js]))


def measure(app, password: str, clients_by_name: dict[str, str]) -> list[Weight]:
    """Every screen of SCREENS, each as its user; `clients_by_name` maps a demo client to its public id."""
    rows, sessions = [], {}
    for screen, username, url in SCREENS:
        if url.startswith("client:"):
            url = f"/clienten/{clients_by_name[url.split(':', 1)[1]]}"
        if username not in sessions:
            client = app.test_client()
            if username:
                from tests.conftest import csrf_token_from

                token = csrf_token_from(client.get("/login").text)
                assert client.post("/login", data={"username": username, "password": password,
                                                   "csrf_token": token}).status_code == 302
            sessions[username] = client
        rows.append(weigh(sessions[username], screen, url))
    return rows


def table(rows: list[Weight]) -> str:
    def kb(n):
        return f"{n / KB:6.1f}"

    lines = [f"{'screen':<26} {'HTML':>6} {'CSS':>6} {'JS':>6} {'total':>6} {'later':>6}   (KB gzip -{GZIP_LEVEL}; "
             f"budget: total {CRITICAL_BUDGET // KB}, JS {JS_BUDGET // KB})"]
    for r in rows:
        flag = "  OVER BUDGET" if r.critical > CRITICAL_BUDGET or r.js > JS_BUDGET else ""
        lines.append(f"{r.screen:<26} {kb(r.html)} {kb(r.css)} {kb(r.js)} {kb(r.critical)} {kb(r.later)}{flag}")
        lines.append(f"{'':<26} scripts: {', '.join(r.scripts) or '-'}")
    worst = max(rows, key=lambda r: r.critical)
    worst_js = max(rows, key=lambda r: r.js)
    lines.append(f"heaviest: {worst.screen} {worst.critical / CRITICAL_BUDGET:.0%} of the critical-path budget; "
                 f"most JavaScript: {worst_js.screen} {worst_js.js / JS_BUDGET:.0%} of the JS budget")
    return "\n".join(lines)


def main():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from _common import make_app

    app = make_app()
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        from webapp.clients.models import Client
        from webapp.db import db
        from webapp.demo import load_demo_data

        load_demo_data()
        db.session.commit()
        clients = {c.name: c.public_id for c in db.session.scalars(db.select(Client))}
    print(table(measure(app, "bench-wachtwoord", clients)))


if __name__ == "__main__":
    main()
