# The two commands: `make demo` and `make test`. Both set up the virtualenv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAM_VENV := .venv-sam

.PHONY: setup demo test lint sam-validate glue-tables clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

demo: setup
	$(BIN)/cdp demo

test: setup
	$(BIN)/python -m pytest -n 2

# Linters: ruff, cfn-lint on template.yaml and on the template as SAM translates it (catches circular
# dependencies the SAM lint misses), and `sam validate --lint` (aws-sam-cli lives in its own venv:
# its pins would fight moto's).
lint: setup
	$(BIN)/ruff check layers functions tests bench
	$(BIN)/cfn-lint template.yaml
	$(BIN)/python -m cdp.tools.translate template.yaml > .aws-sam-translated.json
	$(BIN)/cfn-lint --ignore-checks W3005 -- .aws-sam-translated.json
	rm -f .aws-sam-translated.json

sam-validate: $(SAM_VENV)/.installed
	$(SAM_VENV)/bin/sam validate --lint --region eu-west-1

$(SAM_VENV)/.installed:
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet aws-sam-cli
	touch $@

glue-tables: setup
	$(BIN)/python -m cdp.tools.glue_template --write

clean:
	rm -rf out .pytest_cache .ruff_cache
