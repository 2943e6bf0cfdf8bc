// The registry of `flox tape` subcommands. Each subcommand lives in its own file (tape_<name>.ts)
// and exports one Command; adding one is an import and an entry in the list below.
import type { CommandGroup } from "./command.ts";
import { unavailableCommand } from "./unavailable.ts";
import { tapeDiffCommand } from "./tape_diff.ts";
import { tapeInspectCommand } from "./tape_inspect.ts";
import { tapeReplayCommand } from "./tape_replay.ts";

// `record` and `backfill` come from the record module (issue 5); until it lands they are listed
// with their usage and explain that this build does not include them.
const tapeRecordCommand = unavailableCommand({
  name: "record",
  summary: "Record live trades and order books from an exchange (ccxt)",
  positionals: [
    { name: "EXCHANGE", description: "ccxt exchange id, e.g. bybit" },
    { name: "SYMBOL", description: "BTCUSDT or BTC/USDT", variadic: true },
  ],
});
const tapeBackfillCommand = unavailableCommand({
  name: "backfill",
  summary: "Fetch historical trades or bars through ccxt",
  positionals: [
    { name: "EXCHANGE", description: "ccxt exchange id, e.g. bybit" },
    { name: "SYMBOL", description: "BTCUSDT or BTC/USDT" },
  ],
});

export const tapeGroup: CommandGroup = {
  name: "tape",
  summary: "Record, inspect, replay and diff market-data tapes (.floxlog)",
  description: "Market-data tapes in FLOX's .floxlog v1 format: a directory of segment files plus an optional\n" +
    "metadata.json. Prices and quantities are fixed point (x1e8) on disk and exact on read.",
  commands: [
    tapeInspectCommand,
    tapeReplayCommand,
    tapeDiffCommand,
    tapeRecordCommand,
    tapeBackfillCommand,
  ],
};
