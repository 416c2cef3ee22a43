"""The crowd picture: real people against the people in the report, per snippet,
the report's people split into named and anonymous (PNG bytes for display), and the
picture as HTML with a text alternative that says what it shows. Named and anonymous
differ by pattern and by a label on the bar, not by shade alone."""

from __future__ import annotations

import base64
import html
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
    ax.bar([x + 0.2 for x in xs], anonymous, width=0.4, bottom=named, color=ANONYMOUS, hatch="///",
           edgecolor=NAMED, linewidth=0, label="in the report: anonymous")
    for x, r in zip(xs, results):
        ax.text(x + 0.2, r.tracker_people + 0.15, str(r.tracker_people), ha="center")
        anonymous_here = r.tracker_people - r.named_people
        if r.named_people:
            ax.text(x + 0.2, r.named_people / 2, f"{r.named_people} named", ha="center", va="center",
                    color="white", fontsize=9)
        if anonymous_here:
            ax.text(x + 0.2, r.named_people + anonymous_here / 2, f"{anonymous_here} anon.", ha="center",
                    va="center", fontsize=9, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
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


def describe_crowd(results: list[CrowdResult]) -> str:
    """The picture in words, for who cannot see it."""
    bars = "; ".join(f"{r.label}: {r.real_people} real people, in the report {r.named_people} named and "
                     f"{r.tracker_people - r.named_people} anonymous" for r in results)
    return f"Bar chart, who visited vs. who the tracker thinks visited. {bars}."


def crowd_html(results: list[CrowdResult]) -> str:
    data = base64.b64encode(plot_crowd(results)).decode()
    return (f"<img style='max-width:100%' alt='{html.escape(describe_crowd(results), quote=True)}' "
            f"src='data:image/png;base64,{data}'>")
