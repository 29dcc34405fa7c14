"""The yardstick: a plain, textbook Mesa 3.5 model of the same core tie mechanics as sim.

One Python `mesa.Agent` per citizen, ties as a networkx Graph (edge attributes),
and a per-agent `step()` called through `model.agents.shuffle_do("step")`, the way
the Mesa tutorials write a network model. benchmarks/run.py runs it next to the
array-based model (sim) and reports how many citizen-weeks per second each manages.
sim never imports this module; it imports nothing from sim either.

What it covers (constants copied from the defaults in sim/scenarios/schema.py and
the formulas of sim/mechanisms/activities.py, ties.py and outcomes.py):

- Start: ~8 ties per citizen (as the model has after its burn-in): ~2.2 kin anywhere
  (60-300 h), friends mostly in the same neighbourhood of 500 (20-250 h).
- Chance meetings (activities.py `_encounters`): with weekly chance
  encounter_rate * withdrawal * (1 + 2 unmet need) a citizen runs into a random
  neighbour; an existing tie gets contact, otherwise a tie forms with chance
  0.15 q (0.5 + confidence). Unmet need = max(gap, 0) from last week's outcomes.
- Introductions (ties.py `_introductions`): with weekly chance introduction_rate *
  withdrawal a random friend introduces one of their friends; a tie forms with
  chance 0.3 (0.5 + q).
- Contact and strengthening (ties.py `_dynamics`): weekly chance of contact
  0.05 + 0.85 sqrt(min(s, 200) / 200) (+ 0.6 q on trial) times both ends' withdrawal;
  contact adds hours_per_meeting (x (1 + 2 q) on trial).
- Decay without contact: s *= 1 - (d_friend (x kin_decay_ratio for kin) + weak_decay exp(-s / 25)),
  capped at 400 h.
- Breaking: faded ties (s < 2 h) break; trial ties with chance early_break (1 - q)
  (1 + fragility rd); any tie with the yearly turnover of ties.py.
- Outcomes (outcomes.py): actual relationships A = sum of sqrt(min(s, 200) / 200)
  over ties, wanted W = 1 + 6 need; latent loneliness from the gap (W - A) / W, a
  trait and an AR(1) shock; UCLA-3 = clip(round(4.4 + 4 lam), 3, 9); belonging
  GBS = 12 + 72 clip(0.7 A / W, 0, 1); network size = ties with s >= 20 h.

Left out (sim does all of these, so the yardstick does less work per citizen-week
than sim and the ratio benchmarks/run.py reports is, if anything, in the
yardstick's favour): the platform, support workers, community activities, the
weekly capacity limit on social hours, spread of loneliness along ties, LSNS-6 and
social capital, rejection and confidence drift, costs.

Each tie is updated once a week, by its end with the lower id, inside that agent's
step(); a meeting that happens after that end has stepped counts as contact the
next week. Outcomes are computed after every agent has stepped (`do("advance")`),
as in Mesa's staged activation.

Run alone: .venv/bin/python benchmarks/yardstick.py --citizens 10000 --weeks 5
"""

from __future__ import annotations

import argparse
import math
import time

import mesa
import networkx as nx

# defaults of sim/scenarios/schema.py (Ties, Effects, Population)
ENCOUNTER_RATE = 0.05
INTRODUCTION_RATE = 0.03
HOURS_PER_MEETING = 2.5
DECAY_PER_YEAR = 0.15
KIN_DECAY_RATIO = 0.5
WEAK_DECAY_PER_WEEK = 0.03
TRIAL_WEEKS = 12
EARLY_BREAK = 0.06
FRAGILITY = 0.5
WITHDRAWAL = 0.4
RECONNECTION_DRIVE = 2.0
NEIGHBOURHOOD_SIZE = 500
SHARE_RELATIONAL_DIFFICULTIES = 0.2
MEAN_NEED, MEAN_CONFIDENCE = 0.5, 0.5
KIN_PER_CITIZEN = 2.2
TIES_PER_CITIZEN = 8.0           # the model's mean after its burn-in
D_FRIEND = 1.0 - (1.0 - DECAY_PER_YEAR) ** (1.0 / 52.0)
N_INTERESTS = 12


class Person(mesa.Agent):
    """A citizen with its own attributes; its ties are the edges of model.G at node `node`."""

    def __init__(self, model, node):
        super().__init__(model)
        rnd = model.random
        self.node = node
        self.nbhd = node // NEIGHBOURHOOD_SIZE
        self.reldiff = rnd.random() < SHARE_RELATIONAL_DIFFICULTIES
        self.need = rnd.betavariate(MEAN_NEED * 8, (1 - MEAN_NEED) * 8)
        conf = rnd.betavariate(MEAN_CONFIDENCE * 6, (1 - MEAN_CONFIDENCE) * 6) - 0.15 * self.reldiff
        self.confidence = min(max(conf, 0.02), 0.98)
        self.interests = {rnd.randrange(N_INTERESTS) for _ in range(rnd.randint(1, 3))}
        self.trait = rnd.gauss(0.0, 0.12) + 0.1 * self.reldiff
        self.shock = 0.0
        self.unmet_need = 0.0
        self.ucla = 3
        self.belonging = 12.0
        self.network_size = 0

    # -- helpers ------------------------------------------------------------
    def withdrawal(self) -> float:
        return 1.0 - WITHDRAWAL * (self.ucla - 3) / 6.0

    def match_quality(self, other: "Person") -> float:
        inter = len(self.interests & other.interests) / max(len(self.interests | other.interests), 1)
        if self.nbhd == other.nbhd:
            prox = 1.0
        else:
            side = self.model.grid_side
            d = math.hypot(self.nbhd % side - other.nbhd % side, self.nbhd // side - other.nbhd // side)
            prox = 1.0 / (1.0 + d)
        comp = (1.0 - abs(self.need - other.need)) * max(self.confidence, other.confidence)
        return 0.45 * inter + 0.25 * prox + 0.30 * comp

    def meet(self, other: "Person", p_new: float, hours: float) -> None:
        """A meeting: contact on an existing tie, else a new tie with chance p_new."""
        G = self.model.G
        if G.has_edge(self.node, other.node):
            G[self.node][other.node]["contact"] = True
        elif self.model.random.random() < p_new:
            G.add_edge(self.node, other.node, s=hours, q=self.match_quality(other), kin=False, age=0, contact=True)

    # -- the week -----------------------------------------------------------
    def step(self) -> None:
        model, G, rnd = self.model, self.model.G, self.model.random
        wd = self.withdrawal()

        # chance meeting with a neighbour
        if rnd.random() < ENCOUNTER_RATE * wd * (1.0 + RECONNECTION_DRIVE * self.unmet_need):
            other = rnd.choice(model.neighbourhoods[self.nbhd])
            if other is not self:
                q = self.match_quality(other)
                self.meet(other, 0.15 * q * (0.5 + self.confidence), HOURS_PER_MEETING)

        # a friend introduces one of their friends
        if rnd.random() < INTRODUCTION_RATE * wd and G.degree(self.node) > 0:
            friend = rnd.choice(list(G[self.node]))
            fof = rnd.choice(list(G[friend]))
            if fof != self.node and not G.has_edge(self.node, fof):
                other = model.people[fof]
                q = self.match_quality(other)
                if rnd.random() < 0.3 * (0.5 + q):
                    G.add_edge(self.node, fof, s=HOURS_PER_MEETING, q=q, kin=False, age=0, contact=True)

        # contact, strengthening, decay and breaking of the ties this citizen owns
        broken = []
        for j, e in G[self.node].items():
            if j < self.node:
                continue                       # the other end owns this tie
            other = model.people[j]
            s, q = e["s"], e["q"]
            on_trial = e["age"] < TRIAL_WEEKS
            p = (0.05 + 0.85 * math.sqrt(min(s, 200.0) / 200.0) + (0.6 * q if on_trial else 0.0)) * wd * other.withdrawal()
            gain = 0.0
            if e["contact"] or rnd.random() < p:
                gain = HOURS_PER_MEETING * ((1.0 + 2.0 * q) if on_trial else 1.0)
            d = (D_FRIEND * KIN_DECAY_RATIO if e["kin"] else D_FRIEND) + WEAK_DECAY_PER_WEEK * math.exp(-s / 25.0)
            s = min(s * (1.0 - d) + gain, 400.0)
            frag = 1.0 + FRAGILITY * (self.reldiff or other.reldiff)
            p_break = EARLY_BREAK * (1.0 - q) * frag if on_trial else 0.0
            turnover = (0.025 + 0.25 * (1.0 - min(s, 200.0) / 200.0)) / 52.0
            p_break += (0.25 if e["kin"] else 1.0) * turnover * frag
            if s < 2.0 or rnd.random() < p_break:
                broken.append(j)
                continue
            e["s"] = s
            e["age"] = e["age"] + 1
            e["contact"] = False
        for j in broken:
            G.remove_edge(self.node, j)

    def advance(self) -> None:
        """Belonging and loneliness from tie closeness against the need to belong."""
        actual = 0.0
        size = 0
        for e in self.model.G[self.node].values():
            s = e["s"]
            actual += math.sqrt(min(s, 200.0) / 200.0)
            size += s >= 20.0
        wanted = 1.0 + 6.0 * self.need
        gap = min(max((wanted - actual) / wanted, -1.0), 1.0)
        self.unmet_need = max(gap, 0.0)
        self.shock = 0.9 * self.shock + self.model.random.gauss(0.0, 0.05)
        lam = 0.6 * gap + self.trait + self.shock
        self.ucla = min(max(round(4.4 + 4.0 * lam), 3), 9)
        self.belonging = 12.0 + 72.0 * min(max(0.7 * actual / wanted, 0.0), 1.0)
        self.network_size = size


class YardstickModel(mesa.Model):
    """Citizens on a networkx graph of ties, stepped one agent at a time."""

    def __init__(self, citizens: int = 1000, seed: int = 42):
        if citizens < 2:
            raise ValueError(f"citizens={citizens!r}: need at least 2")
        super().__init__(rng=seed)
        rnd = self.random
        n = citizens
        n_nb = max(1, math.ceil(n / NEIGHBOURHOOD_SIZE))
        self.grid_side = math.ceil(math.sqrt(n_nb))
        self.people = [Person(self, i) for i in range(n)]
        self.neighbourhoods = [self.people[k * NEIGHBOURHOOD_SIZE:(k + 1) * NEIGHBOURHOOD_SIZE] for k in range(n_nb)]
        self.G = nx.Graph()
        self.G.add_nodes_from(range(n))
        # kin anywhere, friends mostly nearby: ~TIES_PER_CITIZEN ties each (two ends per tie)
        for p in self.people:
            for _ in range(_poisson(rnd, KIN_PER_CITIZEN / 2)):
                j = rnd.randrange(n)
                if j != p.node:
                    self.G.add_edge(p.node, j, s=rnd.uniform(60, 300), q=p.match_quality(self.people[j]),
                                    kin=True, age=100, contact=False)
            for _ in range(_poisson(rnd, (TIES_PER_CITIZEN - KIN_PER_CITIZEN) / 2 * (0.7 if p.reldiff else 1.0) * 1.1)):
                other = rnd.choice(self.neighbourhoods[p.nbhd]) if rnd.random() < 0.7 else rnd.choice(self.people)
                if other is not p:
                    self.G.add_edge(p.node, other.node, s=rnd.uniform(20, 250), q=p.match_quality(other),
                                    kin=False, age=100, contact=False)
        self.agents.do("advance")
        self.datacollector = mesa.DataCollector(model_reporters={
            "loneliness": lambda m: m.agents.agg("ucla", _mean),
            "lonely_share": lambda m: m.agents.agg("ucla", lambda v: sum(u >= 6 for u in v) / len(v)),
            "belonging": lambda m: m.agents.agg("belonging", _mean),
            "ties_per_citizen": lambda m: 2 * m.G.number_of_edges() / m.G.number_of_nodes(),
        })
        self.datacollector.collect(self)

    def step(self) -> None:
        self.agents.shuffle_do("step")
        self.agents.do("advance")
        self.datacollector.collect(self)


def _mean(values) -> float:
    return sum(values) / len(values)


def _poisson(rnd, lam: float) -> int:
    """Knuth's Poisson draw from the model's Python random generator."""
    limit, k, p = math.exp(-lam), 0, rnd.random()
    while p > limit:
        k += 1
        p *= rnd.random()
    return k


def measure(citizens: int, weeks: int, seed: int = 42) -> dict:
    """Build and run the yardstick; seconds to build, seconds to step, citizen-weeks per second of stepping
    (wall clock, and per second of this process's CPU time)."""
    t0 = time.perf_counter()
    model = YardstickModel(citizens=citizens, seed=seed)
    t1, c1 = time.perf_counter(), time.process_time()
    for _ in range(weeks):
        model.step()
    t2, c2 = time.perf_counter(), time.process_time()
    df = model.datacollector.get_model_vars_dataframe()
    return {
        "citizens": citizens, "weeks": weeks, "build_s": t1 - t0, "step_s": t2 - t1,
        "citizen_weeks_per_s": citizens * weeks / (t2 - t1),
        "step_cpu_s": c2 - c1, "citizen_weeks_per_cpu_s": citizens * weeks / (c2 - c1),
        "ties_per_citizen_start": float(df["ties_per_citizen"].iloc[0]),
        "ties_per_citizen_end": float(df["ties_per_citizen"].iloc[-1]),
        "lonely_share_end": float(df["lonely_share"].iloc[-1]),
        "belonging_end": float(df["belonging"].iloc[-1]),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--citizens", type=int, default=10_000)
    ap.add_argument("--weeks", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    r = measure(args.citizens, args.weeks, args.seed)
    for k, v in r.items():
        print(f"{k:24s} {v:,.4g}" if isinstance(v, float) else f"{k:24s} {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
