// The examples' core functions on small inputs, so they cannot rot: each result is also checked
// against the TypeScript reference engine on the same bars and signals.
import { describe, test } from "node:test";
import { assert, assertAlmostEquals, assertEquals, assertGreater, assertLessOrEqual } from "@std/assert";
import { runDemo } from "../examples/demo.ts";
import {
  permutationPValue,
  permutationTest,
  permutedSignalSets,
  permutedSignalSetsParallel,
  strategySignals,
} from "../examples/permutation_test.ts";
import { quickStart } from "../examples/quick_start.ts";
import { permutedCloses, smaCrossSignals, syntheticBars } from "../examples/synthetic.ts";
import { barsFromColumns, referenceRun } from "./support/reference_engine.ts";
import { mulberry32 } from "./support/market_data.ts";

describe("examples", () => {
  test("quick start: one round trip of 0.5 between 00:00 and 00:20", () => {
    const stats = quickStart(60);
    const bars = syntheticBars({ count: 60 });
    // Bought 0.5 at bar 0's close, sold at bar 20's close, fee 0.01 % each side.
    const entry = bars.close[0];
    const exit = bars.close[20];
    const fees = 0.5 * entry * 0.0001 + 0.5 * exit * 0.0001;
    assertEquals(stats.totalTrades, 1);
    assertAlmostEquals(stats.netPnl, 0.5 * (exit - entry) - fees, 1e-9);
    assertAlmostEquals(stats.trades!.pnl[0], stats.netPnl, 1e-9);
  });

  test("synthetic bars are deterministic, valid OHLC on the tick grid", () => {
    const a = syntheticBars({ count: 500, seed: 9 });
    assertEquals(a, syntheticBars({ count: 500, seed: 9 }));
    for (let i = 0; i < 500; i++) {
      assert(a.low[i] > 0 && a.low[i] <= Math.min(a.open[i], a.close[i]), `low[${i}]`);
      assert(a.high[i] >= Math.max(a.open[i], a.close[i]), `high[${i}]`);
      assertEquals(Math.round(a.close[i] * 100) / 100, a.close[i]);
      if (i > 0) assertEquals(a.timestamps[i] - a.timestamps[i - 1], 60_000_000_000n);
    }
  });

  test("SMA cross alternates buys and sells, and permuted closes keep the return multiset", () => {
    const bars = syntheticBars({ count: 2000, seed: 5 });
    const sig = smaCrossSignals(bars.close, bars.timestamps, { quantity: 2 });
    assertGreater(sig.sides.length, 10);
    sig.sides.forEach((side, i) => assertEquals(side, i % 2)); // buy, sell, buy, ...
    const shuffled = permutedCloses(bars.close, mulberry32(1));
    assertEquals(shuffled[0], bars.close[0]);
    assertAlmostEquals(shuffled[1999], bars.close[1999], 1e-9 * bars.close[1999]); // same sum of log returns
  });

  test("permutation test: results per permutation, p-value in (0, 1], every run matches the reference", {
    timeout: 120_000,
  }, async () => {
    const bars = syntheticBars({ count: 3000, seed: 11 });
    const result = await permutationTest(bars, { permutations: 16, threads: 2, seed: 3, workers: 1 });
    assertEquals(result.permuted.length, 16);
    assertGreater(result.pValue, 0);
    assertLessOrEqual(result.pValue, 1);
    assertEquals(result.pValue, permutationPValue(result.actual.netPnl, result.permuted.map((r) => r.netPnl)));

    const refBars = barsFromColumns(bars);
    const options = { initialCapital: 100_000, feeRate: 0.0001 };
    const actual = referenceRun(refBars, strategySignals(bars.close, bars.timestamps, 500), options);
    assertAlmostEquals(result.actual.netPnl, actual.netPnl, 1e-9 * 100_000);
    const sets = permutedSignalSets(bars, 16, 3, 500);
    sets.forEach((set, k) => {
      assertAlmostEquals(result.permuted[k].netPnl, referenceRun(refBars, set, options).netPnl, 1e-9 * 100_000);
    });
  });

  test("permuted signal sets do not depend on the number of workers", { timeout: 120_000 }, async () => {
    const bars = syntheticBars({ count: 1500, seed: 2 });
    const sequential = permutedSignalSets(bars, 7, 5, 10);
    // One test spawns Workers (under `deno test` each Worker is type-checked first, which costs seconds).
    assertEquals(await permutedSignalSetsParallel(bars, 7, 5, 10, { workers: 2 }), sequential);
    assertEquals(await permutedSignalSetsParallel(bars, 7, 5, 10, { workers: 1 }), sequential);
    // Different permutations differ from each other.
    assert(
      sequential.some((set) => set.length !== sequential[0].length || !set.every((b, i) => b === sequential[0][i])),
    );
  });

  test("p-value counts ties as at least as good, with the +1 correction", () => {
    assertEquals(permutationPValue(5, [1, 5, 7, 2]), 3 / 5);
    assertEquals(permutationPValue(5, []), 1);
  });

  test("demo on a small input prints the stats, the p-value and timings", { timeout: 120_000 }, async () => {
    const lines: string[] = [];
    const progress: number[] = [];
    const demo = await runDemo({
      bars: 2000,
      permutations: 8,
      threads: 1,
      workers: 1,
      seed: 42,
      print: (line) => lines.push(line),
      progress: (_label, done) => progress.push(done),
    });
    assertEquals(demo.permuted.length, 8);
    assertEquals(demo.stats.bars, 2000);
    const text = lines.join("\n");
    for (const expected of ["net PnL", "Sharpe", "p-value", "runBatch", "ns per bar-step"]) {
      assert(text.includes(expected), `demo output lacks "${expected}":\n${text}`);
    }
    assert(progress.includes(8), "progress reached the total");
  });
});
