// Adapts a tape recorder (TapeRecorder from lib/tape, or anything with its shape) to MarketDataSink.

export interface RecorderStats {
  tradesWritten: number;
  bookUpdatesWritten: number;
  bytesWritten: number;
  segmentsCreated: number;
  errors: number;
}

/** The part of TapeRecorder (TAPE-API.md) that live recording writes through. */
export interface TapeRecorderLike {
  recordTrade(symbol: number, price: number, qty: number, isBuy: boolean, tsNs: bigint): void;
  /** Bulk trades in one call; side 0 = buy, 1 = sell. */
  recordTrades(cols: {
    tsNs: BigInt64Array;
    symbolId: Uint32Array;
    price: Float64Array;
    qty: Float64Array;
    side: Uint8Array;
  }): void;
  recordBook(
    symbol: number,
    bidPrices: Float64Array,
    bidQtys: Float64Array,
    askPrices: Float64Array,
    askQtys: Float64Array,
    tsNs: bigint,
    options?: { snapshot?: boolean },
  ): void;
  flush(): void;
  close(): void;
  stats(): RecorderStats;
}

import type { MarketDataSink } from "./market_sink.ts";

export class RecorderSink implements MarketDataSink {
  private readonly snapshotOpt = { snapshot: true };
  private readonly deltaOpt = { snapshot: false };
  constructor(readonly recorder: TapeRecorderLike) {}

  trade(symbolId: number, price: number, qty: number, isBuy: boolean, tsNs: bigint): void {
    this.recorder.recordTrade(symbolId, price, qty, isBuy, tsNs);
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
    this.recorder.recordBook(
      symbolId,
      bidPrices,
      bidQtys,
      askPrices,
      askQtys,
      tsNs,
      snapshot ? this.snapshotOpt : this.deltaOpt,
    );
  }
}
