# OPCC Calls. Two commands: `make run` (serve the demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Local development values for commands run from here; production sets its own (README).
DEV_ENV := DJANGO_DEBUG=true SECRET_KEY=local-development-only-not-secret ALLOWED_HOSTS=127.0.0.1,localhost
# `make run` serves SQLite; `make run RUN_DATABASE_URL=postgres://...` serves PostgreSQL instead.
RUN_DATABASE_URL ?=
# `make run PORT=8001` serves on another port; links in emails follow it.
PORT ?= 8000
SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test lint format serve-setup messages lock clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-runtime: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt .
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt ".[dev]"
	touch $@ $(VENV)/.installed-runtime

# The Welsh catalogue compiled (GNU gettext's msgfmt): the .po files are the source.
messages: $(VENV)/.installed-runtime
	@command -v msgfmt >/dev/null || { echo "The Welsh catalogue needs GNU gettext: apt-get install gettext"; exit 1; }
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

serve-setup: $(VENV)/.installed-runtime messages
	$(DEV_ENV) DATABASE_URL=$(RUN_DATABASE_URL) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) DATABASE_URL=$(RUN_DATABASE_URL) $(BIN)/python manage.py seed_demo

# The server and, beside it, the background worker (emails, figures, a rule change); Ctrl+C
# stops both.
run: serve-setup
	@echo "Serving OPCC Calls at $(SITE_URL) with a background worker (Ctrl+C stops both)."
	@echo "Emails (contact requests, concerns, complaints) are printed here by the worker, not sent."
	@echo "Screen pop: the phone system's events go to $(SITE_URL)/telephony/events/, signed with the"
	@echo "demo secret opcc-demo-telephony. Sign in as handler (extension 201) and, in another terminal:"
	@echo "  $(DEV_ENV) SITE_URL=$(SITE_URL) $(BIN)/python manage.py telephony_event answered 201"
	@trap 'kill 0' INT TERM EXIT; \
	$(DEV_ENV) SITE_URL=$(SITE_URL) DATABASE_URL=$(RUN_DATABASE_URL) $(BIN)/python manage.py db_worker --queue-name '*' --no-startup-delay & \
	$(DEV_ENV) SITE_URL=$(SITE_URL) DATABASE_URL=$(RUN_DATABASE_URL) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# PostgreSQL when DATABASE_URL is set in the environment, SQLite otherwise.
test: lint messages
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# Every hook in .pre-commit-config.yaml over every file: ruff, ruff format, django-upgrade and
# djhtml. A hook that would change a file fails and shows the change.
lint: $(VENV)/.installed-dev
	$(BIN)/pre-commit run --all-files --show-diff-on-failure

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-pin constraints.txt from pyproject.toml's ranges in a throwaway venv.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet ".[dev]"
	{ echo "# Exact versions CI tested. make run / make test / .ci/run install with: pip install -c constraints.txt ..."; \
	  echo "# Regenerate after changing pyproject.toml: make lock"; \
	  .lock-venv/bin/python -m pip freeze --exclude opcc-calls; } > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) staticfiles build *.egg-info .pytest_cache .ruff_cache

# Measure against a large call log in PostgreSQL (not part of `make test`; see bench/README.md):
# generate the data, serve the app as production does, load it, write bench/results/latest.md.
BENCH_DB ?= postgres://postgres@127.0.0.1:5432/opcc_calls_bench
BENCH_CALLS ?= 2000000
BENCH_CALLERS ?= 200000
BENCH_SECONDS ?= 8
BENCH_OUT ?= bench/results/latest
bench: $(VENV)/.installed-dev messages
	@command -v wrk >/dev/null || { echo "Installing wrk (Debian's package) for the load test"; \
	  apt-get install -y -q wrk >/dev/null 2>&1 || sudo apt-get install -y -q wrk; }
	psql "$(dir $(BENCH_DB))postgres" -qc "DROP DATABASE IF EXISTS $(notdir $(BENCH_DB))" -c "CREATE DATABASE $(notdir $(BENCH_DB))"
	$(DEV_ENV) DATABASE_URL=$(BENCH_DB) $(BIN)/python manage.py migrate --noinput -v0
	$(DEV_ENV) DATABASE_URL=$(BENCH_DB) $(BIN)/python bench/generate.py --calls $(BENCH_CALLS) --callers $(BENCH_CALLERS)
	DATABASE_URL=$(BENCH_DB) $(BIN)/python bench/run.py --seconds $(BENCH_SECONDS) --out $(BENCH_OUT)
