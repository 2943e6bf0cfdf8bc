// `flox tape inspect | replay | diff` as a child process on tapes written through the recorder.
import { after, before, describe, test } from "node:test";
import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { makeRecorderHook, tapeDiff } from "../mod.ts";
import { runFlox } from "./support/cli.ts";
import { floxSampleTape } from "./support/tape_helpers.ts";

const root = mkdtempSync(join(tmpdir(), "flox-cli-"));
const T0 = 1_763_726_400_000_000_000n; // 2025-11-21T12:00:00Z
const tapes = {
  a: join(root, "a"),
  same: join(root, "same"),
  priceChanged: join(root, "price-changed"),
  longer: join(root, "longer"),
  big: join(root, "big"),
  torn: join(root, "torn"),
};

/** The terminal's "erase line" sequence made visible, so patterns need no control characters. */
const shownErase = (text: string) => text.replaceAll("\x1b[2K", "<erase>");

type Trade = [symbol: number, price: number, qty: number, isBuy: boolean, tsNs: bigint];
const base: Trade[] = [
  [1, 101.5, 0.5, true, T0 + 1_000_000_000n],
  [2, 101.55, 0.3, false, T0 + 1_500_000_000n],
  [1, 101.6, 1.2, true, T0 + 2_000_000_123n],
];

function record(dir: string, trades: Trade[], options: Parameters<typeof makeRecorderHook>[1] = {}): void {
  const rec = makeRecorderHook(dir, { exchange: "bybit", symbols: { 1: "BTCUSDT", 2: "ETHUSDT" }, ...options });
  for (const t of trades) rec.recordTrade(...t);
  rec.close();
}

before(() => {
  record(tapes.a, base);
  record(tapes.same, base);
  record(tapes.priceChanged, base.map((t, i) => (i === 1 ? [t[0], 101.56, t[2], t[3], t[4]] : t)));
  record(tapes.longer, [...base, [1, 101.7, 2, false, T0 + 3_000_000_000n]]);
  const n = 70_000;
  const cols = {
    tsNs: new BigInt64Array(n),
    symbolId: new Uint32Array(n).fill(1),
    price: new Float64Array(n).fill(100.25),
    qty: new Float64Array(n).fill(0.01),
    side: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) cols.tsNs[i] = T0 + BigInt(i);
  const rec = makeRecorderHook(tapes.big, {});
  rec.recordTrades(cols);
  rec.close();
  record(tapes.torn, base);
  const segment = join(tapes.torn, readdirSync(tapes.torn).find((f) => f.endsWith(".floxlog"))!);
  // Keep the header and two complete frames, then half a frame: what a killed writer leaves.
  truncateSync(segment, 64 + 60 * 2 + 30);
});
after(() => rmSync(root, { recursive: true, force: true }));

describe("flox tape inspect", () => {
  test("prints counts, timestamps in ISO and ns, symbols with names, segments, damage", () => {
    const r = runFlox(["tape", "inspect", tapes.a]);
    assertEquals(r.status, 0, r.stderr);
    const out = r.stdout;
    assertStringIncludes(out, `flox tape inspect: ${tapes.a}`);
    assertMatch(out, /trades\s+: 3\n/);
    assertMatch(out, /book updates\s+: 0\n/);
    assertStringIncludes(out, `2025-11-21T12:00:01.000000000Z  (${T0 + 1_000_000_000n} ns)`);
    assertStringIncludes(out, `2025-11-21T12:00:02.000000123Z  (${T0 + 2_000_000_123n} ns)`);
    assertMatch(out, /span\s+: 1\.000s\n/);
    assertMatch(out, /symbols\s+: 2: 1 \(BTCUSDT\), 2 \(ETHUSDT\)\n/);
    assertMatch(out, /exchange\s+: bybit\n/);
    assertMatch(out, /segments\s+: 1 /);
    assertMatch(out, /\.floxlog .* 3 events +uncompressed, indexed/);
    assertMatch(out, /damaged\s+: none\n/);
  });

  test("--json gives the same facts to a script", () => {
    const r = runFlox(["tape", "inspect", tapes.a, "--json"]);
    assertEquals(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout);
    assertEquals(info.tradeCount, 3);
    assertEquals(info.firstTsNs, String(T0 + 1_000_000_000n));
    assertEquals(info.symbols, [1, 2]);
  });

  test("a torn segment is listed as damaged; complete frames still count", () => {
    const r = runFlox(["tape", "inspect", tapes.torn]);
    assertEquals(r.status, 0, r.stderr);
    assertMatch(r.stdout, /trades\s+: 2\n/);
    assertMatch(r.stdout, /damaged\s+: 1 segment\(s\), \d+ problem\(s\)\n/);
    assertMatch(r.stdout, /\.floxlog: torn frame at offset 184/);
  });
});

describe("flox tape replay", () => {
  test("one line per trade, exact prices, --max-events caps the output", () => {
    const all = runFlox(["tape", "replay", tapes.a]);
    assertEquals(all.status, 0, all.stderr);
    assertEquals(all.stdout.trimEnd().split("\n"), [
      `${T0 + 1_000_000_000n} 2025-11-21T12:00:01.000000000Z trade sym=1 price=101.5 qty=0.5 buy`,
      `${T0 + 1_500_000_000n} 2025-11-21T12:00:01.500000000Z trade sym=2 price=101.55 qty=0.3 sell`,
      `${T0 + 2_000_000_123n} 2025-11-21T12:00:02.000000123Z trade sym=1 price=101.6 qty=1.2 buy`,
    ]);
    assertStringIncludes(all.stderr, "3 event(s)");
    const two = runFlox(["tape", "replay", tapes.a, "--max-events", "2"]);
    assertEquals(two.status, 0, two.stderr);
    assertEquals(two.stdout.trimEnd().split("\n").length, 2);
    assertStringIncludes(two.stderr, "stopped at --max-events 2");
  });

  test("progress goes to stderr only when asked for or on a terminal, never into a pipe", () => {
    const piped = runFlox(["tape", "replay", tapes.big]);
    assertEquals(piped.status, 0, piped.stderr);
    assertEquals(piped.stdout.split("\n").length - 1, 70_000);
    assert(!piped.stderr.includes("\x1b[2K"), "no progress line when stderr is a pipe");
    const forced = runFlox(["tape", "replay", tapes.big], { env: { FLOX_PROGRESS: "1" } });
    assertEquals(forced.status, 0, forced.stderr);
    // Redraws are throttled, so which fractions appear depends on timing; that one appears does not.
    assertMatch(shownErase(forced.stderr), /<erase>replay +\d+\.\d% {2}[\d.]+ (B|KiB|MiB) \/ [\d.]+ MiB/);
    assertEquals(forced.stdout, piped.stdout);
  });

  test("inspect and diff draw it too when asked, and their output stays clean", () => {
    for (const args of [["inspect", tapes.big], ["diff", tapes.big, tapes.big]]) {
      const plain = runFlox(["tape", ...args]);
      assert(!plain.stderr.includes("\x1b["), "no progress into a pipe");
      const forced = runFlox(["tape", ...args], { env: { FLOX_PROGRESS: "1" } });
      assertEquals(forced.status, 0, forced.stderr);
      assertMatch(shownErase(forced.stderr), new RegExp(`<erase>${args[0]} +\\d+\\.\\d%`));
      assertEquals(forced.stdout, plain.stdout);
    }
  });
});

describe("flox tape diff", () => {
  test("equal tapes: exit 0", () => {
    const r = runFlox(["tape", "diff", tapes.a, tapes.same]);
    assertEquals(r.status, 0, r.stderr);
    assertStringIncludes(r.stdout, "EQUAL (3 trade(s) on each side)");
  });

  test("a changed price: exit 1, index and rows on stderr", () => {
    const r = runFlox(["tape", "diff", tapes.a, tapes.priceChanged]);
    assertEquals(r.status, 1);
    assertEquals(r.stdout, "");
    assertStringIncludes(r.stderr, "DIVERGENT");
    assertStringIncludes(r.stderr, "first divergent index: 1");
    assertStringIncludes(r.stderr, "[1] price differ");
    assertStringIncludes(r.stderr, "price=101.55");
    assertStringIncludes(r.stderr, "price=101.56");
  });

  test("an extra trade on one side: exit 1 at the shorter length", () => {
    const r = runFlox(["tape", "diff", tapes.a, tapes.longer]);
    assertEquals(r.status, 1);
    assertStringIncludes(r.stderr, "first divergent index: 3");
  });

  test("--json parses and matches tapeDiff", () => {
    for (const [left, right, status] of [[tapes.a, tapes.priceChanged, 1], [tapes.a, tapes.same, 0]] as const) {
      const r = runFlox(["tape", "diff", left, right, "--json", "--max-mismatches", "5", "--ts-tolerance-ns", "0"]);
      assertEquals(r.status, status, r.stderr);
      const expected = tapeDiff(left, right, { maxMismatches: 5, fieldToleranceNs: 0n }).toJSON();
      assertEquals(
        JSON.parse(r.stdout),
        JSON.parse(JSON.stringify(expected, (_k, v) => typeof v === "bigint" ? v.toString() : v)),
      );
    }
  });

  test("--ts-tolerance-ns lets timestamps drift", () => {
    const shifted = join(root, "shifted");
    record(shifted, base.map((t) => [t[0], t[1], t[2], t[3], t[4] + 500n]));
    assertEquals(runFlox(["tape", "diff", tapes.a, shifted]).status, 1);
    assertEquals(runFlox(["tape", "diff", tapes.a, shifted, "--ts-tolerance-ns", "500"]).status, 0);
  });

  test("bad usage and unreadable input exit 2", () => {
    const usage = runFlox(["tape", "diff", tapes.a, tapes.same, "--max-mismatches", "-3"]);
    assertEquals(usage.status, 2);
    assertStringIncludes(usage.stderr, "--max-mismatches must be a non-negative integer");
    const missing = runFlox(["tape", "diff", tapes.a, join(root, "nope")]);
    assertEquals(missing.status, 2);
    assertStringIncludes(missing.stderr, "RIGHT tape not found");
    const file = join(root, "file.floxlog");
    writeFileSync(file, "not a tape");
    const notDir = runFlox(["tape", "diff", file, tapes.a]);
    assertEquals(notDir.status, 2);
    assertStringIncludes(notDir.stderr, "is not a directory");
  });
});

describe("flox tape diff on a damaged tape", () => {
  test("the verdict comes with a warning naming the damaged side", () => {
    const r = runFlox(["tape", "diff", tapes.a, tapes.torn]);
    assertEquals(r.status, 1);
    assertStringIncludes(r.stderr, "first divergent index: 2");
    assertStringIncludes(r.stderr, "warning: RIGHT is damaged");
  });
});

describe("flox tape replay on FLOX's own sample tape (1e6 scale, LZ4, unsorted)", () => {
  test("--price-scale 1e6 gives real prices; the default 1e8 would be 100x off", () => {
    const dir = floxSampleTape();
    if (dir === null) {
      console.log("skipped: shared/fixtures/flox-sample not found beside the repository");
      return;
    }
    try {
      const r = runFlox(["tape", "replay", dir, "--max-events", "1", "--price-scale", "1e6"]);
      assertEquals(r.status, 0, r.stderr);
      assertEquals(
        r.stdout,
        "1765615822902000000 2025-12-13T08:50:22.902000000Z book snapshot sym=1 bids=200 asks=200 " +
          "bid=90499.201@1.447 ask=90499.302@2.22\n",
      );
      const bad = runFlox(["tape", "replay", dir, "--price-scale", "zero"]);
      assertEquals(bad.status, 2);
      assertStringIncludes(bad.stderr, "--price-scale must be a positive number, got 'zero'");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
