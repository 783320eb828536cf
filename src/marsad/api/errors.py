"""Errors as RFC 9457 problem details (``application/problem+json``) for the API, and as
HTML pages for the web app. Never a traceback: unexpected errors are logged, not shown."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("marsad.api")

PROBLEM_TYPE = "application/problem+json"

# status -> (slug, title)
TITLES: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("too-large", "Request too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("invalid-input", "Invalid input"),
    500: ("internal-error", "Internal server error"),
    503: ("unavailable", "Service unavailable"),
}


class Problem(Exception):
    """An error to report to the client, with a one-line ``detail`` and optional extensions."""

    def __init__(self, status: int, detail: str, title: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or TITLES.get(status, ("error", "Error"))[1]
        self.extra = extra


def problem_body(status: int, detail: str, title: str | None = None, **extra: Any) -> dict:
    slug, default_title = TITLES.get(status, ("error", "Error"))
    return {
        "type": f"urn:marsad:problem:{slug}",
        "title": title or default_title,
        "status": status,
        "detail": detail,
        **extra,
    }


def problem_response(
    status: int, detail: str, title: str | None = None, headers: dict | None = None, **extra: Any
) -> JSONResponse:
    return JSONResponse(
        problem_body(status, detail, title, **extra),
        status_code=status,
        media_type=PROBLEM_TYPE,
        headers=headers,
    )


def field_name(loc: tuple | list) -> str:
    """``("query", "limit")`` -> ``limit``; ``("body", "documents", 0, "text")`` ->
    ``documents[0].text``."""
    parts = list(loc)
    if parts and parts[0] in ("query", "path", "body", "header", "cookie"):
        parts = parts[1:]
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(request body)"


def validation_problems(errors: list[dict]) -> list[dict[str, str]]:
    out = []
    for e in errors:
        field = field_name(e.get("loc", ()))
        message = str(e.get("msg", "invalid value"))
        if "input" in e and e.get("type") not in ("missing",) and _short(e["input"]):
            message += f" (got {e['input']!r})"
        out.append({"field": field, "message": message})
    return out


def _short(value: Any) -> bool:
    return isinstance(value, (int, float, bool)) or (isinstance(value, str) and len(value) <= 80)


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def install_handlers(app: FastAPI, html_error) -> None:
    """``html_error(request, status, message) -> Response`` renders errors of web pages."""

    async def on_problem(request: Request, exc: Problem) -> Response:
        if _wants_html(request):
            return html_error(request, exc.status, exc.detail)
        return problem_response(exc.status, exc.detail, exc.title, **exc.extra)

    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such page or endpoint: {request.url.path}"
        if exc.status_code == 405 and detail == "Method Not Allowed":
            detail = f"{request.method} is not allowed on {request.url.path}"
        if _wants_html(request):
            return html_error(request, exc.status_code, detail)
        return problem_response(exc.status_code, detail, headers=getattr(exc, "headers", None))

    async def on_validation(request: Request, exc: RequestValidationError) -> Response:
        problems = validation_problems(list(exc.errors()))
        detail = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:5])
        if _wants_html(request):
            return html_error(request, 422, detail)
        return problem_response(422, detail, errors=problems)

    async def on_error(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        detail = "an unexpected error occurred; it has been logged on the server"
        if _wants_html(request):
            return html_error(request, 500, detail)
        return problem_response(500, detail)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Exception, on_error)
