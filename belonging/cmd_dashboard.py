"""`belonging dashboard [--port P] [--host H] [--max-citizens N] [--max-weeks W]`: serve the planner
dashboard (Solara, production mode).

Beyond this machine (`--host 0.0.0.0`) the default facilitator code is never used: without
$BELONGING_FACILITATOR_CODE a random code is made up and printed at start.
"""

from __future__ import annotations

import os
import secrets
import socket
import sys
from pathlib import Path

CULL_TIMEOUT = "2m"      # how long a disconnected session waits to be resumed (Solara's default: 24 h)


def add_parser(sub):
    p = sub.add_parser("dashboard", help="serve the planner dashboard in the browser (Solara)")
    p.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; 0.0.0.0 to let other machines in)")
    p.add_argument("--results", metavar="DIR",
                   help="result store whose finished sweeps the Sensitivity page lists "
                        "(default $BELONGING_RESULTS_DIR or ./results)")
    p.add_argument("--max-citizens", type=int, metavar="N",
                   help="largest population a page may ask for (default 20,000, or "
                        "$BELONGING_DASHBOARD_MAX_CITIZENS)")
    p.add_argument("--max-weeks", type=int, metavar="W",
                   help="longest run a page may ask for (default 104, or $BELONGING_DASHBOARD_MAX_WEEKS)")
    return p


def facilitator_env(host: str, env: dict) -> list[str]:
    """Set up the facilitator code in `env` for a server on `host`; the lines to print at start.

    On this machine the default code is kept, with a warning; beyond it, a code the operator
    did not choose is made up (secrets.token_urlsafe) and printed."""
    from dashboards.hardening import is_local
    from dashboards.workshop.classroom import DEFAULT_CODE
    code = env.get("BELONGING_FACILITATOR_CODE") or ""
    if code and code != DEFAULT_CODE:
        return []
    if is_local(host):
        return [f"belonging dashboard: warning: the workshop's facilitator code is the default {DEFAULT_CODE!r}; "
                "set BELONGING_FACILITATOR_CODE before serving a workshop to other machines"]
    code = secrets.token_urlsafe(9)
    env["BELONGING_FACILITATOR_CODE"] = code
    return [f"belonging dashboard: warning: serving on {host} without BELONGING_FACILITATOR_CODE "
            f"(or with the published default): the facilitator code for this server is {code}"]


def app_path() -> Path:
    """dashboards/app.py of the installed package (works from any working directory)."""
    import dashboards
    return Path(dashboards.__file__).resolve().parent / "app.py"


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def run(args) -> int:
    if not 1 <= args.port <= 65535:
        print(f"belonging dashboard: --port {args.port}: a port is 1-65535", file=sys.stderr)
        return 2
    try:
        free = port_free(args.host, args.port)
    except (OSError, socket.gaierror) as exc:
        print(f"belonging dashboard: --host {args.host!r}: cannot listen there ({exc})", file=sys.stderr)
        return 2
    if not free:
        print(f"belonging dashboard: port {args.port} on {args.host} is in use; choose another with --port",
              file=sys.stderr)
        return 2
    from dashboards.assets import ensure_assets
    ensure_assets()                      # offline front-end files; a message (not a stop) if npm is missing

    from dashboards.settings import MAX_CITIZENS_ENV, MAX_WEEKS_ENV
    env = dict(os.environ)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "false"
    env.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", CULL_TIMEOUT)
    if args.results:
        env["BELONGING_RESULTS_DIR"] = str(Path(args.results).resolve())
    for flag, value, name in (("--max-citizens", args.max_citizens, MAX_CITIZENS_ENV),
                              ("--max-weeks", args.max_weeks, MAX_WEEKS_ENV)):
        if value is not None:
            if value < 1:
                print(f"belonging dashboard: {flag} {value}: must be at least 1", file=sys.stderr)
                return 2
            env[name] = str(value)
    for line in facilitator_env(args.host, env):
        print(line, flush=True)
    shown = "localhost" if args.host in ("0.0.0.0", "::") else args.host
    print(f"belonging dashboard: open http://{shown}:{args.port}/ in a browser (Ctrl-C stops it)", flush=True)
    cmd = [sys.executable, "-m", "solara", "run", str(app_path()), "--host", args.host, "--port", str(args.port),
           "--production", "--no-open", "--no-check-version"]
    os.execve(sys.executable, cmd, env)   # the server replaces this process: signals reach it directly
    return 0                              # not reached
