"""Sensitivity in a real browser: a finished sweep from the result store, its indices, in charts and words."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from experiments import list_sweeps, load_indices

from browser_helpers import choose, download, screenshot

pytestmark = pytest.mark.browser


def test_sensitivity_lists_sweeps_and_shows_indices(page, dashboard):
    sweeps = list_sweeps(dashboard.results / "sweeps")
    assert [s["name"] for s in sweeps] == ["tiny_morris"] and sweeps[0]["has_indices"]
    pg = page
    pg.goto(dashboard.url("/sensitivity"))
    pg.get_by_text("tiny_morris - morris, 8 runs").first.wait_for(timeout=90_000)
    pg.get_by_text("Which levers matter most").wait_for()
    pg.locator("li").filter(has_text="For lonely_share").first.wait_for()
    pg.locator("li").filter(has_text="For belonging_change").first.wait_for()
    src = pg.locator("img.chart-image").first.get_attribute("src")
    assert src
    screenshot(pg, "sensitivity")

    choose(pg, "Output", "belonging_change")
    pg.wait_for_function("src => document.querySelector('img.chart-image').src !== src", arg=src)

    shown = pd.read_csv(io.BytesIO(download(pg, "CSV: all indices")))
    stored = load_indices(sweeps[0]["folder"])
    pd.testing.assert_frame_equal(shown, stored, check_dtype=False)
    assert download(pg, "PNG: sensitivity_tiny_morris_belonging_change.png")[:4] == b"\x89PNG"
    spec = download(pg, "TOML: sweep spec").decode()
    assert 'method = "morris"' in spec
