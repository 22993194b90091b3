# Two commands: `make run` and `make test`. Both set up .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: run test lint bench messages clean lock lock-upgrade image FORCE

# Checked on every make (a fraction of a second), so a first run that failed half-way
# is mended rather than kept: a .venv without pip, or made by another Python, is made
# again. pyvenv.cfg changes only when .venv is (re)made, and the installs below follow it.
# Where Python's venv module is missing (Debian and Ubuntu ship it apart, as
# python3-venv), one line says which package to install, and nothing is left behind.
$(VENV)/pyvenv.cfg: FORCE
	@if [ -z "$(PYTHON)" ]; then echo "coprod-bot needs Python 3.11 or newer, and no python3 was found. Install Python 3.11 (on Debian or Ubuntu: sudo apt install python3 python3-venv), then run make again." >&2; exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "coprod-bot needs Python 3.11 or newer; found " + sys.version.split()[0])'
	@want="$$($(PYTHON) -c 'import sys; print(sys.base_prefix, *sys.version_info[:2])')"; \
	have="$$($(BIN)/python -c 'import importlib.util as u, sys; u.find_spec("pip") or sys.exit(1); print(sys.base_prefix, *sys.version_info[:2])' 2>/dev/null)"; \
	if [ "$$want" != "$$have" ]; then \
		if [ -e $(VENV) ]; then echo "$(VENV) is incomplete or was made by another Python; making it again..." >&2; fi; \
		rm -rf $(VENV); \
		if ! $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null; then \
			echo "Python's venv module is not installed, so $(VENV) cannot be made. On Debian or Ubuntu: sudo apt install python3-venv (for $(PYTHON): $$($(PYTHON) -c 'import sys; print("python%d.%d-venv" % sys.version_info[:2])')), then run make again." >&2; \
			exit 1; \
		fi; \
		$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }; \
	fi

# Reinstall when pyproject.toml is newer than the last install, or .venv was made again.
$(VENV)/.installed-run: pyproject.toml $(VENV)/pyvenv.cfg
	@echo "Setting up $(VENV) (first run takes a minute)..." >&2
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e . >&2
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/pyvenv.cfg
	@echo "Setting up $(VENV) with the test tools..." >&2
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,postgres]' >&2
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	@$(BIN)/coprod run $(ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# The message catalogs: extract every sentence from the code into each domain's .pot,
# update each language's .po, and compile the .mo files the bot reads (committed, so a
# fresh clone runs with nothing more). docs/translating.md says how to use it.
messages: $(VENV)/.installed-run
	$(BIN)/python -m bot.catalogs $(ARGS)

# Every bench/*.py in turn (bench/_*.py are helpers they share, not benchmarks);
# bench/scale.py in its quick mode (its full run: .venv/bin/python bench/scale.py).
bench: $(VENV)/.installed-test
	@if ls bench/[!_]*.py >/dev/null 2>&1; then for b in bench/[!_]*.py; do \
		if [ "$$b" = bench/scale.py ]; then quick=--quick; else quick=; fi; \
		$(BIN)/python $$b $$quick || exit 1; done; else echo "no benchmarks yet"; fi

# requirements.lock: the exact version and hashes of every package the image installs
# (the runtime's, PostgreSQL's and the build tools'), for every platform, from
# pyproject.toml. `make lock` keeps the pins that still fit; `make lock-upgrade` takes the
# newest that pyproject.toml allows. uv runs from .venv. (make run and make test install
# from pyproject.toml as before.)
UV_SPEC := uv ~= 0.13.0
LOCK_COMPILE = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 \
	--generate-hashes --extra postgres --custom-compile-command "make lock" \
	-o requirements.lock pyproject.toml deploy/build-tools.in

lock: $(VENV)/.installed-run
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check '$(UV_SPEC)' >&2
	$(LOCK_COMPILE)

lock-upgrade: $(VENV)/.installed-run
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check '$(UV_SPEC)' >&2
	$(LOCK_COMPILE) --upgrade

# The container image, with buildah (docs/deploying.md says how with docker or podman).
# BUILDAH="buildah --storage-driver vfs" for other storage flags.
IMAGE ?= localhost/coprod-bot:latest
image:
	@deploy/build-image.sh $(IMAGE)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .import_linter_cache .pytest_cache .hypothesis build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
