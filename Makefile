# Two commands do all set-up: `make run` (the app) and `make test` (the whole suite).
# Each creates .venv if needed and installs what the project needs into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
USDA   ?= ../shared/usda
PORT   ?= 8501
# Only this machine can reach the app. To serve it to others on purpose: make run HOST=0.0.0.0
HOST   ?= 127.0.0.1
# pytest-xdist workers for `make test` (one per core of the 2-core CI machine; whole test
# files go to one worker, so a module's server or browser is started once).
TEST_WORKERS ?= 2

.PHONY: run test lint bench data clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[app,build,test,dask,report]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m streamlit run app.py --server.headless true \
		--server.address $(HOST) --server.port $(PORT) --browser.gatherUsageStats false

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

data: $(STAMP)
	$(BIN)/python -m planner data build --sr28 $(USDA)/sr28 --fndds $(USDA)/fndds-2021-2023 --out data

clean:
	rm -rf $(VENV) .pytest_cache build dist
