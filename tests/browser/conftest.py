"""Fixtures for driving the real dashboard in headless Debian chromium (Playwright).

- `dashboard`: the real server (`belonging dashboard`, production mode) on a free port, one per
  test session, with BELONGING_RESULTS_DIR pointing at a temporary result store that holds one
  tiny, real, finished sweep (made with the experiments API). `dashboard.url(path)` gives a
  page's address; `dashboard.assert_clean()` fails on a traceback in the server log.
- `browser`: chromium launched by Playwright (session-scoped).
- `page`: a fresh browser context and page per test; the test fails on any page error
  (`pageerror`) and on a traceback in the server log since the test started.
- `screenshot(page, name)`: saves artifacts/screenshots/<name>.png.

Needs /usr/bin/chromium and Solara's front-end files: `scripts/setup_browser.sh` (run by
scripts/test.sh) installs both.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from browser_helpers import stop_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOG_PROBLEMS = ("Traceback", "Could not load URL")
START_TIMEOUT = 90.0
TINY_SWEEP = """
name = "tiny_morris"
description = "A tiny Morris screening made by the browser tests."
base = "platform_with_support"
method = "morris"
samples = 2
replicates = 1
seed = 11
citizens = 150
weeks = 4
outputs = ["lonely_share", "belonging_change"]

[options]
num_levels = 4

[parameters]
"support.workers" = { bounds = [0, 30] }
"platform.outreach_effort" = { bounds = [0.0, 1.0] }
"effects.support_effect" = { bounds = [0.5, 1.5] }
"""



def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_results_root(root: Path) -> Path:
    """A result store with one tiny finished sweep, made through the experiments API."""
    from experiments import run_sweep
    spec = root / "tiny_morris.toml"
    spec.write_text(TINY_SWEEP)
    run_sweep(spec, out=root / "sweeps" / "tiny_morris", executor="serial")
    return root


class Dashboard:
    def __init__(self, proc: subprocess.Popen, port: int, log: Path, results: Path):
        self.proc, self.port, self.log, self.results = proc, port, log, results
        self._checked = 0

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def mark(self) -> None:
        self._checked = len(self.log_text())

    def assert_clean(self) -> None:
        """Fail on a traceback or a failed asset load in the server log since the last mark."""
        text = self.log_text()[self._checked:]
        for problem in LOG_PROBLEMS:
            if problem in text:
                pytest.fail(f"server log shows {problem!r}:\n{text[-6000:]}")
        if self.proc.poll() is not None:
            pytest.fail(f"dashboard server exited with {self.proc.returncode}:\n{self.log_text()[-6000:]}")


@pytest.fixture(scope="session")
def dashboard(tmp_path_factory):
    results = make_results_root(tmp_path_factory.mktemp("results"))
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "dashboard.log"
    env = dict(os.environ)
    env["BELONGING_RESULTS_DIR"] = str(results)
    env["PYTHONUNBUFFERED"] = "1"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "belonging", "dashboard", "--host", "127.0.0.1",
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    server = Dashboard(proc, port, log, results)
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"dashboard server died on start (exit {proc.returncode}):\n{server.log_text()}")
            try:
                with urllib.request.urlopen(server.url("/"), timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"dashboard server did not answer within {START_TIMEOUT:.0f} s:\n{server.log_text()}")
            time.sleep(0.3)
        yield server
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup_browser.sh (scripts/test.sh does)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, dashboard):
    """A fresh context and page; fails the test on a page error or a server traceback."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    dashboard.mark()
    try:
        yield pg
    finally:
        context.close()
    if errors:
        pytest.fail("page errors in the browser:\n" + "\n".join(errors))
    dashboard.assert_clean()
