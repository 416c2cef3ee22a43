"""Repairing what a notebook written by another tool (or edited by hand) lacks,
before nbgrader reads it.

nbgrader refuses a notebook whose code cells have no ``outputs`` or
``execution_count``, whose cells have no ``source``, or whose nbgrader metadata
is corrupt, with "Please see the above traceback", which tells nobody what to
do. Here the missing fields are filled, nbgrader metadata of a course cell is
restored from the course (nbgrader grades the course's version of those cells
anyway), and each repair becomes one note for the reason, naming the cells.
"""

from __future__ import annotations

import copy

from nbformat import validator

from ..notebook_cells import grade_id

CODE_FIELDS = {"outputs": list, "execution_count": lambda: None}


class NotebookRepair:
    def __init__(self, source: dict) -> None:
        self.course = {grade_id(cell): (cell.get("metadata") or {}).get("nbgrader")
                       for cell in source["cells"] if grade_id(cell)}

    def __call__(self, notebook: dict) -> list[str]:
        """Repair ``notebook`` (parsed JSON) in place; the notes say what was repaired, where."""
        filled: dict[str, list[str]] = {}
        restored: list[str] = []
        for number, cell in enumerate(notebook["cells"], start=1):
            if not isinstance(cell, dict):
                continue
            where = _where(number, cell)
            missing = [name for name in ("source", "metadata") if name not in cell]
            cell.setdefault("source", "")
            if not isinstance(cell.get("metadata"), dict):
                cell["metadata"] = {}
            if cell.get("cell_type") == "code":
                for name, empty in CODE_FIELDS.items():
                    if name not in cell:
                        cell[name] = empty()
                        missing.append(name)
            for name in missing:
                filled.setdefault(name, []).append(where)
            gid = grade_id(cell)
            ours = self.course.get(gid)
            if ours is not None and cell["metadata"].get("nbgrader") != ours and _invalid(cell):
                cell["metadata"]["nbgrader"] = copy.deepcopy(ours)
                restored.append(where)
        # What else nbformat knows how to repair (e.g. an old nbformat_minor without cell ids).
        try:
            validator.normalize(notebook)
        except Exception:  # nbgrader says what is left, in its own words
            pass
        notes = [f"{name} missing in {_cells(cells)} (filled in empty; points for the code as handed in)"
                 for name, cells in filled.items()]
        if restored:
            notes.append(f"nbgrader metadata corrupt in {_cells(restored)} (restored from the course; "
                         "hand in the released notebook to avoid this)")
        return notes


def _invalid(cell: dict) -> bool:
    """nbgrader's own check of the cell's metadata fails."""
    import nbformat
    from nbgrader.nbgraderformat import MetadataValidator

    try:
        MetadataValidator().validate_cell(nbformat.from_dict(copy.deepcopy(cell)))
    except Exception:  # jsonschema's ValidationError, or a type nbgrader did not expect
        return True
    return False


def _where(number: int, cell: dict) -> str:
    gid = grade_id(cell)
    return f"cell {number}" + (f" ({gid})" if gid else "")


def _cells(cells: list[str]) -> str:
    shown = ", ".join(cells[:4]) + (f" and {len(cells) - 4} more" if len(cells) > 4 else "")
    return shown
