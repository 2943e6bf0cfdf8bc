// The demo that `npm run demo` runs: an SMA(10)/SMA(30) cross on 100,000 one-minute bars generated
// deterministically (examples/synthetic.ts, seed 42), its statistics, and a 1000-permutation test
// run as one native batch, with the p-value and timings.
//
//   deno run -A examples/demo.ts [--bars 100000] [--permutations 1000] [--threads 0] [--workers 2] [--seed 42]
//   bun run examples/demo.ts [same flags]
import os from "node:os";
import process from "node:process";
import { type BacktestStats, Engine } from "../mod.ts";
import { numberFlag, permutationPValue, permutedSignalSetsParallel, strategySignals } from "./permutation_test.ts";
import { syntheticBars } from "./synthetic.ts";

export interface DemoOptions {
  bars: number;
  permutations: number;
  threads: number;
  /** Web Workers generating the permuted signals (1 = on this thread). */
  workers: number;
  seed: number;
  /** Where lines go; default console.log. */
  print?: (line: string) => void;
  /** Progress lines (overwritten in place on a terminal); default: stderr when it is a TTY. */
  progress?: (label: string, done: number, total: number) => void;
}

export interface DemoResult {
  stats: BacktestStats;
  permuted: BacktestStats[];
  pValue: number;
  timingsMs: Record<string, number>;
}

const INITIAL_CAPITAL = 100_000;
const FEE_RATE = 0.0001;
const QUANTITY = 500; // units per entry: about half the capital at a price of 100

function terminalProgress(label: string, done: number, total: number): void {
  if (!process.stderr.isTTY) return;
  const step = Math.max(1, Math.floor(total / 100));
  if (done % step !== 0 && done !== total) return;
  process.stderr.write(`\r  ${label}: ${done}/${total}${done === total ? "\n" : ""}`);
}

function formatStats(s: BacktestStats): string[] {
  const money = (x: number) => x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const ratio = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));
  return [
    `  net PnL          ${money(s.netPnl)} (${s.returnPct.toFixed(3)} %)`,
    `  realized / open  ${money(s.realizedPnl)} / ${money(s.unrealizedPnl)}, fees ${money(s.totalFees)}`,
    `  trades           ${s.totalTrades} (won ${s.winningTrades}, lost ${s.losingTrades}, win rate ${
      (s.winRate * 100).toFixed(1)
    } %)`,
    `  profit factor    ${ratio(s.profitFactor)} (gross profit ${money(s.grossProfit)}, gross loss ${
      money(s.grossLoss)
    })`,
    `  max drawdown     ${money(s.maxDrawdown)} (${s.maxDrawdownPct.toFixed(3)} %)`,
    `  Sharpe / Sortino ${ratio(s.sharpe)} / ${ratio(s.sortino)}, Calmar ${ratio(s.calmar)}`,
    `  unfilled orders  ${s.unfilledOrders}; ${s.bars} bars, ${s.periodsPerYear.toFixed(0)} periods per year`,
  ];
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const print = options.print ?? console.log;
  const progress = options.progress ?? terminalProgress;
  const timingsMs: Record<string, number> = {};
  const timed = <T>(name: string, f: () => T): T => {
    const t0 = performance.now();
    const value = f();
    timingsMs[name] = performance.now() - t0;
    return value;
  };

  print(`flox demo: SMA(10)/SMA(30) cross on ${options.bars.toLocaleString("en-US")} one-minute bars`);
  print(
    `  synthetic random walk from 2024-01-01T00:00Z, seed ${options.seed}; capital ${INITIAL_CAPITAL}, ` +
      `fee rate ${FEE_RATE}, ${QUANTITY} units per entry, fills at the bar close`,
  );

  const bars = timed("generate bars", () => syntheticBars({ count: options.bars, seed: options.seed }));
  using engine = new Engine({ initialCapital: INITIAL_CAPITAL, feeRate: FEE_RATE });
  timed("loadBars", () => engine.loadBars(bars));
  const signals = timed("strategy signals", () => strategySignals(bars.close, bars.timestamps, QUANTITY));
  const stats = timed("run", () => engine.run(signals));

  print("");
  print(`strategy (${signals.length / 32} signals):`);
  for (const line of formatStats(stats)) print(line);

  print("");
  print(`permutation test: ${options.permutations} shuffles of the log returns, signals regenerated on each`);
  let t0 = performance.now();
  const sets = await permutedSignalSetsParallel(bars, options.permutations, options.seed + 1, QUANTITY, {
    workers: options.workers,
    onProgress: (done, total) => progress("signal sets", done, total),
  });
  timingsMs[`permuted signals (${options.workers} workers)`] = performance.now() - t0;
  t0 = performance.now();
  const permuted = await engine.runBatchAsync(sets, {
    threads: options.threads,
    onProgress: (done, total) => progress("backtests", done, total),
  });
  timingsMs["runBatch"] = performance.now() - t0;

  const pnls = permuted.map((r) => r.netPnl);
  const pValue = permutationPValue(stats.netPnl, pnls);
  const sorted = [...pnls].sort((a, b) => a - b);
  const quantile = (
    q: number,
  ) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
  print(
    `  permuted net PnL: 5% ${quantile(0.05).toFixed(2)}, median ${quantile(0.5).toFixed(2)}, ` +
      `95% ${quantile(0.95).toFixed(2)}`,
  );
  print(
    `  strategy net PnL ${stats.netPnl.toFixed(2)}: p-value ${pValue.toFixed(4)} ` +
      `(${pValue < 0.05 ? "significant" : "not significant"} at 5 %; on a random walk it should not be)`,
  );

  print("");
  print("timings:");
  const barSteps = options.bars * Math.max(options.permutations, 1);
  for (const [name, ms] of Object.entries(timingsMs)) {
    const perBar = name === "runBatch"
      ? ` (${(ms * 1e6 / barSteps).toFixed(2)} ns per bar-step, threads ${options.threads})`
      : "";
    print(`  ${name.padEnd(30)} ${ms.toFixed(2).padStart(10)} ms${perBar}`);
  }
  return { stats, permuted, pValue, timingsMs };
}

if (import.meta.main) {
  await runDemo({
    bars: numberFlag("bars", 100_000),
    permutations: numberFlag("permutations", 1000),
    threads: numberFlag("threads", 0),
    workers: numberFlag("workers", os.cpus().length),
    seed: numberFlag("seed", 42),
  });
}
