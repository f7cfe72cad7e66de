# mazhilis-watch: `make crawl` sets everything up and runs the nightly crawl;
# `make test` sets everything up and runs the whole test suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
# Debian's packages: the browser for script-rendered pages, a font with Cyrillic
# for PDFs, what a bare Debian lacks to make a virtual environment, and
# systemd-analyze, which checks the shipped units (deploy/).
DEBIAN_PACKAGES := chromium fonts-dejavu-core python3-venv systemd
AXE_CORE := node_modules/axe-core/axe.min.js
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup system crawl demo test services lint bench

setup: system $(VENV)/.installed $(AXE_CORE)

system:
	@if ! dpkg -s $(DEBIAN_PACKAGES) >/dev/null 2>&1; then \
		echo "installing Debian packages: $(DEBIAN_PACKAGES)"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(DEBIAN_PACKAGES); \
	fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

# The accessibility checker the site's tests inject into its pages (tests/test_site.py),
# from the npm registry; node_modules/ is not committed.
$(AXE_CORE):
	@command -v npm >/dev/null || { echo "npm is needed (apt-get install npm)"; exit 1; }
	npm install --no-save --no-package-lock --no-audit --no-fund axe-core@4.11.0

crawl: setup
	$(VENV)/bin/mwatch db upgrade
	$(VENV)/bin/mwatch crawl

demo: setup
	$(VENV)/bin/mwatch demo

# The storage tests run on PostgreSQL too: start this machine's cluster if stopped.
services:
	@if ! pg_isready -q -h 127.0.0.1 2>/dev/null && command -v pg_ctlcluster >/dev/null; then \
		echo "starting PostgreSQL"; \
		$(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
	fi

# The layering (pyproject.toml's import-linter contracts, docs/development.md) is
# checked with the style. Two test processes (pytest-xdist), each taking whole files, so that a file's
# crawl of the replica, shared by its tests, is done once.
test: setup services
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python -m pytest -n 2 --dist loadfile

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# The benchmarks (bench/), each against a baseline measured in the same run; the
# growth benchmark crawls the replica at 1x, 10x and 30x (about half an hour), the
# browser one reads 1,000 profiles in Chromium (about 20 minutes).
bench: setup services
	$(VENV)/bin/python -m bench
