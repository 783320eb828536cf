"""The FastAPI application: the web app and the REST API over one SQLite store."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from marsad import __version__
from marsad.api.errors import install_handlers
from marsad.api.guard import DEFAULT_MAX_REQUEST_BYTES, Guard
from marsad.api.render import error_page
from marsad.api.state import AppState

DESCRIPTION = (
    "marsad compares Arabic news reports across outlets: what they agree on, what only one "
    "says, where they contradict each other and where a contradiction is a change over time. "
    "Errors are `application/problem+json` (type, title, status, detail). Lists are paginated "
    "with `limit` (1-100) and `offset`, and give `total` and a `next` link."
)


def create_app(
    db_path: Path,
    *,
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
    allowed_hosts: Iterable[str] | None = None,
    warm_briefs: bool = False,
) -> FastAPI:
    """The app over the store at ``db_path`` (created if absent).

    ``max_request_bytes`` bounds every request body (413 beyond it); ``allowed_hosts``, when
    given, is the set of Host header names served (``serve`` passes the loopback names, which
    defeats DNS rebinding). ``warm_briefs`` computes the newest stories' briefs in a
    background thread at start-up and after each ingest (``serve`` turns it on).
    """
    state = AppState.open(Path(db_path), max_request_bytes, warm=warm_briefs)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        state.warm_briefs()
        yield
        state.close()

    app = FastAPI(
        title="marsad",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN; nothing external here
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.marsad = state
    install_handlers(app, error_page)

    from marsad.api import routes_api, routes_web

    app.include_router(routes_api.router)
    app.include_router(routes_web.router)
    app.mount("/static", StaticFiles(packages=[("marsad.web", "static")]), name="static")
    app.add_middleware(Guard, max_request_bytes=max_request_bytes, allowed_hosts=allowed_hosts)
    return app
