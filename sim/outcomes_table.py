"""Population and subgroup summaries of a model run (the CMO table), as plain data.

Outcome and subgroup names come from sim/vocabulary.py, shared by the CLI, the
experiments and the dashboard.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .vocabulary import MECHANISMS, OUTCOMES, SUBGROUP_KEYS, SUBGROUPS


def citizen_outcomes(pop) -> dict[str, np.ndarray]:
    """Per-citizen values whose population mean is each outcome."""
    return {
        "loneliness": pop.ucla.astype(np.float64),
        "lonely_share": (pop.ucla >= 6).astype(np.float64),
        "wellbeing": pop.wellbeing.astype(np.float64),
        "belonging": pop.belonging.astype(np.float64),
        "lsns": pop.lsns.astype(np.float64),
        "isolated_share": (pop.lsns < 12).astype(np.float64),
        "network_size": pop.network_size.astype(np.float64),
        "social_capital": pop.social_capital.astype(np.float64),
    }


def population_means(pop) -> dict[str, float]:
    """The mean of each of citizen_outcomes, recorded every week: integer scores are summed
    exactly as integers (the same value as the float64 mean, without eight float64 copies)."""
    n = pop.n

    def mean_of(x):
        return int(x.sum(dtype=np.int64)) / n

    return {
        "loneliness": mean_of(pop.ucla),
        "lonely_share": np.count_nonzero(pop.ucla >= 6) / n,
        "wellbeing": float(pop.wellbeing.astype(np.float64).mean()),
        "belonging": float(pop.belonging.astype(np.float64).mean()),
        "lsns": mean_of(pop.lsns),
        "isolated_share": np.count_nonzero(pop.lsns < 12) / n,
        "network_size": mean_of(pop.network_size),
        "social_capital": mean_of(pop.social_capital),
    }


def subgroup_labels(pop) -> pd.DataFrame:
    member = {"digital_literacy": pop.low_literacy, "relational_history": pop.reldiff, "supported": pop.ever_supported}
    return pd.DataFrame({k: np.where(member[k], *SUBGROUPS[k]) for k in SUBGROUP_KEYS})


def subgroup_table(model) -> pd.DataFrame:
    """One row per subgroup: size, each outcome's start and end mean, mechanisms fired."""
    pop = model.pop
    df = subgroup_labels(pop)
    end = citizen_outcomes(pop)
    for k in OUTCOMES:
        df[f"{k}_start"] = model.start_values[k]
        df[f"{k}_end"] = end[k]
    for m in MECHANISMS:
        df[f"{m}_share"] = (pop.fired[m] > 0).astype(np.float64)
        df[f"{m}_mean"] = pop.fired[m].astype(np.float64)
    g = df.groupby(list(SUBGROUP_KEYS), observed=True)
    out = g.mean()
    out.insert(0, "n", g.size())
    return out.reset_index()
