# Two commands do everything (see README.md):
#   make lab    install what a student needs and open the collection in JupyterLab
#   make test   install the test tools and run every test
# and one is the contributor's loop after every change (CONTRIBUTING.md):
#   make check  lint, the quick tests, every module's doctests, the lesson budget (about 30 s)
# Each environment is a virtualenv in the repo, rebuilt when its requirements change.

PYTHON ?= python3
# Other interpreters for the Colab-like (3.13) and Binder-like (3.10) stacks: the first
# that runs, from pyenv or on PATH (a pyenv shim of an inactive version does not run).
find_python = $(shell for p in $$HOME/.pyenv/versions/$(1).*/bin/python$(1) $$(command -v python$(1)); do "$$p" --version >/dev/null 2>&1 && { echo "$$p"; break; }; done)
PYTHON_COLAB ?= $(call find_python,3.13)
PYTHON_BINDER ?= $(call find_python,3.10)
# The oldest Python the project admits (pyproject.toml) and the newest this machine has.
PYTHON_MINIMUM ?= $(PYTHON_BINDER)
PYTHON_NEWEST ?= $(PYTHON_COLAB)

NBVAL := --nbval --nbval-current-env -p no:cacheprovider
# The docstring examples of every module and package of the project (linreg_*.py, linreg_*/).
DOCTESTS := --doctest-modules $(wildcard linreg_*.py linreg_*/)
# Tests marked slow (notebooks, explorer sweeps), browser or hub are left to make test-main.
QUICK := -m "not slow and not browser and not hub"
# The tests of what students run (the core, checkers, explorers, doctests): the ones whose
# outcome can depend on the numpy, pandas, matplotlib and ipywidgets versions.
LIBRARY_TESTS := tests/test_core.py tests/test_multiple_features.py tests/test_scaling.py tests/test_sgd.py \
	tests/test_widgets.py tests/test_exercises.py tests/test_lesson_exercises.py tests/test_hostile.py \
	tests/test_properties.py tests/test_server_config.py $(DOCTESTS)

.PHONY: help lab check test test-main lint test-colab test-binder test-minimum test-newest notebooks
.PHONY: bench bench-browser clean slides site assignments student-branch handouts
.PHONY: test-hub bench-classroom classroom-link clean-hub

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /\1\t/' \
		| awk -F '\t' '{ printf "  make %-16s %s\n", $$1, $$2 }'

lab: .venv/.stamp-lab  ## install what a student needs and open JupyterLab
	JUPYTER_CONFIG_PATH="$(CURDIR)/.jupyter" \
		.venv/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/00_index.ipynb

# The fast loop: what a contributor runs after every change. Lint, every test not marked
# slow, browser or hub, the doctests, then the lessons' size against the plan's limits.
check: lint  ## the fast loop: lint, quick tests, doctests, lesson budget (~30 s)
	.venv/bin/python -m pytest -q -p no:cacheprovider $(QUICK) tests $(DOCTESTS)
	.venv/bin/python tools/lesson_plan.py --report

test: test-main test-colab test-binder test-minimum test-newest  ## every test, on all five stacks

# Unit, widget and exercise tests, doctests, every notebook under strict nbval, the real
# browser and the JupyterHub classroom (everything make check runs, and the slow rest).
test-main: lint  ## unit, widget, notebook, browser and hub tests with your Python
	.venv/bin/python -m pytest tests notebooks $(DOCTESTS) $(NBVAL) --ignore=tests/test_colab_frontend.py

# ruff: lint and format check over every Python file (settings in pyproject.toml).
lint: .venv/.stamp-dev  ## ruff check and ruff format --check
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# Colab's preinstalled stack (constraints-colab.txt): notebooks and widget tests, and the
# explorers in ipywidgets 7's own frontend (from npm, in .venv-node) in Chromium.
test-colab: .venv-colab/.stamp .venv-node/.stamp  ## notebooks and widget tests on Colab's versions (Python 3.13)
	PYDEVD_DISABLE_FILE_VALIDATION=1 .venv-colab/bin/python -m pytest \
		tests/test_widgets.py tests/test_exercises.py tests/test_scaling.py tests/test_sgd.py \
		tests/test_colab_frontend.py notebooks $(NBVAL)

# Binder: a fresh environment from requirements.txt alone runs every notebook, and its
# Jupyter server finds the project's server setting in the home directory.
test-binder: .venv-binder/.stamp  ## every notebook in a fresh Python 3.10 from requirements.txt
	.venv-binder/bin/python -m pytest tests/test_server_config.py notebooks $(NBVAL)

# The versions we promise are the versions we test: Python 3.10 with every lower bound of
# requirements.txt at its lowest release (constraints-minimum.txt), the rest as pip picks it.
test-minimum: .venv-minimum/.stamp  ## notebooks and library tests on the oldest versions we admit (Python 3.10)
	.venv-minimum/bin/python -m pytest $(LIBRARY_TESTS) notebooks $(NBVAL)

# The newest release of everything, on the newest Python here: upgraded on every run (needs
# the network), so a new numpy, pandas, matplotlib or ipywidgets is tested the day it is out.
test-newest: .venv-newest/.stamp  ## notebooks and library tests on today's newest releases (Python 3.13)
	.venv-newest/bin/python -m pip install -q --upgrade --upgrade-strategy eager -r requirements.txt $(NEWEST_TOOLS)
	@.venv-newest/bin/python -m pip list 2>/dev/null | grep -iE '^(numpy|pandas|matplotlib|ipywidgets|ipykernel) '
	.venv-newest/bin/python -m pytest $(LIBRARY_TESTS) notebooks $(NBVAL)

# Re-execute every notebook top to bottom and save its outputs (after editing one).
notebooks: .venv/.stamp-dev  ## sync the .md twins, then re-execute every notebook
	.venv/bin/python tools/notebooks.py

# Offline reveal.js slides of notebooks 01-04 and the Jupyter Book 1 course site, into build/
# (tools/publish.py; reveal.js and MathJax from npm into .venv-node, Jupyter Book in .venv-site).
slides: .venv/.stamp-dev .venv-node/.stamp  ## reveal.js slides of 01-04 into build/slides (offline)
	.venv/bin/python tools/publish.py slides

site: .venv/.stamp-dev .venv-node/.stamp .venv-site/.stamp  ## the course site (Jupyter Book 1) into build/site
	.venv/bin/python tools/publish.py site

# tests/test_publish.py, part of test-main, builds both.
test-main: .venv-site/.stamp

.venv-site/.stamp: requirements-site.txt
	rm -rf .venv-site && $(PYTHON) -m venv .venv-site
	.venv-site/bin/python -m pip install -q -r requirements-site.txt
	touch $@

# Student versions, the answer key (executed) and an nbgrader course, from notebooks 01-09
# (tools/assignments.py, docs/classroom.md "Grading"); tests/test_assignments.py checks them.
assignments: .venv/.stamp-dev  ## student versions, answer key, nbgrader course into build/assignments
	.venv/bin/python tools/assignments.py all build/assignments

# The student versions as a git branch (default: student), written beside your work without
# touching it; push it, then students open it with its badges or the hub link (BRANCH=student).
STUDENT_BRANCH ?= student
student-branch: .venv/.stamp-dev  ## the student versions as the git branch "student", to push for the class
	.venv/bin/python tools/assignments.py branch --name $(STUDENT_BRANCH)

# Printable PDFs into build/handouts/, offline: the formula sheet, the tiny.csv worksheet (blank
# and worked), the exit ticket and its key, and student and key versions of 01-04. Needs Debian's
# chromium (.ci/install-browser). The student and key versions come from
# tools/assignments.py; HANDOUT_FLAGS="--png" also writes every page as a PNG, to look at.
HANDOUT_FLAGS ?=
handouts: .venv/.stamp-dev  ## printable PDFs: formula sheet, worksheet, exit ticket, 01-04 (build/handouts)
	.venv/bin/python tools/assignments.py student build/student
	.venv/bin/python tools/assignments.py key build/key
	.venv/bin/python tools/handouts.py --student build/student --key build/key $(HANDOUT_FLAGS)

bench: .venv/.stamp-dev  ## speed ratios, measured side by side
	.venv/bin/python benchmarks/bench.py

# RTT="0 50 100 200" measures the drag at those round trips (ms) through a delaying proxy.
RTT ?=
bench-browser: .venv/.stamp-dev  ## slider drag in JupyterLab + Chromium: pictures/s, settle, kB/s (RTT="0 100")
	.venv/bin/python benchmarks/bench_browser.py $(foreach ms,$(RTT),--rtt $(ms))

.venv/.stamp-lab: requirements.txt
	test -d .venv || $(PYTHON) -m venv .venv
	.venv/bin/python -m pip install -q -r requirements.txt
	touch $@

.venv/.stamp-dev: requirements.txt requirements-dev.txt
	test -d .venv || $(PYTHON) -m venv .venv
	.venv/bin/python -m pip install -q -r requirements-dev.txt
	touch $@ .venv/.stamp-lab

.venv-colab/.stamp: requirements.txt constraints-colab.txt
	@test -n "$(PYTHON_COLAB)" || { echo "make test-colab needs Python 3.13 (set PYTHON_COLAB=/path/to/python3.13)"; exit 1; }
	rm -rf .venv-colab && $(PYTHON_COLAB) -m venv .venv-colab
	.venv-colab/bin/python -m pip install -q -r requirements.txt -c constraints-colab.txt pytest nbval "playwright>=1.45"
	touch $@

.venv-binder/.stamp: requirements.txt
	@test -n "$(PYTHON_BINDER)" || { echo "make test-binder needs Python 3.10 (set PYTHON_BINDER=/path/to/python3.10)"; exit 1; }
	rm -rf .venv-binder && $(PYTHON_BINDER) -m venv .venv-binder
	.venv-binder/bin/python -m pip install -q -r requirements.txt pytest nbval
	touch $@

.venv-minimum/.stamp: requirements.txt constraints-minimum.txt
	@test -n "$(PYTHON_MINIMUM)" || { echo "make test-minimum needs Python 3.10 (set PYTHON_MINIMUM=/path/to/python3.10)"; exit 1; }
	rm -rf .venv-minimum && $(PYTHON_MINIMUM) -m venv .venv-minimum
	.venv-minimum/bin/python -m pip install -q -r requirements.txt -c constraints-minimum.txt pytest nbval "hypothesis==6.*"
	touch $@

NEWEST_TOOLS := pytest nbval "hypothesis==6.*"
.venv-newest/.stamp: requirements.txt
	@test -n "$(PYTHON_NEWEST)" || { echo "make test-newest needs Python 3.13 (set PYTHON_NEWEST=/path/to/python3.13)"; exit 1; }
	rm -rf .venv-newest && $(PYTHON_NEWEST) -m venv .venv-newest
	.venv-newest/bin/python -m pip install -q -r requirements.txt $(NEWEST_TOOLS)
	touch $@

clean:  ## remove the virtualenvs, test artifacts and build/
	rm -rf .venv .venv-colab .venv-binder .venv-minimum .venv-newest .venv-site test-artifacts build

# ---- A whole class on JupyterHub (docs/jupyterhub.md) ----------------------------------------
# configurable-http-proxy, JupyterHub's proxy, from npm (package.json + package-lock.json) into
# .venv-node/ (gitignored like every .venv*). tests/test_hub.py, part of test-main, needs it.
test-main: .venv-node/.stamp

HUB ?= https://hub.example.edu
BRANCH ?= main
STUDENTS ?= 1 5 10 20

classroom-link: .venv/.stamp-lab  ## the nbgitpuller link: make classroom-link HUB=https://hub.example.edu
	.venv/bin/python tools/classroom.py link --hub $(HUB) --branch $(BRANCH)

test-hub: .venv/.stamp-dev .venv-node/.stamp  ## only the JupyterHub classroom test (a real hub, 4 students)
	.venv/bin/python -m pytest tests/test_hub.py -p no:cacheprovider

bench-classroom: .venv/.stamp-dev .venv-node/.stamp  ## hub capacity: memory, CPU and latency for 1-20 students
	.venv/bin/python benchmarks/bench_classroom.py $(STUDENTS)

.venv-node/.stamp: package.json package-lock.json
	rm -rf .venv-node && mkdir -p .venv-node
	cp package.json package-lock.json .venv-node/
	cd .venv-node && npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean: clean-hub
clean-hub:  ## remove .venv-node (configurable-http-proxy)
	rm -rf .venv-node
