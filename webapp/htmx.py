"""Small helpers for htmx requests: page or fragment is chosen by the HX-Request header."""
from __future__ import annotations

from flask import make_response, redirect, render_template, request, url_for


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def render_page_or_partial(page: str, partial: str, status: int = 200, **context):
    """The full page for a normal request, the fragment for htmx; one URL serves both, so Vary."""
    template = partial if is_htmx() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def redirect_or_swap(endpoint: str, **values):
    """After a successful POST: htmx follows HX-Location, a plain form a 303."""
    url = url_for(endpoint, **values)
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Location"] = url
        return response
    return redirect(url, code=303)


def login_redirect(login_url: str):
    """An expired session on an htmx request: send the whole page to login, not into a fragment."""
    if is_htmx():
        response = make_response("", 401)
        response.headers["HX-Redirect"] = login_url
        return response
    return redirect(login_url)
