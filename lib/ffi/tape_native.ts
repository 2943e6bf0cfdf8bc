// Thin binding of the tape section of flox.h: C strings, handles, typed-array columns and status
// checks. lib/tape/*.ts build the idiomatic API on top of this file; only this file sees the symbols.
import { createHandle } from "./handle.ts";
import { lib } from "./load.ts";
import { check } from "./status.ts";
import type { NativeHandle } from "./types.ts";

const {
  flox_tape_writer_create,
  flox_tape_writer_destroy,
  flox_tape_writer_set_metadata,
  flox_tape_writer_add_symbol,
  flox_tape_writer_trade,
  flox_tape_writer_trades,
  flox_tape_writer_book,
  flox_tape_writer_flush,
  flox_tape_writer_close,
  flox_tape_writer_stats,
  flox_tape_reader_open,
  flox_tape_reader_destroy,
  flox_tape_reader_set_filter,
  flox_tape_reader_rewind,
  flox_tape_reader_seek,
  flox_tape_reader_read_trades,
  flox_tape_reader_read_trades_raw,
  flox_tape_reader_read_events,
  flox_tape_reader_scan,
  flox_tape_reader_stats,
  flox_tape_reader_symbols,
  flox_tape_reader_segment_count,
  flox_tape_reader_segment_info,
  flox_tape_reader_damage_count,
  flox_tape_reader_damage,
  flox_tape_diff_open,
  flox_tape_diff_step,
  flox_tape_diff_destroy,
  flox_tape_diff_summary,
  flox_tape_diff_mismatches,
} = lib;

// Mirrors of the enums and defines in flox.h (tape section).
export const TapeCompression = { none: 0, lz4: 1 } as const;
export const TAPE_WRITE_NO_INDEX = 0x1;
export const TAPE_WRITE_NO_METADATA = 0x2;
export const TAPE_OPEN_ALLOW_EMPTY = 0x1;
export const TAPE_OPEN_DEDUPE = 0x2;
export const WriterStat = {
  TRADES: 0,
  BOOK_UPDATES: 1,
  BYTES: 2,
  SEGMENTS: 3,
  ERRORS: 4,
  EVENTS: 5,
  BLOCKS: 6,
  UNCOMPRESSED_BYTES: 7,
  COMPRESSED_BYTES: 8,
  COUNT: 9,
} as const;
export const ReaderStat = {
  TRADES: 0,
  BOOK_UPDATES: 1,
  OTHER_EVENTS: 2,
  UNKNOWN_FRAMES: 3,
  FIRST_TRADE_TS: 4,
  LAST_TRADE_TS: 5,
  FIRST_EVENT_TS: 6,
  LAST_EVENT_TS: 7,
  SEGMENTS: 8,
  DAMAGED: 9,
  BYTES_SKIPPED: 10,
  BYTES_READ: 11,
  DUPLICATES: 12,
  COUNT: 13,
} as const;
export const SegmentField = {
  BYTES: 0,
  EVENTS: 1,
  COMPRESSED: 2,
  INDEXED: 3,
  SORTED: 4,
  HEADER_EVENTS: 5,
  HEADER_FIRST_TS: 6,
  HEADER_LAST_TS: 7,
  VALID: 8,
  DAMAGED: 9,
  COUNT: 10,
} as const;
export const EventKind = { TRADE: 1, BOOK_SNAPSHOT: 2, BOOK_DELTA: 3 } as const;
export const DiffField = {
  EQUAL: 0,
  FIRST_DIVERGENCE: 1,
  MISMATCH_COUNT: 2,
  LEFT_COUNT: 3,
  RIGHT_COUNT: 4,
  RECORDED: 5,
  LEFT_DAMAGED: 6,
  RIGHT_DAMAGED: 7,
  BYTES_READ: 8,
  FINISHED: 9,
  COUNT: 10,
} as const;
export const DIFF_ROW_WIDTH = 15;
export const MismatchKind = { FIELD: 0, MISSING_LEFT: 1, MISSING_RIGHT: 2 } as const;
export const FieldBit = { TS: 0x1, SYMBOL: 0x2, PRICE: 0x4, QTY: 0x8, SIDE: 0x10 } as const;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** NUL-terminated UTF-8, sized in bytes. */
export function cstr(s: string): Uint8Array {
  return encoder.encode(s + "\0");
}

function fromCBuffer(buf: Uint8Array): string {
  const end = buf.indexOf(0);
  return decoder.decode(end < 0 ? buf : buf.subarray(0, end));
}

// Bun refuses null for a "buffer" parameter; absent arrays are this placeholder with a 0 count.
const EMPTY_F64 = new Float64Array(1);
const EMPTY_U32 = new Uint32Array(1);
const countSlot = new Int32Array(2);

// ---- writer ----

export function writerCreate(
  operation: string,
  dir: string,
  maxSegmentBytes: bigint,
  compression: number,
  indexInterval: number,
  exchangeId: number,
  flags: number,
): NativeHandle {
  const path = cstr(dir);
  return createHandle(
    operation,
    (out) => flox_tape_writer_create(path, maxSegmentBytes, compression, indexInterval, exchangeId, flags, out),
  );
}

export function writerDestroy(h: NativeHandle): void {
  flox_tape_writer_destroy(h);
}

export function writerSetMetadata(operation: string, h: NativeHandle, key: string, value: string): void {
  check(flox_tape_writer_set_metadata(h, cstr(key), cstr(value)), operation);
}

export function writerAddSymbol(operation: string, h: NativeHandle, id: number, name: string): void {
  check(flox_tape_writer_add_symbol(h, id, cstr(name), cstr(""), cstr(""), 8, 8), operation);
}

export function writerTrade(
  operation: string,
  h: NativeHandle,
  tsNs: bigint,
  symbol: number,
  price: number,
  qty: number,
  side: number,
): void {
  const status = flox_tape_writer_trade(h, tsNs, symbol, price, qty, side);
  if (status !== 0) check(status, operation);
}

export function writerTrades(
  operation: string,
  h: NativeHandle,
  tsNs: BigInt64Array,
  symbolId: Uint32Array,
  price: Float64Array,
  qty: Float64Array,
  side: Uint8Array,
  count: number,
): void {
  check(flox_tape_writer_trades(h, tsNs, symbolId, price, qty, side, BigInt(count)), operation);
}

export function writerBook(
  operation: string,
  h: NativeHandle,
  tsNs: bigint,
  symbol: number,
  bidPrices: Float64Array,
  bidQtys: Float64Array,
  askPrices: Float64Array,
  askQtys: Float64Array,
  snapshot: boolean,
): void {
  const nb = bidPrices.length, na = askPrices.length;
  check(
    flox_tape_writer_book(
      h,
      tsNs,
      symbol,
      nb ? bidPrices : EMPTY_F64,
      nb ? bidQtys : EMPTY_F64,
      nb,
      na ? askPrices : EMPTY_F64,
      na ? askQtys : EMPTY_F64,
      na,
      snapshot ? 1 : 0,
    ),
    operation,
  );
}

export function writerFlush(operation: string, h: NativeHandle): void {
  check(flox_tape_writer_flush(h), operation);
}

export function writerClose(operation: string, h: NativeHandle): void {
  check(flox_tape_writer_close(h), operation);
}

export function writerStats(h: NativeHandle): BigInt64Array {
  const out = new BigInt64Array(WriterStat.COUNT);
  check(flox_tape_writer_stats(h, out, WriterStat.COUNT), "TapeRecorder.stats");
  return out;
}

// ---- reader ----

export function readerOpen(
  operation: string,
  dir: string,
  priceScale: number,
  qtyScale: number,
  flags: number,
): NativeHandle {
  const path = cstr(dir);
  return createHandle(operation, (out) => flox_tape_reader_open(path, priceScale, qtyScale, flags, out));
}

export function readerDestroy(h: NativeHandle): void {
  flox_tape_reader_destroy(h);
}

export function readerSetFilter(
  operation: string,
  h: NativeHandle,
  fromTsNs: bigint,
  toTsNs: bigint,
  symbols: Uint32Array,
): void {
  check(
    flox_tape_reader_set_filter(h, fromTsNs, toTsNs, symbols.length ? symbols : EMPTY_U32, symbols.length),
    operation,
  );
}

export function readerRewind(operation: string, h: NativeHandle): void {
  check(flox_tape_reader_rewind(h), operation);
}

export function readerSeek(operation: string, h: NativeHandle, tsNs: bigint): void {
  check(flox_tape_reader_seek(h, tsNs), operation);
}

/** Reads up to `cap` trades into the columns (each at least cap long); returns how many. */
export function readerReadTrades(
  operation: string,
  h: NativeHandle,
  tsNs: BigInt64Array,
  symbolId: Uint32Array,
  price: Float64Array,
  qty: Float64Array,
  side: Uint8Array,
  cap: number,
): number {
  const status = flox_tape_reader_read_trades(h, tsNs, symbolId, price, qty, side, cap, countSlot);
  if (status !== 0) check(status, operation);
  return countSlot[0];
}

/** As readerReadTrades with raw fixed-point price and quantity. */
export function readerReadTradesRaw(
  operation: string,
  h: NativeHandle,
  tsNs: BigInt64Array,
  symbolId: Uint32Array,
  priceRaw: BigInt64Array,
  qtyRaw: BigInt64Array,
  side: Uint8Array,
  cap: number,
): number {
  check(flox_tape_reader_read_trades_raw(h, tsNs, symbolId, priceRaw, qtyRaw, side, cap, countSlot), operation);
  return countSlot[0];
}

/** Columns flox_tape_reader_read_events fills; `levelPrice`/`levelQty` hold book levels. */
export interface EventColumns {
  kind: Uint8Array;
  tsNs: BigInt64Array;
  symbolId: Uint32Array;
  price: Float64Array;
  qty: Float64Array;
  side: Uint8Array;
  levelStart: Uint32Array;
  bidCount: Uint32Array;
  askCount: Uint32Array;
  levelPrice: Float64Array;
  levelQty: Float64Array;
}

export function allocEventColumns(events: number, levels: number): EventColumns {
  return {
    kind: new Uint8Array(events),
    tsNs: new BigInt64Array(events),
    symbolId: new Uint32Array(events),
    price: new Float64Array(events),
    qty: new Float64Array(events),
    side: new Uint8Array(events),
    levelStart: new Uint32Array(events),
    bidCount: new Uint32Array(events),
    askCount: new Uint32Array(events),
    levelPrice: new Float64Array(levels),
    levelQty: new Float64Array(levels),
  };
}

/** Both column readers (flox_tape_reader_read_events, flox_event_feed_next) share this C signature. */
export type EventColumnsReader = typeof flox_tape_reader_read_events;

/**
 * One `read` call that fills `c` (the shared EventColumns layout); `counts` receives [events, levels].
 * The one place that spells the column arguments out, for the tape reader and the read-ahead feed.
 */
export function readEventColumns(
  read: EventColumnsReader,
  operation: string,
  h: NativeHandle,
  c: EventColumns,
  counts: Int32Array,
): void {
  const status = read(
    h,
    c.kind,
    c.tsNs,
    c.symbolId,
    c.price,
    c.qty,
    c.side,
    c.levelStart,
    c.bidCount,
    c.askCount,
    c.kind.length,
    c.levelPrice,
    c.levelQty,
    c.levelPrice.length,
    counts,
  );
  if (status !== 0) check(status, operation);
}

/** Fills `c` with the next events; returns [events, levels]. */
export function readerReadEvents(operation: string, h: NativeHandle, c: EventColumns): [number, number] {
  readEventColumns(flox_tape_reader_read_events, operation, h, c, countSlot);
  return [countSlot[0], countSlot[1]];
}

/** Counts up to maxEvents more events (0 = all); true once the end of the tape is reached. */
export function readerScan(operation: string, h: NativeHandle, maxEvents = 0): boolean {
  check(flox_tape_reader_scan(h, BigInt(maxEvents), null, countSlot), operation);
  return countSlot[0] === 1;
}

export function readerStats(h: NativeHandle): BigInt64Array {
  const out = new BigInt64Array(ReaderStat.COUNT);
  check(flox_tape_reader_stats(h, out, ReaderStat.COUNT), "tape reader stats");
  return out;
}

export function readerSymbols(h: NativeHandle): number[] {
  let cap = 64;
  for (;;) {
    const out = new Uint32Array(cap);
    check(flox_tape_reader_symbols(h, out, cap, countSlot), "tape reader symbols");
    const n = countSlot[0];
    if (n <= cap) return Array.from(out.subarray(0, n));
    cap = n;
  }
}

export interface SegmentFacts {
  path: string;
  fields: BigInt64Array;
}

export function readerSegments(h: NativeHandle): SegmentFacts[] {
  const n = flox_tape_reader_segment_count(h);
  const result: SegmentFacts[] = [];
  for (let i = 0; i < n; i++) {
    const fields = new BigInt64Array(SegmentField.COUNT);
    let cap = 4096;
    for (;;) {
      const path = new Uint8Array(cap);
      const status = flox_tape_reader_segment_info(h, i, fields, SegmentField.COUNT, path, cap);
      if (status === 0) {
        result.push({ path: fromCBuffer(path), fields });
        break;
      }
      if (cap >= 1 << 20) check(status, "tape reader segment info");
      cap *= 16;
    }
  }
  return result;
}

/** Damage reports (torn tails, CRC mismatches) met so far. */
export function readerDamageCount(h: NativeHandle): number {
  return flox_tape_reader_damage_count(h);
}

export interface DamageReport {
  segment: string;
  reason: string;
  bytesSkipped: number;
}

export function readerDamage(h: NativeHandle): DamageReport[] {
  const n = flox_tape_reader_damage_count(h);
  const out: DamageReport[] = [];
  const skipped = new BigInt64Array(1);
  for (let i = 0; i < n; i++) {
    let cap = 4096;
    for (;;) {
      const seg = new Uint8Array(cap), why = new Uint8Array(cap);
      const status = flox_tape_reader_damage(h, i, seg, cap, why, cap, skipped);
      if (status === 0) {
        out.push({ segment: fromCBuffer(seg), reason: fromCBuffer(why), bytesSkipped: Number(skipped[0]) });
        break;
      }
      if (cap >= 1 << 20) check(status, "tape reader damage");
      cap *= 16;
    }
  }
  return out;
}

// ---- diff ----

export interface DiffResult {
  summary: BigInt64Array;
  rows: BigInt64Array;
}

/**
 * Runs a diff in steps of `stepPairs` rows, calling onStep(summary) between them (for progress), and
 * returns the final summary and the recorded mismatch rows.
 */
export function diffRun(
  operation: string,
  left: string,
  right: string,
  toleranceNs: bigint,
  maxMismatches: number,
  stepPairs: number,
  onStep?: (summary: BigInt64Array) => void,
): DiffResult {
  const l = cstr(left), r = cstr(right);
  const h = createHandle(operation, (out) => flox_tape_diff_open(l, r, toleranceNs, maxMismatches, out));
  try {
    const summary = new BigInt64Array(DiffField.COUNT);
    for (;;) {
      check(flox_tape_diff_step(h, BigInt(stepPairs), null, countSlot), operation);
      const finished = countSlot[0] === 1;
      check(flox_tape_diff_summary(h, summary, DiffField.COUNT), operation);
      onStep?.(summary);
      if (finished) break;
    }
    const recorded = Number(summary[DiffField.RECORDED]);
    const rows = new BigInt64Array(Math.max(1, recorded) * DIFF_ROW_WIDTH);
    check(flox_tape_diff_mismatches(h, rows, recorded, countSlot), operation);
    return { summary, rows: rows.subarray(0, countSlot[0] * DIFF_ROW_WIDTH) };
  } finally {
    flox_tape_diff_destroy(h);
  }
}
