"""`belonging dashboard [--port P] [--host H]`: serve the planner dashboard (Solara, production mode)."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path


def add_parser(sub):
    p = sub.add_parser("dashboard", help="serve the planner dashboard in the browser (Solara)")
    p.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; 0.0.0.0 to let other machines in)")
    p.add_argument("--results", metavar="DIR",
                   help="result store whose finished sweeps the Sensitivity page lists "
                        "(default $BELONGING_RESULTS_DIR or ./results)")
    return p


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

    env = dict(os.environ)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "false"
    if args.results:
        env["BELONGING_RESULTS_DIR"] = str(Path(args.results).resolve())
    shown = "localhost" if args.host in ("0.0.0.0", "::") else args.host
    print(f"belonging dashboard: open http://{shown}:{args.port}/ in a browser (Ctrl-C stops it)", flush=True)
    cmd = [sys.executable, "-m", "solara", "run", str(app_path()), "--host", args.host, "--port", str(args.port),
           "--production", "--no-open", "--no-check-version"]
    os.execve(sys.executable, cmd, env)   # the server replaces this process: signals reach it directly
    return 0                              # not reached
