"""The scenario file control: drop a .toml on it, or click "or choose a file".

Solara's FileDrop with `lazy=False` reads the whole file before calling back, so a second
`file_obj.read()` returned nothing and every upload loaded as the defaults (issue 16). This
control reads the file once, at most `MAX_UPLOAD_BYTES + 1` bytes (a larger file is refused
by the size the browser reports, before anything is transferred), and hands the bytes on.
It also has a real `<input type="file">`, for keyboard users and for browser tests.
"""

from __future__ import annotations

import typing
from typing import Callable, cast

import solara
import traitlets
from ipyvue import Template
from ipyvuetify.extra import FileInput
from ipywidgets import widget_serialization

from ..settings import MAX_UPLOAD_BYTES


class ScenarioDropZone(FileInput):
    template = traitlets.Instance(Template).tag(sync=True, **widget_serialization)  # type: ignore[assignment]
    template_file = (__file__, "scenario_drop.vue")
    label = traitlets.Unicode().tag(sync=True)
    multiple = traitlets.Bool(False).tag(sync=True)


def read_upload(info: dict, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    """The file's bytes, at most limit + 1 of them (enough to tell that it is too large); nothing
    when the browser reports a larger file (refused by its size, nothing transferred)."""
    size = int(info.get("size") or 0)
    if size > limit or size <= 0:
        return b""
    return info["file_obj"].read(min(size, limit + 1)) or b""


@solara.component
def ScenarioDrop(label: str, on_bytes: Callable[[str, bytes, int], None]):
    """Calls on_bytes(file name, bytes (capped), size the browser reported) once per dropped or chosen file."""
    file_info, set_file_info = solara.use_state(None)
    wired, set_wired = solara.use_state(cast(typing.Optional[typing.List[dict]], None))
    zone = ScenarioDropZone.element(label=label, on_file_info=set_file_info)

    def wire():                               # in the render context: the widget's file handles
        if not file_info:
            return
        real = cast(ScenarioDropZone, solara.get_widget(zone))
        real.version += 1
        real.reset_stats()
        set_wired(cast(typing.List[dict], real.get_files()))

    solara.use_effect(wire, [file_info])

    def read_file(cancel):                    # in a thread: the bytes come from the browser
        if not wired:
            return
        info = wired[0]
        on_bytes(str(info.get("name", "")), read_upload(info), int(info.get("size") or 0))

    result = solara.use_thread(read_file, [wired])
    if result.error:
        raise result.error
    return zone
