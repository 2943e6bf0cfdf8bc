// Runner: the live host of strategies. Market data in (onTrade, onBookSnapshot, onBookDelta), signals
// out (onSignal), positions from the fills the application reports (onFill) or, in paper mode, from
// the simulated executor filling the signals against the incoming market data.
//
// Threading model
//  - Sync (default): every on* call dispatches to the strategies before it returns.
//  - Threaded: on* calls publish into a native ring (lib/ring.ts) and return; the runner drains the
//    ring in batches on the event loop (setImmediate while there is work; when idle with Worker
//    producers, an Atomics.waitAsync that the next publish wakes) and dispatches each batch to the
//    strategies on this thread. Workers
//    publish with RingProducer.fromTicket(runner.producerTicket()). Each producer's order is kept;
//    stop() closes the ring to producers and dispatches everything already queued.
//  - Back-pressure: when the ring is full, a main-thread on* call drains and dispatches a batch inline
//    and retries (it never waits for the event loop, so it cannot deadlock it); a Worker producer
//    waits for the next drain with Atomics.wait and retries.
import { setImmediate } from "node:timers";
import { FloxError, invalidArgument } from "./errors.ts";
import { L2Book } from "./l2_book.ts";
import type { BookUpdate, Fill, OrderRequest, Side, Signal, Trade } from "./market.ts";
import { type BacktestRunResult, SimulatedExecutor } from "./executor.ts";
import { EventRing, RingBatch, RingEventKind, type RingTicket } from "./ring.ts";
import { FloxStatus } from "./status_codes.ts";
import { type Strategy, type StrategyHost, SymbolContext } from "./strategy.ts";
import { symbolId, type SymbolLike, type SymbolRegistry } from "./symbols.ts";

/** Receives every event the runner dispatches (a TapeRecorder from makeRecorderHook fits). */
export interface MarketDataRecorder {
  recordTrade(symbol: number, price: number, qty: number, isBuy: boolean, tsNs: bigint): void;
  recordBook(
    symbol: number,
    bidPrices: Float64Array,
    bidQtys: Float64Array,
    askPrices: Float64Array,
    askQtys: Float64Array,
    tsNs: bigint,
    options?: { snapshot?: boolean },
  ): void;
}

/** Paper trading: the simulated executor of the backtests fills the signals against live data. */
export interface PaperOptions {
  /** Starting cash, quote currency, > 0. Default 10000. */
  initialCapital?: number;
  /** Fraction of notional charged per fill. Default 0. */
  feeRate?: number;
  /** Equity sampling interval of the paper account, ns of event time. Default 60 s. */
  equityIntervalNs?: number | bigint;
}

/** Options of the Runner. */
export interface RunnerOptions {
  /**
   * Paper mode: signals still go to onSignal, and the simulated executor (the one BacktestRunner
   * uses) fills them against the incoming trades and books, so ctx carries positions without any
   * onFill call. `true` uses the defaults of PaperOptions. Default: off (live; report fills).
   */
  paper?: boolean | PaperOptions;
  /** Queue market data in a native ring and dispatch it in batches on the event loop. Default false. */
  threaded?: boolean;
  /** Threaded: ring capacity in 64-byte slots, a power of two. Default 65536 (4 MiB). */
  ringCapacity?: number;
  /** Threaded: events per drain. Default 4096. */
  batchSize?: number;
  /**
   * Threaded, with Worker producers: an idle runner sleeps until a Worker publishes (Atomics.waitAsync
   * on a shared word the producer notifies) and looks at the ring at least this often anyway, in ms.
   * Default 10.
   */
  idlePollMs?: number;
  /**
   * Threaded: receives an exception thrown by a strategy or onSignal while a batch is dispatched on
   * the event loop; the runner goes on with the next event. Without it the exception is rethrown from
   * the event-loop task (an uncaught error; Deno exits). In sync mode exceptions reach the on* caller.
   */
  onError?: (error: unknown) => void;
}

/** Strategies' orders the runner still tracks (for fills and cancels). */
interface OpenOrder {
  readonly strategy: Strategy;
  readonly signal: Signal;
  remaining: number;
  cancelled: boolean;
}

// Writable versions of the shared event shapes: one object per kind, reused for every event.
class TradeEvent implements Trade {
  symbol = 0;
  price = 0;
  qty = 0;
  isBuy = false;
  tsNs = 0n;
}
class BookEvent implements BookUpdate {
  symbol = 0;
  tsNs = 0n;
  snapshot = true;
  bidPrices: Float64Array = new Float64Array(0);
  bidQtys: Float64Array = new Float64Array(0);
  askPrices: Float64Array = new Float64Array(0);
  askQtys: Float64Array = new Float64Array(0);
}

const BATCHES_PER_TASK = 8; // then yield to the event loop so timers and I/O still run

type State = "idle" | "running" | "stopping" | "stopped" | "closed";

/** Hosts strategies on live market data. See the file comment for the threading model. */
export class Runner implements StrategyHost {
  readonly #registry: SymbolRegistry;
  readonly #onSignal: (signal: Signal) => void;
  readonly #onError: ((error: unknown) => void) | undefined;
  readonly #idlePollMs: number;
  readonly #strategies: Strategy[] = [];
  #bySymbol: Strategy[][] = []; // symbol id -> strategies trading it
  readonly #contexts: SymbolContext[] = [];
  readonly #books: L2Book[] = [];
  readonly #orders = new Map<number, OpenOrder>();
  #nextOrderId = 1;
  #eventTsNs = 0n;
  #state: State = "idle";
  #recorder: MarketDataRecorder | null = null;
  readonly #trade = new TradeEvent();
  readonly #book = new BookEvent();
  readonly #paper: SimulatedExecutor | null = null;
  #paperResult: BacktestRunResult | null = null;

  // Threaded mode.
  readonly #ring: EventRing | null = null;
  readonly #batch: RingBatch | null = null;
  #pos = 0; // next event of #batch to dispatch (shared by nested drains, so order holds)
  #levelPos = 0;
  #scheduled = false;
  #sleeping = false; // waiting in ring.waitForEvents for a Worker to publish
  #workersMayPublish = false;

  /**
   * @param registry symbols the runner accepts (events for other ids are refused).
   * @param onSignal receives every order and cancel the strategies send, synchronously, as they send it.
   */
  constructor(registry: SymbolRegistry, onSignal: (signal: Signal) => void, options: RunnerOptions = {}) {
    const op = "Runner.constructor";
    if (registry === null || typeof registry !== "object" || typeof registry.get !== "function") {
      throw invalidArgument(op, "registry must be a SymbolRegistry");
    }
    if (typeof onSignal !== "function") throw invalidArgument(op, "onSignal must be a function");
    if (options.onError !== undefined && typeof options.onError !== "function") {
      throw invalidArgument(op, "options.onError must be a function");
    }
    this.#registry = registry;
    this.#onSignal = onSignal;
    this.#onError = options.onError;
    this.#idlePollMs = options.idlePollMs ?? 10;
    if (!(this.#idlePollMs >= 0 && this.#idlePollMs < 60_000)) {
      throw invalidArgument(op, `idlePollMs is ${options.idlePollMs}; must be in [0, 60000)`);
    }
    if (options.paper !== undefined && options.paper !== false) {
      const p: PaperOptions = options.paper === true ? {} : options.paper;
      if (p === null || typeof p !== "object") throw invalidArgument(op, "options.paper must be true or PaperOptions");
      this.#paper = new SimulatedExecutor({
        initialCapital: p.initialCapital ?? 10_000,
        feeRate: p.feeRate ?? 0,
        equityIntervalNs: p.equityIntervalNs,
        onSignal,
      });
    }
    if (options.threaded) {
      const batchSize = options.batchSize ?? 4096;
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1 << 20) {
        throw invalidArgument(op, `batchSize is ${batchSize}; must be an integer in [1, 1048576]`);
      }
      this.#ring = new EventRing(options.ringCapacity ?? 65536);
      this.#ring.shutdown(); // producers may publish only while the runner runs
      this.#batch = new RingBatch(batchSize);
    }
  }

  /** True in threaded mode. */
  get threaded(): boolean {
    return this.#ring !== null;
  }

  /** True between start() and stop(). */
  get running(): boolean {
    return this.#state === "running";
  }

  /** Adds a strategy; only while the runner is not running. */
  addStrategy(strategy: Strategy): void {
    const op = "Runner.addStrategy";
    this.#usable(op);
    if (this.#state === "running" || this.#state === "stopping") {
      throw new FloxError(FloxStatus.STATE, `${op}: the runner is running; add strategies before start()`);
    }
    if (strategy === null || typeof strategy !== "object" || !Array.isArray(strategy.symbols)) {
      throw invalidArgument(op, "strategy must be a Strategy");
    }
    if (this.#strategies.includes(strategy)) throw invalidArgument(op, "this strategy was already added");
    for (const id of strategy.symbols) this.#registry.resolve(id, op);
    this.#strategies.push(strategy);
  }

  /**
   * Records every event the runner dispatches (in dispatch order, Worker events included), or stops
   * recording with null. The recorder is not closed by the runner.
   */
  setMarketDataRecorder(recorder: MarketDataRecorder | null): void {
    if (
      recorder !== null &&
      (typeof recorder !== "object" || typeof recorder.recordTrade !== "function" ||
        typeof recorder.recordBook !== "function")
    ) {
      throw invalidArgument("Runner.setMarketDataRecorder", "recorder must have recordTrade and recordBook methods");
    }
    this.#recorder = recorder;
  }

  /** Attaches the strategies, calls their onStart, and accepts market data. */
  start(): void {
    const op = "Runner.start";
    this.#usable(op);
    if (this.#state === "running" || this.#state === "stopping") {
      throw new FloxError(FloxStatus.STATE, `${op}: already running`);
    }
    if (this.#paper !== null) {
      // The executor hosts the strategies: it attaches them, calls onStart and, per event, fills
      // resting orders before it calls them. Each start is a fresh paper account.
      this.#paperResult = null;
      this.#state = "running";
      try {
        this.#paper.start(this.#strategies);
      } catch (e) {
        this.#state = "stopped";
        throw e;
      }
      this.#ring?.reopen();
      if (this.#workersMayPublish) this.#schedule();
      return;
    }
    const attached: Strategy[] = [];
    try {
      for (const s of this.#strategies) {
        s.attach(this);
        attached.push(s);
      }
    } catch (e) {
      for (const s of attached) s.detach();
      throw e;
    }
    this.#bySymbol = [];
    for (const s of this.#strategies) {
      for (const id of s.symbols) (this.#bySymbol[id] ??= []).push(s);
    }
    this.#state = "running";
    this.#ring?.reopen();
    for (const s of this.#strategies) s.onStart?.();
    if (this.#workersMayPublish) this.#schedule();
  }

  /**
   * Threaded: closes the ring to producers (Workers then get FloxError CLOSED) and dispatches every
   * event queued before. Then calls each strategy's onStop and detaches them. Idempotent.
   */
  stop(): void {
    if (this.#state !== "running") return;
    const ring = this.#ring;
    let failure: { error: unknown } | null = null;
    if (ring !== null) {
      ring.shutdown(); // also wakes a sleeping wait, which then finds the runner stopped
      // A producer may have claimed slots it is still writing: drain until nothing is claimed. A
      // callback's exception does not stop the drain; the first is rethrown once the runner stopped.
      const b = this.#batch!;
      while (b.more || this.#pos < b.length || ring.stats().pending > 0) {
        failure = this.#drainInline() ?? failure;
      }
    }
    this.#state = "stopping";
    if (this.#paper !== null) {
      try {
        this.#paperResult = this.#paper.finish(); // calls onStop and detaches
      } finally {
        this.#state = "stopped";
      }
    } else {
      try {
        for (const s of this.#strategies) s.onStop?.();
      } finally {
        for (const s of this.#strategies) s.detach();
        this.#state = "stopped";
      }
    }
    if (failure !== null) throw failure.error;
  }

  /** Threaded: dispatches everything queued so far, now, on this thread. Sync mode: no-op. */
  flush(): void {
    if (this.#ring === null || this.#state !== "running") return;
    this.#consume(Infinity);
  }

  /**
   * Paper mode: the paper account's statistics (the BacktestRunner's result shape: netPnl,
   * returnPct, sharpe, maxDrawdownPct, fills, equityCurve(), trades(), ...) of the last session,
   * available after stop(); null before, or when not in paper mode.
   */
  paperResult(): BacktestRunResult | null {
    return this.#paperResult;
  }

  /**
   * A ticket for RingProducer.fromTicket inside a Worker (threaded mode only). While a ticket is out
   * the running runner, when idle, sleeps until a Worker publishes (see idlePollMs). Close the runner only after the Workers
   * that hold tickets stopped publishing.
   */
  producerTicket(): RingTicket {
    const op = "Runner.producerTicket";
    this.#usable(op);
    if (this.#ring === null) {
      throw new FloxError(FloxStatus.STATE, `${op}: Worker producers need a threaded runner ({ threaded: true })`);
    }
    this.#workersMayPublish = true;
    if (this.#state === "running") this.#schedule();
    return this.#ring.ticket();
  }

  /** A trade from the feed. tsNs: exchange time, ns since the epoch, as a bigint. */
  onTrade(symbol: SymbolLike, price: number, qty: number, isBuy: boolean, tsNs: bigint): void {
    const id = this.#eventSymbol("Runner.onTrade", symbol, tsNs);
    const ring = this.#ring;
    if (ring === null) {
      if (!(price > 0 && price < Infinity)) {
        throw invalidArgument("Runner.onTrade", `price is ${price}; must be finite and > 0`, FloxStatus.BAD_PRICE);
      }
      if (!(qty > 0 && qty < Infinity)) {
        throw invalidArgument("Runner.onTrade", `qty is ${qty}; must be finite and > 0`, FloxStatus.BAD_QUANTITY);
      }
      this.#dispatchTrade(id, price, qty, isBuy === true, tsNs);
      return;
    }
    let failure: { error: unknown } | null = null;
    while (!ring.tryPublishTrade(id, price, qty, isBuy === true, tsNs)) failure = this.#drainInline() ?? failure;
    this.#schedule();
    if (failure !== null) throw failure.error;
  }

  /** A full book: the levels replace what was known (bids best first, then asks best first). */
  onBookSnapshot(
    symbol: SymbolLike,
    bidPrices: Float64Array,
    bidQtys: Float64Array,
    askPrices: Float64Array,
    askQtys: Float64Array,
    tsNs: bigint,
  ): void {
    this.#onBook("Runner.onBookSnapshot", true, symbol, bidPrices, bidQtys, askPrices, askQtys, tsNs);
  }

  /** Changed levels: each sets its price's quantity; qty 0 removes the level. */
  onBookDelta(
    symbol: SymbolLike,
    bidPrices: Float64Array,
    bidQtys: Float64Array,
    askPrices: Float64Array,
    askQtys: Float64Array,
    tsNs: bigint,
  ): void {
    this.#onBook("Runner.onBookDelta", false, symbol, bidPrices, bidQtys, askPrices, askQtys, tsNs);
  }

  /**
   * A fill the exchange reported for an order the strategies sent (live mode). Updates the symbol's
   * position and average entry price, then calls the owning strategy's onFill. Threaded: first
   * dispatches the market data queued before it, so the strategy sees events in the order reported.
   * @param fee fee charged for this fill, quote currency (default 0).
   * @param tsNs fill time (default: the timestamp of the last dispatched event).
   */
  onFill(orderId: number, price: number, qty: number, fee = 0, tsNs?: bigint): void {
    const op = "Runner.onFill";
    this.#usable(op);
    if (this.#state !== "running") throw new FloxError(FloxStatus.STATE, `${op}: the runner is not running`);
    if (this.#paper !== null) {
      throw new FloxError(FloxStatus.STATE, `${op}: in paper mode the simulated executor fills the orders itself`);
    }
    const order = this.#orders.get(orderId);
    if (order === undefined) {
      throw new FloxError(FloxStatus.NOT_FOUND, `${op}: order ${orderId} was not sent by this runner's strategies`);
    }
    if (!(price > 0 && price < Infinity)) {
      throw invalidArgument(op, `price is ${price}; must be finite and > 0`, FloxStatus.BAD_PRICE);
    }
    if (!(qty > 0 && qty < Infinity)) {
      throw invalidArgument(op, `qty is ${qty}; must be finite and > 0`, FloxStatus.BAD_QUANTITY);
    }
    if (qty > order.remaining * (1 + 1e-9)) {
      throw invalidArgument(
        op,
        `qty ${qty} exceeds the ${order.remaining} left of order ${orderId}`,
        FloxStatus.BAD_QUANTITY,
      );
    }
    if (!(fee >= 0 && fee < Infinity)) throw invalidArgument(op, `fee is ${fee}; must be finite and >= 0`);
    if (tsNs !== undefined && typeof tsNs !== "bigint") throw invalidArgument(op, "tsNs must be a bigint");
    this.flush();
    order.remaining -= qty;
    if (order.remaining <= order.signal.quantity * 1e-9) this.#orders.delete(orderId);
    const ctx = this.context(order.signal.symbol);
    applyFillToContext(ctx, order.signal.side, qty, price);
    this.#deliverFill(order.strategy, {
      orderId,
      symbol: order.signal.symbol,
      side: order.signal.side,
      price,
      qty,
      fee,
      tsNs: tsNs ?? this.#eventTsNs,
    });
  }

  /**
   * The exchange closed an order without filling the rest (cancel confirmed, expired, rejected):
   * the runner stops tracking it, and later fills for it are refused. Until then a cancelled order
   * still accepts fills (they may race the cancel). Unknown ids are ignored. Live mode only.
   */
  onOrderClosed(orderId: number): void {
    const op = "Runner.onOrderClosed";
    this.#usable(op);
    if (this.#paper !== null) {
      throw new FloxError(FloxStatus.STATE, `${op}: in paper mode the simulated executor tracks the orders itself`);
    }
    this.#orders.delete(orderId);
  }

  /** The context of a symbol (positions are per symbol, shared by the runner's strategies). */
  context(symbolId: number): SymbolContext {
    if (this.#paper !== null && this.#state !== "idle") return this.#paper.context(symbolId);
    let ctx = this.#contexts[symbolId];
    if (ctx === undefined) {
      this.#registry.resolve(symbolId, "Runner.context");
      ctx = this.#contexts[symbolId] = new SymbolContext(symbolId);
    }
    return ctx;
  }

  /** @internal StrategyHost: a strategy sent an order. */
  submit(strategy: Strategy, order: OrderRequest): number {
    const orderId = this.#nextOrderId++;
    const signal: Signal = {
      orderId,
      symbol: order.symbol,
      side: order.side,
      orderType: order.orderType,
      quantity: order.quantity,
      price: order.price,
      triggerPrice: order.triggerPrice,
      reduceOnly: order.reduceOnly,
      tsNs: this.#eventTsNs,
      action: "submit",
    };
    this.#orders.set(orderId, { strategy, signal, remaining: order.quantity, cancelled: false });
    this.#onSignal(signal);
    return orderId;
  }

  /** @internal StrategyHost: a strategy cancels one of its orders (no-op when filled or cancelled). */
  cancel(strategy: Strategy, orderId: number): void {
    const order = this.#orders.get(orderId);
    if (order === undefined || order.cancelled) return;
    if (order.strategy !== strategy) {
      throw invalidArgument("Strategy.cancelOrder", `order ${orderId} belongs to another strategy`);
    }
    // Kept until filled: the exchange may still report fills that raced the cancel.
    order.cancelled = true;
    const s = order.signal;
    this.#onSignal({ ...s, quantity: order.remaining, tsNs: this.#eventTsNs, action: "cancel" });
  }

  /** Stops the runner if running and frees the ring. Idempotent. */
  close(): void {
    if (this.#state === "closed") return;
    try {
      this.stop();
    } finally {
      this.#ring?.close();
      this.#state = "closed";
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }

  // --- event intake -------------------------------------------------------------------------

  #usable(op: string): void {
    if (this.#state === "closed") throw new FloxError(FloxStatus.CLOSED, `${op}: the runner is closed`);
  }

  #eventSymbol(op: string, symbol: SymbolLike, tsNs: bigint): number {
    if (this.#state !== "running") {
      throw new FloxError(
        this.#state === "closed" ? FloxStatus.CLOSED : FloxStatus.STATE,
        `${op}: the runner is not running (call start() first)`,
      );
    }
    if (typeof tsNs !== "bigint") throw invalidArgument(op, `tsNs is ${typeof tsNs}; must be a bigint (ns)`);
    const id = symbolId(symbol);
    if (this.#registry.get(id) === undefined) {
      throw new FloxError(FloxStatus.NOT_FOUND, `${op}: no symbol with id ${id} in the registry`);
    }
    return id;
  }

  #onBook(
    op: string,
    snapshot: boolean,
    symbol: SymbolLike,
    bidPrices: Float64Array,
    bidQtys: Float64Array,
    askPrices: Float64Array,
    askQtys: Float64Array,
    tsNs: bigint,
  ): void {
    const id = this.#eventSymbol(op, symbol, tsNs);
    for (
      const [name, a] of [["bidPrices", bidPrices], ["bidQtys", bidQtys], ["askPrices", askPrices], [
        "askQtys",
        askQtys,
      ]] as const
    ) {
      if (!(a instanceof Float64Array)) throw invalidArgument(op, `${name} must be a Float64Array`);
    }
    const ring = this.#ring;
    if (ring === null) {
      checkSide(op, "bid", bidPrices, bidQtys);
      checkSide(op, "ask", askPrices, askQtys);
      this.#dispatchBook(id, snapshot, bidPrices, bidQtys, askPrices, askQtys, tsNs);
      return;
    }
    let failure: { error: unknown } | null = null;
    while (!ring.tryPublishBook(id, bidPrices, bidQtys, askPrices, askQtys, tsNs, snapshot)) {
      failure = this.#drainInline() ?? failure;
    }
    this.#schedule();
    if (failure !== null) throw failure.error;
  }

  // --- dispatch -----------------------------------------------------------------------------

  #dispatchTrade(symbol: number, price: number, qty: number, isBuy: boolean, tsNs: bigint): void {
    this.#recorder?.recordTrade(symbol, price, qty, isBuy, tsNs);
    this.#eventTsNs = tsNs;
    if (this.#paper !== null) {
      this.#paper.onTrade(symbol, price, qty, isBuy, tsNs);
      return;
    }
    const subs = this.#bySymbol[symbol];
    const ctx = this.#contexts[symbol] ?? this.context(symbol);
    ctx.lastTradePrice = price;
    if (subs === undefined) return;
    const t = this.#trade;
    t.symbol = symbol;
    t.price = price;
    t.qty = qty;
    t.isBuy = isBuy;
    t.tsNs = tsNs;
    for (let i = 0; i < subs.length; i++) subs[i].onTrade?.(ctx, t);
  }

  #dispatchBook(
    symbol: number,
    snapshot: boolean,
    bidPrices: Float64Array,
    bidQtys: Float64Array,
    askPrices: Float64Array,
    askQtys: Float64Array,
    tsNs: bigint,
  ): void {
    this.#recorder?.recordBook(symbol, bidPrices, bidQtys, askPrices, askQtys, tsNs, { snapshot });
    this.#eventTsNs = tsNs;
    if (this.#paper !== null) {
      const u = this.#fillBookEvent(symbol, snapshot, bidPrices, bidQtys, askPrices, askQtys, tsNs);
      this.#paper.onBook(u);
      return;
    }
    const book = this.#books[symbol] ??= new L2Book();
    if (snapshot) book.applySnapshot(bidPrices, bidQtys, askPrices, askQtys);
    else book.applyDelta(bidPrices, bidQtys, askPrices, askQtys);
    const ctx = this.#contexts[symbol] ?? this.context(symbol);
    ctx.bestBid = book.bestBid;
    ctx.bestAsk = book.bestAsk;
    const subs = this.#bySymbol[symbol];
    if (subs === undefined) return;
    const b = this.#fillBookEvent(symbol, snapshot, bidPrices, bidQtys, askPrices, askQtys, tsNs);
    for (let i = 0; i < subs.length; i++) subs[i].onBookUpdate?.(ctx, b);
  }

  #fillBookEvent(
    symbol: number,
    snapshot: boolean,
    bidPrices: Float64Array,
    bidQtys: Float64Array,
    askPrices: Float64Array,
    askQtys: Float64Array,
    tsNs: bigint,
  ): BookEvent {
    const b = this.#book;
    b.symbol = symbol;
    b.tsNs = tsNs;
    b.snapshot = snapshot;
    b.bidPrices = bidPrices;
    b.bidQtys = bidQtys;
    b.askPrices = askPrices;
    b.askQtys = askQtys;
    return b;
  }

  #deliverFill(strategy: Strategy, fill: Fill): void {
    strategy.onFill?.(this.context(fill.symbol), fill);
  }

  // --- threaded consumer --------------------------------------------------------------------

  /**
   * Dispatches what is left of the current batch, then drains and dispatches up to `maxBatches`
   * more. The batch cursor is a field, advanced before each dispatch: a nested call (a full ring
   * met from inside a callback) continues the same sequence, and an exception skips only the event
   * whose callback threw.
   */
  #consume(maxBatches: number): void {
    const ring = this.#ring!, b = this.#batch!;
    this.#dispatchRest(b);
    for (let n = 0; n < maxBatches; n++) {
      if (ring.drain(b) === 0) return;
      this.#pos = 0;
      this.#levelPos = 0;
      this.#dispatchRest(b);
      if (!b.more) return;
    }
  }

  /**
   * Back-pressure on the main thread: dispatch one batch here to make room. A callback's exception
   * goes to onError, or is handed back so the caller can rethrow it after its own event is queued
   * (the event that met the full ring is never dropped because a strategy failed).
   */
  #drainInline(): { error: unknown } | null {
    try {
      this.#consume(1);
      return null;
    } catch (error) {
      if (this.#onError === undefined) return { error };
      this.#onError(error);
      return null;
    }
  }

  #dispatchRest(b: RingBatch): void {
    while (this.#pos < b.length) {
      const i = this.#pos++;
      const kind = b.kinds[i];
      if (kind === RingEventKind.TRADE) {
        this.#dispatchTrade(b.symbols[i], b.prices[i], b.qtys[i], b.sides[i] === 0, b.tsNs[i]);
      } else {
        const nb = b.nBids[i], na = b.nAsks[i], at = this.#levelPos;
        this.#levelPos += nb + na;
        this.#dispatchBook(
          b.symbols[i],
          kind === RingEventKind.BOOK_SNAPSHOT,
          b.levelPrices.subarray(at, at + nb),
          b.levelQtys.subarray(at, at + nb),
          b.levelPrices.subarray(at + nb, at + nb + na),
          b.levelQtys.subarray(at + nb, at + nb + na),
          b.tsNs[i],
        );
      }
    }
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#pump);
  }

  readonly #pump = (): void => {
    this.#scheduled = false;
    if (this.#state !== "running") return;
    let failure: unknown = undefined, failed = false;
    try {
      this.#consume(BATCHES_PER_TASK);
    } catch (e) {
      failure = e;
      failed = true;
    }
    const b = this.#batch!;
    if (b.more || this.#pos < b.length) this.#schedule();
    else if (this.#workersMayPublish) this.#sleep();
    if (failed) {
      if (this.#onError === undefined) throw failure;
      this.#onError(failure);
    }
  };

  // Idle with Worker producers: wait (without blocking the event loop) until one publishes.
  #sleep(): void {
    if (this.#sleeping || this.#state !== "running") return;
    const wait = this.#ring!.waitForEvents(this.#idlePollMs);
    if (wait === null) {
      this.#schedule();
      return;
    }
    this.#sleeping = true;
    wait.then(this.#onWake, this.#onWake);
  }

  readonly #onWake = (): void => {
    this.#sleeping = false;
    if (this.#state === "running") this.#schedule();
  };
}

/** Position and average entry after a fill (average kept when reducing, reset when flipping). */
function applyFillToContext(ctx: SymbolContext, side: Side, qty: number, price: number): void {
  const signed = side === "buy" ? qty : -qty;
  const pos = ctx.position;
  let next = pos + signed;
  // Sums like 0.1 + 0.2 - 0.3 leave dust: treat what is below a billionth of the sizes as flat.
  if (Math.abs(next) <= 1e-9 * Math.max(Math.abs(pos), qty)) next = 0;
  if (next === 0) ctx.avgEntryPrice = 0;
  else if (pos === 0 || (pos > 0) === (signed > 0)) {
    ctx.avgEntryPrice = (Math.abs(pos) * ctx.avgEntryPrice + qty * price) / Math.abs(next);
  } else if ((next > 0) !== (pos > 0)) ctx.avgEntryPrice = price; // flipped through flat
  ctx.position = next;
}

function checkSide(op: string, side: "bid" | "ask", prices: Float64Array, qtys: Float64Array): void {
  if (prices.length !== qtys.length) {
    throw new FloxError(
      FloxStatus.LENGTH_MISMATCH,
      `${op}: ${side}Prices has ${prices.length} levels but ${side}Qtys has ${qtys.length}`,
    );
  }
  for (let i = 0; i < prices.length; i++) {
    if (!(prices[i] > 0 && prices[i] < Infinity)) {
      throw invalidArgument(op, `${side}Prices[${i}] is ${prices[i]}; must be finite and > 0`, FloxStatus.BAD_PRICE);
    }
    if (!(qtys[i] >= 0 && qtys[i] < Infinity)) {
      throw invalidArgument(op, `${side}Qtys[${i}] is ${qtys[i]}; must be finite and >= 0`, FloxStatus.BAD_QUANTITY);
    }
  }
}
