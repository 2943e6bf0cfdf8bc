#!/usr/bin/env bash
# Builds the libFuzzer target for the tape reader (cabi/fuzz/fuzz_tape_reader.c, with ASan + UBSan)
# and runs it for a bounded time over the seed corpus in cabi/fuzz/corpus (plus FLOX's sample tape
# when shared/ is beside the repo). New inputs go to a scratch copy, so the repository stays clean.
# Usage: scripts/fuzz.sh [seconds]   (default 20; FUZZ_SECONDS also works)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-${FUZZ_SECONDS:-20}}"
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

cc=""
for c in clang-14 clang; do command -v "$c" >/dev/null && { cc="$c"; break; }; done
if [ -z "$cc" ]; then
  say "installing clang-14 and libclang-rt-14-dev (libFuzzer)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq clang-14 libclang-rt-14-dev >/dev/null
  cc=clang-14
fi

out=build-fuzz
mkdir -p "$out"
say "building $out/fuzz_tape_reader with $cc (libFuzzer, ASan, UBSan)"
"$cc" -g -O1 -std=c11 -D_GNU_SOURCE -DFLOX_BUILDING \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -Icabi/include -Icabi/src cabi/fuzz/fuzz_tape_reader.c cabi/src/*.c \
  -llz4 -lpthread -lm -o "$out/fuzz_tape_reader"

corpus="$out/corpus"
rm -rf "$corpus"
mkdir -p "$corpus"
cp cabi/fuzz/corpus/* "$corpus/"
sample=../shared/fixtures/flox-sample/sample.floxlog
for mode in 00 03 0b; do
  [ -f "$sample" ] && { printf "\\x$mode" | cat - "$sample" > "$corpus/flox-sample-$mode"; }
done

say "fuzzing for ${seconds}s over $(ls "$corpus" | wc -l) seeds"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  "$out/fuzz_tape_reader" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=1024 \
  -artifact_prefix="$out/" -print_final_stats=1 "$corpus" 2> "$out/fuzz.log" || {
  tail -60 "$out/fuzz.log" >&2
  echo "fuzz: the reader crashed or leaked; the input is in $out/crash-* (or leak-*)" >&2
  exit 1
}
grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$out/fuzz.log" >&2 || true
say "fuzz: no crash"
