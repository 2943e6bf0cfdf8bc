// A live market-data feed over ccxt's websocket (pro) interface: watches trades and order books for
// several symbols of one exchange, validates what ccxt parsed, and hands each event to a sink.
// Dropped connections are retried with backoff and recorded as gaps; malformed events are counted
// and skipped; stop() drains what ccxt already received so nothing is lost on shutdown.
import ccxt from "ccxt";
import { type MarketDataSink, msToNs } from "./market_sink.ts";
import { backoffDelay, GapTracker } from "./gap_tracker.ts";
import { formatDuration } from "./duration.ts";

/** The trade fields this feed reads from ccxt's unified trade structure. */
export interface CcxtTrade {
  id?: string;
  timestamp?: number;
  price?: number;
  amount?: number;
  side?: string;
}

/** The order-book fields this feed reads from ccxt's unified order book. */
export interface CcxtOrderBook {
  bids: ArrayLike<ArrayLike<number>>;
  asks: ArrayLike<ArrayLike<number>>;
  timestamp?: number;
  nonce?: number;
}

/** The part of a ccxt.pro exchange the feed uses (a structural type, so tests and ccxt both fit). */
export interface ProExchange {
  readonly id: string;
  watchTrades(symbol: string): Promise<CcxtTrade[]>;
  watchOrderBook(symbol: string, limit?: number): Promise<CcxtOrderBook>;
  close(): Promise<void>;
  trades?: Record<string, CcxtTrade[] | undefined>;
  orderbooks?: Record<string, CcxtOrderBook | undefined>;
}

export interface FeedSymbol {
  /** ccxt unified symbol, already resolved against the exchange's markets. */
  symbol: string;
  /** Tape symbol id. */
  id: number;
}

export interface FeedOptions {
  /** Levels per side written for each book update; also the depth requested from the exchange. */
  bookDepth?: number;
  trades?: boolean;
  books?: boolean;
  /** Reconnect backoff: first delay and cap, in milliseconds. */
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  /** How often events ccxt holds without a pending watch are written (ms, default 200). */
  pumpIntervalMs?: number;
  /** Human-readable notices (reconnects, errors); defaults to stderr via console.error. */
  onNotice?: (message: string) => void;
}

export interface FeedStats {
  trades: number;
  bookUpdates: number;
  /** Events ccxt delivered with missing or impossible fields (skipped). */
  malformed: number;
  /** Trades the venue sent without a taker side (recorded as buys). */
  tradesWithoutSide: number;
  /** Errors from ccxt that were not connection drops (bad frames, checksum resyncs, ...). */
  feedErrors: number;
  /** Events the sink refused (write failures). */
  sinkErrors: number;
  reconnects: number;
  /** Streams that gave up for good (unknown symbol, unsupported channel, ...). */
  failedStreams: string[];
}

const DEFAULT_DEPTH_CAP = 1000;

export class CcxtFeed {
  readonly gaps = new GapTracker();
  private readonly stats_: FeedStats = {
    trades: 0,
    bookUpdates: 0,
    malformed: 0,
    tradesWithoutSide: 0,
    feedErrors: 0,
    sinkErrors: 0,
    reconnects: 0,
    failedStreams: [],
  };
  private stopping = false;
  private pumpTimer: ReturnType<typeof setInterval> | undefined;
  private loops: Promise<void>[] = [];
  private readonly lastTrade = new Map<string, CcxtTrade>();
  private readonly lastBookNonce = new Map<string, number | undefined>();
  private readonly lastBookRef = new Map<string, CcxtOrderBook>();
  private readonly wakeups = new Set<() => void>();
  // Reused level buffers: book() receives views over these, never fresh arrays per update.
  private readonly bidPx: Float64Array;
  private readonly bidQty: Float64Array;
  private readonly askPx: Float64Array;
  private readonly askQty: Float64Array;
  private readonly notice: (message: string) => void;

  constructor(
    private readonly exchange: ProExchange,
    private readonly symbols: readonly FeedSymbol[],
    private readonly sink: MarketDataSink,
    private readonly options: FeedOptions = {},
  ) {
    const cap = options.bookDepth ?? DEFAULT_DEPTH_CAP;
    this.bidPx = new Float64Array(cap);
    this.bidQty = new Float64Array(cap);
    this.askPx = new Float64Array(cap);
    this.askQty = new Float64Array(cap);
    this.notice = options.onNotice ?? ((m) => console.error(m));
  }

  /** Starts one watch loop per symbol and channel. */
  start(): void {
    if (this.loops.length > 0) return;
    this.pumpTimer = setInterval(() => this.pump(), this.options.pumpIntervalMs ?? 200);
    for (const s of this.symbols) {
      if (this.options.trades !== false) this.loops.push(this.tradeLoop(s));
      if (this.options.books !== false) this.loops.push(this.bookLoop(s));
    }
  }

  stats(): FeedStats {
    return { ...this.stats_, failedStreams: [...this.stats_.failedStreams] };
  }

  /** True while at least one stream is still running. */
  get running(): boolean {
    return !this.stopping && this.stats_.failedStreams.length < this.loops.length;
  }

  /**
   * Stops the loops, closes the exchange's connections, then writes whatever ccxt had already
   * received but not yet handed out (trades cached since the last wake-up, the latest book state).
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.pumpTimer !== undefined) clearInterval(this.pumpTimer);
    for (const wake of this.wakeups) wake();
    try {
      await this.exchange.close();
    } catch (e) {
      this.notice(`${this.exchange.id}: closing connections failed: ${errorText(e)}`);
    }
    await Promise.allSettled(this.loops);
    this.pump();
    this.gaps.finish(Date.now());
  }

  private streamName(s: FeedSymbol, channel: "trades" | "book"): string {
    return `${this.exchange.id} ${s.symbol} ${channel}`;
  }

  private async tradeLoop(s: FeedSymbol): Promise<void> {
    const stream = this.streamName(s, "trades");
    await this.runStream(stream, async () => {
      const returned = await this.exchange.watchTrades(s.symbol);
      // Written even when stop() raced the wake-up: these trades were received.
      this.takeNewTrades(s, returned);
    });
  }

  private async bookLoop(s: FeedSymbol): Promise<void> {
    const stream = this.streamName(s, "book");
    await this.runStream(stream, async () => {
      const book = await this.exchange.watchOrderBook(s.symbol, this.options.bookDepth);
      if (!this.alreadyWritten(s, book)) this.writeBook(s, book);
    });
  }

  /** Runs `step` until stop(), classifying failures: drops reconnect with backoff, bad data is counted. */
  private async runStream(stream: string, step: () => Promise<void>): Promise<void> {
    const initial = this.options.reconnectInitialMs ?? 500;
    const max = this.options.reconnectMaxMs ?? 30_000;
    let failures = 0;
    while (!this.stopping) {
      try {
        await step();
        failures = 0;
        const gap = this.gaps.end(stream, Date.now());
        if (gap) {
          this.notice(`${stream}: reconnected, data resumed after a gap of ${formatDuration(gap.endMs - gap.startMs)}`);
        }
      } catch (e) {
        if (this.stopping) break;
        failures++;
        if (isFatal(e)) {
          this.stats_.failedStreams.push(stream);
          this.notice(`${stream}: giving up: ${errorText(e)}`);
          return;
        }
        if (e instanceof ccxt.NetworkError && !(e instanceof ccxt.InvalidNonce)) {
          if (this.gaps.begin(stream, Date.now(), errorText(e))) this.stats_.reconnects++;
          const delay = backoffDelay(failures, initial, max);
          this.notice(`${stream}: connection lost (${errorText(e)}); reconnecting in ${formatDuration(delay)}`);
          await this.sleep(delay);
        } else {
          // A frame ccxt could not parse, or an order-book resync (ccxt refetches the snapshot).
          this.stats_.feedErrors++;
          if (failures <= 3 || failures % 100 === 0) this.notice(`${stream}: ignored bad message: ${errorText(e)}`);
          if (failures > 3) await this.sleep(backoffDelay(failures - 3, initial, max));
        }
      }
    }
  }

  /**
   * Writes the trades that arrived since the last one written. ccxt's per-symbol trade cache is the
   * source of truth: the array watchTrades returns ("new updates") can miss trades that arrived
   * while no watch was pending, the cache cannot. Trades are found by identity after the last one
   * written; when that one has left the bounded cache (or a reconnect replaced the cache), every
   * cached trade is new.
   */
  private takeNewTrades(s: FeedSymbol, returned: readonly CcxtTrade[] | undefined): void {
    const cache = this.exchange.trades?.[s.symbol] ?? returned;
    if (!cache || cache.length === 0) return;
    const last = this.lastTrade.get(s.symbol);
    let from = 0;
    if (last !== undefined) from = lastIndexOf(cache, last) + 1;
    for (let i = from; i < cache.length; i++) this.writeTrade(s, cache[i]);
    this.lastTrade.set(s.symbol, cache[cache.length - 1]);
  }

  private writeTrade(s: FeedSymbol, t: CcxtTrade): void {
    const price = t.price, qty = t.amount, ts = t.timestamp;
    if (
      typeof price !== "number" || !(price > 0) || !Number.isFinite(price) ||
      typeof qty !== "number" || !(qty > 0) || !Number.isFinite(qty) ||
      typeof ts !== "number" || !Number.isFinite(ts) || ts <= 0
    ) {
      this.stats_.malformed++;
      return;
    }
    let isBuy = true;
    if (t.side === "sell") isBuy = false;
    else if (t.side !== "buy") this.stats_.tradesWithoutSide++;
    try {
      this.sink.trade(s.id, price, qty, isBuy, msToNs(ts));
      this.stats_.trades++;
    } catch (e) {
      this.sinkError(e);
    }
  }

  /** True when this book state (same object, same sequence number) was written already by pump(). */
  private alreadyWritten(s: FeedSymbol, book: CcxtOrderBook): boolean {
    return book.nonce !== undefined && this.lastBookRef.get(s.symbol) === book &&
      this.lastBookNonce.get(s.symbol) === book.nonce;
  }

  private writeBook(s: FeedSymbol, book: CcxtOrderBook): void {
    this.lastBookRef.set(s.symbol, book);
    this.lastBookNonce.set(s.symbol, book.nonce);
    const cap = this.bidPx.length;
    const nb = Math.min(book.bids.length, cap), na = Math.min(book.asks.length, cap);
    for (let i = 0; i < nb; i++) {
      const level = book.bids[i];
      this.bidPx[i] = level[0];
      this.bidQty[i] = level[1];
    }
    for (let i = 0; i < na; i++) {
      const level = book.asks[i];
      this.askPx[i] = level[0];
      this.askQty[i] = level[1];
    }
    if (!validLevels(this.bidPx, this.bidQty, nb) || !validLevels(this.askPx, this.askQty, na)) {
      this.stats_.malformed++;
      return;
    }
    const ts = typeof book.timestamp === "number" && book.timestamp > 0 ? book.timestamp : Date.now();
    try {
      this.sink.book(
        s.id,
        this.bidPx.subarray(0, nb),
        this.bidQty.subarray(0, nb),
        this.askPx.subarray(0, na),
        this.askQty.subarray(0, na),
        msToNs(ts),
        true,
      );
      this.stats_.bookUpdates++;
    } catch (e) {
      this.sinkError(e);
    }
  }

  /**
   * Writes what ccxt holds but has not handed out: trades appended to its cache and book changes
   * made while no watch was pending (ccxt resolves a watch only on the next message, so without
   * this a quiet market would leave the last events unwritten until more arrive). Runs on a timer
   * while recording and once more at stop().
   */
  pump(): void {
    for (const s of this.symbols) {
      if (this.options.trades !== false) {
        this.takeNewTrades(s, undefined);
      }
      if (this.options.books !== false) {
        const book = this.exchange.orderbooks?.[s.symbol];
        // Only books with a sequence number: without one a change cannot be told from a repeat.
        if (book && book.nonce !== undefined && !this.alreadyWritten(s, book)) this.writeBook(s, book);
      }
    }
  }

  private sinkError(e: unknown): void {
    this.stats_.sinkErrors++;
    if (this.stats_.sinkErrors <= 3) this.notice(`write failed: ${errorText(e)}`);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeups.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeups.add(done);
    });
  }
}

function validLevels(px: Float64Array, qty: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const p = px[i], q = qty[i];
    if (!(p > 0) || !Number.isFinite(p) || !(q >= 0) || !Number.isFinite(q)) return false;
  }
  return true;
}

function lastIndexOf(cache: ArrayLike<CcxtTrade>, item: CcxtTrade): number {
  for (let i = cache.length - 1; i >= 0; i--) if (cache[i] === item) return i;
  return -1;
}

/** Errors that retrying cannot fix. */
function isFatal(e: unknown): boolean {
  // BadRequest covers BadSymbol and a depth the venue does not offer (e.g. --book-depth 7).
  return e instanceof ccxt.BadRequest || e instanceof ccxt.ArgumentsRequired || e instanceof ccxt.NotSupported ||
    e instanceof ccxt.AuthenticationError || e instanceof ccxt.PermissionDenied;
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.constructor.name}: ${e.message}`;
  return String(e);
}
