// `flox tape record` as a function: open the venues, resolve the symbols, record trades and books
// into one tape per venue until the duration ends, a signal arrives or the caller aborts, then close
// the tapes cleanly and report what was written.
import { mkdirSync, readdirSync } from "node:fs";
import process from "node:process";
import { join, resolve } from "node:path";
import { invalidArgument } from "../errors.ts";
import { CcxtFeed, errorText, type FeedStats } from "./ccxt_feed.ts";
import { type LiveExchange, openExchange } from "./ccxt_exchange.ts";
import { formatDuration } from "./duration.ts";
import type { Gap } from "./gap_tracker.ts";
import type { RecorderStats, TapeRecorderLike } from "./recorder_types.ts";
import { RunnerSink } from "./runner_sink.ts";
import { Runner } from "../runner.ts";
import { SymbolRegistry } from "../symbols.ts";
import { formatBytes, formatCount, StatusLine } from "./status_line.ts";
import { onStopSignals } from "./stop_signals.ts";
import { resolveSymbol } from "./symbol_spec.ts";

export interface VenueRequest {
  /** ccxt exchange id: binance, bybit, okx, ... */
  exchange: string;
  /** Symbol arguments as typed (BTCUSDT, BTC/USDT, BTC/USDT:USDT). */
  symbols: string[];
}

export interface RecorderFactoryOptions {
  maxSegmentMb?: number;
  compression?: "none" | "lz4";
  exchange?: string;
  symbols?: Record<number, string>;
}

export interface RecordOptions {
  venues: VenueRequest[];
  /** Tape directory; with several venues each gets `<output>/<exchange>/`. */
  output: string;
  /** Stop after this long (ms); otherwise run until a signal or `signal` aborts. */
  durationMs?: number;
  maxSegmentMb?: number;
  compression?: "none" | "lz4";
  /** Book levels per side requested and written. */
  bookDepth?: number;
  /** Merged into every exchange's ccxt constructor config (urls, options, keys). */
  ccxtConfig?: Record<string, unknown>;
  /** Creates the tape recorder for a directory (TapeRecorder's makeRecorderHook). */
  makeRecorder: (dir: string, options: RecorderFactoryOptions) => TapeRecorderLike;
  /** Programmatic stop. */
  signal?: AbortSignal;
  /** Listen for SIGINT/SIGTERM (the CLI does; library callers may not want to). */
  handleSignals?: boolean;
  /** The live status line; defaults to one on stderr when stderr is a terminal. */
  statusLine?: StatusLine;
  /** Normal output (header, summary); defaults to console.log. */
  out?: (line: string) => void;
  /** Notices and errors; defaults to console.error. */
  err?: (line: string) => void;
  /** How often the tapes are flushed to disk while recording (ms, default 1000). */
  flushIntervalMs?: number;
  /** Reconnect backoff override (tests). */
  reconnectInitialMs?: number;
  reconnectMaxMs?: number;
  /** Called once every feed is running (tests use it to start sending). */
  onStarted?: () => void;
}

export interface VenueResult {
  exchange: string;
  output: string;
  symbols: Record<number, string>;
  recorder: RecorderStats;
  feed: FeedStats;
  gaps: Gap[];
  /** Failures closing the tape (a failed final flush loses data). */
  closeError: string | null;
}

export interface RecordResult {
  venues: VenueResult[];
  stopReason: string;
  elapsedMs: number;
  /** 0 when everything received was written; 1 otherwise. */
  exitCode: number;
}

interface Venue {
  exchange: LiveExchange;
  output: string;
  symbols: Record<number, string>;
  recorder: TapeRecorderLike;
  runner: Runner;
  feed: CcxtFeed;
  flushError: string | null;
}

/** Records until stopped; never throws after the tapes are open (failures end up in the result). */
export async function recordTape(options: RecordOptions): Promise<RecordResult> {
  const out = options.out ?? ((l: string) => console.log(l));
  const errOut = options.err ?? ((l: string) => console.error(l));
  validate(options);
  const multi = options.venues.length > 1;
  const root = resolve(options.output);
  const status = options.statusLine ?? new StatusLine();
  const notice = (m: string) => {
    status.clear();
    errOut(m);
  };

  // Open every venue and resolve every symbol before creating any tape: a typo should not leave
  // half-created directories behind.
  const opened: { exchange: LiveExchange; symbols: string[] }[] = [];
  try {
    for (const v of options.venues) {
      const exchange = await openExchange(v.exchange, true, options.ccxtConfig);
      opened.push({ exchange, symbols: [] });
      for (const capability of ["watchTrades", "watchOrderBook"]) {
        if (!exchange.has[capability]) {
          throw invalidArgument("tape record", `exchange "${v.exchange}" does not support ${capability} in ccxt`);
        }
      }
      const resolved = v.symbols.map((s) => resolveSymbol(v.exchange, s, exchange.markets));
      opened[opened.length - 1].symbols = [...new Set(resolved)];
    }
  } catch (e) {
    await Promise.allSettled(opened.map((o) => o.exchange.close()));
    throw e;
  }

  const venues: Venue[] = [];
  try {
    for (const o of opened) {
      const output = multi ? join(root, o.exchange.id) : root;
      mkdirSync(output, { recursive: true });
      // Events go through a Runner with the recorder attached (setMarketDataRecorder), as in
      // FLOX; one Runner and registry per venue, so each tape numbers its symbols from 1.
      const registry = new SymbolRegistry();
      const symbols: Record<number, string> = {};
      const feedSymbols = o.symbols.map((symbol) => {
        const id = registry.addSymbol(o.exchange.id, symbol).id;
        symbols[id] = symbol;
        return { symbol, id };
      });
      const recorder = options.makeRecorder(output, {
        maxSegmentMb: options.maxSegmentMb,
        compression: options.compression,
        exchange: o.exchange.id,
        symbols,
      });
      const runner = new Runner(registry, () => {});
      runner.setMarketDataRecorder(recorder);
      runner.start();
      const feed = new CcxtFeed(o.exchange, feedSymbols, new RunnerSink(runner), {
        bookDepth: options.bookDepth,
        onNotice: notice,
        reconnectInitialMs: options.reconnectInitialMs,
        reconnectMaxMs: options.reconnectMaxMs,
      });
      venues.push({ exchange: o.exchange, output, symbols, recorder, runner, feed, flushError: null });
    }
  } catch (e) {
    for (const v of venues) {
      v.runner.close();
      safeClose(v.recorder);
    }
    await Promise.allSettled(opened.map((o) => o.exchange.close()));
    throw e;
  }

  out(`flox tape record: ${venues.length} venue(s) → ${root}`);
  for (const v of venues) {
    out(`  ${v.exchange.id}: ${Object.values(v.symbols).join(", ")}${multi ? `  → ${v.output}` : ""}`);
  }
  out(
    options.durationMs !== undefined
      ? `  duration: ${formatDuration(options.durationMs)}`
      : "  duration: until SIGINT/SIGTERM (Ctrl+C)",
  );

  const started = Date.now();
  let stopReason = "";
  let wake: () => void = () => {};
  const stopped = new Promise<void>((r) => (wake = r));
  const requestStop = (reason: string) => {
    if (stopReason) return;
    stopReason = reason;
    wake();
  };
  const unsubscribe = options.handleSignals
    ? onStopSignals(
      (sig) => {
        notice(`${sig}: stopping, closing the tape (send again to force)`);
        requestStop(sig);
      },
      (sig) => {
        notice(`${sig} again: exiting now without closing the tape`);
        process.exit(130);
      },
    )
    : () => {};
  const onAbort = () => requestStop("aborted");
  options.signal?.addEventListener("abort", onAbort);
  if (options.signal?.aborted) onAbort();
  const timer = options.durationMs !== undefined
    ? setTimeout(() => requestStop(`duration ${formatDuration(options.durationMs!)} reached`), options.durationMs)
    : undefined;

  for (const v of venues) v.feed.start();
  const rateState: RateState = { lastTotal: 0, lastAt: 0 };
  // Flushing once a second bounds what a crash (SIGKILL, power loss) can take with it to about a
  // second of data; a clean stop loses nothing either way.
  let lastFlush = Date.now();
  const watchdog = setInterval(() => {
    if (venues.every((v) => !v.feed.running)) requestStop("every stream failed");
    if (Date.now() - lastFlush >= (options.flushIntervalMs ?? 1000)) {
      lastFlush = Date.now();
      for (const v of venues) {
        try {
          v.recorder.flush();
        } catch (e) {
          if (v.flushError === null) notice(`${v.exchange.id}: writing the tape failed: ${errorText(e)}`);
          v.flushError = v.flushError ?? errorText(e);
        }
      }
    }
    if (status.enabled) status.update(statusText(venues, started, rateState));
  }, status.enabled ? 500 : 250);
  options.onStarted?.();

  await stopped;
  clearInterval(watchdog);
  if (timer !== undefined) clearTimeout(timer);
  options.signal?.removeEventListener("abort", onAbort);
  status.clear();

  const results: VenueResult[] = [];
  await Promise.all(venues.map((v) => v.feed.stop()));
  for (const v of venues) {
    let closeError: string | null = v.flushError;
    let before: RecorderStats | null = null;
    try {
      v.runner.close();
    } catch (e) {
      closeError = closeError ?? errorText(e);
    }
    try {
      v.recorder.flush();
      before = v.recorder.stats();
    } catch (e) {
      closeError = closeError ?? errorText(e);
    }
    try {
      v.recorder.close();
    } catch (e) {
      closeError = closeError ?? errorText(e);
    }
    let stats: RecorderStats;
    try {
      stats = v.recorder.stats();
    } catch {
      stats = before ?? { tradesWritten: 0, bookUpdatesWritten: 0, bytesWritten: 0, segmentsCreated: 0, errors: 0 };
    }
    results.push({
      exchange: v.exchange.id,
      output: v.output,
      symbols: v.symbols,
      recorder: stats,
      feed: v.feed.stats(),
      gaps: v.feed.gaps.gaps,
      closeError,
    });
  }
  unsubscribe();

  const elapsedMs = Date.now() - started;
  const exitCode = results.some(failed) ? 1 : 0;
  const result = { venues: results, stopReason, elapsedMs, exitCode };
  for (const line of formatSummary(result)) out(line);
  for (const r of results) {
    const writeErrors = r.recorder.errors + r.feed.sinkErrors;
    if (writeErrors > 0) errOut(`  ${r.exchange}: WRITE-ERRORS: ${writeErrors}`);
    if (r.closeError) errOut(`  ${r.exchange}: closing the tape failed: ${r.closeError}`);
    if (r.feed.failedStreams.length > 0) errOut(`  ${r.exchange}: FAILED STREAMS: ${r.feed.failedStreams.join("; ")}`);
  }
  return result;
}

function failed(r: VenueResult): boolean {
  return r.recorder.errors > 0 || r.feed.sinkErrors > 0 || r.closeError !== null || r.feed.failedStreams.length > 0;
}

function validate(o: RecordOptions): void {
  if (o.venues.length === 0) throw invalidArgument("tape record", "no exchange given");
  for (const v of o.venues) {
    if (!v.exchange) throw invalidArgument("tape record", "empty exchange id");
    if (v.symbols.length === 0) throw invalidArgument("tape record", `exchange "${v.exchange}": no symbol given`);
  }
  if (!o.output) throw invalidArgument("tape record", "--output is required");
  const ids = o.venues.map((v) => v.exchange);
  if (new Set(ids).size !== ids.length) {
    throw invalidArgument(
      "tape record",
      `exchange listed twice (${ids.join(", ")}); put all its symbols in one --venue`,
    );
  }
  if (o.durationMs !== undefined && !(o.durationMs > 0)) throw invalidArgument("tape record", "--duration must be > 0");
  if (o.maxSegmentMb !== undefined && !(Number.isInteger(o.maxSegmentMb) && o.maxSegmentMb > 0)) {
    throw invalidArgument("tape record", `--max-segment-mb must be a positive integer, got ${o.maxSegmentMb}`);
  }
  if (o.bookDepth !== undefined && !(Number.isInteger(o.bookDepth) && o.bookDepth > 0 && o.bookDepth <= 65535)) {
    throw invalidArgument("tape record", `--book-depth must be an integer in 1..65535, got ${o.bookDepth}`);
  }
}

function safeClose(r: TapeRecorderLike): void {
  try {
    r.close();
  } catch { /* already failing; the original error is what matters */ }
}

interface RateState {
  lastTotal: number;
  lastAt: number;
}

function statusText(venues: Venue[], started: number, rs: RateState): string {
  let trades = 0, books = 0, bytes = 0, gaps = 0;
  let segment = "";
  for (const v of venues) {
    const f = v.feed.stats();
    trades += f.trades;
    books += f.bookUpdates;
    gaps += v.feed.gaps.gaps.length;
    try {
      bytes += v.recorder.stats().bytesWritten;
    } catch { /* stats unavailable mid-write */ }
    segment = currentSegment(v.output) ?? segment;
  }
  const now = Date.now();
  const total = trades + books;
  const rate = rs.lastAt > 0 && now > rs.lastAt ? ((total - rs.lastTotal) * 1000) / (now - rs.lastAt) : 0;
  rs.lastTotal = total;
  rs.lastAt = now;
  return `● rec ${formatDuration(now - started)} | ${formatCount(rate)} ev/s | trades ${formatCount(trades)} | ` +
    `books ${formatCount(books)} | ${formatBytes(bytes)} | ${segment || "segment not on disk yet"} | gaps ${gaps}`;
}

function currentSegment(dir: string): string | null {
  try {
    const segs = readdirSync(dir).filter((f) => f.endsWith(".floxlog")).sort();
    return segs.length > 0 ? segs[segs.length - 1] : null;
  } catch {
    return null;
  }
}

/** The end-of-recording report, one line per entry. */
export function formatSummary(r: RecordResult): string[] {
  const lines = [`flox tape record: stopped (${r.stopReason}) after ${formatDuration(r.elapsedMs)}`];
  for (const v of r.venues) {
    const f = v.feed, s = v.recorder;
    const resumed = v.gaps.filter((g) => g.resumed).length;
    lines.push(`  ${v.exchange} → ${v.output}`);
    lines.push(`    trades written      : ${s.tradesWritten}`);
    lines.push(`    book updates written: ${s.bookUpdatesWritten}`);
    lines.push(`    bytes written       : ${s.bytesWritten} (${formatBytes(s.bytesWritten)})`);
    lines.push(`    segments            : ${s.segmentsCreated}`);
    lines.push(`    write errors        : ${s.errors + f.sinkErrors}`);
    lines.push(
      `    ignored messages    : ${f.malformed + f.feedErrors} (malformed ${f.malformed}, unparsable ${f.feedErrors})`,
    );
    if (f.tradesWithoutSide > 0) lines.push(`    trades without side : ${f.tradesWithoutSide} (recorded as buys)`);
    lines.push(`    reconnects          : ${f.reconnects}`);
    lines.push(
      `    gaps                : ${v.gaps.length}` +
        (v.gaps.length > 0 ? ` (total ${formatDuration(totalGapMs(v.gaps))}, ${resumed} resumed)` : ""),
    );
    for (const g of v.gaps) {
      lines.push(
        `      ${g.stream}: ${new Date(g.startMs).toISOString()} → ${new Date(g.endMs).toISOString()} ` +
          `(${formatDuration(g.endMs - g.startMs)}${g.resumed ? "" : ", not resumed before stop"})`,
      );
    }
  }
  return lines;
}

function totalGapMs(gaps: Gap[]): number {
  return gaps.reduce((t, g) => t + (g.endMs - g.startMs), 0);
}
