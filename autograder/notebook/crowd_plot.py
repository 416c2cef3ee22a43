"""The crowd picture: real people against the people in the report, per snippet,
the report's people split into named and anonymous (PNG bytes for display)."""

from __future__ import annotations

import io

from .crowd import CrowdResult

REAL, NAMED, ANONYMOUS, WARN = "#9aa5c4", "#3b5bdb", "#c5d0fa", "#b00020"


def plot_crowd(results: list[CrowdResult]) -> bytes:
    from matplotlib.figure import (
        Figure,  # no pyplot: the kernel's own backend stays as it is
    )

    fig = Figure(figsize=(8.5, 3.8))
    ax = fig.subplots()
    xs = list(range(len(results)))
    real = [r.real_people for r in results]
    named = [r.named_people for r in results]
    anonymous = [r.tracker_people - r.named_people for r in results]
    ax.bar([x - 0.2 for x in xs], real, width=0.4, color=REAL, label="real people")
    ax.bar([x + 0.2 for x in xs], named, width=0.4, color=NAMED, label="in the report: named")
    ax.bar([x + 0.2 for x in xs], anonymous, width=0.4, bottom=named, color=ANONYMOUS,
           label="in the report: anonymous")
    for x, r in zip(xs, results):
        ax.text(x + 0.2, r.tracker_people + 0.15, str(r.tracker_people), ha="center")
        if r.merged:  # the warning of the lesson: several real people counted as one
            lines = "\n".join(f"{count} people in one" for _, count in r.merged[:2])
            ax.text(x, max(real) + 1.2, lines, ha="center", color=WARN, fontsize=9)
    ax.set_xticks(xs, [r.label for r in results])
    ax.set_ylim(0, max(real) + 3.2)
    ax.set_ylabel("people")
    ax.set_title("Who visited vs. who the tracker thinks visited")
    ax.legend(loc="upper left", ncol=3, frameon=False, fontsize=9)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
