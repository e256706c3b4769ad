# Two commands do everything on a fresh machine: `make run` and `make test` (see README).
# Python 3.11: python3.11 if it is on PATH, else python3 when that is 3.11.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || \
	(python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null && command -v python3) || \
	echo python3.11)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run serve test lint install install-test prerequisites assets translations migrate demo \
	lock bench clean messages

# What the machine must provide, checked before anything is installed; everything missing is
# named in one line together with the Debian/Ubuntu packages that bring it. WeasyPrint (the
# programme and badge PDFs) loads Pango, GObject, HarfBuzz and Fontconfig at run time, and
# the PDFs embed DejaVu Sans.
WEASYPRINT_LIBS := libgobject-2.0.so.0:libglib2.0-0 libpango-1.0.so.0:libpango-1.0-0 \
	libpangoft2-1.0.so.0:libpangoft2-1.0-0 libharfbuzz.so.0:libharfbuzz0b \
	libharfbuzz-subset.so.0:libharfbuzz-subset0 libfontconfig.so.1:libfontconfig1
prerequisites:
	@missing=""; packages=""; \
	need() { missing="$$missing$${missing:+, }$$1"; packages="$$packages $$2"; }; \
	if [ ! -x $(BIN)/python ]; then \
		if ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then \
			need "Python 3.11 ($(PYTHON))" "python3.11 python3.11-venv"; \
		elif ! $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null; then \
			need "venv for $(PYTHON)" python3.11-venv; \
		fi; \
	fi; \
	command -v npm >/dev/null || need npm "nodejs npm"; \
	command -v msgfmt >/dev/null || need "msgfmt (GNU gettext)" gettext; \
	libs=$$(PATH="$$PATH:/sbin:/usr/sbin" ldconfig -p 2>/dev/null); \
	if [ -n "$$libs" ]; then \
		for pair in $(WEASYPRINT_LIBS); do \
			echo "$$libs" | grep -qF "$${pair%%:*} " || need "$${pair%%:*}" "$${pair#*:}"; \
		done; \
	fi; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need "DejaVu fonts" fonts-dejavu-core; \
	if [ -n "$$missing" ]; then \
		sudo=$$([ "$$(id -u)" = 0 ] || echo "sudo "); \
		echo "make: missing $$missing. On Debian/Ubuntu: $${sudo}apt-get install$$packages (Python 3.11 elsewhere: see README)" >&2; \
		exit 1; \
	fi

$(BIN)/python: | prerequisites
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"

# Stamp files re-run the install only when the lock files change. dev.lock is base.lock plus
# the embedded PostgreSQL; test.lock adds the test tools. The production image uses base.lock.
$(VENV)/.installed-dev: requirements/dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.lock
	@touch $@

$(VENV)/.installed-test: requirements/test.lock | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/test.lock
	@touch $@ $(VENV)/.installed-dev

node_modules/.installed: package.json package-lock.json | prerequisites
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: prerequisites $(VENV)/.installed-dev assets translations
install-test: prerequisites $(VENV)/.installed-test assets translations

assets: node_modules/.installed

translations: | $(BIN)/python
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

migrate:
	$(BIN)/python manage.py migrate --noinput -v 0

demo: migrate
	$(BIN)/python manage.py seed_demo

# runserver gets PORT in its environment: with DEBUG and no SITE_URL, the settings make
# links in mails, .ics files and PDFs point to this port. exec leaves no shell between make
# and runserver, so a SIGTERM make passes on reaches runserver, which releases the embedded
# PostgreSQL on its way out.
run serve: export PORT := $(PORT)
run: install demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (English: http://127.0.0.1:$(PORT)/en/)"
	exec $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# runserver alone, without install and migrate (tests/forum/test_embedded_db.py uses it).
serve:
	exec $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install-test
	DJANGO_SETTINGS_MODULE=forum.test_settings $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The page benchmarks load the server with wrk (Debian's package), installed here when it is
# missing. The run is kept in bench/RESULTS.md (machine, date, table, output) when it is a
# full one; BENCH_ARGS runs less: `make bench BENCH_ARGS="--quick"`, or names of benchmarks
# (`python -m bench --list`). Exit status 0 when every benchmark measured, targets met or
# not; 1 when one broke.
bench: install-test
	@command -v wrk >/dev/null || { \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		echo "make: installing wrk for the page benchmarks: $${sudo:+$$sudo }apt-get install -y wrk"; \
		$$sudo apt-get install -y wrk || { $$sudo apt-get update && $$sudo apt-get install -y wrk; }; \
	}
	$(BIN)/python -m bench --results bench/RESULTS.md $(BENCH_ARGS)

# Regenerate the hashed lock files after changing pyproject.toml. uv's universal resolution
# keeps packages that only some 3.11 patch releases need (async-timeout below 3.11.3), so the
# locks install on Debian 12's own Python 3.11.2 as well as on later 3.11 releases.
UV_COMPILE = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes
lock: | $(BIN)/python
	$(BIN)/pip install --quiet "uv==0.13.8"
	$(UV_COMPILE) -o requirements/base.lock pyproject.toml
	$(UV_COMPILE) --extra dev -o requirements/dev.lock pyproject.toml
	$(UV_COMPILE) --extra test -o requirements/test.lock pyproject.toml

clean:
	rm -rf $(VENV) node_modules staticfiles

# Extract translatable strings into locale/*/django.po. English is the source language:
# msgen fills the English catalogue with the source strings so it counts as complete.
messages: | $(BIN)/python
	$(BIN)/python manage.py makemessages -l de -l en --no-obsolete --no-wrap --add-location=file \
		--ignore=.venv --ignore=node_modules --ignore=var --ignore=staticfiles \
		--ignore=tests --ignore=bench --ignore=test-artifacts
	@# msgmerge guesses fuzzy matches; in English they would show the wrong text, so empty
	@# them and let msgen fill every empty entry with its source string.
	msgattrib --no-wrap --clear-fuzzy --empty locale/en/LC_MESSAGES/django.po -o locale/en/LC_MESSAGES/django.po
	msgen --no-wrap locale/en/LC_MESSAGES/django.po -o locale/en/LC_MESSAGES/django.po
