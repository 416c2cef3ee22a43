"""One SQLAlchemy engine per gradebook file in a grading worker.

nbgrader opens a new ``Gradebook`` about a dozen times per submission
(autograde, saving the grades, the feedback, our own reading of the scores),
and each one makes a new engine. A new engine starts with an empty statement
cache, so every query of nbgrader's is compiled again, and its first connection
inspects the database again. Handing nbgrader's ``Gradebook`` the same engine
for the same database keeps both: a third of a worker's own CPU per submission.
Sharing is safe: ``Gradebook.close`` disposes of the engine's pooled
connections, not of the engine, and a worker grades one submission at a time.
"""

from __future__ import annotations

import functools

import nbgrader.api
import sqlalchemy


def share_engines() -> None:
    """From now on, in this process, Gradebooks of one database share one engine."""
    if nbgrader.api.create_engine is sqlalchemy.create_engine:
        nbgrader.api.create_engine = functools.lru_cache(maxsize=4)(sqlalchemy.create_engine)
