# Two commands on a fresh machine: `make demo` and `make test`.
# Both create the virtual environment they need; nothing is assumed installed.
# `make demo` installs only what the demo needs (the package and the emulator); `make test`
# adds the test and docs tool chain.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install -q --disable-pip-version-check
STAMP  := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.demo-installed
# The browser tests (the HTML report, `apigw-wizard serve`) run in Debian's headless Chromium.
CHROMIUM := /usr/bin/chromium


.PHONY: test lint typecheck imports pytest demo docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	@$(PIP) --upgrade pip

$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	@$(PIP) -e '.[demo]'
	@touch $(DEMO_STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	@$(PIP) -e '.[test,demo,docs]'
	@touch $(STAMP) $(DEMO_STAMP)

test: $(STAMP) lint typecheck imports pytest

lint: $(STAMP)
	$(BIN)/ruff check wizard tests benchmarks docs/hooks
	$(BIN)/ruff format --check wizard tests benchmarks docs/hooks

typecheck: $(STAMP)
	$(BIN)/mypy wizard

imports: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP) $(CHROMIUM)
	$(BIN)/pytest -q

# Installed when make runs as root with apt-get (CI, a fresh machine); elsewhere the browser tests
# say Chromium is missing and skip.
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Chromium for the browser tests (Debian's package)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "Chromium is not installed: the browser tests will skip (apt-get install chromium)"; fi

demo: $(DEMO_STAMP)
	$(BIN)/apigw-wizard demo
	@echo
	@echo "Next: run the wizard yourself with $(BIN)/apigw-wizard (or: source $(BIN)/activate)."
	@echo "  $(BIN)/apigw-wizard demo --list                 the other broken APIs"
	@echo "  $(BIN)/apigw-wizard demo --scenario rp-explicit-deny"
	@echo "  $(BIN)/apigw-wizard --help                      every command"
	@echo "On your own AWS account: pipx install .  then  apigw-wizard permissions"

docs: $(STAMP)
	$(BIN)/mkdocs build --strict --quiet
	@echo "The guide is in site/index.html"

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist site
