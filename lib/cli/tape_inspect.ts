// `flox tape inspect DIR`: what a tape holds, for a human (or with --json, for a script).
import { basename } from "node:path";
import { type Command, ExitCode } from "./command.ts";
import { formatBytes, formatCount, formatSpan, isoFromNs } from "./format.ts";
import { loadTapeApi, type TapeInfo } from "./tape_api.ts";
import { requireTapeDir } from "./tape_input.ts";

export const tapeInspectCommand: Command = {
  name: "inspect",
  summary: "Summarize a tape: trade and book counts, time range, symbols, segments, damage",
  description: "Reads every segment of the tape directory DIR and prints what it holds. Damaged segments (a torn\n" +
    "tail, a CRC mismatch, a bad LZ4 block) are listed with what was skipped; the rest is still counted.",
  positionals: [{ name: "DIR", description: "Tape directory (holds the *.floxlog segment files)" }],
  options: [
    { name: "json", kind: "flag", description: "Print the summary as JSON (timestamps as decimal strings)" },
  ],
  exitCodes: [[ExitCode.OK, "Printed the summary"], [ExitCode.USAGE, "Bad usage, or DIR is missing or unreadable"]],
  examples: ["flox tape inspect ./tapes/bybit-btc", "flox tape inspect ./tapes/bybit-btc --json | jq .tradeCount"],
  async run(args, context) {
    const dir = requireTapeDir(args.positionals[0]);
    const api = await loadTapeApi();
    const progress = context.progress("inspect", "bytes");
    let info;
    try {
      info = api.inspectTape(dir, { onProgress: (done, total) => progress.update(done, total) });
    } finally {
      progress.finish();
    }
    context.out.write(args.flag("json") ? inspectJson(dir, info) : inspectText(dir, info));
    return ExitCode.OK;
  },
};

/** The human-readable summary. */
export function inspectText(dir: string, info: TapeInfo): string {
  const lines = [`flox tape inspect: ${dir}`];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(14)}: ${value}`);
  if (info.exchange) row("exchange", info.exchange);
  row("trades", formatCount(info.tradeCount));
  row("book updates", formatCount(info.bookUpdateCount));
  if (info.firstTsNs !== null && info.lastTsNs !== null) {
    row("first ts", `${isoFromNs(info.firstTsNs)}  (${info.firstTsNs} ns)`);
    row("last ts", `${isoFromNs(info.lastTsNs)}  (${info.lastTsNs} ns)`);
    row("span", formatSpan(info.firstTsNs, info.lastTsNs));
  } else {
    row("time range", "none (no events)");
  }
  const names = info.symbolNames ?? {};
  const symbols = info.symbols.map((id) => (names[id] ? `${id} (${names[id]})` : String(id)));
  row("symbols", symbols.length > 0 ? `${symbols.length}: ${symbols.join(", ")}` : "none");
  const totalBytes = info.segments.reduce((sum, s) => sum + s.bytes, 0);
  row("segments", `${info.segments.length} (${formatBytes(totalBytes)})`);
  for (const s of info.segments) {
    const traits = [s.compressed ? "lz4" : "uncompressed", s.indexed ? "indexed" : "no index"];
    if (s.sorted) traits.push("sorted");
    lines.push(
      `    ${basename(s.path)}  ${formatBytes(s.bytes)}  ${formatCount(s.events)} events  ${traits.join(", ")}`,
    );
  }
  if (info.damaged.length === 0) {
    row("damaged", "none");
  } else {
    const segments = new Set(info.damaged.map((d) => d.segment)).size;
    row("damaged", `${segments} segment(s), ${info.damaged.length} problem(s)`);
    for (const d of info.damaged) {
      lines.push(`    ${basename(d.segment)}: ${d.reason} (${formatCount(d.bytesSkipped)} bytes skipped)`);
    }
  }
  return lines.join("\n") + "\n";
}

/** The summary as JSON; bigint timestamps become decimal strings so no precision is lost. */
export function inspectJson(dir: string, info: TapeInfo): string {
  const plain = {
    path: dir,
    ...info,
    firstTsNs: info.firstTsNs === null ? null : info.firstTsNs.toString(),
    lastTsNs: info.lastTsNs === null ? null : info.lastTsNs.toString(),
  };
  return JSON.stringify(plain, (_key, value) => (typeof value === "bigint" ? value.toString() : value), 2) + "\n";
}
