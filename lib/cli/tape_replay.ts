// `flox tape replay DIR [--max-events N]`: prints the tape's trades in replay order, one line each.
import { type Command, ExitCode } from "./command.ts";
import { formatCount, IsoFormatter, sideName } from "./format.ts";
import { loadTapeApi } from "./tape_api.ts";
import { requireTapeDir } from "./tape_input.ts";

/** Thrown from the replay callback to stop early when stdout's reader has gone away. */
class ReaderGone extends Error {}

const PROGRESS_EVERY = 1 << 16;

export const tapeReplayCommand: Command = {
  name: "replay",
  summary: "Print a tape's trades in replay order, one line per event",
  description: "Walks DIR in replay order (segments by name, each in stable timestamp order) and prints one\n" +
    "line per trade on stdout:\n" +
    "  <ts ns> <ts ISO-8601 UTC> trade sym=<id> price=<price> qty=<qty> <buy|sell>\n" +
    "Prices and quantities are the exact fixed-point values. A summary line goes to stderr.",
  positionals: [{ name: "DIR", description: "Tape directory (holds the *.floxlog segment files)" }],
  options: [
    { name: "max-events", kind: "count", valueName: "N", description: "Stop after N events (default: all)" },
  ],
  exitCodes: [[ExitCode.OK, "Printed the events"], [ExitCode.USAGE, "Bad usage, or DIR is missing or unreadable"]],
  examples: ["flox tape replay ./tapes/bybit-btc --max-events 100", "flox tape replay ./tapes/bybit-btc | grep sell"],
  async run(args, context) {
    const dir = requireTapeDir(args.positionals[0]);
    const maxEvents = args.count("max-events");
    const api = await loadTapeApi();
    const { out, err } = context;

    // Progress only when the lines themselves are not going to the same terminal.
    const progress = context.progress("replay");
    const showProgress = progress.enabled && !out.isTTY;
    let total = 0;
    if (showProgress) {
      total = api.inspectTape(dir).tradeCount;
      if (maxEvents !== undefined) total = Math.min(total, maxEvents);
    }

    const iso = new IsoFormatter();
    let printed = 0;
    try {
      api.replayTape(dir, {
        maxEvents,
        onTrade(tsNs, symbolId, price, qty, side) {
          out.write(`${tsNs} ${iso.format(tsNs)} trade sym=${symbolId} price=${price} qty=${qty} ${sideName(side)}\n`);
          printed++;
          if (out.broken) throw new ReaderGone();
          if (showProgress && printed % PROGRESS_EVERY === 0) progress.update(printed, total);
        },
      });
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
