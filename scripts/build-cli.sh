#!/usr/bin/env bash
# Builds the `flox` command line as a single-file executable: build/flox, by Bun's bundler in
# compile mode (scripts/compile-cli.ts), with build/libflox.so embedded (bin/flox_compiled.ts). Then tries `deno compile` as well
# (build/flox-deno); that needs Deno's `denort` runtime from dl.deno.land, and when the machine
# cannot reach it the script says so and carries on: the Bun executable is the deliverable.
#
#   bash scripts/build-cli.sh            # build/flox (+ build/flox-deno when possible)
#   bash scripts/build-cli.sh --no-deno  # build/flox only
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

try_deno=1
for arg in "$@"; do
  case "$arg" in
    --no-deno) try_deno=0 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-cli: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

command -v bun >/dev/null || { echo "build-cli: bun not found; run 'npm run build' (scripts/setup.sh) first" >&2; exit 1; }
if [ ! -f build/libflox.so ]; then
  say "building build/libflox.so (Release)"
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j 2 >/dev/null
fi

say "bun build --compile (scripts/compile-cli.ts) -> build/flox (libflox.so embedded)"
bun scripts/compile-cli.ts build/flox
# Prove it runs on its own: the embedded library loads and the version matches.
build/flox --version
size=$(du -h build/flox | cut -f1)
say "build/flox ready ($size)"

if [ "$try_deno" = 1 ]; then
  say "deno compile -> build/flox-deno"
  # denort is fetched by `deno compile` unless DENORT_BIN points at a local copy.
  if log=$(deno compile -A --quiet --output build/flox-deno bin/flox.ts 2>&1); then
    say "build/flox-deno ready; the library is not embedded: run it with FLOX_LIB=$PWD/build/libflox.so"
  elif grep -qiE 'dl\.deno\.land|denort|error sending request|dns error' <<<"$log"; then
    echo "build-cli: deno compile is NOT available on this machine: it needs the denort runtime" >&2
    echo "  (downloaded from https://dl.deno.land), which cannot be reached from here. Set DENORT_BIN to a" >&2
    echo "  local denort $(deno --version | head -1 | cut -d' ' -f2) binary to build offline. build/flox (Bun) is unaffected." >&2
  else
    echo "build-cli: deno compile failed:" >&2
    echo "$log" >&2
    exit 1
  fi
fi
