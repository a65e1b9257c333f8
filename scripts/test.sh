#!/usr/bin/env bash
# Set up, then run every test: the notebooks through nbdev-test, then pytest (library tests, one test per
# notebook through nbdev's test_nb, papermill smoke runs). pytest's summary line is the last line printed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
OMP_NUM_THREADS=1 .venv/bin/nbdev_test --n-workers 2 --timing  # two notebooks at a time, one thread each (nbdev_test: nbdev 3's nbdev-test)
echo "== nbdev_test done (${SECONDS}s into the tests)"
# the notebooks passed just above: pytest's one-test-per-notebook (for runs of pytest alone) need not run them again
# two test processes at a time (pytest-xdist), one thread each; -rsP: why a test skipped, what tests that print checked
OMP_NUM_THREADS=1 ONESTEP_NBDEV_TESTED=1 .venv/bin/python -m pytest -q -n 2 -rsP --durations=12 -p no:cacheprovider tests "$@"
