"""The Jupyter parts whose private APIs the grader overrides are bounded above at
versions the equivalence tests have passed with, and what is installed lies within."""

import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
OVERRIDDEN = ("nbconvert", "jupyter_client", "nbclient")  # feedback_exporter.py, kernels.py / kernel_forks.py, execute.py


@pytest.mark.parametrize("name", OVERRIDDEN)
def test_overridden_distributions_are_bounded_above_and_installed_within(name):
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    requirement = next(Requirement(d) for d in dependencies if Requirement(d).name.replace("-", "_") == name)
    assert any(spec.operator in ("<", "<=", "~=", "==") for spec in requirement.specifier), str(requirement)
    assert requirement.specifier.contains(version(name), prereleases=True), (str(requirement), version(name))
