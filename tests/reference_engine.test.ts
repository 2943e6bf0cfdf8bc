// Hand-computed cases for the TypeScript reference engine (tests/support/reference_engine.ts), so the
// differential test compares the C engine against something that is itself checked rule by rule.
// Every expected value below is worked out by hand in the comment next to it.
import { describe, test } from "node:test";
import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import {
  barsFromColumns,
  barsFromPacked,
  calmarFromEquity,
  defaultPeriodsPerYear,
  maxDrawdownPct,
  normaliseTimestamp,
  type ReferenceBars,
  ReferenceInputError,
  type ReferenceOptions,
  referenceRun,
  sharpe,
  sortino,
} from "./support/reference_engine.ts";
import { packBarRecords, packSignals, randomBars } from "./support/market_data.ts";

const T0 = 1_704_067_200_000_000_000n; // 2024-01-01T00:00:00Z in ns
const MINUTE = 60_000_000_000n;

/** Bars one minute apart; open = high = low = close unless given. */
function bars(close: number[], low?: number[], open?: number[], high?: number[]): ReferenceBars {
  return barsFromColumns({
    timestamps: BigInt64Array.from(close, (_, i) => T0 + BigInt(i) * MINUTE),
    open: Float64Array.from(open ?? close),
    high: Float64Array.from(high ?? close.map((c, i) => Math.max(c, open?.[i] ?? c))),
    low: Float64Array.from(low ?? close),
    close: Float64Array.from(close),
    volume: new Float64Array(close.length).fill(1),
  });
}

interface Order {
  bar: number; // signal ts = that bar's ts (use fractional bars for "between")
  side: 0 | 1;
  qty: number;
  limit?: number;
}

function signals(orders: Order[]): Uint8Array {
  return packSignals({
    timestamps: BigInt64Array.from(orders, (o) => T0 + BigInt(Math.round(o.bar * 60)) * 1_000_000_000n),
    sides: Uint8Array.from(orders, (o) => o.side),
    quantities: Float64Array.from(orders, (o) => o.qty),
    prices: Float64Array.from(orders, (o) => o.limit ?? 0),
    types: Uint8Array.from(orders, (o) => (o.limit === undefined ? 0 : 1)),
  });
}

const EPS = 1e-9;

describe("reference engine: hand-computed cases", () => {
  test("market orders fill at the close; fees and equity marking", () => {
    // Buy 1 at bar 0 (close 100), sell 1 at bar 2 (close 105); fee rate 0.1%.
    // bar 0: fee 0.1, cash 1000 - 100.1 = 899.9, E1 = 999.9; bar 1: E2 = 1009.9;
    // bar 2: fee 0.105, cash 899.9 + 105 - 0.105 = 1004.795 = E3.
    // Trade: gross 5, fee 0.1 + 0.105 = 0.205, net 4.795.
    const options: ReferenceOptions = { initialCapital: 1000, feeRate: 0.001 };
    const r = referenceRun(
      bars([100, 110, 105]),
      signals([{ bar: 0, side: 0, qty: 1 }, { bar: 2, side: 1, qty: 1 }]),
      options,
    );
    assertAlmostEquals(r.equityCurve[0], 999.9, EPS);
    assertAlmostEquals(r.equityCurve[1], 1009.9, EPS);
    assertAlmostEquals(r.equityCurve[2], 1004.795, EPS);
    assertAlmostEquals(r.netPnl, 4.795, EPS);
    assertAlmostEquals(r.returnPct, 0.4795, EPS);
    assertAlmostEquals(r.totalFees, 0.205, EPS);
    assertAlmostEquals(r.realizedPnl, 5, EPS);
    assertEquals(r.unrealizedPnl, 0);
    assertEquals([r.totalTrades, r.winningTrades, r.losingTrades, r.winRate], [1, 1, 0, 1]);
    assertAlmostEquals(r.trades[0].pnl, 4.795, EPS);
    assertAlmostEquals(r.trades[0].fee, 0.205, EPS);
    assertEquals(r.trades[0].entryTsNs, T0);
    assertEquals(r.trades[0].exitTsNs, T0 + 2n * MINUTE);
    assertEquals(r.profitFactor, Infinity);
    // Peak 1009.9 at bar 1, then 1004.795: drawdown 5.105 (the 0.1 dip at bar 0 is smaller).
    assertAlmostEquals(r.maxDrawdown, 5.105, EPS);
    assertAlmostEquals(r.maxDrawdownPct, 5.105 / 1009.9 * 100, EPS);
  });

  test("limit order rests, then fills: close model at the close, touch model at min(limit, open)", () => {
    // Buy limit 95 submitted at bar 0 (close 100): does not cross, rests.
    // Close model: bar 1 close 96 > 95 no; bar 2 close 94 <= 95: fills at 94.
    // Touch model: bar 1 low 94.5 <= 95: fills at min(95, open 99) = 95.
    const b = bars([100, 96, 94], [99, 94.5, 93], [100, 99, 95]);
    const order = signals([{ bar: 0, side: 0, qty: 1, limit: 95 }]);
    const close = referenceRun(b, order, { initialCapital: 1000 });
    assertAlmostEquals(close.equityCurve[1], 1000, EPS); // nothing filled yet
    assertAlmostEquals(close.finalEquity, 1000, EPS); // bought at 94, marked at 94
    assertAlmostEquals(close.unrealizedPnl, 0, EPS);
    const touch = referenceRun(b, order, { initialCapital: 1000, limitFill: "touch" });
    assertAlmostEquals(touch.equityCurve[1], 1000 - 95 + 96, EPS);
    assertAlmostEquals(touch.unrealizedPnl, 94 - 95, EPS);
    // A sell limit in touch mode fills at max(limit, open) when the bar gaps through it.
    const gap = bars([100, 104], [99, 101], [100, 103], [100, 105]);
    const sell = referenceRun(gap, signals([{ bar: 0.5, side: 1, qty: 1, limit: 102 }]), {
      initialCapital: 1000,
      limitFill: "touch",
    });
    assertAlmostEquals(sell.unrealizedPnl, -(104 - 103), EPS); // short 1 from 103, marked at 104
  });

  test("flip: closes the position as one trade and opens the remainder with its share of the fee", () => {
    // Long 2 at 100 (fee 0.2 pooled). Sell 5 at 110: fee 0.55; closes 2: trade fee 0.2 + 0.55*2/5
    // = 0.42, gross 20, net 19.58; short 3 at 110 with pool 0.55*3/5 = 0.33.
    // Buy 3 at 105: fee 0.315; trade fee 0.33 + 0.315 = 0.645; gross (105-110)*3*(-1) = 15; net 14.355.
    const r = referenceRun(
      bars([100, 110, 105]),
      signals([{ bar: 0, side: 0, qty: 2 }, { bar: 1, side: 1, qty: 5 }, { bar: 2, side: 0, qty: 3 }]),
      { initialCapital: 10_000, feeRate: 0.001 },
    );
    assertEquals(r.totalTrades, 2);
    assertEquals([r.trades[0].side, r.trades[1].side], [0, 1]);
    assertAlmostEquals(r.trades[0].fee, 0.42, EPS);
    assertAlmostEquals(r.trades[0].pnl, 19.58, EPS);
    assertAlmostEquals(r.trades[1].qty, 3, EPS);
    assertAlmostEquals(r.trades[1].entryPrice, 110, EPS);
    assertAlmostEquals(r.trades[1].fee, 0.645, EPS);
    assertAlmostEquals(r.trades[1].pnl, 14.355, EPS);
    assertEquals(r.trades[1].entryTsNs, T0 + MINUTE); // the flip bar
    assertAlmostEquals(r.realizedPnl, 35, EPS);
    assertAlmostEquals(r.totalFees, 0.2 + 0.55 + 0.315, EPS);
    assertAlmostEquals(r.netPnl, 35 - 1.065, EPS);
  });

  test("partial closes pro-rate the entry fees", () => {
    // Long 4 at 100, fee rate 1%: pool 4. Sell 1 at 120: fee 1.2, trade fee 4*1/4 + 1.2 = 2.2,
    // gross 20, net 17.8; pool 3. Sell 3 at 90: fee 2.7, trade fee 3 + 2.7 = 5.7, gross -30, net -35.7.
    const r = referenceRun(
      bars([100, 120, 90]),
      signals([{ bar: 0, side: 0, qty: 4 }, { bar: 1, side: 1, qty: 1 }, { bar: 2, side: 1, qty: 3 }]),
      { initialCapital: 10_000, feeRate: 0.01 },
    );
    assertEquals(r.totalTrades, 2);
    assertAlmostEquals(r.trades[0].fee, 2.2, EPS);
    assertAlmostEquals(r.trades[0].pnl, 17.8, EPS);
    assertAlmostEquals(r.trades[1].fee, 5.7, EPS);
    assertAlmostEquals(r.trades[1].pnl, -35.7, EPS);
    assertEquals([r.winningTrades, r.losingTrades], [1, 1]);
    assertAlmostEquals(r.grossProfit, 17.8, EPS);
    assertAlmostEquals(r.grossLoss, 35.7, EPS);
    assertAlmostEquals(r.profitFactor, 17.8 / 35.7, EPS);
    assertAlmostEquals(r.netPnl, 17.8 - 35.7, EPS);
  });

  test("drawdown of an open position is seen; unrealized pnl at the last close", () => {
    // Buy 10 at 100; closes 100, 90, 80, 95: equity 1000, 900, 800, 950; max drawdown 200 (20%).
    const r = referenceRun(bars([100, 90, 80, 95]), signals([{ bar: 0, side: 0, qty: 10 }]), { initialCapital: 1000 });
    assertEquals(r.equityCurve, [1000, 900, 800, 950]);
    assertEquals(r.totalTrades, 0);
    assertAlmostEquals(r.maxDrawdown, 200, EPS);
    assertAlmostEquals(r.maxDrawdownPct, 20, EPS);
    assertAlmostEquals(r.unrealizedPnl, -50, EPS);
    assertEquals(r.profitFactor, 0);
  });

  test("signals before the first bar fill at bar 0; after the last bar and resting limits are unfilled", () => {
    const r = referenceRun(
      bars([100, 101]),
      signals([
        { bar: -5, side: 0, qty: 1 }, // before the first bar: fills at bar 0's close
        { bar: 1.5, side: 0, qty: 1 }, // after the last bar
        { bar: 0, side: 0, qty: 1, limit: 50 }, // never crosses
      ]),
      { initialCapital: 1000 },
    );
    assertEquals(r.unfilledOrders, 2);
    assertEquals(r.equityCurve, [1000, 1001]);
  });

  test("equal timestamps keep input order (stable sort)", () => {
    // Buy 1 then sell 3 at the same bar: ends short 2. Reversed: sell 3 then buy 1: also short 2,
    // but the first ordering closes a long (1 trade) and the second closes part of a short (1 trade)
    // with different sides.
    const a = referenceRun(bars([100, 90]), signals([{ bar: 0, side: 0, qty: 1 }, { bar: 0, side: 1, qty: 3 }]), {
      initialCapital: 1000,
    });
    const b = referenceRun(bars([100, 90]), signals([{ bar: 0, side: 1, qty: 3 }, { bar: 0, side: 0, qty: 1 }]), {
      initialCapital: 1000,
    });
    assertEquals(a.trades[0].side, 0);
    assertEquals(b.trades[0].side, 1);
    assertAlmostEquals(a.unrealizedPnl, 20, EPS);
    assertAlmostEquals(b.unrealizedPnl, 20, EPS);
  });

  test("timestamps in s, ms, us and ns normalise to the same nanoseconds", () => {
    const ns = 1_704_067_200_000_000_000n;
    for (const t of [1_704_067_200n, 1_704_067_200_000n, 1_704_067_200_000_000n, ns]) {
      assertEquals(normaliseTimestamp(t), ns);
      assertEquals(normaliseTimestamp(Number(t)), ns);
    }
    assertEquals(normaliseTimestamp(1_704_067_200.5), ns + 500_000_000n);
  });

  test("packed bars decode to the same prices as columns on the 1e-8 grid", () => {
    const columns = randomBars({ count: 50, seed: 3 });
    assertEquals(barsFromPacked(packBarRecords(columns)), barsFromColumns(columns));
  });

  test("bad input is rejected with the engine's code names", () => {
    const good = randomBars({ count: 3, seed: 1 });
    const codeOf = (f: () => unknown) => assertThrows(f, ReferenceInputError).codeName;
    assertEquals(codeOf(() => barsFromColumns({ ...good, close: new Float64Array(2) })), "LENGTH_MISMATCH");
    assertEquals(codeOf(() => barsFromColumns({ ...good, close: Float64Array.of(1, -1, 1) })), "BAD_PRICE");
    assertEquals(codeOf(() => barsFromColumns({ ...good, timestamps: BigInt64Array.of(3n, 2n, 4n) })), "UNSORTED");
    const b = bars([100]);
    const one = (side: number, type: number, qty: number, price: number) =>
      packSignals({
        timestamps: BigInt64Array.of(T0),
        sides: Uint8Array.of(side),
        quantities: Float64Array.of(qty),
        prices: Float64Array.of(price),
        types: Uint8Array.of(type),
      });
    assertEquals(codeOf(() => referenceRun(b, one(2, 0, 1, 0), { initialCapital: 1 })), "BAD_SIDE");
    assertEquals(codeOf(() => referenceRun(b, one(0, 2, 1, 0), { initialCapital: 1 })), "BAD_ORDER_TYPE");
    assertEquals(codeOf(() => referenceRun(b, one(0, 0, 0, 0), { initialCapital: 1 })), "BAD_QUANTITY");
    assertEquals(codeOf(() => referenceRun(b, one(0, 1, 1, 0), { initialCapital: 1 })), "MISSING_PRICE");
    assertEquals(codeOf(() => referenceRun(b, new Uint8Array(31), { initialCapital: 1 })), "INVALID_ARG");
  });
});

describe("reference metrics: hand-computed values", () => {
  test("sharpe and sortino of [0.01, -0.02, 0.03]", () => {
    // mean 0.02/3; deviations 1/300, -8/300, 7/300; sum of squares 114/90000; /2 -> std sqrt(57/90000).
    const returns = [0.01, -0.02, 0.03];
    const mean = 0.02 / 3;
    assertAlmostEquals(sharpe(returns, 252), mean / Math.sqrt(57 / 90000) * Math.sqrt(252), 1e-12);
    // downside: sqrt((0 + 0.0004 + 0) / 3)
    assertAlmostEquals(sortino(returns, 252), mean / Math.sqrt(0.0004 / 3) * Math.sqrt(252), 1e-12);
    assertEquals(sortino([0.01, 0.02], 252), Infinity);
    assertEquals(sharpe([0.01], 252), 0);
    assertEquals(sharpe([0.01, 0.01], 252), 0); // std 0
  });

  test("calmar and drawdown of a compounded path", () => {
    // Equity 100 -> 120 -> 90 -> 110 over 3 periods with ppy 3: annual = 1.1^1 - 1 = 0.1;
    // max drawdown 30/120 = 25%; calmar 0.1 / 0.25 = 0.4.
    const equity = [100, 120, 90, 110];
    assertAlmostEquals(maxDrawdownPct(equity), 25, 1e-12);
    assertAlmostEquals(calmarFromEquity(equity, 3), 0.4, 1e-12);
    assertEquals(calmarFromEquity([100, 110, 120], 3), 0); // no drawdown
    // E_n <= 0: annual -1; drawdown (100 - (-10)) / 100 = 110% -> calmar -1 / 1.1.
    assertAlmostEquals(calmarFromEquity([100, 50, -10], 2), -1 / 1.1, 1e-12);
  });

  test("default periods per year: 365.25 days over the median bar interval", () => {
    const minute = [0n, 60n, 120n, 180n].map((s) => s * 1_000_000_000n);
    assertAlmostEquals(defaultPeriodsPerYear(minute), 525_960, 1e-6);
    // Even count of intervals: 60 s and 120 s -> median 90 s.
    assertAlmostEquals(defaultPeriodsPerYear([0n, 60n, 180n].map((s) => s * 1_000_000_000n)), 350_640, 1e-6);
    assertEquals(defaultPeriodsPerYear([0n]), 1);
  });
});
