// Strategy: user code driven by market events, and the host interface the runners implement.
//
// A strategy never talks to an exchange or to the simulated executor directly: its order methods go
// through the StrategyHost it is attached to (Runner live or paper, BacktestRunner), so the same
// object runs unchanged in a backtest and live.
import type { BookUpdate, Fill, OrderRequest, Side, Trade } from "./market.ts";
import { FloxError, invalidArgument } from "./errors.ts";
import { FloxStatus } from "./status_codes.ts";
import { symbolId, type SymbolLike } from "./symbols.ts";

/**
 * What a strategy sees of one symbol. The host owns and updates it (one object per symbol, reused);
 * strategies read it. Prices that are not known yet are NaN.
 */
export class SymbolContext {
  /** Symbol id. */
  readonly symbolId: number;
  /** Net position in base units: > 0 long, < 0 short, 0 flat. Set by the host. */
  position = 0;
  /** Volume-weighted entry price of the open position; 0 when flat. Set by the host. */
  avgEntryPrice = 0;
  /** Price of the last trade seen on this symbol; NaN before the first. Set by the host. */
  lastTradePrice = NaN;
  /** Best bid of the last known book; NaN without a book. Set by the host. */
  bestBid = NaN;
  /** Best ask of the last known book; NaN without a book. Set by the host. */
  bestAsk = NaN;

  constructor(symbolId: number) {
    this.symbolId = symbolId;
  }

  /** (bestBid + bestAsk) / 2, NaN unless both sides are known. */
  get mid(): number {
    return (this.bestBid + this.bestAsk) / 2;
  }

  /**
   * position * (mark - avgEntryPrice), gross of fees; mark is the last trade price, or the mid when
   * no trade was seen. 0 when flat; NaN when open and no price is known.
   */
  get unrealizedPnl(): number {
    if (this.position === 0) return 0;
    const mark = this.lastTradePrice === this.lastTradePrice ? this.lastTradePrice : this.mid;
    return this.position * (mark - this.avgEntryPrice);
  }

  isFlat(): boolean {
    return this.position === 0;
  }
  isLong(): boolean {
    return this.position > 0;
  }
  isShort(): boolean {
    return this.position < 0;
  }

  /** Back to the state before any event (used by hosts between runs). */
  reset(): void {
    this.position = 0;
    this.avgEntryPrice = 0;
    this.lastTradePrice = NaN;
    this.bestBid = NaN;
    this.bestAsk = NaN;
  }
}

/** Implemented by Runner, BacktestRunner (through SimulatedExecutor) and anything else that hosts strategies. */
export interface StrategyHost {
  /** Accepts a validated order and returns its id (> 0, unique per host run). */
  submit(strategy: Strategy, order: OrderRequest): number;
  /** Cancels an order of this strategy. Cancelling one that already filled or was cancelled is a no-op. */
  cancel(strategy: Strategy, orderId: number): void;
  /** The context of a symbol the strategy trades. */
  context(symbolId: number): SymbolContext;
}

/**
 * Base class of every strategy. Subclasses pass their symbols to the constructor and override any of
 * the callbacks. Order methods take an optional symbol (default: the first one) and return the
 * order id; they throw FloxError (STATE) when the strategy is not running in a host.
 */
export abstract class Strategy {
  /** Symbol ids this strategy trades, in the order given; the first is the default for order methods. */
  readonly symbols: readonly number[];
  #host: StrategyHost | null = null;

  constructor(symbols: readonly SymbolLike[]) {
    const op = `${new.target.name}.constructor`;
    if (!Array.isArray(symbols) || symbols.length === 0) throw invalidArgument(op, "symbols must be a non-empty array");
    const ids: number[] = [];
    for (let i = 0; i < symbols.length; i++) {
      const id = symbolId(symbols[i]);
      if (!Number.isInteger(id) || id < 1) throw invalidArgument(op, `symbols[${i}] is ${id}; ids are integers >= 1`);
      if (ids.includes(id)) throw invalidArgument(op, `symbols[${i}] (id ${id}) is listed twice`);
      ids.push(id);
    }
    this.symbols = Object.freeze(ids);
  }

  /** Called once when a run starts, before the first event. */
  onStart?(): void;
  /** Called once when a run ends, after the last event. */
  onStop?(): void;
  /** A trade on one of this strategy's symbols. `trade` is reused: copy what you keep. */
  onTrade?(ctx: SymbolContext, trade: Trade): void;
  /** A book update on one of this strategy's symbols; ctx.bestBid/bestAsk are already updated. */
  onBookUpdate?(ctx: SymbolContext, book: BookUpdate): void;
  /** A fill of one of this strategy's orders; ctx.position already includes it. */
  onFill?(ctx: SymbolContext, fill: Fill): void;

  /** True while attached to a host (between a run's start and stop). */
  get attached(): boolean {
    return this.#host !== null;
  }

  /** Market buy of `qty` base units. */
  marketBuy(qty: number, symbol?: SymbolLike): number {
    return this.#send("marketBuy", symbol, "buy", "market", qty, 0, 0, false);
  }
  /** Market sell of `qty` base units. */
  marketSell(qty: number, symbol?: SymbolLike): number {
    return this.#send("marketSell", symbol, "sell", "market", qty, 0, 0, false);
  }
  /** Limit buy of `qty` at `price` (good till cancelled). */
  limitBuy(price: number, qty: number, symbol?: SymbolLike): number {
    return this.#send("limitBuy", symbol, "buy", "limit", qty, price, 0, false);
  }
  /** Limit sell of `qty` at `price` (good till cancelled). */
  limitSell(price: number, qty: number, symbol?: SymbolLike): number {
    return this.#send("limitSell", symbol, "sell", "limit", qty, price, 0, false);
  }
  /** Stop-market order: a buy triggers when a trade prints at or above `trigger`, a sell at or below. */
  stopMarket(side: Side, trigger: number, qty: number, symbol?: SymbolLike): number {
    if (side !== "buy" && side !== "sell") {
      throw invalidArgument(
        "Strategy.stopMarket",
        `side is ${String(side)}; must be "buy" or "sell"`,
        FloxStatus.BAD_SIDE,
      );
    }
    return this.#send("stopMarket", symbol, side, "stop_market", qty, 0, trigger, false);
  }
  /**
   * Flattens the position with a reduce-only market order and returns its id; returns 0 and sends
   * nothing when the position is already flat.
   */
  closePosition(symbol?: SymbolLike): number {
    const host = this.#requireHost("closePosition");
    const id = this.#symbol("closePosition", symbol);
    const position = host.context(id).position;
    if (position === 0) return 0;
    return this.#send("closePosition", id, position > 0 ? "sell" : "buy", "market", Math.abs(position), 0, 0, true);
  }
  /**
   * Cancels an order sent by this strategy and returns its id. Cancelling an order that already
   * filled or was cancelled is a no-op. `symbol` is accepted for symmetry with the other order
   * methods; the host knows each order's symbol.
   */
  cancelOrder(orderId: number, symbol?: SymbolLike): number {
    const host = this.#requireHost("cancelOrder");
    if (symbol !== undefined) this.#symbol("cancelOrder", symbol);
    if (!Number.isInteger(orderId) || orderId < 1) {
      throw invalidArgument("Strategy.cancelOrder", `orderId is ${orderId}; must be an id returned by an order method`);
    }
    host.cancel(this, orderId);
    return orderId;
  }

  /** @internal Called by a host when a run starts. One host at a time. */
  attach(host: StrategyHost): void {
    if (this.#host !== null && this.#host !== host) {
      throw new FloxError(
        FloxStatus.STATE,
        `${this.constructor.name}.attach: the strategy is already running in another runner; stop that one first`,
      );
    }
    this.#host = host;
  }

  /** @internal Called by the host when the run stops. */
  detach(): void {
    this.#host = null;
  }

  #requireHost(method: string): StrategyHost {
    const host = this.#host;
    if (host === null) {
      throw new FloxError(
        FloxStatus.STATE,
        `Strategy.${method}: the strategy is not running (orders can be sent from onStart until onStop)`,
      );
    }
    return host;
  }

  #symbol(method: string, symbol: SymbolLike | undefined): number {
    if (symbol === undefined) return this.symbols[0];
    const id = symbolId(symbol);
    if (!this.symbols.includes(id)) {
      throw invalidArgument(`Strategy.${method}`, `symbol ${id} is not one of this strategy's symbols`);
    }
    return id;
  }

  #send(
    method: string,
    symbol: SymbolLike | undefined,
    side: Side,
    orderType: "market" | "limit" | "stop_market",
    quantity: number,
    price: number,
    triggerPrice: number,
    reduceOnly: boolean,
  ): number {
    const host = this.#requireHost(method);
    const id = this.#symbol(method, symbol);
    if (typeof quantity !== "number" || !(quantity > 0 && quantity < Infinity)) {
      throw invalidArgument(
        `Strategy.${method}`,
        `qty is ${quantity}; must be finite and > 0`,
        FloxStatus.BAD_QUANTITY,
      );
    }
    if (orderType === "limit" && !(price > 0 && price < Infinity)) {
      throw invalidArgument(`Strategy.${method}`, `price is ${price}; must be finite and > 0`, FloxStatus.BAD_PRICE);
    }
    if (orderType === "stop_market" && !(triggerPrice > 0 && triggerPrice < Infinity)) {
      throw invalidArgument(
        `Strategy.${method}`,
        `trigger is ${triggerPrice}; must be finite and > 0`,
        FloxStatus.BAD_PRICE,
      );
    }
    return host.submit(this, { symbol: id, side, orderType, quantity, price, triggerPrice, reduceOnly });
  }
}
