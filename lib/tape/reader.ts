// TapeReader: streaming, bounded-memory access to a tape: trade chunks as typed arrays, seek by
// timestamp (through segment indexes), and an async iterator of trade + book batches in tape order.
import type { BookUpdate } from "../market.ts";
import { OwnedHandle } from "../ffi/handle.ts";
import {
  allocEventColumns,
  type EventColumns,
  readerDamage,
  readerDestroy,
  readerOpen,
  readerReadEvents,
  readerReadTrades,
  readerRewind,
  readerSeek,
  readerSetFilter,
  ReaderStat,
  readerStats,
  TAPE_OPEN_ALLOW_EMPTY,
  TAPE_OPEN_DEDUPE,
} from "../ffi/tape_native.ts";
import { invalidArgument } from "../errors.ts";
import type { NativeHandle } from "../ffi/types.ts";
import { pathArg, readOptions, tsArg } from "./args.ts";
import type { DamageReport, ReadOptions, TapeBatch, TradeColumns } from "./types.ts";
import { TapeEventKind } from "./types.ts";

const DEFAULT_CHUNK = 65536;
/** Room for the largest possible book (2 x 65535 levels), so one always fits a batch. */
const MIN_LEVELS = 131070;

/** @internal Opens a native reader with options applied; the caller owns the handle. */
export function openReaderHandle(
  operation: string,
  dir: string,
  options: ReadOptions | undefined,
  allowEmpty = false,
): NativeHandle {
  pathArg(operation, "dir", dir);
  const o = readOptions(operation, options);
  const flags = (allowEmpty ? TAPE_OPEN_ALLOW_EMPTY : 0) | (o.dedupe ? TAPE_OPEN_DEDUPE : 0);
  const h = readerOpen(operation, dir, o.priceScale, o.qtyScale, flags);
  if (o.filtered) {
    try {
      readerSetFilter(operation, h, o.from, o.to, o.symbols);
    } catch (e) {
      readerDestroy(h);
      throw e;
    }
  }
  return h;
}

function chunkArg(operation: string, cap: number | undefined): number {
  const n = cap ?? DEFAULT_CHUNK;
  if (!Number.isInteger(n) || n < 1 || n > 1 << 26) {
    throw invalidArgument(operation, `chunk size must be 1..${1 << 26} (got ${n})`);
  }
  return n;
}

/** The book update at row i of a batch (kind 2 or 3), with level arrays as views into the batch. */
export function bookUpdateAt(batch: TapeBatch, i: number): BookUpdate {
  const start = batch.levelStart[i], nb = batch.bidCount[i], na = batch.askCount[i];
  return {
    symbol: batch.symbolId[i],
    tsNs: batch.tsNs[i],
    snapshot: batch.kind[i] === TapeEventKind.bookSnapshot,
    bidPrices: batch.levelPrice.subarray(start, start + nb),
    bidQtys: batch.levelQty.subarray(start, start + nb),
    askPrices: batch.levelPrice.subarray(start + nb, start + nb + na),
    askQtys: batch.levelQty.subarray(start + nb, start + nb + na),
  };
}

/** @internal Wraps filled event columns as a batch of `n` rows and `levels` levels (views). */
export function batchOf(c: EventColumns, n: number, levels: number): TapeBatch {
  return {
    length: n,
    kind: c.kind.subarray(0, n),
    tsNs: c.tsNs.subarray(0, n),
    symbolId: c.symbolId.subarray(0, n),
    price: c.price.subarray(0, n),
    qty: c.qty.subarray(0, n),
    side: c.side.subarray(0, n),
    levelStart: c.levelStart.subarray(0, n),
    bidCount: c.bidCount.subarray(0, n),
    askCount: c.askCount.subarray(0, n),
    levelPrice: c.levelPrice.subarray(0, levels),
    levelQty: c.levelQty.subarray(0, levels),
  };
}

export class TapeReader {
  readonly #handle: OwnedHandle;
  readonly #dir: string;

  /** @internal Use openTape(dir, options). */
  constructor(dir: string, options?: ReadOptions) {
    this.#handle = new OwnedHandle(openReaderHandle("openTape", dir, options), readerDestroy, `tape reader for ${dir}`);
    this.#dir = dir;
  }

  get dir(): string {
    return this.#dir;
  }

  /** Next chunk of up to `cap` trades (default 65536) in fresh arrays, or null at the end. */
  readTradeChunk(cap?: number): TradeColumns | null {
    const op = "TapeReader.readTradeChunk";
    const n = chunkArg(op, cap);
    const h = this.#handle.get(op);
    const tsNs = new BigInt64Array(n), symbolId = new Uint32Array(n), price = new Float64Array(n);
    const qty = new Float64Array(n), side = new Uint8Array(n);
    const got = readerReadTrades(op, h, tsNs, symbolId, price, qty, side, n);
    if (got === 0) return null;
    if (got === n) return { tsNs, symbolId, price, qty, side, length: n };
    return {
      tsNs: tsNs.slice(0, got),
      symbolId: symbolId.slice(0, got),
      price: price.slice(0, got),
      qty: qty.slice(0, got),
      side: side.slice(0, got),
      length: got,
    };
  }

  /** Continues from the first segment with the events whose ts >= tsNs (uses segment indexes). */
  seek(tsNs: bigint): void {
    const op = "TapeReader.seek";
    readerSeek(op, this.#handle.get(op), tsArg(op, "tsNs", tsNs));
  }

  /** Back to the start of the tape (filters stay). */
  rewind(): void {
    const op = "TapeReader.rewind";
    readerRewind(op, this.#handle.get(op));
  }

  /**
   * Trades and book updates in tape order, chunkSize events per batch (default 65536). Each batch
   * has its own arrays, so batches may be kept. Yields nothing more once the tape ends.
   */
  async *batches(options?: { chunkSize?: number }): AsyncIterableIterator<TapeBatch> {
    const op = "TapeReader.batches";
    const n = chunkArg(op, options?.chunkSize);
    for (;;) {
      const c = allocEventColumns(n, Math.max(MIN_LEVELS, n * 4));
      const [events, levels] = readerReadEvents(op, this.#handle.get(op), c);
      if (events === 0) return;
      yield batchOf(c, events, levels);
    }
  }

  /** Damage met so far in this pass (torn tails, CRC mismatches, bad blocks, rejected headers). */
  get damaged(): DamageReport[] {
    return readerDamage(this.#handle.get("TapeReader.damaged"));
  }

  /** Counts of what this pass has delivered so far. */
  stats(): {
    trades: number;
    bookUpdates: number;
    otherEvents: number;
    unknownFrames: number;
    bytesSkipped: number;
    duplicatesDropped: number;
  } {
    const s = readerStats(this.#handle.get("TapeReader.stats"));
    return {
      trades: Number(s[ReaderStat.TRADES]),
      bookUpdates: Number(s[ReaderStat.BOOK_UPDATES]),
      otherEvents: Number(s[ReaderStat.OTHER_EVENTS]),
      unknownFrames: Number(s[ReaderStat.UNKNOWN_FRAMES]),
      bytesSkipped: Number(s[ReaderStat.BYTES_SKIPPED]),
      duplicatesDropped: Number(s[ReaderStat.DUPLICATES]),
    };
  }

  get closed(): boolean {
    return this.#handle.closed;
  }

  close(): void {
    this.#handle.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** Opens a tape for streaming reads (bounded memory: one segment at a time). */
export function openTape(dir: string, options?: ReadOptions): TapeReader {
  return new TapeReader(dir, options);
}
