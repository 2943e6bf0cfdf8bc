// Where a live feed hands its events: a tape recorder, a Runner, or a test's in-memory list.
// Arrays passed to book() are reused by the caller after it returns; a sink must copy what it keeps.

export interface MarketDataSink {
  trade(symbolId: number, price: number, qty: number, isBuy: boolean, tsNs: bigint): void;
  book(
    symbolId: number,
    bidPrices: Float64Array,
    bidQtys: Float64Array,
    askPrices: Float64Array,
    askQtys: Float64Array,
    tsNs: bigint,
    snapshot: boolean,
  ): void;
}

/** Milliseconds since the epoch (ccxt's unit) to the tape's nanoseconds. */
export function msToNs(ms: number): bigint {
  return BigInt(Math.round(ms)) * 1_000_000n;
}
