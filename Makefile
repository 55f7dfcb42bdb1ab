# The two commands of the README: `make demo` and `make test`. Both build the venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared/data

.PHONY: demo test lint typecheck venv import-esco eval fit benchmarks clean browser screenshots \
	translations notebooks

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null || \
	  { echo "error: Python 3.11 is required (set PYTHON=/path/to/python3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# the CPU wheel first, so nothing pulls a multi-GB CUDA build
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m api.demo

# Two workers (pytest-xdist): CI's two cores, and the tests that wait on PostgreSQL,
# servers and the browser overlap with those that compute. TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
test: $(STAMP) browser
	$(BIN)/python -m pytest -q $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadgroup)

# Debian's Chromium and its driver for the browser tests (tests/browser), when missing.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null && \
	    $$SUDO apt-get install -y -q chromium chromium-driver >/dev/null; }; }

# Screenshots of every page of every role, for the README (docs/screenshots/).
screenshots: $(STAMP) browser
	MATCHER_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/browser

# The pages' strings: extract them and merge them into every language's catalog.
translations: $(STAMP)
	$(BIN)/pybabel -q extract -F api/pages/babel.cfg -k N_ --no-location --sort-output \
	  --project skills-matcher --version 0.1.0 \
	  -o api/pages/locale/messages.pot api/pages
	for lang in de ar fa uk ru tr vi zh; do \
	  test -f api/pages/locale/$$lang/LC_MESSAGES/messages.po || \
	    $(BIN)/pybabel -q init -l $$lang -i api/pages/locale/messages.pot -d api/pages/locale; \
	  $(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete -l $$lang -i api/pages/locale/messages.pot \
	    -d api/pages/locale; done

# Re-run the notebooks in place, so their committed outputs show the current results.
notebooks: $(STAMP)
	cd notebooks && ../$(BIN)/jupyter-execute --inplace *.ipynb

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy skills_taxonomy matcher training api benchmarks

# Full ESCO (English v1.1.1 + German/Spanish/French labels + MELO occupation labels).
import-esco: $(STAMP)
	$(BIN)/matcher taxonomy import $(SHARED)/esco/v1.1.1/en $(SHARED)/esco/v1.2/de \
	  $(SHARED)/esco/v1.2/es $(SHARED)/esco/v1.0/es $(SHARED)/esco/v1.0/fr $(SHARED)/esco/labels \
	  $$(ls -d $(SHARED)/eval/melo/*_c_* | grep -v usa_q_en_c_de)

eval: $(STAMP)
	$(BIN)/matcher eval skills $(SHARED)/eval/decorte/tech_validation_annotations.csv \
	  $(SHARED)/eval/decorte/house_validation_annotations.csv
	$(BIN)/matcher eval statements training/data/multilingual_dev.csv
	$(BIN)/matcher eval occupations $$(ls -d $(SHARED)/eval/melo/* | while read d; do \
	  test -f $$d/queries.tsv && echo $$d; done)

fit: $(STAMP)
	$(BIN)/python -m training.fit_fusion
	$(BIN)/python -m training.fit_eqf_estimator

benchmarks: $(STAMP)
	$(BIN)/python -m benchmarks.linking

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
