"""The command line: a thin layer that reads options, calls the package, prints,
and turns AutograderError into one line and an exit code.

Exit codes: 0 ran (whatever the score), 1 failures in a batch, 2 unusable input.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time

from .errors import AutograderError


class LibraryDefault:
    """An option's default, read from the keyword defaults of the library function that takes it
    (the one place it is set), imported only when it is needed: the option was not given, or --help."""

    def __init__(self, function: str, keyword: str) -> None:
        self.function, self.keyword = function, keyword

    def value(self):
        module, name = self.function.split(":")
        return getattr(importlib.import_module(module), name).__kwdefaults__[self.keyword]

    def __str__(self) -> str:  # for %(default)s in help texts
        value = self.value()
        return f"{value:g}" if isinstance(value, float) else str(value)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line's options, every default taken from the library."""
    args = build_parser().parse_args(argv)
    for name, value in vars(args).items():
        if isinstance(value, LibraryDefault):
            setattr(args, name, value.value())
    return args


def _cmd_site(args) -> int:
    from .site import SimulatedSite
    from .snippet import load_snippet

    snippet = load_snippet(args.snippet) if args.snippet else ""
    with SimulatedSite(snippet, port=args.port, bind=args.bind) as site:
        local = site.local_url
        print(f"The Acme shop is running (Ctrl-C to stop). Open it in your browser:\n"
              f"  shop     {local}/\n"
              f"  blog     {local}/blog/\n"
              f"  people   {local}/trk/   (what the tracker saw; refreshes every 5 s)\n"
              f"  API      {local}/trk/api/people  {local}/trk/api/requests\n"
              f"Demo log-in: alice.martin@example.com / identify-me. "
              f"Watch the km_* cookies in your browser's developer tools (Application > Cookies).",
              flush=True)
        if args.snippet:
            print(f"Your snippet from {args.snippet} runs on every page.", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("\nStopped.")
    return 0


def _cmd_browser(args) -> int:
    from .browser import ensure_chromium, find_chromium

    path = ensure_chromium() if args.ensure else find_chromium()
    print(path)
    return 0


def _cmd_check(args) -> int:
    from .checks import format_text, run_checks
    from .checks.catalog import select
    from .snippet import load_snippet

    select(args.only)  # a typo in --only is reported before any work starts
    snippet = load_snippet(args.path)
    report = run_checks(snippet, only=args.only, seed=args.seed, timeout_s=args.timeout_s,
                        screenshots_dir=args.screenshots)
    print(report.to_json_text() if args.json else format_text(report))
    return 0


def _cmd_release(args) -> int:
    from .notebook.course import release_course

    path = release_course(course_dir=args.course)
    print(f"Learner version released to {path}")
    return 0


def _cmd_lab(args) -> int:
    from .notebook.course import open_lab

    return open_lab(course_dir=args.course, port=args.port)


def _cmd_grade(args) -> int:
    import os

    from .grading.console import grade_with_progress, print_summary
    from .notebook_paths import ASSIGNMENT, default_course_dir

    from .grading.lms import prepare_lms
    from .grading.lms_late import prepare_late

    # The roster and the late policy are read before grading starts: a typo costs no grading time.
    lms = prepare_lms(args.roster, canvas_column=args.canvas_column, bonus=args.bonus,
                      missing_as_zero=args.missing_as_zero) if args.roster else None
    late = prepare_late(due=args.due, late_penalty=args.late_penalty)
    workers = args.workers or os.cpu_count() or 1
    batch, outputs = grade_with_progress(args.submissions, course_dir=args.course or default_course_dir(),
                                         assignment=args.assignment or ASSIGNMENT, out_dir=args.out,
                                         workers=workers, timeout_s=args.timeout_s, force=args.force,
                                         learners=args.learner,
                                         scheduler=args.scheduler, sandbox=not args.no_sandbox, lms=lms, late=late)
    print_summary(outputs, batch)
    return 1 if batch.failed else 0


def _cmd_gradescope(args) -> int:
    if args.grade_here:
        from .grading.gradescope_run import run_gradescope

        print(run_gradescope(root=args.root, course_dir=args.course, timeout_s=args.timeout_s))
        return 0
    from .grading.gradescope import build_autograder_zip

    path = build_autograder_zip(args.out)
    print(f"Gradescope autograder written (upload it as the assignment's autograder .zip):\n{path}")
    return 0


def _cmd_course_init(args) -> int:
    from .notebook_paths import init_course

    folder = init_course(args.folder)
    print(f"The course is in {folder}: use it with --course {folder}")
    return 0


def _cmd_check_service(args) -> int:
    from .check_service import serve

    serve(port=args.port, parallel=args.parallel, queue=args.queue)
    return 0


def _cmd_demo(args) -> int:
    from .demo import run_demo

    return run_demo(out_dir=args.out, size=args.size, workers=args.workers)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description="Identify Lab: the shop, the checks, the grader.")
    sub = parser.add_subparsers(dest="command", required=True)

    site = sub.add_parser("site", help="run the simulated shop, blog and tracker")
    site.add_argument("--port", type=int, default=8800, help="port to listen on (0: any free port; default 8800)")
    site.add_argument("--bind", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    site.add_argument("--snippet", metavar="FILE.js", help="your identify snippet, put on every page")
    site.set_defaults(run=_cmd_site)

    browser = sub.add_parser("browser", help="print the Chromium the checks use")
    browser.add_argument("--ensure", action="store_true", help="install one if none is found")
    browser.set_defaults(run=_cmd_browser)

    check = sub.add_parser("check", help="judge an identify snippet (.js) or a learner notebook (.ipynb)")
    check.add_argument("path", help="a .js snippet or an .ipynb notebook with the identify_snippet cell")
    check.add_argument("--json", action="store_true", help="print the JSON report (evidence included)")
    check.add_argument("--seed", type=int, help="repeat a run exactly (default: random, reported)")
    check.add_argument("--only", help="comma-separated check ids")
    check.add_argument("--timeout-s", type=float, default=LibraryDefault("autograder.checks:run_checks", "timeout_s"),
                       help="bound for the whole checklist (default %(default)s)")
    check.add_argument("--screenshots", metavar="DIR", help="where to save screenshots of failing steps")
    check.set_defaults(run=_cmd_check)

    release = sub.add_parser("release", help="build the learner version of the course (nbgrader generate_assignment)")
    release.add_argument("--course", help="the nbgrader course folder (default: the repository's notebooks/)")
    release.set_defaults(run=_cmd_release)

    lab = sub.add_parser("lab", help="open JupyterLab on the learner version")
    lab.add_argument("--course", help="the nbgrader course folder (default: the repository's notebooks/)")
    lab.add_argument("--port", type=int, default=LibraryDefault("autograder.notebook.course:open_lab", "port"),
                     help="JupyterLab's port (default %(default)s)")
    lab.set_defaults(run=_cmd_lab)

    grade = sub.add_parser("grade", help="grade a batch of submissions with nbgrader, in parallel")
    grade.add_argument("submissions", help="a folder of notebooks, an nbgrader submitted/ folder, or an LMS .zip")
    grade.add_argument("--course", help="the nbgrader course folder (default: the repository's notebooks/)")
    grade.add_argument("--assignment", help="the assignment (default: step07-identifying-customers)")
    grade.add_argument("--workers", type=int, help="worker processes (default: the number of cores)")
    grade.add_argument("--timeout-s", type=float, default=LibraryDefault("autograder.grading.batch:grade_batch",
                                                                         "timeout_s"),
                       help="bound per notebook (default %(default)s)")
    grade.add_argument("--out", default="grading-out", help="where grades, feedback and report go")
    grade.add_argument("--force", action="store_true", help="regrade everything, not only what changed")
    grade.add_argument("--learner", action="append", default=[], metavar="ID",
                       help="regrade just this learner, changed or not (repeatable); the others keep their last "
                            "results")
    grade.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="grade on an existing Dask cluster")
    grade.add_argument("--no-sandbox", action="store_true", help="run learner kernels without bubblewrap")
    _add_lms_options(grade)
    grade.set_defaults(run=_cmd_grade)

    _add_gradescope(sub)

    course = sub.add_parser("course", help="the course's files")
    course_sub = course.add_subparsers(dest="course_command", required=True)
    init = course_sub.add_parser("init", help="write the nbgrader course (config and instructor source) into a folder")
    init.add_argument("folder", help="a new or empty folder")
    init.set_defaults(run=_cmd_course_init)

    service = sub.add_parser("check-service", help="one checking service for a JupyterHub's learners (a hub service)")
    service.add_argument("--port", type=int, help="port on 127.0.0.1 (default: the port of the url the hub gives)")
    service.add_argument("--parallel", type=int, default=LibraryDefault("autograder.check_service:serve", "parallel"),
                         help="checklists at once (default: half the cores, at least 1)")
    service.add_argument("--queue", type=int, default=LibraryDefault("autograder.check_service:serve", "queue"),
                         help="checks waiting beyond these are refused until one ends (default %(default)s)")
    service.set_defaults(run=_cmd_check_service)

    demo = sub.add_parser("demo", help="the main job: release, synthesize a class, grade it, report")
    demo.add_argument("--out", default=LibraryDefault("autograder.demo:run_demo", "out_dir"),
                      help="folder for the demo's outputs (default %(default)s)")
    demo.add_argument("--size", type=int, default=LibraryDefault("autograder.demo:run_demo", "size"),
                      help="learners in the synthetic class (default %(default)s)")
    demo.add_argument("--workers", type=int, help="worker processes (default: the number of cores)")
    demo.set_defaults(run=_cmd_demo)
    return parser


def _add_lms_options(grade: argparse.ArgumentParser) -> None:
    from .grading.lms import BONUS_MODES, prepare_lms

    defaults = prepare_lms.__kwdefaults__
    lms = grade.add_argument_group("back to the LMS", "with --roster, also write the LMS's import files in --out")
    lms.add_argument("--roster", metavar="CSV", help="Canvas gradebook export (canvas-import.csv) or Moodle grading "
                                                     "worksheet (moodle-worksheet.csv, moodle-feedback.zip)")
    lms.add_argument("--canvas-column", default=defaults["canvas_column"], metavar="NAME|ID",
                     help="the Canvas assignment column, when the gradebook has several")
    lms.add_argument("--bonus", choices=BONUS_MODES, default=defaults["bonus"],
                     help=f"bonus points: added to the grade, in a separate Canvas column, or ignored "
                          f"(default {defaults['bonus']})")
    lms.add_argument("--missing-as-zero", action="store_true", default=defaults["missing_as_zero"],
                     help="roster learners without a submission get 0 (default: left empty)")
    late = grade.add_argument_group("due date", "lateness from the LMS zip's times, nbgrader's timestamp.txt "
                                                "and Canvas's _LATE marker")
    late.add_argument("--due", metavar="ISO-TIME", help="the due time, e.g. 2026-03-02T23:59+01:00 (no zone: UTC)")
    late.add_argument("--late-penalty", metavar="POINTS|PERCENT%",
                      help="taken per started day late: points (2) or a percent of the maximum (10%%); "
                           "default none (lateness is shown, not charged)")


def _add_gradescope(sub) -> None:
    from .grading.gradescope_run import GRADESCOPE_ROOT, run_gradescope

    defaults = run_gradescope.__kwdefaults__
    gs = sub.add_parser("gradescope", help="build a Gradescope autograder zip, or (--run) grade as one")
    gs.add_argument("--out", default="autograder.zip", help="the zip to write (default autograder.zip)")
    gs.add_argument("--run", dest="grade_here", action="store_true",
                    help="grade ROOT/submission/*.ipynb into ROOT/results/results.json (what run_autograder does)")
    gs.add_argument("--root", default=str(GRADESCOPE_ROOT), help=f"with --run: the tree (default {GRADESCOPE_ROOT})")
    gs.add_argument("--course", help="with --run: the nbgrader course (default: the one this package ships)")
    gs.add_argument("--timeout-s", type=float, default=defaults["timeout_s"],
                    help=f"with --run: bound for the notebook (default {defaults['timeout_s']:g})")
    gs.set_defaults(run=_cmd_gradescope)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return args.run(args)
    except AutograderError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
