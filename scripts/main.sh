#!/usr/bin/env bash
# Set up, then run the main job: the capacity section (Table 3, Fig 2) on the default packaged model.
# Extra arguments go to papermill, e.g. `bash scripts/main.sh -f nbs/params/03_capacity.cpu.yaml`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p runs
.venv/bin/papermill nbs/03_capacity.ipynb runs/03_capacity.ipynb "$@"
echo "Executed notebook: runs/03_capacity.ipynb"
