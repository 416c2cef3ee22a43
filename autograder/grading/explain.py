"""Why a submission could not be graded, in words a learner can act on: what happened and
what to do, from the reason the grader recorded (which stays, as the details)."""

from __future__ import annotations

_NOT_YOURS = ("Nothing you did: the grader itself failed on your submission. Your instructor sees this "
              "in the class report and will grade it again; you need not hand it in again.")

# (the reason starts with, what happened, what to do), first match wins
_EXPLAINED = [
    ("not a readable notebook (JSONDecodeError", "Your file could not be read as a notebook: it is cut short, "
     "empty, or not a notebook at all (a notebook is JSON text, and this file is not).",
     "Open it in JupyterLab. If it opens, save it (File › Save Notebook) and hand it in again; if it does not, "
     "hand in the last copy that opens, or download the notebook again and redo your cells."),
    ("not a readable notebook (UnicodeDecodeError", "Your file could not be read as a notebook: it is not "
     "text (perhaps a zip, a PDF or an image with the .ipynb name).",
     "Hand in the .ipynb file that JupyterLab saves (File › Download), not an export or an archive; check it "
     "opens in JupyterLab, then hand it in again."),
    ("not a readable notebook", "Your file could not be read as a notebook.",
     "Open it in JupyterLab, save it, and hand it in again."),
    ("not a notebook (no cells)", "Your file is JSON, but not a notebook: it has no cells.",
     "Hand in the course notebook with your answers (the .ipynb you worked in), then check it opens in "
     "JupyterLab with its cells."),
    ("no cell with nbgrader grade_id", "The notebook has no identify snippet cell: the cell was deleted, or this "
     "is another notebook.", "Hand in the course notebook, with your snippet in its identify snippet cell."),
    ("grader error", "The grader failed on your submission.", _NOT_YOURS),
    ("crashed the grading worker", "Grading your notebook used more memory or time than the grader allows, "
     "and the grader had to stop it.", "Look for a cell that runs without end or builds something huge; fix "
     "it, run the whole notebook in JupyterLab (Run › Restart Kernel and Run All Cells), and hand it in again."),
    ("the grading worker could not start", "The grader could not start.", _NOT_YOURS),
    ("the Dask worker failed", "The grader failed on your submission.", _NOT_YOURS),
]


def explain(reason: str) -> tuple[str, str]:
    """(what happened, what to do) for an ungradable submission's reason."""
    for start, happened, todo in _EXPLAINED:
        if reason.startswith(start):
            return happened, todo
    return ("Your notebook could not be graded.",
            "Run the whole notebook in JupyterLab (Run › Restart Kernel and Run All Cells), fix what fails, and "
            "hand it in again; if it runs, ask your instructor, with the details below.")
