"""``marsad serve``: the app on uvicorn, on a loopback address unless asked otherwise."""

from __future__ import annotations

import ipaddress
from pathlib import Path

LOOPBACK_NAMES = ("localhost",)


class ServeError(Exception):
    """The server cannot start; the message is one line meant for the user."""


def is_loopback(host: str) -> bool:
    host = host.strip().strip("[]")
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_host_headers(host: str, port: int) -> set[str]:
    """Host header names a loopback server answers to."""
    names = {"localhost", "127.0.0.1", "[::1]", host.lower()}
    if ":" in host and not host.startswith("["):
        names.add(f"[{host.lower()}]")
    return names


def serve(host: str, port: int, db_path: Path, allow_remote: bool) -> None:
    """Run the web app and the API on ``host:port`` until interrupted.

    A host that is not a loopback address is refused (``ServeError``) unless
    ``allow_remote``: the app has no authentication, and anyone who reaches it can read
    and add reports.
    """
    import uvicorn

    from marsad.api.app import create_app
    from marsad.store import StoreError

    remote = not is_loopback(host)
    if remote and not allow_remote:
        raise ServeError(
            f"refusing to listen on {host}: it is not a loopback address and the app has no "
            "authentication; use 127.0.0.1, or pass --allow-remote to expose it on purpose"
        )
    if not 0 < port < 65536:
        raise ServeError(f"port {port} is out of range (1-65535)")
    try:
        app = create_app(
            Path(db_path),
            allowed_hosts=None if remote else allowed_host_headers(host, port),
            warm_briefs=True,
        )
    except StoreError as e:
        raise ServeError(str(e)) from None
    shown = f"[{host}]" if ":" in host else host
    print(f"marsad: serving {db_path} on http://{shown}:{port}/ (API: /api/v1, Ctrl+C to stop)")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
    except OSError as e:
        raise ServeError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
