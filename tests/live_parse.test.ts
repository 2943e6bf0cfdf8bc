// Command-line value parsing for live recording: symbols, durations, timestamps.
import { describe, test } from "node:test";
import { assertEquals, assertThrows } from "@std/assert";
import { FloxError } from "../mod.ts";
import { type MarketInfo, resolveSymbol, splitFlatSymbol } from "../lib/live/symbol_spec.ts";
import { formatDuration, parseDuration, parseTimestamp } from "../lib/live/duration.ts";

const markets: Record<string, MarketInfo> = {
  "BTC/USDT": { symbol: "BTC/USDT", id: "BTCUSDT", type: "spot", spot: true },
  "BTC/USDT:USDT": { symbol: "BTC/USDT:USDT", id: "BTCUSDT", type: "swap", spot: false },
  "SOL/BTC": { symbol: "SOL/BTC", id: "SOLBTC", type: "spot", spot: true },
  "ETH/USDC": { symbol: "ETH/USDC", id: "ETH-USDC", type: "spot", spot: true },
  "1000PEPE/USDT:USDT": { symbol: "1000PEPE/USDT:USDT", id: "1000PEPEUSDT", type: "swap", spot: false },
};

describe("symbol arguments", () => {
  test("flat symbols split on the first matching quote suffix, FLOX's order", () => {
    assertEquals(splitFlatSymbol("BTCUSDT"), "BTC/USDT");
    assertEquals(splitFlatSymbol("SOLBTC"), "SOL/BTC");
    assertEquals(splitFlatSymbol("ETHUSD"), "ETH/USD");
    assertEquals(splitFlatSymbol("BTC/USDT:USDT"), "BTC/USDT:USDT");
    assertEquals(splitFlatSymbol("USDT"), "USDT"); // empty base: passed through
    assertEquals(splitFlatSymbol("FOOBAR"), "FOOBAR");
  });

  test("flat, slash, lower-case, perp and exchange-id forms resolve against the markets", () => {
    assertEquals(resolveSymbol("x", "BTCUSDT", markets), "BTC/USDT"); // spot preferred over the swap
    assertEquals(resolveSymbol("x", "btc/usdt", markets), "BTC/USDT");
    assertEquals(resolveSymbol("x", "BTC/USDT:USDT", markets), "BTC/USDT:USDT");
    assertEquals(resolveSymbol("x", "solbtc", markets), "SOL/BTC");
    assertEquals(resolveSymbol("x", "ETH-USDC", markets), "ETH/USDC");
    assertEquals(resolveSymbol("x", "1000PEPEUSDT", markets), "1000PEPE/USDT:USDT");
  });

  test("an unknown symbol is a FloxError naming it, the exchange and near matches", () => {
    const e = assertThrows(() => resolveSymbol("bybit", "BTCEUR", markets), FloxError);
    assertEquals((e as FloxError).codeName, "INVALID_ARG");
    assertEquals(
      (e as FloxError).message,
      'resolveSymbol: symbol "BTCEUR" is not a market on bybit; similar markets: BTC/USDT, BTC/USDT:USDT',
    );
    assertThrows(() => resolveSymbol("bybit", "  ", markets), FloxError, "empty symbol");
  });
});

describe("durations and timestamps", () => {
  test("s, m, h, d suffixes, any case, decimals; a bare number is seconds", () => {
    assertEquals(parseDuration("30s"), 30_000);
    assertEquals(parseDuration("15m"), 900_000);
    assertEquals(parseDuration("1H"), 3_600_000);
    assertEquals(parseDuration("2d"), 172_800_000);
    assertEquals(parseDuration("1.5h"), 5_400_000);
    assertEquals(parseDuration("45"), 45_000);
    assertEquals(parseDuration("0.25s"), 250);
  });

  test("empty, negative, zero, unknown units are errors that quote the input", () => {
    for (const bad of ["", "1w", "-5m", "0s", "h", "1h30m", "abc"]) {
      assertThrows(() => parseDuration(bad), FloxError, `"${bad}"`);
    }
  });

  test("formatDuration picks a readable unit", () => {
    assertEquals(formatDuration(850), "850ms");
    assertEquals(formatDuration(12_340), "12.3s");
    assertEquals(formatDuration(245_000), "4m05s");
    assertEquals(formatDuration(3_720_000), "1h02m");
  });

  test("timestamps: ISO dates (UTC when no zone) and epoch milliseconds", () => {
    assertEquals(parseTimestamp("2026-04-01", "--since"), Date.UTC(2026, 3, 1));
    assertEquals(parseTimestamp("2026-04-01T12:30", "--since"), Date.UTC(2026, 3, 1, 12, 30));
    assertEquals(parseTimestamp("2026-04-01T12:30:15.250Z", "--since"), Date.UTC(2026, 3, 1, 12, 30, 15, 250));
    assertEquals(parseTimestamp("2026-04-01T12:30:00+02:00", "--since"), Date.UTC(2026, 3, 1, 10, 30));
    assertEquals(parseTimestamp("1775001600000", "--until"), 1775001600000);
    assertThrows(() => parseTimestamp("yesterday", "--until"), FloxError, '--until "yesterday"');
  });
});
