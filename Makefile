# The two commands: `make demo` and `make test`. Each builds .venv from pyproject.toml first.
# `make bench` also installs the peers it compares against (the `bench` extra); `make bench
# QUICK=1` is a smoke run of a few seconds per workload that writes no results file.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: demo test bench fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) examples/demo.py

test: $(STAMP)
	$(PY) -m pytest -q

# The peers are optional: where they cannot be installed, the benchmark runs without them.
$(BENCH_STAMP): $(STAMP)
	@echo "installing the benchmark's peers (autograd, jax, torch for the CPU) into $(VENV) ..."
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,bench]' && touch $(BENCH_STAMP) \
		|| echo "make bench: could not install the peers (the bench extra); running without them"

bench: $(BENCH_STAMP)
	$(PY) benchmarks/run.py $(if $(QUICK),--quick)

# A long hunt for wrong gradients: random programs checked against finite differences.
PROGRAMS ?= 2000
fuzz: $(STAMP)
	$(PY) tests/fuzz.py --programs $(PROGRAMS) --out fuzz-failures

clean:
	rm -rf fuzz-failures $(VENV) build *.egg-info .pytest_cache .hypothesis
