// Thin binding of the engine section of flox.h: handles, typed arrays in and out, status checks.
// lib/engine.ts, lib/signals.ts and lib/metrics.ts build the idiomatic API on top of this file.
import { FloxError } from "../errors.ts";
import { FloxStatus } from "../status_codes.ts";
import type { TradeList } from "../engine_types.ts";
import { createHandle } from "./handle.ts";
import { METRIC_COUNT, SIGNAL_RECORD_SIZE, STAT_COUNT } from "./layout_engine.ts";
import { backend, lib } from "./load.ts";
import { check } from "./status.ts";
import type { NativeHandle } from "./types.ts";

const {
  flox_engine_create,
  flox_engine_destroy,
  flox_engine_load_bars_i64ts,
  flox_engine_load_bars_f64ts,
  flox_engine_load_bars_packed,
  flox_engine_bar_count,
  flox_engine_run,
  flox_engine_trade_count,
  flox_engine_copy_trades,
  flox_engine_run_batch,
  flox_engine_batch_message,
  flox_make_signals,
  flox_make_signals_f64ts,
  flox_metrics_from_returns,
  flox_metrics_drawdown,
  flox_progress_create,
  flox_progress_destroy,
  flox_progress_done,
  flox_progress_cancel,
} = lib;

// Bun refuses null for a "buffer" parameter, so absent optional arrays are this placeholder plus a
// flag or length argument that tells C not to read it.
const PLACEHOLDER_F64 = new Float64Array(1);
const PLACEHOLDER_U8 = new Uint8Array(1);

export function engineCreate(
  operation: string,
  capital: number,
  feeRate: number,
  periodsPerYear: number,
  model: number,
): NativeHandle {
  return createHandle(operation, (out) => flox_engine_create(capital, feeRate, periodsPerYear, model, out));
}

export function engineDestroy(handle: NativeHandle): void {
  flox_engine_destroy(handle);
}

export function loadBarColumns(
  operation: string,
  h: NativeHandle,
  symbol: number,
  ts: BigInt64Array | Float64Array,
  open: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
): void {
  const n = BigInt(ts.length);
  const status = ts instanceof BigInt64Array
    ? flox_engine_load_bars_i64ts(h, symbol, ts, open, high, low, close, volume, n)
    : flox_engine_load_bars_f64ts(h, symbol, ts, open, high, low, close, volume, n);
  check(status, operation);
}

export function loadBarsPacked(
  operation: string,
  h: NativeHandle,
  symbol: number,
  records: Uint8Array,
  n: number,
): void {
  check(flox_engine_load_bars_packed(h, symbol, records, BigInt(n)), operation);
}

export function barCount(h: NativeHandle, symbol: number): number {
  return Number(flox_engine_bar_count(h, symbol));
}

/** One run; fills `stats` (STAT_COUNT) and `equity` when given. */
export function runOnce(
  operation: string,
  h: NativeHandle,
  symbol: number,
  signals: Uint8Array,
  stats: Float64Array,
  equity: Float64Array | null,
): void {
  const n = BigInt(signals.length / SIGNAL_RECORD_SIZE);
  const status = equity === null
    ? flox_engine_run(h, symbol, signals, n, stats, 0, PLACEHOLDER_F64, 0n)
    : flox_engine_run(h, symbol, signals, n, stats, 1, equity, BigInt(equity.length));
  check(status, operation);
}

/** Trades of the engine's last run. */
export function lastTrades(operation: string, h: NativeHandle): TradeList {
  const n = Number(flox_engine_trade_count(h));
  const t: TradeList = {
    entryTsNs: new BigInt64Array(n),
    exitTsNs: new BigInt64Array(n),
    side: new Uint8Array(n),
    qty: new Float64Array(n),
    entryPrice: new Float64Array(n),
    exitPrice: new Float64Array(n),
    pnl: new Float64Array(n),
    fee: new Float64Array(n),
  };
  if (n === 0) return t;
  check(
    flox_engine_copy_trades(
      h,
      t.entryTsNs,
      t.exitTsNs,
      t.side,
      t.qty,
      t.entryPrice,
      t.exitPrice,
      t.pnl,
      t.fee,
      BigInt(n),
    ),
    operation,
  );
  return t;
}

/** Addresses and counts of the caller's signal buffers: C reads them in place during the call. */
export function batchTables(sets: readonly Uint8Array[]): { addresses: BigUint64Array; counts: BigInt64Array } {
  const addresses = new BigUint64Array(Math.max(sets.length, 1));
  const counts = new BigInt64Array(Math.max(sets.length, 1));
  for (let i = 0; i < sets.length; i++) {
    const n = sets[i].length / SIGNAL_RECORD_SIZE;
    counts[i] = BigInt(n);
    addresses[i] = n === 0 ? 0n : backend.addressOf(sets[i]);
  }
  return { addresses, counts };
}

function batchError(operation: string, h: NativeHandle, status: number): FloxError {
  // The batch keeps its message in the engine: an async batch fails on another thread, whose
  // thread-local flox_last_error the caller cannot read.
  const message = backend.cString(flox_engine_batch_message(h));
  return new FloxError(status, `${operation}: ${message || "batch failed"}`);
}

/** A blocking batch on the calling thread (plus the native pool). */
export function runBatchSync(
  operation: string,
  h: NativeHandle,
  symbol: number,
  sets: readonly Uint8Array[],
  threads: number,
): Float64Array {
  const stats = new Float64Array(Math.max(sets.length * STAT_COUNT, 1));
  const { addresses, counts } = batchTables(sets);
  const status = flox_engine_run_batch(h, symbol, addresses, counts, BigInt(sets.length), threads, stats, null);
  if (status !== FloxStatus.OK) throw batchError(operation, h, status);
  return stats;
}

interface AsyncBatchOptions {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Polling period of the progress counter while an async batch runs. */
const PROGRESS_POLL_MS = 4;

/**
 * A batch that does not block the event loop: Deno runs the C call on its FFI thread pool (the
 * nonblocking alias of the symbol); Bun runs it in a Worker that opens the same library. Either way
 * the caller's buffers are read in place, so `sets` stays referenced by this closure until the
 * native call has returned.
 */
export function runBatchAsync(
  operation: string,
  h: NativeHandle,
  symbol: number,
  sets: readonly Uint8Array[],
  threads: number,
  options: AsyncBatchOptions,
): Promise<Float64Array> {
  if (options.signal?.aborted) {
    return Promise.reject(new FloxError(FloxStatus.CANCELLED, `${operation}: cancelled before it started`));
  }
  const progress = createHandle(operation, (out) => flox_progress_create(out));
  const { addresses, counts } = batchTables(sets);
  const total = sets.length;
  let reported = -1;
  let callbackError: unknown = undefined;
  const report = () => {
    if (!options.onProgress) return;
    const done = Number(flox_progress_done(progress));
    if (done === reported) return;
    reported = done;
    try {
      options.onProgress(done, total);
    } catch (e) {
      // A throwing progress callback stops the batch and becomes the rejection.
      if (callbackError === undefined) callbackError = e;
      flox_progress_cancel(progress);
    }
  };
  const onAbort = () => flox_progress_cancel(progress);
  options.signal?.addEventListener("abort", onAbort);
  const timer = setInterval(report, PROGRESS_POLL_MS);

  const native: Promise<{ status: number; stats: Float64Array }> = backend.runtime === "deno"
    ? (() => {
      const stats = new Float64Array(Math.max(total * STAT_COUNT, 1));
      return lib.flox_engine_run_batch_async(h, symbol, addresses, counts, BigInt(total), threads, stats, progress)
        .then((status: number) => ({ status, stats }));
    })()
    : runInWorker({
      engine: backend.handleAddress(h),
      progress: backend.handleAddress(progress),
      symbol,
      addresses,
      counts,
      n: total,
      threads,
    });

  return native.then(
    ({ status, stats }) => {
      clearInterval(timer);
      options.signal?.removeEventListener("abort", onAbort);
      report();
      flox_progress_destroy(progress);
      // Kept alive until here: C read them in place (Deno passes the buffers' addresses to its
      // FFI thread; only these references keep the arrays from being collected meanwhile).
      void sets;
      void addresses;
      void counts;
      if (callbackError !== undefined) throw callbackError;
      if (status !== FloxStatus.OK) throw batchError(operation, h, status);
      return stats;
    },
    (e) => {
      clearInterval(timer);
      options.signal?.removeEventListener("abort", onAbort);
      flox_progress_destroy(progress);
      throw e;
    },
  );
}

// ---- Bun: the batch call in a Worker ------------------------------------------------------------

/** What the main thread sends the batch worker (lib/ffi/engine_batch_worker.ts). */
export interface BatchJob {
  engine: bigint;
  progress: bigint;
  symbol: number;
  addresses: BigUint64Array;
  counts: BigInt64Array;
  n: number;
  threads: number;
}

/** What the worker answers. */
export interface BatchReply {
  status: number;
  stats: Float64Array;
}

interface MinimalWorker {
  postMessage(message: unknown): void;
  addEventListener(type: "message" | "error", listener: (event: { data?: unknown; message?: string }) => void): void;
  removeEventListener(type: "message" | "error", listener: (event: { data?: unknown; message?: string }) => void): void;
  terminate(): void;
  unref?: () => void;
}

// Idle workers are kept (unref'd, so they never hold the process open) and reused: starting one
// costs a module load and a dlopen.
const idleWorkers: MinimalWorker[] = [];

function newWorker(): MinimalWorker {
  const W = (globalThis as unknown as { Worker: new (url: URL, o?: { type: "module" }) => MinimalWorker }).Worker;
  const w = new W(new URL("./engine_batch_worker.ts", import.meta.url), { type: "module" });
  w.unref?.();
  return w;
}

function runInWorker(job: BatchJob): Promise<BatchReply> {
  const worker = idleWorkers.pop() ?? newWorker();
  return new Promise<BatchReply>((resolve, reject) => {
    const onMessage = (event: { data?: unknown }) => {
      cleanup();
      idleWorkers.push(worker);
      resolve(event.data as BatchReply);
    };
    const onError = (event: { message?: string }) => {
      cleanup();
      worker.terminate();
      reject(new FloxError(FloxStatus.INTERNAL, `batch worker failed: ${event.message ?? "unknown error"}`));
    };
    const cleanup = () => {
      worker.removeEventListener("message", onMessage);
      worker.removeEventListener("error", onError);
    };
    worker.addEventListener("message", onMessage);
    worker.addEventListener("error", onError);
    worker.postMessage(job);
  });
}

// ---- signals and metrics ------------------------------------------------------------------------

export function makeSignalsNative(
  operation: string,
  ts: BigInt64Array | Float64Array,
  sides: Uint8Array,
  quantities: Float64Array,
  prices: Float64Array | undefined,
  types: Uint8Array | undefined,
): Uint8Array {
  const n = ts.length;
  const out = new Uint8Array(n * SIGNAL_RECORD_SIZE);
  const args = [
    sides,
    quantities,
    prices ?? PLACEHOLDER_F64,
    prices ? 1 : 0,
    types ?? PLACEHOLDER_U8,
    types ? 1 : 0,
    BigInt(n),
    out.length === 0 ? PLACEHOLDER_U8 : out,
    BigInt(out.length),
  ] as const;
  const status = ts instanceof BigInt64Array ? flox_make_signals(ts, ...args) : flox_make_signals_f64ts(ts, ...args);
  check(status, operation);
  return out;
}

export function metricsFromReturnsNative(
  operation: string,
  returns: Float64Array,
  periodsPerYear: number,
): Float64Array {
  const out = new Float64Array(METRIC_COUNT);
  check(flox_metrics_from_returns(returns, BigInt(returns.length), periodsPerYear, out), operation);
  return out;
}

export function drawdownNative(operation: string, equity: Float64Array): Float64Array {
  const out = new Float64Array(2);
  check(flox_metrics_drawdown(equity, BigInt(equity.length), out), operation);
  return out;
}
