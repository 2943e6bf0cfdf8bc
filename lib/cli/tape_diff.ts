// `flox tape diff A B`: compares two tapes trade by trade; exit 0 equal, 1 divergent, 2 unreadable.
import { type Command, ExitCode } from "./command.ts";
import { decimalFromRaw, formatCount, isoFromNs, sideName } from "./format.ts";
import { loadTapeApi, type TapeDiff, type TradeRow } from "./tape_api.ts";
import { requireTapeDir } from "./tape_input.ts";

/** Mismatch rows shown in the human report; --json has every recorded one. */
const SAMPLE_ROWS = 10;
const DEFAULT_MAX_MISMATCHES = 16;

export const tapeDiffCommand: Command = {
  name: "diff",
  summary: "Compare two tapes trade by trade (exit 0 equal, 1 divergent)",
  description: "Reads the trades of LEFT and RIGHT in replay order and compares them pairwise on timestamp,\n" +
    "symbol id, price, quantity and side (book updates are not compared). When they differ, the first\n" +
    "divergent index and sample rows go to stderr; the exit code says equal or not, for CI gates.",
  positionals: [
    { name: "LEFT", description: "Reference tape directory" },
    { name: "RIGHT", description: "Tape directory to compare with it" },
  ],
  options: [
    {
      name: "ts-tolerance-ns",
      kind: "bigint",
      valueName: "N",
      description: "Timestamps may differ by up to N nanoseconds and still match (default 0)",
    },
    {
      name: "max-mismatches",
      kind: "count",
      valueName: "K",
      description: `Record at most K mismatching rows (default ${DEFAULT_MAX_MISMATCHES}, 0 = all); all are counted`,
    },
    { name: "json", kind: "flag", description: "Print the whole diff as JSON on stdout (exit codes unchanged)" },
  ],
  exitCodes: [
    [ExitCode.OK, "The tapes hold the same trades"],
    [ExitCode.FAILED, "They diverge (first divergent index and sample rows on stderr)"],
    [ExitCode.USAGE, "Bad usage, or a tape is missing or unreadable"],
  ],
  examples: [
    "flox tape diff ./tapes/run-a ./tapes/run-b",
    "flox tape diff ./tapes/live-a ./tapes/live-b --ts-tolerance-ns 1000000 --json > diff.json",
  ],
  async run(args, context) {
    const left = requireTapeDir(args.positionals[0], "LEFT tape");
    const right = requireTapeDir(args.positionals[1], "RIGHT tape");
    const api = await loadTapeApi();
    const progress = context.progress("diff", "bytes");
    let diff;
    try {
      diff = api.tapeDiff(left, right, {
        maxMismatches: args.count("max-mismatches") ?? DEFAULT_MAX_MISMATCHES,
        fieldToleranceNs: args.bigint("ts-tolerance-ns") ?? 0n,
        onProgress: (done, total) => progress.update(done, total),
      });
    } finally {
      progress.finish();
    }
    if (args.flag("json")) {
      context.out.write(JSON.stringify(diff.toJSON(), jsonSafe, 2) + "\n");
    } else if (diff.equal) {
      context.out.write(`${context.name}: EQUAL (${formatCount(diff.leftCount)} trade(s) on each side)\n`);
    } else {
      context.err.write(divergenceReport(context.name, args.positionals[0], args.positionals[1], diff));
    }
    // A damaged side may compare equal to a truncated copy: say so whatever the verdict.
    for (const [side, count] of [["LEFT", diff.leftDamaged], ["RIGHT", diff.rightDamaged]] as const) {
      if (count > 0) {
        context.err.write(
          `${context.name}: warning: ${side} is damaged (${count} problem(s); unreadable data was skipped); ` +
            `'flox tape inspect' lists them\n`,
        );
      }
    }
    return diff.equal ? ExitCode.OK : ExitCode.FAILED;
  },
};

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** The human report of a divergence (for stderr). */
export function divergenceReport(name: string, leftPath: string, rightPath: string, diff: TapeDiff): string {
  const lines = [
    `${name}: DIVERGENT`,
    `  left : ${leftPath}  (${formatCount(diff.leftCount)} trades)`,
    `  right: ${rightPath}  (${formatCount(diff.rightCount)} trades)`,
    `  first divergent index: ${diff.firstDivergenceIndex}`,
    `  mismatches: ${formatCount(diff.mismatchCount)} in total, ${diff.mismatches.length} recorded`,
  ];
  for (const m of diff.mismatches.slice(0, SAMPLE_ROWS)) {
    const what = m.kind === "missing_left"
      ? "only on the right"
      : m.kind === "missing_right"
      ? "only on the left"
      : `${m.fields.map((f) => FIELD_LABELS[f] ?? f).join(", ")} differ`;
    lines.push(`  [${m.index}] ${what}`, `      left : ${row(m.left)}`, `      right: ${row(m.right)}`);
  }
  const more = diff.mismatches.length - SAMPLE_ROWS;
  if (more > 0) lines.push(`  ... ${more} more recorded mismatch(es); --json prints them all`);
  return lines.join("\n") + "\n";
}

/** Short names of TradeRow fields for the human report. */
const FIELD_LABELS: Record<string, string> = {
  exchangeTsNs: "ts",
  symbolId: "symbol",
  priceRaw: "price",
  qtyRaw: "qty",
  side: "side",
};

/** A diff row: raw fixed-point values shown as exact decimals at the 1e8 scale, plus the raw price. */
function row(r: TradeRow | null): string {
  if (r === null) return "-";
  return `ts=${r.exchangeTsNs} (${isoFromNs(r.exchangeTsNs)}) sym=${r.symbolId} ` +
    `price=${decimalFromRaw(r.priceRaw)} qty=${decimalFromRaw(r.qtyRaw)} ${sideName(r.side)} ` +
    `(raw ${r.priceRaw}/${r.qtyRaw})`;
}
