"""One ASGI middleware for what every request goes through: the request size limit, the
Host check (DNS rebinding), the cross-site write check, and the security headers."""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marsad.api.errors import PROBLEM_TYPE, problem_body

DEFAULT_MAX_REQUEST_BYTES = 20 * 1024 * 1024

# No inline scripts or styles anywhere; every asset comes from this origin.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class BodyTooLarge(HTTPException):
    """Raised while the body is read; an HTTPException so body parsers pass it on as is."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_detail(None, limit))


def describe_bytes(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MB" if n % (1024 * 1024) == 0 else f"{n / 1048576:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


class Guard:
    def __init__(
        self,
        app: ASGIApp,
        max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
        allowed_hosts: Iterable[str] | None = None,
    ) -> None:
        self.app = app
        self.max_request_bytes = max_request_bytes
        self.allowed_hosts = {h.lower() for h in allowed_hosts} if allowed_hosts else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = _hostname(headers.get("host", ""))
        if self.allowed_hosts is not None and host not in self.allowed_hosts:
            await _problem(send, 400, f"host {host!r} is not served here (loopback only)")
            return
        if scope["method"] in UNSAFE_METHODS and _cross_site(headers):
            await _problem(send, 403, "cross-site requests may not change the store")
            return
        limit = self.max_request_bytes
        length = headers.get("content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await _problem(send, 400, "invalid Content-Length header")
                return
            if declared > limit:
                await _too_large(send, declared, limit)
                return

        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def secure_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message.setdefault("headers", [])
                present = {k.lower() for k, _ in message["headers"]}
                message["headers"] = list(message["headers"]) + [
                    (k, v) for k, v in SECURITY_HEADERS if k not in present
                ]
            await send(message)

        try:
            await self.app(scope, limited_receive, secure_send)
        except BodyTooLarge:
            if not started:
                await _too_large(send, None, limit)


def _hostname(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _cross_site(headers: dict[str, str]) -> bool:
    """A write sent by a page of another site (CSRF). Browsers say so in Sec-Fetch-Site;
    without it, the Origin header is compared with Host. Clients that send neither (curl,
    scripts) are not browsers acting for someone else."""
    site = headers.get("sec-fetch-site")
    if site:
        return site not in ("same-origin", "none")
    origin = headers.get("origin")
    if not origin:
        return False
    if origin == "null":
        return True
    netloc = origin.split("://", 1)[-1].rstrip("/").lower()
    return netloc != headers.get("host", "").lower()


def too_large_detail(size: int | None, limit: int) -> str:
    what = f"request body of {describe_bytes(size)}" if size else "request body"
    return f"{what} exceeds the limit of {describe_bytes(limit)}; send fewer or smaller files"


async def _too_large(send: Send, size: int | None, limit: int) -> None:
    await _problem(send, 413, too_large_detail(size, limit), limit=limit)


async def _problem(send: Send, status: int, detail: str, **extra) -> None:
    body = json.dumps(problem_body(status, detail, **extra), ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
