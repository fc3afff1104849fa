# Datakompas: `make run` starts the app, `make test` runs every test. Both set up .venv first.
# Reinstalls happen only when requirements*.txt change (a stamp per requirements hash), and
# the demo warehouse is built only when no warehouse exists yet.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DB     := $(or $(DATAKOMPAS_DB),data/datakompas.duckdb)

RUN_HASH := $(shell cat requirements.txt | sha256sum | cut -c1-16)
DEV_HASH := $(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)
RUN_STAMP := $(VENV)/.installed-run-$(RUN_HASH)
DEV_STAMP := $(VENV)/.installed-dev-$(DEV_HASH)

.PHONY: run dev test demo build check clean help

help:
	@echo "make run    - installeer (eenmalig), bouw het demo-warehouse als er nog geen is, start de app"
	@echo "make dev    - als make run, maar de app herlaadt als u een bestand bewaart (voor ontwikkelen)"
	@echo "make test   - installeer (eenmalig) en draai alle tests"
	@echo "make build INPUTS=pad/naar/inputs.toml - bouw het warehouse uit eigen bestanden"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Datakompas heeft Python 3.11 of nieuwer nodig (gevonden: " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	@rm -f $(VENV)/.installed-run-*
	@touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@rm -f $(VENV)/.installed-dev-* $(VENV)/.installed-run-*
	@touch $@ $(RUN_STAMP)

$(DB): | $(RUN_STAMP)
	DATAKOMPAS_DB=$(DB) $(PY) -m data_sources build --demo

run: $(RUN_STAMP) $(DB)
	DATAKOMPAS_DB=$(DB) $(VENV)/bin/python -m ui.server run Home.py

# Reload on save, for editing pages. Not for serving many users: the watcher runs on the server's
# event loop after every script run (docs/concurrency.md); .streamlit/config.toml turns it off.
dev: $(RUN_STAMP) $(DB)
	DATAKOMPAS_DB=$(DB) $(VENV)/bin/streamlit run Home.py --server.fileWatcherType auto --server.folderWatchBlacklist .venv

# Two test workers (pytest-xdist): the suite fits CI's 15 minutes on a 2-core machine only in
# parallel. More cores: make test WORKERS=4.
WORKERS ?= 2
test: $(DEV_STAMP)
	$(PY) -m pytest -n $(WORKERS)

demo: $(RUN_STAMP)
	$(PY) -m data_sources demo --out data/demo

build: $(RUN_STAMP)
	@test -n "$(INPUTS)" || { echo "Gebruik: make build INPUTS=pad/naar/inputs.toml"; exit 2; }
	DATAKOMPAS_DB=$(DB) $(PY) -m data_sources build --inputs $(INPUTS)

check: $(RUN_STAMP)
	@test -n "$(INPUTS)" || { echo "Gebruik: make check INPUTS=pad/naar/inputs.toml"; exit 2; }
	$(PY) -m data_sources check --inputs $(INPUTS)

clean:
	rm -rf $(VENV) .pytest_cache tests/e2e/screenshots
