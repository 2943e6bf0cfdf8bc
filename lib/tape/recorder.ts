// TapeRecorder: records trades and book updates from any source (a Runner, a live feed, history)
// into a .floxlog directory through the C writer. Returned by makeRecorderHook.
import { FloxError, invalidArgument } from "../errors.ts";
import { OwnedHandle } from "../ffi/handle.ts";
import {
  TapeCompression,
  writerAddSymbol,
  writerBook,
  writerClose,
  writerCreate,
  writerDestroy,
  writerFlush,
  writerSetMetadata,
  WriterStat,
  writerStats,
  writerTrade,
  writerTrades,
} from "../ffi/tape_native.ts";
import { FloxStatus } from "../status_codes.ts";
import { pathArg, symbolArg, tsArg } from "./args.ts";
import type { RecorderOptions, RecorderStats, TapeSymbolLike } from "./types.ts";

const MIB = 1048576;

function toStats(raw: BigInt64Array): RecorderStats {
  return {
    tradesWritten: Number(raw[WriterStat.TRADES]),
    bookUpdatesWritten: Number(raw[WriterStat.BOOK_UPDATES]),
    bytesWritten: Number(raw[WriterStat.BYTES]),
    segmentsCreated: Number(raw[WriterStat.SEGMENTS]),
    errors: Number(raw[WriterStat.ERRORS]),
  };
}

function checkFloat64(operation: string, name: string, v: unknown): Float64Array {
  if (!(v instanceof Float64Array)) throw invalidArgument(operation, `${name} must be a Float64Array`);
  return v;
}

export class TapeRecorder {
  readonly #handle: OwnedHandle;
  readonly #dir: string;
  #finalStats: RecorderStats | null = null;

  /** @internal Use makeRecorderHook(dir, options). */
  constructor(dir: string, options: RecorderOptions = {}) {
    const op = "makeRecorderHook";
    const mb = options.maxSegmentMb ?? 256;
    if (!(typeof mb === "number" && Number.isFinite(mb) && mb > 0 && mb <= 1048576)) {
      throw invalidArgument(op, `maxSegmentMb must be a number in (0, 1048576] (got ${String(mb)})`);
    }
    const compression = options.compression ?? "none";
    if (compression !== "none" && compression !== "lz4") {
      throw invalidArgument(op, `compression must be "none" or "lz4" (got ${String(compression)})`);
    }
    const exchangeId = options.exchangeId ?? 0;
    if (!Number.isInteger(exchangeId) || exchangeId < 0 || exchangeId > 255) {
      throw invalidArgument(op, `exchangeId must be an integer 0..255 (got ${String(exchangeId)})`);
    }
    const symbols = Object.entries(options.symbols ?? {}).map(([id, name]) => {
      const n = Number(id);
      if (!Number.isInteger(n) || n < 0 || n > 0xFFFFFFFF || typeof name !== "string" || name === "") {
        throw invalidArgument(op, `symbols[${id}] must map a u32 id to a non-empty name`);
      }
      return [n, name] as const;
    });
    this.#dir = pathArg(op, "dir", dir);
    const bytes = BigInt(Math.max(1, Math.round(mb * MIB)));
    const h = writerCreate(op, dir, bytes, TapeCompression[compression], 0, exchangeId, 0);
    this.#handle = new OwnedHandle(h, writerDestroy, `tape recorder for ${dir}`);
    try {
      writerSetMetadata(op, h, "exchange", options.exchange ?? "");
      for (const [id, name] of symbols) writerAddSymbol(op, h, id, name);
    } catch (e) {
      this.#handle.close();
      throw e;
    }
  }

  /** Directory being recorded. */
  get dir(): string {
    return this.#dir;
  }

  get closed(): boolean {
    return this.#handle.closed;
  }

  /** Records one trade. Prices and quantities are stored x1e8 (round half away from zero). */
  recordTrade(symbol: TapeSymbolLike, price: number, qty: number, isBuy: boolean, tsNs: bigint): void {
    const op = "TapeRecorder.recordTrade";
    const h = this.#handle.get(op);
    const ts = typeof tsNs === "bigint" ? tsNs : tsArg(op, "tsNs", tsNs);
    const id = typeof symbol === "number" && symbol >>> 0 === symbol ? symbol : symbolArg(op, symbol);
    writerTrade(op, h, ts, id, price, qty, isBuy ? 0 : 1);
  }

  /** Records many trades with one native call; a bad row (named in the error) writes nothing. */
  recordTrades(
    cols: { tsNs: BigInt64Array; symbolId: Uint32Array; price: Float64Array; qty: Float64Array; side: Uint8Array },
  ): void {
    const op = "TapeRecorder.recordTrades";
    const h = this.#handle.get(op);
    const { tsNs, symbolId, price, qty, side } = cols;
    if (!(tsNs instanceof BigInt64Array)) throw invalidArgument(op, "tsNs must be a BigInt64Array");
    if (!(symbolId instanceof Uint32Array)) throw invalidArgument(op, "symbolId must be a Uint32Array");
    checkFloat64(op, "price", price);
    checkFloat64(op, "qty", qty);
    if (!(side instanceof Uint8Array)) throw invalidArgument(op, "side must be a Uint8Array (0 buy, 1 sell)");
    const n = tsNs.length;
    for (const [name, col] of [["symbolId", symbolId], ["price", price], ["qty", qty], ["side", side]] as const) {
      if (col.length !== n) {
        throw invalidArgument(op, `${name} has ${col.length} rows, tsNs has ${n}`, FloxStatus.LENGTH_MISMATCH);
      }
    }
    if (n > 0) writerTrades(op, h, tsNs, symbolId, price, qty, side, n);
  }

  /** Records a book snapshot (default) or delta (qty 0 removes a level). Levels: bids then asks. */
  recordBook(
    symbol: TapeSymbolLike,
    bidPrices: Float64Array,
    bidQtys: Float64Array,
    askPrices: Float64Array,
    askQtys: Float64Array,
    tsNs: bigint,
    options?: { snapshot?: boolean },
  ): void {
    const op = "TapeRecorder.recordBook";
    const h = this.#handle.get(op);
    checkFloat64(op, "bidPrices", bidPrices);
    checkFloat64(op, "bidQtys", bidQtys);
    checkFloat64(op, "askPrices", askPrices);
    checkFloat64(op, "askQtys", askQtys);
    if (bidPrices.length !== bidQtys.length) {
      throw invalidArgument(
        op,
        `bidQtys has ${bidQtys.length} levels, bidPrices ${bidPrices.length}`,
        FloxStatus.LENGTH_MISMATCH,
      );
    }
    if (askPrices.length !== askQtys.length) {
      throw invalidArgument(
        op,
        `askQtys has ${askQtys.length} levels, askPrices ${askPrices.length}`,
        FloxStatus.LENGTH_MISMATCH,
      );
    }
    const ts = tsArg(op, "tsNs", tsNs);
    writerBook(op, h, ts, symbolArg(op, symbol), bidPrices, bidQtys, askPrices, askQtys, options?.snapshot ?? true);
  }

  /** Pushes buffered frames (or the partial LZ4 block) to the file. */
  flush(): void {
    const op = "TapeRecorder.flush";
    writerFlush(op, this.#handle.get(op));
  }

  /** Finishes the tape: segment index and header, metadata.json. Idempotent; stats() stays valid. */
  close(): void {
    if (this.#handle.closed) return;
    const op = "TapeRecorder.close";
    const h = this.#handle.get(op);
    let failure: unknown = null;
    try {
      writerClose(op, h);
    } catch (e) {
      failure = e;
    }
    this.#finalStats = toStats(writerStats(h));
    this.#handle.close();
    if (failure) throw failure;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** Counters; correct after close(). */
  stats(): RecorderStats {
    if (this.#finalStats) return { ...this.#finalStats };
    if (this.#handle.closed) throw new FloxError(FloxStatus.INTERNAL, "TapeRecorder.stats: closed without stats");
    return toStats(writerStats(this.#handle.get("TapeRecorder.stats")));
  }
}

/** Opens a recorder on `dir` (created if missing; must be writable). Close it to finish the tape. */
export function makeRecorderHook(dir: string, options?: RecorderOptions): TapeRecorder {
  return new TapeRecorder(dir, options);
}
