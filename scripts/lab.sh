#!/usr/bin/env bash
# Open the notebooks interactively in Jupyter with the project's tslab kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export JUPYTER_PATH="$PWD/.jupyter-local/share/jupyter"
args=()
# Jupyter refuses to start as root (a container's usual user) unless told to.
if [ "$(id -u)" = 0 ]; then
  echo "lab: running as root, so starting Jupyter with --allow-root"
  args+=(--allow-root)
fi
exec jupyter notebook --notebook-dir="$PWD/notebooks" "${args[@]}" "$@"
