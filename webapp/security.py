"""Security headers on every response."""
from __future__ import annotations

from flask import request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

# Marks a page the service worker may keep for offline use: it holds no special-category data.
OFFLINE_HEADER = "Veldwijzer-Offline"


def register_security_headers(app) -> None:
    production = app.config["PRODUCTION"]

    @app.after_request
    def set_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        h.setdefault("X-Content-Type-Options", "nosniff")
        # Same-origin, not no-referrer: over HTTPS Flask-WTF checks that a POST's Referer is this
        # host, so with no-referrer every form in production failed with 400. Other sites still get none.
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
        if production:
            h.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        if request.endpoint == "static" and request.args.get("v"):
            # Versioned URL: the content never changes under it.
            h["Cache-Control"] = "public, max-age=31536000, immutable"
        elif request.endpoint != "static" and "Cache-Control" not in h:
            # Pages may hold personal data; the browser's HTTP cache keeps none of it.
            h["Cache-Control"] = "no-store"
        return response
