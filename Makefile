# exposure-kit: every target builds .venv itself when it is missing.
#   make lab        JupyterLab on the lessons, the start-here lesson open
#   make test       the whole suite: engine, widgets, notebooks (nbval), exercises, a real browser
#   make check      lint (ruff) and the quick unit and doctest suite, about a minute
#   make app        the lessons as Voila web apps (APP_IP=0.0.0.0 to serve a classroom network,
#                   APP_CLASS_POOL=01=30 to have lesson 01 warm for 30 learners)
#                   it prints the instructor's link: /instructor?token=... (docs/classroom.md)
#   make app-instructor  the same, each quiz with a "Show all solutions" switch (for a projector),
#                   opening the instructor's view in this machine's browser
#   make assessment the classroom server for an onboarding assessment (/assessment; SEED=N fixes
#                   the sitting's seed, MINUTES=45 a time limit); with CANDIDATE=... SEED=N it
#                   prints that candidate's exact paper with worked answers instead
#   make bench      the speed figures
#   make solutions  exercise notebooks with their solutions filled in, under build/solutions
#   make lessons    notebooks/ rebuilt (and run) from the lesson sources, lessons/NN_name.md
#   make hub        JupyterHub for a class on one server: each learner's own classroom server,
#                   the answers in a PostgreSQL started under build/hub (docs/hub.md)
#   make lock       requirements-lock.txt (and environment.yml) renewed from pyproject.toml
#   make test-latest  the suite on today's newest releases, in build/venv-latest (the lock untouched)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
LOCK   := requirements-lock.txt
UV_VERSION := 0.13.10
PORT   ?= 8888
APP_IP ?= 127.0.0.1
APP_PORT ?= 8866
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: lab app app-instructor assessment test check test-latest bench solutions lessons browser clean venv lock \
	hub hub-tools test-hub

venv: $(STAMP)

# Every package at the version and hash the lock gives (the same on a laptop, a desk's build server
# and CI), then the project itself, built with the locked setuptools and no download.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --no-input --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-input --no-deps --no-build-isolation -e .
	touch $(STAMP)

# One set of versions for every platform and Python from 3.11 (uv's universal resolution, fewest
# versions): pins you already have are kept unless UPGRADE=1. environment.yml follows the lock.
lock:
	[ -x build/uv/bin/uv ] || { $(PYTHON) -m venv build/uv && build/uv/bin/pip install --quiet uv==$(UV_VERSION); }
	build/uv/bin/uv pip compile pyproject.toml --all-extras --universal --fork-strategy fewest \
		--python-version 3.11 --generate-hashes --no-header $(if $(UPGRADE),--upgrade) -o $(LOCK)
	$(PYTHON) tools/environment_from_lock.py $(LOCK) environment.yml

# The newest releases, in a folder of their own, so an upgrade is tried before it is locked.
test-latest:
	rm -rf build/venv-latest
	$(PYTHON) -m venv build/venv-latest
	build/venv-latest/bin/pip install --quiet --upgrade pip
	build/venv-latest/bin/pip install --quiet --upgrade -e '.[test]'
	touch build/venv-latest/.installed
	$(MAKE) test VENV=build/venv-latest

# Served from the project folder, so a lesson's links to ../exercises/ open; starts on lesson 00.
lab: $(STAMP)
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) --port=$(PORT) --ServerApp.root_dir=. \
		--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb

APP_IDLE ?= 300
APP_CULL_INTERVAL ?= 60
APP_ABANDON ?= 30
APP_MAX_KERNELS ?= 0
APP_PER_CLIENT ?= 4
APP_POOL ?= 1
APP_CLASS_POOL ?=
APP_STORE ?=
APP_DIR  := build/app
ASSESSMENT_SEED ?= 0
ASSESSMENT_MINUTES ?= 0
# The app copies of the lessons (no prose about running code, no links to exercise notebooks it
# cannot open), served by exposure_kit.app_server: Voila with code and tracebacks hidden, kernel
# websockets only in the v1 protocol with every frame checked, at most APP_MAX_KERNELS lesson
# kernels (0: sized from memory) and APP_PER_CLIENT per learner's address, APP_POOL warm kernels
# per lesson plus APP_CLASS_POOL for the lessons a class opens together (e.g. 01=30), a kernel
# whose page went away without stopping it (browser quit) stopped APP_ABANDON s after its last
# connection closed, a kernel whose page never connected stopped a minute after the page was sent,
# and any kernel idle for APP_IDLE s stopped (looked for every APP_CULL_INTERVAL s; a warm kernel's
# idle time counts from when a visitor is handed it, not from when the pool filled it). The class's answers are kept in APP_STORE (an SQLite
# file, default under Jupyter's data folder, or an SQLAlchemy URL); the instructor's link is
# printed at start.
VOILA_OPTIONS := --VoilaConfiguration.strip_sources=True --VoilaConfiguration.show_tracebacks=False \
	--VoilaConfiguration.preheat_kernel=True --VoilaConfiguration.default_pool_size=$(APP_POOL) \
	--ClassroomVoila.class_pool=$(APP_CLASS_POOL) --ClassroomVoila.max_kernels=$(APP_MAX_KERNELS) \
	--ClassroomVoila.max_kernels_per_client=$(APP_PER_CLIENT) \
	--ClassroomVoila.abandon_grace=$(APP_ABANDON) --ClassroomVoila.answer_store=$(APP_STORE) \
	--MappingKernelManager.cull_idle_timeout=$(APP_IDLE) --MappingKernelManager.cull_interval=$(APP_CULL_INTERVAL) \
	--ClassroomVoila.assessment_seed=$(ASSESSMENT_SEED) \
	--ClassroomVoila.assessment_minutes=$(ASSESSMENT_MINUTES)
app: $(STAMP)
	$(PY) lessons/build.py --app $(APP_DIR)
	$(PY) -m exposure_kit.app_server $(APP_DIR) --no-browser --Voila.ip=$(APP_IP) --port=$(APP_PORT) \
		--Voila.port_retries=0 $(VOILA_OPTIONS)

# The instructor's copy: a separate folder, so a learners' app never serves the switch.
app-instructor: $(STAMP)
	$(PY) lessons/build.py --app build/app-instructor --instructor
	$(PY) -m exposure_kit.app_server build/app-instructor --no-browser --Voila.ip=$(APP_IP) \
		--port=$(APP_PORT) \
		--Voila.port_retries=0 $(VOILA_OPTIONS) --ClassroomVoila.open_instructor=True

# The onboarding assessment (docs/classroom.md): the classroom server of `make app`, whose
# /assessment page gives each candidate a paper of their own (its seed printed at start, random
# unless SEED is given; MINUTES a time limit, 0 untimed); or, with CANDIDATE, that candidate's
# exact paper with its worked answers, printed for the instructor.
SEED ?= 0
MINUTES ?= 0
assessment: $(STAMP)
ifdef CANDIDATE
	$(PY) -m exposure_kit.exercises.assessment --seed "$(SEED)" --candidate "$(CANDIDATE)"
else
	$(MAKE) app ASSESSMENT_SEED=$(SEED) ASSESSMENT_MINUTES=$(MINUTES)
endif

# Debian's chromium for the browser tests, installed with apt when missing and we are allowed to.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "chromium is missing and cannot be installed here: browser tests will be skipped"; \
	fi

# Everything once: the tests and the package's docstring examples (pytest's testpaths), and each
# stored lesson run top to bottom (nbval). The exercise notebooks are run by their own tests
# (tests/exercises/test_exercise_notebooks.py), unanswered and with their solutions.
PYTEST := MPLBACKEND=Agg JUPYTER_PLATFORM_DIRS=1 PYDEVD_DISABLE_FILE_VALIDATION=1 \
	$(PY) -m pytest -p no:cacheprovider
test: $(STAMP) browser
	$(PYTEST) tests exposure_kit --nbval-lax notebooks --ignore=tests/hub

# Ten learners through JupyterHub with the class store in PostgreSQL (2 to 3 minutes on two cores):
# its own target, which CI runs after make test, so make test stays the quick whole suite.
test-hub: $(STAMP) browser hub-tools
	$(PYTEST) tests/hub

# The quick check before a commit: lint, then the unit tests and docstring examples (no browser,
# no notebook, no server, no wheel) on every core, under a minute on two.
check: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PYTEST) -q -n auto -m "not slow and not browser and not notebook and not server"
	$(PYTEST) -q tests/exercises/test_exercise_notebooks.py::test_stored_notebooks_match_the_lesson_modules

# JupyterHub on this machine (docs/hub.md): configurable-http-proxy from npm in build/chp (no
# global install), Debian's postgresql with apt when missing and we are allowed to.
CHP_VERSION := 5.3.0
CHP := build/chp/node_modules/.bin/configurable-http-proxy
HUB_PORT ?= 8000
hub-tools:
	@[ -x $(CHP) ] || { command -v npm >/dev/null 2>&1 || { echo "npm is missing: apt-get install npm"; exit 1; }; \
		mkdir -p build/chp && npm install --silent --no-audit --no-fund --prefix build/chp \
		configurable-http-proxy@$(CHP_VERSION); }
	@if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's postgresql for the hub"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else \
		echo "PostgreSQL's server is missing and cannot be installed here: the hub tests will be skipped"; \
	fi

hub: $(STAMP) hub-tools
	$(PY) lessons/build.py --app $(APP_DIR)
	HUB_PROXY=$(abspath $(CHP)) HUB_APP_DIR=$(APP_DIR) HUB_PORT=$(HUB_PORT) HUB_IP=$(APP_IP) \
		$(PY) deploy/jupyterhub/run_hub.py

bench: $(STAMP)
	@for script in benchmarks/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# Every lesson, or some: make lessons ONLY="03 06".
lessons: $(STAMP)
	MPLBACKEND=Agg $(PY) lessons/build.py $(ONLY)

solutions: $(STAMP)
	$(PY) -m exposure_kit.exercises.solutions build/solutions

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
