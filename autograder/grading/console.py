"""What the command line shows while and after a batch is graded (rich)."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from ..checks import CHECKS
from .batch import BatchResult, grade_batch
from .outputs import Outputs, write_outputs
from .sandbox import UNCONFINED_WARNING, sandbox_available


def grade_with_progress(submissions, *, workers: int, out_dir, sandbox: bool = True, lms=None, late=None, **options
                        ) -> tuple[BatchResult, Outputs]:
    console = Console(stderr=True)
    if sandbox and not sandbox_available():
        console.print(f"[yellow]warning:[/] {UNCONFINED_WARNING}")
    with Progress(TextColumn("[bold]grading[/]"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TextColumn("{task.fields[status]}"), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("grade", total=None, status="starting workers…")

        def on_progress(progress, learner):
            bar.update(task, total=progress.total, completed=progress.done,
                       status=f"failed {progress.failed} · {progress.rate_per_s:.2f}/s"
                              + (f" · last {learner}" if learner else ""))

        batch = grade_batch(submissions, out_dir=out_dir, workers=workers, sandbox=sandbox, on_progress=on_progress,
                            **options)
    return batch, write_outputs(batch, out_dir, workers=workers, lms=lms, late=late)


def print_summary(outputs: Outputs, batch: BatchResult, console: Console | None = None) -> None:
    """The summary, readable at 80 columns and in a log file: the table holds short values
    (check ids whole), notes follow it one learner a line, and every path stands whole on a
    line of its own, so it can be copied."""
    console = console or Console()
    plain = dict(markup=False, highlight=False)
    table = Table(title=f"{len(outputs.summaries)} submissions · {len(batch.graded_now)} graded now · "
                        f"{len(batch.resumed)} unchanged since the last run · {batch.duration_s:.0f} s",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("learner", overflow="fold")
    table.add_column("score", no_wrap=True)
    table.add_column("bonus", no_wrap=True)
    # As wide as the longest id and a count: an id is never cut, the learner column takes the rest.
    table.add_column("checks failed", width=max(len(spec.id) for spec in CHECKS) + 4, no_wrap=True)
    for s in outputs.summaries:
        failed = s.failed_checks[0] + (f" +{len(s.failed_checks) - 1}" if len(s.failed_checks) > 1 else "") \
            if s.failed_checks else "-"
        table.add_row(Text(s.learner), f"{s.score:g}/{s.max_score:g}", f"{s.bonus:g}/{s.bonus_max:g}", failed)
    console.print(table)
    for s in outputs.summaries:
        note = "; ".join(filter(None, [s.reason, *s.flags]))
        if note and s.graded:
            console.print(f"{s.learner}: {note[:300]}", **plain)
    for notice in batch.intake.notices:
        console.print(f"note: {notice}", **plain)
    if batch.failed:
        console.print(f"{len(batch.failed)} could not be graded:", **plain)
        for name, why in batch.failed.items():
            console.print(f"  {name} ({why})", **plain)
    for note in outputs.lms_notes:
        console.print(f"note: {note}", **plain)
    paths = [("grades", outputs.grades_csv), ("report", outputs.report_html),
             ("feedback", f"{outputs.feedback_dir}/<learner>.html"), *(("LMS", path) for path in outputs.lms_files)]
    for label, path in paths:
        console.print(f"{label}:", **plain)
        console.print(str(path), soft_wrap=True, **plain)  # never wrapped: a path is copied whole
