// Event shapes shared by strategies, runners and the simulated executor.
//
// Dispatchers reuse one object per event kind (no allocation per event): a callback must copy the
// fields it wants to keep and must not hold on to the object itself after it returns.

/** Order side. */
export type Side = "buy" | "sell";

/** Order types the strategies can send. */
export type OrderType = "market" | "limit" | "stop_market";

/** A trade print. Reused by the dispatcher: copy fields you keep. */
export interface Trade {
  /** Symbol id. */
  readonly symbol: number;
  /** Trade price, quote currency. */
  readonly price: number;
  /** Trade quantity, base units, > 0. */
  readonly qty: number;
  /** True when the aggressor bought (taker buy). */
  readonly isBuy: boolean;
  /** Exchange timestamp, ns since the epoch. */
  readonly tsNs: bigint;
}

/** A book snapshot or delta. Reused by the dispatcher: copy fields (and arrays) you keep. */
export interface BookUpdate {
  readonly symbol: number;
  readonly tsNs: bigint;
  /** True: the levels replace the book. False: each level sets (qty > 0) or removes (qty 0) its price. */
  readonly snapshot: boolean;
  readonly bidPrices: Float64Array;
  readonly bidQtys: Float64Array;
  readonly askPrices: Float64Array;
  readonly askQtys: Float64Array;
}

/** A fill of one of the strategy's orders. */
export interface Fill {
  readonly orderId: number;
  readonly symbol: number;
  readonly side: Side;
  /** Fill price, quote currency. */
  readonly price: number;
  /** Filled quantity, base units, > 0. */
  readonly qty: number;
  /** Fee charged for this fill: |qty| * price * feeRate. */
  readonly fee: number;
  readonly tsNs: bigint;
}

/** What a strategy asks for: a new order or the cancellation of one (Runner's onSignal receives these). */
export interface Signal {
  /** Id returned by the order method; for a cancel, the id of the order to cancel. */
  readonly orderId: number;
  readonly symbol: number;
  readonly side: Side;
  readonly orderType: OrderType;
  /** Base units, > 0 (for a reduce-only close: the position size when it was sent). */
  readonly quantity: number;
  /** Limit price; 0 for market and stop-market orders. */
  readonly price: number;
  /** Stop trigger price; 0 unless orderType is "stop_market". */
  readonly triggerPrice: number;
  /** True for closePosition(): the order may only reduce the position. */
  readonly reduceOnly: boolean;
  /** Timestamp of the market event during which the strategy sent it (0n before any event). */
  readonly tsNs: bigint;
  readonly action: "submit" | "cancel";
}

/** The order part a strategy hands to its host; the host adds orderId, tsNs and action. */
export type OrderRequest = Omit<Signal, "orderId" | "tsNs" | "action">;
