# Muscle Spasm Lab: developer and learner entry points. `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Exact pins for a reproducible install; `make CONSTRAINTS= ...` resolves within pyproject's ranges instead.
CONSTRAINTS ?= requirements/constraints.txt
# Two installs in one venv: what learners need (`make lab`, `make app`: the [lab] extra), and on top of
# it the test and browser extras for `make test`, `make test-e2e`, `make bench` (pytest, ruff, Playwright).
STAMP_LAB := $(VENV)/.installed-lab
STAMP_TEST := $(VENV)/.installed-test
# Where pip looks: PyPI by default; `make install-offline WHEELS=dir` installs from a wheelhouse only.
PIP_FROM ?=
# pip prints only warnings and errors (PIP_QUIET= for the full log); setuptools' banner about editable
# installs ("Editable installation... be careful with folders...") is left out.
PIP_QUIET ?= --quiet
PIP_INSTALL = PYTHONWARNINGS="ignore:Editable installation" $(PY) -m pip install $(PIP_QUIET) --disable-pip-version-check $(PIP_FROM) $(if $(CONSTRAINTS),-c $(CONSTRAINTS))
# The build backend of pyproject.toml ([build-system] requires): an offline wheelhouse must hold it,
# pip needs it to install the project itself (tests/repo/test_ci.py checks the two agree).
BUILD_BACKEND := setuptools>=77 wheel
# The offline wheelhouse: `make wheelhouse` fills it, `make install-offline WHEELS=...` installs from it.
WHEELS ?= wheels
# JupyterLab settings shipped with the lab (news and update checks off): installed as the venv's overrides.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
# JupyterLab refuses to start as root unless told to (CI and these machines run as root).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
# Port and address of `make app` (the Spasm explorer as a Voila page): `make app APP_PORT=9000`;
# `APP_IP=0.0.0.0` serves it to other computers (trusted networks only, see docs/classroom.md).
APP_PORT ?= 8866
APP_IP ?= localhost
APP_NOTEBOOK ?= notebooks/08_spasm_explorer.ipynb
# More Voila options, e.g. APP_ARGS=--MappingKernelManager.cull_idle_timeout=1200
APP_ARGS ?=
# Voila template of `make app`: Voila's "lab" template without its CDN links (works offline); found
# through JUPYTER_PATH, which the e2e fixture sets the same way (tests/e2e/conftest.py).
APP_TEMPLATE := muscle-spasm-lab
APP_JUPYTER_PATH := $(CURDIR)/share/jupyter$(if $(JUPYTER_PATH),:$(JUPYTER_PATH))
# Voila server settings of `make app` (kernel culling, shutdown on tab close, no files served):
# share/jupyter/app_config/voila.py, found through JUPYTER_CONFIG_PATH.
APP_CONFIG_PATH := $(CURDIR)/share/jupyter/app_config$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))

.PHONY: help install install-test install-offline wheelhouse lab app test test-e2e soak lint bench docs \
	baselines gallery notebook-outputs clean

help:
	@echo "make lab      install what learners need (first time ~1-2 min) and open JupyterLab at lesson 00"
	@echo "make app      serve the Spasm explorer as a standalone page (Voila, no code shown)"
	@echo "make test     lint, unit, science and browser (e2e, if Chromium is installed) tests, then nbval"
	@echo "              (make test, test-e2e, lint and bench first add the test and browser-test extras)"
	@echo "make test-e2e only the browser tests (JupyterLab and Voila in Chromium); fails without Chromium"
	@echo "make soak     slow fault tests: signals at random moments, full disks, concurrent users (~10 min)"
	@echo "make lint     ruff check"
	@echo "make bench    speed and accuracy benchmarks (not tests)"
	@echo "make docs     generate the tables of docs/model.md (tools/docgen.py)"
	@echo "make baselines  redraw the figure test baselines (only after a deliberate change; review them)"
	@echo "make gallery  redraw the README figure gallery (docs/images/gallery)"
	@echo "make notebook-outputs  re-record what the checked notebook cells print (tests/notebook_outputs.json)"
	@echo "make install  only install what learners need (make install-test: with the test extras)"
	@echo "make wheelhouse  download every wheel an offline install needs into WHEELS=$(WHEELS)"
	@echo "make install-offline WHEELS=dir  install from that wheelhouse, no network (docs/classroom.md)"
	@echo "make clean    remove the virtual environment, caches and build output"

# The learners' install: the [lab] extra, then the model compiled now, not in a learner's first lesson
# cell; --seed keeps a copy in the venv that every other user of this install starts from (no ~9 s
# compile on their first run). Then JupyterLab's shipped settings.
$(STAMP_LAB): pyproject.toml $(CONSTRAINTS)
	@echo "installing Muscle Spasm Lab into $(VENV) ([lab] extra)$(if $(PIP_FROM), from $(WHEELS) only)"
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --upgrade pip
	$(PIP_INSTALL) -e '.[lab]'
	$(PY) -m simlib warmup --seed
	install -D -m 644 share/jupyter/lab/settings/overrides.json $(LAB_OVERRIDES)
	touch $@

# The test and browser extras, on top of the learners' install (`make test`, `make test-e2e`, `make bench`).
$(STAMP_TEST): $(STAMP_LAB)
	@echo "installing the test and browser-test extras into $(VENV)"
	$(PIP_INSTALL) -e '.[lab,test,e2e]'
	touch $@

# The shipped JupyterLab settings, kept in step when share/ changes (the lab install copies them first).
$(LAB_OVERRIDES): share/jupyter/lab/settings/overrides.json | $(STAMP_LAB)
	install -D -m 644 $< $@

install: $(STAMP_LAB)

install-test: $(STAMP_TEST)

# Everything an install without network needs, for the Python of this machine (use the same Python
# version and platform as the classroom computers): pip, the build backend and every pinned wheel.
wheelhouse: $(STAMP_LAB)
	mkdir -p $(WHEELS)
	$(PY) -m pip download $(PIP_QUIET) -d $(WHEELS) $(if $(CONSTRAINTS),-c $(CONSTRAINTS)) pip $(BUILD_BACKEND)
	$(PY) -m pip download $(PIP_QUIET) -d $(WHEELS) $(if $(CONSTRAINTS),-c $(CONSTRAINTS)) '.[lab]'
	@echo "wheelhouse $(WHEELS): $$(ls $(WHEELS) | wc -l) files, $$(du -sh $(WHEELS) | cut -f1); copy it with this folder"

# The learners' install from a wheelhouse only (no network), model warm-up included.
install-offline:
	test -d $(WHEELS) || { echo "no wheelhouse $(WHEELS): run 'make wheelhouse' on a connected computer first" >&2; exit 1; }
	$(MAKE) --no-print-directory install PIP_FROM="--no-index --find-links $(abspath $(WHEELS))" WHEELS=$(WHEELS)

# JupyterLab at the repository root (so the lessons' links to ../docs/*.md open), lesson 00 first.
lab: $(STAMP_LAB) $(LAB_OVERRIDES)
	$(VENV)/bin/jupyter lab $(ALLOW_ROOT) --ServerApp.root_dir=$(CURDIR) \
	    --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate notebooks/00_start_here.ipynb

# The Spasm explorer as a page without code, for a class or a projector: open the URL it prints.
app: $(STAMP_LAB)
	JUPYTER_PATH=$(APP_JUPYTER_PATH) JUPYTER_CONFIG_PATH=$(APP_CONFIG_PATH) $(VENV)/bin/voila --no-browser \
	    --Voila.ip=$(APP_IP) --port=$(APP_PORT) --template=$(APP_TEMPLATE) $(APP_ARGS) $(APP_NOTEBOOK)

lint: $(STAMP_TEST)
	$(VENV)/bin/ruff check .

# The browser tests (tests/e2e) run with the others when a Chromium is found; otherwise they are
# reported as skipped, with the reason, in pytest's summary.
test: $(STAMP_TEST)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest tests
	if compgen -G 'notebooks/*.ipynb' > /dev/null; then \
	    MPLBACKEND=Agg $(VENV)/bin/pytest -p tests.nbval_references --nbval-lax --nbval-current-env notebooks; \
	else \
	    echo "no notebooks in notebooks/: skipping nbval"; \
	fi

# Browser tests only (screenshots in tests/e2e/artifacts/); missing Chromium or Playwright is a failure here.
test-e2e: $(STAMP_TEST)
	MSL_E2E_REQUIRED=1 $(VENV)/bin/pytest -m e2e tests/e2e

# Slow fault tests (tests/soak, skipped by `make test`): SIGINT/SIGTERM at seeded random moments to
# fresh and warm processes, the command line, sweeps and a real IPython kernel; full disks on a tmpfs
# (needs root to mount it, else those tests skip); several processes writing and reading one file.
soak: $(STAMP_TEST)
	MSL_SOAK=1 $(VENV)/bin/pytest tests/soak

# The installation's seed for new users must match the current kernel sources (seconds if cached).
bench: $(STAMP_TEST)
	$(PY) -m simlib warmup --seed
	$(PY) benchmarks/run.py

docs: $(STAMP_LAB)
	$(PY) tools/docgen.py

# Image baselines of tests/unit/test_figures.py. Regenerate only after a deliberate change to the model
# or the figures, look at every changed image (git diff shows them), then commit them with the change.
baselines: $(STAMP_LAB)
	MPLBACKEND=Agg $(PY) tools/regenerate_baselines.py tests/baseline_images

gallery: $(STAMP_LAB)
	mkdir -p docs/images/gallery
	MPLBACKEND=Agg $(PY) -m simlib figures --out docs/images/gallery --format png --dpi 72 --overwrite --quiet

# What the notebook cells tagged nbval-check-output print, compared by nbval in `make test`
# (tests/nbval_references.py). Re-record only after a deliberate change, then read the diff.
notebook-outputs: $(STAMP_TEST)
	MPLBACKEND=Agg $(PY) -m tests.record_notebook_outputs

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .hypothesis benchmarks/results/*.tmp tests/e2e/artifacts
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
	find . -name .ipynb_checkpoints -type d -prune -not -path './.git/*' -exec rm -rf {} +
