"""Compare: 2-4 scenarios over common random numbers, in the background, with intervals and costs."""

from __future__ import annotations

import math

import pandas as pd
import solara
import solara.lab

from experiments import Cancelled, Comparison, compare
from sim import ScenarioError, load_scenario, presets, to_toml
from sim.vocabulary import ALL, OUTCOMES, SHARE_OUTCOMES, SUBGROUP_KEYS, SUBGROUP_LEVEL_LABELS

from .. import state
from ..components import charts
from ..components.export import CsvDownload
from ..components.safe import md_sentence
from ..settings import (COMPARE_DEFAULT_CITIZENS, COMPARE_DEFAULT_REPLICATES, COMPARE_MAX_SCENARIOS,
                        DEFAULT_SCENARIO, size_problems)

TITLE = "Compare"
ORDER = 20

EDITED_CHOICE = "the scenario edited on Explore"
EVERYONE = "everyone"

# Per-session choices (kept when the planner switches pages)
choices = solara.reactive(["baseline", DEFAULT_SCENARIO])
replicates = solara.reactive(COMPARE_DEFAULT_REPLICATES)
citizens = solara.reactive(COMPARE_DEFAULT_CITIZENS)
weeks = solara.reactive(52)
seed = solara.reactive(1)
outcome = solara.reactive("lonely_share")


@solara.lab.task
def run_comparison(scenarios: list, reps: int, n: int, w: int, s: int):
    """Run the comparison in this session's background thread; Cancel stops it between runs."""
    def progress(done, total):
        run_comparison.progress = 100.0 * done / total

    try:
        return compare(scenarios, replicates=reps, citizens=n, weeks=w, seed=s, executor="serial",
                       progress=progress, cancel=lambda: not run_comparison.is_current())
    except Cancelled:
        return "cancelled"
    except (ScenarioError, ValueError) as exc:      # bad input: a message on the page, not a traceback
        return f"error: {exc}"


def resolve_choice(choice: str, edited):
    if choice == EDITED_CHOICE:
        return edited
    return load_scenario(choice)


def fmt(outcome_name: str, v: float) -> str:
    if v is None or not math.isfinite(v):
        return "-"
    if outcome_name in SHARE_OUTCOMES:
        return f"{100 * v:+.1f} pts"
    return f"{v:+.2f}"


@solara.component
def ScenarioPicker(edited_ok: bool):
    names = list(presets()) + ([EDITED_CHOICE] if edited_ok else [])
    current = [c if c in names else names[0] for c in choices.value]

    def set_at(i, v):
        new = list(current)
        new[i] = v
        choices.value = new

    for i, c in enumerate(current):
        with solara.Row(gap="6px", style={"align-items": "center"}):
            solara.Select(label="Baseline (compared against)" if i == 0 else f"Scenario {i + 1}", values=names,
                          value=c, on_value=lambda v, i=i: set_at(i, v), dense=True)
            if i >= 2:
                solara.Button(icon_name="mdi-close", icon=True,
                              on_click=lambda i=i: choices.set(current[:i] + current[i + 1:]))
    if len(current) < COMPARE_MAX_SCENARIOS:
        solara.Button("Add a scenario", icon_name="mdi-plus", text=True,
                      on_click=lambda: choices.set(current + [names[min(len(current), len(names) - 1)]]))


@solara.component
def Results(c: Comparison):
    o = outcome.value
    frame = c.to_frame()
    pop = frame[(frame[list(SUBGROUP_KEYS)] == ALL).all(axis=1)]
    margins = c.subgroups_frame(margins=True)
    full = c.subgroups_frame(margins=False)

    solara.Markdown("### What the comparison says\n" + "\n".join(f"- {md_sentence(s)}" for s in c.summary_sentences(o)))
    solara.Text(f"{c.replicates} replicates per scenario (seeds {c.seeds[0]}-{c.seeds[-1]}, the same for every "
                f"scenario), {c.citizens:,} citizens, {c.weeks} weeks; intervals are 95% over the replicates' "
                f"paired differences.", style={"font-size": "0.85em", "color": "#555"})
    solara.Select(label="Outcome", values=list(OUTCOMES), value=outcome, dense=True)

    # differences by subgroup for the chosen outcome (population first)
    sel = margins[margins.outcome == o].copy()
    sel["who"] = sel.apply(lambda r: next((SUBGROUP_LEVEL_LABELS[(d, r[d])] for d in SUBGROUP_KEYS if r[d] != ALL),
                                          EVERYONE), axis=1)
    p = pop[pop.outcome == o].copy()
    p["who"] = EVERYONE
    chart_df = pd.concat([p, sel], ignore_index=True)
    k = 100.0 if o in SHARE_OUTCOMES else 1.0
    for col in ("diff", "ci_low", "ci_high"):
        chart_df[col] = chart_df[col] * k
    img = solara.use_memo(lambda: charts.interval_chart(
        chart_df, "who", f"{charts.label(o)}: difference from {c.baseline} (95% interval)",
        "difference" + (" (percentage points)" if o in SHARE_OUTCOMES else ""), group_col="scenario"),
        dependencies=[id(c), o])
    charts.Chart(img, f"compare_{o}.png")

    solara.Markdown("### Every outcome, whole population")
    table = pop[["scenario", "outcome", "baseline", "value", "diff", "ci_low", "ci_high"]].copy()
    table["difference [95% interval]"] = [f"{fmt(r.outcome, r.diff)} [{fmt(r.outcome, r.ci_low)}, "
                                          f"{fmt(r.outcome, r.ci_high)}]" for r in table.itertuples()]
    solara.DataFrame(table[["scenario", "outcome", "baseline", "value", "difference [95% interval]"]].round(4),
                     items_per_page=len(table))

    solara.Markdown(f"### By subgroup: {charts.label(o)}")
    sub = full[full.outcome == o][["scenario", *SUBGROUP_KEYS, "n", "baseline", "value", "diff", "ci_low", "ci_high"]]
    solara.DataFrame(sub.round(4), items_per_page=16)

    solara.Markdown("### Cost-effectiveness")
    ce = c.costs_frame()
    show = pd.DataFrame({
        "scenario": ce.scenario,
        "total cost": [f"{a:,.0f} [{b:,.0f}, {d:,.0f}]" for a, b, d in
                       zip(ce.total_cost, ce.total_cost_ci_low, ce.total_cost_ci_high)],
        "no longer lonely": [f"{a:.1f} [{b:.1f}, {d:.1f}]" for a, b, d in
                             zip(ce.no_longer_lonely, ce.no_longer_lonely_ci_low, ce.no_longer_lonely_ci_high)],
        "cost per person no longer lonely": [f"{a:,.0f}" if math.isfinite(a) else "-"
                                             for a in ce.cost_per_no_longer_lonely],
        "ICER vs baseline": [(f"{a:,.0f} [{b:,.0f}, {d:,.0f}]" if math.isfinite(b) else f"{a:,.0f}")
                             if math.isfinite(a) else "-" for a, b, d in zip(ce.icer, ce.icer_ci_low, ce.icer_ci_high)],
        "status": [s + (f" (by {d})" if d else "") for s, d in zip(ce.status, ce.dominated_by)],
        "note": ce.icer_note.fillna(""),
    })
    solara.DataFrame(show, items_per_page=len(show))

    with solara.Details(summary="Which mechanisms fired, for whom (CMO)"):
        solara.DataFrame(c.cmo_frame().round(3), items_per_page=32)

    solara.Markdown("### Export")
    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        CsvDownload(frame, "comparison_differences.csv", "CSV: differences (all subgroups)")
        CsvDownload(c.levels_frame(), "comparison_levels.csv", "CSV: outcome levels")
        CsvDownload(ce, "comparison_costs.csv", "CSV: cost-effectiveness")
        CsvDownload(c.cmo_frame(), "comparison_cmo.csv", "CSV: mechanisms (CMO)")
        CsvDownload(c.runs_frame(), "comparison_runs.csv", "CSV: every run")
        for lab, sc in c.scenarios.items():
            fname = "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in lab) + ".toml"
            solara.FileDownload(to_toml(sc), filename=fname, label=f"TOML: {lab}", mime_type="application/toml")


@solara.component
def Page():
    edited, _errors = state.use_current()
    edited_ok = edited is not None and (bool(state.edits.value) or state.base_label.value not in presets())
    err, set_err = solara.use_state("")

    def start():
        try:
            scs = [resolve_choice(ch, edited) for ch in choices.value]
        except ScenarioError as exc:
            set_err(str(exc))
            return
        if any(s is None for s in scs):
            set_err("The scenario edited on Explore has invalid values: fix them there first.")
            return
        # the sliders bound these, but a value can come from any client: the dashboard's caps hold here too
        too_big = size_problems(int(citizens.value), int(weeks.value))
        if too_big or not 2 <= int(replicates.value) <= 30 or not 2 <= len(scs) <= COMPARE_MAX_SCENARIOS:
            set_err("; ".join(too_big.values()) or "2-30 replicates of 2-4 scenarios")
            return
        set_err("")
        run_comparison(scs, replicates.value, citizens.value, weeks.value, seed.value)

    solara.Markdown("## Compare scenarios\nEvery scenario meets the same simulated citizens (the same seeds); "
                    "each outcome is compared with the first scenario, with a 95% interval over the replicates.")
    with solara.Columns([1, 2.6]):
        with solara.Column():
            ScenarioPicker(edited_ok)
            solara.SliderInt(f"Replicates: {replicates.value}", value=replicates, min=2, max=30)
            solara.SliderInt(f"Citizens: {citizens.value:,}", value=citizens, min=200, max=5000, step=100)
            solara.SliderInt(f"Weeks: {weeks.value}", value=weeks, min=4, max=104)
            solara.InputInt("First seed", value=seed)
            runs = len(choices.value) * replicates.value
            solara.Text(f"{runs} runs of {citizens.value:,} citizens", style={"color": "#555"})
            with solara.Row():
                solara.Button("Run comparison", icon_name="mdi-play", color="primary", on_click=start,
                              disabled=run_comparison.pending)
                solara.Button("Cancel", icon_name="mdi-stop", on_click=run_comparison.cancel,
                              disabled=not run_comparison.pending)
            if err:
                solara.Error(err, classes=["compare-error"])
        with solara.Column():
            if run_comparison.pending:
                pct = run_comparison.progress or 0
                solara.Text(f"Running... {pct:.0f}% of the runs done", classes=["compare-progress"])
                solara.ProgressLinear(pct if pct else True)
            if run_comparison.cancelled or run_comparison.value == "cancelled":
                solara.Warning("The comparison was cancelled.", classes=["compare-cancelled"])
            if run_comparison.error:
                solara.Error(f"The comparison failed: {run_comparison.exception}")
            result = run_comparison.latest
            if isinstance(result, str) and result.startswith("error: "):
                solara.Error(result[len("error: "):], classes=["compare-error"])
            elif isinstance(result, Comparison):
                if run_comparison.pending:
                    solara.Info("Showing the previous comparison until this one finishes.")
                Results(result)
            elif not run_comparison.pending:
                solara.Info("Choose scenarios and press Run comparison.")
