"""User-provided text on the pages: shown as text, never run as HTML or read as Markdown.

Sweep names and descriptions, scenario names and descriptions, uploaded file names and
parameter values come from files anyone could have written (the result store, an upload).
Components that take plain text (`solara.Text`, labels, `solara.Error`, select items) show it
as text. `solara.Markdown` passes HTML through (`<img src=x onerror=...>` would run), so any
user text placed into Markdown goes through `md_text` (or `md_sentence` for a sentence that
some code already marked up with **bold**).
"""

from __future__ import annotations

import html
import re

# every character Markdown (python-markdown and its extensions) gives a meaning to
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")


def md_text(value: object) -> str:
    """Any value as Markdown that shows exactly its text: HTML escaped, Markdown marks escaped."""
    text = " ".join(str(value).split())          # one line: no headings, lists or code blocks
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=True))


def md_sentence(value: object) -> str:
    """A sentence with Markdown emphasis written by our code (e.g. **names**), HTML escaped and
    with links, images and code made inert; emphasis is kept."""
    text = " ".join(str(value).split())
    return re.sub(r"([\\`\[\]()!<>])", r"\\\1", html.escape(text, quote=True))
