// Engine through mod.ts: hand-computed runs for each rule, every documented error, failed calls that
// change nothing, batches equal to single runs, async batches with progress and abort, timestamps.
import { describe, test } from "node:test";
import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertGreater,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { type BacktestStats, Engine, FloxError, makeSignals, packBars } from "../mod.ts";
import { barNs, closesToBars, randomBars, randomSets, signals, T0 } from "./support/engine_helpers.ts";

function expectFlox(fn: () => unknown, codeName: string, ...fragments: string[]): FloxError {
  const e = assertThrows(fn, FloxError);
  assertEquals(e.codeName, codeName, e.message);
  for (const f of fragments) assertStringIncludes(e.message, f);
  return e;
}

describe("Engine: hand-computed runs", () => {
  test("market orders fill at the close; equity, trades and stats", () => {
    // closes 10 11 12 11 13; buy 2 at bar 1 (11), sell 2 at bar 4 (13): cash 1000 -> 978 -> 1004.
    using e = new Engine({ initialCapital: 1000 });
    e.loadBars(closesToBars([10, 11, 12, 11, 13]));
    assertEquals(e.barCount(), 5);
    const r = e.run(signals([{ bar: 1, side: 0, qty: 2 }, { bar: 4, side: 1, qty: 2 }]), {
      equityCurve: true,
      trades: true,
    });
    assertEquals(Array.from(r.equityCurve!), [1000, 1000, 1002, 1000, 1004]);
    assertAlmostEquals(r.netPnl, 4, 1e-9);
    assertAlmostEquals(r.returnPct, 0.4, 1e-12);
    assertEquals(r.totalTrades, 1);
    assertEquals(r.winningTrades, 1);
    assertEquals(r.winRate, 1);
    assertEquals(r.profitFactor, Infinity);
    assertAlmostEquals(r.maxDrawdown, 2, 1e-9);
    assertAlmostEquals(r.maxDrawdownPct, 2 / 1002 * 100, 1e-12);
    assertAlmostEquals(r.periodsPerYear, 365.25 * 1440, 1e-6);
    assertEquals(r.bars, 5);
    assertEquals(r.initialCapital, 1000);
    assertEquals(r.unfilledOrders, 0);
    const t = r.trades!;
    assertEquals(Object.keys(t).sort(), [
      "entryPrice",
      "entryTsNs",
      "exitPrice",
      "exitTsNs",
      "fee",
      "pnl",
      "qty",
      "side",
    ]);
    assertInstanceOf(t.entryTsNs, BigInt64Array);
    assertInstanceOf(t.side, Uint8Array);
    assertEquals(t.entryTsNs[0], barNs(1));
    assertEquals(t.exitTsNs[0], barNs(4));
    assertEquals([t.side[0], t.qty[0], t.entryPrice[0], t.exitPrice[0], t.pnl[0], t.fee[0]], [0, 2, 11, 13, 4, 0]);
    // Without the options, neither is attached.
    const plain = e.run(signals([{ bar: 1, side: 0, qty: 2 }]));
    assertEquals(plain.equityCurve, undefined);
    assertEquals(plain.trades, undefined);
  });

  test("a limit rests, then fills at a later close; unfilled orders are counted", () => {
    // buy limit 8.5 at bar 0, closes 10 9 8 9: fills at bar 2 at 8. A sell limit at 100 never
    // fills and a signal after the last bar is never submitted: unfilled = 2.
    using e = new Engine({ initialCapital: 1000 });
    e.loadBars(closesToBars([10, 9, 8, 9]));
    const r = e.run(
      signals([{ bar: 0, side: 0, qty: 1, limit: 8.5 }, { bar: 0, side: 1, qty: 1, limit: 100 }, {
        bar: 9,
        side: 0,
        qty: 1,
      }]),
      { equityCurve: true },
    );
    assertEquals(Array.from(r.equityCurve!), [1000, 1000, 1000, 1001]);
    assertEquals(r.unfilledOrders, 2);
    assertAlmostEquals(r.unrealizedPnl, 1, 1e-12);
  });

  test("touch model fills at the limit or a better open", () => {
    // bar1 gaps down: o 9.4 l 9.0, buy limit 9.5 fills at 9.4; bar2 high 10.5 >= sell limit 10.2
    // (open 10) fills at 10.2; pnl (10.2 - 9.4) * 2 = 1.6.
    const bars = {
      timestamps: Float64Array.from([T0, T0 + 60, T0 + 120]),
      open: Float64Array.from([10, 9.4, 10]),
      high: Float64Array.from([10.5, 9.9, 10.5]),
      low: Float64Array.from([9.8, 9.0, 9.9]),
      close: Float64Array.from([10, 9.6, 10.1]),
      volume: Float64Array.from([1, 1, 1]),
    };
    const sigs = signals([{ bar: 0, side: 0, qty: 2, limit: 9.5 }, { bar: 2, side: 1, qty: 2, limit: 10.2 }]);
    using touch = new Engine({ initialCapital: 1000, limitFill: "touch" });
    touch.loadBars(bars);
    const r = touch.run(sigs, { trades: true });
    assertAlmostEquals(r.netPnl, 1.6, 1e-9);
    assertAlmostEquals(r.trades!.entryPrice[0], 9.4, 1e-12);
    assertAlmostEquals(r.trades!.exitPrice[0], 10.2, 1e-12);
    using close = new Engine({ initialCapital: 1000, limitFill: "close" });
    close.loadBars(bars);
    assertEquals(close.run(sigs).unfilledOrders, 2);
  });

  test("a flip closes one trade and opens the remainder; fees are pro-rated", () => {
    // fee 0.001; closes 10 12 11. Buy 1 at 10 (fee 0.01). Sell 3 at 12 (fee 0.036): trade fee
    // 0.01 + 0.036/3 = 0.022, net 2 - 0.022 = 1.978; short 2 at 12 with pool 0.024. Buy 2 at 11
    // (fee 0.022): trade fee 0.024 + 0.022 = 0.046, net 2 - 0.046 = 1.954.
    using e = new Engine({ initialCapital: 1000, feeRate: 0.001 });
    e.loadBars(closesToBars([10, 12, 11]));
    const r = e.run(
      signals([{ bar: 0, side: 0, qty: 1 }, { bar: 1, side: 1, qty: 3 }, { bar: 2, side: 0, qty: 2 }]),
      { trades: true, equityCurve: true },
    );
    const t = r.trades!;
    assertEquals(t.pnl.length, 2);
    assertEquals(Array.from(t.side), [0, 1]);
    assertEquals(Array.from(t.qty), [1, 2]);
    assertAlmostEquals(t.fee[0], 0.022, 1e-12);
    assertAlmostEquals(t.pnl[0], 1.978, 1e-12);
    assertAlmostEquals(t.fee[1], 0.046, 1e-12);
    assertAlmostEquals(t.pnl[1], 1.954, 1e-12);
    assertEquals(t.entryTsNs[1], barNs(1));
    assertAlmostEquals(r.equityCurve![1], 1001.954, 1e-9);
    assertAlmostEquals(r.totalFees, 0.068, 1e-12);
    assertAlmostEquals(r.realizedPnl, 4, 1e-12);
    assertAlmostEquals(r.netPnl, 4 - 0.068, 1e-9);
  });

  test("partial closes: entry fees split by the closed share; wins and losses judged net", () => {
    // fee 0.01; buy 4 at 10 (fee 0.4); sell 1 at 11: fee 0.1 + 0.11, net 0.79; sell 3 at 9:
    // fee 0.3 + 0.27, net -3.57.
    using e = new Engine({ initialCapital: 1000, feeRate: 0.01 });
    e.loadBars(closesToBars([10, 11, 9]));
    const r = e.run(signals([{ bar: 0, side: 0, qty: 4 }, { bar: 1, side: 1, qty: 1 }, { bar: 2, side: 1, qty: 3 }]));
    assertAlmostEquals(r.netPnl, -2.78, 1e-9);
    assertEquals([r.totalTrades, r.winningTrades, r.losingTrades], [2, 1, 1]);
    assertAlmostEquals(r.grossProfit, 0.79, 1e-12);
    assertAlmostEquals(r.grossLoss, 3.57, 1e-12);
    assertAlmostEquals(r.profitFactor, 0.79 / 3.57, 1e-12);
  });

  test("the drawdown of an open position is seen", () => {
    // Long 1 from 100, closes 100 120 80 90: E = 1000 1020 980 990; drawdown 40 (3.92%), no trade.
    using e = new Engine({ initialCapital: 1000, periodsPerYear: 252 });
    e.loadBars(closesToBars([100, 120, 80, 90]));
    const r = e.run(signals([{ bar: 0, side: 0, qty: 1 }]), { equityCurve: true });
    assertEquals(Array.from(r.equityCurve!), [1000, 1020, 980, 990]);
    assertAlmostEquals(r.maxDrawdown, 40, 1e-9);
    assertAlmostEquals(r.maxDrawdownPct, 40 / 1020 * 100, 1e-12);
    assertEquals(r.totalTrades, 0);
    assertAlmostEquals(r.unrealizedPnl, -10, 1e-9);
    assertAlmostEquals(r.calmar, (Math.pow(0.99, 252 / 4) - 1) / (40 / 1020), 1e-12);
    assertEquals(r.periodsPerYear, 252);
  });

  test("timestamps in s, ms, us, ns, float seconds and packed bars give the same result", () => {
    const base = randomBars(300, 7n);
    const sigs = randomSets(3, 300, 11n);
    const secs = base.timestamps.map((t) => t / 1000n);
    const variants = [
      { ...base, timestamps: secs },
      base, // ms
      { ...base, timestamps: secs.map((t) => t * 1_000_000n) },
      { ...base, timestamps: secs.map((t) => t * 1_000_000_000n) },
      { ...base, timestamps: Float64Array.from(secs, (t) => Number(t)) },
    ];
    const results: BacktestStats[][] = variants.map((bars) => {
      using e = new Engine({ initialCapital: 10_000, feeRate: 0.0004 });
      e.loadBars(bars);
      return sigs.map((s) => e.run(s));
    });
    for (const r of results.slice(1)) assertEquals(r, results[0]);
    // Packed bars hold prices as raw = round(x * 1e8): same run on the rounded prices.
    const rounded = (a: Float64Array) => a.map((x) => Math.round(x * 1e8) / 1e8);
    using a = new Engine({ initialCapital: 10_000 });
    a.loadBars(packBars(base));
    using b = new Engine({ initialCapital: 10_000 });
    b.loadBars({
      ...base,
      open: rounded(base.open),
      high: rounded(base.high),
      low: rounded(base.low),
      close: rounded(base.close),
    });
    assertEquals(sigs.map((s) => a.run(s)), sigs.map((s) => b.run(s)));
  });

  test("symbols are separate series", () => {
    using e = new Engine({ initialCapital: 1000 });
    e.loadBars(closesToBars([10, 20]), { symbol: 2 });
    e.loadBars(closesToBars([10, 5, 6]));
    assertEquals([e.barCount(), e.barCount(2), e.barCount(3)], [3, 2, 0]);
    const s = signals([{ bar: 0, side: 0, qty: 1 }]);
    assertEquals(e.run(s, { symbol: 2 }).netPnl, 10);
    assertEquals(e.run(s).netPnl, -4);
  });
});

describe("Engine: errors", () => {
  const good = () => closesToBars([10, 11, 12]);

  test("bad options are INVALID_ARG naming the option", () => {
    expectFlox(() => new Engine({ initialCapital: 0 }), "INVALID_ARG", "initialCapital is 0");
    expectFlox(() => new Engine({ initialCapital: NaN }), "INVALID_ARG", "initialCapital");
    expectFlox(() => new Engine({ initialCapital: 1, feeRate: -0.1 }), "INVALID_ARG", "feeRate is -0.1");
    expectFlox(() => new Engine({ initialCapital: 1, periodsPerYear: 0 }), "INVALID_ARG", "periodsPerYear is 0");
    expectFlox(
      () => new Engine({ initialCapital: 1, limitFill: "mid" as "close" }),
      "INVALID_ARG",
      'limitFill is "mid"',
    );
  });

  test("loadBars: LENGTH_MISMATCH, UNSORTED, BAD_PRICE, INVALID_ARG; a failed load changes nothing", () => {
    using e = new Engine({ initialCapital: 1000 });
    e.loadBars(closesToBars([10, 11, 12, 11, 13]));
    const s = signals([{ bar: 1, side: 0, qty: 2 }]);
    const before = e.run(s, { equityCurve: true });
    const b = good();
    expectFlox(() => e.loadBars({ ...b, close: Float64Array.from([1, 2]) }), "LENGTH_MISMATCH", "close has 2");
    expectFlox(() => e.loadBars({ ...b, volume: new Float64Array(4) }), "LENGTH_MISMATCH", "volume has 4");
    expectFlox(
      () => e.loadBars({ ...b, timestamps: BigInt64Array.from([1n, 2n, 2n]) }),
      "UNSORTED",
      "Engine.loadBars: timestamps[2]",
    );
    expectFlox(() => e.loadBars({ ...b, timestamps: BigInt64Array.from([5n, 2n, 9n]) }), "UNSORTED", "timestamps[1]");
    expectFlox(
      () => e.loadBars({ ...b, close: Float64Array.from([10, 11, -1]) }),
      "BAD_PRICE",
      "Engine.loadBars: close[2] is -1; prices must be finite and > 0",
    );
    expectFlox(() => e.loadBars({ ...b, open: Float64Array.from([10, NaN, 1]) }), "BAD_PRICE", "open[1] is nan");
    expectFlox(() => e.loadBars({ ...b, high: Float64Array.from([Infinity, 1, 1]) }), "BAD_PRICE", "high[0] is inf");
    expectFlox(() => e.loadBars({ ...b, low: Float64Array.from([10, 0, 12]) }), "BAD_PRICE", "low[1] is 0");
    expectFlox(
      () => e.loadBars({ ...b, high: Float64Array.from([10, 11, 11]), low: Float64Array.from([10, 11, 12]) }),
      "BAD_PRICE",
      "high[2] is 11, below low[2] = 12",
    );
    expectFlox(() => e.loadBars({ ...b, close: [1, 2, 3] as unknown as Float64Array }), "INVALID_ARG", "close must");
    expectFlox(() => e.loadBars(closesToBars([])), "INVALID_ARG", "no bars");
    expectFlox(() => e.loadBars(new Uint8Array(47)), "INVALID_ARG", "multiple of 48");
    expectFlox(() => e.loadBars(good(), { symbol: 1.5 }), "INVALID_ARG", "symbol is 1.5");
    const packed = packBars(good());
    new DataView(packed.buffer).setBigInt64(48 * 2 + 32, -5n, true);
    expectFlox(() => e.loadBars(packed), "BAD_PRICE", "close[2]");
    assertEquals(e.barCount(), 5);
    assertEquals(e.run(s, { equityCurve: true }), before);
  });

  test("makeSignals: every bad column, named with its index", () => {
    const ts = BigInt64Array.from([barNs(0), barNs(1)]);
    const base = { timestamps: ts, sides: Uint8Array.from([0, 1]), quantities: Float64Array.from([1, 1]) };
    expectFlox(() => makeSignals({ ...base, sides: Uint8Array.from([0]) }), "LENGTH_MISMATCH", "sides has 1");
    expectFlox(
      () => makeSignals({ ...base, sides: Uint8Array.from([0, 2]) }),
      "BAD_SIDE",
      "makeSignals: sides[1] is 2; must be 0 (buy) or 1 (sell)",
    );
    expectFlox(() => makeSignals({ ...base, types: Uint8Array.from([5, 0]) }), "BAD_ORDER_TYPE", "types[0] is 5");
    expectFlox(() => makeSignals({ ...base, quantities: Float64Array.from([1, 0]) }), "BAD_QUANTITY", "quantities[1]");
    expectFlox(() => makeSignals({ ...base, quantities: Float64Array.from([-1, 1]) }), "BAD_QUANTITY", "quantities[0]");
    expectFlox(() => makeSignals({ ...base, quantities: Float64Array.from([NaN, 1]) }), "BAD_QUANTITY");
    expectFlox(() => makeSignals({ ...base, types: Uint8Array.from([0, 1]) }), "MISSING_PRICE", "types[1] is 1");
    expectFlox(
      () => makeSignals({ ...base, types: Uint8Array.from([0, 1]), prices: Float64Array.from([0, 0]) }),
      "MISSING_PRICE",
      "prices[1]",
    );
    expectFlox(
      () => makeSignals({ ...base, types: Uint8Array.from([1, 0]), prices: Float64Array.from([-2, 0]) }),
      "BAD_PRICE",
      "prices[0] is -2",
    );
    assertEquals(
      makeSignals({
        ...base,
        timestamps: new BigInt64Array(0),
        sides: new Uint8Array(0),
        quantities: new Float64Array(0),
      }).length,
      0,
    );
  });

  test("run: NO_DATA, INVALID_ARG, corrupted records; a failed run changes nothing", () => {
    using e = new Engine({ initialCapital: 1000 });
    const s = signals([{ bar: 0, side: 0, qty: 1 }, { bar: 1, side: 1, qty: 1 }]);
    expectFlox(() => e.run(s), "NO_DATA", "Engine.run: no bars loaded for symbol 1");
    e.loadBars(good());
    const before = e.run(s, { trades: true });
    expectFlox(() => e.run(s.subarray(0, 33)), "INVALID_ARG", "signals has 33 bytes; must be a multiple of 32");
    expectFlox(() => e.run([1, 2] as unknown as Uint8Array), "INVALID_ARG", "Uint8Array");
    expectFlox(() => e.run(s, { symbol: 9 }), "NO_DATA", "symbol 9");
    const corrupt = (offset: number, value: number) => {
      const c = s.slice();
      c[offset] = value;
      return c;
    };
    expectFlox(() => e.run(corrupt(32 + 24, 2)), "BAD_SIDE", "Engine.run: side[1] is 2; must be 0 (buy) or 1 (sell)");
    expectFlox(() => e.run(corrupt(25, 7)), "BAD_ORDER_TYPE", "type[0] is 7");
    const zeroQty = s.slice();
    zeroQty.fill(0, 8, 16);
    expectFlox(() => e.run(zeroQty), "BAD_QUANTITY", "quantity[0]");
    expectFlox(() => e.run(corrupt(32 + 25, 1)), "MISSING_PRICE", "price[1] is 0");
    assertEquals(e.run(s.subarray(0, 0), { trades: true }).trades!.pnl.length, 0);
    assertEquals(e.run(s, { trades: true }), before);
  });

  test("use after close is CLOSED; close is idempotent", async () => {
    const e = new Engine({ initialCapital: 1000 });
    e.loadBars(good());
    e.close();
    e.close();
    const s = signals([{ bar: 0, side: 0, qty: 1 }]);
    expectFlox(() => e.run(s), "CLOSED", "Engine.run: engine is closed");
    expectFlox(() => e.loadBars(good()), "CLOSED", "Engine.loadBars");
    expectFlox(() => e.barCount(), "CLOSED");
    expectFlox(() => e.runBatch([s]), "CLOSED", "Engine.runBatch");
    const err = await assertRejects(() => e.runBatchAsync([s]), FloxError, "Engine.runBatchAsync: engine is closed");
    assertEquals(err.codeName, "CLOSED");
  });
});

describe("Engine: batches", () => {
  const bars = randomBars(1500, 3n);

  test("runBatch equals individual runs, in input order, on any thread count", () => {
    for (const limitFill of ["close", "touch"] as const) {
      using e = new Engine({ initialCapital: 10_000, feeRate: 0.0004, limitFill });
      e.loadBars(bars);
      const sets = randomSets(40, 1500, 5n);
      // A set that is a view into a larger buffer (non-zero byteOffset) is read in place correctly.
      const big = new Uint8Array(64 + sets[3].length);
      big.set(sets[3], 64);
      sets.push(big.subarray(64));
      sets.push(new Uint8Array(0));
      const single = sets.map((s) => e.run(s));
      assertGreater(single.reduce((a, r) => a + r.totalTrades, 0), 50);
      for (const threads of [0, 1, 2, 3]) assertEquals(e.runBatch(sets, { threads }), single);
      assertEquals(e.runBatch([]), []);
    }
  });

  test("a bad set fails the whole batch, naming the set and record", () => {
    using e = new Engine({ initialCapital: 10_000 });
    e.loadBars(bars);
    const sets = randomSets(6, 1500, 9n).filter((s) => s.length > 0);
    const bad = sets[2].slice();
    bad[24] = 2;
    sets[2] = bad;
    expectFlox(() => e.runBatch(sets), "BAD_SIDE", "Engine.runBatch: set 2: side[0] is 2; must be 0 (buy) or 1 (sell)");
    expectFlox(() => e.runBatch([sets[0], sets[0].subarray(0, 5)]), "INVALID_ARG", "set 1 has 5 bytes");
    expectFlox(() => e.runBatch(sets, { threads: -1 }), "INVALID_ARG", "threads is -1");
    expectFlox(() => e.runBatch(sets, { symbol: 4 }), "NO_DATA", "symbol 4");
  });

  test("runBatchAsync: same results, progress reaches the total", async () => {
    using e = new Engine({ initialCapital: 10_000, feeRate: 0.0004 });
    e.loadBars(bars);
    const sets = randomSets(30, 1500, 21n);
    const many = Array.from({ length: 3000 }, (_, i) => sets[i % sets.length]);
    const expected = e.runBatch(many, { threads: 2 });
    const seen: [number, number][] = [];
    const got = await e.runBatchAsync(many, { threads: 2, onProgress: (d, t) => seen.push([d, t]) });
    assertEquals(got, expected);
    assert(seen.length >= 1);
    assertEquals(seen[seen.length - 1], [3000, 3000]);
    for (let i = 1; i < seen.length; i++) assert(seen[i][0] >= seen[i - 1][0], "progress never goes back");
  });

  test("runBatchAsync: abort rejects with CANCELLED; errors reject with the batch message", async () => {
    using e = new Engine({ initialCapital: 10_000 });
    e.loadBars(bars);
    const sets = randomSets(10, 1500, 23n);
    const pre = new AbortController();
    pre.abort();
    const early = await assertRejects(() => e.runBatchAsync(sets, { signal: pre.signal }), FloxError, "cancelled");
    assertEquals(early.codeName, "CANCELLED");
    // Abort from the first progress report: the batch stops early. This also shows the event loop
    // runs during the batch: progress is polled by a timer on this thread.
    const many = Array.from({ length: 200_000 }, (_, i) => sets[i % sets.length]);
    const ac = new AbortController();
    const cancelled = await assertRejects(
      () => e.runBatchAsync(many, { threads: 1, signal: ac.signal, onProgress: () => ac.abort() }),
      FloxError,
      "Engine.runBatchAsync: cancelled after",
    );
    assertEquals(cancelled.codeName, "CANCELLED");
    const bad = sets.map((s) => s.slice()).filter((s) => s.length > 0);
    bad[1][25] = 9;
    const invalid = await assertRejects(() => e.runBatchAsync(bad), FloxError, "set 1: type[0] is 9");
    assertEquals(invalid.codeName, "BAD_ORDER_TYPE");
    // The engine is still usable after all of that.
    assertEquals(e.runBatch(sets), sets.map((s) => e.run(s)));
  });

  test("while an async batch runs, loadBars is STATE and close() waits for it", async () => {
    const e = new Engine({ initialCapital: 10_000 });
    e.loadBars(bars);
    const sets = randomSets(10, 1500, 29n);
    const many = Array.from({ length: 2000 }, (_, i) => sets[i % sets.length]);
    const pending = e.runBatchAsync(many, { threads: 1 });
    expectFlox(() => e.loadBars(bars), "STATE", "still running");
    e.close();
    expectFlox(() => e.run(sets[0]), "CLOSED");
    const results = await pending;
    assertEquals(results.length, 2000);
    expectFlox(() => e.barCount(), "CLOSED");
  });
});
