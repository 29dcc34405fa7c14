"""Helpers for the browser tests (import: `from browser_helpers import ...`; pytest puts this folder on sys.path)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def stop_server(proc) -> None:
    """Stop a dashboard server process: politely, then for good."""
    import subprocess
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def screenshot(pg, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path


def wait_for_solara(pg) -> None:
    """The Solara app has mounted (its Vuetify app bar is on the page)."""
    pg.wait_for_selector(".v-app-bar, .v-toolbar", timeout=60_000)


def choose(pg, label: str, option: str) -> None:
    """Pick `option` in the Vuetify select whose label starts with `label`."""
    field = pg.locator(".v-select").filter(has=pg.locator("label", has_text=label)).first
    field.click()
    pg.get_by_role("option", name=option, exact=True).last.click()
    pg.keyboard.press("Escape")


def slider(pg, label_start: str):
    """The slider (its thumb, role=slider) whose label starts with `label_start`."""
    return pg.get_by_role("slider", name=re.compile("^" + re.escape(label_start))).first


def download(pg, button_text: str) -> bytes:
    """Click a download button and return the file's bytes."""
    with pg.expect_download() as info:
        pg.get_by_role("button", name=button_text, exact=True).first.click()
    return Path(info.value.path()).read_bytes()


def wait_text(pg, selector: str, text: str, timeout: float = 30_000) -> None:
    """Wait until the element's text contains `text`."""
    pg.locator(selector).filter(has_text=text).first.wait_for(timeout=timeout)


def image_src(pg, index: int = 0) -> str:
    return pg.locator("img.chart-image").nth(index).get_attribute("src") or ""


def open_group(pg, title: str) -> None:
    """Expand the group of scenario controls titled `title` (Platform, Support, ...)."""
    header = pg.locator(".v-expansion-panel-header").filter(has_text=re.compile("^\\s*" + re.escape(title))).first
    header.click()
    pg.locator(".v-expansion-panel--active").filter(has=pg.locator(".v-expansion-panel-header",
                                                                    has_text=title)).first.wait_for()
