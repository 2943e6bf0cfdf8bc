#!/usr/bin/env bash
# One command for a new user: install Deno and Bun from npm, build libflox, run the demo backtest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node_modules/.bin/deno run -A examples/demo.ts "$@"
