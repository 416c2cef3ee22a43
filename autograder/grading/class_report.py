"""The instructor's report: report.html with PNG plots beside it, readable in a
browser without a server. Made for a class of hundreds: who needs help first,
mistakes by cause, every part's pass rate with its numbers, and a table of all
learners that sorts and filters in the page (its one script allowed by hash)."""

from __future__ import annotations

import statistics
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from jinja2 import Environment, FileSystemLoader, select_autoescape  # noqa: E402

from .lms_late import describe as describe_late  # noqa: E402
from .mistakes import PassRate, cause_groups, needs_help, pass_rates  # noqa: E402
from .summary import LearnerSummary  # noqa: E402
from .table_script import SCRIPT, script_source  # noqa: E402

NAMES_SHOWN = 20  # names of a mistake shown at once; the rest fold away, however large the class
HELP_SHOWN = 20

_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape())


def _score_distribution(summaries: list[LearnerSummary], path: Path) -> None:
    graded = [s for s in summaries if s.graded]
    fig, ax = plt.subplots(figsize=(7, 3.4))
    maximum = max((s.max_score for s in graded), default=0) or 1
    ax.hist([s.score for s in graded], bins=min(20, int(maximum) + 1), range=(0, maximum + 1), color="#3b5bdb",
            rwidth=0.9, align="left")
    ax.set_xlabel(f"score (of {maximum:g}, bonus not included)")
    ax.set_ylabel("learners")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # people come whole
    ax.set_title(f"Score distribution ({len(graded)} graded)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _pass_rate_plot(rates: list[PassRate], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(7, 0.4 * len(rates) + 1))
    names = [rate.label for rate in rates][::-1]
    values = [rate.rate * 100 for rate in rates][::-1]
    bars = ax.barh(names, values,
                   color=["#1b7f3b" if v >= 80 else "#e8a33d" if v >= 50 else "#b00020" for v in values])
    ax.bar_label(bars, labels=[f"{rate.passed}/{rate.judged}" for rate in rates][::-1], padding=3, fontsize=8)
    ax.set_xlim(0, 112)  # room for the numbers beside a full bar
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel("% of graded learners who passed")
    ax.set_title("Pass rate per part (browser checks and Python parts)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _timing_plot(timings: dict[str, list[float]], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(7, 3))
    phases = [p for p in timings if timings[p]]
    if phases:
        ax.boxplot([timings[p] for p in phases], orientation="horizontal", tick_labels=phases)
    else:  # no submission was timed (every one unusable, or results from elsewhere)
        ax.text(0.5, 0.5, "no timings recorded", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlabel("seconds per submission")
    ax.set_title("Where the time goes (per submission, per phase)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _help_rows(summaries: list[LearnerSummary]):
    """Who needs help; a late learner's row says how late and what it cost."""
    by_learner = {s.learner: s for s in summaries}
    rows = needs_help(summaries)
    for row in rows:
        row.why = [describe_late(by_learner[row.learner]) if why == "late" else why for why in row.why]
    return rows


def write_class_report(out_dir: Path, summaries: list[LearnerSummary], results: dict[str, dict], *,
                       notices: list[str], duration_s: float, workers: int) -> Path:
    graded = [s for s in summaries if s.graded]
    _score_distribution(summaries, out_dir / "score_distribution.png")
    rates = pass_rates(summaries)
    _pass_rate_plot(rates, out_dir / "check_pass_rate.png")
    timings: dict[str, list[float]] = {}
    for result in results.values():
        for phase, seconds in result.get("timings_s", {}).items():
            timings.setdefault(phase, []).append(seconds)
    _timing_plot(timings, out_dir / "timings.png")
    html = _env.get_template("report.html").render(
        summaries=summaries, graded=graded, failed=[s for s in summaries if not s.graded],
        flagged=[s for s in summaries if s.flags],
        not_rechecked=[s for s in summaries if s.status == "could not re-check"],
        mean=statistics.mean([s.score for s in graded]) if graded else 0,
        median=statistics.median([s.score for s in graded]) if graded else 0,
        max_score=max((s.max_score for s in graded), default=0), rates=rates,
        groups=cause_groups(summaries, results), help_rows=_help_rows(summaries), names_shown=NAMES_SHOWN,
        help_shown=HELP_SHOWN,
        script=SCRIPT, script_source=script_source(SCRIPT),
        notices=notices, duration_s=duration_s, workers=workers, late_text=describe_late,
        timing_medians={p: statistics.median(v) for p, v in timings.items() if v},
    )
    path = out_dir / "report.html"
    path.write_text(html, encoding="utf-8")
    return path
