"""Rankings of a sweep's indices: which parameters matter most for one output, and which
of them the sweep has told apart from noise.

    from experiments import load_indices
    from experiments.ranking import ranking, ranking_markdown
    ind = load_indices("results/sweeps/morris_assumptions")
    ranking(ind, "lonely_share_effect", top=20)      # DataFrame, largest mu_star first
    print(ranking_markdown(ind, "lonely_share_effect", top=20))

Morris: parameters sorted by mu_star (the mean absolute elementary effect, in the output's
units per the parameter's whole range), with its bootstrap interval (mu_star_conf is the
half-width), mu and sigma (spread of the elementary effects: interactions or
non-linearity). Sobol, eFAST, factorial: sorted by the total-effect index ST, with S1.

An index is **separated from noise** when its interval lies above zero, i.e. the
interval's half-width (`conf`) is smaller than the index itself, and, for Morris, when the
interval's lower end lies above the **noise floor**: mu_star is a mean of absolute values,
so seed noise alone gives every parameter a positive mu_star with an interval above zero.
With seed_var the variance of one run over replicates (variance.csv), a point mean of R
replicates has variance seed_var / R, an elementary effect (the difference of two point
means over the step Delta = p / (2 (p - 1)) of p levels) has sd sqrt(2 seed_var / R) / Delta,
and a parameter with no influence has mu_star = sqrt(2 / pi) times that
(`morris_noise_floor`). An index under it is "within seed noise". Otherwise the ranking
says "not separated from noise": the sweep cannot tell that parameter's influence from
zero (bootstrap over trajectories or samples; seed noise enters through the outputs), so
its place in the order means nothing. An index without an interval (conf NaN) is marked
"no interval"; an output that never varied gives NaN indices ("no variance").
"""

from __future__ import annotations

import math

import pandas as pd

NOT_SEPARATED = "not separated from noise"
WITHIN_NOISE = "within seed noise"
NO_INTERVAL = "no interval"
NO_VARIANCE = "no variance"


def main_index(method: str) -> tuple[str, str]:
    """(the index ranked by, the second index shown) for a method."""
    return ("mu_star", "sigma") if method == "morris" else ("ST", "S1")


def _verdict(value: float, conf: float, floor: float = 0.0) -> str:
    if not math.isfinite(value):
        return NO_VARIANCE
    if not math.isfinite(conf):
        return NO_INTERVAL
    if conf >= value:
        return NOT_SEPARATED
    return WITHIN_NOISE if floor > 0 and value - conf <= floor else ""


def morris_noise_floor(seed_var: float, replicates: int, num_levels: int) -> float:
    """mu_star that seed noise alone gives a parameter with no influence (see the module docstring);
    0 when the noise is unknown (one replicate: seed_var is NaN)."""
    if not (replicates and replicates >= 2 and math.isfinite(seed_var) and num_levels >= 2):
        return 0.0
    delta = num_levels / (2.0 * (num_levels - 1))
    return math.sqrt(2.0 / math.pi) * math.sqrt(2.0 * seed_var / replicates) / delta


def noise_floors(variance: pd.DataFrame | None, method: str, replicates: int, options: dict) -> dict[str, float]:
    """{output: noise floor of mu_star} for a Morris sweep with replicates (empty otherwise)."""
    if method != "morris" or variance is None or len(variance) == 0:
        return {}
    levels = int((options or {}).get("num_levels", 4))
    return {r["output"]: morris_noise_floor(float(r["seed_var"]), replicates, levels)
            for r in variance.to_dict("records")}


def ranking(indices: pd.DataFrame, output: str, top: int | None = None, floor: float = 0.0) -> pd.DataFrame:
    """The parameters of one output ranked by their main index, largest first (NaN last).

    indices: a sweep's indices (SweepResult.indices or load_indices(folder)).
    Morris columns: rank, parameter, mu_star, mu_star_conf, mu_star_low, mu_star_high, mu,
    sigma, separated (bool), note. Other methods: rank, parameter, ST, ST_conf, ST_low,
    ST_high, S1, S1_conf, separated, note. `separated` is True when the main index's
    interval lies above zero (conf < value); `note` says "not separated from noise",
    "no interval" or "no variance" otherwise (empty when separated).
    top: keep the first `top` rows (None or 0: all).
    floor: Morris only, the noise floor of mu_star (noise_floors); an index whose interval's
    lower end is not above it is "within seed noise", not separated.
    """
    sub = indices[indices["output"] == output]
    if sub.empty:
        known = ", ".join(dict.fromkeys(indices["output"])) if len(indices) else "none"
        raise KeyError(f"output {output!r} is not in these indices; outputs: {known}")
    method = str(sub["method"].iloc[0])
    idx, _ = main_index(method)
    wide = {}
    for name, g in sub.groupby("index", sort=False):
        wide[name] = g.set_index("parameter")
    if idx not in wide:
        raise KeyError(f"output {output!r}: no {idx} index among {', '.join(wide)}")
    params = list(wide[idx].index)
    main = wide[idx]
    df = pd.DataFrame({"parameter": params})
    df[idx] = main["value"].reindex(params).to_numpy()
    df[f"{idx}_conf"] = main["conf"].reindex(params).to_numpy()
    df[f"{idx}_low"] = main["ci_low"].reindex(params).to_numpy()
    df[f"{idx}_high"] = main["ci_high"].reindex(params).to_numpy()
    if method == "morris":
        for extra in ("mu", "sigma"):
            df[extra] = wide[extra]["value"].reindex(params).to_numpy() if extra in wide else math.nan
    else:
        df["S1"] = wide["S1"]["value"].reindex(params).to_numpy() if "S1" in wide else math.nan
        df["S1_conf"] = wide["S1"]["conf"].reindex(params).to_numpy() if "S1" in wide else math.nan
    df["note"] = [_verdict(v, c, floor if method == "morris" else 0.0) for v, c in zip(df[idx], df[f"{idx}_conf"])]
    df["separated"] = df["note"] == ""
    df = df.sort_values(idx, ascending=False, na_position="last", kind="stable").reset_index(drop=True)
    df.insert(0, "rank", range(1, len(df) + 1))
    cols = ["rank", "parameter", idx, f"{idx}_conf", f"{idx}_low", f"{idx}_high"]
    cols += ["mu", "sigma"] if method == "morris" else ["S1", "S1_conf"]
    df = df[cols + ["separated", "note"]]
    if top:
        df = df.head(top)
    return df


def _fmt(v, prec: int = 4) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "-"
    return f"{v:.{prec}g}"


def ranking_rows(table: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """(header, rows of text) of a ranking() table, for a Markdown or console table."""
    morris = "mu_star" in table.columns
    idx = "mu_star" if morris else "ST"
    header = ["rank", "parameter", f"{idx} [95% CI]", "sigma" if morris else "S1 [95% CI]", "separated from noise?"]
    rows = []
    for r in table.to_dict("records"):
        ci = f"{_fmt(r[idx])} [{_fmt(r[f'{idx}_low'])}, {_fmt(r[f'{idx}_high'])}]"
        if morris:
            second = _fmt(r["sigma"])
        else:
            c = r["S1_conf"]
            second = _fmt(r["S1"]) + (f" [{_fmt(r['S1'] - c)}, {_fmt(r['S1'] + c)}]" if math.isfinite(c) else "")
        rows.append([str(r["rank"]), r["parameter"], ci, second, "yes" if r["separated"] else r["note"]])
    return header, rows


def ranking_markdown(indices: pd.DataFrame, output: str, top: int | None = 20, floor: float = 0.0) -> str:
    """A Markdown table of ranking(indices, output, top), with one line on how many are separated."""
    full = ranking(indices, output, floor=floor)
    table = full.head(top) if top else full
    header, rows = ranking_rows(table)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    n_sep = int(full["separated"].sum())
    shown = f"top {len(table)} of {len(full)}" if len(table) < len(full) else f"all {len(full)}"
    lines.append("")
    why = (f"95% interval above the noise floor {floor:.3g}, the mu_star seed noise alone gives" if floor > 0
           else "95% interval above zero")
    lines.append(f"{shown} parameters; {n_sep} of {len(full)} separated from noise ({why}).")
    return "\n".join(lines)


def interval_caveat(method: str, samples: int | None, replicates: int = 1) -> str:
    """A sentence when the intervals themselves are too rough to lean on ("" otherwise)."""
    if method == "morris" and samples is not None and samples < 10:
        return (f"Only {samples} trajectories: the bootstrap intervals of mu_star rest on {samples} elementary "
                "effects per parameter and are rough; read this ranking as a smoke test, not a result "
                "(10 or more trajectories for a screening).")
    if method == "factorial" and replicates < 2:
        return "One replicate: a factorial sweep has no intervals without replicates."
    return ""


def write_ranking(path, indices: pd.DataFrame, outputs: list[str], title: str = "", top: int = 20,
                  caveat: str = "", floors: dict[str, float] | None = None) -> None:
    """ranking.md: the top `top` parameters of every output as Markdown tables (floors: noise_floors)."""
    floors = floors or {}
    from .store import atomic_write_bytes
    parts = [f"# {title}".rstrip() if title else "# Ranking", ""]
    parts.append("Largest influence first. \"not separated from noise\": the index's 95% interval reaches "
                 "zero; \"within seed noise\": its interval does not clear the mu_star that seed noise alone "
                 "gives a parameter with no influence. Either way its place in the order is not established "
                 "by this sweep.")
    if caveat:
        parts += ["", caveat]
    for o in outputs:
        parts += ["", f"## {o}", "", ranking_markdown(indices, o, top, floors.get(o, 0.0))]
    atomic_write_bytes(path, ("\n".join(parts) + "\n").encode())
