"""What the dashboard's server lets in (issue 16), applied when the app loads in the server.

- **Front-end files**: Solara's asset proxy (`/_solara/cdn/<pkg>@<ver>/...`) serves the files
  that setup put in its cache (dashboards/assets.py) and nothing else: an uncached path is a
  404 at once. Solara would fetch it from a public CDN while the request waits (7 s a
  request offline; 60 at once stalled the whole server).
- **Diagnostics**: Solara's `/resourcez` (threads, memory, sessions) answers only requests from
  this machine (a reverse proxy on the same machine counts as this machine).
- **Facilitator code**: a server listening beyond this machine refuses to start with the
  default facilitator code (`belonging dashboard` makes up a code and prints it instead).
"""

from __future__ import annotations

import ipaddress
import os
import sys

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def is_local(host: str | None) -> bool:
    """True for this machine's loopback addresses (what the server listens on, or a client)."""
    if not host:
        return False
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class NotCached(FileNotFoundError):
    """An asset path that is not in the local cache: never fetched from the internet."""


def no_fetch(url) -> bytes:
    raise NotCached(f"not in the dashboard's asset cache (never fetched at request time): {url}")


def guard_local(endpoint):
    """An endpoint that answers requests from this machine only (403 otherwise)."""
    from starlette.responses import PlainTextResponse

    async def local_only(request):
        client = request.client.host if request.client else None
        if not is_local(client):
            return PlainTextResponse("diagnostics are served to this machine only\n", status_code=403)
        return await endpoint(request)
    local_only.__wrapped__ = endpoint
    return local_only


def harden_server() -> None:
    """Patch the running Solara server (idempotent); called by dashboards/app.py."""
    from solara.server import cdn_helper
    cdn_helper.fetch_from_cdn = no_fetch
    if "solara.server.starlette" in sys.modules:          # not under `solara.render` in tests
        from starlette.routing import Route, request_response
        routes = sys.modules["solara.server.starlette"].routes
        for route in routes:
            if isinstance(route, Route) and route.path == "/resourcez" and not hasattr(route.endpoint, "__wrapped__"):
                route.endpoint = guard_local(route.endpoint)
                route.app = request_response(route.endpoint)
    check_facilitator_code(os.environ.get("SERVER_NAME"))


def check_facilitator_code(host: str | None) -> None:
    """Refuse to serve beyond this machine with the default facilitator code."""
    from .workshop.classroom import DEFAULT_CODE, facilitator_code
    if host and not is_local(host) and facilitator_code() == DEFAULT_CODE:
        raise SystemExit(
            f"belonging dashboard: refusing to serve on {host} with the default facilitator code "
            f"{DEFAULT_CODE!r} (published in the README): set BELONGING_FACILITATOR_CODE, or start the "
            "server with `belonging dashboard`, which makes up a code and prints it")
