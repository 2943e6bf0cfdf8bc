// `flox tape record EXCHANGE SYMBOL... --output DIR`: live capture of trades and order books through
// ccxt's websocket interface into a tape (lib/live/record_session.ts does the work).
import { UsageError } from "./args.ts";
import { type Command, ExitCode } from "./command.ts";
import { ccxtConfigFrom } from "./ccxt_config.ts";
import { ccxtConfigOption, tapeWriterOptions } from "./tape_output_options.ts";
import { progressWanted } from "./progress.ts";
import { parseDuration } from "../live/duration.ts";
import type { VenueRequest } from "../live/record_session.ts";
import { StatusLine } from "../live/status_line.ts";

function durationOption(raw: string, option: string): number {
  try {
    return parseDuration(raw, option);
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^parseDuration: /, ""));
  }
}

/** "binance:BTCUSDT,ETHUSDT" -> { exchange, symbols } (symbols may contain ':' as in BTC/USDT:USDT). */
function venueOption(raw: string, option: string): VenueRequest {
  const at = raw.indexOf(":");
  const exchange = at < 0 ? "" : raw.slice(0, at).trim();
  const symbols = at < 0 ? [] : raw.slice(at + 1).split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (exchange === "" || symbols.length === 0) {
    throw new UsageError(`${option} takes EXCHANGE:SYMBOL[,SYMBOL...], got '${raw}'`);
  }
  return { exchange, symbols };
}

export const tapeRecordCommand: Command = {
  name: "record",
  summary: "Record live trades and order books from an exchange (ccxt)",
  description: "Connects to the exchange's public websocket feeds through ccxt (ccxt.pro), records every trade\n" +
    "and every order-book update of the given symbols into a tape at --output, and stops after\n" +
    "--duration or on Ctrl+C (SIGINT) / SIGTERM, closing the tape so nothing received is lost.\n" +
    "Book updates are written as snapshots of the top --book-depth levels per side.\n" +
    "Symbols: flat (BTCUSDT), slash (BTC/USDT) or ccxt's perp form (BTC/USDT:USDT).\n" +
    "Several venues: repeat --venue EXCHANGE:SYM[,SYM...]; each venue then writes DIR/<exchange>/.\n" +
    "Dropped connections are retried with backoff and reported as gaps in the summary.",
  positionals: [
    { name: "EXCHANGE", description: "ccxt exchange id: binance, bybit, okx, ...", optional: true },
    { name: "SYMBOL", description: "One or more symbols: BTCUSDT, BTC/USDT, BTC/USDT:USDT", variadic: true },
  ],
  options: [
    {
      name: "output",
      short: "o",
      kind: "string",
      valueName: "DIR",
      description: "Tape directory (created if missing)",
    },
    {
      name: "duration",
      short: "d",
      kind: "string",
      valueName: "D",
      description: "How long to record: 30s, 15m, 1h, 2d (default: until Ctrl+C)",
      parse: durationOption,
    },
    ...tapeWriterOptions,
    {
      name: "book-depth",
      kind: "count",
      valueName: "N",
      description: "Order-book levels per side (default: exchange's)",
    },
    {
      name: "venue",
      kind: "string",
      valueName: "EX:SYM[,SYM]",
      repeatable: true,
      description: "A venue and its symbols; repeat for several venues (instead of EXCHANGE SYMBOL...)",
      parse: venueOption,
    },
    ccxtConfigOption,
  ],
  exitCodes: [
    [ExitCode.OK, "Recorded; everything received was written"],
    [ExitCode.FAILED, "Something failed to write (WRITE-ERRORS) or a stream gave up"],
    [ExitCode.USAGE, "Bad usage, unknown exchange or symbol, markets could not be loaded"],
  ],
  examples: [
    "flox tape record bybit BTCUSDT --duration 1h --output ./tapes/bybit-btc",
    "flox tape record binance BTC/USDT ETH/USDT -o ./tapes/binance --compression lz4 --book-depth 20",
    "flox tape record --venue bybit:BTCUSDT --venue okx:BTC/USDT,ETH/USDT -o ./tapes/multi -d 30m",
  ],
  async run(args, context) {
    const venues = args.all("venue") as VenueRequest[];
    const [exchange, ...symbols] = args.positionals;
    if (venues.length > 0 && exchange !== undefined) {
      throw new UsageError("give either EXCHANGE SYMBOL... or --venue, not both");
    }
    if (venues.length === 0) {
      if (exchange === undefined) throw new UsageError("missing EXCHANGE (or --venue EXCHANGE:SYMBOL)");
      if (symbols.length === 0) throw new UsageError("missing SYMBOL");
      venues.push({ exchange, symbols });
    }
    const output = args.string("output");
    if (output === undefined) throw new UsageError("--output DIR is required");

    const ccxtConfig = ccxtConfigFrom(args.string("ccxt-config"), context.env);
    // Loaded here, not at the top: ccxt is large and the other `flox` commands should not pay for it.
    const { recordTape } = await import("../live/record_session.ts");
    const { loadRecorderFactory } = await import("../live/tape_access.ts");
    const makeRecorder = await loadRecorderFactory();
    const { out, err } = context;
    const line = (o: typeof out) => (text: string) => {
      o.write(text + "\n");
      o.flush();
    };
    const status = new StatusLine(progressWanted(err, context.env), (t) => {
      err.write(t);
      err.flush();
    });
    const result = await recordTape({
      venues,
      output,
      durationMs: args.value<number>("duration"),
      maxSegmentMb: args.count("max-segment-mb"),
      compression: args.value<"none" | "lz4">("compression"),
      bookDepth: args.count("book-depth"),
      ccxtConfig,
      makeRecorder,
      handleSignals: true,
      statusLine: status,
      out: line(out),
      err: line(err),
    });
    return result.exitCode === 0 ? ExitCode.OK : ExitCode.FAILED;
  },
};
