# Everything a fresh Debian/Ubuntu machine needs is set up by these targets:
# a .venv with the package and its dev tools, then a Chromium.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# JupyterHub's proxy, from the npm registry, for the hub test (tests/hub/); kept inside .venv
CHP := $(VENV)/node/node_modules/.bin/configurable-http-proxy
AXE := node_modules/axe-core/axe.min.js
# Another set-up may hold dpkg's lock (two checkouts set up at once): wait for it, bounded.
APT := apt-get -o DPkg::Lock::Timeout=600

.PHONY: setup test demo site lab release bench clean npm

setup: $(STAMP) $(CHP) $(AXE)
	@$(PY) -m autograder browser --ensure
	@# bubblewrap confines learner kernels while grading (README: Sandbox); without it grading runs unconfined
	@command -v bwrap >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1 || \
		$(APT) install -y -qq bubblewrap >/dev/null 2>&1 || \
		{ $(APT) update -qq && $(APT) install -y -qq bubblewrap >/dev/null; } || true
	@command -v bwrap >/dev/null 2>&1 || echo "note: no bubblewrap: learner code would be graded unconfined (see README)"

# Re-install only when the dependency list changes, so a second run is instant.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# npm, for the two packages below, from Debian's packages when it is missing and we may install
npm:
	@command -v npm >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1 || \
		$(APT) install -y -qq npm >/dev/null 2>&1 || \
		{ $(APT) update -qq && $(APT) install -y -qq npm >/dev/null; } || true

# One shell each: without npm the rest of set-up goes on, and the tests that need them say what is missing.
$(CHP): | npm
	@if command -v npm >/dev/null 2>&1; then \
		npm install --prefix $(VENV)/node --no-audit --no-fund --loglevel=error configurable-http-proxy@4; \
	else echo "note: no npm: the JupyterHub test cannot run (apt-get install -y npm)"; fi

# axe-core (npm) scans the lab's pages for accessibility in the browser tests; pinned by package-lock.json.
$(AXE): package.json package-lock.json | npm
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $(AXE); \
	else echo "note: no npm: the accessibility tests cannot run (apt-get install -y npm)"; fi

# Most tests wait on a browser, a kernel or a server: two workers keep both cores busy
# (TEST_WORKERS=0: one process). Each file stays whole on one worker (tests/conftest.py).
TEST_WORKERS ?= 2

test: setup
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

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
	rm -rf $(VENV) build *.egg-info node_modules
