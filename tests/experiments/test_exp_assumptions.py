"""Sweeps over the schema's assumptions: parameters taken from the schema by role, effects
against a contrast scenario (common random numbers), and the ranking of a screening."""

import copy
import json
import math
import threading

import numpy as np
import pandas as pd
import pytest

import exp_fake_runs as fake
from belonging.cli import main as cli_main
from experiments import Cancelled, SpecError, SweepError, load_spec, read_results, run_sweep
from experiments.ranking import NOT_SEPARATED, ranking, ranking_markdown
from experiments.spec import SPEC_DIR, allowed_outputs, output_values
from sim import BelongingModel, load_scenario
from sim.scenarios.schema import ROLES, parameter_table, parameters_by_role

FROM_SCHEMA = {"name": "fs", "base": "platform_with_support", "method": "morris", "samples": 2, "seed": 1,
               "citizens": 200, "weeks": 4, "outputs": ["lonely_share"],
               "parameters": {"from_schema": {"role": "uncertainty", "exclude_sections": ["costs"]}}}


def with_from_schema(**fs):
    d = copy.deepcopy(FROM_SCHEMA)
    d["parameters"]["from_schema"] = fs
    return d


def in_section(row, name):
    return row["section"] == name or row["section"].startswith(name + ".")


# -- [parameters.from_schema] -------------------------------------------------

def test_from_schema_takes_every_uncertainty_outside_the_excluded_sections_with_its_range():
    spec = load_spec(FROM_SCHEMA)
    rows = parameters_by_role("uncertainty")
    kept = [r for r in rows if not in_section(r, "costs")]
    assert len(kept) < len(rows)                      # costs holds uncertainties: the exclusion does something
    assert all(r["range"] is not None for r in kept)  # every uncertainty has a range today
    assert len(spec.parameters) == len(kept)
    assert [p.key for p in spec.parameters] == [r["key"] for r in kept]          # the schema's order
    by_key = {r["key"]: r for r in kept}
    for p in spec.parameters:
        r = by_key[p.key]
        assert list(p.bounds) == r["range"] and p.levels is None
        assert p.kind == r["type"]
        if r["type"] == "int":
            assert all(type(b) is int for b in p.bounds)
    assert any(p.kind == "int" for p in spec.parameters)
    # the normalised spec holds the expanded list (what the hash and the manifest see) and the directive
    assert list(spec.data["parameters"]) == [r["key"] for r in kept]
    assert spec.from_schema == {"role": "uncertainty", "sections": [], "exclude_sections": ["costs"],
                                "exclude": [], "discrete": False}
    # whole-number assumptions stay whole numbers within their range in the design
    _, points = spec.design()
    ints = [p for p in spec.parameters if p.kind == "int"]
    for pt in points[:50]:
        for p in ints:
            v = pt[p.key]
            assert type(v) is int and p.bounds[0] <= v <= p.bounds[1]


def test_from_schema_sections_exclusions_overrides_set_and_discrete_levers():
    d = with_from_schema(role="uncertainty", sections=["ties", "loneliness"], exclude=["ties.trial_weeks"])
    d["parameters"]["ties.decay_per_year"] = {"bounds": [0.1, 0.2]}      # replaces the expanded entry in place
    d["parameters"]["support.workers"] = {"bounds": [0, 30]}             # a lever added after the expansion
    d["set"] = {"loneliness.gap_weight": 0.5}                            # fixed: not swept
    spec = load_spec(d)
    expect = [r["key"] for r in parameters_by_role("uncertainty")
              if r["section"] in ("ties", "loneliness") and r["key"] not in ("ties.trial_weeks",
                                                                               "loneliness.gap_weight")]
    assert "loneliness.gap_weight" in {r["key"] for r in parameter_table()}
    assert [p.key for p in spec.parameters] == expect + ["support.workers"]
    p = {q.key: q for q in spec.parameters}
    assert p["ties.decay_per_year"].bounds == (0.1, 0.2)

    levers = [r for r in parameters_by_role("lever") if in_section(r, "support")]
    plain = load_spec(with_from_schema(role="lever", sections=["support"]))
    assert [q.key for q in plain.parameters] == [r["key"] for r in levers if r["range"] is not None]
    both = load_spec(with_from_schema(role="lever", sections=["support"], discrete=True))
    assert [q.key for q in both.parameters] == [r["key"] for r in levers]   # support.components.* too
    q = {x.key: x for x in both.parameters}
    assert q["support.components.coaching"].levels == (False, True)
    assert set(q["support.targeting"].levels) >= {"first_come", "needs_based"}


@pytest.mark.parametrize("fs, message", [
    ({"role": "assumption"}, r"'parameters.from_schema.role' has value 'assumption': one of lever, uncertainty, setting"),
    ({"role": "uncertainty", "exclude_sections": ["cost"]},
     r"'parameters.from_schema.exclude_sections' has value 'cost': a section of the scenario schema: .*costs"),
    ({"role": "uncertainty", "sections": ["tie"]}, r"'parameters.from_schema.sections' has value 'tie': .*ties"),
    ({"role": "uncertainty", "sections": ["run"]},
     r"'parameters.from_schema.sections' has value 'run': a section holding uncertainty parameters"),
    ({"role": "uncertainty", "exclude": ["ties.nope"]},
     r"'parameters.from_schema.exclude' has value 'ties.nope': a dotted key of a uncertainty parameter"),
    ({"role": "uncertainty", "exclude_section": ["costs"]},
     r"unknown key 'parameters.from_schema.exclude_section'.*allowed: role, sections, exclude_sections"),
    ({"role": "uncertainty", "discrete": "yes"}, r"'parameters.from_schema.discrete' has value 'yes': true or false"),
    ({"exclude_sections": ["costs"]}, r"missing key 'parameters.from_schema.role'"),
    ("uncertainty", r"'parameters.from_schema' has value 'uncertainty': a table"),
])
def test_from_schema_errors_name_key_value_and_allowed(fs, message):
    d = copy.deepcopy(FROM_SCHEMA)
    d["parameters"]["from_schema"] = fs
    with pytest.raises(SpecError, match=message):
        load_spec(d)


def test_from_schema_needs_a_sampling_method():
    d = copy.deepcopy(FROM_SCHEMA)
    d.update(method="factorial", samples=None)
    with pytest.raises(SpecError, match=r"only for sampling methods \(sobol, morris, fast\)"):
        load_spec(d)
    assert set(ROLES) == {"lever", "uncertainty", "setting"}


# -- contrast ------------------------------------------------------------------

CONTRAST = {"name": "eff", "base": "platform_with_support", "contrast": "baseline", "method": "morris",
            "samples": 2, "replicates": 1, "seed": 11, "citizens": 200, "weeks": 4,
            "outputs": ["lonely_share_effect", "lonely_share_contrast", "lonely_share", "belonging_change_effect",
                        "total_cost_effect"],
            "set": {"run.burn_in": 3},
            "parameters": {"loneliness.wanted_per_need": {"bounds": [3.0, 9.0]},
                           "ties.decay_per_year": {"bounds": [0.05, 0.3]}}}


def test_contrast_spec_errors():
    d = copy.deepcopy(CONTRAST)
    d.pop("contrast")
    with pytest.raises(SpecError, match=r"'outputs' has value 'lonely_share_effect': an effect or contrast output "
                                        r"needs a contrast scenario: add contrast = \"baseline\""):
        load_spec(d)
    with pytest.raises(SpecError, match=r"contrast scenario 'nowhere'"):
        load_spec({**CONTRAST, "contrast": "nowhere"})
    with pytest.raises(SpecError, match=r"'contrast' has value 'platform_with_support': a scenario that differs"):
        load_spec({**CONTRAST, "contrast": "platform_with_support"})
    with pytest.raises(SpecError, match=r"'contrast' has value 3"):
        load_spec({**CONTRAST, "contrast": 3})
    with pytest.raises(SpecError, match=r"'outputs' has value 'lonely_share_efect'"):
        load_spec({**CONTRAST, "outputs": ["lonely_share_efect"]})
    assert "lonely_share_change_effect" in allowed_outputs(contrast=True)
    assert "lonely_share_effect" not in allowed_outputs()


def direct(sc_name_or_scenario, overrides, seed):
    m = BelongingModel(load_scenario(sc_name_or_scenario, overrides), seed=seed)
    m.run()
    return m


def test_effects_equal_base_minus_contrast_run_directly_at_the_same_seed(tmp_path):
    spec = load_spec(CONTRAST)
    res = run_sweep(spec, out=tmp_path / "e", executor="serial")
    df = res.results
    assert len(df) == 2 * 3 and (df.status == "ok").all()
    X, points = spec.design()
    fixed = {"run.citizens": 200, "run.weeks": 4, "run.burn_in": 3}
    for i in (0, 4):
        r = df.iloc[i]
        over = {**fixed, **points[int(r.point)]}
        # the contrast keeps its own levers: started from the preset, not from the base
        b = direct("platform_with_support", over, int(r.seed))
        c = direct("baseline", over, int(r.seed))
        eff = b.outcomes()["lonely_share"]["end"] - c.outcomes()["lonely_share"]["end"]
        assert output_values(df.iloc[[i]], "lonely_share_effect")[0] == pytest.approx(eff, abs=1e-12)
        assert r.contrast_lonely_share_end == c.outcomes()["lonely_share"]["end"]
        assert r.lonely_share_end == b.outcomes()["lonely_share"]["end"]
        assert r.contrast_total_cost == c.total_cost() and r.total_cost == b.total_cost() > c.total_cost()
        bch = b.outcomes()["belonging"]["end"] - b.outcomes()["belonging"]["start"]
        cch = c.outcomes()["belonging"]["end"] - c.outcomes()["belonging"]["start"]
        assert output_values(df.iloc[[i]], "belonging_change_effect")[0] == pytest.approx(bch - cch, abs=1e-9)
    # the sampled assumption reaches the contrast too: the baseline's lonely share moves with it
    assert df.contrast_lonely_share_end.nunique() > 1
    assert (df.contrast_scenario_hash != df.scenario_hash).all()
    # the analysis covers the effect and contrast outputs
    ind = res.indices
    assert {"lonely_share_effect", "lonely_share_contrast", "total_cost_effect"} <= set(ind.output)
    mu = ind[(ind.output == "lonely_share_contrast") & (ind["index"] == "mu_star")].set_index("parameter")["value"]
    assert mu["loneliness.wanted_per_need"] > 0
    var = pd.read_csv(tmp_path / "e" / "variance.csv")
    assert "lonely_share_effect" in set(var.output)
    assert (tmp_path / "e" / "plot_lonely_share_effect.png").exists()
    assert "## lonely_share_effect" in (tmp_path / "e" / "ranking.md").read_text()
    man = json.loads((tmp_path / "e" / "manifest.json").read_text())
    assert man["contrast"] == "baseline" and man["contrast_scenario_hash"]
    assert man["spec"]["contrast"] == "baseline"


def test_contrast_sweep_cancelled_and_resumed_equals_an_uninterrupted_one(tmp_path):
    spec = load_spec(CONTRAST)
    ev = threading.Event()
    with pytest.raises(Cancelled):
        run_sweep(spec, out=tmp_path / "c", executor="serial", cancel=ev,
                  progress=lambda done, total, failed: ev.set() if done >= 2 else None)
    part = read_results(tmp_path / "c")
    assert len(part) == 2 and part.contrast_lonely_share_end.notna().all()
    res = run_sweep(spec, out=tmp_path / "c", executor="serial", resume=True)
    assert res.ran == 4
    ref = run_sweep(spec, out=tmp_path / "ref", executor="serial")
    drop = ["seconds", "session"]
    pd.testing.assert_frame_equal(res.results.drop(columns=drop), ref.results.drop(columns=drop))
    pd.testing.assert_frame_equal(res.indices, ref.indices)
    # another contrast is another spec: resuming is refused
    with pytest.raises(SweepError, match="differs in: contrast"):
        run_sweep(load_spec({**CONTRAST, "contrast": "platform_only"}), out=tmp_path / "c", executor="serial",
                  resume=True)


def test_specs_without_a_contrast_keep_their_hash_and_columns(tmp_path):
    d = copy.deepcopy(CONTRAST)
    d.pop("contrast")
    d["outputs"] = ["lonely_share"]
    spec = load_spec(d)
    assert "contrast" not in spec.data and spec.contrast is None
    res = run_sweep(spec, out=tmp_path / "n", executor="serial", run_fn=fake.linear)
    assert not [c for c in res.results.columns if c.startswith("contrast_")]


# -- ranking -------------------------------------------------------------------

def morris_rows(output, values):
    rows = []
    for name, (mu_star, conf, sigma) in values.items():
        rows.append({"output": output, "method": "morris", "parameter": name, "index": "mu_star",
                     "value": mu_star, "conf": conf, "ci_low": mu_star - conf, "ci_high": mu_star + conf})
        rows.append({"output": output, "method": "morris", "parameter": name, "index": "mu", "value": 0.0,
                     "conf": math.nan, "ci_low": math.nan, "ci_high": math.nan})
        rows.append({"output": output, "method": "morris", "parameter": name, "index": "sigma", "value": sigma,
                     "conf": math.nan, "ci_low": math.nan, "ci_high": math.nan})
    return rows


def test_ranking_orders_by_mu_star_and_marks_what_noise_hides():
    ind = pd.DataFrame(morris_rows("y", {"a": (0.5, 0.1, 0.2), "b": (0.8, 0.9, 1.0), "c": (math.nan, math.nan, 0),
                                         "d": (0.3, math.nan, 0.1), "e": (0.2, 0.2, 0.1)})
                       + morris_rows("z", {"a": (1.0, 0.1, 0.0), "b": (2.0, 0.1, 0.0)}))
    t = ranking(ind, "y")
    assert list(t.parameter) == ["b", "a", "d", "e", "c"] and list(t["rank"]) == [1, 2, 3, 4, 5]
    assert list(t.note) == [NOT_SEPARATED, "", "no interval", NOT_SEPARATED, "no variance"]
    assert list(t.separated) == [False, True, False, False, False]
    assert t.loc[0, "mu_star_conf"] == 0.9 and t.loc[0, "sigma"] == 1.0 and t.loc[1, "mu_star_low"] == pytest.approx(0.4)
    assert list(ranking(ind, "y", top=2).parameter) == ["b", "a"]
    assert list(ranking(ind, "z").parameter) == ["b", "a"]
    md = ranking_markdown(ind, "y", top=2)
    lines = md.splitlines()
    assert lines[0].startswith("| rank | parameter | mu_star [95% CI] | sigma |")
    assert lines[2].startswith("| 1 | b | 0.8 [-0.1, 1.7] | 1 | not separated from noise |")
    assert lines[3] == "| 2 | a | 0.5 [0.4, 0.6] | 0.2 | yes |"
    assert "top 2 of 5 parameters; 1 of 5 separated from noise" in md
    with pytest.raises(KeyError, match="output 'w' is not in these indices; outputs: y, z"):
        ranking(ind, "w")


def test_ranking_of_a_real_pipeline_morris_and_sobol(tmp_path):
    params = {"effects.support_effect": {"bounds": [0.0, 1.0]},
              "population.share_low_literacy": {"bounds": [0.0, 1.0]},
              "support.targeting": {"levels": ["first_come", "needs_based"]}}
    common = {"base": "baseline", "replicates": 1, "seed": 4, "citizens": 100, "weeks": 1,
              "outputs": ["lonely_share"], "parameters": params}
    morris = run_sweep(load_spec({"name": "m", "method": "morris", "samples": 10, **common}),
                       out=tmp_path / "m", executor="serial", run_fn=fake.linear)
    t = ranking(morris.indices, "lonely_share")
    assert list(t.parameter) == ["effects.support_effect", "population.share_low_literacy", "support.targeting"]
    assert list(t.separated) == [True, True, False]       # targeting does nothing: mu_star 0, interval 0
    sobol = run_sweep(load_spec({"name": "s", "method": "sobol", "samples": 64, **common}),
                      out=tmp_path / "s", executor="serial", run_fn=fake.linear)
    t = ranking(sobol.indices, "lonely_share")
    assert list(t.columns[:4]) == ["rank", "parameter", "ST", "ST_conf"]
    assert list(t.parameter[:2]) == ["effects.support_effect", "population.share_low_literacy"]
    assert not t.separated.iloc[2]


# -- the shipped screening and the CLI -----------------------------------------

def test_morris_assumptions_spec_screens_every_uncertainty_but_costs():
    spec = load_spec("morris_assumptions")
    assert spec.path == str(SPEC_DIR / "morris_assumptions.toml")
    expect = [r["key"] for r in parameters_by_role("uncertainty") if not in_section(r, "costs")]
    assert [p.key for p in spec.parameters] == expect
    assert spec.method == "morris" and spec.base == "platform_with_support" and spec.contrast == "baseline"
    assert {"lonely_share_contrast", "lonely_share_effect"} <= set(spec.outputs)
    assert not any(o.startswith("total_cost") for o in spec.outputs)          # costs are not screened
    assert spec.samples >= 10


def test_cli_sweep_with_contrast_from_schema_and_top(tmp_path, capsys):
    spec = tmp_path / "mini.toml"
    spec.write_text('base = "platform_with_support"\ncontrast = "baseline"\nmethod = "morris"\nsamples = 2\n'
                    'seed = 1\ncitizens = 150\nweeks = 3\noutputs = ["lonely_share_contrast", "lonely_share_effect"]\n'
                    '[set]\n"run.burn_in" = 2\n[parameters.from_schema]\nrole = "uncertainty"\n'
                    'sections = ["loneliness"]\n')
    n = len([r for r in parameters_by_role("uncertainty") if r["section"] == "loneliness"])
    assert cli_main(["sweep", str(spec), "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert f"Sweep mini: morris, {n} parameters (N=2): {2 * (n + 1)} points x 1 replicate" in err
    assert "against contrast baseline" in err and "every uncertainty with a range (sections ['loneliness'])" in err
    assert cli_main(["sweep", str(spec), "--out", str(tmp_path / "o"), "--workers", "1", "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert f"lonely_share_effect (mean" in out and f"top 3 of {n}" in out
    assert "lonely_share_contrast (mean" in out and "Only 2 trajectories" in out
    block = out.split("lonely_share_effect (mean")[1].split("\n\n")[0]
    assert len([ln for ln in block.splitlines() if ln.strip()[:1].isdigit()]) == 3
    assert "ranking.md" in out
    # a finished sweep resumed: nothing runs, the summary again
    assert cli_main(["sweep", str(spec), "--out", str(tmp_path / "o"), "--workers", "1", "--resume"]) == 0
    assert "(0 this session" in capsys.readouterr().out
