"""The graded notebook cut to a size a feedback page can hold.

A learner's outputs are theirs: one print can write a 200 MB line, a loop
millions of lines, a plot a 50 MB image. The page written from them would be as
large, and so would the memory that renders it. Before export, each output keeps
at most ``output_chars`` characters and ``output_lines`` lines of text, an image
at most ``image_chars`` characters of base64, the whole notebook at most
``notebook_chars`` characters and ``outputs`` outputs; each learner cell keeps
``source_chars`` characters of source. Whatever is cut leaves a marker that says
what and how much.
"""

from __future__ import annotations

from dataclasses import dataclass

import nbformat

OUTPUT_CHARS = 100_000
OUTPUT_LINES = 2_000
IMAGE_CHARS = 2_000_000  # base64: an image file of about 1.5 MB
NOTEBOOK_CHARS = 5_000_000
OUTPUTS = 1_000
SOURCE_CHARS = 100_000
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")


def _size(chars: int) -> str:
    return f"{chars / 1e6:.1f} MB" if chars >= 100_000 else f"{chars:,} characters"


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


@dataclass
class _Budget:
    chars: int
    outputs: int
    cut: int = 0  # how many parts were cut

    def __post_init__(self) -> None:
        self.full = (f"[… output cut: this notebook's outputs reached the feedback page's bound "
                     f"({self.chars:,} characters or {self.outputs:,} outputs per notebook)]\n")


def _cut_text(text: str, chars: int, lines: int, what: str) -> tuple[str, bool]:
    end = min(len(text), chars)
    newline = -1
    for _ in range(lines):  # the position after the last line kept
        newline = text.find("\n", newline + 1, end)
        if newline < 0:
            break
    else:
        end = newline + 1
    if end >= len(text):
        return text, False
    # Counted in place: a copy of the rest would be as large as what is cut.
    more_lines = text.count("\n", end) + (not text.endswith("\n"))
    kept = text[:end] if text[end - 1:end] == "\n" else text[:end] + "\n"
    return (f"{kept}[… cut: {_size(len(text) - end)} more ({more_lines:,} more lines) of this {what}; "
            f"the feedback page keeps {chars:,} characters{f' and {lines:,} lines' if lines < chars else ''} "
            "of each]\n"), True


def _bound_output(output: dict, budget: _Budget, *, output_chars: int, output_lines: int,
                  image_chars: int) -> dict:
    kind = output.get("output_type")
    if budget.outputs <= 0 or budget.chars <= 0:
        budget.cut += 1
        return {"output_type": "stream", "name": "stdout", "text": budget.full}
    budget.outputs -= 1
    limit = min(output_chars, budget.chars)
    output = dict(output)
    if kind == "stream":
        output["text"], cut = _cut_text(_text(output.get("text", "")), limit, output_lines, "output")
        budget.cut += cut
        budget.chars -= len(output["text"])
    elif kind == "error":
        output["evalue"], cut = _cut_text(_text(output.get("evalue", "")), limit, output_lines, "error message")
        traceback, cut_tb = _cut_text("\n".join(map(str, output.get("traceback", []))), limit, output_lines,
                                      "traceback")
        output["traceback"] = traceback.split("\n")
        budget.cut += cut + cut_tb
        budget.chars -= len(output["evalue"]) + len(traceback)
    elif "data" in output:
        data = {}
        for mime, value in output["data"].items():
            if mime in IMAGE_TYPES:
                size = len(value) if isinstance(value, str) else sum(map(len, value))
                if size > min(image_chars, budget.chars):
                    # The image was the point of this output: the marker replaces the whole bundle.
                    budget.cut += 1
                    output["data"] = {"text/plain": budget.full if size <= image_chars else (
                        f"[… a {_size(size)} {mime} output was cut: the feedback page keeps images up to "
                        f"{_size(image_chars)}]")}
                    output["metadata"] = {}
                    return output
                data[mime] = value
                budget.chars -= size
            elif isinstance(value, (str, list)):
                data[mime], cut = _cut_text(_text(value), limit, output_lines, "output")
                budget.cut += cut
                budget.chars -= len(data[mime])
            else:  # JSON data: not shown on the page
                data[mime] = value
        output["data"] = data
    return output


def _bound_source(cell: dict, source_chars: int, budget: _Budget) -> str:
    source = _text(cell.get("source", ""))
    if cell.get("metadata", {}).get("nbgrader", {}).get("locked"):
        return source  # the instructor's cell, as nbgrader restored it: hidden-test markers must stay whole
    cut, was_cut = _cut_text(source, source_chars, source_chars, "cell")
    budget.cut += was_cut
    return cut


def _bound_attachments(cell: dict, image_chars: int, budget: _Budget) -> tuple[dict, list[str]]:
    kept, notes = {}, []
    for name, bundle in (cell.get("attachments") or {}).items():
        size = sum(len(_text(value)) for value in bundle.values())
        if size > min(image_chars, budget.chars):
            notes.append(f"\n\n*[… attachment `{name}` ({_size(size)}) cut: the feedback page keeps images up to "
                         f"{_size(image_chars)}]*")
            budget.cut += 1
        else:
            kept[name] = bundle
            budget.chars -= size
    return kept, notes


def bound_notebook(nb, *, output_chars: int = OUTPUT_CHARS, output_lines: int = OUTPUT_LINES,
                   image_chars: int = IMAGE_CHARS, notebook_chars: int = NOTEBOOK_CHARS, outputs: int = OUTPUTS,
                   source_chars: int = SOURCE_CHARS) -> tuple[nbformat.NotebookNode, int]:
    """A copy of ``nb`` within the bounds, and how many parts were cut. Strings that fit are
    shared with ``nb``, not copied."""
    budget = _Budget(chars=notebook_chars, outputs=outputs)
    cells = []
    for cell in nb.get("cells", []):
        cell = dict(cell)
        cell["source"] = _bound_source(cell, source_chars, budget)
        if cell.get("attachments"):
            cell["attachments"], notes = _bound_attachments(cell, image_chars, budget)
            cell["source"] += "".join(notes)
        if cell.get("cell_type") == "code":
            cell["outputs"] = [_bound_output(o, budget, output_chars=output_chars, output_lines=output_lines,
                                             image_chars=image_chars) for o in cell.get("outputs", [])]
        cells.append(cell)
    return nbformat.from_dict({**nb, "cells": cells}), budget.cut
