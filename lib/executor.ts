// SimulatedExecutor: fills strategy orders against market events (spec/engine.md section 6), keeps
// positions, cash, fees and closed trades (section 3 accounting) and samples equity on a fixed clock
// for the metrics of section 4. BacktestRunner drives it over recorded data; the Runner's paper mode
// drives it live.
//
// Per event: market state is updated and resting orders are matched first, then the strategies'
// callback runs; orders sent from a callback are tried at once against the current state.
//
// The per-event path is plain JavaScript over preallocated state: no FFI call, no allocation (the
// trade object handed to strategies is reused and its timestamp is only materialised as a bigint
// when a strategy reads it). Allocation happens per order and per fill, not per event.
import type { BookUpdate, Fill, OrderRequest, Signal, Trade } from "./market.ts";
import { type Strategy, type StrategyHost, SymbolContext } from "./strategy.ts";
import { FloxError, invalidArgument } from "./errors.ts";
import { FloxStatus } from "./status_codes.ts";
import { equityMetrics } from "./equity_metrics.ts";
import type { TradeList as EngineTradeList } from "./engine_types.ts";

/** Quantities are tracked as integer counts of 1e-8 base units so closes are exact (as the batch engine). */
const UNITS = 1e8;
const NS_PER_YEAR = 365.25 * 86400e9;
/** Refuse a single time gap that would need more equity samples than this (a bad timestamp, usually). */
const MAX_SAMPLES_PER_GAP = 10_000_000;

const MARKET = 0, LIMIT = 1, STOP = 2;

/** Options of SimulatedExecutor and BacktestRunner. */
export interface ExecutorOptions {
  /** Fraction of notional charged per fill, >= 0. Default 0. */
  feeRate?: number;
  /** Starting cash in quote currency, > 0. */
  initialCapital: number;
  /** Equity sampling interval in ns of event time, > 0. Default 60 s (60_000_000_000). */
  equityIntervalNs?: number | bigint;
  /** Called with every order and cancel the strategies send (Runner paper mode, recording). */
  onSignal?: (signal: Signal) => void;
}

/** Closed trades (one row per closing event), columnar: the engine's TradeList plus its length. */
export interface TradeList extends EngineTradeList {
  length: number;
}

/** Statistics of a run: the keys of spec/engine.md section 4 plus counts. */
export interface BacktestRunStats {
  netPnl: number;
  returnPct: number;
  realizedPnl: number;
  unrealizedPnl: number;
  totalFees: number;
  totalTrades: number;
  winningTrades: number;
  losingTrades: number;
  winRate: number;
  grossProfit: number;
  grossLoss: number;
  profitFactor: number;
  maxDrawdown: number;
  maxDrawdownPct: number;
  sharpe: number;
  sortino: number;
  calmar: number;
  /** Orders still resting (limit, stop, or market without any price) when the run ended. */
  unfilledOrders: number;
  initialCapital: number;
  finalEquity: number;
  /** Equity samples after E_0 (the n of the return series). */
  bars: number;
  periodsPerYear: number;
  /** Market events processed. */
  events: number;
  /** Orders submitted. */
  orders: number;
  /** Fills. */
  fills: number;
  /** Damage reports met in the tapes of the run (torn tails, CRC mismatches); 0 for other sources. */
  tapeDamage: number;
}

/** Result of a backtest: the statistics, plus the equity curve and the closed trades as typed arrays. */
export class BacktestRunResult implements BacktestRunStats {
  netPnl = 0;
  returnPct = 0;
  realizedPnl = 0;
  unrealizedPnl = 0;
  totalFees = 0;
  totalTrades = 0;
  winningTrades = 0;
  losingTrades = 0;
  winRate = 0;
  grossProfit = 0;
  grossLoss = 0;
  profitFactor = 0;
  maxDrawdown = 0;
  maxDrawdownPct = 0;
  sharpe = 0;
  sortino = 0;
  calmar = 0;
  unfilledOrders = 0;
  initialCapital = 0;
  finalEquity = 0;
  bars = 0;
  periodsPerYear = 0;
  events = 0;
  orders = 0;
  fills = 0;
  tapeDamage = 0;
  readonly #equity: Float64Array;
  readonly #equityTs: BigInt64Array;
  readonly #trades: TradeList;

  /** @internal */
  constructor(stats: BacktestRunStats, equity: Float64Array, equityTs: BigInt64Array, trades: TradeList) {
    Object.assign(this, stats);
    this.#equity = equity;
    this.#equityTs = equityTs;
    this.#trades = trades;
  }

  /** Sampled equity E_1..E_n (E_0 is initialCapital); a copy. */
  equityCurve(): Float64Array {
    return this.#equity.slice();
  }
  /** Event time (ns) of each sample of equityCurve(): clock ticks, then the last event's time. */
  equityTimestamps(): BigInt64Array {
    return this.#equityTs.slice();
  }
  /** Closed trades, columnar; copies. */
  trades(): TradeList {
    const t = this.#trades;
    return {
      entryTsNs: t.entryTsNs.slice(),
      exitTsNs: t.exitTsNs.slice(),
      side: t.side.slice(),
      qty: t.qty.slice(),
      entryPrice: t.entryPrice.slice(),
      exitPrice: t.exitPrice.slice(),
      pnl: t.pnl.slice(),
      fee: t.fee.slice(),
      length: t.length,
    };
  }
  /** The statistics as a plain object (what JSON.stringify prints). */
  toJSON(): BacktestRunStats {
    const o: Record<string, number> = {};
    for (const k of Object.keys(this)) o[k] = (this as unknown as Record<string, number>)[k];
    return o as unknown as BacktestRunStats;
  }
}

class Order {
  open = true;
  constructor(
    readonly id: number,
    readonly strategy: Strategy,
    readonly state: SymbolState,
    readonly dir: number, // +1 buy, -1 sell
    readonly type: number, // MARKET, LIMIT, STOP
    readonly units: number,
    readonly price: number,
    readonly trigger: number,
    readonly reduceOnly: boolean,
  ) {}
}

/** Everything the executor keeps per symbol. */
class SymbolState {
  readonly ctx: SymbolContext;
  strategies: Strategy[] = [];
  /** Signed position in 1e-8 units (an integer). */
  units = 0;
  avgEntry = 0;
  /** Entry fees not yet attributed to a closed trade. */
  feePool = 0;
  entryTsNs = 0n;
  resting: Order[] = [];
  bids = new Map<number, number>();
  asks = new Map<number, number>();

  constructor(readonly id: number) {
    this.ctx = new SymbolContext(id);
  }

  reset(): void {
    this.ctx.reset();
    this.units = 0;
    this.avgEntry = 0;
    this.feePool = 0;
    this.entryTsNs = 0n;
    this.resting = [];
    this.bids.clear();
    this.asks.clear();
  }

  /** Price used to mark the position: last trade, else mid, else the entry price. */
  mark(): number {
    const c = this.ctx;
    if (c.lastTradePrice === c.lastTradePrice) return c.lastTradePrice;
    const mid = c.mid;
    return mid === mid ? mid : this.avgEntry;
  }
}

/** The reused trade object: fields set per event, tsNs read from the executor's clock on demand. */
class TradeEvent implements Trade {
  symbol = 0;
  price = 0;
  qty = 0;
  isBuy = false;
  constructor(private readonly clock: SimulatedExecutor) {}
  get tsNs(): bigint {
    return this.clock.currentTsNs();
  }
}

/** Growable columnar store of closed trades. */
class TradeStore {
  length = 0;
  entryTsNs = new BigInt64Array(64);
  exitTsNs = new BigInt64Array(64);
  side = new Uint8Array(64);
  qty = new Float64Array(64);
  entryPrice = new Float64Array(64);
  exitPrice = new Float64Array(64);
  pnl = new Float64Array(64);
  fee = new Float64Array(64);

  push(
    entryTs: bigint,
    exitTs: bigint,
    side: number,
    qty: number,
    entry: number,
    exit: number,
    pnl: number,
    fee: number,
  ) {
    if (this.length === this.qty.length) this.#grow();
    const i = this.length++;
    this.entryTsNs[i] = entryTs;
    this.exitTsNs[i] = exitTs;
    this.side[i] = side;
    this.qty[i] = qty;
    this.entryPrice[i] = entry;
    this.exitPrice[i] = exit;
    this.pnl[i] = pnl;
    this.fee[i] = fee;
  }

  #grow(): void {
    const cap = this.qty.length * 2;
    const g = <T extends Float64Array | BigInt64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      (b as Float64Array).set(a as Float64Array);
      return b;
    };
    this.entryTsNs = g(this.entryTsNs, (n) => new BigInt64Array(n));
    this.exitTsNs = g(this.exitTsNs, (n) => new BigInt64Array(n));
    this.side = g(this.side, (n) => new Uint8Array(n));
    this.qty = g(this.qty, (n) => new Float64Array(n));
    this.entryPrice = g(this.entryPrice, (n) => new Float64Array(n));
    this.exitPrice = g(this.exitPrice, (n) => new Float64Array(n));
    this.pnl = g(this.pnl, (n) => new Float64Array(n));
    this.fee = g(this.fee, (n) => new Float64Array(n));
  }

  snapshot(): TradeList {
    const n = this.length;
    return {
      entryTsNs: this.entryTsNs.slice(0, n),
      exitTsNs: this.exitTsNs.slice(0, n),
      side: this.side.slice(0, n),
      qty: this.qty.slice(0, n),
      entryPrice: this.entryPrice.slice(0, n),
      exitPrice: this.exitPrice.slice(0, n),
      pnl: this.pnl.slice(0, n),
      fee: this.fee.slice(0, n),
      length: n,
    };
  }
}

function validateOptions(op: string, o: ExecutorOptions): { feeRate: number; capital: number; interval: bigint } {
  if (o === null || typeof o !== "object") throw invalidArgument(op, "options must be an object");
  const capital = o.initialCapital;
  if (typeof capital !== "number" || !(capital > 0 && capital < Infinity)) {
    throw invalidArgument(op, `initialCapital is ${capital}; must be finite and > 0`);
  }
  const feeRate = o.feeRate ?? 0;
  if (typeof feeRate !== "number" || !(feeRate >= 0 && feeRate < Infinity)) {
    throw invalidArgument(op, `feeRate is ${feeRate}; must be finite and >= 0`);
  }
  const raw = o.equityIntervalNs ?? 60_000_000_000n;
  let interval: bigint;
  if (typeof raw === "bigint") interval = raw;
  else if (typeof raw === "number" && Number.isSafeInteger(raw)) interval = BigInt(raw);
  else throw invalidArgument(op, `equityIntervalNs is ${raw}; must be an integer number of ns > 0`);
  if (interval <= 0n) throw invalidArgument(op, `equityIntervalNs is ${raw}; must be > 0`);
  if (o.onSignal !== undefined && typeof o.onSignal !== "function") {
    throw invalidArgument(op, "onSignal must be a function");
  }
  return { feeRate, capital, interval };
}

/**
 * Simulated order execution for one or more strategies (spec/engine.md section 6):
 * - market orders fill at the best opposite quote when a book is known, else at the last trade
 *   price; without either they wait for the first price of their symbol;
 * - limit orders fill at the limit price when a trade prints through it (buy: price <= limit) or the
 *   book crosses it (buy: best ask <= limit); a new limit is tried at once against the book when one
 *   is known, else against the last trade;
 * - stop-market orders trigger when a trade prints at or beyond the trigger (buy: >=) and fill at
 *   that trade's price (at once, at the last trade, if it is already beyond when sent);
 * - closePosition is reduce-only: it fills at most the open position, and is dropped if the position
 *   is flat or on the same side by the time it would fill;
 * - orders fill in full (no partial fills, no queue position); fee = qty * price * feeRate.
 */
export class SimulatedExecutor implements StrategyHost {
  readonly feeRate: number;
  readonly initialCapital: number;
  readonly equityIntervalNs: bigint;
  readonly #onSignal: ((signal: Signal) => void) | undefined;
  readonly #interval: number;

  #states: (SymbolState | undefined)[] = [];
  #strategies: Strategy[] = [];
  #orders = new Map<number, Order>();
  #nextOrderId = 0;
  #running = false;
  #resting = 0; // resting orders across symbols: lets the per-event path skip matching

  #cash = 0;
  #fees = 0;
  #realized = 0;
  #fills = 0;
  #events = 0;
  #trades = new TradeStore();

  // Event clock: timestamps as float ns offsets from #base (exact below 2^53 ns, about 104 days of
  // data; beyond that within a few ns), the bigint only built when someone asks for it.
  #base = 0n;
  #started = false;
  #now = 0;
  #nextSample = 0;
  #tsSource: BigInt64Array = new BigInt64Array(1);
  #tsIndex = 0;
  #eq = new Float64Array(1024);
  #eqT = new Float64Array(1024);
  #eqLen = 0;

  readonly #trade = new TradeEvent(this);
  readonly #liveTs = new BigInt64Array(1);

  constructor(options: ExecutorOptions) {
    const { feeRate, capital, interval } = validateOptions("SimulatedExecutor", options);
    this.feeRate = feeRate;
    this.initialCapital = capital;
    this.equityIntervalNs = interval;
    this.#interval = Number(interval);
    this.#onSignal = options.onSignal;
  }

  /** True between start() and finish(). */
  get running(): boolean {
    return this.#running;
  }

  // ---------------------------------------------------------------------------------------------
  // Run lifecycle

  /** Resets every account and market state, attaches the strategies and calls their onStart. */
  start(strategies: readonly Strategy[]): void {
    if (this.#running) throw new FloxError(FloxStatus.STATE, "SimulatedExecutor.start: a run is already in progress");
    this.#states = [];
    this.#strategies = strategies.slice();
    this.#orders.clear();
    this.#nextOrderId = 0;
    this.#resting = 0;
    this.#cash = this.initialCapital;
    this.#fees =
      this.#realized =
      this.#fills =
      this.#events =
        0;
    this.#trades = new TradeStore();
    this.#started = false;
    this.#now = 0;
    this.#eqLen = 0;
    this.#pushSample(this.initialCapital, 0);
    this.#liveTs[0] = 0n;
    this.#tsSource = this.#liveTs;
    this.#tsIndex = 0;
    for (const s of strategies) {
      for (const id of s.symbols) {
        let st = this.#states[id];
        if (st === undefined) this.#states[id] = st = new SymbolState(id);
        st.strategies.push(s);
      }
    }
    const attached: Strategy[] = [];
    try {
      for (const s of strategies) {
        s.attach(this);
        attached.push(s);
      }
      this.#running = true;
      for (const s of strategies) s.onStart?.();
    } catch (e) {
      this.#running = false;
      for (const s of attached) s.detach();
      throw e;
    }
  }

  /** Calls onStop, detaches the strategies and returns the statistics of the run. */
  finish(): BacktestRunResult {
    if (!this.#running) throw new FloxError(FloxStatus.STATE, "SimulatedExecutor.finish: no run in progress");
    try {
      for (const s of this.#strategies) s.onStop?.();
    } finally {
      this.#running = false;
      for (const s of this.#strategies) s.detach();
    }
    return this.#result();
  }

  /** Ends a run that failed: detaches the strategies without calling onStop. */
  abort(): void {
    this.#running = false;
    for (const s of this.#strategies) s.detach();
  }

  // ---------------------------------------------------------------------------------------------
  // Market events

  /** Timestamp (ns) of the event being processed; 0n before the first. */
  currentTsNs(): bigint {
    return this.#tsSource[this.#tsIndex];
  }

  /**
   * @internal Used by BacktestRunner. Starts the event clock at `firstTsNs`: equity samples fall on multiples of equityIntervalNs
   * since the epoch. Called by the first event; BacktestRunner calls it before converting a column.
   */
  startClock(firstTsNs: bigint): bigint {
    if (!this.#started) {
      const iv = this.equityIntervalNs;
      const base = firstTsNs - (((firstTsNs % iv) + iv) % iv);
      this.#base = base;
      this.#nextSample = this.#interval;
      this.#started = true;
    }
    return this.#base;
  }

  /** @internal Sets where currentTsNs() reads the timestamp of the next events (a column and an index). */
  setTimestampSource(column: BigInt64Array, index: number): void {
    this.#tsSource = column;
    this.#tsIndex = index;
  }

  /**
   * @internal The hot path: one trade, at `t` ns after the clock base (from startClock), the bigint timestamp
   * at column[index] of the current timestamp source. Prices and times must already be validated.
   */
  tradeAt(symbolId: number, price: number, qty: number, isBuy: boolean, t: number, index: number): void {
    this.#tsIndex = index;
    this.#events++;
    if (t >= this.#nextSample) this.#sampleUntil(t);
    this.#now = t;
    const st = this.#states[symbolId];
    if (st === undefined) return; // no strategy trades this symbol
    st.ctx.lastTradePrice = price;
    if (st.resting.length !== 0) this.#matchOnTrade(st, price);
    const ev = this.#trade;
    ev.symbol = symbolId;
    ev.price = price;
    ev.qty = qty;
    ev.isBuy = isBuy;
    const list = st.strategies;
    for (let i = 0; i < list.length; i++) list[i].onTrade?.(st.ctx, ev);
  }

  /**
   * @internal The hot path for a chunk of trades of one symbol (a CSV file, a one-symbol tape): the same steps
   * as tradeAt per event, with the state the loop needs held in locals. `tsNs` are the events'
   * normalised timestamps, `t` their offsets from the clock base, `side` 0 buy / 1 sell (null: buys).
   */
  playTrades(
    symbolId: number,
    tsNs: BigInt64Array,
    t: Float64Array,
    price: Float64Array,
    qty: Float64Array,
    side: Uint8Array | null,
    n: number,
  ): void {
    this.#tsSource = tsNs;
    this.#events += n;
    const st = this.#states[symbolId];
    if (st === undefined) { // no strategy trades this symbol: only the clock moves
      if (n > 0 && t[n - 1] >= this.#nextSample) this.#sampleUntil(t[n - 1]);
      if (n > 0) this.#now = t[n - 1];
      return;
    }
    const ctx = st.ctx, ev = this.#trade, list = st.strategies;
    const only = list.length === 1 ? list[0] : null;
    const onTrade = only?.onTrade;
    ev.symbol = symbolId;
    let nextSample = this.#nextSample;
    for (let i = 0; i < n; i++) {
      const p = price[i], ti = t[i];
      this.#tsIndex = i;
      if (ti >= nextSample) {
        this.#sampleUntil(ti);
        nextSample = this.#nextSample;
      }
      ctx.lastTradePrice = p;
      if (st.resting.length !== 0) this.#matchOnTrade(st, p);
      ev.price = p;
      ev.qty = qty[i];
      ev.isBuy = side === null || side[i] === 0;
      if (onTrade !== undefined) only!.onTrade!(ctx, ev);
      else if (only === null) { for (let k = 0; k < list.length; k++) list[k].onTrade?.(ctx, ev); }
    }
    if (n > 0) this.#now = t[n - 1];
  }

  /** A trade from a live feed (or any caller holding a bigint timestamp). Validates its input. */
  onTrade(symbolId: number, price: number, qty: number, isBuy: boolean, tsNs: bigint): void {
    const op = "SimulatedExecutor.onTrade";
    this.#requireRunning(op);
    if (!(price > 0 && price < Infinity)) {
      throw invalidArgument(op, `price is ${price}; must be finite and > 0`, FloxStatus.BAD_PRICE);
    }
    if (!(qty >= 0 && qty < Infinity)) {
      throw invalidArgument(op, `qty is ${qty}; must be finite and >= 0`, FloxStatus.BAD_QUANTITY);
    }
    const t = this.#liveTime(tsNs);
    this.tradeAt(symbolId, price, qty, isBuy, t, 0);
  }

  /** A book snapshot or delta: updates best bid/ask, matches resting orders, then calls onBookUpdate. */
  onBook(update: BookUpdate): void {
    const op = "SimulatedExecutor.onBook";
    this.#requireRunning(op);
    const t = this.#liveTime(update.tsNs);
    this.bookAt(update, t, 0);
  }

  /** @internal Book update at `t` ns after the clock base; the timestamp source must point at its timestamp. */
  bookAt(update: BookUpdate, t: number, index: number): void {
    this.#tsIndex = index;
    this.#events++;
    if (t >= this.#nextSample) this.#sampleUntil(t);
    this.#now = t;
    const st = this.#states[update.symbol];
    if (st === undefined) return;
    if (update.snapshot) {
      st.bids.clear();
      st.asks.clear();
    }
    applyLevels(st.bids, update.bidPrices, update.bidQtys);
    applyLevels(st.asks, update.askPrices, update.askQtys);
    let bid = NaN, ask = NaN;
    for (const p of st.bids.keys()) if (!(p <= bid)) bid = p;
    for (const p of st.asks.keys()) if (!(p >= ask)) ask = p;
    st.ctx.bestBid = bid;
    st.ctx.bestAsk = ask;
    if (st.resting.length !== 0) this.#matchOnBook(st);
    const list = st.strategies;
    for (let i = 0; i < list.length; i++) list[i].onBookUpdate?.(st.ctx, update);
  }

  #liveTime(tsNs: bigint): number {
    if (typeof tsNs !== "bigint") throw invalidArgument("SimulatedExecutor", `tsNs is ${tsNs}; must be a bigint (ns)`);
    const base = this.startClock(tsNs);
    this.#liveTs[0] = tsNs;
    this.#tsSource = this.#liveTs;
    const t = Number(tsNs - base);
    return t < this.#now ? this.#now : t; // a late event does not move the clock back
  }

  // ---------------------------------------------------------------------------------------------
  // StrategyHost

  context(symbolId: number): SymbolContext {
    const st = this.#states[symbolId];
    if (st === undefined) {
      throw new FloxError(FloxStatus.NOT_FOUND, `SimulatedExecutor.context: no strategy trades symbol ${symbolId}`);
    }
    return st.ctx;
  }

  submit(strategy: Strategy, o: OrderRequest): number {
    const op = "SimulatedExecutor.submit";
    this.#requireRunning(op);
    const st = this.#states[o.symbol];
    if (st === undefined || (st.strategies[0] !== strategy && !st.strategies.includes(strategy))) {
      throw invalidArgument(op, `symbol ${o.symbol} is not traded by this strategy in this run`);
    }
    const units = Math.round(o.quantity * UNITS);
    if (!(units >= 1 && units <= Number.MAX_SAFE_INTEGER)) {
      throw invalidArgument(op, `qty ${o.quantity} is outside [1e-8, 9e7]`, FloxStatus.BAD_QUANTITY);
    }
    const type = o.orderType === "market"
      ? MARKET
      : o.orderType === "limit"
      ? LIMIT
      : o.orderType === "stop_market"
      ? STOP
      : -1;
    if (type < 0) throw invalidArgument(op, `orderType is ${o.orderType}`, FloxStatus.BAD_ORDER_TYPE);
    if (o.side !== "buy" && o.side !== "sell") throw invalidArgument(op, `side is ${o.side}`, FloxStatus.BAD_SIDE);
    const id = ++this.#nextOrderId;
    const order = new Order(
      id,
      strategy,
      st,
      o.side === "buy" ? 1 : -1,
      type,
      units,
      o.price,
      o.triggerPrice,
      o.reduceOnly,
    );
    this.#onSignal?.({ ...o, orderId: id, tsNs: this.currentTsNs(), action: "submit" });
    this.#tryNow(order);
    return id;
  }

  cancel(strategy: Strategy, orderId: number): void {
    const op = "SimulatedExecutor.cancel";
    this.#requireRunning(op);
    // Only resting orders are kept by id; any other id issued in this run has filled or was cancelled.
    const order = this.#orders.get(orderId);
    if (order === undefined) {
      if (Number.isInteger(orderId) && orderId >= 1 && orderId <= this.#nextOrderId) return;
      throw new FloxError(FloxStatus.NOT_FOUND, `${op}: no order ${orderId} was sent in this run`);
    }
    if (order.strategy !== strategy) {
      throw new FloxError(FloxStatus.NOT_FOUND, `${op}: order ${orderId} was not sent by this strategy`);
    }
    this.#orders.delete(orderId);
    order.open = false;
    const list = order.state.resting;
    const i = list.indexOf(order);
    if (i >= 0) {
      list.splice(i, 1);
      this.#resting--;
    }
    this.#onSignal?.({
      orderId,
      symbol: order.state.id,
      side: order.dir > 0 ? "buy" : "sell",
      orderType: order.type === MARKET ? "market" : order.type === LIMIT ? "limit" : "stop_market",
      quantity: order.units / UNITS,
      price: order.price,
      triggerPrice: order.trigger,
      reduceOnly: order.reduceOnly,
      tsNs: this.currentTsNs(),
      action: "cancel",
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Matching

  #tryNow(o: Order): void {
    const c = o.state.ctx;
    const last = c.lastTradePrice;
    if (o.type === MARKET) {
      let px = o.dir > 0 ? c.bestAsk : c.bestBid;
      if (px !== px) px = last;
      if (px === px) return this.#fill(o, px);
    } else if (o.type === LIMIT) {
      const quote = o.dir > 0 ? c.bestAsk : c.bestBid;
      const ref = quote === quote ? quote : last;
      if (ref === ref && (o.dir > 0 ? ref <= o.price : ref >= o.price)) return this.#fill(o, o.price);
    } else if (last === last && (o.dir > 0 ? last >= o.trigger : last <= o.trigger)) {
      return this.#fill(o, last);
    }
    o.state.resting.push(o);
    this.#orders.set(o.id, o);
    this.#resting++;
  }

  #matchOnTrade(st: SymbolState, price: number): void {
    const list = st.resting;
    const n = list.length; // orders added by callbacks during matching were already tried
    let filled = 0;
    for (let i = 0; i < n; i++) {
      const o = list[i];
      if (!o.open) continue;
      let px = NaN;
      if (o.type === LIMIT) {
        if (o.dir > 0 ? price <= o.price : price >= o.price) px = o.price;
      } else if (o.type === STOP) {
        if (o.dir > 0 ? price >= o.trigger : price <= o.trigger) px = price;
      } else {
        const quote = o.dir > 0 ? st.ctx.bestAsk : st.ctx.bestBid;
        px = quote === quote ? quote : price;
      }
      if (px === px) {
        filled++;
        this.#fill(o, px);
      }
    }
    if (filled !== 0) this.#compact(st);
  }

  #matchOnBook(st: SymbolState): void {
    const list = st.resting, c = st.ctx;
    const n = list.length;
    let filled = 0;
    for (let i = 0; i < n; i++) {
      const o = list[i];
      if (!o.open || o.type === STOP) continue; // stops trigger on trades only
      const quote = o.dir > 0 ? c.bestAsk : c.bestBid;
      if (quote !== quote) continue;
      if (o.type === MARKET) {
        filled++;
        this.#fill(o, quote);
      } else if (o.dir > 0 ? quote <= o.price : quote >= o.price) {
        filled++;
        this.#fill(o, o.price);
      }
    }
    if (filled !== 0) this.#compact(st);
  }

  #compact(st: SymbolState): void {
    const kept: Order[] = [];
    for (const o of st.resting) {
      if (o.open) kept.push(o);
      else this.#orders.delete(o.id);
    }
    this.#resting -= st.resting.length - kept.length;
    st.resting = kept;
  }

  /** Fills order `o` in full at `price` (reduce-only orders: at most the open position). */
  #fill(o: Order, price: number): void {
    o.open = false;
    const st = o.state;
    const pos = st.units;
    let units = o.units;
    if (o.reduceOnly) {
      if (pos === 0 || Math.sign(pos) === o.dir) return; // nothing left to reduce: dropped
      if (units > Math.abs(pos)) units = Math.abs(pos);
    }
    const q = units / UNITS;
    const notional = q * price;
    const fee = notional * this.feeRate;
    this.#cash += o.dir > 0 ? -(notional + fee) : notional - fee;
    this.#fees += fee;
    this.#fills++;
    const ts = this.currentTsNs();
    const absPos = Math.abs(pos);
    if (pos === 0 || Math.sign(pos) === o.dir) {
      // Opening or adding.
      st.avgEntry = (st.avgEntry * (absPos / UNITS) + price * q) / ((absPos + units) / UNITS);
      st.feePool += fee;
      if (pos === 0) st.entryTsNs = ts;
      st.units = pos + o.dir * units;
    } else {
      // Reducing, closing, maybe flipping: one closed trade for min(|pos|, qty).
      const c = Math.min(absPos, units);
      const cq = c / UNITS;
      const poolShare = st.feePool * (c / absPos);
      const tradeFee = poolShare + fee * (c / units);
      st.feePool -= poolShare;
      const dirPos = pos > 0 ? 1 : -1;
      const gross = (price - st.avgEntry) * cq * dirPos;
      this.#realized += gross;
      this.#trades.push(st.entryTsNs, ts, pos > 0 ? 0 : 1, cq, st.avgEntry, price, gross - tradeFee, tradeFee);
      st.units = pos + o.dir * c;
      if (st.units === 0) {
        st.avgEntry = 0;
        st.feePool = 0;
      }
      const rest = units - c;
      if (rest > 0) {
        st.units = o.dir * rest;
        st.avgEntry = price;
        st.feePool = fee * (rest / units);
        st.entryTsNs = ts;
      }
    }
    st.ctx.position = st.units / UNITS;
    st.ctx.avgEntryPrice = st.avgEntry;
    if (o.strategy.onFill !== undefined) {
      const fill: Fill = {
        orderId: o.id,
        symbol: st.id,
        side: o.dir > 0 ? "buy" : "sell",
        price,
        qty: q,
        fee,
        tsNs: ts,
      };
      o.strategy.onFill(st.ctx, fill);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Equity

  #equity(): number {
    let e = this.#cash;
    const states = this.#states;
    for (let i = 0; i < states.length; i++) {
      const st = states[i];
      if (st !== undefined && st.units !== 0) e += (st.units / UNITS) * st.mark();
    }
    return e;
  }

  /** Records equity at every clock tick up to `t`, before the event at `t` is applied. */
  #sampleUntil(t: number): void {
    if (!this.#started) return;
    const iv = this.#interval;
    const ticks = Math.floor((t - this.#nextSample) / iv) + 1;
    if (ticks > MAX_SAMPLES_PER_GAP) {
      throw new FloxError(
        FloxStatus.INVALID_ARG,
        `BacktestRunner: event time jumps by ${(t - this.#now) / 1e9} s, which needs ${ticks} equity samples at ` +
          `equityIntervalNs ${this.equityIntervalNs}; check the timestamps or pass a larger equityIntervalNs`,
      );
    }
    const e = this.#equity();
    while (this.#nextSample <= t) {
      this.#pushSample(e, this.#nextSample);
      this.#nextSample += iv;
    }
  }

  #pushSample(e: number, t: number): void {
    if (this.#eqLen === this.#eq.length) {
      const a = new Float64Array(this.#eq.length * 2), b = new Float64Array(this.#eq.length * 2);
      a.set(this.#eq);
      b.set(this.#eqT);
      this.#eq = a;
      this.#eqT = b;
    }
    this.#eq[this.#eqLen] = e;
    this.#eqT[this.#eqLen++] = t;
  }

  #requireRunning(op: string): void {
    if (!this.#running) throw new FloxError(FloxStatus.STATE, `${op}: no run in progress`);
  }

  #result(): BacktestRunResult {
    // The last sample is the final equity at the last event's time (E_n), so netPnl = E_n - E_0.
    const finalEquity = this.#equity();
    if (this.#events > 0) this.#pushSample(finalEquity, this.#now);
    const len = this.#eqLen;
    const periodsPerYear = NS_PER_YEAR / this.#interval;
    const m = equityMetrics(this.#eq, len, periodsPerYear);
    let unrealized = 0, unfilled = 0;
    for (const st of this.#states) {
      if (st === undefined) continue;
      if (st.units !== 0) unrealized += (st.units / UNITS) * (st.mark() - st.avgEntry);
      for (const o of st.resting) if (o.open) unfilled++;
    }
    const t = this.#trades;
    let wins = 0, losses = 0, grossProfit = 0, grossLoss = 0;
    for (let i = 0; i < t.length; i++) {
      const p = t.pnl[i];
      if (p > 0) wins++, grossProfit += p;
      else if (p < 0) losses++, grossLoss -= p;
    }
    const cap = this.initialCapital;
    const stats: BacktestRunStats = {
      netPnl: finalEquity - cap,
      returnPct: (finalEquity - cap) / cap * 100,
      realizedPnl: this.#realized,
      unrealizedPnl: unrealized,
      totalFees: this.#fees,
      totalTrades: t.length,
      winningTrades: wins,
      losingTrades: losses,
      winRate: t.length === 0 ? 0 : wins / t.length,
      grossProfit,
      grossLoss,
      profitFactor: grossLoss > 0 ? grossProfit / grossLoss : grossProfit > 0 ? Infinity : 0,
      ...m,
      unfilledOrders: unfilled,
      initialCapital: cap,
      finalEquity,
      bars: len - 1,
      periodsPerYear,
      events: this.#events,
      orders: this.#nextOrderId,
      fills: this.#fills,
      tapeDamage: 0,
    };
    const equity = this.#eq.slice(1, len);
    const ts = new BigInt64Array(len - 1);
    for (let i = 1; i < len; i++) ts[i - 1] = this.#base + BigInt(Math.round(this.#eqT[i]));
    return new BacktestRunResult(stats, equity, ts, t.snapshot());
  }
}

function applyLevels(side: Map<number, number>, prices: Float64Array, qtys: Float64Array): void {
  const n = Math.min(prices.length, qtys.length);
  for (let i = 0; i < n; i++) {
    const p = prices[i], q = qtys[i];
    if (!(p > 0 && p < Infinity)) continue; // padding or junk levels are ignored
    if (q > 0) side.set(p, q);
    else side.delete(p);
  }
}
