"""Reading the cells of a notebook as parsed JSON.

Learners hand in notebooks broken in every way (a cell that is a string, metadata
that is a list, ``"nbgrader": null``), so nothing here assumes a cell, its
metadata or its source has the type the format says.
"""

from __future__ import annotations


def nbgrader_metadata(cell) -> dict:
    """The cell's nbgrader metadata, or {} when it has none (or none that is usable)."""
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    return nbgrader if isinstance(nbgrader, dict) else {}


def grade_id(cell) -> str | None:
    """The cell's nbgrader grade id, if it has one."""
    value = nbgrader_metadata(cell).get("grade_id")
    return value if isinstance(value, str) and value else None


def cell_source(cell) -> str:
    """The cell's source as one string (the format allows a list of lines)."""
    source = cell.get("source", "") if isinstance(cell, dict) else ""
    return "".join(map(str, source)) if isinstance(source, list) else str(source)


def is_code(cell) -> bool:
    return isinstance(cell, dict) and cell.get("cell_type") == "code"
