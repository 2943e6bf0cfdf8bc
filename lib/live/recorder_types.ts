// The tape recorder as live recording sees it: TapeRecorder from lib/tape, or anything with its shape
// (tests use an in-memory one). Live events reach it through a Runner (runner_sink.ts).

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
