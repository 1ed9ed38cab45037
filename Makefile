# Two commands do all set-up on a fresh machine with python3 and make:
#   make run    create .venv, install, start the app on the bundled sample portfolio
#   make test   same bootstrap, run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8501

.PHONY: run test lint bench bench-team venv clean

# Re-runs only when the dependencies in pyproject.toml change.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m streamlit run app.py --server.address $(HOST) --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .

# Every benchmark but the team one; each exits 1 over its budget (bench/README.md). All run,
# then the target fails naming the scripts that were over budget.
bench: $(STAMP)
	@failed=""; for f in $$(ls bench/bench_*.py | grep -v bench_team.py); do \
		echo "== $$f"; $(BIN)/python $$f || failed="$$failed $$f"; done; \
	if [ -n "$$failed" ]; then echo "over budget or failed:$$failed"; exit 1; fi

# Needs PostgreSQL and HAProxy on this machine (see bench/bench_team.py).
bench-team: $(STAMP)
	$(BIN)/python bench/bench_team.py

clean:
	rm -rf $(VENV) .pytest_cache artifacts build *.egg-info
