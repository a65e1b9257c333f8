#!/usr/bin/env bash
# Set up, then open JupyterLab on the notebooks with the project's kernel (./.venv). Extra arguments go to JupyterLab,
# e.g. `bash scripts/lab.sh --port 8890` or `bash scripts/lab.sh --no-browser` on a remote machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/jupyter lab --ServerApp.root_dir=nbs "$@"
