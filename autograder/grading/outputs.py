"""Everything a batch leaves in --out: grades.csv, feedback/<learner>.html, report.html (+ PNGs),
and, given an LMS roster, the files to import back into Canvas or Moodle (lms); and each learner's
page in the course, where nbgrader's release_feedback hands it out (course_feedback)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .batch import BatchResult
from .class_report import write_class_report
from .course_feedback import write_course_feedback
from .csv_export import write_grades_csv
from .feedback import write_feedback
from .lms import LmsRequest, write_lms_files
from .lms_late import LatePolicy, apply_late
from .summary import LearnerSummary, summarize_all


@dataclass
class Outputs:
    grades_csv: Path
    report_html: Path
    feedback_dir: Path
    summaries: list[LearnerSummary]
    lms_files: list[Path] = field(default_factory=list)
    lms_notes: list[str] = field(default_factory=list)  # who was left out of the LMS files, and why


def write_outputs(batch: BatchResult, out_dir: str | Path, *, workers: int,
                  lms: LmsRequest | list[LmsRequest] | None = None, late: LatePolicy | None = None) -> Outputs:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summaries = summarize_all(batch.results)
    apply_late(summaries, batch.intake.submissions, late)  # before any output: they all show the same total
    grades = write_grades_csv(out / "grades.csv", summaries)
    feedback_dir = out / "feedback"
    for summary in summaries:
        write_feedback(feedback_dir, summary, batch.results[summary.learner])
        if batch.course_dir is not None:  # for nbgrader's release_feedback
            write_course_feedback(batch.course_dir, batch.assignment, batch.notebook_id, summary,
                                  batch.results[summary.learner])
    requests = [lms] if isinstance(lms, LmsRequest) else list(lms or [])
    lms_files = write_lms_files(requests, summaries, batch.intake.submissions, out, feedback_dir=feedback_dir)
    report = write_class_report(out, summaries, batch.results, notices=[*batch.intake.notices, *lms_files.notes],
                                duration_s=batch.duration_s, workers=workers)
    return Outputs(grades_csv=grades, report_html=report, feedback_dir=feedback_dir, summaries=summaries,
                   lms_files=lms_files.paths, lms_notes=lms_files.notes)
