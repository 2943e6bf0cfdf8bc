// The FLOX tape diff example in TypeScript: a reference tape, an identical copy and a copy with one
// trade changed, compared trade by trade (timestamp, symbol, raw price, raw quantity, side) with
// tapeDiff. The tapes are synthetic and written to a temporary directory that is removed at the end.
//
//   deno run -A examples/tape_diff.ts
//   bun run examples/tape_diff.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as flox from "../mod.ts";

export interface DiffExample {
  /** Reference vs. an identical copy. */
  same: flox.TapeDiff;
  /** Reference vs. a copy whose trade `changedIndex` has a different price. */
  changed: flox.TapeDiff;
}

/** Writes `count` trades (a trade every ms, prices on a 0.01 tick) to `dir`; `bump` shifts one price. */
function writeTape(dir: string, count: number, bump?: { index: number; by: number }): void {
  using recorder = flox.makeRecorderHook(dir, { maxSegmentMb: 64 });
  for (let i = 0; i < count; i++) {
    const price = 100 + (i % 50) / 100 + (i === bump?.index ? bump.by : 0);
    recorder.recordTrade(
      1,
      price,
      0.1 + (i % 7) / 10,
      i % 3 === 0,
      1_700_000_000_000_000_000n + BigInt(i) * 1_000_000n,
    );
  }
}

/** Diffs a tape of `count` trades against an equal copy and against one with trade `changedIndex` changed. */
export function tapeDiffExample(count = 1000, changedIndex = 417): DiffExample {
  if (!(Number.isInteger(changedIndex) && changedIndex >= 0 && changedIndex < count)) {
    throw new RangeError(`changedIndex must be in [0, ${count}), got ${changedIndex}`);
  }
  const root = mkdtempSync(join(tmpdir(), "flox-tape-diff-"));
  try {
    const [a, b, c] = ["run-a", "run-a-copy", "run-b"].map((name) => join(root, name));
    writeTape(a, count);
    writeTape(b, count);
    writeTape(c, count, { index: changedIndex, by: 0.01 });
    const options = { maxMismatches: 16, fieldToleranceNs: 0 };
    return { same: flox.tapeDiff(a, b, options), changed: flox.tapeDiff(a, c, options) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function report(label: string, diff: flox.TapeDiff): void {
  console.log(
    `${label}: equal=${diff.equal} firstDivergenceIndex=${diff.firstDivergenceIndex} ` +
      `mismatchCount=${diff.mismatchCount} (${diff.leftCount} vs ${diff.rightCount} trades)`,
  );
  if (!diff.equal) {
    console.log(`  first divergence at index ${diff.firstDivergenceIndex}`);
    for (const m of diff.mismatches.slice(0, 3)) {
      console.log(
        " ",
        JSON.stringify(m, (_k, v) => typeof v === "bigint" ? String(v) : v),
      );
    }
  }
}

if (import.meta.main) {
  const { same, changed } = tapeDiffExample();
  report("run-a vs copy ", same);
  report("run-a vs run-b", changed);
}
