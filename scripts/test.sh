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
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

say "C unit tests (Release)"
ctest --test-dir build --output-on-failure -j "$jobs" | tee "$logs/ctest.txt"

say "C unit tests (AddressSanitizer + UndefinedBehaviorSanitizer)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DFLOX_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$jobs" >/dev/null
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan --output-on-failure -j "$jobs" | tee "$logs/ctest-asan.txt"

say "fuzzing the tape reader (libFuzzer, bounded)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-20}"

say "static checks"
deno run -A scripts/check-symbols.ts
deno check mod.ts $(ls -d bin examples bench tests scripts 2>/dev/null)
deno lint
deno fmt --check
tsc --noEmit -p tsconfig.json

say "test suite under Deno"
deno test -A tests/ 2>&1 | tee "$logs/deno.txt"

say "test suite under Bun"
bun test 2>&1 | tee "$logs/bun.txt"

# One closing line over every runner: ctest (twice), deno test, bun test.
strip() { sed 's/\x1b\[[0-9;]*m//g' "$1"; }
c1=$(strip "$logs/ctest.txt" | sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2 \1/p')
c2=$(strip "$logs/ctest-asan.txt" | sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2 \1/p')
d=$(strip "$logs/deno.txt" | sed -n 's/.*| \([0-9]*\) passed.*| \([0-9]*\) failed.*/\1 \2/p' | tail -1)
b_pass=$(strip "$logs/bun.txt" | sed -n 's/^ *\([0-9]*\) pass$/\1/p' | tail -1)
b_fail=$(strip "$logs/bun.txt" | sed -n 's/^ *\([0-9]*\) fail$/\1/p' | tail -1)
read -r c1t c1f <<<"$c1"; read -r c2t c2f <<<"$c2"; read -r dp df <<<"$d"
passed=$(( (c1t - c1f) + (c2t - c2f) + dp + b_pass ))
failed=$(( c1f + c2f + df + b_fail ))
echo "ctest ${c1t} + ctest-asan ${c2t} + deno ${dp} + bun ${b_pass} test cases"
echo "${passed} passed, ${failed} failed"
