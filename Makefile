# Everything a fresh machine needs, from nothing but Python 3.11+.
#   make demo   install into .venv, ingest the sample corpus, print a summary
#   make test   install into .venv and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BILAT := $(VENV)/bin/bilat
DB ?= bilat.db

.PHONY: install demo test bench docs clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	touch $@

demo: install
	$(BILAT) ingest examples/corpus --db $(DB)
	$(BILAT) stats --db $(DB)

test: install
	$(PY) -m pytest -q

bench: install
	$(PY) bench/ingest.py
	$(PY) bench/extract.py
	$(PY) bench/reconcile.py
	$(PY) bench/ask.py
	$(PY) bench/brief.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache

docs: install
	$(PY) -c "from bilat.cli import help_markdown; open('docs/cli.md', 'w').write(help_markdown())"
