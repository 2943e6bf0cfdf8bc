// The tape recorder as live recording sees it: TapeRecorder from lib/tape, or anything with its shape
// (tests use an in-memory one). Live events reach it through a Runner (runner_sink.ts).
import type { MarketDataRecorder } from "../runner.ts";
import type { RecorderStats } from "../tape/types.ts";

export type { RecorderStats };

/** The part of TapeRecorder that live recording writes through: what a Runner records, plus bulk
 * trades (backfill), flush, close and stats. */
export interface TapeRecorderLike extends MarketDataRecorder {
  /** Bulk trades in one call; side 0 = buy, 1 = sell. */
  recordTrades(cols: {
    tsNs: BigInt64Array;
    symbolId: Uint32Array;
    price: Float64Array;
    qty: Float64Array;
    side: Uint8Array;
  }): void;
  flush(): void;
  close(): void;
  stats(): RecorderStats;
}
