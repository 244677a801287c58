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
STAMP := $(VENV)/.installed
# JupyterLab refuses to start as root unless told to (CI and these machines run as root).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
# Port and address of `make app` (the Spasm explorer as a Voila page): `make app APP_PORT=9000`;
# `APP_IP=0.0.0.0` serves it to other computers (trusted networks only, see docs/classroom.md).
APP_PORT ?= 8866
APP_IP ?= localhost
# Voila template of `make app`: Voila's "lab" template without its CDN links (works offline); found
# through JUPYTER_PATH, which the e2e fixture sets the same way (tests/e2e/conftest.py).
APP_TEMPLATE := muscle-spasm-lab
APP_JUPYTER_PATH := $(CURDIR)/share/jupyter$(if $(JUPYTER_PATH),:$(JUPYTER_PATH))

.PHONY: help install lab app test test-e2e lint bench docs baselines gallery notebook-outputs clean

help:
	@echo "make lab      install (first time ~1-2 min) and open the notebooks in JupyterLab"
	@echo "make app      serve the Spasm explorer as a standalone page (Voila, no code shown)"
	@echo "make test     lint, unit, science and browser (e2e, if Chromium is installed) tests, then nbval"
	@echo "make test-e2e only the browser tests (JupyterLab and Voila in Chromium); fails without Chromium"
	@echo "make lint     ruff check"
	@echo "make bench    speed and accuracy benchmarks (not tests)"
	@echo "make docs     generate the reference documentation (simlib.docgen)"
	@echo "make baselines  redraw the figure test baselines (only after a deliberate change; review them)"
	@echo "make gallery  redraw the README figure gallery (docs/images/gallery)"
	@echo "make notebook-outputs  re-record what the checked notebook cells print (tests/notebook_outputs.json)"
	@echo "make clean    remove the virtual environment, caches and build output"

$(STAMP): pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade $(if $(CONSTRAINTS),-c $(CONSTRAINTS)) pip
	$(PY) -m pip install $(if $(CONSTRAINTS),-c $(CONSTRAINTS)) -e '.[lab,test,e2e]'
	# compile the model kernel now, not in a learner's first lesson cell; --seed keeps a copy in the
	# venv that every other user of this install starts from (no ~9 s compile on their first run)
	$(PY) -m simlib warmup --seed
	touch $@

install: $(STAMP)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab $(ALLOW_ROOT) notebooks/00_start_here.ipynb

# The Spasm explorer as a page without code, for a class or a projector: open the URL it prints.
app: $(STAMP)
	JUPYTER_PATH=$(APP_JUPYTER_PATH) $(VENV)/bin/voila --no-browser --Voila.ip=$(APP_IP) --port=$(APP_PORT) \
	    --template=$(APP_TEMPLATE) notebooks/08_spasm_explorer.ipynb

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# The browser tests (tests/e2e) run with the others when a Chromium is found; otherwise they are
# reported as skipped, with the reason, in pytest's summary.
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest tests
	if compgen -G 'notebooks/*.ipynb' > /dev/null; then \
	    MPLBACKEND=Agg $(VENV)/bin/pytest -p tests.nbval_references --nbval-lax --nbval-current-env notebooks; \
	else \
	    echo "no notebooks in notebooks/: skipping nbval"; \
	fi

# Browser tests only (screenshots in tests/e2e/artifacts/); missing Chromium or Playwright is a failure here.
test-e2e: $(STAMP)
	MSL_E2E_REQUIRED=1 $(VENV)/bin/pytest -m e2e tests/e2e

bench: $(STAMP)
	# the installation's seed for new users must match the current kernel sources (seconds if cached)
	$(PY) -m simlib warmup --seed
	$(PY) benchmarks/run.py

docs: $(STAMP)
	$(PY) -m simlib.docgen

# Image baselines of tests/unit/test_figures.py. Regenerate only after a deliberate change to the model
# or the figures, look at every changed image (git diff shows them), then commit them with the change.
baselines: $(STAMP)
	MPLBACKEND=Agg $(PY) -m simlib.figures --regenerate-baselines tests/baseline_images

gallery: $(STAMP)
	mkdir -p docs/images/gallery
	MPLBACKEND=Agg $(PY) -m simlib figures --out docs/images/gallery --format png --dpi 72 --overwrite --quiet

# What the notebook cells marked NBVAL_CHECK_OUTPUT print, compared by nbval in `make test`
# (tests/nbval_references.py). Re-record only after a deliberate change, then read the diff.
notebook-outputs: $(STAMP)
	MPLBACKEND=Agg $(PY) -m tests.record_notebook_outputs

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .hypothesis benchmarks/results/*.tmp tests/e2e/artifacts
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
	find . -name .ipynb_checkpoints -type d -prune -not -path './.git/*' -exec rm -rf {} +
