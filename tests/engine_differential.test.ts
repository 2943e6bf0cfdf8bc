// Differential test: the C engine (through mod.ts) against the plain TypeScript reference
// (tests/support/reference_engine.ts) on many seeded random bar/signal sets. Every metric, the
// equity curve and the trade list must agree to 1e-9 relative (see `agree` for the exact rule).
//
// Coverage per case, drawn from a seeded PRNG: 1..3000 bars, regular or irregular spacing (so the
// default periodsPerYear median matters), timestamps as s/ms/us/ns in BigInt64Array or Float64Array,
// bars loaded from columns or from packed 48-byte records; market and limit signals (limit at the
// close, at the wick, inside and outside the range), exact closes, partial closes, flips, equal
// timestamps, unsorted input, signals before the first bar, between bars and after the last bar;
// fee rates 0..0.2 %, three capitals, close and touch limit models, default and explicit
// periodsPerYear. Some cases also go through runBatch (threads 0, 1, 2) and runBatchAsync.
//
// Reproducing a failure: every assertion message names the case seed; `caseFromSeed(seed)` rebuilds
// the exact inputs.
import process from "node:process";
import { describe, test } from "node:test";
import { assert, assertEquals, fail } from "@std/assert";
import { type BacktestResult, type BacktestStats, Engine, FloxError, makeSignals, metrics, packBars } from "../mod.ts";
import {
  barsFromColumns,
  barsFromPacked,
  calmarFromEquity,
  equityFromReturns,
  maxDrawdown,
  maxDrawdownPct,
  type ReferenceResult,
  referenceRun,
  type ReferenceStats,
  returnsFromEquity,
  sharpe,
  sortino,
  STAT_KEYS,
} from "./support/reference_engine.ts";
import {
  packBarRecords,
  packSignals,
  randomBars,
  randomSignals,
  Rng,
  type SignalSet,
  type SyntheticBars,
  timestampsIn,
  type TimeUnit,
} from "./support/market_data.ts";

// ------------------------------------------------------------------------------------------------
// Tolerance
//
// Two float64 implementations of the same formulas differ only by rounding: operation order in sums
// (e.g. one-pass vs two-pass variance), pow/sqrt/exp implementations, fused operations. Such
// differences are relative to the magnitudes involved, not to the result, so a purely relative test
// fails on results that are small by cancellation (a net PnL of 0.000001 on a 100,000 account, a
// Sharpe near 0). The rule is therefore
//
//     |a - b| <= 1e-9 * max(|a|, |b|, scale)
//
// where `scale` is the natural size of the quantity: initialCapital for currency amounts (pnl, fees,
// equity, drawdown), 100 for percentages of the capital, the price for prices, sqrt(periodsPerYear)
// for annualised ratios (a last-bit difference in a per-bar return moves mean/std at order 1 before
// annualisation), and (periodsPerYear / bars) / drawdown fraction for Calmar (the compounding
// exponent magnifies a last-bit difference in final equity by periodsPerYear / bars). Identical
// values, including equal infinities, always agree.
//
// Trade counts that depend on the sign of a trade's net pnl (wins, losses, win rate, and the
// profit factor) are ill-conditioned when a trade's pnl is itself within rounding of 0 (fee rate 0,
// exit at the entry price): such trades may be classified either way, so the counts may differ by
// at most the number of such "tied" trades.

const REL = 1e-9;

function agree(a: number, b: number, scale: number): boolean {
  if (Object.is(a, b) || a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= REL * Math.max(Math.abs(a), Math.abs(b), scale);
}

/** Scale of each stat for `agree`; counts (scale 0 with integer values) must be exact. */
function statScales(ref: ReferenceStats): Record<keyof ReferenceStats, number> {
  const money = ref.initialCapital;
  const ddFraction = Math.max(ref.maxDrawdownPct / 100, 1e-300);
  return {
    netPnl: money,
    returnPct: 100,
    realizedPnl: money,
    unrealizedPnl: money,
    totalFees: money,
    totalTrades: 0,
    winningTrades: 0,
    losingTrades: 0,
    winRate: 0,
    grossProfit: money,
    grossLoss: money,
    profitFactor: 0,
    maxDrawdown: money,
    maxDrawdownPct: 100,
    sharpe: Math.sqrt(ref.periodsPerYear),
    sortino: Math.sqrt(ref.periodsPerYear),
    calmar: ref.bars > 0 ? ref.periodsPerYear / ref.bars / ddFraction : 1,
    unfilledOrders: 0,
    initialCapital: 0,
    finalEquity: money,
    bars: 0,
    periodsPerYear: 0,
  };
}

/** Every disagreement between engine and reference stats, as readable lines. */
function compareStats(got: BacktestStats, ref: ReferenceResult): string[] {
  const problems: string[] = [];
  const scales = statScales(ref);
  const tied = ref.trades.filter((t) => Math.abs(t.pnl) <= REL * ref.initialCapital).length;
  for (const key of STAT_KEYS) {
    const a = got[key];
    const b = ref[key];
    if (typeof a !== "number") {
      problems.push(`${key}: engine gave ${String(a)} (${typeof a})`);
      continue;
    }
    if (tied > 0 && (key === "winningTrades" || key === "losingTrades")) {
      if (Math.abs(a - b) > tied) problems.push(`${key}: engine ${a}, reference ${b} (${tied} tied trades)`);
      continue;
    }
    if (tied > 0 && key === "winRate") {
      if (Math.abs(a - b) * ref.totalTrades > tied + 1e-9) problems.push(`${key}: engine ${a}, reference ${b}`);
      continue;
    }
    if (key === "profitFactor" && tied > 0 && ref.grossLoss <= tied * REL * ref.initialCapital) {
      // Losses are all ties: only consistency with the engine's own gross figures can be required.
      const expected = got.grossLoss > 0 ? got.grossProfit / got.grossLoss : got.grossProfit > 0 ? Infinity : 0;
      if (!agree(a, expected, 0)) problems.push(`${key}: engine ${a} inconsistent with its gross profit/loss`);
      continue;
    }
    if (!agree(a, b, scales[key])) problems.push(`${key}: engine ${a}, reference ${b}, diff ${a - b}`);
  }
  return problems;
}

function compareCurves(got: BacktestResult, ref: ReferenceResult): string[] {
  const problems: string[] = [];
  const money = ref.initialCapital;
  const curve = got.equityCurve;
  if (!curve) return ["equityCurve missing"];
  if (curve.length !== ref.equityCurve.length) {
    return [`equityCurve has ${curve.length} points, reference ${ref.equityCurve.length}`];
  }
  for (let i = 0; i < curve.length && problems.length < 5; i++) {
    if (!agree(curve[i], ref.equityCurve[i], money)) {
      problems.push(`equityCurve[${i}]: engine ${curve[i]}, reference ${ref.equityCurve[i]}`);
    }
  }
  const trades = got.trades;
  if (!trades) return [...problems, "trades missing"];
  if (trades.pnl.length !== ref.trades.length) {
    return [...problems, `trades: engine ${trades.pnl.length} rows, reference ${ref.trades.length}`];
  }
  for (let i = 0; i < ref.trades.length && problems.length < 10; i++) {
    const r = ref.trades[i];
    const row = `trades[${i}]`;
    if (trades.entryTsNs[i] !== r.entryTsNs) problems.push(`${row}.entryTsNs ${trades.entryTsNs[i]} vs ${r.entryTsNs}`);
    if (trades.exitTsNs[i] !== r.exitTsNs) problems.push(`${row}.exitTsNs ${trades.exitTsNs[i]} vs ${r.exitTsNs}`);
    if (trades.side[i] !== r.side) problems.push(`${row}.side ${trades.side[i]} vs ${r.side}`);
    if (!agree(trades.qty[i], r.qty, 0)) problems.push(`${row}.qty ${trades.qty[i]} vs ${r.qty}`);
    if (!agree(trades.entryPrice[i], r.entryPrice, 0)) {
      problems.push(`${row}.entryPrice ${trades.entryPrice[i]} vs ${r.entryPrice}`);
    }
    if (!agree(trades.exitPrice[i], r.exitPrice, 0)) {
      problems.push(`${row}.exitPrice ${trades.exitPrice[i]} vs ${r.exitPrice}`);
    }
    if (!agree(trades.pnl[i], r.pnl, money)) problems.push(`${row}.pnl ${trades.pnl[i]} vs ${r.pnl}`);
    if (!agree(trades.fee[i], r.fee, money)) problems.push(`${row}.fee ${trades.fee[i]} vs ${r.fee}`);
  }
  return problems;
}

// ------------------------------------------------------------------------------------------------
// Random cases

interface Case {
  seed: number;
  bars: SyntheticBars;
  barUnit: TimeUnit;
  barTsKind: "bigint" | "float";
  packed: boolean;
  /** Symbol id the bars are loaded under; another series sits under symbol 1 when this is not 1. */
  symbol: number;
  signalSets: SignalSet[];
  signalUnit: "ms" | "us" | "ns";
  signalTsKind: "bigint" | "float";
  options: { initialCapital: number; feeRate: number; limitFill: "close" | "touch"; periodsPerYear?: number };
}

const BAR_COUNTS = [1, 2, 3, 5, 31, 100, 250, 600, 1500, 3000];

function caseFromSeed(seed: number): Case {
  const rng = new Rng(seed);
  const count = rng.pick(BAR_COUNTS);
  // Seconds are the coarsest unit the timestamps must be whole in; bars are whole seconds apart.
  const bars = randomBars({
    count,
    seed: seed * 7 + 1,
    intervalSeconds: rng.pick([60, 60, 1, 300, 3600, 86400]),
    gapChance: rng.pick([0, 0, 0.05, 0.3]),
    startPrice: rng.pick([100, 100, 3.5, 25_000]),
    volatility: rng.pick([0.001, 0.001, 0.01]),
  });
  const initialCapital = rng.pick([100_000, 10_000, 12_345.67, 1e9]); // 1e9: notional x fee far beyond int64 fixed point
  const lotSize = initialCapital / bars.close[0] * rng.pick([0.2, 0.5, 1]);
  const sets: SignalSet[] = [];
  const setCount = rng.chance(0.25) ? rng.int(2, 5) : 1;
  for (let k = 0; k < setCount; k++) {
    sets.push(randomSignals(rng, bars, {
      count: rng.pick([0, 1, 4, 20, 60, 200, 400].filter((c) => c <= Math.max(4, count))),
      limitChance: rng.pick([0, 0.3, 0.6, 1]),
      lotSize,
    }));
  }
  return {
    seed,
    bars,
    barUnit: rng.pick(["s", "ms", "us", "ns"] as const),
    barTsKind: rng.pick(["bigint", "float"] as const),
    packed: rng.chance(0.3),
    symbol: new Rng(seed ^ 0x2545f491).pick([1, 1, 1, 2, 7, -3, 1000]),
    signalSets: sets,
    signalUnit: rng.pick(["ms", "us", "ns"] as const),
    signalTsKind: rng.pick(["bigint", "float"] as const),
    options: {
      initialCapital,
      feeRate: rng.pick([0, 0.0001, 0.0004, 0.001, 0.002]),
      limitFill: rng.pick(["close", "touch"] as const),
      periodsPerYear: rng.chance(0.3) ? rng.pick([252, 365, 525_960]) : undefined,
    },
  };
}

function describeCase(c: Case): string {
  return `seed ${c.seed}: ${c.bars.close.length} bars (${c.barUnit}, ${c.barTsKind}${c.packed ? ", packed" : ""}, ` +
    `symbol ${c.symbol}), ` +
    `${c.signalSets.map((s) => s.sides.length).join("+")} signals, ${JSON.stringify(c.options)}`;
}

/** An engine holding the case's bars under its symbol, and a different series under symbol 1. */
function loadedEngine(c: Case, barInput: Parameters<Engine["loadBars"]>[0]): Engine {
  const engine = new Engine(c.options);
  if (c.symbol !== 1) engine.loadBars(randomBars({ count: 7, seed: c.seed + 1, startPrice: 3 }));
  engine.loadBars(barInput, { symbol: c.symbol });
  return engine;
}

/** Inputs exactly as a user would pass them, plus the reference's view of the same bytes. */
function prepare(c: Case) {
  const columns = { ...c.bars, timestamps: timestampsIn(c.bars.timestamps, c.barUnit, c.barTsKind) };
  const barInput = c.packed ? packBars(columns) : columns;
  const refBars = c.packed ? barsFromPacked(packBarRecords(columns)) : barsFromColumns(columns);
  const signalBytes = c.signalSets.map((set) => {
    const userSet = { ...set, timestamps: timestampsIn(set.timestamps, c.signalUnit, c.signalTsKind) };
    const bytes = makeSignals(userSet);
    // The library's packer must produce the spec's bytes (our independent packer).
    assertEquals(bytes, packSignals(userSet), `seed ${c.seed}: makeSignals bytes differ from spec packing`);
    return bytes;
  });
  return { barInput, refBars, signalBytes, packedBars: c.packed ? packBarRecords(columns) : undefined };
}

// FLOX_DIFF_CASES / FLOX_DIFF_SEED run a longer or different search (e.g. FLOX_DIFF_CASES=20000).
const SINGLE_CASES = Number(process.env.FLOX_DIFF_CASES ?? 200);
const SEED_BASE = Number(process.env.FLOX_DIFF_SEED ?? 20_240_101);

describe("engine vs TypeScript reference (differential)", () => {
  // Explicit timeout: Bun's node:test default is 5 s per test, which a busy machine or a long
  // FLOX_DIFF_CASES search can exceed.
  test(`${SINGLE_CASES} random cases: stats, equity curve and trades of run()`, { timeout: 600_000 }, () => {
    let compared = 0;
    const coverage: Record<string, number> = {};
    for (let k = 0; k < SINGLE_CASES; k++) {
      const c = caseFromSeed(SEED_BASE + k);
      const { barInput, refBars, signalBytes, packedBars } = prepare(c);
      using engine = loadedEngine(c, barInput);
      assertEquals(engine.barCount(c.symbol), c.bars.close.length);
      if (packedBars) assertEquals(packBars({ ...c.bars }), packBarRecords(c.bars), `seed ${c.seed}: packBars bytes`);
      for (const bytes of signalBytes) {
        const got = engine.run(bytes, { equityCurve: true, trades: true, symbol: c.symbol });
        const ref = referenceRun(refBars, bytes, c.options);
        const problems = [...compareStats(got, ref), ...compareCurves(got, ref)];
        if (problems.length > 0) fail(`${describeCase(c)}\n  ${problems.join("\n  ")}`);
        compared++;
        for (const [rule, count] of Object.entries(ref.coverage)) coverage[rule] = (coverage[rule] ?? 0) + count;
      }
    }
    assert(compared >= SINGLE_CASES);
    // The random inputs must actually exercise every rule (counts from the reference's own tally).
    for (const [rule, count] of Object.entries(coverage)) {
      assert(count >= 50, `only ${count} ${rule} across ${compared} runs: ${JSON.stringify(coverage)}`);
    }
  });

  test("runBatch with 0, 1 and 2 threads matches the reference set by set", () => {
    for (let k = 0; k < 12; k++) {
      const c = caseFromSeed(SEED_BASE + 10_000 + k);
      const { barInput, refBars, signalBytes } = prepare(c);
      // A batch of many sets: the case's own plus sets drawn for other seeds' shapes on these bars.
      const rng = new Rng(c.seed);
      const extra = Array.from({ length: 20 }, () =>
        packSignals(randomSignals(rng, c.bars, {
          count: rng.int(0, 80),
          limitChance: 0.4,
          lotSize: c.options.initialCapital / c.bars.close[0] * 0.3,
        })));
      const sets = [...signalBytes, ...extra];
      const refs = sets.map((bytes) => referenceRun(refBars, bytes, c.options));
      using engine = loadedEngine(c, barInput);
      const threads = k % 3;
      const got = engine.runBatch(sets, { threads, symbol: c.symbol });
      assertEquals(got.length, sets.length);
      got.forEach((stats, i) => {
        const problems = compareStats(stats, refs[i]);
        if (problems.length > 0) {
          fail(`${describeCase(c)}, batch set ${i}, threads ${threads}\n  ${problems.join("\n  ")}`);
        }
      });
    }
  });

  test("runBatchAsync gives the same results as the reference", async () => {
    const c = caseFromSeed(SEED_BASE + 20_000);
    const { barInput, refBars } = prepare(c);
    const rng = new Rng(99);
    const sets = Array.from(
      { length: 30 },
      () => packSignals(randomSignals(rng, c.bars, { count: rng.int(0, 50), limitChance: 0.5, lotSize: 10 })),
    );
    using engine = loadedEngine(c, barInput);
    let lastDone = 0;
    const got = await engine.runBatchAsync(sets, {
      threads: 2,
      symbol: c.symbol,
      onProgress: (done) => (lastDone = done),
    });
    assertEquals(got.length, sets.length);
    got.forEach((stats, i) => {
      const problems = compareStats(stats, referenceRun(refBars, sets[i], c.options));
      if (problems.length > 0) fail(`async set ${i}\n  ${problems.join("\n  ")}`);
    });
    assert(lastDone <= sets.length);
  });

  test("the same bad input fails with the same code in engine and reference", () => {
    const rng = new Rng(7);
    for (let k = 0; k < 40; k++) {
      const bars = randomBars({ count: rng.int(2, 40), seed: k });
      const n = bars.close.length;
      const at = rng.int(0, n - 1);
      const column = rng.pick(["open", "high", "low", "close"] as const);
      const bad = { ...bars, [column]: Float64Array.from(bars[column]) };
      bad[column][at] = rng.pick([0, -1, NaN, Infinity]);
      const refCode = codeOf(() => barsFromColumns(bad));
      using engine = new Engine({ initialCapital: 1000 });
      const engineCode = codeOf(() => engine.loadBars(bad));
      assertEquals(engineCode, refCode, `bars ${column}[${at}] = ${bad[column][at]}`);

      engine.loadBars(bars);
      const set = randomSignals(rng, bars, { count: rng.int(1, 20), limitChance: 0.5, lotSize: 1 });
      const bytes = packSignals(set);
      const i = rng.int(0, set.sides.length - 1);
      const corrupt = rng.int(0, 3);
      const view = new DataView(bytes.buffer);
      if (corrupt === 0) view.setUint8(32 * i + 24, rng.pick([2, 255]));
      else if (corrupt === 1) view.setUint8(32 * i + 25, rng.pick([2, 7]));
      else if (corrupt === 2) view.setBigInt64(32 * i + 8, rng.pick([0n, -100n]), true);
      else {
        view.setUint8(32 * i + 25, 1);
        view.setBigInt64(32 * i + 16, rng.pick([0n, -5n]), true); // MISSING_PRICE, BAD_PRICE
      }
      const refBars = barsFromColumns(bars);
      const expected = codeOf(() => referenceRun(refBars, bytes, { initialCapital: 1000 }));
      assertEquals(codeOf(() => engine.run(bytes)), expected, `signal corruption ${corrupt} at ${i}`);
    }
  });
});

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof FloxError) return e.codeName;
    const named = e as { codeName?: string };
    if (typeof named.codeName === "string") return named.codeName;
    throw e;
  }
  return "OK";
}

// ------------------------------------------------------------------------------------------------
// Standalone metric functions

describe("metrics.* vs reference formulas (differential)", () => {
  test("random return series: sharpe, sortino, calmar, drawdowns, returnsFromEquity", () => {
    const rng = new Rng(314);
    for (let k = 0; k < 300; k++) {
      const n = rng.pick([0, 1, 2, 3, 10, 100, 1000]);
      const mean = rng.pick([0, 1e-4, -1e-4, 0.001, 0.01]);
      const spread = rng.pick([1e-3, 1e-2, 0.05]);
      const returns = Array.from({ length: n }, () => mean + spread * rng.normal());
      if (rng.chance(0.2)) returns.forEach((_, i) => rng.chance(0.5) && (returns[i] = 0)); // flat periods
      const ppy = rng.pick([252, 52, 12, 525_960]);
      const context = `series ${k}: n ${n}, mean ${mean}, spread ${spread}, ppy ${ppy}`;
      const annual = Math.sqrt(ppy);
      check(metrics.sharpe(returns, { periodsPerYear: ppy }), sharpe(returns, ppy), annual, `${context}: sharpe`);
      check(metrics.sortino(returns, { periodsPerYear: ppy }), sortino(returns, ppy), annual, `${context}: sortino`);
      const equity = equityFromReturns(returns);
      const dd = maxDrawdownPct(equity) / 100;
      check(
        metrics.calmar(returns, { periodsPerYear: ppy }),
        calmarFromEquity(equity, ppy),
        n > 0 && dd > 0 ? ppy / n / dd : 1,
        `${context}: calmar`,
      );
      check(metrics.maxDrawdown(equity), maxDrawdown(equity), 1, `${context}: maxDrawdown`);
      check(metrics.maxDrawdownPct(equity), maxDrawdownPct(equity), 100, `${context}: maxDrawdownPct`);
      const back = metrics.returnsFromEquity(equity);
      const expected = returnsFromEquity(equity);
      assertEquals(back.length, expected.length);
      back.forEach((r, i) => check(r, expected[i], 1, `${context}: returnsFromEquity[${i}]`));
    }
  });

  test("the engine's sharpe and sortino are metrics.* over its own equity curve", () => {
    const c = caseFromSeed(SEED_BASE + 30_000);
    const { barInput, signalBytes } = prepare(c);
    using engine = new Engine({ ...c.options, periodsPerYear: 252 });
    engine.loadBars(barInput);
    const got = engine.run(signalBytes[0], { equityCurve: true });
    const returns = metrics.returnsFromEquity([c.options.initialCapital, ...got.equityCurve!]);
    check(metrics.sharpe(returns, { periodsPerYear: 252 }), got.sharpe, Math.sqrt(252), "sharpe");
    check(metrics.sortino(returns, { periodsPerYear: 252 }), got.sortino, Math.sqrt(252), "sortino");
  });
});

function check(a: number, b: number, scale: number, what: string): void {
  if (!agree(a, b, scale)) fail(`${what}: library ${a}, reference ${b}, diff ${a - b}`);
}
