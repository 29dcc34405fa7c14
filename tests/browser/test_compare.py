"""Compare in a real browser: choose scenarios, run in the background, cancel, read the results, export."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from sim import load_scenario

from browser_helpers import choose, download, screenshot, slider

pytestmark = pytest.mark.browser


def set_slider(pg, label: str, key: str, presses: int = 1) -> None:
    s = slider(pg, label)
    s.wait_for(state="attached")
    s.focus()
    for _ in range(presses):
        pg.keyboard.press(key)


def test_compare_run_cancel_results_and_exports(page, dashboard, tmp_path):
    pg = page
    pg.goto(dashboard.url("/compare"))
    pg.get_by_role("button", name="Run comparison", exact=True).wait_for(timeout=90_000)

    # a big comparison runs in the background and can be cancelled: the page stays usable
    set_slider(pg, "Replicates", "End")
    set_slider(pg, "Citizens", "End")
    pg.get_by_text("60 runs of 5,000 citizens").wait_for()
    pg.get_by_role("button", name="Run comparison", exact=True).click()
    pg.locator(".compare-progress").wait_for()
    pg.get_by_role("button", name="Cancel", exact=True).click()
    pg.locator(".compare-cancelled").wait_for(timeout=60_000)
    screenshot(pg, "compare_cancelled")

    # a small one: three scenarios, two replicates, 200 citizens, 4 weeks
    set_slider(pg, "Replicates", "Home")
    set_slider(pg, "Citizens", "Home")
    set_slider(pg, "Weeks", "Home")
    pg.get_by_role("button", name="Add a scenario", exact=True).click()
    choose(pg, "Scenario 3", "platform_only")
    pg.get_by_text("6 runs of 200 citizens").wait_for()
    pg.get_by_role("button", name="Run comparison", exact=True).click()
    pg.get_by_text("What the comparison says").wait_for(timeout=120_000)
    pg.get_by_text("Compared with baseline, platform_with_support").first.wait_for()
    pg.get_by_text("Cost-effectiveness").first.wait_for()
    src = pg.locator("img.chart-image").first.get_attribute("src")
    assert src
    screenshot(pg, "compare_results")

    # another outcome: the chart changes
    choose(pg, "Outcome", "belonging")
    pg.wait_for_function("src => document.querySelector('img.chart-image').src !== src", arg=src)
    pg.get_by_text("By subgroup: Belonging").wait_for()

    # exports: the differences with their intervals, costs, the scenarios as TOML, the chart
    diffs = pd.read_csv(io.BytesIO(download(pg, "CSV: differences (all subgroups)")))
    assert set(diffs["scenario"]) == {"platform_with_support", "platform_only"}
    assert {"diff", "ci_low", "ci_high", "digital_literacy", "relational_history", "supported"} <= set(diffs.columns)
    pop = diffs[(diffs.digital_literacy == "all") & (diffs.relational_history == "all") & (diffs.supported == "all")]
    assert len(pop) == 2 * 8 and (pop.ci_low <= pop["diff"]).all() and (pop["diff"] <= pop.ci_high).all()
    costs = pd.read_csv(io.BytesIO(download(pg, "CSV: cost-effectiveness")))
    assert list(costs["scenario"]) == ["baseline", "platform_with_support", "platform_only"]
    assert costs.loc[0, "total_cost"] == 0 and (costs.loc[1:, "total_cost"] > 0).all()
    toml_path = tmp_path / "pws.toml"
    toml_path.write_bytes(download(pg, "TOML: platform_with_support"))
    sc = load_scenario(toml_path)
    assert sc.run.citizens == 200 and sc.run.weeks == 4 and sc.platform.enabled
    assert download(pg, "PNG: compare_belonging.png")[:4] == b"\x89PNG"
