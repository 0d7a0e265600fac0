# One entry point: `make reports` (set up if needed, render every report) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.rehabresearch-installed
JOBS ?= 2

.PHONY: setup reports test lint bench browser fetch clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "rehabresearch needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	$(VENV)/bin/rehabresearch kernel
	touch $(STAMP)

reports: setup
	$(VENV)/bin/rehabresearch run --jobs $(JOBS)

fetch: setup
	$(VENV)/bin/rehabresearch data fetch --all

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium; browser tests will be skipped"; \
	  else echo "warning: chromium not found (install Debian's chromium package); browser tests will be skipped"; fi; }

test: setup browser
	$(VENV)/bin/pytest -n $(JOBS) -q

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks

PEERS := benchmarks/.peers-venv

$(PEERS)/.installed: benchmarks/requirements-peers.txt
	test -x $(PEERS)/bin/python || $(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/python -m pip install --quiet -r benchmarks/requirements-peers.txt
	touch $@

bench: setup $(PEERS)/.installed
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf reports data/processed
