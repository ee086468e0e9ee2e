#!/usr/bin/env bash
# Open the notebooks interactively in Jupyter with the project's tslab kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export JUPYTER_PATH="$PWD/.jupyter-local/share/jupyter"
exec jupyter notebook --notebook-dir="$PWD/notebooks" "$@"
