# Everything a fresh Debian/Ubuntu machine needs is set up by these targets:
# a .venv with the package and its dev tools, then a Chromium.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# JupyterHub's proxy, from the npm registry, for the hub test (tests/hub/); kept inside .venv
CHP := $(VENV)/node/node_modules/.bin/configurable-http-proxy

.PHONY: setup test demo site lab release bench clean

setup: $(STAMP) $(CHP)
	@$(PY) -m autograder browser --ensure
	@# bubblewrap confines learner kernels while grading (README: Sandbox); without it grading runs unconfined
	@command -v bwrap >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1 || \
		apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
		{ apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null; } || true
	@command -v bwrap >/dev/null 2>&1 || echo "note: no bubblewrap: learner code would be graded unconfined (see README)"

# Re-install only when the dependency list changes, so a second run is instant.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

$(CHP):
	@command -v npm >/dev/null 2>&1 || { echo "note: no npm: the JupyterHub test cannot run (apt-get install -y npm)"; exit 0; }
	npm install --prefix $(VENV)/node --no-audit --no-fund --loglevel=error configurable-http-proxy@4

test: setup
	$(PY) -m pytest

demo: setup
	$(PY) -m autograder demo

site: setup
	$(PY) -m autograder site

release: setup
	$(PY) -m autograder release

lab: setup
	$(PY) -m autograder lab

bench: setup
	$(PY) benchmarks/bench_site.py

clean:
	rm -rf $(VENV) build *.egg-info
