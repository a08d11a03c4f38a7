"""The app behind the shipped nginx: TLS ends at nginx, which tells the app with X-Forwarded-Proto."""
from __future__ import annotations

from tests.conftest import DEMO_PASSWORD, csrf_token_from

HTTPS = "https://veldwijzer.test"
BROWSER_SENDS_SAME_ORIGIN_REFERER = {"same-origin", "origin", "strict-origin", "strict-origin-when-cross-origin",
                                     "origin-when-cross-origin", "no-referrer-when-downgrade", "unsafe-url"}


def test_a_browser_can_log_in_over_https(client, demo):
    """Over HTTPS, Flask-WTF also demands a same-origin Referer on every POST. A browser sends
    one only if the page's Referrer-Policy allows it; with no-referrer every login failed (400)."""
    page = client.get("/login", base_url=HTTPS)
    headers = {}
    if page.headers["Referrer-Policy"] in BROWSER_SENDS_SAME_ORIGIN_REFERER:
        headers["Referer"] = f"{HTTPS}/login"
    response = client.post("/login", base_url=HTTPS, headers=headers, data={
        "username": "demo-hulpverlener", "password": DEMO_PASSWORD, "csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 302, response.text[:300]
    assert response.headers["Location"] == "/"


def test_a_post_from_another_site_is_refused_over_https(client, demo):
    page = client.get("/login", base_url=HTTPS)
    response = client.post("/login", base_url=HTTPS, headers={"Referer": "https://elders.example/login"}, data={
        "username": "demo-hulpverlener", "password": DEMO_PASSWORD, "csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 400
