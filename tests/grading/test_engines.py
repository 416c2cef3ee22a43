"""Gradebooks of one database share one SQLAlchemy engine in a grading worker,
which does not wait for the disk, and still read and write like nbgrader's own."""

import os
import shutil
import sys

import sqlalchemy
from nbgrader.api import Gradebook

from autograder.grading.engines import shared_engines


def test_gradebooks_of_one_database_share_an_engine_and_keep_working(tmp_path, monkeypatch):
    import nbgrader.api

    monkeypatch.setattr(nbgrader.api, "create_engine", sqlalchemy.create_engine)  # undone after the test
    # a new gradebook runs nbgrader's alembic, which sits beside this Python
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    url, other = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    with Gradebook(url) as first, Gradebook(url) as second:
        assert first.engine is not second.engine  # nbgrader alone: an engine per Gradebook
    shutil.copyfile(tmp_path / "a.db", tmp_path / "b.db")  # made once: nbgrader's alembic takes seconds
    with shared_engines():
        with Gradebook(url) as gb:
            gb.add_student("ada")
            engine = gb.engine
        with Gradebook(url) as gb, Gradebook(other) as elsewhere:  # nested, as nbgrader's converters do
            assert gb.engine is engine and elsewhere.engine is not engine
            gb.add_student("grace")
            assert [s.id for s in gb.students] == ["ada", "grace"]
            assert elsewhere.students == []
        with Gradebook(url) as gb:  # after close: same engine, connections made again
            assert gb.engine is engine and [s.id for s in gb.students] == ["ada", "grace"]
            with gb.engine.connect() as connection:  # a worker's private copy: commits do not wait for the disk
                assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 0
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "memory"
    assert nbgrader.api.create_engine is sqlalchemy.create_engine  # nbgrader's own again afterwards
    with Gradebook(url) as gb:
        assert gb.engine is not engine
