#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up, C unit tests (Release, then ASan+UBSan), static
# checks (deno check/lint/fmt, tsc against Bun's types, FFI table vs header), then the TypeScript
# suite under Deno and under Bun. Stops at the first failing stage.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"
jobs=$(nproc 2>/dev/null || echo 2)
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

say "C unit tests (Release)"
ctest --test-dir build --output-on-failure -j "$jobs"

say "C unit tests (AddressSanitizer + UndefinedBehaviorSanitizer)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DFLOX_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$jobs" >/dev/null
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan --output-on-failure -j "$jobs"

say "static checks"
deno run -A scripts/check-symbols.ts
deno check mod.ts $(ls -d bin examples bench tests scripts 2>/dev/null)
deno lint
deno fmt --check
tsc --noEmit -p tsconfig.json

say "test suite under Deno"
deno test -A tests/

say "test suite under Bun"
bun test

echo "all stages passed"
