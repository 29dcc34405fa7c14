"""Explore: one live run of the edited scenario, week by week, for this browser session only."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import solara
import solara.lab

from sim import BelongingModel, Scenario, ScenarioError, scenario_hash
from sim.agents import Citizen
from sim.vocabulary import MECHANISMS, PLATFORM_EVENTS, SUPPORT_EVENTS

from .. import sessions, state
from ..components import charts
from ..components.controls import PresetPicker, ScenarioControls, ScenarioFile
from ..components.export import CsvDownload
from ..components.network import ego_sample
from ..settings import EGO_MAX_NODES, TRACK_ALL_UP_TO, TRACK_SAMPLE, size_problems
from ..steps import Cancelled, pool

TITLE = "Explore"
ORDER = 10


@dataclass
class Live:
    """This session's model, the lock that serialises its steps, and who is tracked."""
    model: BelongingModel
    tracked: np.ndarray
    scenario_hash: str
    citizens: list = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)


# When a session ends, its build is cancelled, its waiting weeks dropped and its model let go.
solara.lab.on_kernel_start(sessions.on_kernel_start)

# Per-session (Solara scopes reactive values to the browser session).
live: solara.Reactive[Live | None] = solara.reactive(None)
snapshot: solara.Reactive[dict | None] = solara.reactive(None)
playing = solara.reactive(False)
speed = solara.reactive(5.0)           # weeks per second while playing
selected: solara.Reactive[int] = solara.reactive(0)
build_error = solara.reactive("")


def take_snapshot(lv: Live) -> dict:
    """What the page shows, read under the model's lock (the views never touch a stepping model)."""
    m = lv.model
    with lv.lock:
        return {
            "week": int(m.week), "weeks": int(m.sc.run.weeks), "running": bool(m.running),
            "ts": m.timeseries(), "sub": m.subgroups(), "outcomes": m.outcomes(),
            "cost": m.total_cost(), "no_longer_lonely": m.no_longer_lonely(), "hash": lv.scenario_hash,
            "n": int(m.sc.run.citizens),
        }


@solara.lab.task
def build(sc: Scenario) -> str:
    """Build a model for the scenario in the background (the page stays usable).

    The build is cancelled when the session ends (dashboards/sessions.py)."""
    playing.value = False
    too_big = size_problems(sc.run.citizens, sc.run.weeks)     # the caps hold whoever asks
    if too_big:
        build_error.value = "; ".join(f"{k}: {v}" for k, v in too_big.items())
        return "error"
    n = sc.run.citizens
    if n <= TRACK_ALL_UP_TO:
        track = np.arange(n)
    else:
        track = np.sort(np.random.default_rng(sc.run.seed).choice(n, TRACK_SAMPLE, replace=False))
    session = sessions.current()
    try:
        with session.building():
            model = BelongingModel(sc, track=[int(i) for i in track], record_history=True)
            citizens = model.agents_by_type[Citizen].to_list()
    except sessions.BuildCancelled:
        return "cancelled"
    except ScenarioError as exc:
        build_error.value = str(exc)
        return "error"
    if not build.is_current() or session.closed.is_set():
        return "superseded"
    lv = Live(model, track, scenario_hash(sc), citizens)
    session.hold(lv)
    build_error.value = ""
    live.value = lv
    lonely = np.flatnonzero(model.pop.ucla[track] >= 6)
    selected.value = int(track[lonely[0]] if len(lonely) else track[0])
    snapshot.value = take_snapshot(lv)
    return "built"


def week_job(lv: Live, snap: bool = True):
    """One job for the shared step pool: one week, and the snapshot the page draws (or only
    the week reached); None when there is nothing to step. Touches no reactive value."""
    def job():
        with lv.lock:
            m = lv.model
            if m is None or not m.running:
                return None
            m.step()
            week, weeks = int(m.week), int(m.sc.run.weeks)
        return 1, (take_snapshot(lv) if snap else {"week": week, "weeks": weeks})
    return job


def pooled(lv: Live, snap: bool = True):
    """Step this session's model one week on the shared pool, in turn with every other session."""
    try:
        return pool().run(sessions.current_id(), week_job(lv, snap))
    except Cancelled:
        return None


def step_once() -> None:
    lv = live.value
    if lv is None:
        return
    done = pooled(lv)
    if done is not None:
        snapshot.value = done[1]


@solara.lab.task
def play() -> None:
    """Step at the chosen speed until paused, finished or replaced by a new model.

    Drawing the page can take longer than a week at high speed; then several weeks are
    stepped per redraw, so the run still advances at the chosen weeks per second.
    """
    lv = live.value
    per_frame = 1
    session = sessions.current()
    try:
        while (playing.value and play.is_current() and lv is live.value and lv is not None
               and not session.closed.is_set()):
            t0 = time.perf_counter()
            # one week per turn of the shared pool (several while catching up at high speed,
            # each its own turn); Pause acts within a week
            stepped, snap = 0, None
            while stepped < per_frame and playing.value:
                done = pooled(lv, snap=stepped + 1 >= per_frame)
                if done is None:
                    break
                stepped += done[0]
                snap = done[1]
            if stepped == 0 or lv.model is None:
                break
            if "ts" not in snap:                          # paused or finished before the frame's last week
                snap = take_snapshot(lv)
            snapshot.value = snap                         # the page redraws here
            took = time.perf_counter() - t0
            rate = max(speed.value, 0.1)
            per_frame = max(1, min(10, math.ceil(took * rate)))
            wait = stepped / rate - took
            if wait > 0:
                time.sleep(wait)
    finally:
        playing.value = False


@solara.lab.task
def run_to_end() -> None:
    """Run the remaining weeks without drawing each one; progress in the bar."""
    lv = live.value
    if lv is None:
        return
    session = sessions.current()
    last = None
    while run_to_end.is_current() and lv is live.value and not session.closed.is_set():
        done = pooled(lv, snap=False)                      # one week per turn of the shared pool
        if done is None:
            break
        last = done[1]
        run_to_end.progress = 100.0 * last["week"] / last["weeks"]
    if last is not None and lv.model is not None:
        snapshot.value = take_snapshot(lv)


def toggle_play() -> None:
    if playing.value:
        playing.value = False
    else:
        playing.value = True
        play()


@solara.component
def RunControls(sc: Scenario | None):
    snap = snapshot.value
    # after Pause the play task still finishes the week it is on and draws it: until then
    # (play pending, no longer playing) the controls wait, so Play is enabled only once stopped
    busy = build.pending or run_to_end.pending or (play.pending and not playing.value)
    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button("Step", icon_name="mdi-step-forward", on_click=step_once,
                      disabled=busy or playing.value or snap is None or not snap["running"])
        solara.Button("Pause" if playing.value else "Play", icon_name="mdi-pause" if playing.value else "mdi-play",
                      on_click=toggle_play, disabled=busy or snap is None or (not snap["running"] and not playing.value))
        solara.Button("Run to end", icon_name="mdi-fast-forward", on_click=lambda: run_to_end(),
                      disabled=busy or playing.value or snap is None or not snap["running"])
        solara.Button("Reset", icon_name="mdi-restore", on_click=lambda: sc is not None and build(sc),
                      disabled=sc is None or build.pending)
        with solara.Div(style={"width": "320px"}, classes=["speed-control"]):
            solara.SliderFloat(f"Speed: {speed.value:g} weeks/s", value=speed, min=0.5, max=20, step=0.5)
        if snap is not None:
            solara.Text(f"Week {snap['week']} of {snap['weeks']}", classes=["step-counter"],
                        style={"font-weight": "bold", "font-size": "1.1em"})
    if build.pending:
        solara.Text("Building the population and running the burn-in...")
        solara.ProgressLinear(True)
    if run_to_end.pending:
        solara.ProgressLinear(run_to_end.progress or True)
    if build.error:
        solara.Error(f"The model could not be built: {build.exception}")
    if build_error.value:
        solara.Error(build_error.value, classes=["build-error"])


@solara.component
def Headline(snap: dict):
    o = snap["outcomes"]
    cells = [
        ("Lonely share", f"{100 * o['lonely_share']['end']:.1f}%", f"start {100 * o['lonely_share']['start']:.1f}%"),
        ("Loneliness", f"{o['loneliness']['end']:.2f}", f"start {o['loneliness']['start']:.2f}"),
        ("Belonging", f"{o['belonging']['end']:.1f}", f"start {o['belonging']['start']:.1f}"),
        ("Wellbeing", f"{o['wellbeing']['end']:.1f}", f"start {o['wellbeing']['start']:.1f}"),
        ("No longer lonely", f"{snap['no_longer_lonely']}", f"of {snap['n']:,} citizens"),
        ("Cost so far", f"{snap['cost']:,.0f}", "currency units"),
    ]
    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        for title, value, sub in cells:
            with solara.Card(margin=0, style={"min-width": "130px", "padding": "6px"}):
                solara.Text(title, style={"font-size": "0.8em", "color": "#555"})
                solara.Text(value, classes=[f"headline-{title.lower().replace(' ', '-')}"],
                            style={"font-size": "1.4em", "font-weight": "bold", "display": "block"})
                solara.Text(sub, style={"font-size": "0.75em", "color": "#777"})


@solara.component
def OutcomesView(snap: dict):
    img = solara.use_memo(lambda: charts.outcomes_over_time(snap["ts"], snap["weeks"]),
                          dependencies=[snap["hash"], snap["week"]])
    charts.Chart(img, "outcomes_over_time.png")
    CsvDownload(snap["ts"], "timeseries.csv", "CSV: weekly outcomes")


@solara.component
def SubgroupView(snap: dict):
    sub = snap["sub"]
    img = solara.use_memo(lambda: charts.subgroup_panel(sub), dependencies=[snap["hash"], snap["week"]])
    solara.Markdown("Who benefits, through which mechanism (Context - Mechanism - Outcome): each row is a "
                    "subgroup by digital literacy, relational history and whether support reached them.")
    charts.Chart(img, "subgroups.png")
    cols = ["digital_literacy", "relational_history", "supported", "n"] + [
        f"{k}_{w}" for k in ("lonely_share", "loneliness", "belonging") for w in ("start", "end")] + [
        f"{m}_share" for m in MECHANISMS]
    table = sub[cols].copy()
    solara.DataFrame(table.round(3), items_per_page=10)
    CsvDownload(sub, "subgroups.csv", "CSV: subgroup table")


def _citizen_picker(snap: dict):
    lv = live.value
    n = snap["n"]

    def pick(kind: str):
        with lv.lock:
            pop = lv.model.pop
            tr = lv.tracked
            masks = {"lonely": pop.ucla[tr] >= 6, "supported": pop.ever_supported[tr],
                     "platform": pop.joined_week[tr] >= 0, "any": np.ones(len(tr), bool)}
            cand = tr[masks[kind]]
        if len(cand):
            rng = np.random.default_rng([lv.model.sc.run.seed, snap["week"], selected.value])
            selected.value = int(rng.choice(cand))

    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.InputInt(f"Citizen (0-{n - 1})", value=selected.value,
                        on_value=lambda v: v is not None and 0 <= v < n and selected.set(int(v)))
        solara.Text("or pick:")
        for kind, text in (("lonely", "a lonely citizen"), ("supported", "a supported citizen"),
                           ("platform", "a platform user"), ("any", "anyone")):
            solara.Button(text, on_click=lambda kind=kind: pick(kind), text=True, outlined=True)
    if not 0 <= selected.value < n:
        solara.Error(f"Citizen {selected.value} does not exist: this run has citizens 0-{n - 1}.")


def _tie_buttons(others: list[int]) -> None:
    """Walk the network: one button per tie (strongest first) that opens that citizen."""
    if not others:
        return
    with solara.Row(gap="4px", style={"flex-wrap": "wrap", "align-items": "center"}):
        solara.Text("Open one of their ties:", style={"color": "#555"})
        for o in others:
            solara.Button(str(o), on_click=lambda o=o: selected.set(int(o)), small=True, outlined=True,
                          classes=["tie-button"])


def citizen_data(lv: Live, c: int) -> dict:
    """Everything the inspector shows about citizen c, read under the model's lock."""
    with lv.lock:
        m = lv.model
        cit = lv.citizens[c]
        traits = {
            "digital literacy": f"{cit.literacy:.2f} ({'low' if cit.low_literacy else 'high'})",
            "earlier relational difficulties": "yes" if cit.relational_difficulties else "no",
            "mental-health condition": "yes" if cit.mental_health_condition else "no",
            "need to belong": f"{cit.need_to_belong:.2f}", "confidence": f"{cit.confidence:.2f}",
            "stigma": f"{cit.stigma:.2f}", "trust": f"{cit.trust:.2f}",
            "device at home": "yes" if cit.has_device else "no",
            "private space at home": "yes" if cit.home_privacy else "no",
            "neighbourhood": str(cit.neighbourhood), "interests": ", ".join(cit.interests) or "-",
        }
        worker = cit.worker
        now = {
            "loneliness (UCLA-3)": f"{cit.loneliness}" + (" - lonely" if cit.lonely else ""),
            "wellbeing": f"{cit.wellbeing:.1f}", "belonging": f"{cit.belonging:.1f}",
            "LSNS-6": f"{cit.lsns}" + (" - isolated" if cit.isolated else ""),
            "network size": str(cit.network_size), "social capital": str(cit.social_capital),
            "platform": cit.platform_state, "support": cit.support_state,
            "support worker": "-" if worker is None else f"worker {worker.row}",
            "mechanisms fired": ", ".join(f"{k} x{v}" for k, v in cit.mechanisms().items() if v) or "none yet",
        }
        ties = pd.DataFrame(cit.ties(), columns=["other", "hours", "origin", "met", "weeks", "match_quality"])
        events = pd.DataFrame(m.events.for_citizen(c), columns=["week", "citizen", "event", "other", "value"])
        return {
            "traits": traits, "now": now, "ties": ties.sort_values("hours", ascending=False).round(2),
            "tracked": bool(m.events.tracked[c]), "events": events.drop(columns=["citizen", "value"]),
            "history": [int(x) for x in m.history[: m.week + 1, c]], "weeks": int(m.sc.run.weeks),
        }


@solara.component
def NetworkView(snap: dict):
    lv = live.value
    c = selected.value
    ok = lv is not None and 0 <= c < snap["n"]

    def draw():
        if not ok:
            return None
        with lv.lock:
            nodes, edges, ucla = ego_sample(lv.model.ties, lv.model.pop.ucla, c, EGO_MAX_NODES,
                                            lv.model.sc.run.seed)
            ties = sorted(lv.citizens[c].ties(), key=lambda t: -t["hours"])
        return charts.ego_network(nodes, edges, ucla, c, seed=c), [t["other"] for t in ties[:15]]

    drawn = solara.use_memo(draw, dependencies=[snap["hash"], snap["week"], c, ok])
    _citizen_picker(snap)
    if drawn is None:
        return
    img, others = drawn
    _tie_buttons(others)
    solara.Markdown(f"A sample of at most {EGO_MAX_NODES} citizens: citizen {c}, their ties and some of their "
                    "ties' ties; colour is loneliness now, line width the hours the two spent together.")
    charts.Chart(img, f"ego_network_{c}.png")


@solara.component
def CitizenView(snap: dict):
    lv = live.value
    c = selected.value
    ok = lv is not None and 0 <= c < snap["n"]
    data = solara.use_memo(lambda: citizen_data(lv, c) if ok else None,
                           dependencies=[snap["hash"], snap["week"], c, ok])
    img = solara.use_memo(lambda: charts.trajectory(data["history"], data["weeks"], c) if data else None,
                          dependencies=[snap["hash"], snap["week"], c, ok])
    _citizen_picker(snap)
    if data is None:
        return
    with solara.Columns([1, 1]):
        with solara.Column():
            solara.Markdown(f"### Citizen {c}\n" + "\n".join(f"- **{k}**: {v}" for k, v in data["traits"].items()))
            solara.Markdown("**Now**\n\n" + "\n".join(f"- **{k}**: {v}" for k, v in data["now"].items()))
        with solara.Column():
            charts.Chart(img, f"citizen_{c}_loneliness.png")
    ties = data["ties"]
    solara.Markdown(f"**Ties ({len(ties)})**")
    _tie_buttons([int(o) for o in ties["other"].head(15)])
    if len(ties):
        solara.DataFrame(ties, items_per_page=8)
        CsvDownload(ties, f"citizen_{c}_ties.csv")
    if not data["tracked"]:
        solara.Info("This citizen's week-by-week story was not recorded (large runs record a sample).")
        return
    ev = data["events"]
    for title, kinds in (("Platform history", PLATFORM_EVENTS), ("Support received", SUPPORT_EVENTS)):
        part = ev[ev["event"].isin(kinds)]
        solara.Markdown(f"**{title}** ({len(part)} events)")
        if len(part):
            solara.DataFrame(part, items_per_page=8)
        else:
            solara.Text("nothing yet")
    other = ev[~ev["event"].isin(PLATFORM_EVENTS + SUPPORT_EVENTS)]
    solara.Markdown(f"**Ties made and lost, activities** ({len(other)} events)")
    if len(other):
        solara.DataFrame(other, items_per_page=8)
    CsvDownload(ev, f"citizen_{c}_story.csv", "CSV: this citizen's story")


@solara.component
def Page():
    sc, errors = state.use_current()
    h = scenario_hash(sc) if sc is not None else None
    lv = live.value

    pending = build.pending

    def auto_build():
        # A new or changed valid scenario gets a fresh model; problems keep the last valid one.
        # Changes made while a model is being built are picked up when that build ends.
        if sc is not None and (lv is None or lv.scenario_hash != h) and not pending:
            build(sc)
    solara.use_effect(auto_build, [h, pending, lv])

    with solara.Columns([1, 2.6]):
        with solara.Div(style={"max-height": "calc(100vh - 140px)", "overflow-y": "auto", "padding-right": "6px"}):
            PresetPicker()
            ScenarioFile(sc)
            if "" in errors:
                solara.Error(errors[""])
            if sc is None:
                solara.Warning("Some values are not allowed (marked below); the run keeps the last valid scenario.",
                               classes=["invalid-scenario"])
            ScenarioControls(errors)
        with solara.Column():
            RunPanel(sc, h)


@solara.component
def RunPanel(sc: Scenario | None, h: str | None):
    """The run and its views: re-rendered each week without touching the controls."""
    view, set_view = solara.use_state(0)
    snap = snapshot.value
    RunControls(sc)
    if snap is None:
        solara.Text("Preparing the model...")
        return
    if snap["hash"] != h and sc is not None:
        solara.Info("The levers changed: a new run is being prepared.", classes=["levers-changed"])
    Headline(snap)
    with solara.lab.Tabs(value=view, on_value=set_view, lazy=True):
        with solara.lab.Tab("Outcomes over time"):
            OutcomesView(snap)
        with solara.lab.Tab("Subgroups (CMO)"):
            SubgroupView(snap)
        with solara.lab.Tab("Network"):
            NetworkView(snap)
        with solara.lab.Tab("Citizen"):
            CitizenView(snap)
