# OpenIOP: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
VENDOR := openiop/static/vendor
HOST   ?= 127.0.0.1:8000
# One test worker per core (pytest-xdist); a module's tests stay on one worker, so a module
# that loads the demo loads it once. `make test PYTEST_ARGS=-n0` runs in one process.
PYTEST_ARGS ?= -n auto --dist loadscope

.PHONY: run test lint format install demo serve clean bench

## run: install everything, migrate the SQLite database, load the demo program and serve it
run: install
	OPENIOP_DEBUG=1 $(BIN)/openiop migrate --noinput
	OPENIOP_DEBUG=1 $(BIN)/openiop demo
	OPENIOP_DEBUG=1 $(BIN)/openiop runserver $(HOST)

## test: lint, migration check and the whole test suite (OPENIOP_DATABASE_URL picks the database)
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/openiop makemigrations --check --dry-run --settings=openiop.settings_test
	$(BIN)/pytest $(PYTEST_ARGS)

## bench: speed and quality benchmarks (not part of `make test`)
bench: install
	$(BIN)/python -m bench

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(VENV)/.installed $(VENDOR)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "OpenIOP needs Python 3.11 or newer; set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# Front-end libraries come from npm at set-up time and are copied into static (git-ignored).
$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/bootstrap/dist/css/bootstrap.min.css $(VENDOR)/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	cp node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/
	touch $@

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
