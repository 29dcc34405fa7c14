"""Explore in a real browser: what a planner does on the page, and what they see change."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pandas as pd
import pytest
from playwright.sync_api import expect

from sim import load_scenario, preset_descriptions
from sim.scenarios.schema import parameter_table

from browser_helpers import ROOT, choose, download, image_src, open_group, screenshot, slider, wait_text

pytestmark = pytest.mark.browser


def counter(pg) -> str:
    return pg.locator(".step-counter").inner_text()


def test_explore_preset_levers_steps_views_and_exports(page, dashboard, tmp_path):
    pg = page
    pg.goto(dashboard.url("/explore"))
    wait_text(pg, ".step-counter", "Week 0 of 52", timeout=90_000)
    screenshot(pg, "explore_start")

    # pick a preset: its description and values load
    choose(pg, "Scenario preset", "baseline")
    pg.get_by_text(preset_descriptions()["baseline"][:40]).first.wait_for()

    # move a lever: support workers per 10,000 from 0 to 10 (one worker at 1,000 citizens)
    open_group(pg, "Support")
    workers = slider(pg, "Workers")
    workers.wait_for(state="attached")
    assert workers.get_attribute("aria-valuenow") == "0"
    workers.focus()
    for _ in range(20):
        pg.keyboard.press("ArrowRight")
    slider(pg, "Workers: 10").wait_for(state="attached")
    pg.get_by_text("Support  (1 changed)").first.wait_for()
    pg.locator("[data-key='support.workers']").hover()        # explanation and evidence source on hover
    pg.locator(".v-tooltip__content").filter(has_text="Support workers per 10,000 citizens").filter(
        has_text="Source: lever").first.wait_for()
    pg.locator(".levers-changed").wait_for(state="detached")
    wait_text(pg, ".step-counter", "Week 0 of 52")

    # step: the counter, the chart and the cost change
    before = image_src(pg)
    for week in (1, 2, 3):
        pg.get_by_role("button", name="Step", exact=True).click()
        wait_text(pg, ".step-counter", f"Week {week} of 52")
    pg.wait_for_function("src => document.querySelector('img.chart-image').src !== src", arg=before)
    cost = pg.locator(".headline-cost-so-far").inner_text()
    assert float(cost.replace(",", "")) > 0, f"one support worker for three weeks should cost something, saw {cost}"
    screenshot(pg, "explore_after_steps")

    # an invalid value gives a message next to the control, not a traceback
    open_group(pg, "Run")
    box = pg.get_by_label("Seed", exact=True)
    box.fill("-5")
    box.press("Enter")
    err = pg.locator(".control-error").filter(has_text="run.seed")
    err.wait_for()
    assert "greater than or equal to 0" in err.inner_text()
    pg.locator(".invalid-scenario").wait_for()
    screenshot(pg, "explore_invalid_lever")
    box.fill("42")
    box.press("Enter")
    err.wait_for(state="detached")
    assert counter(pg) == "Week 3 of 52", "a rejected value must not rebuild the run"

    # exports: scenario TOML (loadable by sim and the CLI), CSV, PNG
    toml_text = download(pg, "Scenario TOML").decode()
    path = tmp_path / "edited.toml"
    path.write_text(toml_text)
    sc = load_scenario(path)
    assert sc.support.workers == 10.0 and sc.platform.enabled is False and sc.run.citizens == 1000
    cli = subprocess.run([sys.executable, "-m", "belonging", "run", str(path), "--citizens", "200", "--weeks", "2",
                          "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert cli.returncode == 0, cli.stderr
    ts = pd.read_csv(__import__("io").BytesIO(download(pg, "CSV: weekly outcomes")))
    assert list(ts["week"]) == [0, 1, 2, 3] and {"loneliness", "lonely_share", "belonging"} <= set(ts.columns)
    assert download(pg, "PNG: outcomes_over_time.png")[:8] == b"\x89PNG\r\n\x1a\n"

    # the subgroup (CMO) panel
    pg.get_by_role("tab", name="Subgroups (CMO)", exact=True).click()
    pg.get_by_role("button", name="CSV: subgroup table", exact=True).wait_for()
    sub = pd.read_csv(__import__("io").BytesIO(download(pg, "CSV: subgroup table")))
    assert {"digital_literacy", "relational_history", "supported", "n", "reach_share"} <= set(sub.columns)
    assert sub["n"].sum() == 1000
    screenshot(pg, "explore_subgroups")

    # the ego-network of a lonely citizen
    pg.get_by_role("tab", name="Network", exact=True).click()
    pg.get_by_role("button", name="a lonely citizen", exact=True).click()
    pg.locator("img.chart-image").first.wait_for()
    pg.get_by_text("A sample of at most 60 citizens").wait_for()
    screenshot(pg, "explore_network")
    box = pg.get_by_label("Citizen (0-999)")                  # type a citizen, then walk to one of their ties
    box.fill("10")
    box.press("Enter")
    pg.get_by_text("A sample of at most 60 citizens: citizen 10,").wait_for()
    tie = pg.locator(".tie-button").first
    other = tie.inner_text().strip()
    tie.click()
    pg.get_by_text(f"A sample of at most 60 citizens: citizen {other},").wait_for()

    # the citizen inspector: traits, ties, platform history, support, trajectory
    pg.get_by_role("tab", name="Citizen", exact=True).click()
    pg.get_by_text("Platform history").wait_for()
    pg.get_by_text("Support received").wait_for()
    pg.get_by_text("earlier relational difficulties").first.wait_for()
    assert pg.locator("img.chart-image").count() >= 1
    screenshot(pg, "explore_citizen")

    # play and pause
    pg.get_by_role("tab", name="Outcomes over time", exact=True).click()
    pg.get_by_role("button", name="Play", exact=True).click()
    pg.wait_for_function("parseInt(document.querySelector('.step-counter').innerText.split(' ')[1]) >= 5",
                         timeout=60_000)
    pg.get_by_role("button", name="Pause", exact=True).click()
    expect(pg.get_by_role("button", name="Play", exact=True)).to_be_enabled(timeout=30_000)   # stopped
    stopped = counter(pg)
    time.sleep(1.5)
    assert counter(pg) == stopped, "the run must stop when paused"

    # reset: a new run of the same scenario starts at week 0
    pg.get_by_role("button", name="Reset", exact=True).click()
    wait_text(pg, ".step-counter", "Week 0 of 52")
    screenshot(pg, "explore_reset")


def open_assumptions(pg, mechanism: str) -> None:
    """Expand the Assumptions panel of one mechanism (e.g. "Ties"); lever groups may share its title."""
    title = re.compile("^\\s*" + re.escape(mechanism) + "(\\s|$)")
    pg.locator(".assumptions .v-expansion-panel-header").filter(has_text=title).first.click()
    pg.locator(".assumptions .v-expansion-panel--active").filter(
        has=pg.locator(".v-expansion-panel-header", has_text=title)).first.wait_for()


def test_explore_levers_first_then_assumptions_by_mechanism(page, dashboard, tmp_path):
    from dashboards.components.controls import groups
    pg = page
    pg.goto(dashboard.url("/explore"))
    wait_text(pg, ".step-counter", "Week 0 of 52", timeout=90_000)

    # the first control groups are the levers; then "Assumptions", one panel per mechanism; then Run
    def titles(part: str) -> list[str]:
        texts = pg.locator(f".{part} .v-expansion-panel-header").all_inner_texts()
        return [t.strip() for t in texts]
    every = [t.strip() for t in pg.locator(".scenario-controls .v-expansion-panel-header").all_inner_texts()]
    levers = [g.title for g in groups() if g.part == "levers"]
    mechanisms = [g.title for g in groups() if g.part == "assumptions"]
    assert every[:3] == ["Platform", "Support", "Activities"] and every[:len(levers)] == levers, every
    assert titles("levers") == levers and titles("assumptions") == mechanisms and titles("run-settings") == ["Run"]
    assert every == levers + mechanisms + ["Run"], every
    assert mechanisms[0] == "Population" and "Ties" in mechanisms and mechanisms[-1] == "Costs"
    pg.locator(".assumptions").get_by_text("Assumptions", exact=True).wait_for()

    pg.get_by_role("button", name="Step", exact=True).click()
    wait_text(pg, ".step-counter", "Week 1 of 52")

    # opening assumption panels changes nothing (support holds 0.529, which a 0.01 slider would round)
    open_assumptions(pg, "Support")
    pg.locator("[data-key='support.digitally_confident_share']").wait_for()
    open_assumptions(pg, "Ties")
    pg.locator("[data-key='ties.decay_per_year']").wait_for()
    time.sleep(1.5)
    changed = [t for t in pg.locator(".v-expansion-panel-header").all_inner_texts() if "changed" in t]
    assert changed == [], f"opening panels changed values: {changed}"
    assert counter(pg) == "Week 1 of 52", "opening panels must not restart the run"
    screenshot(pg, "explore_assumptions")

    # hover: the explanation and the evidence source (from the schema)
    row = next(r for r in parameter_table() if r["key"] == "ties.decay_per_year")
    assert row["role"] == "uncertainty" and row["mechanism"] == "ties"
    pg.locator("[data-key='ties.decay_per_year']").hover()
    pg.locator(".v-tooltip__content").filter(has_text=row["description"][:40]).filter(
        has_text=f"Source: {row['source']}").first.wait_for()

    # change one assumption: the panel counts it, the run restarts on the new value
    decay = slider(pg, "Decay per year")
    assert decay.get_attribute("aria-valuenow") == str(row["default"])
    decay.focus()
    pg.keyboard.press("ArrowRight")
    slider(pg, "Decay per year: 0.155").wait_for(state="attached")
    pg.locator(".assumptions .v-expansion-panel-header").filter(has_text="Ties  (1 changed)").wait_for()
    wait_text(pg, ".step-counter", "Week 0 of 52")
    pg.locator(".levers-changed").wait_for(state="detached")
    path = tmp_path / "assumption.toml"
    path.write_bytes(download(pg, "Scenario TOML"))
    sc = load_scenario(path)
    assert sc.ties.decay_per_year == 0.155 and sc.name.endswith("(edited)")
    screenshot(pg, "explore_assumption_changed")
