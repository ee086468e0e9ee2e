#!/usr/bin/env bash
# The whole test suite: set-up (idempotent), type-check, unit tests of lib, and every notebook
# executed headlessly in the quick profile (figures to a temp folder: tests do not touch figures/),
# then the seminar site built from those executed notebooks, checked in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
t0=$(date +%s)
echo "== type-check (tsc --noEmit)"
node_modules/.bin/tsc --noEmit -p .
echo "== unit tests (node --test)"
# The browser test runs last, on a site built from this run's notebooks.
MNIST_LAB_QUIET=1 node --import tsx --test --test-concurrency=1 $(find test -name '*.test.ts' ! -name 'browser.test.ts' | sort)
echo "== notebooks, quick profile"
figs=$(mktemp -d)
trap 'rm -rf "$figs"' EXIT
node --import tsx scripts/run-notebooks.ts --profile quick --figures "$figs"
echo "== seminar site from this run, in headless Chromium"
MNIST_LAB_QUIET=1 MNIST_LAB_FIGURES="$figs" node --import tsx --test test/site/browser.test.ts
echo "== all tests passed in $(( $(date +%s) - t0 )) s"
