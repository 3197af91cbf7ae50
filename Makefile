# The front door. `make help` lists every target.
#
# Environment: conda when it is on PATH (prefix env in .conda-env), otherwise
# a plain `python3 -m venv` in .venv with the same pins from requirements.txt.
# Every target that needs the environment builds it on first use.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

KERNEL       := sagui-henson-2022
SEED         ?= 20221
REGISTRANTS  ?=
MODE         ?= matched
DATA_OUT     ?= data/synthetic
DATA_DIR     ?= data/synthetic
OUTPUT_DIR   ?= output
PARAMS       ?=
CHROMIUM     ?= chromium
KERNEL_LABEL := Python 3.11 (sagui-henson-2022)
CONDA        := $(shell command -v conda 2>/dev/null)
PYTHON       ?= $(shell command -v python3.11 2>/dev/null || command -v python3)

ifneq ($(CONDA),)
ENV := .conda-env
else
ENV := .venv
endif
PY    := $(ENV)/bin/python
STAMP := $(ENV)/.installed

# DATA_DIR, OUTPUT_DIR, PARAMS and DATA_OUT reach the runner as environment values, taken
# unexpanded ($(value ...)), and never as words of a shell command: no value can run a
# command, and paths with spaces work.
export RUN_DATA_DIR   := $(value DATA_DIR)
export RUN_OUTPUT_DIR := $(value OUTPUT_DIR)
export RUN_PARAMS     := $(value PARAMS)
export RUN_DATA_OUT   := $(value DATA_OUT)
# Command-line variables are exported to recipes by default, which would expand them.
unexport DATA_DIR OUTPUT_DIR PARAMS DATA_OUT

export JUPYTER_PLATFORM_DIRS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help setup requirements data test lint format replicate whatif screenshot notebooks bench clean distclean

help: ## List every target with one line each
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: $(STAMP) ## Create the environment (conda if present, else .venv) and register the Jupyter kernel

$(STAMP): environment.yml requirements.txt pyproject.toml
ifneq ($(CONDA),)
	$(CONDA) env update --prune -p $(ENV) -f environment.yml
else
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else \
	  "this project needs Python 3.11; found " + sys.version.split()[0] + " at " + sys.executable + \
	  " (set PYTHON=/path/to/python3.11)")'
	$(PYTHON) -m venv $(ENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
endif
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "$(KERNEL_LABEL)"
	@touch $@

requirements: $(STAMP) ## Regenerate requirements.txt from environment.yml (the one source of versions)
	$(PY) tools/pin_requirements.py

data: $(STAMP) ## Regenerate the bundled SYNTHETIC data (SEED, REGISTRANTS, MODE, DATA_OUT to change)
	$(PY) -m helpers.synthetic "$$RUN_DATA_OUT" --seed $(SEED) --mode $(MODE) $(if $(REGISTRANTS),--registrants $(REGISTRANTS))
	$(PY) -m helpers.report.calibration "$$RUN_DATA_OUT"

bench: export RUN_BENCH_SCALES := $(value SCALES)
bench: export RUN_BENCH_REPEATS := $(value REPEATS)
bench: export RUN_BENCH_PARTS := $(value PARTS)
bench: $(STAMP) ## make replicate beside R at 1x-1000x (SCALES="1 10", REPEATS=3, PARTS=side_by_side); writes BENCHMARKS.md
	$(PY) benchmarks/run_benchmarks.py --from-env

lint: $(STAMP) ## Lint and check formatting with ruff (fails on any finding)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP) ## Apply ruff's formatting and safe fixes
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

test: lint ## Run lint, then the whole test suite, with nbval re-running the notebooks
	$(PY) -m pytest --nbval --nbval-kernel-name $(KERNEL)

replicate: $(STAMP) ## Run every notebook on DATA_DIR into OUTPUT_DIR and render OUTPUT_DIR/site (PARAMS="-p who5_cutoff 32")
	$(PY) -m helpers.pipeline.run --from-env

whatif: $(STAMP) ## Power, type S/M errors and the multiverse (notebook 06) into OUTPUT_DIR, added to the site
	$(PY) -m helpers.pipeline.run --whatif --from-env

screenshot: export CHROMIUM := $(value CHROMIUM)
screenshot: $(STAMP) ## Photograph OUTPUT_DIR/site's index, report and re-run as full pages, 1280 px wide, into OUTPUT_DIR.screenshots
	$(PY) tools/screenshot.py -- "$$RUN_OUTPUT_DIR"

notebooks: $(STAMP) ## Re-execute the committed notebooks in place on the bundled data (their nbval reference)
	for notebook in notebooks/*.ipynb; do \
	  $(PY) -m papermill "$$notebook" "$$notebook" --cwd notebooks -k $(KERNEL); \
	done
	$(PY) -m helpers.pipeline.run --strip notebooks/*.ipynb

clean: ## Remove caches (the checked raw tables in .cache too) and outputs (keeps the environment)
	rm -rf .pytest_cache .ruff_cache .hypothesis .cache build output output.* .output.*
	find . -name __pycache__ -type d -prune -not -path './$(ENV)/*' -exec rm -rf {} +

distclean: clean ## Also remove the environment
	rm -rf .venv .conda-env
