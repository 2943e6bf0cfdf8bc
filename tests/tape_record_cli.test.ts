// `flox tape record` / `flox tape backfill` on the command line: usage errors (exit 2, message names
// the argument). Recording through the child process is in tests/tape_record.test.ts.
import { describe, test } from "node:test";
import { assertEquals, assertStringIncludes } from "@std/assert";
import { runFlox } from "./support/cli.ts";

describe("flox tape record / backfill usage", () => {
  test("help shows the forms, options and exit codes", () => {
    const r = runFlox(["tape", "record", "--help"]);
    assertEquals(r.status, 0);
    for (const s of ["--duration D", "--max-segment-mb MB", "--compression none|lz4", "--book-depth N", "--venue"]) {
      assertStringIncludes(r.stdout, s);
    }
    const b = runFlox(["tape", "backfill", "--help"]);
    assertEquals(b.status, 0);
    for (const s of ["--since T", "--until T", "--source trades|ohlcv", "--timeframe TF"]) {
      assertStringIncludes(b.stdout, s);
    }
  });

  test("bad arguments are exit 2 with a message naming them", () => {
    const cases: [string[], string][] = [
      [["tape", "record", "binance"], "missing SYMBOL"],
      [["tape", "record", "binance", "BTCUSDT"], "--output DIR is required"],
      [["tape", "record", "binance", "BTCUSDT", "-o", "x", "--duration", "5x"], '--duration "5x" is not a duration'],
      [
        ["tape", "record", "binance", "BTCUSDT", "-o", "x", "--compression", "zstd"],
        "--compression must be none or lz4",
      ],
      [["tape", "record", "binance", "BTCUSDT", "-o", "x", "--venue", "bybit:BTCUSDT"], "not both"],
      [["tape", "record", "-o", "x", "--venue", "bybit"], "--venue takes EXCHANGE:SYMBOL"],
      [["tape", "record", "binance", "BTCUSDT", "-o", "x", "--ccxt-config", "{nope"], "--ccxt-config: not valid JSON"],
      [["tape", "backfill", "binance", "BTCUSDT", "-o", "x"], "--since T is required"],
      [["tape", "backfill", "binance", "BTCUSDT", "-o", "x", "--since", "last tuesday"], '--since "last tuesday"'],
      [["tape", "backfill", "binance", "BTCUSDT", "-o", "x", "--since", "2026-01-01", "--source", "ticks"], "--source"],
      [
        ["tape", "backfill", "binance", "BTCUSDT", "-o", "x", "--since", "2026-01-01", "--timeframe", "1h"],
        "--timeframe only",
      ],
    ];
    for (const [args, message] of cases) {
      const r = runFlox(args);
      assertEquals(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assertStringIncludes(r.stderr, message);
    }
  });
});
