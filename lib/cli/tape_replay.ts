// `flox tape replay DIR [--max-events N]`: prints the tape's events in replay order, one line each.
import type { BookUpdate } from "../market.ts";
import { UsageError } from "./args.ts";
import { type Command, ExitCode } from "./command.ts";
import { formatCount, IsoFormatter, sideName } from "./format.ts";
import { loadTapeApi } from "./tape_api.ts";
import { requireTapeDir } from "./tape_input.ts";

/** Thrown from a replay callback to stop early when stdout's reader has gone away. */
class ReaderGone extends Error {}

/** A fixed-point divisor: a positive number, "1e6" and "1000000" alike. */
function parseScale(raw: string, option: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${option} must be a positive number, got '${raw}'`);
  return value;
}

export const tapeReplayCommand: Command = {
  name: "replay",
  summary: "Print a tape's events in replay order, one line per event",
  description: "Walks DIR in replay order (segments by name, each in stable timestamp order) and prints one\n" +
    "line per event on stdout:\n" +
    "  <ts ns> <ts ISO-8601 UTC> trade sym=<id> price=<price> qty=<qty> <buy|sell>\n" +
    "  <ts ns> <ts ISO-8601 UTC> book <snapshot|delta> sym=<id> bids=<n> asks=<n> [bid=<p>@<q>] [ask=<p>@<q>]\n" +
    "(bid/ask: the first level listed on each side). Prices and quantities are the exact fixed-point\n" +
    "values. A summary line goes to stderr.",
  positionals: [{ name: "DIR", description: "Tape directory (holds the *.floxlog segment files)" }],
  options: [
    { name: "max-events", kind: "count", valueName: "N", description: "Stop after N events (default: all)" },
    { name: "trades-only", kind: "flag", description: "Print trades only, skip book updates (faster)" },
    {
      name: "price-scale",
      kind: "string",
      valueName: "S",
      parse: parseScale,
      description: "Raw-to-price divisor (default: metadata.json price_scale, else 1e8). FLOX tapes from before " +
        "2025-12-23, like FLOX's demo sample, use 1e6",
    },
    {
      name: "qty-scale",
      kind: "string",
      valueName: "S",
      parse: parseScale,
      description: "Raw-to-quantity divisor (default: as --price-scale)",
    },
  ],
  exitCodes: [[ExitCode.OK, "Printed the events"], [ExitCode.USAGE, "Bad usage, or DIR is missing or unreadable"]],
  examples: [
    "flox tape replay ./tapes/bybit-btc --max-events 100",
    "flox tape replay ./tapes/bybit-btc --trades-only | grep sell",
    "flox tape replay ./flox-demo-tape --price-scale 1e6",
  ],
  async run(args, context) {
    const dir = requireTapeDir(args.positionals[0]);
    const maxEvents = args.count("max-events");
    const tradesOnly = args.flag("trades-only");
    const scales = { priceScale: args.value<number>("price-scale"), qtyScale: args.value<number>("qty-scale") };
    const api = await loadTapeApi();
    const { out, err } = context;

    // Progress only when the lines themselves are not going to the same terminal.
    const progress = context.progress("replay", "bytes");
    const onProgress = progress.enabled && !out.isTTY
      ? (done: number, total: number) => progress.update(done, total)
      : undefined;

    const iso = new IsoFormatter();
    let printed = 0;
    const delivered = () => {
      printed++;
      if (out.broken) throw new ReaderGone();
    };
    const onTrade = (tsNs: bigint, symbolId: number, price: number, qty: number, side: number) => {
      out.write(`${tsNs} ${iso.format(tsNs)} trade sym=${symbolId} price=${price} qty=${qty} ${sideName(side)}\n`);
      delivered();
    };
    const onBook = (u: BookUpdate) => {
      let line = `${u.tsNs} ${iso.format(u.tsNs)} book ${u.snapshot ? "snapshot" : "delta"} sym=${u.symbol} ` +
        `bids=${u.bidPrices.length} asks=${u.askPrices.length}`;
      if (u.bidPrices.length > 0) line += ` bid=${u.bidPrices[0]}@${u.bidQtys[0]}`;
      if (u.askPrices.length > 0) line += ` ask=${u.askPrices[0]}@${u.askQtys[0]}`;
      out.write(line + "\n");
      delivered();
    };
    try {
      const handlers = { ...scales, maxEvents, onTrade, onProgress };
      api.replayTape(dir, tradesOnly ? handlers : { ...handlers, onBook });
    } catch (e) {
      if (!(e instanceof ReaderGone)) throw e;
    } finally {
      progress.finish();
    }
    out.flush();
    if (!out.broken) {
      const capped = maxEvents !== undefined && printed >= maxEvents ? ` (stopped at --max-events ${maxEvents})` : "";
      err.write(`${context.name}: ${formatCount(printed)} event(s) from ${dir}${capped}\n`);
    }
    return ExitCode.OK;
  },
};
