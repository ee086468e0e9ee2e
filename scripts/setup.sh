#!/usr/bin/env bash
# One-time (and idempotent) set-up on Debian 12 with node >= 20: Debian packages, npm packages
# from the lockfile, and the tslab kernel registered under .jupyter-local (never in ~/.jupyter).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[setup] %s\n' "$*"; }

major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 20 ]; then
  echo "[setup] node >= 20 is needed (found $(node --version 2>/dev/null || echo none)); install nodejs 20 first." >&2
  exit 1
fi

# Debian packages: Jupyter to run notebooks, Chromium to export Plotly charts to PNG, DejaVu for
# figure titles. Installed with apt when we are root, else we say the command.
pkgs=(jupyter-notebook jupyter-nbconvert jupyter-client python3-ipykernel chromium fonts-dejavu-core)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "[setup] missing Debian packages: ${missing[*]}" >&2
    echo "[setup] run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

# npm packages from the lockfile; skipped when node_modules already matches it.
stamp=node_modules/.lab-setup-stamp
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

# The tslab kernel, registered per project (absolute binary path: Jupyter starts it from anywhere).
if [ ! -f .jupyter-local/share/jupyter/kernels/tslab/kernel.json ] || ! grep -q "$PWD/node_modules/.bin/tslab" .jupyter-local/share/jupyter/kernels/tslab/kernel.json; then
  say "registering the tslab kernel under .jupyter-local"
  node_modules/.bin/tslab install --python /usr/bin/python3 --binary "$PWD/node_modules/.bin/tslab" --prefix "$PWD/.jupyter-local" >/dev/null
fi

# tslab compiles only files under the notebook's folder: notebooks/lib is a link to lib/.
[ -L notebooks/lib ] || ln -sfn ../lib notebooks/lib
say "ready: $(node --version), $(jupyter nbconvert --version 2>/dev/null | sed 's/^/nbconvert /'), tslab $(node -p 'require("tslab/package.json").version')"
