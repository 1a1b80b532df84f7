# Setup, demo and tests on a fresh Debian machine. Every target is idempotent: it installs only
# what is missing, so a second run takes seconds.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui fonts-liberation2 fonts-crosextra-carlito \
	fonts-crosextra-caladea fonts-texgyre poppler-utils qpdf python3-uno
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup system-packages venv demo lint test bench clean

setup: system-packages venv

# Debian packages: LibreOffice (the converter; Calc to check that generated workbooks open), the fonts it substitutes for Bookman Old Style
# and Arial, poppler-utils (pdftotext/pdftoppm used by tests), qpdf.
system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages: $$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	@touch $@

demo: setup
	$(VENV)/bin/keputusan build data/kpu-ntb-2022 --out output

# ruff (lint and format) and mypy, configured in pyproject.toml
lint: venv
	$(VENV)/bin/ruff check generator tests tools
	$(VENV)/bin/ruff format --check generator tests tools

# the whole suite, the wheel installed outside the checkout included (tests/test_wheel_install.py)
test: setup
	$(PY) -m pytest

# Benchmark of `keputusan batch` (README, "Speed"): every figure measured in one run. NATIONAL
# offices of the synthetic national batch are built (552: all; fewer: a sample, projected).
NATIONAL ?= 552
bench: setup
	$(PY) tools/bench.py --national $(NATIONAL)

clean:
	rm -rf output/kpu-* .pytest_cache
