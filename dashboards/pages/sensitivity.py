"""Sensitivity: the indices of finished sweeps from the experiments' result store, in charts and words."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import solara

from experiments import list_sweeps, load_indices
from sim.vocabulary import OUTCOME

from ..components import charts
from ..components.export import CsvDownload
from ..components.safe import md_text
from ..settings import sweeps_root

TITLE = "Sensitivity"
ORDER = 30

MAIN_INDEX = ("ST", "mu_star", "S1")      # the index that ranks parameters, by preference
INDEX_WORDS = {
    "ST": "total-effect index (share of the output's variance due to it, alone or with others)",
    "S1": "first-order index (share of variance due to it alone)",
    "mu_star": "mean absolute elementary effect (Morris mu*)",
    "sigma": "spread of its elementary effects (interactions or non-linearity)",
    "mu": "mean elementary effect (signed)",
}

# outputs of a sweep that are not outcomes (see experiments/spec.py)
OTHER_OUTPUTS = {"total_cost": "total cost", "no_longer_lonely": "citizens no longer lonely"}

selected_folder = solara.reactive("")
output_choice = solara.reactive("")


def output_words(output: str) -> str:
    """A sweep output in words, from the vocabulary's outcome labels: 'lonely_share' -> 'Lonely share
    (UCLA-3 >= 6) at the end (0-1)', 'belonging_change' -> 'Belonging (GBS, 12-84): change over the run'."""
    for suffix, words in (("_effect", "{}: base minus contrast"), ("_contrast", "{}, in the contrast scenario")):
        if output.endswith(suffix):
            return words.format(output_words(output[: -len(suffix)]))
    change = output.endswith("_change")
    base, when = (output[: -len("_change")], ": change over the run") if change else (output, " at the end")
    if base in OUTCOME:
        return OUTCOME[base].label + when + (" (0-1)" if OUTCOME[base].share else "")
    return OTHER_OUTPUTS.get(output, output.replace("_", " "))


def main_index(df: pd.DataFrame) -> str:
    present = list(dict.fromkeys(df["index"]))
    return next((i for i in MAIN_INDEX if i in present), present[0])


def plain_words(ind: pd.DataFrame) -> list[str]:
    """Which parameters matter most for each output, said with their intervals."""
    out = []
    for o, g in ind.groupby("output", sort=False):
        idx = main_index(g)
        rows = g[g["index"] == idx].sort_values("value", ascending=False)
        top = rows[rows["value"] > 0]
        clear = [r for r in top.itertuples() if math.isfinite(r.ci_low) and r.ci_low > 0]
        unclear = [r for r in top.itertuples() if r not in clear]
        none = rows[~(rows["value"] > 0)]
        parts = []
        if clear:
            parts.append("matters most: " + ", then ".join(
                f"**{md_text(r.parameter)}** ({idx} {r.value:.3g} [{r.ci_low:.3g}, {r.ci_high:.3g}])"
                for r in clear[:3]))
        if unclear:
            parts.append("possibly: " + ", ".join(
                f"{md_text(r.parameter)} ({idx} {r.value:.3g}, interval includes 0)" for r in unclear[:4]))
        if len(none):
            parts.append("no detectable effect: " + ", ".join(md_text(p) for p in none["parameter"]))
        if not clear:
            parts.insert(0, "no parameter has an index clearly above zero at this sample size")
        out.append(f"For **{md_text(o)}** ({md_text(output_words(o))}): " + "; ".join(parts) + ".")
    return out


@solara.component
def Page():
    refresh, set_refresh = solara.use_state(0)
    root = sweeps_root()
    sweeps = solara.use_memo(lambda: list_sweeps(root), dependencies=[refresh, str(root)])
    done = [s for s in sweeps if s["has_indices"]]
    waiting = [s for s in sweeps if not s["has_indices"]]

    solara.Markdown("## Sensitivity of the outcomes to levers and uncertainties\n"
                    f"Finished sweeps in the result store ({md_text(root)}); run one with "
                    "`belonging sweep experiments/sobol_policies.toml` or `morris_screening.toml`.")
    with solara.Row(style={"align-items": "center"}):
        labels = {s["folder"]: f"{s['name']} - {s['method']}, {s['runs_done']} runs ({Path(s['folder']).name})"
                  for s in done}
        if done:
            folder = selected_folder.value if selected_folder.value in labels else done[0]["folder"]
            solara.Select(label="Finished sweep", values=list(labels.values()), value=labels[folder],
                          on_value=lambda v: selected_folder.set(next(k for k, x in labels.items() if x == v)))
        solara.Button("Refresh list", icon_name="mdi-refresh", text=True, on_click=lambda: set_refresh(refresh + 1))
    for s in waiting:
        solara.Text(f"{s['name']} ({Path(s['folder']).name}): {s['status']}, {s['runs_done']}/{s['runs_total']} "
                    "runs, no indices yet", style={"color": "#777"})
    if not done:
        solara.Info("No finished sweep yet in the result store.")
        return
    info = next(s for s in done if s["folder"] == folder)
    SweepView(info)


@solara.component
def SweepView(info: dict):
    folder = info["folder"]
    ind = solara.use_memo(lambda: load_indices(folder), dependencies=[folder, info.get("updated")])
    variance_path = Path(folder) / "variance.csv"
    variance = solara.use_memo(lambda: pd.read_csv(variance_path) if variance_path.exists() else None,
                               dependencies=[folder, info.get("updated")])
    outputs = list(dict.fromkeys(ind["output"]))
    o = output_choice.value if output_choice.value in outputs else outputs[0]
    m = info.get("manifest", {})

    # the sweep's name, description and parameters come from its files: shown as text (issue 16)
    solara.Text(str(info["name"]), classes=["sweep-name"], style={"font-size": "1.5em", "font-weight": "bold",
                                                                   "display": "block", "margin": "8px 0"})
    if info.get("description"):
        solara.Text(str(info["description"]), classes=["sweep-description"], style={"display": "block"})
    params = ", ".join(p if isinstance(p, str) else str(p.get("key", p)) if isinstance(p, dict) else str(p)
                       for p in m.get("parameters", []))
    solara.Text(f"Method {info['method']}, {info['runs_done']} runs"
                f"{', ' + str(info['failed']) + ' failed' if info['failed'] else ''}; "
                f"{m.get('replicates', '?')} replicate(s) per sample point; parameters: {params}.",
                classes=["sweep-facts"], style={"display": "block", "margin-bottom": "8px"})
    solara.Markdown("#### Which levers matter most\n" + "\n".join(f"- {s}" for s in plain_words(ind)))
    if variance is not None:
        noise = []
        for r in variance.itertuples():
            if math.isfinite(getattr(r, "seed_share", math.nan)):
                noise.append(f"{r.output}: {100 * r.seed_share:.0f}% of one run's variance is seed noise")
        if noise:
            solara.Text("Seed noise: " + "; ".join(noise) + ".", style={"color": "#555"})

    solara.Select(label="Output", values=outputs, value=o, on_value=output_choice.set, dense=True)
    sub = ind[(ind.output == o) & ind.ci_low.notna()].copy()
    idx = main_index(ind[ind.output == o])
    order = sub[sub["index"] == idx].sort_values("value", ascending=False)["parameter"].tolist()
    sub["parameter"] = pd.Categorical(sub["parameter"], order + [p for p in sub.parameter.unique() if p not in order])
    sub = sub.sort_values(["parameter", "index"])
    img = solara.use_memo(lambda: charts.interval_chart(
        sub, "parameter", f"{o} ({output_words(o)}): sensitivity indices with 95% intervals", "index value",
        value="value", low="ci_low", high="ci_high", group_col="index"), dependencies=[folder, o])
    charts.Chart(img, f"sensitivity_{info['name']}_{o}.png")
    solara.Markdown("  \n".join(f"*{k}*: {v}" for k, v in INDEX_WORDS.items() if k in set(sub["index"])))
    solara.DataFrame(ind[ind.output == o].round(4), items_per_page=20)
    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        CsvDownload(ind, f"{info['name']}_indices.csv", "CSV: all indices")
        if variance is not None:
            CsvDownload(variance, f"{info['name']}_seed_noise.csv", "CSV: seed noise")
        spec_text = m.get("spec_text")
        if spec_text:
            solara.FileDownload(spec_text, filename=f"{info['name']}.toml", label="TOML: sweep spec",
                                mime_type="application/toml")
