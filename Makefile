# Two commands do all set-up on a fresh machine (Python 3.11+ and make):
#   make site   – creates .venv, installs everything, builds site/
#   make test   – the same set-up, then every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test check bench dist clean bericht

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## site: build the website into site/ (a failed build leaves the old site/ untouched)
site: $(STAMP)
	$(BIN)/stadtteil build

## serve: live preview on http://127.0.0.1:8000/, rebuilt on every saved file; one language
## (PREVIEW=de, or en, tr, ar, uk, de-LS; PREVIEW=alle: every language, slower)
PREVIEW ?= de
serve: $(STAMP)
ifeq ($(PREVIEW),alle)
	$(BIN)/mkdocs serve
else
	STADTTEIL_PREVIEW_LANGUAGE=$(PREVIEW) $(BIN)/mkdocs serve
endif

## check: check the data files only (fast), with German messages (FORMAT=json|github|gitlab for pipelines)
FORMAT ?= text
check: $(STAMP)
	@$(BIN)/stadtteil check --format $(FORMAT)

## bericht: the yearly report (§ 11 of the cooperation agreement) into bericht/<JAHR>/: a page to print
## on A4 and the tables as CSV and JSON (JAHR=2026; without it, the current year)
JAHR ?= $(shell date +%Y)
bericht: $(STAMP)
	@$(BIN)/stadtteil bericht $(JAHR)

# Calendar clients for the tests (ical.js, Thunderbird's parser), pinned by package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

## test: run every test
test: $(STAMP) node_modules/.package-lock.json
	$(BIN)/python -m pytest -n auto --dist loadscope --durations=15

## bench: measure build time, scaling, memory and page weight; writes bench/RESULTS.md
bench: $(STAMP)
	$(BIN)/python bench/run.py --reps 3

## dist: the engine as a package (wheel and sdist in dist/), versioned by the Git tag (git tag v1.2.0);
## a quarter's site pins it in its requirements.txt (README.md, „Ein neues Quartier“)
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .
	@ls dist

clean:
	rm -rf dist build site site.new site.old site.weg .site.lock .pytest_cache
