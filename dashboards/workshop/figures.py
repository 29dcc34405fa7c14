"""Charts of the workshop (matplotlib Figure objects, no pyplot state: safe in server threads)."""

from __future__ import annotations

import math

from matplotlib.figure import Figure

from sim.vocabulary import EventKind as E

from .story import LONELY_FROM, Story

MARKS = (  # event kinds drawn on the loneliness curve: (kinds, label, marker, colour)
    ((E.JOINED_PLATFORM,), "joined the platform", "^", "#1f77b4"),
    ((E.FIRST_MEETING, E.NEW_TIE_ACTIVITY, E.NEW_TIE_NEIGHBOUR, E.INTRODUCED_BY_FRIEND, E.INTRODUCED_BY_WORKER),
     "met someone new", "o", "#2ca02c"),
    ((E.MEETING_WENT_BADLY, E.LOST_TIE), "a meeting went badly / lost touch", "x", "#d62728"),
    ((E.TAKEN_ON, E.MOVED_ON), "support worker: started / finished", "s", "#9467bd"),
)


def loneliness_figure(story: Story) -> Figure:
    """The followed citizen's loneliness score week by week, with the moments of their story."""
    fig = Figure(figsize=(6.4, 3.4), dpi=100)
    ax = fig.add_subplot(111)
    weeks = list(range(len(story.history)))
    ax.axhspan(LONELY_FROM - 0.5, 9.5, color="#f4d6d6", alpha=0.5, lw=0)
    ax.text(0.5, 8.75, "lonely (6 or more)", fontsize=8, color="#8a3b3b", va="center")
    ax.step(weeks, story.history, where="post", color="#333333", lw=1.8, label=f"{story.first_name}'s loneliness")
    for kinds, label, marker, colour in MARKS:
        xs = sorted({e[0] + 1 for e in story.events if e[0] >= 0 and e[2] in kinds})
        if xs:
            ys = [story.history[min(x, len(story.history) - 1)] for x in xs]
            ax.scatter(xs, ys, marker=marker, color=colour, s=36, zorder=3, label=label)
    ax.set_xlim(0, max(weeks[-1], 1))
    ax.set_ylim(2.5, 9.5)
    ax.set_yticks(range(3, 10))
    ax.set_xlabel("week of the project")
    ax.set_ylabel("loneliness score (3-9)")
    ax.set_title(f"{story.name}: loneliness week by week", fontsize=10)
    ax.legend(fontsize=7, loc="lower left", ncol=2, frameon=False)
    fig.tight_layout()
    return fig


def interval_figure(facts: dict) -> Figure:
    """Exercise 6: each replicate's difference, their mean and the 95% interval."""
    fig = Figure(figsize=(6.4, 2.6), dpi=100)
    ax = fig.add_subplot(111)
    d = facts["diffs"]
    ax.axvline(0, color="#888888", lw=1, ls="--")
    ax.scatter(d, [1.0] * len(d), color="#1f77b4", s=30, zorder=3, label="one replicate")
    lo, hi, m = facts["low"], facts["high"], facts["mean"]
    if math.isfinite(lo) and math.isfinite(hi):
        ax.errorbar([m], [0.5], xerr=[[m - lo], [hi - m]], fmt="o", color="#d62728", capsize=6,
                    label="average, with 95% interval")
    else:
        ax.scatter([m], [0.5], color="#d62728", label="average (too few replicates for an interval)")
    ax.set_ylim(0, 1.5)
    ax.set_yticks([])
    ax.set_xlabel("change in lonely people per 100 citizens: platform with support minus doing nothing")
    ax.legend(fontsize=8, loc="upper right", frameon=False)
    fig.tight_layout()
    return fig


def bars_figure(labels: list[str], values: list[float], xlabel: str, highlight: str | None = None) -> Figure:
    """A horizontal bar chart of one number per group or policy."""
    fig = Figure(figsize=(6.4, 0.45 * len(labels) + 1.0), dpi=100)
    ax = fig.add_subplot(111)
    colours = ["#d62728" if lab == highlight else "#1f77b4" for lab in labels]
    ys = list(range(len(labels)))[::-1]
    ax.barh(ys, [0 if (v is None or (isinstance(v, float) and math.isnan(v))) else v for v in values],
            color=colours)
    ax.set_yticks(ys)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlabel(xlabel, fontsize=8)
    fig.tight_layout()
    return fig


def png(fig: Figure, dpi: int = 90) -> bytes:
    """The figure as PNG bytes (what the page shows in an <img>)."""
    import io
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
