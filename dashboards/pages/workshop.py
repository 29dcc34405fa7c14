"""Workshop: guided exercises (question, predict, run, reveal) and a citizen to follow.

Every browser session has its own exercise, levers, predictions, results and story
(Solara scopes reactive values and tasks to the session). The one shared thing is the
facilitator's switch (dashboards/workshop/classroom.py): when the facilitator holds the
reveals, no student sees a result or its explanation until the facilitator opens it.
The exercises themselves are data in dashboards/workshop/exercises.py.
"""

from __future__ import annotations

import html
import math

import markdown
import pandas as pd
import solara
import solara.lab

from dashboards.workshop import classroom
from dashboards.workshop.cache import CancelledWait, SharedCache
from dashboards.workshop.exercises import EXERCISES, PRESET_LABELS, SOURCES, Cancelled, exercise, run_exercise
from dashboards.workshop.figures import bars_figure, interval_figure, loneliness_figure, png
from dashboards.workshop.story import PROFILES, follow, profile

TITLE = "Workshop"
ORDER = 40

CSS = """
.workshop .predict-choice { width: 100%; margin: 3px 0; }
.workshop .predict-choice .v-btn__content { white-space: normal; text-align: left; justify-content: flex-start; }
.workshop .predict-choice.v-btn { height: auto !important; min-height: 36px; padding: 6px 12px !important;
                                   text-transform: none; letter-spacing: normal; }
.workshop .exercise-tab.v-btn { text-transform: none; letter-spacing: normal; margin: 2px; }
.workshop .profile-choice.v-btn { text-transform: none; letter-spacing: normal; margin: 2px; height: auto !important;
                                  min-height: 32px; padding: 4px 10px !important; }
.workshop .profile-choice .v-btn__content { white-space: normal; }
.workshop .md strong { font-weight: 700; }
.workshop .md p { margin-bottom: 8px; }
.workshop .md h3 { margin: 4px 0; }
.workshop .story { max-height: 460px; overflow-y: auto; padding-right: 8px; }
.workshop .story li { margin-bottom: 4px; }
.workshop .lever-help { font-size: 0.8em; color: #666; margin-top: -6px; margin-bottom: 8px; }
.workshop .boxes { display: flex; gap: 12px; margin: 8px 0; }
.workshop .box { flex: 1; border: 1px solid #ccc; border-radius: 6px; padding: 8px 12px; }
.workshop .box .box-title { font-size: 0.8em; color: #666; }
.workshop .box .box-value { font-size: 1.15em; font-weight: 600; }
.workshop .locked { color: #555; font-size: 0.9em; }
.workshop table { border-collapse: collapse; font-size: 0.85em; }
.workshop th, .workshop td { border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: right; }
.workshop th:first-child, .workshop td:first-child { text-align: left; }
"""

# -- shared by every session of this server: identical runs are computed once for the whole room --
RESULTS = SharedCache(256)     # (exercise, lever values) -> Result
STORIES = SharedCache(128)     # (exercise, profile, lever values) -> Story

# -- per-session state (Solara scopes these to the browser session) ------------------------------
current = solara.reactive(EXERCISES[0].key)
lever_values = solara.reactive({})        # exercise key -> {lever key: value}
predictions = solara.reactive({})         # exercise key -> predicted value
run_values = solara.reactive({})          # exercise key -> lever values of the last finished run
results = solara.reactive({})             # exercise key -> Result of the last finished run
errors = solara.reactive({})              # exercise key -> message of a failed run
progress = solara.reactive(0.0)
running_key = solara.reactive("")
profiles = solara.reactive({})            # exercise key -> profile key of the followed citizen
classroom_version = solara.reactive(0)
facilitator_code = solara.reactive("")
facilitator_error = solara.reactive("")
show_facilitator = solara.reactive(False)


def _set(store: solara.Reactive, key, value) -> None:
    store.value = {**store.value, key: value}


def _drop(store: solara.Reactive, key) -> None:
    store.value = {k: v for k, v in store.value.items() if k != key}


def values_for(ex) -> dict:
    return {**ex.defaults(), **lever_values.value.get(ex.key, {})}


@solara.lab.task
def run_task(key: str, values: dict) -> str:
    """Run one exercise in the background; the result is stored for that exercise."""
    ex = exercise(key)
    running_key.value = key
    progress.value = 0.0
    last = [0.0]

    def report(f):
        if f - last[0] >= 0.04 or f >= 1.0:
            last[0] = f
            progress.value = f

    def cancel():
        return not run_task.is_current()

    try:
        vals = ex.check_values(values)
        shared_key = (ex.key, tuple(sorted(vals.items())))
        result = RESULTS.get(shared_key, lambda: run_exercise(ex, vals, report, cancel), cancel)
    except (Cancelled, CancelledWait):
        return "cancelled"
    except Exception as exc:   # shown beside the Run button, and raised so the server logs it too
        _set(errors, ex.key, f"The run failed: {type(exc).__name__}: {exc}")
        raise
    _drop(errors, key)
    _set(results, key, result)
    _set(run_values, key, dict(values))
    return key


@solara.lab.task
def story_task(key: str, profile_key: str, values: tuple):
    """Follow the profile's citizen through the exercise's preset, seed and (last run's) levers."""
    ex = exercise(key)
    over = ex.overrides_for(dict(values))
    story = STORIES.get((key, profile_key, values),
                        lambda: follow(ex.preset, ex.seed, over["run.citizens"], ex.weeks, over, profile_key)[0])
    return key, profile_key, values, story


def fmt_cell(col: str, v) -> str:
    if isinstance(v, str):
        return v
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, (int,)) or (isinstance(v, float) and ("cost" in col) and abs(v) >= 100):
        return f"{v:,.0f}"
    if isinstance(v, float):
        return f"{v:,.1f}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def table_markdown(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join(["---"] * len(cols)) + "|"]
    for _, row in df.iterrows():
        lines.append("| " + " | ".join(fmt_cell(c, row[c]) for c in cols) + " |")
    return "\n".join(lines)


def sources_markdown(keys) -> str:
    return "\n".join(f"- {SOURCES[k]}" for k in keys)


# -- components ------------------------------------------------------------------------------------
def to_html(text: str) -> str:
    """Markdown to HTML on the server (solara.Markdown would load KaTeX from a CDN in the browser)."""
    return markdown.markdown(text, extensions=["tables"])


@solara.component
def Md(text: str, classes: list[str] | None = None, style: str | None = None):
    """Markdown text (only the workshop's own texts and numbers: nothing typed by a user)."""
    solara.HTML(tag="div", unsafe_innerHTML=to_html(text), classes=["md"] + list(classes or []), style=style)


@solara.component
def ExercisePicker():
    with solara.Row(classes=["exercise-picker"], style={"flex-wrap": "wrap", "gap": "0"}):
        for ex in EXERCISES:
            chosen = ex.key == current.value
            solara.Button(f"{ex.number} · {ex.title}", on_click=lambda k=ex.key: current.set(k),
                          color="primary" if chosen else None, outlined=not chosen, small=True,
                          classes=["exercise-tab", f"exercise-tab-{ex.number}"] + (["active"] if chosen else []))


@solara.component
def LeverControl(ex, lever, value, disabled: bool):
    def set_value(v):
        _set(lever_values, ex.key, {**lever_values.value.get(ex.key, {}), lever.key: v})

    css = "lever-" + lever.key.replace(".", "-")
    with solara.Div(classes=["lever", css]):
        kind = lever.kind
        if kind == "bool":
            solara.Switch(label=lever.title, value=bool(value), on_value=set_value, disabled=disabled)
        elif kind == "choice":
            labels = [lever.choice_label(c) for c in lever.allowed()]
            by_label = dict(zip(labels, lever.allowed()))
            solara.Select(label=lever.title, values=labels, value=lever.choice_label(value),
                          on_value=lambda lab: set_value(by_label[lab]), disabled=disabled)
        elif kind == "int":
            solara.SliderInt(lever.title, value=int(value), min=int(lever.min), max=int(lever.max),
                             step=int(lever.step or 1), on_value=set_value, disabled=disabled, thumb_label="always")
        else:
            solara.SliderFloat(lever.title, value=float(value), min=float(lever.min), max=float(lever.max),
                               step=float(lever.step or 0.1), on_value=set_value, disabled=disabled,
                               thumb_label="always")
        solara.Div(children=[lever.explain()], classes=["lever-help"])


@solara.component
def PredictStep(ex, locked: bool):
    pred = ex.prediction
    value = predictions.value.get(ex.key)
    Md(f"**Step 1 · Predict first.** {pred.prompt}")
    if pred.kind == "choice":
        with solara.Column(classes=["predict-choices"], gap="0"):
            for choice in pred.choices:
                chosen = value == choice
                solara.Button(choice, on_click=lambda c=choice: _set(predictions, ex.key, c),
                              color="primary" if chosen else None, outlined=not chosen, disabled=locked,
                              classes=["predict-choice"] + (["chosen"] if chosen else []))
    else:
        def set_number(v):
            if v is None:
                _drop(predictions, ex.key)
            else:
                _set(predictions, ex.key, float(v))

        ok = value is None or pred.min <= value <= pred.max
        with solara.Div(classes=["predict-number"]):
            solara.InputFloat(f"Your number ({pred.min:g} to {pred.max:g}, {pred.unit})", value=value,
                              on_value=set_number, optional=True, continuous_update=True, disabled=locked)
        if not ok:
            solara.Error(f"Give a number from {pred.min:g} to {pred.max:g}.", classes=["predict-error"])


def prediction_ready(ex) -> bool:
    v = predictions.value.get(ex.key)
    if v is None:
        return False
    try:
        ex.prediction.check(v)
    except ValueError:
        return False
    return True


@solara.component
def ExercisePanel(ex):
    result = results.value.get(ex.key)
    pending = run_task.pending and running_key.value == ex.key
    locked = result is not None or pending
    values = values_for(ex)
    with solara.Card(f"Exercise {ex.number}: {ex.title}", classes=["exercise-card", f"exercise-{ex.number}"]):
        Md(f"**{ex.question}**")
        Md(ex.intro)
        Md("**What you can change**")
        for lever in ex.levers:
            LeverControl(ex, lever, values[lever.key], disabled=pending)
        locked_rows = ex.locked_values()
        if locked_rows:
            with solara.Div(classes=["locked"]):
                Md("**Locked for this exercise:** " + "; ".join(f"{k}: {v}" for k, v in locked_rows)
                                + f". Same town every time: random seed {ex.seed}.")
        else:
            with solara.Div(classes=["locked"]):
                Md(f"Everything else is locked. Same town every time: random seed {ex.seed}.")
        PredictStep(ex, locked)
        ready = prediction_ready(ex)
        Md(f"**Step 2 · Run** ({ex.runs_label}).")
        with solara.Row():
            solara.Button("Run", on_click=lambda: run_task(ex.key, values_for(ex)), color="primary",
                          disabled=not ready or pending, classes=["run-button"])
            if result is not None and not pending:
                solara.Button("Predict again", on_click=lambda: (_drop(results, ex.key), _drop(predictions, ex.key)),
                              outlined=True, classes=["predict-again"])
        if not ready and not pending:
            solara.Text("Make your prediction first: Run unlocks when you have.", classes=["run-hint"])
        if pending:
            solara.ProgressLinear(progress.value * 100 if progress.value else True, classes=["run-progress"])
            solara.Text("Running…", classes=["running"])
        if ex.key in errors.value:
            solara.Error(errors.value[ex.key], classes=["run-error"])


@solara.component
def RevealPanel(ex):
    classroom_version.value  # re-render when the facilitator changes something
    result = results.value.get(ex.key)
    with solara.Card("Step 3 · Reveal", classes=["reveal-card"]):
        if result is None:
            Md("Predict, then run. The result appears here beside your prediction.")
            return
        if not classroom.CLASSROOM.revealed(ex.key):
            with solara.Div(classes=["reveal-held"]):
                solara.Info("The run has finished. Your facilitator will open the result and its explanation "
                            "when everyone has run: talk with your neighbour about what you expect and why.")
            return
        pred = predictions.value.get(ex.key)
        used = run_values.value.get(ex.key, {})
        with solara.Div(classes=["reveal"]):
            verdict = result.verdict(ex.prediction, pred) if pred is not None else ""
            matched = pred is not None and (result.value == pred if ex.prediction.kind == "choice"
                                            else abs(float(result.value) - float(pred)) < max(ex.prediction.step, 0.5))
            if matched:
                solara.Success(verdict, classes=["verdict", "verdict-match"], icon="mdi-scale-balance")
            else:
                solara.Info(verdict, classes=["verdict", "verdict-differs"], icon="mdi-scale-balance")
            pred_text = pred if isinstance(pred, str) else (f"{pred:g} {ex.prediction.unit}" if pred is not None else "–")
            solara.HTML(tag="div", unsafe_innerHTML=(
                '<div class="boxes">'
                f'<div class="box prediction-box"><div class="box-title">Your prediction</div>'
                f'<div class="box-value">{_esc(str(pred_text))}</div></div>'
                f'<div class="box result-box"><div class="box-title">The run</div>'
                f'<div class="box-value">{_esc(result.display)}</div></div></div>'))
            with solara.Div(classes=["what-happened"]):
                Md("**What happened in this run.** " + result.what_happened)
            image = _result_png(ex, result)
            if image is not None:
                solara.Image(image, classes=["result-chart"])
            if result.table is not None:
                with solara.Details("The numbers"):
                    with solara.Div(classes=["result-table"]):
                        Md(table_markdown(result.table))
            with solara.Div(classes=["mechanism"]):
                Md("**Why: the mechanism.** " + ex.reveal)
            with solara.Div(classes=["sources"]):
                Md("**Evidence**\n\n" + sources_markdown(ex.sources))
            with solara.Div(classes=["discussion"]):
                Md("**Talk about it**\n\n" + "\n".join(f"- {q}" for q in ex.discussion))
            solara.Text("Run with: " + "; ".join(f"{lv.title}: {_describe(lv, used.get(lv.key))}"
                                                 for lv in ex.levers) + f" (computed in {result.seconds:.1f} s).",
                        classes=["run-settings"], style={"font-size": "0.8em", "color": "#666"})


def _describe(lever, value) -> str:
    if value is None:
        return "–"
    if lever.kind == "choice":
        return lever.choice_label(value)
    if lever.kind == "bool":
        return "yes" if value else "no"
    return f"{value:g}"


def _esc(text: str) -> str:
    return html.escape(text)


def _result_png(ex, result):
    """The result's chart as PNG, drawn once per result (kept on the result)."""
    if not hasattr(result, "_png"):
        if ex.key == "how_sure":
            result._png = png(interval_figure(result.facts))
        elif result.bars is None:
            result._png = None
        else:
            labels, values, xlabel = result.bars
            hl = result.value if isinstance(result.value, str) else None
            result._png = png(bars_figure(labels, values, xlabel, highlight=hl))
    return result._png


def _story_png(story):
    if not hasattr(story, "_png"):
        story._png = png(loneliness_figure(story))
    return story._png


@solara.component
def StoryPanel(ex):
    chosen = profiles.value.get(ex.key, ex.follow_profile)
    defaults = solara.use_memo(lambda: ex.defaults(), dependencies=[ex.key])
    values = run_values.value.get(ex.key) or defaults
    vkey = tuple(sorted(values.items()))
    wanted = (ex.key, chosen, vkey)

    def start():
        story_task(ex.key, chosen, vkey)
    solara.use_effect(start, [ex.key, chosen, vkey])

    with solara.Card("Follow a citizen", classes=["story-card"]):
        Md("Choose whom to follow. Same town, same seed, same person, every time: "
                        f"{PRESET_LABELS.get(ex.preset, ex.preset)}, random seed {ex.seed}"
                        + (", with your settings from your last run." if ex.key in run_values.value else "."))
        with solara.Row(style={"flex-wrap": "wrap", "gap": "0"}):
            for p in PROFILES:
                sel = p.key == chosen
                solara.Button(p.label, on_click=lambda k=p.key: _set(profiles, ex.key, k),
                              color="primary" if sel else None, outlined=not sel, small=True,
                              classes=["profile-choice", f"profile-{p.key}"] + (["chosen"] if sel else []))
        latest = story_task.latest
        if story_task.error:
            solara.Error(f"Could not follow this citizen: {story_task.exception}", classes=["story-error"])
            return
        if latest is None or latest[:3] != wanted:
            solara.ProgressLinear(True)
            solara.Text(f"Following someone: {profile(chosen).label.lower()}…", classes=["story-loading"])
            return
        story = latest[3]
        image = _story_png(story)
        with solara.Columns([6, 5]):
            with solara.Div(classes=["story"]):
                Md(f"### {story.name}", classes=["story-name"], style="margin-bottom: 0")
                with solara.Div(classes=["story-traits"]):
                    Md(story.describe())
                with solara.Div(classes=["story-before"]):
                    Md(story.before)
                with solara.Div(classes=["story-lines"]):
                    Md("\n".join(f"- {line}" for line in story.lines()))
            with solara.Div(classes=["story-chart"]):
                solara.Image(image, classes=["story-chart-image"])
                solara.Text(f"Loneliness score at the start {story.history[0]}, at the end {story.history[-1]} "
                            "(3-item UCLA scale, 3 to 9; 6 or more counts as lonely).", classes=["story-scores"],
                            style={"font-size": "0.85em"})


@solara.component
def FacilitatorPanel(ex):
    classroom_version.value
    room = classroom.CLASSROOM
    solara.Button("Facilitator" + (" ▲" if show_facilitator.value else " ▼"),
                  on_click=lambda: show_facilitator.set(not show_facilitator.value), text=True,
                  classes=["facilitator-toggle"])
    if not show_facilitator.value:
        return
    with solara.Card("Facilitator", classes=["facilitator-card"]):
        code = facilitator_code.value
        if not classroom.code_ok(code):
            Md("Enter the facilitator code to hold or open the reveals for everyone in the room.")
            with solara.Div(classes=["facilitator-code"]):
                solara.InputText("Facilitator code", value=code, password=True,
                                 on_value=lambda v: (facilitator_code.set(v),
                                                     facilitator_error.set("" if classroom.code_ok(v)
                                                                           else "That is not the facilitator code.")))
            if facilitator_error.value:
                solara.Error(facilitator_error.value, classes=["facilitator-error"])
            return

        def act(fn, *args):
            try:
                fn(code, *args)
            except classroom.WrongCode as exc:
                facilitator_error.set(str(exc))
            classroom_version.set(room.version)

        with solara.Div(classes=["facilitator-hold"]):
            solara.Switch(label="Hold every student's reveals until I open them", value=room.hold,
                          on_value=lambda v: act(room.set_hold, v))
        if room.hold:
            opened = room.opened
            with solara.Row():
                if ex.key in opened:
                    solara.Button(f"Hide exercise {ex.number}'s reveal again", on_click=lambda: act(room.close, ex.key),
                                  outlined=True, classes=["close-reveal"])
                else:
                    solara.Button(f"Open exercise {ex.number}'s reveal", on_click=lambda: act(room.open, ex.key),
                                  color="primary", classes=["open-reveal"])
                solara.Button("Open all reveals", on_click=lambda: act(room.open_all, [e.key for e in EXERCISES]),
                              outlined=True, classes=["open-all"])
            names = [str(e.number) for e in EXERCISES if e.key in opened]
            solara.Text("Reveals are held. Open for exercises: " + (", ".join(names) if names else "none yet") + ".",
                        classes=["facilitator-status"])
        else:
            solara.Text("Reveals are not held: each student sees theirs as soon as their run finishes.",
                        classes=["facilitator-status"])
        solara.Button("Lock the facilitator controls", on_click=lambda: facilitator_code.set(""), text=True,
                      classes=["facilitator-lock"])


@solara.component
def Page():
    solara.Style(CSS)

    def watch(cancel):
        # the facilitator's switch is shared by every session: notice when it changes
        seen = None
        while not cancel.is_set():
            v = classroom.CLASSROOM.version
            if v != seen:
                seen = v
                classroom_version.set(v)
            cancel.wait(0.5)
    solara.use_thread(watch, dependencies=[], intrusive_cancel=False)

    ex = exercise(current.value)
    with solara.Column(classes=["workshop"], style={"padding": "8px 16px"}):
        Md("## Workshop: belonging, platforms and support\n"
                        "Six short exercises. In each: read the question, **predict** what will happen, **run** "
                        "the model, then look at the **reveal** beside your prediction and talk about it. "
                        "Everybody sees the same town (the same random seed), so you can compare notes.")
        ExercisePicker()
        with solara.Columns([6, 6]):
            ExercisePanel(ex)
            RevealPanel(ex)
        StoryPanel(ex)
        FacilitatorPanel(ex)
