"""Charts as PNG bytes (matplotlib, no pyplot state: safe in Solara's threads) and their component.

The same bytes are shown on the page and offered for download, so an exported chart is
exactly the one on screen.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import solara  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# outcome labels, shares, subgroup and mechanism words: the one vocabulary's (sim/vocabulary.py)
from sim.vocabulary import (MECHANISM_LABELS, MECHANISMS, OUTCOME_LABELS, SHARE_OUTCOMES,  # noqa: E402
                            SUBGROUP_KEYS, SUBGROUP_LEVEL_LABELS)

# labels of the other series charted here (not outcomes)
SERIES_LABELS = {"platform_active": "Active platform users"}
# smallest y-range drawn per series, so week-to-week noise is not blown up to the full height
MIN_SPAN = {"loneliness": 0.5, "lonely_share": 5.0, "wellbeing": 2.0, "belonging": 5.0, "platform_active": 20.0}


def label(outcome: str) -> str:
    return OUTCOME_LABELS.get(outcome) or SERIES_LABELS.get(outcome) or outcome.replace("_", " ")


def png(fig: Figure, dpi: int = 80) -> bytes:
    # margins are set by each chart (subplots_adjust): tight_layout and bbox_inches="tight"
    # redraw the figure and triple the time of a live chart
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def outcomes_over_time(ts: pd.DataFrame, weeks: int) -> bytes:
    """Population outcomes by week (week 0 = start of the intervention)."""
    keys = ["loneliness", "lonely_share", "wellbeing", "belonging", "platform_active"]
    fig = Figure(figsize=(11, 5.2))
    axes = fig.subplots(2, 3).ravel()
    for ax, k in zip(axes, keys):
        y = ts[k].to_numpy(dtype=float) * (100 if k in SHARE_OUTCOMES else 1)
        ax.plot(ts["week"], y, color="#1f5fa8", lw=2, marker="o" if len(ts) < 3 else None)
        ax.set_title(label(k) + (" %" if k in SHARE_OUTCOMES else ""), fontsize=10)
        lo, hi = float(np.nanmin(y)), float(np.nanmax(y))
        pad = max(MIN_SPAN.get(k, 0.0) - (hi - lo), 0.0) / 2
        ax.set_ylim(max(lo - pad, 0.0) if lo >= 0 else lo - pad, hi + pad + 1e-9)
        ax.set_xlim(0, max(weeks, 1))
        ax.grid(alpha=0.3)
        ax.set_xlabel("week", fontsize=8)
    ax = axes[-1]
    ax.plot(ts["week"], ts["on_caseload"], label="on a support caseload", color="#b5542c", lw=2)
    ax.plot(ts["week"], ts["activity_members"], label="in an activity", color="#3c8d3c", lw=2)
    ax.set_title("Support and activities (citizens)", fontsize=10)
    ax.set_xlim(0, max(weeks, 1))
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.subplots_adjust(left=0.06, right=0.98, top=0.93, bottom=0.1, hspace=0.45, wspace=0.25)
    return png(fig)


def subgroup_words(row) -> list[str]:
    """['low digital literacy', 'earlier relational difficulties', 'supported'] (the vocabulary's words)."""
    return [SUBGROUP_LEVEL_LABELS[(k, row[k])] for k in SUBGROUP_KEYS]


def subgroup_panel(sub: pd.DataFrame) -> bytes:
    """Lonely share at start and now, and the mechanisms that fired, per subgroup (the CMO view)."""
    # two lines per group: literacy and relational history; supported and the group's size
    names = [", ".join(w[:-1]) + f",\n{w[-1]} (n={int(r['n'])})" for _, r in sub.iterrows()
             for w in [subgroup_words(r)]]
    y = np.arange(len(sub))
    fig = Figure(figsize=(11, 0.45 * len(sub) + 1.6))
    ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1]})
    ax1.barh(y + 0.2, sub["lonely_share_start"] * 100, height=0.4, color="#bbbbbb", label="start")
    ax1.barh(y - 0.2, sub["lonely_share_end"] * 100, height=0.4, color="#1f5fa8", label="now")
    ax1.set_yticks(y, names, fontsize=8)
    ax1.invert_yaxis()
    ax1.set_xlabel("lonely share %")
    ax1.legend(fontsize=8)
    ax1.grid(axis="x", alpha=0.3)
    data = np.array([[r[f"{m}_share"] * 100 for m in MECHANISMS] for _, r in sub.iterrows()])
    im = ax2.imshow(data, aspect="auto", cmap="Greens", vmin=0, vmax=100)
    ax2.set_xticks(range(len(MECHANISMS)), ["\n".join(MECHANISM_LABELS[m].rsplit(" ", 1)) for m in MECHANISMS],
                   fontsize=8)
    ax2.set_yticks([])
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            ax2.text(j, i, f"{data[i, j]:.0f}%", ha="center", va="center", fontsize=8,
                     color="white" if data[i, j] > 60 else "black")
    ax2.set_title("Mechanisms that fired (% of subgroup)", fontsize=10)
    fig.colorbar(im, ax=ax2, fraction=0.04)
    fig.subplots_adjust(left=0.33, right=0.94, top=0.9, bottom=0.18 if len(sub) < 5 else 0.1, wspace=0.05)
    return png(fig)


def ego_network(nodes: list[int], edges: list[tuple[int, int, float]], ucla: dict[int, int],
                center: int, seed: int) -> bytes:
    """A small ego-network (never thousands of nodes) coloured by loneliness; layout on this graph only."""
    import networkx as nx
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_weighted_edges_from(edges)
    pos = nx.spring_layout(g, seed=seed, weight=None, iterations=60)
    fig = Figure(figsize=(6.5, 5.5))
    ax = fig.subplots()
    cmap = matplotlib.colormaps["RdYlBu_r"]
    widths = [0.4 + 2.0 * min(w / 200.0, 1.0) for _, _, w in edges]
    nx.draw_networkx_edges(g, pos, ax=ax, width=widths, edge_color="#999999", alpha=0.7)
    colors = [ucla[n] for n in g.nodes]
    sizes = [420 if n == center else 140 for n in g.nodes]
    pc = nx.draw_networkx_nodes(g, pos, ax=ax, node_color=colors, cmap=cmap, vmin=3, vmax=9,
                                node_size=sizes, edgecolors=["black" if n == center else "white" for n in g.nodes])
    nx.draw_networkx_labels(g, pos, ax=ax, labels={center: str(center)}, font_size=8)
    fig.colorbar(pc, ax=ax, fraction=0.04, label="loneliness (UCLA-3)")
    ax.set_title(f"Citizen {center}'s ties and their ties ({len(nodes)} citizens shown)", fontsize=10)
    ax.axis("off")
    fig.subplots_adjust(left=0.02, right=0.9, top=0.93, bottom=0.02)
    return png(fig)


def trajectory(history: list[int], weeks: int, citizen: int) -> bytes:
    fig = Figure(figsize=(6, 2.6))
    ax = fig.subplots()
    ax.step(range(len(history)), history, where="post", color="#b5542c", lw=2)
    ax.axhline(6, color="#888", ls="--", lw=1)
    ax.text(0.2, 6.1, "lonely from 6", fontsize=8, color="#666")
    ax.set_ylim(2.5, 9.5)
    ax.set_xlim(0, max(weeks, 1))
    ax.set_xlabel("week")
    ax.set_ylabel("UCLA-3")
    ax.set_title(f"Citizen {citizen}: loneliness week by week", fontsize=10)
    ax.grid(alpha=0.3)
    fig.subplots_adjust(left=0.12, right=0.97, top=0.88, bottom=0.2)
    return png(fig)


def interval_chart(df: pd.DataFrame, label_col: str, title: str, xlabel: str,
                   value: str = "diff", low: str = "ci_low", high: str = "ci_high",
                   group_col: str | None = None) -> bytes:
    """Point-and-interval chart (differences or sensitivity indices with 95% intervals).

    One row per distinct label; with group_col, each group (scenario, index) is drawn side by
    side in its own colour within the row.
    """
    df = df.reset_index(drop=True)
    labels = list(dict.fromkeys(df[label_col].astype(str)))
    groups = list(dict.fromkeys(df[group_col])) if group_col else [None]
    fig = Figure(figsize=(9, 0.42 * len(labels) * max(1, 0.6 * len(groups)) + 1.4))
    ax = fig.subplots()
    palette = ["#1f5fa8", "#b5542c", "#3c8d3c", "#7b4fa0", "#a08a1f"]
    width = 0.7
    for gi, gname in enumerate(groups):
        sel = (df[group_col] == gname).to_numpy() if group_col else np.ones(len(df), bool)
        part = df[sel]
        off = (gi - (len(groups) - 1) / 2) * (width / max(len(groups), 1))
        y = np.array([labels.index(str(x)) for x in part[label_col]]) + off
        v, lo, hi = (part[c].to_numpy(dtype=float) for c in (value, low, high))
        err = np.nan_to_num(np.vstack([np.abs(v - lo), np.abs(hi - v)]))
        ax.errorbar(v, y, xerr=err, fmt="o", color=palette[gi % 5], capsize=3,
                    label=str(gname) if gname is not None else None)
    ax.axvline(0, color="#444", lw=1)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    if group_col and len(groups) > 1:
        ax.legend(fontsize=8)
    fig.tight_layout()     # labels of any length: worth one extra draw for these rarely redrawn charts
    return png(fig)


@solara.component
def Chart(image: bytes, filename: str, alt: str = ""):
    """A chart on the page with its PNG download."""
    with solara.Column(gap="4px", classes=["chart"]):
        solara.Image(image, classes=["chart-image"])
        solara.FileDownload(image, filename=filename, label=f"PNG: {filename}", mime_type="image/png")
