# Setup, demo and tests on a fresh Debian machine. Every target is idempotent: it installs only
# what is missing, so a second run takes seconds.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui fonts-liberation2 fonts-crosextra-carlito \
	fonts-crosextra-caladea fonts-texgyre poppler-utils qpdf python3-uno libjemalloc2
# the browser the web application's tests drive (Playwright cannot download its own here)
TEST_APT_PACKAGES := chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup system-packages test-packages venv demo lint test bench serve serve-admin wheel clean

setup: system-packages venv

# Debian packages: LibreOffice (the converter; Calc to check that generated workbooks open), the fonts it substitutes for Bookman Old Style
# and Arial, poppler-utils (pdftotext/pdftoppm used by tests), qpdf, libjemalloc2 (LibreOffice runs with it:
# about 20 % less CPU a conversion, convert.jemalloc).
system-packages:
	@$(MAKE) --no-print-directory apt PACKAGES="$(APT_PACKAGES)"

test-packages:
	@$(MAKE) --no-print-directory apt PACKAGES="$(TEST_APT_PACKAGES)"

.PHONY: apt
apt:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages: $$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[web,test]'
	@touch $@

demo: setup
	$(VENV)/bin/keputusan build data/kpu-ntb-2022 --out output

# ruff (lint and format) and mypy, configured in pyproject.toml
lint: venv
	$(VENV)/bin/ruff check generator tests tools
	$(VENV)/bin/ruff format --check generator tests tools
	$(VENV)/bin/mypy

# lint and type check first (seconds), then the whole suite, the wheel installed outside the
# checkout included (tests/test_wheel_install.py)
test: setup test-packages lint
	$(PY) -m pytest

# The package as IT staff install it on a server: dist/keputusan-<version>-py3-none-any.whl
# (templates, the web application's pages and migrations inside; README, "Installing it").
wheel: venv
	$(PY) -m pip wheel --no-deps -q -w dist .

# The web application for staff on this machine: http://127.0.0.1:8000/, data (and the SQLite
# database) in web-data/. First an administrator: make serve-admin (asks for a password).
WEB_DATA ?= web-data
PORT ?= 8000
serve: setup
	$(VENV)/bin/keputusan serve --port $(PORT) --data $(WEB_DATA)

serve-admin: setup
	$(VENV)/bin/keputusan user add admin --admin --data $(WEB_DATA)

# Benchmark (README, "Speed"): keputusan's batch beside Carbone on warm LibreOffice (npm), the
# naive way, the national batch, warm against cold builds, the web build; every figure from one
# run. ROUNDS of alternating runs; NATIONAL offices of the synthetic national batch (552: all;
# fewer: a sample, projected); PROFILE=1 adds where the cost goes (py-spy installed for it).
ROUNDS ?= 3
NATIONAL ?= 552
PROFILE ?=
PY_SPY := py-spy>=0.4,<0.5
bench: setup
	$(if $(PROFILE),$(PY) -m pip install -q --disable-pip-version-check '$(PY_SPY)')
	$(PY) tools/bench.py --rounds $(ROUNDS) --national $(NATIONAL) $(if $(PROFILE),--profile)

clean:
	rm -rf output/kpu-* .pytest_cache
