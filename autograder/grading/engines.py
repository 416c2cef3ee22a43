"""A grading worker's gradebook: one SQLAlchemy engine, and no waits for the disk.

- nbgrader opens a new ``Gradebook`` about a dozen times per submission
  (autograde, saving the grades, the feedback, our own reading of the scores),
  and each one makes a new engine. A new engine starts with an empty statement
  cache, so every query of nbgrader's is compiled again, and its first
  connection inspects the database again. Handing nbgrader's ``Gradebook`` the
  same engine for the same database keeps both: a third of a worker's own CPU
  per submission. Sharing is safe: ``Gradebook.close`` disposes of the engine's
  pooled connections, not of the engine, and a worker grades one submission at
  a time.
- A worker's gradebook is its private, throwaway copy (the coordinator alone
  writes the course's, durably), yet SQLite waited for the disk at each write
  nbgrader commits, several per submission (about 1 ms each here when the
  shared disk is quiet, more when it is busy). Its connections skip the waits
  (``synchronous=OFF``, the rollback journal in memory); a worker that crashes
  loses only its copy.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from typing import Iterator

import nbgrader.api
import sqlalchemy
from sqlalchemy import event


def _private_engine(url: str, **options) -> sqlalchemy.Engine:
    engine = sqlalchemy.create_engine(url, **options)

    @event.listens_for(engine, "connect")
    def _no_disk_waits(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA journal_mode=MEMORY")
        cursor.close()

    return engine


@contextmanager
def shared_engines() -> Iterator[None]:
    """While inside, in this process (a grading worker), Gradebooks of one database share
    one engine, whose connections do not wait for the disk; afterwards nbgrader makes its
    engines as before, and the shared ones are disposed of."""
    made: list[sqlalchemy.Engine] = []

    def make(url: str, **options) -> sqlalchemy.Engine:
        made.append(_private_engine(url, **options))
        return made[-1]

    previous = nbgrader.api.create_engine
    nbgrader.api.create_engine = functools.lru_cache(maxsize=4)(make)
    try:
        yield
    finally:
        nbgrader.api.create_engine = previous
        for engine in made:
            engine.dispose()
