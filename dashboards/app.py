"""The planner dashboard: one Solara app, one page per module in dashboards/pages/.

Each page module exposes TITLE (str), ORDER (int) and a @solara.component Page(); this file
discovers them (a new module appears as a new tab without touching this file) and serves
each at /<module name>; "/" shows the first page by ORDER.

Run: `belonging dashboard` (or `solara run dashboards/app.py`).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import solara

if __package__ in (None, ""):
    # `solara run dashboards/app.py` loads this file as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dashboards.pages as pages_pkg  # noqa: E402
from dashboards.hardening import harden_server  # noqa: E402

harden_server()      # cached front-end files only, /resourcez for this machine, no default facilitator code off it

APP_TITLE = "Belonging interventions"


def discover_pages() -> list[tuple[str, object]]:
    """(route name, module) for every page module, sorted by ORDER then name."""
    found = []
    for info in pkgutil.iter_modules(pages_pkg.__path__):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"dashboards.pages.{info.name}")
        if not (hasattr(mod, "Page") and hasattr(mod, "TITLE") and hasattr(mod, "ORDER")):
            raise TypeError(f"dashboards/pages/{info.name}.py must define TITLE, ORDER and Page()")
        found.append((info.name, mod))
    return sorted(found, key=lambda p: (p[1].ORDER, p[0]))


PAGES = discover_pages()


@solara.component
def ScenarioExport():
    """The session's scenario (as edited on Explore) as TOML, from every page."""
    from dashboards import state
    from sim import to_toml
    sc, _ = state.use_current()
    if sc is not None:
        fname = "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in sc.name).strip("_") + ".toml"
        solara.FileDownload(to_toml(sc), filename=fname, label="Scenario TOML", mime_type="application/toml")


@solara.component
def Layout(children=[]):
    route, _ = solara.use_route()
    router = solara.use_router()
    paths = [name for name, _ in PAGES]
    current = route.path if route is not None else "/"
    index = paths.index(current) if current in paths else 0

    with solara.AppLayout(title=APP_TITLE, navigation=True, sidebar_open=False) as main:
        with solara.AppBar():
            ScenarioExport()
            with solara.lab.Tabs(value=index, on_value=lambda i: router.push(f"/{paths[i]}"), align="center",
                                 dark=True):
                for name, mod in PAGES:
                    solara.lab.Tab(mod.TITLE, classes=[f"tab-{name}"])
        solara.Div(children=children)
    return main


routes = [solara.Route(path="/", component=PAGES[0][1].Page, label=PAGES[0][1].TITLE, layout=Layout)] + [
    solara.Route(path=name, component=mod.Page, label=mod.TITLE) for name, mod in PAGES
]
