// Permutation test of an SMA(10)/SMA(30) cross (the FLOX "Permutation Testing Example", in TypeScript).
//
// Null hypothesis: the strategy's timing carries no information. Each permutation shuffles the log
// returns of the close series, rebuilds a price path from them, regenerates the strategy's signals
// on that path, and backtests those signals against the REAL bars. The p-value is the share of
// permutations whose net PnL is at least the real strategy's, with the usual +1 correction:
// p = (1 + #{pnl_k >= pnl_real}) / (N + 1).
// (The seed's Python compares against results[0], which is itself a permutation; we compare against
// the unshuffled strategy.)
//
//   deno run -A examples/permutation_test.ts [--bars 20000] [--permutations 1000] [--threads 0] [--workers 2]
//   bun run examples/permutation_test.ts [same flags]
import os from "node:os";
import process from "node:process";
import { type BacktestStats, Engine, makeSignals } from "../mod.ts";
import {
  logReturns,
  permutedCloses,
  randomStream,
  smaCrossSignals,
  type SyntheticBars,
  syntheticBars,
} from "./synthetic.ts";

export interface PermutationTestOptions {
  permutations: number;
  /** Seed of the shuffles. */
  seed?: number;
  /** Native threads for runBatch (0 = all cores). */
  threads?: number;
  /** Web Workers generating the permuted signals; default the number of cores, 1 = this thread. */
  workers?: number;
  /** Units bought on each entry signal. */
  quantity?: number;
  initialCapital?: number;
  feeRate?: number;
  /** Called while signal sets are generated: (done, total). */
  onSignalProgress?: (done: number, total: number) => void;
  /** Called while the batch runs: (done, total). */
  onBatchProgress?: (done: number, total: number) => void;
}

export interface PermutationTestResult {
  /** The strategy on the real prices. */
  actual: BacktestStats;
  /** One result per permutation, in order. */
  permuted: BacktestStats[];
  /** (1 + #{permuted netPnl >= actual netPnl}) / (N + 1). */
  pValue: number;
  /** Milliseconds spent generating the permuted signal sets (TypeScript). */
  signalMs: number;
  /** Milliseconds of the native batch run. */
  batchMs: number;
  /** Number of signals of the real strategy. */
  signalCount: number;
}

/** SMA-cross signals (packed) on a price path, executed on the bars' timestamps. */
export function strategySignals(close: ArrayLike<number>, timestamps: BigInt64Array, quantity: number): Uint8Array {
  return makeSignals(smaCrossSignals(close, timestamps, { fast: 10, slow: 30, quantity }));
}

/**
 * Permuted signal sets: shuffle log returns, rebuild prices, regenerate the signals. Permutation k
 * draws from randomStream(seed, k), so the sets do not depend on how the work is split.
 */
export function permutedSignalSets(
  bars: SyntheticBars,
  count: number,
  seed: number,
  quantity: number,
  onProgress?: (done: number, total: number) => void,
): Uint8Array[] {
  const returns = logReturns(bars.close); // the same for every permutation
  const sets: Uint8Array[] = [];
  for (let k = 0; k < count; k++) {
    const path = permutedCloses(bars.close, randomStream(seed, k), returns);
    sets.push(strategySignals(path, bars.timestamps, quantity));
    onProgress?.(k + 1, count);
  }
  return sets;
}

interface WorkerMessage {
  index?: number;
  timestamps?: BigInt64Array;
  sides?: Uint8Array;
  quantities?: Float64Array;
  done?: boolean;
  error?: string;
}

/**
 * The same sets as permutedSignalSets, generated on `workers` Web Workers (one contiguous range of
 * permutations each); signals are packed on this thread as they arrive.
 */
export async function permutedSignalSetsParallel(
  bars: SyntheticBars,
  count: number,
  seed: number,
  quantity: number,
  options: { workers?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<Uint8Array[]> {
  const workers = Math.max(1, Math.min(options.workers ?? os.cpus().length, count));
  if (workers === 1) return permutedSignalSets(bars, count, seed, quantity, options.onProgress);
  const sets = new Array<Uint8Array>(count);
  let done = 0;
  const url = new URL("./permutation_worker.ts", import.meta.url).href;
  const pool: Worker[] = [];
  try {
    await Promise.all(Array.from({ length: workers }, (_, w) => {
      const from = Math.floor(count * w / workers);
      const to = Math.floor(count * (w + 1) / workers);
      const worker = new Worker(url, { type: "module" });
      pool.push(worker);
      return new Promise<void>((resolve, reject) => {
        worker.onerror = (e) => reject(new Error(`permutation worker ${w}: ${e.message}`));
        worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
          const m = e.data;
          if (m.error !== undefined) return reject(new Error(`permutation worker ${w}: ${m.error}`));
          if (m.done) return resolve();
          sets[m.index!] = makeSignals({ timestamps: m.timestamps!, sides: m.sides!, quantities: m.quantities! });
          options.onProgress?.(++done, count);
        };
        worker.postMessage({ close: bars.close, timestamps: bars.timestamps, seed, quantity, from, to });
      });
    }));
  } finally {
    for (const worker of pool) worker.terminate();
  }
  return sets;
}

/** p = (1 + #{pnl_k >= actual}) / (N + 1). */
export function permutationPValue(actualPnl: number, permutedPnls: readonly number[]): number {
  let atLeast = 0;
  for (const pnl of permutedPnls) if (pnl >= actualPnl) atLeast++;
  return (1 + atLeast) / (permutedPnls.length + 1);
}

/** Runs the whole test on already generated bars. */
export async function permutationTest(
  bars: SyntheticBars,
  options: PermutationTestOptions,
): Promise<PermutationTestResult> {
  const quantity = options.quantity ?? 500;
  using engine = new Engine({ initialCapital: options.initialCapital ?? 100_000, feeRate: options.feeRate ?? 0.0001 });
  engine.loadBars(bars);

  const real = strategySignals(bars.close, bars.timestamps, quantity);
  const actual = engine.run(real);

  const t0 = performance.now();
  const sets = await permutedSignalSetsParallel(bars, options.permutations, options.seed ?? 42, quantity, {
    workers: options.workers,
    onProgress: options.onSignalProgress,
  });
  const t1 = performance.now();
  const permuted = await engine.runBatchAsync(sets, {
    threads: options.threads ?? 0,
    onProgress: options.onBatchProgress,
  });
  const t2 = performance.now();

  return {
    actual,
    permuted,
    pValue: permutationPValue(actual.netPnl, permuted.map((r) => r.netPnl)),
    signalMs: t1 - t0,
    batchMs: t2 - t1,
    signalCount: real.length / 32,
  };
}

/** `--name value` from the command line, as a number. */
export function numberFlag(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`--${name} needs a non-negative number, got ${args[i + 1]}`);
  }
  return value;
}

if (import.meta.main) {
  const barCount = numberFlag("bars", 20_000);
  const permutations = numberFlag("permutations", 1000);
  const bars = syntheticBars({ count: barCount, seed: 42 });
  const result = await permutationTest(bars, {
    permutations,
    threads: numberFlag("threads", 0),
    workers: numberFlag("workers", os.cpus().length),
  });
  console.log(`bars: ${barCount}, strategy signals: ${result.signalCount}`);
  console.log(`strategy net PnL: ${result.actual.netPnl.toFixed(2)}, Sharpe: ${result.actual.sharpe.toFixed(4)}`);
  const pnls = result.permuted.map((r) => r.netPnl).sort((a, b) => a - b);
  const median = pnls.length ? pnls[Math.floor(pnls.length / 2)] : NaN;
  console.log(`${permutations} permutations: median net PnL ${median.toFixed(2)}, p-value ${result.pValue.toFixed(4)}`);
  console.log(`signal generation ${result.signalMs.toFixed(1)} ms, runBatch ${result.batchMs.toFixed(1)} ms`);
}
