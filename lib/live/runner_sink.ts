// Feeds live events into a Runner (lib/runner.ts), which dispatches them to its strategies and to
// the tape recorder attached with setMarketDataRecorder: the path FLOX's `tape record` takes.
import type { Runner } from "../runner.ts";
import type { MarketDataSink } from "./market_sink.ts";

export class RunnerSink implements MarketDataSink {
  constructor(readonly runner: Runner) {}

  trade(symbolId: number, price: number, qty: number, isBuy: boolean, tsNs: bigint): void {
    this.runner.onTrade(symbolId, price, qty, isBuy, tsNs);
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
    if (snapshot) this.runner.onBookSnapshot(symbolId, bidPrices, bidQtys, askPrices, askQtys, tsNs);
    else this.runner.onBookDelta(symbolId, bidPrices, bidQtys, askPrices, askQtys, tsNs);
  }
}
