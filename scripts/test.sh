#!/usr/bin/env bash
# Set up, then run every test: the notebooks through nbdev-test, then pytest (library tests, one test per
# notebook through nbdev's test_nb, papermill smoke runs). pytest's summary line is the last line printed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
OMP_NUM_THREADS=1 .venv/bin/nbdev-test --n-workers 2  # two notebooks at a time, one thread each
.venv/bin/python -m pytest -q -p no:cacheprovider tests "$@"
