# Parebrick DW. `make demo` builds the warehouse on a fresh machine; `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
TARGET ?= local
DOCS_PORT ?= 8080
# The demo's sample extracts: 28 days of a national contact center (generated once; deterministic).
SAMPLE ?= .data/sample
SAMPLE_DAYS ?= 28
SAMPLE_CALLS_PER_DAY ?= 20000
# The Omnichat API double serves the sample's chats on this loopback port while the demo pulls them.
OMNICHAT_PORT ?= 8765
# The demo's SMTP sink takes the sample's alerts on this loopback port and keeps them in $(SAMPLE)/mailbox.
SMTP_SINK_PORT ?= 8025
# make bench-build: the histories (days) whose daily build it compares
BENCH_DAYS ?= 30,90

# dbt and the loaders read the same profile: DBT_PROFILES_DIR if you set it, else profiles.example.yml.
ifdef DBT_PROFILES_DIR
PROFILES_DIR := $(DBT_PROFILES_DIR)
PROFILE_FILE :=
else
PROFILES_DIR := .dbt
PROFILE_FILE := .dbt/profiles.yml
endif

DBT := $(BIN)/dbt
DBT_FLAGS := --profiles-dir $(PROFILES_DIR) --target $(TARGET)
PAREBRICK := $(BIN)/parebrick

.PHONY: help setup demo build docs docs-static analyses test pytest lint fix clean clean-warehouse

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

setup: $(VENV)/.installed $(PROFILE_FILE) ## create .venv and install the project into it

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 is required (python3.11 or python3 on PATH)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

.dbt/profiles.yml: profiles.example.yml
	@mkdir -p .dbt
	cp profiles.example.yml $@

demo: setup $(SAMPLE)/manifest.json ## generate sample extracts, load them, build the warehouse, mail its alerts to a local sink, build the docs
	$(PAREBRICK) load --inbox $(SAMPLE)/inbox --target $(TARGET) --expected-rejections $(SAMPLE)/manifest.json
	@$(MAKE) --no-print-directory pull-sample-chats
	$(DBT) build $(DBT_FLAGS)
	@$(MAKE) --no-print-directory send-sample-alerts
	$(DBT) docs generate $(DBT_FLAGS)
	@$(PAREBRICK) summary --target $(TARGET)
	@echo "Mail: the alerts sent are in $(SAMPLE)/mailbox/new, one file each (a Maildir; README, Alert notifications)"
	@echo "Docs: run 'make docs' and open http://127.0.0.1:$(DOCS_PORT)"

# The chats come through the HTTP API as in production: the API double runs as its own process with a
# token made for this run (never printed), and the pull keeps its cursor in the warehouse.
.PHONY: pull-sample-chats
pull-sample-chats: setup
	@export OMNICHAT_TOKEN=$$($(BIN)/python -c "import secrets; print(secrets.token_hex(16))"); \
	$(PAREBRICK) omnichat-api --data $(SAMPLE) --port $(OMNICHAT_PORT) 2>$(SAMPLE)/omnichat-api.log & \
	server=$$!; trap 'kill $$server 2>/dev/null' EXIT; \
	for attempt in $$(seq 50); do (echo > /dev/tcp/127.0.0.1/$(OMNICHAT_PORT)) 2>/dev/null && break; sleep 0.2; done; \
	$(PAREBRICK) pull omnichat --base-url http://127.0.0.1:$(OMNICHAT_PORT) --target $(TARGET) --quiet

# The alerts go by SMTP as in production, to a local sink (its own process, loopback only) that keeps them in a
# Maildir. The run's clock is the end of the sample's monitoring, so they are told as they stood then, and a
# rerun on the same warehouse sends nothing twice. Credentials of the caller's environment are not passed on.
.PHONY: send-sample-alerts
send-sample-alerts: setup
	@: >$(SAMPLE)/smtp-sink.log; \
	$(PAREBRICK) smtp-sink --port $(SMTP_SINK_PORT) --mailbox $(SAMPLE)/mailbox >>$(SAMPLE)/smtp-sink.log 2>&1 & \
	sink=$$!; trap 'kill $$sink 2>/dev/null; wait $$sink' EXIT; \
	for attempt in $$(seq 300); do grep -q '^smtp-sink: accepting' $(SAMPLE)/smtp-sink.log && break; \
	  kill -0 $$sink 2>/dev/null || break; sleep 0.1; done; \
	grep -q '^smtp-sink: accepting' $(SAMPLE)/smtp-sink.log || { cat $(SAMPLE)/smtp-sink.log >&2; exit 1; }; \
	PAREBRICK_SMTP_HOST=127.0.0.1 PAREBRICK_SMTP_PORT=$(SMTP_SINK_PORT) PAREBRICK_SMTP_STARTTLS=off \
	PAREBRICK_SMTP_FROM=monitoring@parebrick.example PAREBRICK_SMTP_USER= PAREBRICK_SMTP_PASSWORD= \
	$(PAREBRICK) alerts send --target $(TARGET) --as-of-sample $(SAMPLE)/manifest.json

# The daily batch on the sample, every step as production runs it (README, "The daily batch"): the chats from
# the Omnichat API double, the alerts and any on-call notice to the SMTP sink's Maildir ($(SAMPLE)/mailbox).
.PHONY: daily
daily: setup $(SAMPLE)/manifest.json ## run the daily batch (parebrick daily) on the sample, with the API double and the SMTP sink
	@export OMNICHAT_TOKEN=$$($(BIN)/python -c "import secrets; print(secrets.token_hex(16))"); \
	: >$(SAMPLE)/smtp-sink.log; \
	$(PAREBRICK) omnichat-api --data $(SAMPLE) --port $(OMNICHAT_PORT) 2>$(SAMPLE)/omnichat-api.log & server=$$!; \
	$(PAREBRICK) smtp-sink --port $(SMTP_SINK_PORT) --mailbox $(SAMPLE)/mailbox >>$(SAMPLE)/smtp-sink.log 2>&1 & sink=$$!; \
	trap 'kill $$server $$sink 2>/dev/null; wait $$sink' EXIT; \
	for attempt in $$(seq 300); do (echo > /dev/tcp/127.0.0.1/$(OMNICHAT_PORT)) 2>/dev/null && \
	  grep -q '^smtp-sink: accepting' $(SAMPLE)/smtp-sink.log && break; sleep 0.1; done; \
	grep -q '^smtp-sink: accepting' $(SAMPLE)/smtp-sink.log || { cat $(SAMPLE)/smtp-sink.log >&2; exit 1; }; \
	OMNICHAT_BASE_URL=http://127.0.0.1:$(OMNICHAT_PORT) PAREBRICK_ONCALL_EMAIL=oncall@parebrick.example \
	PAREBRICK_SMTP_HOST=127.0.0.1 PAREBRICK_SMTP_PORT=$(SMTP_SINK_PORT) PAREBRICK_SMTP_STARTTLS=off \
	PAREBRICK_SMTP_FROM=monitoring@parebrick.example PAREBRICK_SMTP_USER= PAREBRICK_SMTP_PASSWORD= \
	$(PAREBRICK) daily --target $(TARGET) --profiles-dir $(PROFILES_DIR) --inbox $(SAMPLE)/inbox \
	  --sample $(SAMPLE)/manifest.json

$(SAMPLE)/manifest.json: | setup
	$(PAREBRICK) generate --out $(SAMPLE) --days $(SAMPLE_DAYS) --calls-per-day $(SAMPLE_CALLS_PER_DAY)

# The daily build leaves dbt's unit tests to CI (make test, the slim job): their inputs are fixed, so a
# production run would only repeat them.
PRODUCTION_BUILD_FLAGS := --exclude-resource-type unit_test

build: setup ## dbt build on TARGET (default: local), as production runs it: data tests, no unit tests
	$(DBT) build $(DBT_FLAGS) $(PRODUCTION_BUILD_FLAGS)

docs: setup ## generate the docs site and serve it on 127.0.0.1:DOCS_PORT
	$(DBT) docs generate $(DBT_FLAGS)
	$(DBT) docs serve $(DBT_FLAGS) --host 127.0.0.1 --port $(DOCS_PORT) --no-browser

# The notebooks read the published views of TARGET; their HTML lands beside the docs site, which links it.
analyses: setup ## run every notebook of analyses/notebooks headless on TARGET and write target/analyses/*.html
	$(PAREBRICK) analyses --target $(TARGET)

docs-static: setup ## generate the docs as one static file (target/static_index.html)
	$(DBT) docs generate $(DBT_FLAGS) --static

test: setup browser ## run the whole test suite, the project rules and the SQL linter
	$(BIN)/pytest
	$(MAKE) --no-print-directory rules
	$(MAKE) --no-print-directory lint

# The docs browser test drives Debian's chromium through its chromedriver (never a downloaded browser).
# Installed when missing; CI runs as root, elsewhere sudo is used.
.PHONY: browser
browser: ## install Debian's chromium and chromium-driver for the docs browser test, if missing
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || { \
	  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get update && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y chromium chromium-driver; }

.PHONY: rules
rules: setup ## check the project rules: docs, grain tests, meta, layers, names, contracts (rules_exceptions.yml)
	$(PAREBRICK) rules --profiles-dir $(PROFILES_DIR)

pytest: setup ## run the Python test suite only (pass ARGS="-k name" to select)
	$(BIN)/pytest $(ARGS)

lint: setup ## lint the SQL with sqlfluff
	$(BIN)/sqlfluff lint models macros tests analyses snapshots

fix: setup ## let sqlfluff fix what it can
	$(BIN)/sqlfluff fix models macros tests analyses snapshots

clean-warehouse: ## delete the embedded warehouse (.warehouse or PAREBRICK_WAREHOUSE)
	rm -rf "$${PAREBRICK_WAREHOUSE:-.warehouse}"

clean: clean-warehouse ## delete the warehouse and dbt's target/ and logs/
	rm -rf target logs

.PHONY: bench-load bench-build
bench-load: setup ## benchmark the loader against ClickHouse's own CSV ingest (3-million-row call detail file)
	$(BIN)/python -m parebrick.load.bench

bench-build: setup ## benchmark the daily build: one more day on 30 and 90 days of history, and the builds it is read against
	$(BIN)/python -m parebrick.bench.build --days $(BENCH_DAYS)
