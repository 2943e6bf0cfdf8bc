#!/usr/bin/env bash
# Installs what flox needs on a fresh machine with Node, a C compiler and CMake, then builds the
# library: liblz4-dev (apt, when missing), Deno and Bun from npm (exact versions in package.json),
# and build/libflox.so in Release. Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

for tool in node npm cmake cc; do
  command -v "$tool" >/dev/null || { echo "setup: '$tool' is required but not on PATH" >&2; exit 1; }
done

if [ ! -e /usr/include/lz4.h ] && [ ! -e /usr/local/include/lz4.h ]; then
  say "installing liblz4-dev (tape compression)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq liblz4-dev >/dev/null
fi

# Install from the lock file only when it changed since the last install (a stamp in node_modules).
# `npm install --no-save` rather than `npm ci`: the lock records only this platform's optional
# Deno/Bun binary packages (the registry mirror here has no others), which `npm ci` rejects.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.flox-lock-sha 2>/dev/null)" != "$lock_sum" ]; then
  say "installing Deno, Bun and packages from npm"
  npm install --no-save --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.flox-lock-sha
fi
# The binaries ship inside the npm packages; prove they run before going on.
deno_version=$(node_modules/.bin/deno --version | head -1) || { echo "setup: deno from npm does not run" >&2; exit 1; }
bun_version=$(node_modules/.bin/bun --version) || { echo "setup: bun from npm does not run" >&2; exit 1; }
say "$deno_version, bun $bun_version"

say "building build/libflox.so (Release)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
