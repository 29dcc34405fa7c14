"""Two browser sessions never share a model."""

from __future__ import annotations

import time

import pytest

from browser_helpers import screenshot, wait_text

pytestmark = pytest.mark.browser


def test_two_sessions_have_their_own_model(browser, dashboard):
    dashboard.mark()
    contexts = [browser.new_context(viewport={"width": 1400, "height": 900}) for _ in range(2)]
    errors: list[str] = []
    try:
        a, b = (c.new_page() for c in contexts)
        for pg, path in ((a, "/"), (b, "/explore")):      # "/" opens the first page, Explore
            pg.set_default_timeout(30_000)
            pg.on("pageerror", lambda exc: errors.append(str(exc)))
            pg.goto(dashboard.url(path))
        for pg in (a, b):
            wait_text(pg, ".step-counter", "Week 0 of 52", timeout=90_000)
        for week in (1, 2):
            a.get_by_role("button", name="Step", exact=True).click()
            wait_text(a, ".step-counter", f"Week {week} of 52")
        time.sleep(1.0)
        assert b.locator(".step-counter").inner_text() == "Week 0 of 52"
        b.get_by_role("button", name="Step", exact=True).click()
        wait_text(b, ".step-counter", "Week 1 of 52")
        time.sleep(0.5)
        assert a.locator(".step-counter").inner_text() == "Week 2 of 52"
        screenshot(a, "sessions_a")
        screenshot(b, "sessions_b")
    finally:
        for c in contexts:
            c.close()
    assert not errors, errors
    dashboard.assert_clean()
