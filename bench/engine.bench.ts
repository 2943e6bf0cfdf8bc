// Batch engine benchmark: 100,000 one-minute bars, SMA(10)/SMA(30) cross signals.
//
//   deno run -A bench/engine.bench.ts [--bars 100000] [--sets 1000] [--ref-sets 20] [--quick]
//   bun run bench/engine.bench.ts [same flags]
//
// Measures one run(), runBatch of `sets` permuted signal sets (threads 0 = all cores, and 1),
// loadBars from columns and from packed records, and the FFI overhead of a run() call (run on a
// 2-bar series with no signals, next to a raw call of the cheapest symbol). Every figure is the
// median (and minimum) of several repetitions; "ns/bar-step" divides by bars x runs. The TypeScript reference
// engine (tests/support/reference_engine.ts) is timed on the same work in the same process and the
// ratio printed; for the batch it runs `ref-sets` of the sets and the figure is scaled to all of them.
import os from "node:os";
import process from "node:process";
import { Engine, packBars } from "../mod.ts";
import { lib } from "../lib/ffi/load.ts";
import { numberFlag, permutedSignalSetsParallel, strategySignals } from "../examples/permutation_test.ts";
import { syntheticBars } from "../examples/synthetic.ts";
import { barsFromColumns, barsFromPacked, referenceRun } from "../tests/support/reference_engine.ts";

const quick = process.argv.includes("--quick");
const BARS = numberFlag("bars", quick ? 20_000 : 100_000);
const SETS = numberFlag("sets", quick ? 50 : 1000);
const REF_SETS = Math.min(numberFlag("ref-sets", quick ? 2 : 20), SETS);
const OPTIONS = { initialCapital: 100_000, feeRate: 0.0001 };
const QUANTITY = 500;

/** Wall times in ms: the median, and the minimum (the least disturbed repetition on a busy machine). */
interface Timing {
  median: number;
  min: number;
}

function summarise(samples: number[]): Timing {
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], min: samples[0] };
}

/** Times `reps` calls; calls that take microseconds are timed in groups of `inner`. */
function measure(reps: number, f: () => unknown, inner = 1): Timing {
  const samples: number[] = [];
  f(); // warm-up (JIT, page faults)
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let k = 0; k < inner; k++) f();
    samples.push((performance.now() - t0) / inner);
  }
  return summarise(samples);
}

async function measureAsync(reps: number, f: () => Promise<unknown>): Promise<Timing> {
  const samples: number[] = [];
  await f();
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await f();
    samples.push(performance.now() - t0);
  }
  return summarise(samples);
}

const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(3) : ms.toFixed(4)) + " ms";
const fmtUs = (ms: number) => (ms * 1000).toFixed(3) + " µs";
const rows: string[][] = [];
function row(name: string, t: Timing, barSteps: number, target: string, ref?: Timing, format = fmtMs): void {
  const nsPerStep = barSteps > 0 ? (t.median * 1e6 / barSteps).toFixed(2) : "";
  const refCell = ref === undefined ? "" : fmtMs(ref.median);
  const ratio = ref === undefined ? "" : `${(ref.median / t.median).toFixed(1)}x`;
  rows.push([name, format(t.median), format(t.min), nsPerStep, refCell, ratio, target]);
  console.error(`  ${name}: median ${format(t.median)}, min ${format(t.min)}`);
}

const runtime = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? "bun" : "deno";
const versions = process.versions as Record<string, string | undefined>;
const runtimeVersion = runtime === "bun" ? versions.bun : versions.deno;
console.log(`# flox engine bench: ${BARS} bars, ${SETS} signal sets, ${runtime} ${runtimeVersion}`);
console.log(`# ${os.cpus()[0]?.model ?? "cpu"} x ${os.cpus().length}, ${new Date().toISOString()}`);

// ---- data (not timed)
const t0 = performance.now();
const bars = syntheticBars({ count: BARS, seed: 42 });
const packed = packBars(bars);
const signals = strategySignals(bars.close, bars.timestamps, QUANTITY);
const sets = await permutedSignalSetsParallel(bars, SETS, 43, QUANTITY);
console.error(
  `  data: ${BARS} bars, ${signals.length / 32} strategy signals, ${SETS} permuted sets ` +
    `(${(sets.reduce((s, x) => s + x.length, 0) / 32 / SETS).toFixed(0)} signals each) in ` +
    `${(performance.now() - t0).toFixed(0)} ms`,
);

using engine = new Engine(OPTIONS);
engine.loadBars(bars);

// ---- loading
const loadColumns = measure(quick ? 5 : 30, () => engine.loadBars(bars));
const refLoadColumns = measure(3, () => barsFromColumns(bars));
row("loadBars (columns)", loadColumns, BARS, "< 0.5 ms (FLOX C++ 0.41 ms)", refLoadColumns);
const loadPacked = measure(quick ? 5 : 30, () => engine.loadBars(packed));
const refLoadPacked = measure(3, () => barsFromPacked(packed));
row("loadBars (packed 48-byte)", loadPacked, BARS, "< 0.5 ms (FLOX C++ 0.41 ms)", refLoadPacked);
engine.loadBars(bars);

// ---- one run
const refBars = barsFromColumns(bars);
const single = measure(quick ? 10 : 100, () => engine.run(signals));
const refSingle = measure(3, () => referenceRun(refBars, signals, OPTIONS));
row("run (1 signal set)", single, BARS, "< 0.6 ms (FLOX C++ 1.31 ms)", refSingle);

// ---- batch
const refBatchPart = measure(1, () => {
  for (let k = 0; k < REF_SETS; k++) referenceRun(refBars, sets[k], OPTIONS);
});
const refBatch = { median: refBatchPart.median * SETS / REF_SETS, min: refBatchPart.min * SETS / REF_SETS };
for (const threads of [0, 1]) {
  const ms = measure(quick ? 2 : 5, () => engine.runBatch(sets, { threads }));
  const label = threads === 0 ? `all ${os.cpus().length} cores` : "1 thread";
  row(
    `runBatch ${SETS} sets, threads ${threads} (${label})`,
    ms,
    BARS * SETS,
    threads === 0 ? "< 100 ms (FLOX C++ 666 ms)" : "",
    refBatch,
  );
}
const asyncMs = await measureAsync(quick ? 2 : 5, () => engine.runBatchAsync(sets, { threads: 0 }));
row(`runBatchAsync ${SETS} sets, threads 0`, asyncMs, BARS * SETS, "", refBatch);

// ---- FFI overhead
{
  using tiny = new Engine(OPTIONS);
  tiny.loadBars({
    timestamps: BigInt64Array.of(1_704_067_200_000_000_000n, 1_704_067_260_000_000_000n),
    open: Float64Array.of(100, 101),
    high: Float64Array.of(101, 102),
    low: Float64Array.of(99, 100),
    close: Float64Array.of(100, 101),
    volume: Float64Array.of(1, 1),
  });
  const empty = new Uint8Array(0);
  const inner = quick ? 1000 : 20_000;
  const perRun = measure(15, () => tiny.run(empty), inner);
  const perRaw = measure(15, () => lib.flox_abi_version(), inner * 10);
  row("run() on 2 bars, no signals (per call)", perRun, 0, "< 2 µs", undefined, fmtUs);
  row("raw FFI call flox_abi_version (per call)", perRaw, 0, "", undefined, fmtUs);
}

console.log("");
console.log("| benchmark | median | min | ns/bar-step (median) | TS reference | speed-up | target |");
console.log("|---|---:|---:|---:|---:|---:|---|");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
console.log("");
console.log(
  `TS reference batch figure: ${REF_SETS} of the ${SETS} sets timed (${
    fmtMs(refBatchPart.median)
  }), scaled to ${SETS}.`,
);
