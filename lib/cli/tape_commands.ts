// The registry of `flox tape` subcommands. Each subcommand lives in its own file (tape_<name>.ts)
// and exports one Command; adding one is an import and an entry in the list below.
import type { CommandGroup } from "./command.ts";
import { tapeDiffCommand } from "./tape_diff.ts";
import { tapeInspectCommand } from "./tape_inspect.ts";
import { tapeReplayCommand } from "./tape_replay.ts";
import { tapeRecordCommand } from "./tape_record.ts";
import { tapeBackfillCommand } from "./tape_backfill.ts";

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
