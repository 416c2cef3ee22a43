"""Packs the course into the wheel: notebooks/ (the nbgrader course: its config and the
instructor's source) becomes autograder/course/, so an installed package can write the
course into a folder (``python -m autograder course init DIR``), run the demo and judge
snippets without the repository. Editable installs read notebooks/ where it is."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

COURSE = Path(__file__).resolve().parent / "notebooks"
COURSE_FILES = ("nbgrader_config.py", "source")


class BuildWithCourse(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "autograder" / "course"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for name in COURSE_FILES:
            source = COURSE / name
            if source.is_dir():
                shutil.copytree(source, target / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
            else:
                shutil.copy2(source, target / name)


setup(cmdclass={"build_py": BuildWithCourse})
