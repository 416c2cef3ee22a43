"""The deployment recipes (docs/jupyterhub/) name only commands and files the project has: an
instructor who follows them must not meet a command that was renamed or an option that is gone."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

RECIPES = Path(__file__).resolve().parents[1] / "docs" / "jupyterhub"
TEXT = "\n".join(path.read_text(encoding="utf-8") for path in sorted(RECIPES.iterdir()))


@pytest.mark.parametrize("command", sorted(set(re.findall(r"python -m autograder ([a-z]+(?: [a-z]+)?)", TEXT))))
def test_every_autograder_command_of_the_recipes_exists(command):
    words = command.split()
    done = subprocess.run([sys.executable, "-m", "autograder", *words, "--help"], capture_output=True, text=True,
                          timeout=60)
    if done.returncode != 0 and len(words) == 2:  # "course init": the second word may be an argument
        done = subprocess.run([sys.executable, "-m", "autograder", words[0], "--help"], capture_output=True,
                              text=True, timeout=60)
        assert words[1] in done.stdout, done.stdout
    assert done.returncode == 0, done.stderr[-500:]


def test_the_files_the_recipes_point_at_exist():
    for name in re.findall(r"docs/jupyterhub/([\w-]+\.[A-Za-z]+)", TEXT):
        assert (RECIPES / name).is_file(), name


def test_the_chart_values_are_valid_yaml_with_the_measured_limits():
    yaml = pytest.importorskip("yaml")
    values = yaml.safe_load((RECIPES / "config.yaml").read_text(encoding="utf-8"))
    assert values["singleuser"]["memory"] == {"guarantee": "600M", "limit": "1G"}
    assert values["singleuser"]["storage"]["extraVolumeMounts"][0]["mountPath"] == "/srv/nbgrader/exchange"


def test_the_formgrader_service_recipe_loads_as_jupyterhub_reads_it(tmp_path):
    """The hub configuration the recipe writes (appending to what the Littlest JupyterHub already set)."""
    from jupyterhub.app import JupyterHub
    from traitlets.config import PyFileConfigLoader

    found = re.search(r"jupyterhub_config\.d/(formgrader\.py) <<'CONF'\n(.*?)\nCONF", TEXT, re.S)
    assert found, "the formgrader recipe"
    (tmp_path / found[1]).write_text(found[2], encoding="utf-8")
    hub = JupyterHub(config=PyFileConfigLoader(found[1], path=str(tmp_path)).load_config())
    course_id = re.search(r'course_id = "([^"]+)"', (RECIPES.parents[1] / "notebooks" / "nbgrader_config.py")
                          .read_text(encoding="utf-8"))[1]
    assert [service["name"] for service in hub.services] == [course_id]  # nbgrader: named after the course
    assert hub.load_roles[0]["scopes"][0] == f"access:services!service={course_id}"
    assert list(hub.load_groups) == [f"formgrade-{course_id}"]
