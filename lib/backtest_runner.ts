// BacktestRunner: replays recorded market data (typed arrays, CSV files, tapes) through one strategy
// and the simulated executor, and returns the metrics of spec/engine.md section 4.
//
// Data arrives in chunks; one native call per chunk normalises timestamps and validates prices
// (flox_bt_prepare), then a plain JavaScript loop feeds each event to the executor and the strategy.
import { basename } from "node:path";
import { FloxError, invalidArgument } from "./errors.ts";
import { FloxStatus } from "./status_codes.ts";
import { type BacktestRunResult, type ExecutorOptions, SimulatedExecutor } from "./executor.ts";
import type { Strategy } from "./strategy.ts";
import type { SymbolLike, SymbolRegistry } from "./symbols.ts";
import { CsvTradeReader } from "./csv_reader.ts";
import { OwnedHandle } from "./ffi/handle.ts";
import {
  allocEventColumns,
  type EventColumns,
  readerDamageCount,
  readerDestroy,
  readerReadEvents,
} from "./ffi/tape_native.ts";
import {
  BT_KINDS,
  BT_TAPE_ORDER,
  btPrepare,
  feedDamageCount,
  feedDestroy,
  feedLevelCap,
  feedNext,
  feedOpen,
} from "./ffi/backtest_native.ts";
import { openReaderHandle } from "./tape/reader.ts";
import { readTapeMetadata } from "./tape/metadata.ts";

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
/** The largest book a tape can hold (2 x 65535 levels): one always fits a chunk. */
const MAX_BOOK_LEVELS = 131070;

/** Options of runTape / runTapes. */
export interface TapeRunOptions {
  /**
   * Decode the tape on a native helper thread while JavaScript replays the previous chunk (default
   * true). It pays off when a second core is free (Bun, 10M trades: 22.5M vs 15.6M events/s); on a
   * saturated machine it measured about equal to `false`, which decodes on the calling thread.
   */
  readAhead?: boolean;
}
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

  #base = 0n;
  #started = false;

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
      let bad = -1;
      for (let i = 0; i < side.length; i++) {
        if (side[i] > 1) {
          bad = i;
          break;
        }
      }
      if (bad >= 0) {
        throw invalidArgument(op, `side[${bad}] is ${side[bad]}; must be 0 (buy) or 1 (sell)`, FloxStatus.BAD_SIDE);
      }
    }
    const fixed = options.symbol === undefined ? strategy.symbols[0] : this.registry.resolve(options.symbol, op).id;
    let from = 0;
    const chunk: EventChunk = { length: 0, kind: null, tsNs, symbolId: null, price, qty, side: null };
    const source: EventSource = {
      fixedSymbol: fixed,
      tapeOrder: false,
      next() {
        if (from >= n) return null;
        const to = Math.min(n, from + CHUNK);
        chunk.length = to - from;
        chunk.tsNs = tsNs.subarray(from, to);
        chunk.price = price.subarray(from, to);
        chunk.qty = qty.subarray(from, to);
        chunk.side = side?.subarray(from, to) ?? null;
        chunk.symbolId = ids?.subarray(from, to) ?? null;
        from = to;
        return chunk;
      },
    };
    return this.#run(() => this.#playSource(source));
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
    const chunk: EventChunk = {
      length: 0,
      kind: null,
      tsNs: new BigInt64Array(0),
      symbolId: null,
      price: new Float64Array(0),
      qty: new Float64Array(0),
      side: null,
    };
    const source: EventSource = {
      fixedSymbol: id,
      tapeOrder: false,
      next() {
        const c = reader.read();
        if (c === null) return null;
        chunk.length = c.length;
        chunk.tsNs = c.tsNs;
        chunk.price = c.price;
        chunk.qty = c.qty;
        chunk.side = c.side;
        return chunk;
      },
    };
    return this.#run(() => this.#playSource(source));
  }

  /**
   * Replays a recorded tape directory (trades and book updates, in recorded order). Symbol ids in
   * the tape are registry ids; when the tape's metadata names its symbols, each name must match
   * the registry's symbol of that id (INVALID_ARG otherwise).
   */
  runTape(dir: string, options: TapeRunOptions = {}): BacktestRunResult {
    return this.#runTapes("BacktestRunner.runTape", [dir], options);
  }

  /**
   * Replays several tapes merged by event time (ties: the tape listed first), e.g. one tape per
   * venue. Each tape keeps its own recorded order.
   */
  runTapes(dirs: readonly string[], options: TapeRunOptions = {}): BacktestRunResult {
    const op = "BacktestRunner.runTapes";
    if (!Array.isArray(dirs) || dirs.length === 0) throw invalidArgument(op, "dirs must be a non-empty array of paths");
    return this.#runTapes(op, dirs, options);
  }

  #runTapes(op: string, dirs: readonly string[], options: TapeRunOptions): BacktestRunResult {
    this.#requireStrategy(op);
    const readAhead = options.readAhead ?? true;
    if (typeof readAhead !== "boolean") throw invalidArgument(op, "readAhead must be a boolean");
    for (const [i, dir] of dirs.entries()) {
      if (typeof dir !== "string" || dir === "") throw invalidArgument(op, `dirs[${i}] must be a non-empty path`);
      this.#checkTapeSymbols(op, dir);
    }
    const sources: TapeSource[] = [];
    try {
      for (const dir of dirs) sources.push(new TapeSource(op, dir, this.#strategy!.symbols[0], readAhead));
      const result = this.#run(() => sources.length === 1 ? this.#playSource(sources[0]) : this.#playMerged(sources));
      for (const src of sources) result.tapeDamage += src.damage();
      return result;
    } finally {
      for (const s of sources) s.close();
    }
  }

  #checkTapeSymbols(op: string, dir: string): void {
    const names = readTapeMetadata(dir).symbolNames;
    if (names === undefined) return;
    for (const [id, name] of Object.entries(names)) {
      const s = this.registry.get(Number(id));
      if (s !== undefined && s.name.toUpperCase() !== name.toUpperCase()) {
        throw invalidArgument(
          op,
          `${dir}: tape symbol ${id} is "${name}" but registry id ${id} is ${s}; register symbols in the recording's order`,
        );
      }
    }
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

  /** Starts the executor's clock at the first event of the run (normalised to ns). */
  #startClock(firstTs: bigint): void {
    if (!this.#started) {
      this.#base = this.#executor.startClock(normaliseTs(firstTs));
      this.#started = true;
    }
  }

  /** Replays one source chunk by chunk. */
  #playSource(src: EventSource): void {
    const cur = new Cursor(src);
    const exec = this.#executor;
    for (let c = src.next(); c !== null; c = src.next()) {
      if (c.length === 0) continue;
      this.#startClock(c.tsNs[0]);
      cur.prepare(c, this.#base);
      const n = c.length;
      exec.setTimestampSource(cur.ts, 0);
      const one = c.kind === null && c.symbolId === null ? src.fixedSymbol : singleSymbolTrades(c);
      if (one >= 0) exec.playTrades(one, cur.ts, cur.t, c.price, c.qty, c.side, n); // the hot loop
      else for (let i = 0; i < n; i++) playOne(exec, c, cur.t[i], i, src.fixedSymbol);
    }
  }

  /** Replays several sources merged by event time (ties: the earlier source first). */
  #playMerged(sources: EventSource[]): void {
    const exec = this.#executor;
    const cursors = sources.map((s) => new Cursor(s));
    // The clock base must come from the earliest first event of all sources.
    let first: bigint | null = null;
    for (const cur of cursors) {
      cur.advance();
      if (cur.chunk !== null && (first === null || normaliseTs(cur.chunk.tsNs[0]) < first)) {
        first = normaliseTs(cur.chunk.tsNs[0]);
      }
    }
    if (first === null) return;
    this.#startClock(first);
    for (const cur of cursors) if (cur.chunk !== null) cur.prepare(cur.chunk, this.#base);
    for (;;) {
      let best: Cursor | null = null, bestT = Infinity;
      for (let k = 0; k < cursors.length; k++) {
        const cur = cursors[k];
        if (cur.chunk !== null && cur.t[cur.i] < bestT) {
          best = cur;
          bestT = cur.t[cur.i];
        }
      }
      if (best === null) return;
      const i = best.i;
      exec.setTimestampSource(best.ts, i);
      playOne(exec, best.chunk!, bestT, i, best.src.fixedSymbol);
      if (++best.i === best.chunk!.length) {
        best.advance();
        if (best.chunk !== null) best.prepare(best.chunk, this.#base);
      }
    }
  }
}

/** A chunk of events from any source. Null columns mean: all trades / the source's fixed symbol / buys. */
interface EventChunk {
  length: number;
  kind: Uint8Array | null;
  tsNs: BigInt64Array;
  symbolId: Uint32Array | null;
  price: Float64Array;
  qty: Float64Array;
  side: Uint8Array | null;
  levelStart?: Uint32Array;
  bidCount?: Uint32Array;
  askCount?: Uint32Array;
  levelPrice?: Float64Array;
  levelQty?: Float64Array;
}

/** Where events come from: typed arrays, a CSV file, a tape. */
interface EventSource {
  /** Next chunk, or null at the end. The chunk may be overwritten by the next call. */
  next(): EventChunk | null;
  /** Symbol of the events when chunks carry no symbol column. */
  readonly fixedSymbol: number;
  /** Recorded arrival order: keep it even where timestamps go back (the clock then holds). */
  readonly tapeOrder: boolean;
}

const KIND_TRADE = 1, KIND_SNAPSHOT = 2;

/**
 * Events of a tape in chunks, bounded memory. With read-ahead a native thread
 * (flox_event_feed) decodes the next chunks while the JavaScript loop replays the current one;
 * without, the calling thread decodes each chunk when it needs it (flox_tape_reader_read_events).
 */
class TapeSource implements EventSource {
  readonly tapeOrder = true;
  readonly #op: string;
  readonly #handle: OwnedHandle;
  readonly #readAhead: boolean;
  readonly #cols: EventColumns;
  readonly #chunk: EventChunk;

  constructor(op: string, readonly dir: string, readonly fixedSymbol: number, readAhead: boolean) {
    this.#op = op;
    this.#readAhead = readAhead;
    let levels: number;
    if (readAhead) {
      const raw = feedOpen(op, dir, CHUNK);
      this.#handle = new OwnedHandle(raw, feedDestroy, `tape feed for ${dir}`);
      levels = feedLevelCap(raw);
    } else {
      this.#handle = new OwnedHandle(
        openReaderHandle(op, dir, undefined, true),
        readerDestroy,
        `tape reader for ${dir}`,
      );
      levels = Math.max(MAX_BOOK_LEVELS, CHUNK * 4);
    }
    const c = this.#cols = allocEventColumns(CHUNK, levels);
    this.#chunk = {
      length: 0,
      kind: c.kind,
      tsNs: c.tsNs,
      symbolId: c.symbolId,
      price: c.price,
      qty: c.qty,
      side: c.side,
      levelStart: c.levelStart,
      bidCount: c.bidCount,
      askCount: c.askCount,
      levelPrice: c.levelPrice,
      levelQty: c.levelQty,
    };
  }

  next(): EventChunk | null {
    const h = this.#handle.get(this.#op), c = this.#cols;
    const events = this.#readAhead ? feedNext(this.#op, h, c) : readerReadEvents(this.#op, h, c)[0];
    if (events === 0) return null;
    this.#chunk.length = events;
    return this.#chunk;
  }

  /** Damage reports (torn tails, CRC mismatches) met in the tape; valid once the end was read. */
  damage(): number {
    const h = this.#handle.get(this.#op);
    return this.#readAhead ? feedDamageCount(h) : readerDamageCount(h);
  }

  close(): void {
    this.#handle.close();
  }
}

/** Per-source state: the prepared timestamps and clock of the current chunk, and the position in it. */
class Cursor {
  ts = new BigInt64Array(CHUNK);
  t = new Float64Array(CHUNK);
  chunk: EventChunk | null = null;
  i = 0;
  #prev = INT64_MIN;
  #index = 0;
  #clock = new BigInt64Array(1);
  constructor(readonly src: EventSource) {}

  advance(): void {
    for (let c = this.src.next(); c !== null; c = this.src.next()) {
      if (c.length > 0) {
        this.chunk = c;
        this.i = 0;
        return;
      }
    }
    this.chunk = null;
  }

  /** Normalises and checks the chunk (one native call) and computes its clock offsets. */
  prepare(c: EventChunk, base: bigint): void {
    const n = c.length;
    if (this.ts.length < n) {
      this.ts = new BigInt64Array(n);
      this.t = new Float64Array(n);
    }
    const flags = (c.kind !== null ? BT_KINDS : 0) | (this.src.tapeOrder ? BT_TAPE_ORDER : 0);
    btPrepare(
      "BacktestRunner",
      c.tsNs,
      c.price,
      c.qty,
      c.kind ?? NO_KINDS,
      flags,
      n,
      this.#index,
      base,
      this.#prev,
      this.ts,
      this.t,
      this.#clock,
    );
    this.#prev = this.#clock[0];
    this.#index += n;
  }
}

/** The symbol when every row of the chunk is a trade of one symbol (the fast path), else -1. */
function singleSymbolTrades(c: EventChunk): number {
  const n = c.length, kind = c.kind, ids = c.symbolId;
  if (kind !== null) { for (let i = 0; i < n; i++) if (kind[i] !== KIND_TRADE) return -1; }
  if (ids === null) return -1;
  const id = ids[0];
  for (let i = 1; i < n; i++) if (ids[i] !== id) return -1;
  return id;
}

/** One event of a chunk through the executor (general path: any kind, any symbol). */
function playOne(exec: SimulatedExecutor, c: EventChunk, t: number, i: number, fixedSymbol: number): void {
  const sym = c.symbolId === null ? fixedSymbol : c.symbolId[i];
  if (c.kind === null || c.kind[i] === KIND_TRADE) {
    exec.tradeAt(sym, c.price[i], c.qty[i], c.side === null || c.side[i] === 0, t, i);
    return;
  }
  const start = c.levelStart![i], nb = c.bidCount![i], na = c.askCount![i];
  exec.bookAt(
    {
      symbol: sym,
      tsNs: exec.currentTsNs(),
      snapshot: c.kind[i] === KIND_SNAPSHOT,
      bidPrices: c.levelPrice!.subarray(start, start + nb),
      bidQtys: c.levelQty!.subarray(start, start + nb),
      askPrices: c.levelPrice!.subarray(start + nb, start + nb + na),
      askQtys: c.levelQty!.subarray(start + nb, start + nb + na),
    },
    t,
    i,
  );
}
