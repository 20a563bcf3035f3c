# newsarchive — every target creates the virtualenv first when it is missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= data/news.db
# make crawl SINCE=2026-09-01: archive what each site published since that day (a backfill).
# make crawl SITES="matritca kt": only those sites.
SINCE ?=
SITES ?=
# The benchmarks' archive of 1,000,000 generated articles, kept: built once (hours on 2 cores), reused.
BENCH_DB ?= bench/out/archive-1m.db

.PHONY: install crawl test demo eval bench check-live serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## The main job: crawl every site (or $(SITES)) into $(DB); with SINCE=YYYY-MM-DD, back to that day.
crawl: $(STAMP)
	$(BIN)/newsarchive crawl $(SITES) --db $(DB) $(if $(SINCE),--since $(SINCE))

## Every test, offline; one worker per core (pytest-xdist): most tests crawl mirrors in subprocesses.
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

## The whole path offline on the bundled mirrors, ending in a search.
demo: $(STAMP)
	$(BIN)/newsarchive demo

## Quality: extraction against ../shared/eval (skips when absent), search on the judged morphology
## set, story grouping on the labelled story set; each beside its baseline, in one run.
eval: $(STAMP)
	$(BIN)/python bench/eval.py
	$(BIN)/python bench/morph_eval.py
	$(BIN)/python bench/stories_eval.py

## Speed, memory and size benchmarks; ratios against baselines measured in the same run (bench/README.md).
## Search and stories on $(BENCH_DB): its first run loads the 1,000,000 articles and their stories.
bench: $(STAMP)
	$(BIN)/python bench/crawl_bench.py
	mkdir -p $(dir $(BENCH_DB))
	$(BIN)/python bench/search_bench.py --db $(BENCH_DB) --resume
	$(BIN)/python bench/story_bench.py --db $(BENCH_DB)

## Needs internet: which selectors and discovery steps still match the real sites.
check-live: $(STAMP)
	$(BIN)/newsarchive check-live

serve: $(STAMP)
	$(BIN)/newsarchive serve --db $(DB)

clean:
	rm -rf $(VENV) build *.egg-info
