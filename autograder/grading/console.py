"""What the command line shows while and after a batch is graded (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .batch import BatchResult, grade_batch
from .outputs import Outputs, write_outputs
from .sandbox import UNCONFINED_WARNING, sandbox_available


def grade_with_progress(submissions, *, workers: int, out_dir, sandbox: bool = True, lms=None, **options
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
    return batch, write_outputs(batch, out_dir, workers=workers, lms=lms)


def print_summary(outputs: Outputs, batch: BatchResult, console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title=f"{len(outputs.summaries)} submissions · {len(batch.graded_now)} graded now · "
                        f"{len(batch.resumed)} unchanged since the last run · {batch.duration_s:.0f} s")
    for column in ("learner", "score", "bonus", "checks failed", "note"):
        table.add_column(column, overflow="fold")
    for s in outputs.summaries:
        note = "; ".join(filter(None, [s.reason, *s.flags]))
        failed = f"{len(s.failed_checks)}: {s.failed_checks[0]}…" if len(s.failed_checks) > 1 else (
            s.failed_checks[0] if s.failed_checks else "-")
        table.add_row(s.learner, f"{s.score:g}/{s.max_score:g}", f"{s.bonus:g}/{s.bonus_max:g}", failed,
                      note[:120])
    console.print(table)
    for notice in batch.intake.notices:
        console.print(f"note: {notice}", markup=False, highlight=False)
    if batch.failed:
        console.print(f"{len(batch.failed)} could not be graded: " + "; ".join(
            f"{name} ({why})" for name, why in batch.failed.items()), markup=False, highlight=False)
    for note in outputs.lms_notes:
        console.print(f"note: {note}", markup=False, highlight=False)
    console.print(f"grades:   {outputs.grades_csv}\nreport:   {outputs.report_html}\n"
                  f"feedback: {outputs.feedback_dir}/<learner>.html", markup=False, highlight=False)
    for path in outputs.lms_files:
        console.print(f"LMS:      {path}", markup=False, highlight=False)
