"""Sweep specs: a TOML file naming the parameters, their bounds or levels, the method, the outputs.

    name = "sobol_policies"            # default: the file's stem; results go to results/sweeps/<name>/
    description = "..."
    base = "platform_with_support"     # the scenario every run starts from (preset or .toml path)
    method = "sobol"                   # sobol | morris | fast | factorial
    samples = 256                      # sobol: N (a power of 2); morris: trajectories; fast: N per parameter
    replicates = 2                     # seeds per sample point (outputs are averaged over them)
    seed = 20250101                    # every sample and run seed derives from it
    citizens = 2000
    weeks = 52
    outputs = ["lonely_share", "belonging_change", "total_cost"]
    common_random_numbers = true       # replicate r of every point uses the same seed (default)

    [options]                          # method options (see METHOD_OPTIONS)
    calc_second_order = false

    [set]                              # fixed overrides for every run
    "support.caseload" = 15

    [parameters]                       # dotted scenario keys
    "support.workers" = { bounds = [0, 30] }
    "support.targeting" = { levels = ["first_come", "low_literacy_first", "needs_based"] }
    "support.digital_training" = { levels = [false, true] }
    "activities.new_per_1000" = { bounds = [0, 4], steps = 3 }     # factorial: 0, 2, 4

Parameters from the schema's roles. Instead of repeating a range for each of ~180
assumptions, a spec can take every parameter of one role from sim/scenarios/schema.py,
with bounds = the parameter's plausible `range` from `parameter_table()`:

    [parameters.from_schema]
    role = "uncertainty"               # lever | uncertainty | setting (required)
    sections = ["ties", "loneliness"]  # optional: only these sections (a section includes its
                                       #   subsections: "support" takes "support.components" too)
    exclude_sections = ["costs"]       # optional: leave these sections out (same matching)
    exclude = ["ties.trial_weeks"]     # optional: leave single keys out
    discrete = false                   # optional: true also takes booleans and choices of the role,
                                       #   with every allowed value as a level

It expands, in the schema's order, to `"<key>" = { bounds = <range> }` for every parameter
of that role (whole-number parameters keep whole-number bounds). Left out: parameters
without a range (booleans and choices unless `discrete = true`; settings such as
`population.neighbourhood_size`), `run.*` (citizens, weeks and seeds come from the spec)
and keys fixed in `[set]`. Entries written out in `[parameters]` next to it replace the
expanded entry of the same key (in its place) or are added after the expanded ones. The
expansion needs a sampling method (sobol, morris, fast: a factorial would need levels).
The normalised spec (`spec.data`, the manifest's "spec", the spec hash) holds the expanded
list, so a changed range in the schema is a different spec and `--resume` refuses it;
`spec.from_schema` (and the manifest's "parameters_from_schema") keeps the directive.

Effects against a contrast scenario. With

    contrast = "baseline"              # a preset name or a scenario .toml path

every run (sample point x replicate) also runs the contrast scenario with the same sampled
parameter values, the same `[set]`, citizens and weeks, and the same seed (common random
numbers between the two scenarios). Everything else of the contrast (its levers) stays as
the contrast scenario has it. Outputs may then also be `<output>_effect` (base minus
contrast, run by run) and `<output>_contrast` (the contrast's value), for any output
below: e.g. "lonely_share_effect", "lonely_share_contrast", "belonging_change_effect",
"total_cost_effect". The contrast's numbers are stored in the same run row, in columns
prefixed `contrast_` (`contrast_lonely_share_end`, `contrast_total_cost`, ...). A swept
lever is applied to both scenarios, which is rarely what an effect means: sweep
uncertainties when you measure an effect.

Outputs are outcome names (the value at the end of the run), `<outcome>_change` (end
minus start), `total_cost` or `no_longer_lonely` (and, with a contrast, each of these
with `_effect` or `_contrast` appended). Integer parameters are sampled
uniformly over whole numbers within their bounds (inclusive); booleans and choices take
`levels`, mapped from SALib's unit interval to equal slices (one per level).
Everything is checked before anything runs; a wrong spec raises SpecError naming the
key, the value and what is allowed.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

SPEC_DIR = Path(__file__).parent
METHODS = ("sobol", "morris", "fast", "factorial")
METHOD_OPTIONS = {
    "sobol": {"calc_second_order": False, "num_resamples": 200, "conf_level": 0.95},
    "morris": {"num_levels": 4, "num_resamples": 200, "conf_level": 0.95},
    "fast": {"M": 4, "num_resamples": 200, "conf_level": 0.95},
    "factorial": {"num_resamples": 200, "conf_level": 0.95},
}
TOP_KEYS = ("name", "description", "base", "contrast", "method", "samples", "replicates", "seed", "citizens",
            "weeks", "outputs", "common_random_numbers", "options", "set", "parameters")
PARAM_KEYS = ("bounds", "levels", "steps")
EXTRA_OUTPUTS = ("total_cost", "no_longer_lonely")
FROM_SCHEMA = "from_schema"
FROM_SCHEMA_KEYS = ("role", "sections", "exclude_sections", "exclude", "discrete")
CONTRAST_PREFIX = "contrast_"               # columns of the contrast run in a results row
CONTRAST_SUFFIXES = ("_effect", "_contrast")
MAX_STEPS = 10_000         # levels of one factorial parameter made from bounds and steps
SOBOL_MIN_SAMPLES = 16     # below it Saltelli's S1/ST often leave 0..1 (N=8: max 1.65 over 20 seeds of a linear model)


class SpecError(ValueError):
    """A sweep spec that cannot run, naming the key, the value and what is allowed."""


def allowed_outputs(contrast: bool = False) -> list[str]:
    """The output names a spec may ask for; with contrast=True also `<output>_effect` and `<output>_contrast`."""
    from sim import OUTCOMES
    plain = list(OUTCOMES) + [f"{o}_change" for o in OUTCOMES] + list(EXTRA_OUTPUTS)
    if not contrast:
        return plain
    return plain + [o + suffix for suffix in CONTRAST_SUFFIXES for o in plain]


def _column_values(df, output: str, prefix: str = "") -> np.ndarray:
    if output.endswith("_change"):
        o = output[: -len("_change")]
        return (df[f"{prefix}{o}_end"] - df[f"{prefix}{o}_start"]).to_numpy(dtype=np.float64)
    if output in EXTRA_OUTPUTS:
        return df[prefix + output].to_numpy(dtype=np.float64)
    return df[f"{prefix}{output}_end"].to_numpy(dtype=np.float64)


def output_values(df, output: str) -> np.ndarray:
    """The values of one output from a results frame (end, end - start, or a cost column);
    `<output>_contrast` reads the contrast run's columns, `<output>_effect` is base minus contrast."""
    if output.endswith("_effect"):
        o = output[: -len("_effect")]
        return _column_values(df, o) - _column_values(df, o, CONTRAST_PREFIX)
    if output.endswith("_contrast"):
        return _column_values(df, output[: -len("_contrast")], CONTRAST_PREFIX)
    return _column_values(df, output)


def _field_kind(key: str):
    """(kind, choices) of a dotted scenario key: kind in float, int, bool, choice; None if unknown."""
    from sim import Scenario
    from sim.scenarios.schema import Section
    cls = Scenario
    parts = key.split(".")
    for i, part in enumerate(parts):
        if not (isinstance(cls, type) and issubclass(cls, Section)) or part not in cls.model_fields:
            return None, None
        ann = cls.model_fields[part].annotation
        if i < len(parts) - 1:
            cls = ann
            continue
        if isinstance(ann, type) and issubclass(ann, Section):
            return "section", None
        if ann is bool:
            return "bool", (False, True)
        if ann is int:
            return "int", None
        if ann is float:
            return "float", None
        if typing.get_origin(ann) is typing.Literal:
            args = typing.get_args(ann)
            if len(args) == 1 and isinstance(args[0], tuple):
                args = args[0]
            return "choice", tuple(args)
        return "other", None
    return None, None


@dataclass
class Parameter:
    key: str
    kind: str                        # float | int | bool | choice
    bounds: tuple | None = None      # numeric, inclusive
    levels: tuple | None = None      # discrete values

    @property
    def discrete(self) -> bool:
        return self.levels is not None

    def salib_bounds(self) -> list[float]:
        if self.levels is not None:
            return [0.0, float(len(self.levels))]
        lo, hi = self.bounds
        if self.kind == "int":
            return [float(lo), float(hi) + 1.0]
        return [float(lo), float(hi)]

    def decode(self, x: float):
        """A SALib sample value -> the scenario value (levels by equal slices, ints floored)."""
        if self.levels is not None:
            i = min(max(int(math.floor(x)), 0), len(self.levels) - 1)
            return self.levels[i]
        lo, hi = self.bounds
        if self.kind == "int":
            return int(min(max(math.floor(x), lo), hi))
        return float(min(max(x, lo), hi))

    def describe(self) -> str:
        if self.levels is not None:
            return "levels " + ", ".join(json.dumps(v) for v in self.levels)
        return f"{self.bounds[0]} to {self.bounds[1]}" + (" (whole numbers)" if self.kind == "int" else "")


@dataclass
class SweepSpec:
    name: str
    description: str
    base: str
    base_scenario: Any                     # sim.Scenario with [set], citizens and weeks applied
    method: str
    samples: int | None
    replicates: int
    seed: int
    citizens: int
    weeks: int
    outputs: list[str]
    crn: bool
    options: dict
    fixed: dict
    parameters: list[Parameter]
    data: dict = field(repr=False)         # the normalised spec (what the manifest stores)
    path: str | None = None
    contrast: str | None = None            # the contrast scenario's name or path (None: no contrast)
    contrast_scenario: Any = None          # sim.Scenario with [set], citizens and weeks applied
    from_schema: dict | None = None        # the normalised [parameters.from_schema] directive, if any

    @property
    def spec_hash(self) -> str:
        return hashlib.sha256(json.dumps(self.data, sort_keys=True).encode()).hexdigest()[:16]

    def problem(self) -> dict:
        return {"names": [p.key for p in self.parameters], "num_vars": len(self.parameters),
                "bounds": [p.salib_bounds() for p in self.parameters], "outputs": list(self.outputs)}

    def problem_spec(self):
        from SALib import ProblemSpec
        pr = self.problem()
        return ProblemSpec({"names": pr["names"], "bounds": pr["bounds"], "outputs": pr["outputs"]})

    def design(self):
        """(X, points): X the sample matrix in SALib space (None for factorial), points a list of
        {key: scenario value}. Deterministic in the spec (seeded sampling)."""
        if self.method == "factorial":
            combos = list(itertools.product(*[p.levels for p in self.parameters]))
            return None, [dict(zip((p.key for p in self.parameters), c)) for c in combos]
        sp = self.problem_spec()
        if self.method == "sobol":
            sp.sample_sobol(self.samples, calc_second_order=self.options["calc_second_order"], seed=self.seed)
        elif self.method == "morris":
            sp.sample_morris(self.samples, num_levels=self.options["num_levels"], seed=self.seed)
        elif self.method == "fast":
            sp.sample_fast(self.samples, M=self.options["M"], seed=self.seed)
        X = np.asarray(sp.samples, dtype=np.float64)
        points = [{p.key: p.decode(x) for p, x in zip(self.parameters, row)} for row in X]
        return X, points

    def run_seed(self, point: int, replicate: int) -> int:
        """The model seed of one run: from the spec seed and (replicate) or (point, replicate)."""
        key = (replicate,) if self.crn else (point, replicate)
        ss = np.random.SeedSequence(self.seed, spawn_key=key)
        return int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))

    def n_points(self) -> int:
        """The number of sample points, from the method's formula (the design is not built)."""
        D = len(self.parameters)
        if self.method == "factorial":
            return math.prod(len(p.levels) for p in self.parameters)
        if self.method == "sobol":
            return self.samples * (2 * D + 2 if self.options["calc_second_order"] else D + 2)
        if self.method == "morris":
            return self.samples * (D + 1)
        return self.samples * D          # fast

    def n_runs(self) -> int:
        return self.n_points() * self.replicates


def resolve_spec_path(name_or_path: str | Path) -> Path:
    """A path, or the stem of a spec shipped in experiments/ (e.g. 'sobol_policies')."""
    from sim.scenarios.loader import existing_file

    p = existing_file(name_or_path, "sweep spec", SpecError)     # a folder, NUL byte, too long name: SpecError
    if p is not None:
        return p
    p = Path(name_or_path)
    if p.suffix != ".toml" and os.path.isfile(SPEC_DIR / f"{p.name}.toml"):
        return SPEC_DIR / f"{p.name}.toml"
    shipped = ", ".join(sorted(q.stem for q in SPEC_DIR.glob("*.toml")))
    raise SpecError(f"sweep spec {str(name_or_path)!r}: no such file; specs shipped in experiments/: {shipped}")


def load_spec(source: str | Path | dict, overrides: dict | None = None) -> SweepSpec:
    """Read and validate a spec (a path, a shipped spec's name, or a dict as read from TOML).

    overrides: top-level values replacing the file's (e.g. {"samples": 16, "citizens": 500}).
    """
    path = None
    from sim.scenarios.loader import MAX_DEPTH, _depth_over, read_toml

    if isinstance(source, dict):
        if _depth_over(source, MAX_DEPTH):
            raise SpecError(f"sweep spec: tables or arrays nested more than {MAX_DEPTH} levels deep")
        data = json.loads(json.dumps(source))
        origin = "sweep spec"
    else:
        path = resolve_spec_path(source)
        origin = f"sweep spec {path}"
        # read_toml: unreadable, not UTF-8 (a UTF-8 byte-order mark is skipped), malformed or too deep -> SpecError
        data = read_toml(path, origin, SpecError, what="sweep spec")
        if not data:
            raise SpecError(f"{origin}: the file holds no values (it is empty or only comments); a spec needs "
                            "base, method, parameters and outputs")
        data.setdefault("name", path.stem)
    for k, v in (overrides or {}).items():
        if v is not None:
            data[k] = v
    spec = _validate(data, origin)
    spec.path = str(path) if path else None
    return spec


def _err(origin, key, value, allowed) -> SpecError:
    return SpecError(f"{origin}: key {key!r} has value {value!r}: {allowed}")


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _validate(data: dict, origin: str) -> SweepSpec:
    from sim import ScenarioError, load_scenario

    unknown = [k for k in data if k not in TOP_KEYS]
    if unknown:
        raise SpecError(f"{origin}: unknown key {unknown[0]!r} (value {data[unknown[0]]!r}); "
                        f"allowed keys: {', '.join(TOP_KEYS)}")
    for req in ("base", "method", "parameters", "outputs"):
        if req not in data:
            raise SpecError(f"{origin}: missing key {req!r}; a spec needs base, method, parameters and outputs")
    name = data.get("name", "sweep")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_. -]{0,99}", name):
        raise _err(origin, "name", name, "1-100 letters, digits, '_', '-', '.' or spaces, starting with a letter "
                   "or digit (it names the results folder and is shown on the dashboard)")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise _err(origin, "description", description, "a text")
    method = data["method"]
    if method not in METHODS:
        raise _err(origin, "method", method, f"one of {', '.join(METHODS)}")
    replicates = data.get("replicates", 1)
    if not _is_int(replicates) or not 1 <= replicates <= 10_000:
        raise _err(origin, "replicates", replicates, "a whole number from 1 to 10000")
    seed = data.get("seed", 0)
    if not _is_int(seed) or not 0 <= seed < 2**63:
        raise _err(origin, "seed", seed, "a whole number from 0 to 2**63 - 1")
    crn = data.get("common_random_numbers", True)
    if not isinstance(crn, bool):
        raise _err(origin, "common_random_numbers", crn, "true or false")

    # options
    opts = data.get("options", {})
    if not isinstance(opts, dict):
        raise _err(origin, "options", opts, "a table of method options")
    allowed_opts = METHOD_OPTIONS[method]
    for k in opts:
        if k not in allowed_opts:
            raise SpecError(f"{origin}: unknown option {'options.' + k!r} (value {opts[k]!r}) for method {method!r}; "
                            f"allowed: {', '.join(allowed_opts) }")
    options = {**allowed_opts, **opts}
    if not isinstance(options.get("calc_second_order", False), bool):
        raise _err(origin, "options.calc_second_order", options["calc_second_order"], "true or false")
    if not _is_int(options["num_resamples"]) or options["num_resamples"] < 10:
        raise _err(origin, "options.num_resamples", options["num_resamples"], "a whole number >= 10")
    if not _is_num(options["conf_level"]) or not 0 < options["conf_level"] < 1:
        raise _err(origin, "options.conf_level", options["conf_level"], "a number between 0 and 1, e.g. 0.95")
    if method == "morris" and (not _is_int(options["num_levels"]) or options["num_levels"] < 2
                               or options["num_levels"] % 2):
        raise _err(origin, "options.num_levels", options["num_levels"], "an even whole number >= 2 (e.g. 4)")
    if method == "fast" and (not _is_int(options["M"]) or options["M"] < 1):
        raise _err(origin, "options.M", options["M"], "a whole number >= 1 (interference factor, usually 4)")

    # samples
    samples = data.get("samples")
    if method == "factorial":
        if samples is not None:
            raise _err(origin, "samples", samples, "not used by factorial (every combination of levels runs); "
                                                   "remove it")
    else:
        if not _is_int(samples) or samples < 1:
            raise _err(origin, "samples", samples, {
                "sobol": "a power of 2 (N of Saltelli's scheme; runs = N (D + 2) x replicates)",
                "morris": "the number of trajectories, >= 2 (runs = trajectories (D + 1) x replicates)",
                "fast": "a whole number > 4 M^2 (runs = samples x D x replicates)"}[method])
        if method == "sobol" and samples < SOBOL_MIN_SAMPLES:
            raise _err(origin, "samples", samples, f"at least {SOBOL_MIN_SAMPLES} for Sobol indices (a power of 2): "
                                                   "with fewer, Saltelli's estimates often fall outside 0..1 "
                                                   "(samples = 1 gave indices of 2.000)")
        if method == "sobol" and samples & (samples - 1):
            lo = 1 << (samples.bit_length() - 1)
            raise _err(origin, "samples", samples, f"a power of 2 for Sobol sampling (nearest: {lo} or {lo * 2})")
        if method == "morris" and samples < 2:
            raise _err(origin, "samples", samples, "at least 2 trajectories")
        if method == "fast" and samples <= 4 * options["M"] ** 2:
            raise _err(origin, "samples", samples, f"more than 4 M^2 = {4 * options['M'] ** 2} for eFAST")

    # outputs
    outputs = data["outputs"]
    has_contrast = data.get("contrast") is not None
    allowed = allowed_outputs(contrast=has_contrast)
    if isinstance(outputs, str):
        outputs = [outputs]
    if not isinstance(outputs, list) or not outputs:
        raise _err(origin, "outputs", outputs, f"a non-empty list of: {', '.join(allowed)}")
    for o in outputs:
        if o not in allowed:
            if (not has_contrast and isinstance(o, str) and o.endswith(CONTRAST_SUFFIXES)
                    and o in allowed_outputs(contrast=True)):
                raise _err(origin, "outputs", o, "an effect or contrast output needs a contrast scenario: add "
                                                 'contrast = "baseline" (or another preset or .toml path) to the spec')
            raise _err(origin, "outputs", o, f"one of {', '.join(allowed)}")
    if len(set(outputs)) != len(outputs):
        dup = next(o for o in outputs if outputs.count(o) > 1)
        raise _err(origin, "outputs", dup, "each output once")

    # base scenario with fixed overrides, citizens, weeks: validated by sim
    base = data["base"]
    if not isinstance(base, str):
        raise _err(origin, "base", base, "a preset name or the path of a scenario .toml file")
    fixed = data.get("set", {})
    if not isinstance(fixed, dict):
        raise _err(origin, "set", fixed, 'a table of dotted scenario keys, e.g. "support.caseload" = 15')
    _check_unquoted(origin, "set", fixed, lambda v: isinstance(v, dict))
    for k, v in fixed.items():
        if isinstance(v, dict):
            raise _err(origin, f"set.{k}", v, 'a value; write dotted keys in quotes: "support.caseload" = 15')
        if k in ("run.seed",):
            raise _err(origin, f"set.{k}", v, "not settable: every run's seed derives from the spec's seed")
    over = dict(fixed)
    for k in ("citizens", "weeks"):
        if k in data:
            if not _is_int(data[k]):
                raise _err(origin, k, data[k], "a whole number")
            over[f"run.{k}"] = data[k]
    try:
        base_sc = load_scenario(base, over)
    except ScenarioError as exc:
        raise SpecError(f"{origin}: base scenario {base!r} with [set], citizens and weeks:\n{exc}") from None

    # the contrast scenario: the same [set], citizens and weeks, its own levers
    contrast = data.get("contrast")
    contrast_sc = None
    if contrast is not None:
        if not isinstance(contrast, str) or not contrast:
            raise _err(origin, "contrast", contrast, "a preset name or the path of a scenario .toml file "
                                                     '(the scenario the base is compared with, e.g. "baseline")')
        try:
            contrast_sc = load_scenario(contrast, over)
        except ScenarioError as exc:
            raise SpecError(f"{origin}: contrast scenario {contrast!r} with [set], citizens and weeks:\n{exc}") from None
        from sim import scenario_hash
        if scenario_hash(contrast_sc) == scenario_hash(base_sc):
            raise _err(origin, "contrast", contrast, f"a scenario that differs from the base {base!r} "
                                                     "(the same scenario has no effect to measure)")

    # parameters
    params_in = data["parameters"]
    if not isinstance(params_in, dict) or not params_in:
        raise _err(origin, "parameters", params_in,
                   'a table of dotted scenario keys, e.g. "support.workers" = { bounds = [0, 30] }, '
                   'or [parameters.from_schema] role = "uncertainty"')
    _check_unquoted(origin, "parameters", params_in,
                    lambda v: (isinstance(v, dict) and bool(v) and not (set(v) & set(PARAM_KEYS))
                               and all(isinstance(x, dict) for x in v.values())), skip=(FROM_SCHEMA,))
    from_schema = None
    if FROM_SCHEMA in params_in:
        params_in = dict(params_in)
        from_schema, expanded = _expand_from_schema(origin, params_in.pop(FROM_SCHEMA), method, fixed)
        explicit = params_in
        params_in = {k: explicit.get(k, v) for k, v in expanded.items()}
        params_in.update({k: v for k, v in explicit.items() if k not in expanded})
        if not params_in:
            raise _err(origin, f"parameters.{FROM_SCHEMA}", from_schema,
                       "a selection holding at least one parameter with a range (none is left)")
    parameters = []
    for key, ps in params_in.items():
        parameters.append(_parameter(origin, key, ps, method, base_sc, contrast_sc))
    if method != "factorial" and len(parameters) < 2:
        raise _err(origin, "parameters", list(params_in), f"at least two parameters for {method} "
                                                          "(with one, all variance belongs to it)")
    clash = [p.key for p in parameters if p.key in fixed]
    if clash:
        raise _err(origin, f"set.{clash[0]}", fixed[clash[0]], "not also a swept parameter; remove one of the two")

    norm = {
        "name": name, "description": description, "base": base, "method": method, "samples": samples,
        "replicates": replicates, "seed": seed, "citizens": base_sc.run.citizens, "weeks": base_sc.run.weeks,
        "outputs": list(outputs), "common_random_numbers": crn, "options": options, "set": fixed,
        "parameters": {p.key: ({"levels": list(p.levels)} if p.levels is not None else {"bounds": list(p.bounds)})
                       for p in parameters},
    }
    if contrast is not None:          # only when set, so that specs without one keep their hash
        norm["contrast"] = contrast
    return SweepSpec(name=name, description=description, base=base, base_scenario=base_sc, method=method,
                     samples=samples, replicates=replicates, seed=seed, citizens=base_sc.run.citizens,
                     weeks=base_sc.run.weeks, outputs=list(outputs), crn=crn, options=options, fixed=fixed,
                     parameters=parameters, data=norm, contrast=contrast, contrast_scenario=contrast_sc,
                     from_schema=from_schema)


def _nested_keys(table: dict, prefix: str, is_nested) -> list[str]:
    """The dotted keys of the leaves of a table written without quotes (support.workers = ... or
    [parameters.support]): TOML reads those as nested tables, not as one dotted key."""
    out = []
    for k, v in table.items():
        key = f"{prefix}.{k}"
        if isinstance(v, dict) and is_nested(v):
            out += _nested_keys(v, key, is_nested)
        else:
            out.append(key)
    return out


def _check_unquoted(origin: str, where: str, table: dict, is_nested, skip: tuple = ()) -> None:
    """A dotted scenario key under [parameters] or [set] must be quoted ("support.workers" = ...);
    unquoted, TOML nests it (support = {workers = ...}). Say so, and say when a key is given twice
    (quoted and unquoted), instead of calling the nested table an unknown key."""
    for k, v in table.items():
        if k in skip or not (isinstance(v, dict) and is_nested(v)):
            continue
        leaves = _nested_keys(v, k, is_nested)
        twice = [x for x in leaves if x in table]
        if twice:
            raise SpecError(f"{origin}: key {twice[0]!r} is given twice under [{where}]: once quoted "
                            f"(\"{twice[0]}\" = ...) and once unquoted ({twice[0]} = ... or a [{where}.{k}] "
                            "table, which TOML reads as a nested table); keep one, written in quotes")
        example = leaves[0] if leaves else k
        raise SpecError(f"{origin}: [{where}] holds {example!r} written without quotes ({example} = ... or a "
                        f"[{where}.{k}] table), which TOML reads as a nested table {k!r}; write each dotted key "
                        f"in quotes: \"{example}\" = ...")


def _schema_sections() -> list[str]:
    """Every section name of the scenario schema (dotted for subsections, e.g. support.components)."""
    from sim.scenarios.schema import parameter_table
    return list(dict.fromkeys(r["section"] for r in parameter_table()))


def _in_sections(section: str, names) -> bool:
    return any(section == n or section.startswith(n + ".") for n in names)


def _check_table(origin: str, where: str, value, allowed: tuple, expected: str) -> None:
    """A spec entry that must be a table with only the allowed keys (SpecError naming the first that is not)."""
    if not isinstance(value, dict):
        raise _err(origin, where, value, expected)
    for k in value:
        if k not in allowed:
            raise SpecError(f"{origin}: unknown key {where + '.' + k!r} (value {value[k]!r}); allowed: "
                            f"{', '.join(allowed)}")


def _expand_from_schema(origin: str, fs, method: str, fixed: dict) -> tuple[dict, dict]:
    """([parameters.from_schema] normalised, {key: {"bounds": range} or {"levels": [...]}}) in schema order."""
    from sim.scenarios.schema import ROLES, parameter_table

    where = f"parameters.{FROM_SCHEMA}"
    _check_table(origin, where, fs, FROM_SCHEMA_KEYS, 'a table, e.g. role = "uncertainty", exclude_sections = ["costs"]')
    if "role" not in fs:
        raise SpecError(f"{origin}: missing key {where + '.role'!r}; one of {', '.join(ROLES)}")
    role = fs["role"]
    if role not in ROLES:
        raise _err(origin, where + ".role", role, f"one of {', '.join(ROLES)}")
    if method == "factorial":
        raise _err(origin, where, fs, "only for sampling methods (sobol, morris, fast): a factorial design needs "
                                      "levels for every parameter; write them out in [parameters]")
    sections = _schema_sections()
    lists = {}
    for k in ("sections", "exclude_sections", "exclude"):
        v = fs.get(k, [])
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise _err(origin, f"{where}.{k}", v, "a list of names")
        lists[k] = v
    rows = parameter_table()
    role_sections = list(dict.fromkeys(r["section"] for r in rows if r["role"] == role))
    for k in ("sections", "exclude_sections"):
        for sname in lists[k]:
            if sname not in sections:
                raise _err(origin, f"{where}.{k}", sname, f"a section of the scenario schema: {', '.join(sections)}")
            if not any(_in_sections(r, [sname]) for r in role_sections):
                raise _err(origin, f"{where}.{k}", sname, f"a section holding {role} parameters: "
                                                          f"{', '.join(role_sections)}")
    role_keys = [r["key"] for r in rows if r["role"] == role]
    for key in lists["exclude"]:
        if key not in role_keys:
            raise _err(origin, f"{where}.exclude", key, f"a dotted key of a {role} parameter "
                                                        f"(e.g. {', '.join(role_keys[:3])})")
    discrete = fs.get("discrete", False)
    if not isinstance(discrete, bool):
        raise _err(origin, f"{where}.discrete", discrete, "true or false (take booleans and choices too)")
    out = {}
    for r in rows:
        key = r["key"]
        if r["role"] != role or key.startswith("run.") or key in fixed or key in lists["exclude"]:
            continue
        if lists["sections"] and not _in_sections(r["section"], lists["sections"]):
            continue
        if _in_sections(r["section"], lists["exclude_sections"]):
            continue
        if r["range"] is not None:
            lo, hi = r["range"]
            if r["type"] == "int":
                lo, hi = int(lo), int(hi)
            elif r["type"] == "float":
                lo, hi = float(lo), float(hi)
            out[key] = {"bounds": [lo, hi]}
        elif discrete:
            kind, choices = _field_kind(key)
            if kind in ("bool", "choice"):
                out[key] = {"levels": list(choices)}
    norm = {"role": role, "sections": lists["sections"], "exclude_sections": lists["exclude_sections"],
            "exclude": lists["exclude"], "discrete": discrete}
    return norm, out


def _parameter(origin, key, ps, method, base_sc, contrast_sc=None) -> Parameter:
    from sim import ScenarioError, load_scenario

    where = f"parameters.{key}"
    _check_table(origin, where, ps, PARAM_KEYS, "a table with bounds = [low, high] or levels = [...]")
    if key.startswith("run."):
        raise _err(origin, where, ps, "run.* cannot be swept: set citizens and weeks at the top of the spec; "
                                      "seeds derive from the spec's seed")
    kind, choices = _field_kind(key)
    sample_value = (ps.get("levels") or ps.get("bounds") or [None])[0]

    def check(value):
        for what, sc in (("", base_sc), (" (in the contrast scenario)", contrast_sc)):
            if sc is None:
                continue
            try:
                load_scenario(sc, {key: value})
            except ScenarioError as exc:
                raise SpecError(f"{origin}: parameter {key!r}{what}: {exc}") from None

    if kind is None:
        check(sample_value)          # sim names the unknown key and what is allowed
        raise _err(origin, where, ps, "not a scenario parameter")
    if kind in ("section", "other"):
        raise _err(origin, where, ps, "not a sweepable value (a section or a text); name a number, "
                                      "a true/false or a choice inside it")
    has_b, has_l = "bounds" in ps, "levels" in ps
    if has_b == has_l:
        allowed = ("levels = [...] (whole numbers: bounds = [low, high] also works)" if kind == "int" else
                   "bounds = [low, high] or levels = [...]" if kind == "float" else
                   f"levels = a list from {list(choices)}")
        raise _err(origin, where, ps, f"exactly one of bounds or levels: {allowed}")
    if has_b:
        b = ps["bounds"]
        if kind in ("bool", "choice"):
            raise _err(origin, where + ".bounds", b, f"{key} is a {'true/false' if kind == 'bool' else 'choice'}: "
                                                     f"use levels = a list from {list(choices)}")
        if not (isinstance(b, list) and len(b) == 2 and all(_is_num(x) for x in b)):
            raise _err(origin, where + ".bounds", b, "[low, high], two numbers")
        if kind == "int" and not all(_is_int(x) for x in b):
            raise _err(origin, where + ".bounds", b, f"{key} is a whole number: give whole-number bounds")
        if not b[0] < b[1]:
            raise _err(origin, where + ".bounds", b, "low < high")
        cast = int if kind == "int" else float
        for x in b:
            check(cast(x))
        if "steps" in ps:
            s = ps["steps"]
            if not _is_int(s) or not 2 <= s <= MAX_STEPS:
                raise _err(origin, where + ".steps", s, f"a whole number from 2 to {MAX_STEPS} (evenly spaced "
                                                        "levels from low to high; every combination of levels runs)")
            if method != "factorial":
                raise _err(origin, where + ".steps", s, f"only for factorial designs; {method} samples within bounds")
            vals = np.linspace(b[0], b[1], s)
            levels = tuple(dict.fromkeys(int(round(v)) for v in vals)) if kind == "int" else \
                tuple(float(v) for v in vals)
            return Parameter(key, kind, levels=levels)
        if method == "factorial":
            raise _err(origin, where, ps, "a factorial design needs levels = [...] or bounds with steps = k")
        return Parameter(key, kind, bounds=(cast(b[0]), cast(b[1])))
    if "steps" in ps:
        raise _err(origin, where + ".steps", ps["steps"], "only with bounds")
    lv = ps["levels"]
    if not isinstance(lv, list) or len(lv) < 1:
        raise _err(origin, where + ".levels", lv, "a non-empty list")
    if len(lv) < 2:
        raise _err(origin, where + ".levels", lv, "at least two levels (a fixed value belongs in [set]; "
                                                  "a parameter with one level has no effect to measure)")
    out = []
    for v in lv:
        if kind == "float" and _is_num(v):
            v = float(v)
        if kind == "choice" and v not in choices:
            raise _err(origin, where + ".levels", v, f"one of {', '.join(map(str, choices))}")
        check(v)
        out.append(v)
    if len(set(map(json.dumps, out))) != len(out):
        raise _err(origin, where + ".levels", lv, "each level once")
    return Parameter(key, kind, levels=tuple(out))
