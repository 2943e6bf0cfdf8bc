// Child process for tests/tape_crash.test.ts: records trades forever (until SIGKILLed), flushing
// every 1000 and printing how many are flushed, so the parent can kill it mid-recording.
// Usage: <runtime> tests/support/tape_crash_writer.ts DIR none|lz4
import process from "node:process";
import { makeRecorderHook } from "../../mod.ts";
import { syntheticTrades } from "./tape_helpers.ts";

const [dir, compression] = process.argv.slice(-2);
const recorder = makeRecorderHook(dir, { compression: compression as "none" | "lz4", maxSegmentMb: 1024 });
const BATCH = 1000;
let written = 0;
// Bounded so a child that is never killed still ends.
while (written < 5_000_000) {
  recorder.recordTrades(syntheticTrades(BATCH, written));
  written += BATCH;
  recorder.flush();
  process.stdout.write(`${written}\n`);
  // Let the runtime deliver stdout to the parent between batches.
  await new Promise((resolve) => setTimeout(resolve, 1));
}
recorder.close();
