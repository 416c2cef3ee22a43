"""The instructor's report: report.html with PNG plots beside it, readable in a
browser without a server."""

from __future__ import annotations

import statistics
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from jinja2 import Environment, FileSystemLoader, select_autoescape  # noqa: E402

from ..checks import CHECKS  # noqa: E402
from .summary import LearnerSummary, common_mistakes  # noqa: E402

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


def _pass_rates(summaries: list[LearnerSummary]) -> list[tuple[str, float]]:
    judged = [s for s in summaries if s.graded]
    rates = []
    for check in CHECKS:
        if judged:
            passed = sum(check.id not in s.failed_checks for s in judged)
            rates.append((check.id + (" (bonus)" if check.bonus else ""), passed / len(judged)))
    return rates


def _pass_rate_plot(rates: list[tuple[str, float]], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(7, 0.4 * len(rates) + 1))
    names = [name for name, _ in rates][::-1]
    values = [rate * 100 for _, rate in rates][::-1]
    ax.barh(names, values, color=["#1b7f3b" if v >= 80 else "#e8a33d" if v >= 50 else "#b00020" for v in values])
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of graded learners who passed")
    ax.set_title("Pass rate per check")
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


def write_class_report(out_dir: Path, summaries: list[LearnerSummary], results: dict[str, dict], *,
                       notices: list[str], duration_s: float, workers: int) -> Path:
    graded = [s for s in summaries if s.graded]
    _score_distribution(summaries, out_dir / "score_distribution.png")
    rates = _pass_rates(summaries)
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
        mistakes=common_mistakes(summaries), notices=notices, duration_s=duration_s, workers=workers,
        timing_medians={p: statistics.median(v) for p, v in timings.items() if v},
    )
    path = out_dir / "report.html"
    path.write_text(html, encoding="utf-8")
    return path
