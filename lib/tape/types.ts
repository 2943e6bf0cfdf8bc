// Shapes of the tape API (TAPE-API.md): options, columns, inspection results and batches.
import type { DamageReport } from "../ffi/tape_native.ts";

export type { DamageReport };

/** A symbol or its id: a registry FloxSymbol works as its id. */
export type TapeSymbolLike = number | { readonly id: number };

/** Options of makeRecorderHook. */
export interface RecorderOptions {
  /** Rotate segments at this size, MiB (x 1,048,576). Default 256. Fractions are allowed. */
  maxSegmentMb?: number;
  /** "none" (default) or "lz4" (blocks of 1000 frames; these rotate too, unlike FLOX's). */
  compression?: "none" | "lz4";
  /** Venue name written to metadata.json ("exchange"). Default "". */
  exchange?: string;
  /** id -> name, written to metadata.json symbols[] (FLOX's MergedTapeReader needs them). */
  symbols?: Record<number, string>;
  /** exchange_id byte in segment headers and records, 0..255. Default 0. */
  exchangeId?: number;
}

/** Recorder statistics; correct after close() (FLOX reports 0 bytes and segments then). */
export interface RecorderStats {
  tradesWritten: number;
  bookUpdatesWritten: number;
  /** FLOX's bytes_written: 12 + payload per frame (uncompressed) or 16 + compressed size per block. */
  bytesWritten: number;
  segmentsCreated: number;
  /** Writes that failed (I/O); each also threw a FloxError. */
  errors: number;
}

/** Options shared by the reading functions. */
export interface ReadOptions {
  /** Only events with ts >= fromTsNs. */
  fromTsNs?: bigint;
  /** Only events with ts <= toTsNs. */
  toTsNs?: bigint;
  /** Only these symbol ids. */
  symbols?: readonly TapeSymbolLike[];
  /** Divisor from raw price to float. Default: metadata.json price_scale, else 1e8. FLOX tapes from before
   * 2025-12-23 (like FLOX's demo sample) use 1e6 and carry no metadata: pass 1e6. */
  priceScale?: number;
  /** Divisor from raw quantity to float; defaults like priceScale (and to priceScale when only that is given). */
  qtyScale?: number;
  /** Drop trades that repeat (symbolId, ts, raw price, raw qty) of one already delivered at the same
   * ts. Off by default: FLOX has no dedup, and real captures hold distinct trades sharing that key. */
  dedupe?: boolean;
  /** Called between native chunks of whole-tape reads (inspectTape, replayTape, readTrades) with the
   * bytes of segment files passed so far and their total. */
  onProgress?: (done: number, total: number) => void;
}

/** Trades as columns; `length` rows (arrays may be views of that length). */
export interface TradeColumns {
  tsNs: BigInt64Array;
  symbolId: Uint32Array;
  price: Float64Array;
  qty: Float64Array;
  /** 0 buy, 1 sell (as current FLOX writers; the byte is passed through as stored). */
  side: Uint8Array;
  length: number;
}

/** One segment of a tape, as inspectTape reports it. */
export interface SegmentInfo {
  path: string;
  bytes: number;
  /** Frames read from it (all types). */
  events: number;
  compressed: boolean;
  indexed: boolean;
  sorted: boolean;
  /** Header event_count (0 for a segment whose writer was killed before close). */
  headerEvents: number;
}

export interface TapeInfo {
  tradeCount: number;
  bookUpdateCount: number;
  /** First / last trade timestamp in delivery order (FLOX's inspect counts trades only); null without trades. */
  firstTsNs: bigint | null;
  lastTsNs: bigint | null;
  /** Distinct trade symbol ids, ascending. */
  symbols: number[];
  segments: SegmentInfo[];
  /** From metadata.json when present. */
  exchange?: string;
  symbolNames?: Record<number, string>;
  /** What could not be read: torn tails, CRC mismatches, bad blocks, rejected headers, ignored indexes. */
  damaged: DamageReport[];
}

/** Event kinds in a TapeBatch. */
export const TapeEventKind = { trade: 1, bookSnapshot: 2, bookDelta: 3 } as const;

/**
 * Trades and book updates in tape order, as columns. Row i is a trade when kind[i] is 1 (price, qty,
 * side set) or a book update when 2 (snapshot) / 3 (delta): its levels are levelPrice/levelQty from
 * levelStart[i], bidCount[i] bids then askCount[i] asks. Use bookUpdateAt(batch, i) for an object.
 */
export interface TapeBatch {
  length: number;
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

/** A trade as the diff reports it: raw fixed-point values, exactly as stored. */
export interface TradeRow {
  exchangeTsNs: bigint;
  symbolId: number;
  priceRaw: bigint;
  qtyRaw: bigint;
  side: number;
}

export interface TapeMismatch {
  /** Position in delivery order. */
  index: number;
  /** "field": both sides have row `index` and `fields` differ; "missing_left"/"missing_right": one side ended. */
  kind: "field" | "missing_left" | "missing_right";
  left: TradeRow | null;
  right: TradeRow | null;
  /** Differing fields: "exchangeTsNs", "symbolId", "priceRaw", "qtyRaw", "side". */
  fields: string[];
}

export interface TapeDiff {
  equal: boolean;
  /** -1 when equal. */
  firstDivergenceIndex: number;
  /** All mismatches, including unmatched tail rows (FLOX keeps no total). */
  mismatchCount: number;
  /** The first maxMismatches of them. */
  mismatches: TapeMismatch[];
  leftCount: number;
  rightCount: number;
  leftPath: string;
  rightPath: string;
  /** Damage reports met while reading each side (a damaged tape may compare equal to a truncated copy). */
  leftDamaged: number;
  rightDamaged: number;
  /** FLOX's JSON shape (snake_case keys) plus mismatch_count; int64 values as decimal strings. */
  toJSON(): unknown;
}
