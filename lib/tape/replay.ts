// replayTape and readTrades: whole-tape reads. Both pull batches from C into typed arrays; replay
// then loops in JavaScript calling the handler (no per-event native-to-JS callbacks).
import type { BookUpdate } from "../market.ts";
import { invalidArgument } from "../errors.ts";
import { allocEventColumns, readerDestroy, readerReadEvents, readerReadTrades } from "../ffi/tape_native.ts";
import { reportProgress, segmentBytes } from "./progress.ts";
import { batchOf, bookUpdateAt, openReaderHandle } from "./reader.ts";
import type { ReadOptions, TradeColumns } from "./types.ts";
import { TapeEventKind } from "./types.ts";

const CHUNK = 65536;

export interface ReplayHandlers extends ReadOptions {
  /** Called per trade in tape order: side 0 buy, 1 sell (the stored byte). */
  onTrade?: (tsNs: bigint, symbolId: number, price: number, qty: number, side: number) => void;
  /** Called per book update in tape order; the object and its arrays are views valid during the call. */
  onBook?: (update: BookUpdate) => void;
  /** Stop after this many delivered events. */
  maxEvents?: number;
}

/**
 * Replays a tape in order: segments by name, each in stable timestamp order. Returns the number of
 * events delivered to the handlers (trades only when no onBook is given). A handler that throws
 * stops the replay and the error propagates.
 */
export function replayTape(dir: string, handlers: ReplayHandlers): number {
  const op = "replayTape";
  const h = handlers ?? {};
  const max = h.maxEvents ?? Number.POSITIVE_INFINITY;
  if (!(max === Number.POSITIVE_INFINITY || (Number.isInteger(max) && max >= 0))) {
    throw invalidArgument(op, `maxEvents must be an integer >= 0 (got ${String(h.maxEvents)})`);
  }
  if (h.onTrade !== undefined && typeof h.onTrade !== "function") {
    throw invalidArgument(op, "onTrade must be a function");
  }
  if (h.onBook !== undefined && typeof h.onBook !== "function") throw invalidArgument(op, "onBook must be a function");
  const native = openReaderHandle(op, dir, h);
  const onProgress = h.onProgress;
  const total = onProgress ? segmentBytes(dir) : 0;
  let delivered = 0;
  try {
    if (max === 0) return 0;
    if (!h.onBook) {
      // Trades only: the fast path, no book decoding in C.
      const onTrade = h.onTrade;
      const ts = new BigInt64Array(CHUNK), sym = new Uint32Array(CHUNK), px = new Float64Array(CHUNK);
      const qty = new Float64Array(CHUNK), side = new Uint8Array(CHUNK);
      for (;;) {
        const want = Math.min(CHUNK, max - delivered);
        const n = readerReadTrades(op, native, ts, sym, px, qty, side, want);
        if (n === 0) break;
        if (onTrade) { for (let i = 0; i < n; i++) onTrade(ts[i], sym[i], px[i], qty[i], side[i]); }
        delivered += n;
        reportProgress(native, total, onProgress);
        if (delivered >= max) break;
      }
      reportProgress(native, total, onProgress);
      return delivered;
    }
    const onTrade = h.onTrade, onBook = h.onBook;
    const cols = allocEventColumns(CHUNK, CHUNK * 4 > 131070 ? CHUNK * 4 : 131070);
    for (;;) {
      const [n, levels] = readerReadEvents(op, native, cols);
      if (n === 0) break;
      const batch = batchOf(cols, n, levels);
      const kind = batch.kind;
      for (let i = 0; i < n; i++) {
        if (kind[i] === TapeEventKind.trade) {
          if (!onTrade) continue;
          onTrade(cols.tsNs[i], cols.symbolId[i], cols.price[i], cols.qty[i], cols.side[i]);
        } else {
          onBook(bookUpdateAt(batch, i));
        }
        if (++delivered >= max) return delivered;
      }
      reportProgress(native, total, onProgress);
    }
    reportProgress(native, total, onProgress);
    return delivered;
  } finally {
    readerDestroy(native);
  }
}

/** Upper bound of trades in an uncompressed tape (60 bytes per trade frame), to size the first arrays. */
function estimateTrades(bytes: number): number {
  // + CHUNK: the read loop grows the arrays when less than CHUNK rows of room are left, which an exact
  // estimate hits at the very end (a 2x copy, then a slice); the margin halves readTrades' time.
  return Math.min(Math.max(CHUNK, Math.ceil(bytes / 60) + CHUNK + 1), 1 << 27);
}

/** Reads every trade of a tape (optionally filtered) into columns. For tapes larger than memory use openTape. */
export function readTrades(dir: string, options?: ReadOptions): TradeColumns {
  const op = "readTrades";
  const native = openReaderHandle(op, dir, options);
  const onProgress = options?.onProgress;
  try {
    const bytes = segmentBytes(dir);
    // With a progress callback, read in 1M-row steps so it is called during the read.
    const step = onProgress ? 1 << 20 : Number.MAX_SAFE_INTEGER;
    let cap = estimateTrades(bytes);
    let ts = new BigInt64Array(cap), sym = new Uint32Array(cap), px = new Float64Array(cap);
    let qty = new Float64Array(cap), side = new Uint8Array(cap);
    let n = 0;
    for (;;) {
      if (cap - n < CHUNK) {
        cap *= 2;
        const grow = <T extends BigInt64Array | Uint32Array | Float64Array | Uint8Array>(
          a: T,
          make: (k: number) => T,
        ): T => {
          const b = make(cap);
          b.set(a as never);
          return b;
        };
        ts = grow(ts, (k) => new BigInt64Array(k));
        sym = grow(sym, (k) => new Uint32Array(k));
        px = grow(px, (k) => new Float64Array(k));
        qty = grow(qty, (k) => new Float64Array(k));
        side = grow(side, (k) => new Uint8Array(k));
      }
      const got = readerReadTrades(
        op,
        native,
        ts.subarray(n),
        sym.subarray(n),
        px.subarray(n),
        qty.subarray(n),
        side.subarray(n),
        Math.min(cap - n, step),
      );
      if (got === 0) break;
      n += got;
      reportProgress(native, bytes, onProgress);
    }
    reportProgress(native, bytes, onProgress);
    // Views when the estimate was close; a compact copy when it overshot (filters, books).
    const fit = cap <= n * 1.25 + CHUNK;
    const cut = <T extends BigInt64Array | Uint32Array | Float64Array | Uint8Array>(a: T): T =>
      (fit ? a.subarray(0, n) : a.slice(0, n)) as T;
    return { tsNs: cut(ts), symbolId: cut(sym), price: cut(px), qty: cut(qty), side: cut(side), length: n };
  } finally {
    readerDestroy(native);
  }
}
