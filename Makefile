# Two commands do everything on a fresh machine: `make run` and `make test` (see README).
# Python 3.11: python3.11 if it is on PATH, else python3 when that is 3.11.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || \
	(python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null && command -v python3) || \
	echo python3.11)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint install install-test assets translations migrate demo lock bench clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"

# Stamp files re-run the install only when the lock files change.
$(VENV)/.installed-base: requirements/base.lock | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/base.lock
	@touch $@

$(VENV)/.installed-test: requirements/test.lock | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/test.lock
	@touch $@ $(VENV)/.installed-base

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed-base assets translations
install-test: $(VENV)/.installed-test assets translations

assets: node_modules/.installed

translations: | $(BIN)/python
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

migrate:
	$(BIN)/python manage.py migrate --noinput -v 0

demo: migrate
	$(BIN)/python manage.py seed_demo

run: install demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (English: http://127.0.0.1:$(PORT)/en/)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install-test
	DJANGO_SETTINGS_MODULE=forum.test_settings $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install-test
	$(BIN)/python -m bench

# Regenerate the hashed lock files after changing pyproject.toml.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet "pip-tools==7.6.2"
	$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements/base.lock pyproject.toml
	$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links --extra test -o requirements/test.lock pyproject.toml

clean:
	rm -rf $(VENV) node_modules staticfiles

# Extract translatable strings into locale/*/django.po. English is the source language:
# msgen fills the English catalogue with the source strings so it counts as complete.
messages: | $(BIN)/python
	$(BIN)/python manage.py makemessages -l de -l en --no-obsolete --add-location=file \
		--ignore=.venv --ignore=node_modules --ignore=var --ignore=staticfiles \
		--ignore=tests --ignore=bench --ignore=test-artifacts
	@# msgmerge guesses fuzzy matches; in English they would show the wrong text, so empty
	@# them and let msgen fill every empty entry with its source string.
	msgattrib --no-wrap --clear-fuzzy --empty locale/en/LC_MESSAGES/django.po -o locale/en/LC_MESSAGES/django.po
	msgen --no-wrap locale/en/LC_MESSAGES/django.po -o locale/en/LC_MESSAGES/django.po
