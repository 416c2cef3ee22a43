"""``autograder gradescope --out autograder.zip``: a Gradescope autograder made of
this package (Gradescope's "Autograder Specifications": ``setup.sh`` and
``run_autograder`` at the zip's root; the zip's contents land in
``/autograder/source``).

``setup.sh`` runs once, as root, when Gradescope builds its image: it installs a
Python of at least 3.11, this package from ``source/identify-lab`` into a venv, and a
Chromium with its system libraries (Playwright's). ``run_autograder`` runs for
each submission and calls ``python -m autograder gradescope --run`` (gradescope_run).
The package is packed from a checkout (its pyproject.toml, setup.py and the course
in notebooks/, which setup.py packs into the installed package).
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from ..errors import UnusableInput

VENV = "/opt/identify-lab"
SOURCE = "identify-lab"  # the package's folder inside the zip, so /autograder/source/identify-lab
RUN_COMMAND = f"exec {VENV}/bin/python -m autograder gradescope --run --root /autograder"
_PROJECT = Path(__file__).resolve().parents[2]
_PACKED = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "notebooks/nbgrader_config.py")
# The course's source only: notebooks/ also gathers a course's runs (submitted/, gradebook.db, ...).
_TREES = ("autograder", "notebooks/source")
_SKIPPED = {"__pycache__", ".ipynb_checkpoints", "course"}  # caches; autograder/course is made by setup.py

SETUP_SH = f"""#!/usr/bin/env bash
# Gradescope runs this once, as root, on its Ubuntu image, when it builds the autograder.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip ca-certificates bubblewrap
PYTHON=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    # Ubuntu 22.04's python3 is 3.10; this package needs 3.11.
    apt-get install -y --no-install-recommends python3.11 python3.11-venv
    PYTHON=python3.11
fi
"$PYTHON" -m venv {VENV}
{VENV}/bin/pip install --upgrade pip
{VENV}/bin/pip install /autograder/source/{SOURCE}
{VENV}/bin/python -m playwright install-deps chromium
{VENV}/bin/python -m autograder browser --ensure
"""

RUN_AUTOGRADER = f"""#!/usr/bin/env bash
# Gradescope runs this for every submission: it grades /autograder/submission/*.ipynb
# and writes /autograder/results/results.json.
{RUN_COMMAND}
"""


def build_autograder_zip(out: str | Path, *, project: Path = _PROJECT) -> Path:
    """Write the Gradescope autograder zip to ``out``; returns its path."""
    if not (project / "pyproject.toml").is_file() or not (project / "notebooks" / "source").is_dir():
        raise UnusableInput(f"{project}: not a checkout of this project (no pyproject.toml and notebooks/); "
                            "build the Gradescope autograder from a checkout")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _add_text(archive, "setup.sh", SETUP_SH, executable=True)
        _add_text(archive, "run_autograder", RUN_AUTOGRADER, executable=True)
        for name in _PACKED:
            if (project / name).is_file():
                archive.write(project / name, f"{SOURCE}/{name}")
        for folder in _TREES:
            for path in sorted((project / folder).rglob("*")):
                relative = path.relative_to(project)
                if path.is_file() and not path.is_symlink() and not _SKIPPED & set(relative.parts) \
                        and path.suffix != ".pyc":
                    archive.write(path, f"{SOURCE}/{relative.as_posix()}")
    return out


def _add_text(archive: zipfile.ZipFile, name: str, text: str, *, executable: bool) -> None:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    mode = 0o755 if executable else 0o644
    info.external_attr = (stat.S_IFREG | mode) << 16  # unzip keeps it runnable
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)
