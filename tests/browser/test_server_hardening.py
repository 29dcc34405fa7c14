"""The dashboard server over real HTTP (issue 16): the asset proxy serves the local cache only,
/resourcez answers this machine only, and a server open to other machines never uses the
published facilitator code."""

from __future__ import annotations

import concurrent.futures
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from browser_helpers import ROOT, stop_server

START_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

pytestmark = pytest.mark.browser


def status(url: str, timeout: float = 10.0) -> tuple[int, float, bytes]:
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, time.monotonic() - t0, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, time.monotonic() - t0, exc.read()


def outside_address() -> str | None:
    """This machine's address on its network (not loopback), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 80))          # no packet is sent (UDP)
            addr = s.getsockname()[0]
        except OSError:
            return None
    return None if addr.startswith("127.") else addr


@pytest.fixture(scope="module")
def open_server(tmp_path_factory):
    """`belonging dashboard --host 0.0.0.0` without a facilitator code, on a free port."""
    port = free_port()
    log = tmp_path_factory.mktemp("open_server") / "server.log"
    env = {k: v for k, v in os.environ.items() if k != "BELONGING_FACILITATOR_CODE"}
    env["PYTHONUNBUFFERED"] = "1"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "belonging", "dashboard", "--host", "0.0.0.0", "--port",
                                 str(port)], stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server died on start:\n{log.read_text()}")
            try:
                if status(f"http://127.0.0.1:{port}/readyz", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server did not answer:\n{log.read_text()}")
            time.sleep(0.3)
        yield port, log
    finally:
        stop_server(proc)


def test_asset_proxy_serves_the_cache_only(open_server):
    port, log = open_server
    base = f"http://127.0.0.1:{port}/_solara/cdn"
    code, took, _ = status(f"{base}/requirejs@2.3.6/require.js")
    assert code == 200, "a cached asset is served"
    code, took, _ = status(f"{base}/left-pad@1.3.0/index.js")
    assert code == 404 and took < 2.0, (code, took)          # Solara would fetch it from a public CDN (7 s offline)
    urls = [f"{base}/no-such-package-{i}@1.0.{i}/index.js" for i in range(60)]
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(30) as ex:
        codes = list(ex.map(lambda u: status(u)[0], urls))
    assert codes == [404] * 60 and time.monotonic() - t0 < 10.0
    code, took, _ = status(f"http://127.0.0.1:{port}/static/main.js")
    assert code in (200, 404) and took < 2.0                 # the server is not held up by the above
    assert "Could not load URL" not in log.read_text()


def test_diagnostics_for_this_machine_only(open_server):
    port, _log = open_server
    code, _, body = status(f"http://127.0.0.1:{port}/resourcez?verbose")
    assert code == 200 and b"kernels" in body
    addr = outside_address()
    if addr is None:
        pytest.skip("this machine has no non-loopback address to ask from")
    code, _, body = status(f"http://{addr}:{port}/resourcez?verbose")
    assert code == 403 and b"kernels" not in body, (code, body[:200])


def test_open_server_makes_up_a_facilitator_code(open_server):
    _port, log = open_server
    text = log.read_text()
    assert "the facilitator code for this server is " in text, text
    code = text.split("the facilitator code for this server is ", 1)[1].split()[0]
    assert code != "facilitator" and len(code) >= 10
