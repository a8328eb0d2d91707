# The two set-up commands are `make demo` and `make test`; both create .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench unit up down status clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/fresco demo

test: $(STAMP)
	$(BIN)/python -m pytest -ra

unit: $(STAMP)
	$(BIN)/python -m pytest -ra -m "not integration and not spark and not e2e"

bench: $(STAMP)
	$(BIN)/python -m bench

up: $(STAMP)
	$(BIN)/fresco dev up

down: $(STAMP)
	$(BIN)/fresco dev down

status: $(STAMP)
	$(BIN)/fresco dev status

clean:
	-$(BIN)/fresco dev down
	rm -rf .fresco
