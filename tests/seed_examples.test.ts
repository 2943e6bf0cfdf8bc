// The seed-page examples (examples/sma_cross_backtest.ts, tape_roundtrip.ts, tape_diff.ts) on small
// inputs, so they cannot rot. examples/backfill_ohlcv.ts needs the internet and is only type-checked.
import { describe, test } from "node:test";
import { assert, assertEquals, assertGreater, assertThrows } from "@std/assert";
import * as flox from "../mod.ts";
import { randomWalkTrades, SmaCross, smaCrossBacktest } from "../examples/sma_cross_backtest.ts";
import { SEED_TRADES, tapeRoundTrip } from "../examples/tape_roundtrip.ts";
import { tapeDiffExample } from "../examples/tape_diff.ts";

const STAT_KEYS = ["returnPct", "netPnl", "totalTrades", "winRate", "sharpe", "maxDrawdownPct", "fills"] as const;

describe("seed examples", () => {
  test("SMA cross: runCsv and runTape give exactly what runTrades gives on the same trades", () => {
    const { csv, tape, trades } = smaCrossBacktest(3000, 7);
    assertEquals(trades.price.length, 3000);
    assertEquals(trades, randomWalkTrades(3000, 7)); // deterministic

    const registry = new flox.SymbolRegistry();
    const btc = registry.addSymbol("binance", "BTCUSDT", { tickSize: 0.01 });
    const bt = new flox.BacktestRunner(registry, { feeRate: 0.0004, initialCapital: 10_000 });
    bt.setStrategy(new SmaCross([btc]));
    const direct = bt.runTrades(trades);

    assertGreater(direct.totalTrades, 5); // the strategy really trades on this walk
    assertEquals(csv.events, 3000);
    assertEquals(tape.events, 3000);
    for (const key of STAT_KEYS) {
      assertEquals(csv[key], direct[key], `runCsv ${key}`);
      assertEquals(tape[key], direct[key], `runTape ${key}`);
    }
    assertEquals(csv.equityCurve(), direct.equityCurve());
    assertEquals(tape.trades().pnl, direct.trades().pnl);
  });

  test("tape round-trip: the seed's three trades come back exactly", () => {
    const { recorderStats, info, replayed, seen } = tapeRoundTrip();
    assertEquals(recorderStats.tradesWritten, 3);
    assertEquals(recorderStats.errors, 0);
    assertEquals(recorderStats.segmentsCreated, 1);
    assertEquals(info.tradeCount, 3);
    assertEquals(info.firstTsNs, 1_000_000_000n);
    assertEquals(info.lastTsNs, 2_000_000_000n);
    assertEquals(replayed, 3);
    assertEquals(seen.map((e) => e.price), [101.5, 101.55, 101.6]);
    assertEquals(seen.map((e) => e.qty), [0.5, 0.3, 1.2]);
    assertEquals(seen.map((e) => e.side), [0, 1, 0]);
    assertEquals(seen.map((e) => e.tsNs), SEED_TRADES.map((t) => t[3]));
  });

  test("tape round-trip: 8-decimal values and many trades also round-trip, an empty run is refused", () => {
    // Values written with at most 8 decimals (as an exchange sends them) are stored exactly.
    const trades = Array.from({ length: 500 }, (_, i) =>
      [
        Number(`12345.${String(67_890_000 + i).padStart(8, "0")}`),
        Number(`0.${String(i + 1).padStart(8, "0")}`),
        i % 2 === 0,
        5_000_000_000n + BigInt(i),
      ] as const);
    const { replayed, seen } = tapeRoundTrip(trades);
    assertEquals(replayed, 500);
    assertEquals(seen[499].price, trades[499][0]);
    assertEquals(seen[499].qty, trades[499][1]);
    assertThrows(() => tapeRoundTrip([]), RangeError);
    // A 9th decimal cannot survive the x1e8 fixed point: the example's check must notice.
    assertThrows(() => tapeRoundTrip([[100.000000001, 1, true, 1n]]), Error, "event 0");
  });

  test("tape diff: an equal copy is equal, one changed trade is found at its index", () => {
    const { same, changed } = tapeDiffExample(200, 123);
    assert(same.equal);
    assertEquals(same.firstDivergenceIndex, -1);
    assertEquals(same.mismatchCount, 0);
    assertEquals(same.leftCount, 200);

    assert(!changed.equal);
    assertEquals(changed.firstDivergenceIndex, 123);
    assertEquals(changed.mismatchCount, 1);
    assertEquals(changed.mismatches.length, 1);
    const m = changed.mismatches[0];
    assertEquals(m.index, 123);
    assertEquals(m.kind, "field");
    assertEquals(m.fields, ["priceRaw"]);
    assertEquals(m.right!.priceRaw - m.left!.priceRaw, 1_000_000n); // +0.01 at 1e8 scale

    assertThrows(() => tapeDiffExample(10, 10), RangeError);
  });
});
