// A MarketDataSink that keeps every event in memory (copies the reused level arrays).
import type { MarketDataSink } from "../../lib/live/market_sink.ts";

export interface SunkTrade {
  symbolId: number;
  price: number;
  qty: number;
  isBuy: boolean;
  tsNs: bigint;
}
export interface SunkBook {
  symbolId: number;
  bids: [number, number][];
  asks: [number, number][];
  tsNs: bigint;
  snapshot: boolean;
}

export class MemorySink implements MarketDataSink {
  readonly trades: SunkTrade[] = [];
  readonly books: SunkBook[] = [];
  trade(symbolId: number, price: number, qty: number, isBuy: boolean, tsNs: bigint): void {
    this.trades.push({ symbolId, price, qty, isBuy, tsNs });
  }
  book(
    symbolId: number,
    bidPrices: Float64Array,
    bidQtys: Float64Array,
    askPrices: Float64Array,
    askQtys: Float64Array,
    tsNs: bigint,
    snapshot: boolean,
  ): void {
    const bids: [number, number][] = [], asks: [number, number][] = [];
    for (let i = 0; i < bidPrices.length; i++) bids.push([bidPrices[i], bidQtys[i]]);
    for (let i = 0; i < askPrices.length; i++) asks.push([askPrices[i], askQtys[i]]);
    this.books.push({ symbolId, bids, asks, tsNs, snapshot });
  }
}
