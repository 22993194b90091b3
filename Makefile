# Two commands: `make run` and `make test`. Both set up .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: run test lint bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "coprod-bot needs Python 3.11 or newer; found " + sys.version.split()[0])'
	@$(PYTHON) -m venv $(VENV)

# Reinstall when pyproject.toml is newer than the last install.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	@echo "Setting up $(VENV) (first run takes a minute)..." >&2
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e . >&2
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	@echo "Setting up $(VENV) with the test tools..." >&2
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,postgres]' >&2
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	@$(BIN)/coprod run $(ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# Every bench/*.py in turn (bench/_*.py are helpers they share, not benchmarks).
bench: $(VENV)/.installed-test
	@if ls bench/[!_]*.py >/dev/null 2>&1; then for b in bench/[!_]*.py; do $(BIN)/python $$b || exit 1; done; else echo "no benchmarks yet"; fi

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
