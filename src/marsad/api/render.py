"""Server-rendered pages: Jinja2 with autoescape on, the ar/en words, the language cookie."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined

from marsad.api.i18n import DEFAULT_LANG, LANG_COOKIE, STRINGS, pick_lang, type_label

COOKIE_AGE = 365 * 24 * 3600
NAV = (
    ("stories", "/", "nav_stories"),
    ("entities", "/entities", "nav_entities"),
    ("search", "/search", "nav_search"),
    ("compare", "/compare", "nav_compare"),
    ("ingest", "/ingest", "nav_ingest"),
)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("marsad.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = lambda s, **kw: s.format(**kw)
    env.globals["type_label"] = type_label
    return env


def request_lang(request: Request) -> str:
    return (
        pick_lang(request.query_params.get("lang"))
        or pick_lang(request.cookies.get(LANG_COOKIE))
        or DEFAULT_LANG
    )


def url_with(request: Request, **changes: Any) -> str:
    """This page's path and query with some parameters changed (None removes one)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    params += [(k, str(v)) for k, v in changes.items() if v is not None and v != ""]
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


def page(
    request: Request, template: str, status: int = 200, section: str = "", **context: Any
) -> HTMLResponse:
    lang = request_lang(request)
    other = "en" if lang == "ar" else "ar"
    html = (
        environment()
        .get_template(template)
        .render(
            lang=lang,
            dir="rtl" if lang == "ar" else "ltr",
            t=STRINGS[lang],
            nav=NAV,
            section=section,
            switch_url=url_with(request, lang=other),
            url_with=lambda **kw: url_with(request, **kw),
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status)
    chosen = pick_lang(request.query_params.get("lang"))
    if chosen and chosen != request.cookies.get(LANG_COOKIE):
        response.set_cookie(LANG_COOKIE, chosen, max_age=COOKIE_AGE, samesite="lax", httponly=True)
    return response


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return page(request, "error.html.j2", status=status, status_code=status, message=message)
