// Tape throughput: write, read into typed arrays, replay through a JS callback, and diff, on N
// synthetic trades (default 10 million), uncompressed and LZ4, with a plain-TypeScript DataView
// codec of the same uncompressed files as the baseline measured in the same run.
//
//   deno run -A bench/tape.bench.ts [--trades N] [--repeat R] [--tmp DIR]
//   bun run bench/tape.bench.ts     [--trades N] [--repeat R] [--tmp DIR]
//
// Everything is written under a fresh directory in --tmp (default: the OS temp dir) and removed at
// the end, also on Ctrl+C. Free space is checked first; N is scaled down (and the output says so)
// when the disk is short. Reads run from a warm page cache (the files were just written).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { arch, cpus, platform, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { parseArgs, UsageError } from "../lib/cli/args.ts";
import { formatBytes, formatCount } from "../lib/cli/format.ts";
import { makeRecorderHook, readTrades, replayTape, tapeDiff } from "../mod.ts";
import { readTradesDataView, writeTradesDataView } from "./baseline/floxlog_dataview.ts";

const GOALS = { read: 50e6, replay: 20e6, write: 20e6 };
const BYTES_PER_TRADE_UNCOMPRESSED = 60; // 12-byte frame header + 48-byte trade record

interface Columns {
  tsNs: BigInt64Array;
  symbolId: Uint32Array;
  price: Float64Array;
  qty: Float64Array;
  side: Uint8Array;
}

function options() {
  try {
    const args = parseArgs(process.argv.slice(2), {
      positionals: [],
      options: [
        { name: "trades", kind: "count", valueName: "N", description: "trades to write (default 10,000,000)" },
        { name: "repeat", kind: "count", valueName: "R", description: "runs of each read; the best is kept (2)" },
        { name: "tmp", kind: "string", valueName: "DIR", description: "where to write (default: OS temp dir)" },
      ],
    });
    return {
      trades: args.count("trades") ?? 10_000_000,
      repeat: Math.max(1, args.count("repeat") ?? 2),
      tmp: args.string("tmp") ?? tmpdir(),
    };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`tape.bench: ${e.message}\nusage: tape.bench.ts [--trades N] [--repeat R] [--tmp DIR]`);
    process.exit(2);
  }
}

/** Free bytes on the filesystem holding `dir`, from `df` (works the same under Deno and Bun). */
function freeBytes(dir: string): number {
  const df = spawnSync("df", ["-Pk", dir], { encoding: "utf8" });
  const fields = df.stdout?.trim().split("\n").pop()?.split(/\s+/) ?? [];
  const kib = Number(fields[3]);
  return Number.isFinite(kib) ? kib * 1024 : Infinity;
}

/** Deterministic synthetic trades: 4 symbols, a cent-grid random walk, increasing timestamps. */
function synthesize(n: number): Columns {
  const c: Columns = {
    tsNs: new BigInt64Array(n),
    symbolId: new Uint32Array(n),
    price: new Float64Array(n),
    qty: new Float64Array(n),
    side: new Uint8Array(n),
  };
  let seed = 0x9e3779b9;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const ts32 = new Int32Array(c.tsNs.buffer);
  let ts = 1_763_726_400_000_000_000n;
  let cents = 6_500_000;
  for (let i = 0; i < n; i++) {
    if ((i & 1023) === 0) ts += 1_000_000n; // keeps the bigint arithmetic off the per-row path
    const t = ts + BigInt(i & 1023) * 977n;
    ts32[2 * i] = Number(t & 0xffffffffn) | 0;
    ts32[2 * i + 1] = Number(t >> 32n);
    cents += Math.floor(next() * 5) - 2;
    c.price[i] = cents / 100;
    c.qty[i] = (Math.round(next() * 1e6) + 10_000) / 1e8; // an exact 1e8 grid value: reads back bit for bit
    c.symbolId[i] = 1 + Math.floor(next() * 4);
    c.side[i] = next() < 0.5 ? 0 : 1;
  }
  return c;
}

function tapeBytes(dir: string): number {
  return readdirSync(dir).filter((f) => f.endsWith(".floxlog")).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
}

function sameTrades(a: Columns, b: Columns, n: number, what: string): void {
  for (let i = 0; i < n; i++) {
    if (
      a.tsNs[i] !== b.tsNs[i] || a.symbolId[i] !== b.symbolId[i] || a.price[i] !== b.price[i] ||
      a.qty[i] !== b.qty[i] || a.side[i] !== b.side[i]
    ) {
      throw new Error(`${what}: row ${i} differs from what was written`);
    }
  }
}

/** Best wall time of `repeat` runs, in seconds, and the last result. */
function best<T>(repeat: number, fn: () => T): { seconds: number; result: T } {
  let seconds = Infinity;
  let result!: T;
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now();
    result = fn();
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  return { seconds, result };
}

interface Row {
  name: string;
  seconds: number;
  events: number;
  bytes: number;
  baseline?: number; // seconds taken by the DataView baseline for the same work
}

function main(): void {
  const opts = options();
  const versions = process.versions as Record<string, string | undefined>;
  const runtime = versions.bun ? `bun ${versions.bun}` : `deno ${versions.deno}`;

  // Uncompressed A and B (for diff), the baseline's own copy, LZ4 (smaller): about 4x N x 60 B.
  const free = freeBytes(opts.tmp);
  const perTrade = 4 * BYTES_PER_TRADE_UNCOMPRESSED;
  let n = opts.trades;
  const note: string[] = [];
  if (n * perTrade > free * 0.8) {
    const scaled = Math.floor((free * 0.8) / perTrade / 1e5) * 1e5;
    note.push(`scaled down from ${formatCount(n)} trades: only ${formatBytes(free)} free on ${opts.tmp}`);
    n = scaled;
  }
  if (n <= 0) throw new Error(`not enough free disk on ${opts.tmp} (${formatBytes(free)})`);

  const root = mkdtempSync(join(opts.tmp, "flox-tape-bench-"));
  const cleanup = () => rmSync(root, { recursive: true, force: true });
  process.on("SIGINT", () => {
    cleanup();
    process.exit(130);
  });
  try {
    console.log(
      `flox tape benchmark: ${formatCount(n)} trades, ${runtime}, ${platform()} ${arch()}, ` +
        `${cpus().length} cores, in ${root}`,
    );
    for (const line of note) console.log(`note: ${line}`);
    const data = synthesize(n);
    const rows: Row[] = [];
    const dirs = { none: join(root, "none"), lz4: join(root, "lz4"), copy: join(root, "copy"), dv: join(root, "dv") };

    // Write (bulk, one call). Each write goes to a fresh directory, so it runs once.
    const write = (dir: string, compression: "none" | "lz4") => {
      const t0 = performance.now();
      const rec = makeRecorderHook(dir, { compression });
      rec.recordTrades(data);
      rec.close();
      const seconds = (performance.now() - t0) / 1000;
      const stats = rec.stats();
      if (stats.tradesWritten !== n || stats.errors !== 0) {
        throw new Error(`write ${compression}: ${stats.tradesWritten} trades written, ${stats.errors} errors`);
      }
      return seconds;
    };
    mkdirSync(dirs.dv); // the recorder creates its own directory; the baseline writer does not
    const t0 = performance.now();
    writeTradesDataView(dirs.dv, data);
    const dvWrite = (performance.now() - t0) / 1000;
    const wNone = write(dirs.none, "none");
    const wLz4 = write(dirs.lz4, "lz4");
    write(dirs.copy, "none");
    const sizeNone = tapeBytes(dirs.none);
    const sizeLz4 = tapeBytes(dirs.lz4);
    rows.push({ name: "write bulk, uncompressed", seconds: wNone, events: n, bytes: sizeNone, baseline: dvWrite });
    rows.push({ name: "write bulk, lz4", seconds: wLz4, events: n, bytes: sizeLz4 });

    // Read into typed arrays; the result is checked against what was written.
    const dvRead = best(opts.repeat, () => readTradesDataView(dirs.none));
    sameTrades(dvRead.result, data, n, "DataView baseline read");
    for (const [label, dir, bytes] of [["uncompressed", dirs.none, sizeNone], ["lz4", dirs.lz4, sizeLz4]] as const) {
      const r = best(opts.repeat, () => readTrades(dir));
      if (r.result.length !== n) throw new Error(`read ${label}: ${r.result.length} trades, expected ${n}`);
      sameTrades(r.result, data, n, `read ${label}`);
      rows.push({
        name: `read into typed arrays, ${label}`,
        seconds: r.seconds,
        events: n,
        bytes,
        baseline: label === "uncompressed" ? dvRead.seconds : undefined,
      });
    }

    // Replay through a JS callback that touches every field.
    let sink = 0;
    const onTrade = (_ts: bigint, symbolId: number, price: number, qty: number, side: number) => {
      sink += price + qty + symbolId + side;
    };
    const dvReplay = best(opts.repeat, () => {
      const t = readTradesDataView(dirs.none);
      for (let i = 0; i < t.length; i++) onTrade(t.tsNs[i], t.symbolId[i], t.price[i], t.qty[i], t.side[i]);
      return t.length;
    });
    for (const [label, dir, bytes] of [["uncompressed", dirs.none, sizeNone], ["lz4", dirs.lz4, sizeLz4]] as const) {
      const r = best(opts.repeat, () => replayTape(dir, { onTrade }));
      if (r.result !== n) throw new Error(`replay ${label}: ${r.result} events, expected ${n}`);
      rows.push({
        name: `replay JS callback, ${label}`,
        seconds: r.seconds,
        events: n,
        bytes,
        baseline: label === "uncompressed" ? dvReplay.seconds : undefined,
      });
    }

    // Diff of two equal tapes (both sides read: events = 2N, bytes = both tapes).
    const dvDiff = best(opts.repeat, () => {
      const a = readTradesDataView(dirs.none);
      const b = readTradesDataView(dirs.copy);
      let firstDivergence = -1;
      for (let i = 0; i < a.length && firstDivergence < 0; i++) {
        if (
          a.tsNs[i] !== b.tsNs[i] || a.symbolId[i] !== b.symbolId[i] || a.price[i] !== b.price[i] ||
          a.qty[i] !== b.qty[i] || a.side[i] !== b.side[i]
        ) firstDivergence = i;
      }
      return firstDivergence;
    });
    if (dvDiff.result !== -1) throw new Error("baseline diff: the two equal tapes differ");
    const diff = best(opts.repeat, () => tapeDiff(dirs.none, dirs.copy));
    if (!diff.result.equal) throw new Error("diff: the two equal tapes differ");
    rows.push({
      name: "diff of two equal tapes, uncompressed",
      seconds: diff.seconds,
      events: 2 * n,
      bytes: 2 * sizeNone,
      baseline: dvDiff.seconds,
    });

    console.log(
      `tape sizes: uncompressed ${formatBytes(sizeNone)} (${(sizeNone / n).toFixed(1)} B/trade), ` +
        `lz4 ${formatBytes(sizeLz4)} (${(sizeLz4 / n).toFixed(1)} B/trade)`,
    );
    printTable(rows, n);
    const rate = (name: string) => n / rows.find((r) => r.name === name)!.seconds;
    const goal = (what: string, value: number, target: number) =>
      `${what} ${(value / 1e6).toFixed(1)}M/s (goal ${target / 1e6}M/s: ${value >= target ? "met" : "NOT met"})`;
    console.log(
      "goals, uncompressed: " + [
        goal("read", rate("read into typed arrays, uncompressed"), GOALS.read),
        goal("replay", rate("replay JS callback, uncompressed"), GOALS.replay),
        goal("write", rate("write bulk, uncompressed"), GOALS.write),
      ].join("; "),
    );
    if (sink === 42) console.log(""); // keeps the callback's work observable
  } finally {
    cleanup();
  }
}

function printTable(rows: Row[], n: number): void {
  const header = ["operation", "time", "trades/s", "MB/s", "DataView baseline", "ratio"];
  const lines = rows.map((r) => {
    const perSecond = r.events / r.seconds;
    const base = r.baseline === undefined ? ["-", "-"] : [
      `${r.baseline.toFixed(2)} s, ${(r.events / r.baseline / 1e6).toFixed(1)}M/s`,
      `${(r.baseline / r.seconds).toFixed(1)}x`,
    ];
    return [
      r.name,
      `${r.seconds.toFixed(3)} s`,
      `${(perSecond / 1e6).toFixed(1)}M`,
      (r.bytes / r.seconds / 1e6).toFixed(0),
      ...base,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(fmt(header));
  for (const l of lines) console.log(fmt(l));
  console.log(
    `(trades/s counts trades delivered; diff counts both sides (${
      formatCount(2 * n)
    }); MB/s = 1e6 bytes of tape on disk ` +
      "per second; ratio = baseline time / flox time; the baseline reads uncompressed files only)",
  );
}

main();
