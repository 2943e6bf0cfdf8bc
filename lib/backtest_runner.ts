// BacktestRunner: replays recorded market data (typed arrays, CSV files, tapes) through one strategy
// and the simulated executor, and returns the metrics of spec/engine.md section 4.
//
// Data arrives in chunks; one native call per chunk normalises timestamps and validates prices
// (flox_bt_prepare), then a plain JavaScript loop feeds each event to the executor and the strategy.
import { basename } from "node:path";
import { lib } from "./ffi/load.ts";
import { check } from "./ffi/status.ts";
import { FloxError, invalidArgument } from "./errors.ts";
import { FloxStatus } from "./status_codes.ts";
import { type BacktestRunResult, type ExecutorOptions, SimulatedExecutor } from "./executor.ts";
import type { Strategy } from "./strategy.ts";
import type { SymbolLike, SymbolRegistry } from "./symbols.ts";
import { CsvTradeReader } from "./csv_reader.ts";

/** Options of BacktestRunner (see ExecutorOptions): feeRate, initialCapital, equityIntervalNs, onSignal. */
export type BacktestRunnerOptions = ExecutorOptions;

/** Trades as columns, for runTrades. */
export interface TradeArrays {
  /** Event times: ns since the epoch, or s/ms/us normalised by magnitude; must not decrease. */
  tsNs: BigInt64Array;
  /** Trade prices, finite and > 0. */
  price: Float64Array;
  /** Trade quantities, finite and >= 0. */
  qty: Float64Array;
  /** Aggressor side per trade: 0 buy, 1 sell. Default: all buys. */
  side?: Uint8Array;
  /** Symbol id per trade. Default: options.symbol, else the strategy's first symbol. */
  symbolId?: Uint32Array;
}

const CHUNK = 65536;
const INT64_MIN = -(2n ** 63n);
/** Bun refuses null for a buffer parameter: an unread placeholder for "no kinds column". */
const NO_KINDS = new Uint8Array(1);

function normaliseTs(t: bigint): bigint {
  const a = t < 0n ? -t : t;
  if (a < 1_000_000_000_000n) return t * 1_000_000_000n;
  if (a < 1_000_000_000_000_000n) return t * 1_000_000n;
  if (a < 1_000_000_000_000_000_000n) return t * 1_000n;
  return t;
}

/** Picks the registry symbol named in a file name ("btcusdt_trades.csv", "BTCUSDT-aggTrades-2024-01.csv"). */
export function detectSymbolFromPath(registry: SymbolRegistry, path: string, prefer: readonly number[]): number {
  const op = "BacktestRunner.runCsv";
  const name = basename(path).replace(/\.(csv|txt)(\.gz)?$/i, "");
  const tokens = name.toUpperCase().split(/[^A-Z0-9]+/).filter((t) => t !== "");
  const candidates = new Set<string>(tokens);
  for (let i = 0; i + 1 < tokens.length; i++) candidates.add(tokens[i] + tokens[i + 1]); // "BTC-USDT"
  const norm = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, "");
  let matches = registry.all().filter((s) => candidates.has(norm(s.name)));
  if (matches.length > 1) {
    const longest = Math.max(...matches.map((s) => norm(s.name).length));
    matches = matches.filter((s) => norm(s.name).length === longest);
  }
  if (matches.length > 1) {
    const traded = matches.filter((s) => prefer.includes(s.id));
    if (traded.length === 1) matches = traded;
  }
  if (matches.length === 0) {
    throw new FloxError(
      FloxStatus.NOT_FOUND,
      `${op}: no registered symbol in the file name "${basename(path)}"; pass { symbol }`,
    );
  }
  if (matches.length > 1) {
    throw new FloxError(
      FloxStatus.INVALID_ARG,
      `${op}: the file name "${basename(path)}" matches ${matches.map(String).join(", ")}; pass { symbol }`,
    );
  }
  return matches[0].id;
}

/** Event-driven backtests of one strategy over recorded data. Every run starts from a clean state. */
export class BacktestRunner {
  readonly registry: SymbolRegistry;
  readonly #executor: SimulatedExecutor;
  #strategy: Strategy | null = null;
  #running = false;

  // Scratch columns reused across chunks and runs: normalised timestamps and clock offsets.
  #tsOut = new BigInt64Array(CHUNK);
  #tOut = new Float64Array(CHUNK);
  #base = 0n;
  #prev = INT64_MIN;
  #started = false;
  #index = 0;

  constructor(registry: SymbolRegistry, options: BacktestRunnerOptions) {
    this.registry = registry;
    this.#executor = new SimulatedExecutor(options);
  }

  get feeRate(): number {
    return this.#executor.feeRate;
  }
  get initialCapital(): number {
    return this.#executor.initialCapital;
  }
  get equityIntervalNs(): bigint {
    return this.#executor.equityIntervalNs;
  }

  /** The strategy the next runs use; its symbols must be in the registry. */
  setStrategy(strategy: Strategy): void {
    const op = "BacktestRunner.setStrategy";
    if (this.#running) throw new FloxError(FloxStatus.STATE, `${op}: a run is in progress`);
    if (strategy === null || typeof strategy !== "object" || !Array.isArray(strategy.symbols)) {
      throw invalidArgument(op, "expected a Strategy");
    }
    for (const id of strategy.symbols) this.registry.resolve(id, op);
    this.#strategy = strategy;
  }

  /** Replays trade columns. `options.symbol` applies when `trades.symbolId` is absent. */
  runTrades(trades: TradeArrays, options: { symbol?: SymbolLike } = {}): BacktestRunResult {
    const op = "BacktestRunner.runTrades";
    const strategy = this.#requireStrategy(op);
    const { tsNs, price, qty, side, symbolId: ids } = trades ?? ({} as TradeArrays);
    if (!(tsNs instanceof BigInt64Array)) throw invalidArgument(op, "tsNs must be a BigInt64Array");
    if (!(price instanceof Float64Array)) throw invalidArgument(op, "price must be a Float64Array");
    if (!(qty instanceof Float64Array)) throw invalidArgument(op, "qty must be a Float64Array");
    if (side !== undefined && !(side instanceof Uint8Array)) throw invalidArgument(op, "side must be a Uint8Array");
    if (ids !== undefined && !(ids instanceof Uint32Array)) throw invalidArgument(op, "symbolId must be a Uint32Array");
    const n = tsNs.length;
    for (const [name, col] of [["price", price], ["qty", qty], ["side", side], ["symbolId", ids]] as const) {
      if (col !== undefined && col.length !== n) {
        throw invalidArgument(op, `${name} has ${col.length} values but tsNs has ${n}`, FloxStatus.LENGTH_MISMATCH);
      }
    }
    if (side !== undefined) {
      const bad = side.findIndex((s) => s > 1);
      if (bad >= 0) {
        throw invalidArgument(op, `side[${bad}] is ${side[bad]}; must be 0 (buy) or 1 (sell)`, FloxStatus.BAD_SIDE);
      }
    }
    const fixed = options.symbol === undefined ? strategy.symbols[0] : this.registry.resolve(options.symbol, op).id;
    return this.#run(() => {
      for (let from = 0; from < n; from += CHUNK) {
        const to = Math.min(n, from + CHUNK);
        this.#play(
          tsNs.subarray(from, to),
          price.subarray(from, to),
          qty.subarray(from, to),
          side?.subarray(from, to) ?? null,
          ids?.subarray(from, to) ?? null,
          fixed,
          to - from,
        );
      }
    });
  }

  /**
   * Replays a CSV file of trades or bars (formats: see README / CsvTradeReader). Without
   * `options.symbol` the symbol is found in the file name ("btcusdt_trades.csv" -> BTCUSDT).
   * `symbol` may be a Symbol, an id or a registered name.
   */
  runCsv(path: string, options: { symbol?: SymbolLike | string } = {}): BacktestRunResult {
    const op = "BacktestRunner.runCsv";
    const strategy = this.#requireStrategy(op);
    if (typeof path !== "string" || path === "") throw invalidArgument(op, "path must be a non-empty string");
    let id: number;
    if (options.symbol === undefined) id = detectSymbolFromPath(this.registry, path, strategy.symbols);
    else if (typeof options.symbol === "string") {
      const name = options.symbol;
      const own = strategy.symbols.map((s) => this.registry.get(s)!).filter((s) =>
        s.name.toUpperCase() === name.toUpperCase()
      );
      const found = own.length === 1 ? own[0] : this.registry.byName(name);
      if (found === undefined) throw new FloxError(FloxStatus.NOT_FOUND, `${op}: no registered symbol named "${name}"`);
      id = found.id;
    } else id = this.registry.resolve(options.symbol, op).id;
    if (!strategy.symbols.includes(id)) {
      throw invalidArgument(
        op,
        `${path} holds ${this.registry.get(id)} but the strategy trades ${
          strategy.symbols.map((s) => String(this.registry.get(s))).join(", ")
        }`,
      );
    }
    using reader = new CsvTradeReader(path, CHUNK);
    return this.#run(() => {
      for (let c = reader.read(); c !== null; c = reader.read()) {
        this.#play(c.tsNs, c.price, c.qty, c.side, null, id, c.length);
      }
    });
  }

  #requireStrategy(op: string): Strategy {
    if (this.#running) {
      throw new FloxError(FloxStatus.STATE, `${op}: a run is already in progress (called from a callback?)`);
    }
    if (this.#strategy === null) throw new FloxError(FloxStatus.STATE, `${op}: call setStrategy first`);
    return this.#strategy;
  }

  #run(feed: () => void): BacktestRunResult {
    const exec = this.#executor;
    this.#started = false;
    this.#prev = INT64_MIN;
    this.#index = 0;
    this.#running = true;
    try {
      exec.start([this.#strategy!]);
      try {
        feed();
      } catch (e) {
        exec.abort();
        throw e;
      }
      return exec.finish();
    } finally {
      this.#running = false;
    }
  }

  /** Validates and replays one chunk of n trades (columns may be longer than n). */
  #play(
    ts: BigInt64Array,
    price: Float64Array,
    qty: Float64Array,
    side: Uint8Array | null,
    ids: Uint32Array | null,
    fixedSymbol: number,
    n: number,
  ): void {
    if (n === 0) return;
    const exec = this.#executor;
    if (!this.#started) {
      this.#base = exec.startClock(normaliseTs(ts[0]));
      this.#started = true;
    }
    if (this.#tsOut.length < n) {
      this.#tsOut = new BigInt64Array(n);
      this.#tOut = new Float64Array(n);
    }
    const tsOut = this.#tsOut, t = this.#tOut;
    check(
      lib.flox_bt_prepare(
        ts,
        price,
        qty,
        NO_KINDS,
        0,
        BigInt(n),
        BigInt(this.#index),
        this.#base,
        this.#prev,
        tsOut,
        t,
      ),
      "BacktestRunner",
    );
    this.#prev = tsOut[n - 1];
    this.#index += n;
    exec.setTimestampSource(tsOut, 0);
    // The hot loop: one call per event, no allocation.
    if (ids === null) exec.playTrades(fixedSymbol, tsOut, t, price, qty, side, n);
    else {
      for (let i = 0; i < n; i++) {
        exec.tradeAt(ids === null ? fixedSymbol : ids[i], price[i], qty[i], side === null || side[i] === 0, t[i], i);
      }
    }
  }
}
