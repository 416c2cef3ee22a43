"""Everything a batch leaves in --out: grades.csv, feedback/<learner>.html, report.html (+ PNGs)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .batch import BatchResult
from .class_report import write_class_report
from .csv_export import write_grades_csv
from .feedback import write_feedback
from .summary import LearnerSummary, summarize_all


@dataclass
class Outputs:
    grades_csv: Path
    report_html: Path
    feedback_dir: Path
    summaries: list[LearnerSummary]


def write_outputs(batch: BatchResult, out_dir: str | Path, *, workers: int) -> Outputs:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summaries = summarize_all(batch.results)
    grades = write_grades_csv(out / "grades.csv", summaries)
    feedback_dir = out / "feedback"
    for summary in summaries:
        write_feedback(feedback_dir, summary, batch.results[summary.learner])
    report = write_class_report(out, summaries, batch.results, notices=batch.intake.notices,
                                duration_s=batch.duration_s, workers=workers)
    return Outputs(grades_csv=grades, report_html=report, feedback_dir=feedback_dir, summaries=summaries)
