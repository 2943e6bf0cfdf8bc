// Engine: the batch backtest engine over pre-computed signals (spec/engine.md sections 2-5).
// Bars are loaded once per symbol and copied into native memory; each run reads packed signal
// records in place. Runs are fully independent; runBatch fans many runs out on native threads.
import { closedError, FloxError, invalidArgument } from "./errors.ts";
import { FloxStatus } from "./status_codes.ts";
import type { BacktestResult, BacktestStats, BarColumns, EngineOptions } from "./engine_types.ts";
import {
  barCount,
  engineCreate,
  engineDestroy,
  lastTrades,
  loadBarColumns,
  loadBarsPacked,
  runBatchAsync,
  runBatchSync,
  runOnce,
} from "./ffi/engine_native.ts";
import { OwnedHandle } from "./ffi/handle.ts";
import { BAR_RECORD_SIZE, LIMIT_MODEL, SIGNAL_RECORD_SIZE, STAT_COUNT } from "./ffi/layout_engine.ts";
import type { NativeHandle } from "./ffi/types.ts";

export type { BacktestResult, BacktestStats, BarColumns, EngineOptions, TradeList } from "./engine_types.ts";

/** Default symbol id of loadBars/run/runBatch. */
export const DEFAULT_SYMBOL = 1;

/** Stats of one run from the C vector at `o` (FLOX_STAT_* order, see layout_engine.ts). A literal
 * object: building it key by key in a loop costs microseconds per run under Deno. */
export function statsAt(v: Float64Array, o: number): BacktestStats {
  return {
    netPnl: v[o],
    returnPct: v[o + 1],
    realizedPnl: v[o + 2],
    unrealizedPnl: v[o + 3],
    totalFees: v[o + 4],
    totalTrades: v[o + 5],
    winningTrades: v[o + 6],
    losingTrades: v[o + 7],
    winRate: v[o + 8],
    grossProfit: v[o + 9],
    grossLoss: v[o + 10],
    profitFactor: v[o + 11],
    maxDrawdown: v[o + 12],
    maxDrawdownPct: v[o + 13],
    sharpe: v[o + 14],
    sortino: v[o + 15],
    calmar: v[o + 16],
    unfilledOrders: v[o + 17],
    initialCapital: v[o + 18],
    finalEquity: v[o + 19],
    bars: v[o + 20],
    periodsPerYear: v[o + 21],
  };
}

function symbolOf(operation: string, options: { symbol?: number } | undefined): number {
  const symbol = options?.symbol ?? DEFAULT_SYMBOL;
  if (!Number.isInteger(symbol) || symbol < -2147483648 || symbol > 2147483647) {
    throw invalidArgument(operation, `symbol is ${symbol}; must be an int32 integer`);
  }
  return symbol;
}

function threadsOf(operation: string, threads: number | undefined): number {
  const t = threads ?? 0;
  if (!Number.isInteger(t) || t < 0 || t > 4096) {
    throw invalidArgument(operation, `threads is ${t}; must be an integer >= 0 (0 = all cores)`);
  }
  return t;
}

function checkSignalBuffer(operation: string, what: string, signals: unknown): Uint8Array {
  if (!(signals instanceof Uint8Array)) {
    throw invalidArgument(operation, `${what} must be a Uint8Array of packed 32-byte records (see makeSignals)`);
  }
  if (signals.length % SIGNAL_RECORD_SIZE !== 0) {
    throw invalidArgument(
      operation,
      `${what} has ${signals.length} bytes; must be a multiple of ${SIGNAL_RECORD_SIZE} (packed signal records)`,
    );
  }
  return signals;
}

function checkSets(operation: string, sets: readonly Uint8Array[]): void {
  if (!Array.isArray(sets)) throw invalidArgument(operation, "sets must be an array of Uint8Array signal buffers");
  for (let i = 0; i < sets.length; i++) checkSignalBuffer(operation, `set ${i}`, sets[i]);
}

export class Engine {
  readonly #handle: OwnedHandle;
  /** Async batches still running; the native engine must outlive them. */
  #pending = 0;
  #closeRequested = false;
  readonly #stats = new Float64Array(STAT_COUNT);

  /** Creates an engine; see EngineOptions for units and defaults. Throws FloxError(INVALID_ARG). */
  constructor(options: EngineOptions) {
    const op = "new Engine";
    if (options === null || typeof options !== "object") throw invalidArgument(op, "options must be an object");
    const { initialCapital, feeRate = 0, periodsPerYear, limitFill = "close" } = options;
    if (typeof initialCapital !== "number") throw invalidArgument(op, "initialCapital must be a number");
    if (typeof feeRate !== "number") throw invalidArgument(op, "feeRate must be a number");
    if (periodsPerYear !== undefined && !(typeof periodsPerYear === "number" && periodsPerYear > 0)) {
      throw invalidArgument(op, `periodsPerYear is ${periodsPerYear}; must be finite and > 0 (omit it for automatic)`);
    }
    if (limitFill !== "close" && limitFill !== "touch") {
      throw invalidArgument(op, `limitFill is ${JSON.stringify(limitFill)}; must be "close" or "touch"`);
    }
    const handle = engineCreate(op, initialCapital, feeRate, periodsPerYear ?? 0, LIMIT_MODEL[limitFill]);
    this.#handle = new OwnedHandle(handle, engineDestroy, "engine");
  }

  #h(operation: string): NativeHandle {
    if (this.#closeRequested) throw closedError(operation, "engine");
    return this.#handle.get(operation);
  }

  /**
   * Loads (or replaces) the bars of one symbol (default 1), copying them. Columns: equal lengths,
   * timestamps strictly increasing after s/ms/us/ns normalisation, prices finite and > 0, high >= low.
   * Or a Uint8Array of packed 48-byte records (ts_ns, then open/high/low/close/volume x 1e8).
   * A failed load leaves the engine as it was.
   */
  loadBars(bars: BarColumns | Uint8Array, options?: { symbol?: number }): void {
    const op = "Engine.loadBars";
    const h = this.#h(op);
    const symbol = symbolOf(op, options);
    if (this.#pending > 0) {
      throw new FloxError(FloxStatus.STATE, `${op}: a runBatchAsync is still running on this engine; await it first`);
    }
    if (bars instanceof Uint8Array) {
      if (bars.length % BAR_RECORD_SIZE !== 0) {
        throw invalidArgument(
          op,
          `packed bars have ${bars.length} bytes; must be a multiple of ${BAR_RECORD_SIZE} (48-byte records)`,
        );
      }
      loadBarsPacked(op, h, symbol, bars, bars.length / BAR_RECORD_SIZE);
      return;
    }
    if (bars === null || typeof bars !== "object") {
      throw invalidArgument(op, "bars must be { timestamps, open, high, low, close, volume } or a Uint8Array");
    }
    const { timestamps } = bars;
    if (!(timestamps instanceof BigInt64Array || timestamps instanceof Float64Array)) {
      throw invalidArgument(op, "timestamps must be a BigInt64Array or a Float64Array");
    }
    for (const name of ["open", "high", "low", "close", "volume"] as const) {
      const column = bars[name];
      if (!(column instanceof Float64Array)) throw invalidArgument(op, `${name} must be a Float64Array`);
      if (column.length !== timestamps.length) {
        throw new FloxError(
          FloxStatus.LENGTH_MISMATCH,
          `${op}: ${name} has ${column.length} elements but timestamps has ${timestamps.length}`,
        );
      }
    }
    loadBarColumns(op, h, symbol, timestamps, bars.open, bars.high, bars.low, bars.close, bars.volume);
  }

  /** Number of bars loaded for a symbol (default 1); 0 when none. */
  barCount(symbol: number = DEFAULT_SYMBOL): number {
    const op = "Engine.barCount";
    return barCount(this.#h(op), symbolOf(op, { symbol }));
  }

  /**
   * Runs one backtest of packed signals (from makeSignals) against a symbol's bars. Signals need not
   * be sorted (a stable sort by time applies). `equityCurve: true` adds E_1..E_n; `trades: true` adds
   * the trade list. A failed run changes nothing.
   */
  run(signals: Uint8Array, options?: { symbol?: number; equityCurve?: boolean; trades?: boolean }): BacktestResult {
    const op = "Engine.run";
    const h = this.#h(op);
    checkSignalBuffer(op, "signals", signals);
    const symbol = symbolOf(op, options);
    let equity: Float64Array | null = null;
    if (options?.equityCurve) equity = new Float64Array(barCount(h, symbol));
    runOnce(op, h, symbol, signals, this.#stats, equity);
    const result: BacktestResult = statsAt(this.#stats, 0);
    if (equity !== null) result.equityCurve = equity;
    if (options?.trades) result.trades = lastTrades(op, h);
    return result;
  }

  /**
   * Runs every signal set against the same bars on a native thread pool (`threads`, default 0 = all
   * cores); results in input order. The buffers are read in place (not copied). A bad set fails the
   * whole call, naming the set, before any run starts. Blocks the calling thread; see runBatchAsync.
   */
  runBatch(sets: readonly Uint8Array[], options?: { threads?: number; symbol?: number }): BacktestStats[] {
    const op = "Engine.runBatch";
    const h = this.#h(op);
    checkSets(op, sets);
    const stats = runBatchSync(op, h, symbolOf(op, options), sets, threadsOf(op, options?.threads));
    const out: BacktestStats[] = new Array(sets.length);
    for (let i = 0; i < sets.length; i++) out[i] = statsAt(stats, i * STAT_COUNT);
    return out;
  }

  /**
   * runBatch without blocking the event loop (Deno: nonblocking FFI; Bun: a worker thread). Progress
   * (runs done, total) is polled every few milliseconds into `onProgress`; aborting `signal` stops the
   * batch and rejects with FloxError CANCELLED. Do not modify the signal buffers until it settles.
   * While it runs, loadBars throws STATE and close() is deferred until it settles.
   */
  runBatchAsync(
    sets: readonly Uint8Array[],
    options?: {
      threads?: number;
      symbol?: number;
      onProgress?: (done: number, total: number) => void;
      signal?: AbortSignal;
    },
  ): Promise<BacktestStats[]> {
    const op = "Engine.runBatchAsync";
    let started: Promise<Float64Array>;
    try {
      const h = this.#h(op);
      checkSets(op, sets);
      const symbol = symbolOf(op, options);
      const threads = threadsOf(op, options?.threads);
      started = runBatchAsync(op, h, symbol, sets, threads, {
        onProgress: options?.onProgress,
        signal: options?.signal,
      });
    } catch (e) {
      return Promise.reject(e);
    }
    this.#pending++;
    const settle = () => {
      this.#pending--;
      if (this.#pending === 0 && this.#closeRequested) this.#handle.close();
    };
    return started.then(
      (stats) => {
        settle();
        const out: BacktestStats[] = new Array(sets.length);
        for (let i = 0; i < sets.length; i++) out[i] = statsAt(stats, i * STAT_COUNT);
        return out;
      },
      (e) => {
        settle();
        throw e;
      },
    );
  }

  /** Frees the native engine (deferred while a runBatchAsync runs). Idempotent. */
  close(): void {
    this.#closeRequested = true;
    if (this.#pending === 0) this.#handle.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
