// inspectTape: counts, time range, symbols, segments and damage of a tape, from one full scan.
import {
  readerDamage,
  readerDestroy,
  readerScan,
  readerSegments,
  ReaderStat,
  readerStats,
  readerSymbols,
  SegmentField,
} from "../ffi/tape_native.ts";
import { readTapeMetadata } from "./metadata.ts";
import { reportProgress, segmentBytes } from "./progress.ts";
import { openReaderHandle } from "./reader.ts";
import type { ReadOptions, TapeInfo } from "./types.ts";

/**
 * Reads the whole tape once and reports what it holds. An empty directory is a tape of 0 events (as
 * FLOX's inspect prints); a missing path or a file throws FloxError naming it.
 */
export function inspectTape(dir: string, options?: ReadOptions): TapeInfo {
  const op = "inspectTape";
  const h = openReaderHandle(op, dir, options, true);
  try {
    const total = options?.onProgress ? segmentBytes(dir) : 0;
    // In steps of 1M events when someone watches the progress; one native call otherwise.
    const step = options?.onProgress ? 1 << 20 : 0;
    while (!readerScan(op, h, step)) reportProgress(h, total, options?.onProgress);
    reportProgress(h, total, options?.onProgress);
    const s = readerStats(h);
    const trades = Number(s[ReaderStat.TRADES]);
    const info: TapeInfo = {
      tradeCount: trades,
      bookUpdateCount: Number(s[ReaderStat.BOOK_UPDATES]),
      firstTsNs: trades > 0 ? s[ReaderStat.FIRST_TRADE_TS] : null,
      lastTsNs: trades > 0 ? s[ReaderStat.LAST_TRADE_TS] : null,
      symbols: readerSymbols(h),
      segments: readerSegments(h).map(({ path, fields: f }) => ({
        path,
        bytes: Number(f[SegmentField.BYTES]),
        events: Number(f[SegmentField.EVENTS]),
        compressed: f[SegmentField.COMPRESSED] !== 0n,
        indexed: f[SegmentField.INDEXED] !== 0n,
        sorted: f[SegmentField.SORTED] !== 0n,
        headerEvents: Number(f[SegmentField.HEADER_EVENTS]),
      })),
      damaged: readerDamage(h),
    };
    const meta = readTapeMetadata(dir);
    if (meta.exchange !== undefined) info.exchange = meta.exchange;
    if (meta.symbolNames !== undefined) info.symbolNames = meta.symbolNames;
    return info;
  } finally {
    readerDestroy(h);
  }
}
