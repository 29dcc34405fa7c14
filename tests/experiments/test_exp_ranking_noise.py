"""The Morris noise floor: seed noise alone gives every parameter a positive mu_star whose
bootstrap interval lies above zero, so "separated from noise" must mean above the floor."""

from __future__ import annotations

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.sample import morris as morris_sample

from experiments.ranking import WITHIN_NOISE, morris_noise_floor, noise_floors, ranking


def _indices(problem, res, output="y") -> pd.DataFrame:
    rows = []
    for i, name in enumerate(problem["names"]):
        for idx, conf in (("mu_star", res["mu_star_conf"][i]), ("mu", np.nan), ("sigma", np.nan)):
            v = res[idx][i]
            rows.append({"output": output, "method": "morris", "index": idx, "parameter": name, "value": v,
                         "conf": conf, "ci_low": v - conf if np.isfinite(conf) else np.nan,
                         "ci_high": v + conf if np.isfinite(conf) else np.nan})
    return pd.DataFrame(rows)


def test_noise_floor_matches_pure_noise_and_keeps_it_out_of_the_ranking():
    rng = np.random.default_rng(3)
    names = ["real"] + [f"dummy{i}" for i in range(20)]
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    X = morris_sample.sample(problem, N=60, num_levels=4, seed=1)
    sd, R = 0.01, 2
    reps = np.stack([0.05 * X[:, 0] + rng.normal(0, sd, len(X)) for _ in range(R)])   # one real effect, seed noise
    Y = reps.mean(axis=0)
    res = morris_analyze.analyze(problem, X, Y, num_levels=4, seed=2)
    floor = morris_noise_floor(sd ** 2, R, 4)
    dummies = np.asarray(res["mu_star"][1:])
    assert abs(dummies.mean() / floor - 1) < 0.2, (dummies, floor)       # the floor is what noise gives
    assert (np.asarray(res["mu_star"][1:]) - np.asarray(res["mu_star_conf"][1:]) > 0).all()   # intervals clear 0
    table = ranking(_indices(problem, res), "y", floor=floor)
    verdict = dict(zip(table["parameter"], table["note"]))
    assert verdict["real"] == ""                                              # separated
    # noise is not a verdict: the floor is a one-sided test at 2.5%, so few dummies clear it by chance
    assert sum(verdict[d] != WITHIN_NOISE for d in names[1:]) <= 2, verdict


def test_noise_floors_need_replicates():
    var = pd.DataFrame({"output": ["a", "b"], "seed_var": [1e-4, np.nan]})
    floors = noise_floors(var, "morris", 2, {"num_levels": 4})
    assert floors["a"] > 0 and floors["b"] == 0.0
    assert noise_floors(var, "morris", 1, {"num_levels": 4}) == {"a": 0.0, "b": 0.0}
    assert noise_floors(var, "sobol", 2, {}) == {}
