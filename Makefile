# The lab book. `make book` builds the site, `make test` runs the tests; both
# set up .venv from the pinned lock file first (idempotent: a stamp file skips
# the install when nothing changed).

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
MATHJAX_VERSION := 3.2.2
MATHJAX := book/_static/mathjax/tex-chtml.js
PRESET ?= quick
# Notebooks run at once. Small models leave a second core mostly idle (one kernel
# keeps about 1.1 of 2 cores busy), so two at a time nearly halves a cold book.
# On a GPU one at a time: each TensorFlow process would claim the whole device.
JOBS ?= $(if $(filter 1,$(GPU)),1,2)
# GPU=1: TensorFlow with its CUDA wheels and JAX with its CUDA plugin (requirements/lock-gpu.txt)
GPU ?= 0
LOCK := requirements/$(if $(filter 1,$(GPU)),lock-gpu.txt,lock.txt)
STAMP  := $(VENV)/.installed-$(if $(filter 1,$(GPU)),gpu,cpu)

# Keep Keras, matplotlib, IPython and Jupyter state inside the repo.
STATE := $(CURDIR)/.state
export KERAS_HOME         := $(STATE)/keras
export MPLCONFIGDIR       := $(STATE)/matplotlib
export IPYTHONDIR         := $(STATE)/ipython
export JUPYTER_CONFIG_DIR := $(STATE)/jupyter/config
export JUPYTER_DATA_DIR   := $(STATE)/jupyter/data
export JUPYTER_RUNTIME_DIR := $(STATE)/jupyter/runtime
export JUPYTER_PLATFORM_DIRS := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: setup system-packages chromium lab book run build test bench lint mutation clean help

help:
	@echo "make book   set up, run every notebook (PRESET=$(PRESET)), build _build/html"
	@echo "make lab    set up, open JupyterLab on notebooks/ (kernel: lab-book)"
	@echo "make test   set up, run pytest (unit tests, smoke runs, book build, browser check)"
	@echo "make bench  set up, run the benchmarks"
	@echo "make lint   ruff"

setup: $(STAMP) $(MATHJAX) system-packages

$(STAMP): $(LOCK) pyproject.toml
	@mkdir -p $(STATE)/ipython
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@if [ -f $(VENV)/.lock ] && [ "$$(cat $(VENV)/.lock)" != "$(LOCK)" ]; then \
	  echo "note: .venv was set up from $$(cat $(VENV)/.lock); installing $(LOCK) over it"; \
	  $(PY) -m pip uninstall --quiet -y tensorflow tensorflow-cpu >/dev/null 2>&1 || true; fi
	$(PY) -m pip install --quiet -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name lab-book --display-name "Python (lab book)" >/dev/null
	@echo $(LOCK) > $(VENV)/.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

# MathJax 3 from the npm registry, vendored into the build so the site renders
# formulas with no network.
$(MATHJAX):
	@mkdir -p $(STATE)/npm book/_static/mathjax
	cd $(STATE)/npm && npm pack --silent mathjax@$(MATHJAX_VERSION) >/dev/null
	tar -xzf $(STATE)/npm/mathjax-$(MATHJAX_VERSION).tgz -C $(STATE)/npm
	cd $(STATE)/npm/package/es5 && cp -r --parents tex-chtml.js output/chtml/fonts input/tex/extensions \
	  $(CURDIR)/book/_static/mathjax/

# Debian packages: the real Fashion-MNIST (dataset-fashion-mnist: the four original idx
# files under /usr/share/datasets/fashion-mnist/) for the default book, and headless
# Chromium for the browser test. Installed with apt-get where the machine has it and
# we are root; otherwise say how to get them and go on (the book falls back to digits).
FASHION_DIR := /usr/share/datasets/fashion-mnist
system-packages:
	@missing=""; \
	test -f $(FASHION_DIR)/t10k-labels-idx1-ubyte.gz || missing="$$missing dataset-fashion-mnist"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "warning: apt-get could not install$$missing"; \
	  else \
	    echo "note: missing$$missing and no apt-get as root here."; \
	    echo "  Fashion-MNIST: 'sudo apt-get install dataset-fashion-mnist', or put the four files"; \
	    echo "  {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz in $(KERAS_HOME)/datasets/fashion-mnist/;"; \
	    echo "  without them the image lessons run on scikit-learn's 8x8 digits."; \
	  fi; \
	fi
	@test -f $(FASHION_DIR)/t10k-labels-idx1-ubyte.gz \
	  || test -f $(KERAS_HOME)/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz \
	  || echo "note: real Fashion-MNIST not found: the book's image lessons will use digits."

chromium: system-packages

run: setup
	$(VENV)/bin/course-book run --preset $(PRESET) --jobs $(JOBS)

build: setup
	$(VENV)/bin/course-book build

book: run build

# JupyterLab on notebooks/ with the lab-book kernel (the venv's Python and course_utils).
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
lab: setup
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks \
	  --MultiKernelManager.default_kernel_name=lab-book $(LAB_ROOT)

test: setup
	$(PY) -m pytest

bench: setup
	$(PY) benchmarks/bench_input_pipeline.py
	$(PY) benchmarks/bench_train_step.py
	$(PY) benchmarks/bench_backends.py
	$(PY) benchmarks/bench_sweep.py
	$(PY) benchmarks/bench_book.py

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks

# Mutation testing of the modules whose mistakes change a published number (not part of
# `make test`: tens of minutes). Prints killed / survived / timed out and the score per
# module; MUTATION_ARGS="evaluate.classification --jobs 4" narrows or widens it.
mutation: setup
	$(PY) mutation/run.py $(MUTATION_ARGS)

clean:
	rm -rf _build book/_executed results
