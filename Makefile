# The two commands of the README. Each does its own set-up on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint clean

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	$(VENV)/bin/pip check
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/python scripts/run_stages.py demo

test: $(STAMP)
	$(VENV)/bin/python scripts/run_stages.py test

# Not part of `make test` (a smoke run of it is): 1M then 10M CUR rows, writes BENCHMARKS.md. Hours at 10M.
bench: $(STAMP)
	$(VENV)/bin/python scripts/bench.py --scales 1m 10m

lint: $(STAMP)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

clean:
	rm -rf target logs data ai_finops.duckdb
