// `flox tape backfill EXCHANGE SYMBOL --since T --until T --output DIR`: historical trades (or bars)
// through ccxt's REST interface into a tape, resumable (lib/live/backfill.ts does the work).
import { resolve } from "node:path";
import process from "node:process";
import { UsageError } from "./args.ts";
import { type Command, ExitCode } from "./command.ts";
import { ccxtConfigFrom } from "./ccxt_config.ts";
import { ccxtConfigOption, tapeWriterOptions } from "./tape_output_options.ts";
import { progressWanted } from "./progress.ts";
import type { BackfillResult } from "../live/backfill.ts";
import { parseTimestamp } from "../live/duration.ts";
import { formatBytes, formatCount, progressBar, StatusLine } from "../live/status_line.ts";
import { onStopSignals } from "../live/stop_signals.ts";

function timeOption(raw: string, option: string): number {
  try {
    return parseTimestamp(raw, option);
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^parseTimestamp: /, ""));
  }
}

function sourceOption(raw: string, option: string): "trades" | "ohlcv" {
  if (raw !== "trades" && raw !== "ohlcv") throw new UsageError(`${option} must be trades or ohlcv, got '${raw}'`);
  return raw;
}

export const tapeBackfillCommand: Command = {
  name: "backfill",
  summary: "Fetch historical trades or bars through ccxt into a tape (resumable)",
  description: "Pages through the exchange's history with ccxt's fetchTrades (--source trades, every print\n" +
    "with its side) or fetchOHLCV (--source ohlcv: one synthetic buy per bar at the close with the\n" +
    "bar's volume, for windows longer than the venue keeps trades). Requests are rate-limited by\n" +
    "ccxt. Running it again on the same --output continues after the tape's last row for the symbol\n" +
    "without duplicating rows, so an interrupted backfill (Ctrl+C, network error) is resumed by\n" +
    "repeating the command. Times are ISO 8601 (UTC unless a zone is given) or epoch milliseconds.",
  positionals: [
    { name: "EXCHANGE", description: "ccxt exchange id: binance, bybit, okx, ..." },
    { name: "SYMBOL", description: "BTCUSDT, BTC/USDT or BTC/USDT:USDT" },
  ],
  options: [
    {
      name: "output",
      short: "o",
      kind: "string",
      valueName: "DIR",
      description: "Tape directory (created or resumed)",
    },
    { name: "since", kind: "string", valueName: "T", description: "Start of the range (inclusive)", parse: timeOption },
    {
      name: "until",
      kind: "string",
      valueName: "T",
      description: "End of the range (exclusive; default: now)",
      parse: timeOption,
    },
    {
      name: "source",
      kind: "string",
      valueName: "trades|ohlcv",
      description: "What to fetch (default trades)",
      parse: sourceOption,
    },
    { name: "timeframe", kind: "string", valueName: "TF", description: "Bar size for --source ohlcv (default 1m)" },
    { name: "page-limit", kind: "count", valueName: "N", description: "Rows per request (default 1000)" },
    ...tapeWriterOptions,
    ccxtConfigOption,
  ],
  exitCodes: [
    [ExitCode.OK, "The range is in the tape"],
    [ExitCode.FAILED, "Interrupted, a request failed, or rows failed to write (run it again to resume)"],
    [ExitCode.USAGE, "Bad usage, unknown exchange/symbol/timeframe, or the tape is from another exchange"],
  ],
  examples: [
    "flox tape backfill binance BTCUSDT --since 2026-04-01 --until 2026-04-02 -o ./tapes/binance-btc-hist",
    "flox tape backfill bybit BTC/USDT --source ohlcv --timeframe 1m --since 2026-01-01 --until 2026-04-01 -o ./tapes/bars",
  ],
  async run(args, context) {
    const [exchange, symbol] = args.positionals;
    const output = args.string("output");
    if (output === undefined) throw new UsageError("--output DIR is required");
    const sinceMs = args.value<number>("since");
    if (sinceMs === undefined) throw new UsageError("--since T is required");
    const untilMs = args.value<number>("until") ?? Date.now();
    const source = args.value<"trades" | "ohlcv">("source") ?? "trades";
    const timeframe = args.string("timeframe");
    if (timeframe !== undefined && source !== "ohlcv") {
      throw new UsageError("--timeframe only applies to --source ohlcv");
    }

    const ccxtConfig = ccxtConfigFrom(args.string("ccxt-config"), context.env);
    // Loaded here, not at the top: ccxt is large and the other `flox` commands should not pay for it.
    const { backfill } = await import("../live/backfill.ts");
    const { loadRecorderFactory, readExistingTape } = await import("../live/tape_access.ts");
    const makeRecorder = await loadRecorderFactory();
    const { out, err } = context;
    const say = (o: typeof out, text: string) => {
      o.write(text + "\n");
      o.flush();
    };
    const status = new StatusLine(progressWanted(err, context.env), (t) => {
      err.write(t);
      err.flush();
    });
    const stop = new AbortController();
    const unsubscribe = onStopSignals(
      (sig) => {
        status.clear();
        say(err, `${sig}: stopping after the current page; run the same command again to resume`);
        stop.abort();
      },
      () => {
        process.exit(130);
      },
    );
    const dir = resolve(output);
    say(
      out,
      `flox tape backfill: ${exchange} ${symbol} ${source}${source === "ohlcv" ? ` ${timeframe ?? "1m"}` : ""} ` +
        `${new Date(sinceMs).toISOString()} → ${new Date(untilMs).toISOString()} → ${dir}`,
    );
    let result: BackfillResult;
    try {
      result = await backfill({
        exchange,
        symbol,
        sinceMs,
        untilMs,
        source,
        timeframe,
        output: dir,
        pageLimit: args.count("page-limit"),
        maxSegmentMb: args.count("max-segment-mb"),
        compression: args.value<"none" | "lz4">("compression"),
        ccxtConfig,
        makeRecorder,
        readExisting: readExistingTape,
        signal: stop.signal,
        onNotice: (m) => {
          status.clear();
          say(err, m);
        },
        onProgress: (p) => {
          const done = (p.cursorMs - p.sinceMs) / (p.untilMs - p.sinceMs);
          status.update(
            `backfill ${symbol} ${progressBar(done)}  at ${new Date(p.cursorMs).toISOString()}  ` +
              `rows ${formatCount(p.rowsWritten)}  pages ${p.pages}`,
          );
        },
      });
    } catch (e) {
      status.clear();
      // FloxError (bad arguments) goes to the CLI's usage handling; fetch failures are exit 1.
      if ((e as { name?: string }).name === "FloxError") throw e;
      say(err, `${context.name}: ${(e as Error).message}`);
      return ExitCode.FAILED;
    } finally {
      unsubscribe();
    }
    status.clear();
    const r = result;
    const lines = [
      `  symbol            : ${r.symbol} (id ${r.symbolId})`,
      ...(r.resumed ? [`  resumed from      : ${new Date(r.startMs).toISOString()}`] : []),
      `  pages fetched     : ${r.pages}`,
      `  rows fetched      : ${r.rowsFetched}`,
      `  rows written      : ${r.rowsWritten}`,
      `  duplicates skipped: ${r.duplicatesSkipped}`,
      `  rows skipped      : ${r.rowsSkipped} (outside the range, or empty bars)`,
      `  bytes written     : ${r.recorder.bytesWritten} (${formatBytes(r.recorder.bytesWritten)})`,
      `  segments          : ${r.recorder.segmentsCreated}`,
      `  write errors      : ${r.recorder.errors}`,
    ];
    for (const l of lines) say(out, l);
    if (r.recorder.errors > 0) say(err, `  WRITE-ERRORS: ${r.recorder.errors}`);
    if (r.aborted) {
      say(err, `${context.name}: interrupted; run the same command again to resume`);
      return ExitCode.FAILED;
    }
    return r.recorder.errors > 0 ? ExitCode.FAILED : ExitCode.OK;
  },
};
