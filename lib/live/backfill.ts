// Historical backfill through ccxt's REST interface into a tape: paginated fetchTrades or
// fetchOHLCV over [since, until), rate-limited by ccxt, resumable into an existing tape without
// duplicating rows. The tape stores no trade ids (FLOX writes 0), so resuming works from the tape
// itself: it continues at the symbol's last timestamp and skips the trades already stored at
// exactly that timestamp, matched on (price, qty, side) as a multiset.
import { invalidArgument } from "../errors.ts";
import { errorText } from "./ccxt_feed.ts";
import { openExchange, type RestExchange } from "./ccxt_exchange.ts";
import type { RecorderFactoryOptions } from "./record_session.ts";
import type { RecorderStats, TapeRecorderLike } from "./recorder_types.ts";
import { resolveSymbol } from "./symbol_spec.ts";

/** What an existing tape says about the symbol being backfilled. */
export interface ExistingTape {
  exchange?: string;
  /** Every symbol in the tape's metadata (kept when the metadata is rewritten). */
  symbols: Record<number, string>;
  /** Latest trade timestamp of the backfilled symbol, or null when the tape has none. */
  lastTsNs: bigint | null;
  /** Trades of that symbol stored at exactly lastTsNs, as raw (x1e8) price/qty and side. */
  rowsAtLastTs: { priceRaw: bigint; qtyRaw: bigint; side: number }[];
}

export interface BackfillOptions {
  exchange: string;
  symbol: string;
  sinceMs: number;
  untilMs: number;
  source?: "trades" | "ohlcv";
  /** OHLCV bar size (ccxt timeframe), default "1m". */
  timeframe?: string;
  output: string;
  maxSegmentMb?: number;
  compression?: "none" | "lz4";
  /** Rows requested per call (ccxt `limit`), default 1000. */
  pageLimit?: number;
  /** Merged into the ccxt constructor config. */
  ccxtConfig?: Record<string, unknown>;
  makeRecorder: (dir: string, options: RecorderFactoryOptions) => TapeRecorderLike;
  /** Reads what `dir` already holds for `symbolName`; null when `dir` is not a tape yet. */
  readExisting: (dir: string, symbolName: string) => ExistingTape | null | Promise<ExistingTape | null>;
  /** Called after every page: time covered so far and rows written. */
  onProgress?: (p: BackfillProgress) => void;
  onNotice?: (message: string) => void;
  signal?: AbortSignal;
}

export interface BackfillProgress {
  cursorMs: number;
  sinceMs: number;
  untilMs: number;
  pages: number;
  rowsWritten: number;
}

export interface BackfillResult {
  symbol: string;
  symbolId: number;
  /** Where fetching started (later than --since when resuming). */
  startMs: number;
  pages: number;
  rowsFetched: number;
  rowsWritten: number;
  /** Rows already in the tape (resume overlap) or repeated across pages. */
  duplicatesSkipped: number;
  /** Rows outside [since, until) or with impossible values. */
  rowsSkipped: number;
  resumed: boolean;
  aborted: boolean;
  recorder: RecorderStats;
}

const SCALE = 100_000_000;

/** The tape's fixed point: x1e8, rounded half away from zero (as the writer does). */
export function toRaw(v: number): bigint {
  const x = v * SCALE;
  return BigInt(x < 0 ? Math.ceil(x - 0.5) : Math.floor(x + 0.5));
}

function rowKey(priceRaw: bigint, qtyRaw: bigint, side: number): string {
  return `${priceRaw}|${qtyRaw}|${side}`;
}

/** Multiset of trade keys at one timestamp. */
class BoundaryRows {
  private counts = new Map<string, number>();
  tsMs = -1;
  reset(tsMs: number): void {
    this.tsMs = tsMs;
    this.counts.clear();
  }
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  /** Consumes one occurrence; true when `key` was present (the row is a duplicate). */
  take(key: string): boolean {
    const n = this.counts.get(key) ?? 0;
    if (n === 0) return false;
    this.counts.set(key, n - 1);
    return true;
  }
}

/** Fetches and writes; throws FloxError for bad arguments before anything is written. */
export async function backfill(options: BackfillOptions): Promise<BackfillResult> {
  const source = options.source ?? "trades";
  const limit = options.pageLimit ?? 1000;
  const timeframe = options.timeframe ?? "1m";
  if (!(options.untilMs > options.sinceMs)) {
    throw invalidArgument(
      "tape backfill",
      `--until (${new Date(options.untilMs).toISOString()}) must be after --since (${
        new Date(options.sinceMs).toISOString()
      })`,
    );
  }
  if (source !== "trades" && source !== "ohlcv") {
    throw invalidArgument("tape backfill", `--source must be trades or ohlcv, got "${source}"`);
  }
  if (!(Number.isInteger(limit) && limit > 0)) throw invalidArgument("tape backfill", `page limit must be > 0`);
  const notice = options.onNotice ?? ((m: string) => console.error(m));

  const ex = await openExchange(options.exchange, false, options.ccxtConfig);
  try {
    const capability = source === "trades" ? "fetchTrades" : "fetchOHLCV";
    if (!ex.has[capability]) {
      throw invalidArgument(
        "tape backfill",
        `exchange "${ex.id}" has no ${capability} in ccxt; try --source ${source === "trades" ? "ohlcv" : "trades"}`,
      );
    }
    let tfMs = 0;
    if (source === "ohlcv") {
      if (ex.timeframes && !Object.hasOwn(ex.timeframes, timeframe)) {
        throw invalidArgument(
          "tape backfill",
          `--timeframe "${timeframe}" is not offered by ${ex.id} (${Object.keys(ex.timeframes).join(", ")})`,
        );
      }
      tfMs = ex.parseTimeframe(timeframe) * 1000;
    }
    const symbol = resolveSymbol(ex.id, options.symbol, ex.markets);

    const existing = await options.readExisting(options.output, symbol);
    if (existing?.exchange && existing.exchange !== ex.id) {
      throw invalidArgument(
        "tape backfill",
        `${options.output} holds a tape from exchange "${existing.exchange}", not "${ex.id}"; use another --output`,
      );
    }
    const symbols: Record<number, string> = { ...(existing?.symbols ?? {}) };
    let symbolId = Number(Object.keys(symbols).find((k) => symbols[Number(k)] === symbol) ?? 0);
    if (symbolId === 0) {
      symbolId = Math.max(0, ...Object.keys(symbols).map(Number)) + 1;
      symbols[symbolId] = symbol;
    }

    const boundary = new BoundaryRows();
    let startMs = options.sinceMs;
    let resumed = false;
    if (existing && existing.lastTsNs !== null) {
      const lastMs = Number(existing.lastTsNs / 1_000_000n);
      if (lastMs >= options.sinceMs) {
        resumed = true;
        startMs = source === "trades" ? lastMs : lastMs + tfMs;
        boundary.reset(lastMs);
        for (const r of existing.rowsAtLastTs) boundary.add(rowKey(r.priceRaw, r.qtyRaw, r.side));
        notice(
          `${options.output} already has ${symbol} up to ${new Date(lastMs).toISOString()}; continuing from there`,
        );
      }
    }

    const result: BackfillResult = {
      symbol,
      symbolId,
      startMs,
      pages: 0,
      rowsFetched: 0,
      rowsWritten: 0,
      duplicatesSkipped: 0,
      rowsSkipped: 0,
      resumed,
      aborted: false,
      recorder: { tradesWritten: 0, bookUpdatesWritten: 0, bytesWritten: 0, segmentsCreated: 0, errors: 0 },
    };
    if (startMs >= options.untilMs) {
      notice(`nothing to fetch: the tape already covers ${symbol} up to --until`);
      return result;
    }

    const recorder = options.makeRecorder(options.output, {
      maxSegmentMb: options.maxSegmentMb,
      compression: options.compression,
      exchange: ex.id,
      symbols,
    });
    try {
      const ctx = { ex, symbol, symbolId, limit, options, result, boundary, recorder, notice };
      if (source === "trades") await pageTrades(ctx, startMs);
      else await pageBars(ctx, startMs, timeframe, tfMs);
      recorder.flush();
    } finally {
      recorder.close();
      result.recorder = recorder.stats();
    }
    return result;
  } finally {
    await ex.close().catch(() => {});
  }
}

interface PageContext {
  ex: RestExchange;
  symbol: string;
  symbolId: number;
  limit: number;
  options: BackfillOptions;
  result: BackfillResult;
  boundary: BoundaryRows;
  recorder: TapeRecorderLike;
  notice: (m: string) => void;
}

/** How far to jump when a page has nothing in range (quiet hours; venues that cap the time window). */
const EMPTY_WINDOW_MS = 3_600_000;

async function pageTrades(c: PageContext, startMs: number): Promise<void> {
  const { options, result } = c;
  let cursor = startMs;
  while (cursor < options.untilMs) {
    if (options.signal?.aborted) {
      result.aborted = true;
      return;
    }
    const page = await fetchWithContext(() => c.ex.fetchTrades(c.symbol, cursor, c.limit), c, cursor);
    result.pages++;
    result.rowsFetched += page.length;
    const rows = page.filter((t) => typeof t.timestamp === "number" && t.timestamp >= cursor)
      .sort((a, b) => a.timestamp! - b.timestamp!);
    const inRange = rows.filter((t) => t.timestamp! < options.untilMs);
    result.rowsSkipped += page.length - rows.length;
    const reachedEnd = inRange.length < rows.length;

    const n = inRange.length;
    const tsNs = new BigInt64Array(n), ids = new Uint32Array(n), px = new Float64Array(n), qty = new Float64Array(n);
    const side = new Uint8Array(n);
    let k = 0;
    const lastTs = n > 0 ? inRange[n - 1].timestamp! : -1;
    // Every row at this page's last millisecond, written now or already stored: the next page
    // starts at that same millisecond (a full page may have cut it in half) and must skip them.
    const nextBoundary = new BoundaryRows();
    nextBoundary.reset(lastTs);
    for (const t of inRange) {
      const ts = t.timestamp!;
      if (!(typeof t.price === "number" && t.price > 0 && typeof t.amount === "number" && t.amount > 0)) {
        result.rowsSkipped++;
        continue;
      }
      const s = t.side === "sell" ? 1 : 0;
      const key = rowKey(toRaw(t.price), toRaw(t.amount), s);
      if (ts === lastTs) nextBoundary.add(key);
      if (ts === c.boundary.tsMs && c.boundary.take(key)) {
        result.duplicatesSkipped++;
        continue;
      }
      tsNs[k] = BigInt(ts) * 1_000_000n;
      ids[k] = c.symbolId;
      px[k] = t.price;
      qty[k] = t.amount;
      side[k] = s;
      k++;
    }
    if (n > 0) c.boundary = nextBoundary;
    if (k > 0) {
      c.recorder.recordTrades({
        tsNs: tsNs.subarray(0, k),
        symbolId: ids.subarray(0, k),
        price: px.subarray(0, k),
        qty: qty.subarray(0, k),
        side: side.subarray(0, k),
      });
      result.rowsWritten += k;
    }
    if (reachedEnd) cursor = options.untilMs;
    else if (n === 0) cursor = Math.min(options.untilMs, cursor + EMPTY_WINDOW_MS);
    else if (page.length < c.limit) cursor = lastTs + 1; // the venue had nothing more in its window
    else if (lastTs > cursor) cursor = lastTs; // a full page may have cut this millisecond in half
    else {
      c.notice(`more than ${c.limit} trades at ${new Date(cursor).toISOString()}; moving past that millisecond`);
      cursor += 1;
    }
    options.onProgress?.({
      cursorMs: cursor,
      sinceMs: options.sinceMs,
      untilMs: options.untilMs,
      pages: result.pages,
      rowsWritten: result.rowsWritten,
    });
  }
}

async function pageBars(c: PageContext, startMs: number, timeframe: string, tfMs: number): Promise<void> {
  const { options, result } = c;
  let cursor = startMs;
  while (cursor < options.untilMs) {
    if (options.signal?.aborted) {
      result.aborted = true;
      return;
    }
    const page = await fetchWithContext(() => c.ex.fetchOHLCV(c.symbol, timeframe, cursor, c.limit), c, cursor);
    result.pages++;
    result.rowsFetched += page.length;
    const bars = page.filter((b) => b[0] >= cursor && b[0] < options.untilMs).sort((a, b) => a[0] - b[0]);
    result.rowsSkipped += page.length - bars.length;
    let k = 0;
    const tsNs = new BigInt64Array(bars.length), ids = new Uint32Array(bars.length);
    const px = new Float64Array(bars.length), qty = new Float64Array(bars.length), side = new Uint8Array(bars.length);
    // One synthetic trade per bar at its close with the bar's volume (the seed's recipe); bars
    // without volume carry no trade and are skipped.
    for (const [ts, , , , close, volume] of bars) {
      if (!(close > 0) || !(volume > 0)) {
        result.rowsSkipped++;
        continue;
      }
      tsNs[k] = BigInt(ts) * 1_000_000n;
      ids[k] = c.symbolId;
      px[k] = close;
      qty[k] = volume;
      side[k] = 0;
      k++;
    }
    if (k > 0) {
      c.recorder.recordTrades({
        tsNs: tsNs.subarray(0, k),
        symbolId: ids.subarray(0, k),
        price: px.subarray(0, k),
        qty: qty.subarray(0, k),
        side: side.subarray(0, k),
      });
      result.rowsWritten += k;
    }
    const reachedEnd = page.some((b) => b[0] >= options.untilMs);
    if (reachedEnd) cursor = options.untilMs;
    else if (bars.length === 0) cursor = Math.min(options.untilMs, cursor + c.limit * tfMs);
    else cursor = bars[bars.length - 1][0] + tfMs;
    options.onProgress?.({
      cursorMs: cursor,
      sinceMs: options.sinceMs,
      untilMs: options.untilMs,
      pages: result.pages,
      rowsWritten: result.rowsWritten,
    });
  }
}

async function fetchWithContext<T>(call: () => Promise<T>, c: PageContext, cursor: number): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw new Error(
      `${c.ex.id} ${c.symbol}: fetching from ${new Date(cursor).toISOString()} failed after ${c.result.rowsWritten} ` +
        `row(s) written (run the same command again to resume): ${errorText(e)}`,
      { cause: e },
    );
  }
}
