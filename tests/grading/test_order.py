"""Submissions with a snippet not seen yet are graded first; the others keep their order."""

import nbformat

from autograder.grading.batch import _new_snippets_first
from autograder.grading.worker import GradeJob

from .mini_course import learner_notebook


def job(learner: str, snippet: str | None) -> tuple[GradeJob, str]:
    data = b"{not json" if snippet is None else nbformat.writes(learner_notebook(snippet, "return 2 * x")).encode()
    return GradeJob(learner, data), f"print-{learner}"


def test_one_of_each_snippet_first_then_the_rest_in_order():
    todo = [job("a1", "A()"), job("a2", "A()"), job("b1", "B()"), job("broken", None), job("a3", "A()"),
            job("c1", "C()"), job("b2", "B()")]
    ordered = _new_snippets_first(todo)
    assert [j.learner for j, _ in ordered] == ["a1", "b1", "broken", "c1", "a2", "a3", "b2"]
    assert sorted(ordered, key=lambda item: item[1]) == sorted(todo, key=lambda item: item[1])  # nothing lost
